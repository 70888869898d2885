"""``mirae train``, ``mirae models``, ``mirae evaluate``, ``mirae predict`` and ``mirae alias``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mirae.cli._app import (
    AliasOpt,
    ExplainOpt,
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

LEADERBOARD_SHOWN = 10


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN: a one-fold std
        return ""
    return f"{value:.4f}" if isinstance(value, float) else str(value)


@app.command()
@friendly_errors
def train(
    table: Annotated[str, typer.Argument(help="Table to learn from (its latest snapshot).")],
    target: Annotated[str, typer.Option(help="Column to predict.")],
    task: Annotated[str, typer.Option(help="auto, classification or regression.")] = "auto",
    time_budget: Annotated[
        float | None, typer.Option("--time-budget", help="Seconds for the model search.")
    ] = None,
    n_trials: Annotated[
        int | None, typer.Option("--n-trials", help="Search trials (reproducible with --seed).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the split, folds, models and search.")] = 0,
    metric: Annotated[str | None, typer.Option(help="Metric to optimise, e.g. roc_auc or rmse.")] = None,
    folds: Annotated[int, typer.Option("--cv", help="Cross-validation folds.")] = 5,
    screen: Annotated[
        bool,
        typer.Option(
            "--screen/--no-screen",
            help="After the first fold, stop the families clearly behind the leader; --no-screen: every family runs every fold.",
        ),
    ] = True,
    group: Annotated[str | None, typer.Option(help="Keep the rows of one group together.")] = None,
    time: Annotated[str | None, typer.Option(help="Time column: time-ordered folds and holdout.")] = None,
    segment_by: Annotated[
        str | None, typer.Option("--segment-by", help="Columns for the per-segment error table.")
    ] = None,
    models: Annotated[
        str | None, typer.Option(help="Model families to try, e.g. linear,lightgbm (default: all).")
    ] = None,
    holdout: Annotated[float, typer.Option(help="Share of rows held out for the report.")] = 0.2,
    name: Annotated[
        str | None, typer.Option("--name", help="Registered model name (default: the table).")
    ] = None,
    alias: AliasOpt = None,
    register: RegisterOpt = True,
    explain: ExplainOpt = True,
    positive: Annotated[
        str | None,
        typer.Option(help="The class the report treats as positive (the risk predicted, e.g. bad)."),
    ] = None,
    n_jobs: Annotated[int, typer.Option("--n-jobs", help="Threads the models may use (-1: all cores).")] = -1,
    html: Annotated[Path | None, typer.Option(help="Also write the holdout report here.")] = None,
    lang: LangOpt = None,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find the best model for TARGET, log the run to MLflow and register it.

    학습: TARGET을 예측할 최적 모델을 찾아 MLflow에 기록하고 등록합니다.
    """
    from mirae.service import TrainSpec, train

    lang = report_lang(lang)
    spec = TrainSpec.parse(
        table=table,
        target=target,
        task=task,
        time_budget=time_budget,
        n_trials=n_trials,
        seed=seed,
        metric=metric,
        cv=folds,
        screen=screen,
        group=group,
        time=time,
        segment_by=segment_by,
        models=models,
        holdout=holdout,
        model_name=name,
        register=register,
        alias=alias,
        lang=lang,
        n_jobs=n_jobs,
        explain=explain,
        positive=positive,
    )
    ctx = open_context(workspace, tracking_uri)
    with progress_bar(enabled=not as_json) as progress:
        run = train(ctx, spec, progress=progress)
    if html is not None and run.report is not None:
        run.report.to_html(html, lang=lang)
    if as_json:
        data = run.to_dict()
        data["html"] = str(html) if html is not None and run.report is not None else None
        print_json(data)
        return
    board = run.leaderboard[:LEADERBOARD_SHOWN]
    metric_name = run.metric
    print_table(
        say("cli_leaderboard_for", target=target, table=table, rows=run.rows_train, task=run.task),
        headers("rank", "model", "mean", "std", "fit_s", "chosen", metric=metric_name),
        [
            (
                r["rank"],
                r["model"],
                _fmt(r[f"{metric_name}_mean"]),
                _fmt(r[f"{metric_name}_std"]),
                _fmt(r["fit_time_s"]),
                "*" if r["chosen"] else "",
            )
            for r in board
        ],
    )
    if run.holdout_metrics:
        shown = ", ".join(f"{k} {v:.4f}" for k, v in list(run.holdout_metrics.items())[:6])
        typer.echo(say("cli_holdout", rows=run.rows_holdout, shown=shown))
    for note in run.notices:
        typer.echo(say("cli_note", note=note))
    typer.echo(say("cli_run_in", run=run.run_id, experiment=run.experiment))
    if run.model_ref:
        alias_text = f" (@{run.alias})" if run.alias else ""
        typer.echo(say("cli_registered_model", ref=run.model_ref) + alias_text)
    if html is not None and run.report is not None:
        typer.echo(say("cli_report", path=html))


@app.command("models")
@friendly_errors
def list_models(
    name: Annotated[str | None, typer.Argument(help="Show the versions of this model.")] = None,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List registered models (or the versions of one) with aliases and lineage.

    모델 목록: 등록된 모델(또는 한 모델의 버전)을 별칭·계보와 함께 보여 줍니다.
    """
    from mirae.service import list_models as registered_models
    from mirae.service import model_versions

    ctx = open_context(workspace, tracking_uri)
    if name is not None:
        versions = model_versions(ctx, name)
        if as_json:
            print_json([v.to_dict() for v in versions])
            return
        print_table(
            say("cli_versions_of", name=name),
            headers("version", "aliases", "table", "snapshot", "target", "task", "run", "created"),
            [
                (
                    v.version,
                    ", ".join(v.aliases),
                    v.tags.get("mirae.table"),
                    v.tags.get("mirae.snapshot_id"),
                    v.tags.get("mirae.target"),
                    v.tags.get("mirae.task"),
                    v.run_id,
                    v.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                )
                for v in versions
            ],
        )
        return
    models = registered_models(ctx)
    if as_json:
        print_json([m.to_dict() for m in models])
        return
    if not models:
        typer.echo(say("cli_no_models"))
        return
    print_table(
        say("cli_registered_models"),
        headers("model", "latest", "aliases", "updated"),
        [
            (
                m.name,
                m.latest_version,
                ", ".join(f"{a}={v}" for a, v in sorted(m.aliases.items())),
                m.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
            )
            for m in models
        ],
    )


@app.command()
@friendly_errors
def evaluate(
    model: Annotated[str, typer.Argument(help="NAME, NAME@ALIAS or NAME/VERSION.")],
    table: Annotated[str, typer.Argument(help="Table with known outcomes.")],
    target: Annotated[str, typer.Option(help="Column holding the truth.")],
    segment_by: Annotated[
        str | None, typer.Option("--segment-by", help="Columns for the per-segment error table.")
    ] = None,
    html: Annotated[Path | None, typer.Option(help="Write the standalone HTML report here.")] = None,
    lang: LangOpt = None,
    explain: ExplainOpt = True,
    positive: Annotated[
        str | None, typer.Option(help="The class treated as positive (default: the one set at training).")
    ] = None,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Evaluate a registered model on a table: metrics, curves, segments, explanations.

    평가: 등록된 모델을 테이블로 평가합니다 (지표, 곡선, 세그먼트, 설명).
    """
    from mirae.service import EvaluateSpec, evaluate

    lang = report_lang(lang)
    spec = EvaluateSpec.parse(
        model=model,
        table=table,
        target=target,
        segment_by=segment_by,
        html=html,
        lang=lang,
        explain=explain,
        positive=positive,
    )
    ctx = open_context(workspace, tracking_uri)
    with progress_bar(enabled=not as_json) as progress:
        result = evaluate(ctx, spec, progress=progress)
    if as_json:
        print_json(result.to_dict())
        return
    print_table(
        say("cli_evaluated", model=result.model, table=table, rows=result.rows),
        headers("metric", "value"),
        [(k, _fmt(v)) for k, v in result.metrics.items()],
    )
    if result.missing_target:
        typer.echo(say("cli_dropped_no_target", rows=result.missing_target, target=target))
    if result.html:
        typer.echo(say("cli_report", path=result.html))


@app.command()
@friendly_errors
def predict(
    model: Annotated[str, typer.Argument(help="NAME, NAME@ALIAS or NAME/VERSION.")],
    table: Annotated[str, typer.Argument(help="Table to score.")],
    into: Annotated[str, typer.Option(help="Table to write (input columns + predictions).")],
    mode: WriteModeOpt = "create",
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score a table with a registered model into a new table (one snapshot).

    예측(스코어링): 등록된 모델로 테이블의 모든 행을 점수화해 새 테이블에 씁니다.
    """
    from mirae.service import PredictSpec, predict

    spec = PredictSpec.parse(model=model, table=table, into=into, mode=mode)
    ctx = open_context(workspace, tracking_uri)
    with progress_bar(enabled=not as_json) as progress:
        run = predict(ctx, spec, progress=progress)
    if as_json:
        print_json(run.to_dict())
        return
    typer.echo(
        say(
            "cli_scored",
            rows=run.rows,
            model=run.model,
            table=run.table,
            snapshot=run.snapshot.snapshot_id,
            added=", ".join(run.added_columns),
        )
    )
    if run.ignored_columns:
        typer.echo(say("cli_not_used", columns=", ".join(run.ignored_columns)))
    for note in run.notes:
        typer.echo(say("cli_note", note=note))


@app.command()
@friendly_errors
def alias(
    model: Annotated[str, typer.Argument(help="Registered model name.")],
    version: Annotated[int, typer.Argument(help="Version the alias should point at.")],
    name: Annotated[str, typer.Argument(help="Alias, e.g. champion.")],
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Point MODEL@ALIAS at VERSION (moving it from the version it pointed at).

    별칭: MODEL@ALIAS가 VERSION을 가리키게 합니다.
    """
    from mirae.service import set_alias

    info = set_alias(open_context(workspace, tracking_uri), model, name, version)
    if as_json:
        print_json(info.to_dict())
        return
    typer.echo(say("cli_alias_set", model=model, alias=name, version=info.version))
