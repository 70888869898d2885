"""``mirae forecast`` and ``mirae simulate``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer

from mirae.cli._app import (
    AliasOpt,
    JsonOpt,
    LangOpt,
    RegisterOpt,
    TrackingOpt,
    WorkspaceOpt,
    WriteModeOpt,
    app,
    friendly_errors,
    open_context,
    report_lang,
)
from mirae.cli._console import headers, print_json, print_table, progress_bar, say


@app.command()
@friendly_errors
def forecast(
    table: Annotated[str, typer.Argument(help="Long-format sales table.")],
    id_col: Annotated[str, typer.Option("--id", help="Series id column (the bottom level).")],
    time_col: Annotated[str, typer.Option("--time", help="Time column.")],
    target: Annotated[str, typer.Option(help="Target column (e.g. units sold).")],
    h: Annotated[int, typer.Option("--horizon", "--h", help="Horizon in periods.")],
    into: Annotated[str, typer.Option(help="Table to write the forecasts to.")],
    mode: WriteModeOpt = "create",
    hierarchy: Annotated[
        str | None, typer.Option(help="Levels top-down, e.g. group/product/item (the id last).")
    ] = None,
    exog: Annotated[str | None, typer.Option(help="Future-known columns, e.g. price,promo.")] = None,
    future: Annotated[str | None, typer.Option(help="Table with future values of --exog columns.")] = None,
    freq: Annotated[str | None, typer.Option(help="D, W, M or Q (default: inferred).")] = None,
    fill: Annotated[str | None, typer.Option(help="Fill missing periods: zero or missing.")] = None,
    negative: Annotated[
        str, typer.Option(help="Negative targets: error, keep (returns, adjustments) or zero.")
    ] = "error",
    models: Annotated[
        str | None,
        typer.Option(help="Models to try, e.g. ETS,ARIMA,Theta,GlobalBoost (default: chosen from the data)."),
    ] = None,
    level: Annotated[str, typer.Option(help="Prediction-interval levels.")] = "80,95",
    windows: Annotated[
        int, typer.Option("--n-windows", "--windows", help="Backtest windows used to choose models.")
    ] = 3,
    reconcile: Annotated[str, typer.Option(help="mint_shrink, bottom_up or top_down.")] = "mint_shrink",
    holidays: Annotated[
        str, typer.Option(help="Public holidays of this country as features (KR, US, ...; 'none' for none).")
    ] = "KR",
    events: Annotated[str | None, typer.Option(help="Table of user events (columns date, event).")] = None,
    n_jobs: Annotated[int, typer.Option("--n-jobs", help="Processes / threads to use (-1: all cores).")] = -1,
    track: Annotated[bool, typer.Option(help="Log an MLflow run of the forecast.")] = True,
    name: Annotated[
        str | None, typer.Option("--name", help="Registered model name (default: the --into table).")
    ] = None,
    alias: AliasOpt = None,
    register: RegisterOpt = True,
    html: Annotated[Path | None, typer.Option(help="Also write the forecast report (HTML) here.")] = None,
    lang: LangOpt = None,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Forecast every series (and hierarchy level) and store forecasts and backtest scores.

    예측: 모든 시계열(과 계층 수준)을 예측하고, 예측·백테스트 점수를 테이블로 저장합니다.
    """
    from mirae.service import ForecastSpec, forecast

    spec = ForecastSpec.parse(
        table=table,
        id=id_col,
        time=time_col,
        target=target,
        h=h,
        into=into,
        mode=mode,
        hierarchy=hierarchy,
        exog=exog,
        future=future,
        freq=freq,
        fill=fill,
        negative=negative,
        models=models,
        level=level,
        n_windows=windows,
        reconcile=reconcile,
        holidays=holidays,
        events=events,
        n_jobs=n_jobs,
        track=track,
        model_name=name,
        alias=alias,
        register=register,
        html=html,
        lang=report_lang(lang),
    )
    ctx = open_context(workspace, tracking_uri)
    with progress_bar(enabled=not as_json) as progress:
        run = forecast(ctx, spec, progress=progress)
    if as_json:
        print_json(run.to_dict())
        return
    typer.echo(
        say("cli_forecast_done", series=run.series, horizon=run.horizon, table=run.table, rows=run.rows)
    )
    if run.leaderboard:
        columns = list(run.leaderboard[0].keys())
        print_table(say("cli_backtest_board"), columns, [[r[c] for c in columns] for r in run.leaderboard])
    for g in run.group_choice:
        typer.echo(say("cli_group_model", group=g["group"], series=g["series"], model=g["model"]))
    if run.backtest_metrics:
        shown = ", ".join(f"{k.removeprefix('backtest_')} {v:.3f}" for k, v in run.backtest_metrics.items())
        typer.echo(say("cli_backtest_of", shown=shown))
    for note in run.notes:
        typer.echo(say("cli_note", note=note))
    typer.echo(
        say("cli_scores_table", table=run.scores_table)
        + (say("cli_mlflow_run", run=run.run_id) if run.run_id else "")
    )
    if run.model_ref:
        typer.echo(say("cli_registered_forecaster", ref=run.model_ref) + (f" (@{alias})" if alias else ""))
    if run.html:
        typer.echo(say("cli_report", path=run.html))


@app.command()
@friendly_errors
def simulate(
    table: Annotated[str, typer.Argument(help="Long-format sales table with a price column.")],
    id_col: Annotated[str, typer.Option("--id", help="Series id column.")],
    time_col: Annotated[str, typer.Option("--time", help="Time column.")],
    target: Annotated[str, typer.Option(help="Units column.")],
    price: Annotated[str, typer.Option(help="Price column.")],
    cost: Annotated[float, typer.Option(help="Unit cost.")],
    h: Annotated[int, typer.Option("--h", help="Periods the scenario covers.")] = 4,
    item: Annotated[str | None, typer.Option(help="One series id.")] = None,
    where: Annotated[
        list[str] | None, typer.Option(help="Select a group: COLUMN=VALUE (repeatable).")
    ] = None,
    promo: Annotated[str | None, typer.Option(help="0/1 promotion column (adds promo on/off).")] = None,
    discounts: Annotated[str, typer.Option(help="Discount percents.")] = "0,10,20,30,40",
    prices: Annotated[str | None, typer.Option(help="Explicit price points.")] = None,
    freq: Annotated[str | None, typer.Option(help="D, W, M or Q (default: inferred).")] = None,
    elasticity: Annotated[
        float | None, typer.Option(help="A known price elasticity (e.g. -1.5) instead of estimating one.")
    ] = None,
    into: Annotated[str | None, typer.Option(help="Also store the scenario table.")] = None,
    mode: WriteModeOpt = "create",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What happens to units and margin at each discount: the pricing-meeting table.

    시뮬레이션: 할인·가격·프로모션별 판매량과 마진 (가격 회의용 표).
    """
    from mirae.service import SimulateSpec, simulate

    spec = SimulateSpec.parse(
        table=table,
        id=id_col,
        time=time_col,
        target=target,
        price=price,
        unit_cost=cost,
        h=h,
        item=item,
        where=where,
        promo=promo,
        discounts=discounts,  # text: percents
        prices=prices or (),
        freq=freq,
        elasticity=elasticity,
        into=into,
        mode=mode,
    )
    ctx = open_context(workspace)
    with progress_bar(enabled=not as_json) as progress:
        run = simulate(ctx, spec, progress=progress)
    if as_json:
        print_json(run.to_dict())
        return
    rows: list[list[Any]] = [
        [
            ("* " if r["best"] else "") + str(r["scenario"]),
            f"{100 * r['discount']:.0f}%",
            f"{r['price']:,.2f}",
            f"{r['units']:,.0f}",
            f"{r['revenue']:,.0f}",
            f"{r['margin']:,.0f}",
            f"{100 * r['margin_rate']:.1f}%",
        ]
        for r in run.scenarios.to_dict("records")
    ]
    print_table(
        say(
            "cli_whatif_title",
            selection=run.selection,
            horizon=run.horizon,
            units=run.baseline_units,
            price=run.reference_price,
        ),
        headers("scenario", "discount", "price", "units", "revenue", "margin", "margin_pct"),
        rows,
    )
    spread = run.elasticity_interval
    typer.echo(
        say("cli_elasticity", method=run.method, elasticity=run.elasticity)
        + (say("cli_elasticity_interval", low=spread[0], high=spread[1]) if spread else "")
        + (say("cli_uplift", uplift=math.exp(run.uplift)) if promo else "")
        + say("cli_observations", n=run.n_obs)
        + (say("cli_best_marked") if run.scenarios["best"].any() else say("cli_no_best"))
    )
    for note in run.notes:
        typer.echo(say("cli_note", note=note))
