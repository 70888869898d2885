"""``mirae`` commands on workspace tables: ingest, tables, history, lineage, show, sql, export, drop,
maintain, quality, profile, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mirae.cli._app import (
    JsonOpt,
    LangOpt,
    WorkspaceOpt,
    app,
    friendly_errors,
    open_context,
    open_workspace,
    report_lang,
)
from mirae.cli._console import (
    first_rows,
    headers,
    print_json,
    print_json_stream,
    print_table,
    progress_bar,
    say,
)


@app.command()
@friendly_errors
def ingest(
    source: Annotated[str, typer.Argument(help="File path, http(s) URL, or SQLAlchemy URL.")],
    name: Annotated[str, typer.Option("--name", "-n", help="Table to write.")],
    mode: Annotated[str, typer.Option(help="create | append | replace.")] = "create",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="csv, tsv, parquet, excel, json, jsonl, html or sql (default: detected)."
        ),
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Excel sheet name or index.")] = None,
    table: Annotated[str | None, typer.Option(help="Database table (SQL sources).")] = None,
    query: Annotated[str | None, typer.Option(help="SQL query (SQL sources).")] = None,
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter (default: detected).")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding (default: detected).")] = None,
    header: Annotated[
        bool | None, typer.Option("--header/--no-header", help="First row is a header.")
    ] = None,
    dtype: Annotated[
        list[str] | None, typer.Option("--dtype", help="Column type override COLUMN=TYPE; repeatable.")
    ] = None,
    on_bad_lines: Annotated[str, typer.Option(help="error | skip malformed CSV rows.")] = "error",
    thousands: Annotated[
        str | None,
        typer.Option(
            help="Thousands separator of numbers stored as text: ',' (1,706.5; detected by default), "
            "'.' (1.706,5), ' ', \"'\" or '_'; 'none' reads only plain numbers.",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read a file, URL or database table into a workspace table (one snapshot).

    수집: 파일·URL·데이터베이스 테이블을 워크스페이스 테이블로 읽어 들입니다 (스냅샷 하나).
    """
    from mirae.service import IngestSpec
    from mirae.service import ingest as ingest_source

    options: dict[str, Any] = {"on_bad_lines": on_bad_lines}
    for key, value in {
        "format": fmt,
        "sheet": sheet,
        "table": table,
        "query": query,
        "delimiter": delimiter,
        "encoding": encoding,
        "header": header,
        "thousands": thousands,
    }.items():
        if value is not None:
            options[key] = value
    spec = IngestSpec.parse(source=source, name=name, mode=mode, dtypes=dtype, options=options)
    ctx = open_context(workspace)
    with progress_bar(enabled=not as_json) as progress:
        result = ingest_source(ctx, spec, progress=progress)
    data = result.to_dict()
    if as_json:
        print_json(data)
        return
    snapshot = data["snapshot"]
    typer.echo(
        say(
            "cli_ingested",
            rows=data["rows"],
            columns=len(data["columns"]),
            table=name,
            snapshot=snapshot["snapshot_id"],
            mode=snapshot["mode"],
        )
    )
    for note in data.get("notes", []):
        typer.echo(say("cli_note", note=note))


@app.command("tables")
@friendly_errors
def list_tables(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the workspace tables with rows, columns, snapshots and last update.

    테이블 목록: 행·열·스냅샷 수와 마지막 변경 시각을 보여 줍니다.
    """
    ws = open_workspace(workspace)
    infos = ws.tables()
    if as_json:
        print_json([i.to_dict() for i in infos])
        return
    if not infos:
        typer.echo(say("cli_no_tables", path=ws.path))
        return
    print_table(
        f"{ws.path}",
        headers("table", "rows", "columns", "snapshots", "updated"),
        [(i.name, f"{i.rows:,}", i.columns, i.snapshots, i.updated_at) for i in infos],
    )


@app.command()
@friendly_errors
def history(
    table: Annotated[str, typer.Argument(help="Table name.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show every snapshot of a table: when, who, how many rows, from where.

    이력: 테이블의 모든 스냅샷(언제, 누가, 몇 행, 어디서)을 보여 줍니다.
    """
    ws = open_workspace(workspace)
    snaps = ws.history(table)
    if as_json:
        print_json([s.to_dict() for s in snaps])
        return
    print_table(
        say("cli_history_of", table=table),
        headers("snapshot", "committed", "mode", "added", "deleted", "total", "user", "source"),
        [
            (
                s.snapshot_id,
                s.committed_at,
                s.mode,
                f"{s.rows_added:,}",
                f"{s.rows_deleted:,}",
                f"{s.total_rows:,}",
                s.user,
                s.source,
            )
            for s in snaps
        ],
    )


@app.command()
@friendly_errors
def lineage(
    table: Annotated[str, typer.Argument(help="Table name.")],
    snapshot: Annotated[int | None, typer.Option(help="Snapshot id (default: latest).")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show where a table came from: each input table at its snapshot, back to the ingested files.

    계보: 테이블이 어떤 입력(스냅샷)과 작업에서 만들어졌는지, 수집한 파일까지 거슬러 보여 줍니다.
    """
    graph = open_workspace(workspace).lineage(table, snapshot=snapshot)
    if as_json:
        print_json(graph.to_dict())
        return
    for step in graph:
        pad = "  " * step.depth + ("└─ " if step.depth else "")
        if step.missing:
            typer.echo(f"{pad}{step.table}@{step.snapshot_id}  {say('cli_gone')}")
            continue
        extra = []
        if step.model:
            extra.append(say("cli_model_of_step", model=step.model))
        if step.run_id:
            extra.append(say("cli_run_of_step", run=step.run_id))
        when = step.committed_at.strftime("%Y-%m-%d %H:%M:%S") if step.committed_at else ""
        typer.echo(
            f"{pad}{step.table}@{step.snapshot_id}  {step.operation}  {say('cli_by', when=when, user=step.user or '?')}"
            + (f"  ({', '.join(extra)})" if extra else "")
        )
        for origin in step.inputs:
            if "source" in origin:
                typer.echo(f"{'  ' * (step.depth + 1)}└─ {origin['source']} ({origin.get('format') or '?'})")


@app.command()
@friendly_errors
def show(
    table: Annotated[str, typer.Argument(help="Table name.")],
    snapshot: Annotated[int | None, typer.Option(help="Snapshot id (default: latest).")] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 10,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a table's schema, row count and first rows.

    보기: 테이블의 스키마, 행 수, 앞부분 행을 보여 줍니다.
    """
    ws = open_workspace(workspace)
    columns = ws.schema(table, snapshot=snapshot)
    rows = ws.count(table, snapshot=snapshot)
    head = ws.read(table, snapshot=snapshot, limit=limit)
    if as_json:
        print_json(
            {
                "table": table,
                "rows": rows,
                "columns": [c.to_dict() for c in columns],
                "head": head.to_pylist(),
            }
        )
        return
    print_table(
        say("cli_rows_of", table=table, rows=rows),
        headers("column", "type"),
        [(c.name, c.type) for c in columns],
    )
    print_table(None, head.column_names, [list(r.values()) for r in head.to_pylist()])


@app.command()
@friendly_errors
def sql(
    query: Annotated[str, typer.Argument(help="SQL over workspace tables by name (DuckDB dialect).")],
    limit: Annotated[int, typer.Option(help="Rows to show in the table view.")] = 50,
    allow_read: Annotated[
        list[Path] | None,
        typer.Option("--allow-read", help="Folder whose files the query may read (repeatable)."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the result to this .csv/.tsv/.parquet/.xlsx file.")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="CSV encoding for --out (utf-8-sig or cp949).")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing --out file.")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run SQL over the workspace tables.

    Reads workspace tables only (local files with --allow-read FOLDER). CREATE [OR
    REPLACE] TABLE name AS SELECT ... and INSERT INTO name SELECT ... write workspace
    tables; statements that would write files, attach databases or change settings are
    refused. Results stream, so --json works on any size.

    SQL: 워크스페이스 테이블에 SQL을 실행합니다 (CREATE TABLE ... AS SELECT는 새 테이블을 씁니다).
    """
    from mirae.lake._query import plan

    ws = open_workspace(workspace)
    allowed = list(allow_read or [])
    if any(s.write is not None for s in plan(query)):
        result = ws.sql(query, allow_read=allowed)
        if as_json:
            print_json(result.to_pylist())
            return
        for row in result.to_pylist():
            typer.echo(
                say(
                    "cli_sql_wrote",
                    mode=row["mode"],
                    table=row["table"],
                    rows=row["rows"],
                    snapshot=row["snapshot_id"],
                )
            )
        return
    if out is not None:
        from mirae.lake._export import export_arrow

        result = export_arrow(ws.sql(query, allow_read=allowed), out, encoding=encoding, overwrite=overwrite)
        if as_json:
            print_json(result.to_dict())
        else:
            typer.echo(
                say(
                    "cli_exported",
                    rows=result.rows,
                    columns=result.columns,
                    path=result.path,
                    format=result.format,
                )
            )
        return
    with ws.sql_reader(query, allow_read=allowed) as reader:
        if as_json:
            print_json_stream(reader)
            return
        shown, more = first_rows(reader, limit)
    print_table(None, shown.column_names, [list(r.values()) for r in shown.to_pylist()])
    if more:
        typer.echo(say("cli_more_rows"))


@app.command()
@friendly_errors
def export(
    table: Annotated[str, typer.Argument(help="Table name.")],
    path: Annotated[Path, typer.Argument(help="File to write: .csv, .tsv, .parquet or .xlsx.")],
    snapshot: Annotated[int | None, typer.Option(help="Snapshot id (default: latest).")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="CSV encoding: utf-8-sig (default, opens in Excel) or cp949.")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing file.")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a table to a CSV (any encoding), Parquet or Excel file.

    내보내기: 테이블을 CSV(인코딩 선택, 한글 엑셀은 cp949)·Parquet·엑셀 파일로 저장합니다.
    """
    from mirae.service import ExportSpec
    from mirae.service import export as export_table

    spec = ExportSpec.parse(table=table, path=path, snapshot=snapshot, encoding=encoding, overwrite=overwrite)
    result = export_table(open_context(workspace), spec)
    if as_json:
        print_json(result.to_dict())
        return
    shown = f", {result.encoding}" if result.encoding else ""
    typer.echo(
        say(
            "cli_exported",
            rows=result.rows,
            columns=result.columns,
            path=result.path,
            format=f"{result.format}{shown}",
        )
    )


@app.command()
@friendly_errors
def drop(
    table: Annotated[str, typer.Argument(help="Table name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Delete a table with all its snapshots.

    삭제: 테이블과 그 모든 스냅샷을 지웁니다.
    """
    ws = open_workspace(workspace)
    if not yes:
        typer.confirm(say("cli_confirm_drop", table=table), abort=True)
    ws.drop(table)
    typer.echo(say("cli_dropped", table=table))


@app.command()
@friendly_errors
def maintain(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be removed.")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Remove files that no table snapshot references (left behind by a killed write).

    정리: 어떤 스냅샷도 쓰지 않는 파일(강제 종료된 쓰기가 남긴 파일)을 지웁니다.
    """
    ws = open_workspace(workspace)
    report = ws.maintain(dry_run=dry_run)
    if as_json:
        print_json(report.to_dict())
        return
    typer.echo(
        say(
            "cli_maintain_dry" if dry_run else "cli_maintained",
            files=len(report.removed),
            mb=report.bytes_removed / 1e6,
            kept=report.referenced,
        )
    )
    for path in report.removed[:20]:
        typer.echo(f"  {path}")
    if len(report.removed) > 20:
        typer.echo(say("cli_and_more", count=len(report.removed) - 20))


@app.command()
@friendly_errors
def quality(
    table: Annotated[str, typer.Argument(help="Table name.")],
    against: Annotated[
        str | None, typer.Option(help="Compare with this snapshot id, or 'previous', for drift.")
    ] = None,
    checks: Annotated[Path | None, typer.Option(help="YAML file of declared checks.")] = None,
    html: Annotated[Path | None, typer.Option(help="Also write a standalone HTML report here.")] = None,
    lang: LangOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Check a table's data quality; exits 1 when a check fails (to gate a pipeline).

    품질 점검: 검사가 실패하면 종료 코드 1로 끝납니다 (파이프라인 관문).
    """
    from mirae.service import QualitySpec
    from mirae.service import quality as check_quality

    spec = QualitySpec.parse(table=table, against=against, checks=checks, html=html, lang=report_lang(lang))
    ctx = open_context(workspace)
    with progress_bar(enabled=not as_json) as progress:
        report = check_quality(ctx, spec, progress=progress)
    if as_json:
        print_json(report.to_dict())
    else:
        _print_quality(report, html)
    if report.status == "fail":
        raise typer.Exit(code=1)


def _print_quality(report: Any, html: Path | None) -> None:
    data = report.to_dict()
    print_table(
        say(
            "cli_quality_of",
            table=data.get("table"),
            rows=data.get("rows", 0),
            dup=data.get("duplicate_rows", 0),
        ),
        headers("column", "type", "nulls", "null_pct", "distinct", "outliers", "flags"),
        [
            (
                c.get("name"),
                c.get("type"),
                c.get("nulls"),
                f"{100 * (c.get('null_ratio') or 0):.1f}",
                c.get("distinct"),
                c.get("iqr_outliers", ""),
                ", ".join(c.get("flags", [])),
            )
            for c in data.get("columns", [])
        ],
    )
    results = data.get("checks", [])
    if results:
        print_table(
            say("cli_checks"),
            headers("check", "status", "detail"),
            [(r.get("name"), r.get("status"), r.get("message")) for r in results],
        )
    typer.echo(say("cli_status", status=data.get("status")))
    if html:
        typer.echo(say("cli_report", path=html))


@app.command()
@friendly_errors
def profile(
    table: Annotated[str, typer.Argument(help="Table name.")],
    html: Annotated[Path | None, typer.Option(help="Write a standalone HTML report here.")] = None,
    lang: LangOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Profile a table: histograms, top values, correlations, scatter plots.

    탐색(EDA): 히스토그램, 상위 값, 상관관계, 산점도.
    """
    from mirae.service import ProfileSpec
    from mirae.service import profile as profile_table

    spec = ProfileSpec.parse(table=table, html=html, lang=report_lang(lang))
    ctx = open_context(workspace)
    with progress_bar(enabled=not as_json) as progress:
        result = profile_table(ctx, spec, progress=progress)
    if as_json:
        print_json(result.to_dict())
        return
    data = result.to_dict()
    typer.echo(say("cli_profiled", table=table, columns=len(data.get("columns", []))))
    if html:
        typer.echo(say("cli_report", path=html))


@app.command()
@friendly_errors
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's reports.")] = Path("mirae-demo"),
    lang: LangOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ingest the bundled samples, check and profile them, and write the HTML report.

    데모: 예제 데이터를 수집·점검·탐색하고, 모델 학습과 수요 예측까지 한 번에 보여 줍니다.
    """
    from mirae.service import run_demo

    ws = open_workspace(workspace)
    with progress_bar(enabled=not as_json) as progress:
        result = run_demo(ws, out, lang=report_lang(lang), progress=progress)  # type: ignore[arg-type]
    if as_json:
        print_json(result.to_dict())
        return
    print_table(
        say("cli_demo_title", path=ws.path),
        headers("table", "rows", "columns", "quality", "report"),
        [(t.table, f"{t.rows:,}", t.columns, t.status, t.report) for t in result.tables],
    )
    if result.model is not None:
        m = result.model
        typer.echo(
            say(
                "cli_demo_model",
                model=f"{m.name}/{m.version}",
                alias=m.alias,
                metric=m.metric,
                holdout=m.holdout.get(m.metric, float("nan")),
                cv=m.cv_score,
                report=m.report,
            )
        )
    if result.forecast is not None:
        f = result.forecast
        typer.echo(
            say("cli_demo_forecast", series=f.series, horizon=f.horizon, table=f.table, model=f.best_model)
        )
        if f.report:
            typer.echo(say("cli_report", path=f.report))
    typer.echo(say("cli_open_report", path=result.tables[0].report))
