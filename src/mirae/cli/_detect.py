"""``mirae detect``: anomalies in metric series (the normal range, window and multi-metric detectors)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
from mirae.cli._console import print_json, progress_bar, say


@app.command()
@friendly_errors
def detect(
    table: Annotated[str, typer.Argument(help="Table of metrics: a time column, metric columns, groups.")],
    into: Annotated[str, typer.Option(help="Table of scored rows (INTO_events: one row per alert).")],
    time_col: Annotated[
        str | None, typer.Option("--time", help="Time column (default: the row order).")
    ] = None,
    value: Annotated[
        str | None, typer.Option(help="Metric column(s), e.g. cpu or cpu,latency (default: every numeric).")
    ] = None,
    by: Annotated[
        str | None, typer.Option(help="Group column(s), e.g. host: each group is its own series.")
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            help="auto (chosen per series), band (normal range), subpca, poly; all metrics together: "
            "iforest, ecod, pca, correlation."
        ),
    ] = "auto",
    threshold: Annotated[
        float | None, typer.Option(help="Robust z-score above which a row is flagged (default: per method).")
    ] = None,
    contamination: Annotated[
        float | None, typer.Option(help="Flag this share of the rows instead, e.g. 0.01.")
    ] = None,
    min_duration: Annotated[int, typer.Option("--min-duration", help="Flagged rows an alert needs.")] = 1,
    cooldown: Annotated[
        int, typer.Option(help="Unflagged rows that may separate the flagged rows of one alert.")
    ] = 3,
    duplicates: Annotated[
        str, typer.Option(help="Rows of a series sharing a timestamp: mean, last or error.")
    ] = "mean",
    seasonality: Annotated[
        str, typer.Option(help="auto, none, hour, weekday, week_hour, or a period in rows (e.g. 24).")
    ] = "auto",
    window: Annotated[int | None, typer.Option(help="Rows per window (window methods, correlation).")] = None,
    label: Annotated[
        str | None, typer.Option(help="0/1 column of known anomalies: evaluated against, never fitted on.")
    ] = None,
    mode: WriteModeOpt = "create",
    seed: Annotated[int | None, typer.Option(help="Seed of the isolation forest.")] = None,
    track: Annotated[bool, typer.Option(help="Log an MLflow run of the detection.")] = True,
    name: Annotated[
        str | None, typer.Option("--name", help="Registered model name (default: the --into table).")
    ] = None,
    alias: AliasOpt = None,
    register: RegisterOpt = True,
    html: Annotated[Path | None, typer.Option(help="Also write the anomaly report (HTML) here.")] = None,
    lang: LangOpt = None,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score metric series for anomalies (normal range per series) and store the scored rows and the alerts.

    이상 탐지: 지표 시계열마다 정상 범위를 벗어난 행을 찾아 점수와 경보를 테이블로 저장합니다.
    """
    from mirae.service import DetectSpec, detect

    spec = DetectSpec.parse(
        table=table,
        time=time_col,
        value=value,
        by=by,
        method=method,
        threshold=threshold,
        contamination=contamination,
        min_duration=min_duration,
        cooldown=cooldown,
        duplicates=duplicates,
        seasonality=seasonality,
        window=window,
        label=label,
        into=into,
        mode=mode,
        seed=seed,
        track=track,
        model_name=name,
        alias=alias,
        register=register,
        html=html,
        lang=report_lang(lang),
    )
    ctx = open_context(workspace, tracking_uri)
    with progress_bar(enabled=not as_json) as progress:
        run = detect(ctx, spec, progress=progress)
    if as_json:
        print_json(run.to_dict())
        return
    typer.echo(
        say(
            "cli_detect_done",
            rows=run.rows,
            series=len(run.series),
            table=run.table,
            flagged=run.flagged,
            events=run.events,
            events_table=run.events_table,
        )
        + (say("cli_mlflow_run", run=run.run_id) if run.run_id else "")
    )
    for row in run.series[:20]:
        group = ", ".join(str(row[c]) for c in spec.by)
        reason = row.get("reason")
        why = say(reason["key"], **reason["params"]) if reason else say("cli_detect_chosen")
        typer.echo(
            say(
                "cli_detect_series",
                series=f"{group} " if group else "",
                metric=row["metric"],
                method=row["method"],
                why=why,
            )
        )
    if len(run.series) > 20:
        typer.echo(say("cli_detect_more_series", more=len(run.series) - 20))
    if run.evaluation:
        shown = ", ".join(
            f"{k} {v:,.0f}" if k == "events_detected" else f"{k} {v:.3f}" for k, v in run.evaluation.items()
        )
        typer.echo(say("cli_detect_eval", label=label, shown=shown))
    for key, params in run.note_keys:
        typer.echo(say("cli_note", note=say(key, **params)))
    if run.model_ref:
        typer.echo(say("cli_registered_detector", ref=run.model_ref) + (f" (@{alias})" if alias else ""))
    if run.html:
        typer.echo(say("cli_report", path=run.html))
