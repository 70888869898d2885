"""``mirae detect-logs``: log templates, per-template counts per window, and the anomalous windows."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mirae.cli._app import (
    JsonOpt,
    LangOpt,
    TrackingOpt,
    WorkspaceOpt,
    WriteModeOpt,
    app,
    friendly_errors,
    open_context,
    report_lang,
)
from mirae.cli._console import headers, print_json, print_table, progress_bar, say


@app.command("detect-logs")
@friendly_errors
def detect_logs(
    file: Annotated[Path, typer.Argument(help="Log file (UTF-8 or CP949; see --encoding).")],
    into: Annotated[
        str, typer.Option(help="Table of counts per template per window (INTO_lines: the lines).")
    ],
    format: Annotated[  # noqa: A002 - the option's name
        str | None,
        typer.Option(
            help="Line layout: a regex with named groups time and message, or iso, apache, syslog, bgl, ..."
        ),
    ] = None,
    time_format: Annotated[
        str | None, typer.Option("--time-format", help="Time format: strptime codes, iso or epoch.")
    ] = None,
    window: Annotated[str, typer.Option(help="Width of a counting window (5min, 1h, 1D).")] = "5min",
    year: Annotated[
        int | None, typer.Option(help="Year of year-less times (syslog's 'Jun 14 15:16:01').")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding (default: UTF-8, else CP949).")] = None,
    similarity: Annotated[
        float, typer.Option(help="Share of equal tokens a line needs to join a template.")
    ] = 0.4,
    depth: Annotated[int, typer.Option(help="Depth of the template parse tree.")] = 4,
    band: Annotated[float, typer.Option(help="A template's normal range, in robust deviations.")] = 4.0,
    warmup: Annotated[int, typer.Option(help="First windows whose templates count as known (not new).")] = 12,
    mode: WriteModeOpt = "create",
    track: Annotated[bool, typer.Option(help="Log an MLflow run.")] = True,
    html: Annotated[Path | None, typer.Option(help="Also write the log report (HTML) here.")] = None,
    lang: LangOpt = None,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Mine a log file's templates, count them per window and flag bursts, drops, new templates and mix shifts.

    로그 이상 탐지: 로그 템플릿을 찾고 구간별로 세어, 급증·급감, 새 템플릿, 템플릿 구성 변화를 찾습니다.
    """
    from mirae.service import DetectLogsSpec, detect_logs

    spec = DetectLogsSpec.parse(
        source=file, into=into, mode=mode, format=format, time_format=time_format, window=window, year=year,
        encoding=encoding, similarity=similarity, depth=depth, band=band, warmup=warmup, track=track, html=html,
        lang=report_lang(lang),
    )  # fmt: skip
    ctx = open_context(workspace, tracking_uri)
    with progress_bar(enabled=not as_json) as progress:
        run = detect_logs(ctx, spec, progress=progress)
    if as_json:
        print_json(run.to_dict())
        return
    m = run.metrics
    typer.echo(
        say(
            "cli_logs_done",
            lines=m["lines"],
            unparsed=m["lines_unparsed"],
            templates=m["templates"],
            flagged=m["anomalous_windows"],
            windows=m["windows"],
            window=run.window,
            table=run.table,
            lines_table=run.lines_table,
        )
    )
    if run.anomalous_windows:
        rows = [
            [str(w["window_start"]), w["lines"], f"{w['score']:.2f}", w["reason"], w["template_id"]]
            for w in run.anomalous_windows[:15]
        ]
        print_table(
            say("cli_flagged_windows"), headers("window", "lines", "score", "reason", "template"), rows
        )
    for reason, count in run.unparsed_by_reason.items():
        typer.echo(say("cli_lines_reason", count=count, reason=reason))
    for note in run.notes:
        typer.echo(say("cli_note", note=note))
    if run.run_id:
        typer.echo(say("cli_mlflow_run_alone", run=run.run_id))
    if run.html:
        typer.echo(say("cli_report", path=run.html))
