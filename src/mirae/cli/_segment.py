"""``mirae segment``: customer segments from transactions (RFM) or rows from numeric features."""

from __future__ import annotations

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
from mirae.cli._console import headers, print_json, print_table, progress_bar, say, terminal_lang


@app.command()
@friendly_errors
def segment(
    table: Annotated[
        str, typer.Argument(help="Transactions table (with --rfm) or one row per thing to segment.")
    ],
    into: Annotated[str, typer.Option(help="Table to write the segments to ({into}_profiles beside it).")],
    rfm: Annotated[
        str | None,
        typer.Option(
            help="customer,date,amount columns of transactions, e.g. 'Customer ID,InvoiceDate,Quantity*Price'."
        ),
    ] = None,
    features: Annotated[
        str | None, typer.Option(help="Numeric columns to segment on (with --rfm: a choice of RFM columns).")
    ] = None,
    id_col: Annotated[str | None, typer.Option("--id", help="Row id column copied to the output.")] = None,
    invoice: Annotated[str | None, typer.Option(help="Invoice column: frequency counts invoices.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date recency counts to (default: the day after the last).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="First date of the window (default: all history).")
    ] = None,
    returns: Annotated[
        str, typer.Option(help="Negative amounts (returns): net (subtract), drop (ignore) or error.")
    ] = "net",
    method: Annotated[
        str, typer.Option(help="kmeans, gmm or quantile (named RFM-score segments).")
    ] = "kmeans",
    k: Annotated[
        str, typer.Option("--k", help="Number of segments, or auto (chosen over --k-range).")
    ] = "auto",
    k_range: Annotated[
        str, typer.Option("--k-range", help="Smallest and largest k tried with --k auto.")
    ] = "2..10",
    criterion: Annotated[
        str | None,
        typer.Option(
            help="What chooses k: silhouette (k-means), bic (gmm), davies_bouldin or calinski_harabasz."
        ),
    ] = None,
    missing: Annotated[
        str, typer.Option(help="Missing feature values: impute (median) or error.")
    ] = "impute",
    stability: Annotated[
        int, typer.Option(help="Refits with other seeds and bootstrap samples (0: none).")
    ] = 5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    model: Annotated[
        str | None,
        typer.Option(
            "--model", help="Assign with this registered segmenter (NAME, NAME@ALIAS, NAME/VERSION)."
        ),
    ] = None,
    track: Annotated[bool, typer.Option(help="Log an MLflow run of the segmentation.")] = True,
    name: Annotated[
        str | None, typer.Option("--name", help="Registered model name (default: the --into table).")
    ] = None,
    alias: AliasOpt = None,
    register: RegisterOpt = True,
    html: Annotated[Path | None, typer.Option(help="Also write the segmentation report (HTML) here.")] = None,
    mode: WriteModeOpt = "create",
    lang: LangOpt = None,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Segment customers (RFM from transactions) or rows (numeric features); new rows with --model.

    세그먼트: 거래 테이블의 RFM(최근성·빈도·금액)이나 수치 변수로 고객을 세그먼트로 나눕니다.
    """
    from mirae.service import SegmentSpec, segment

    spec = SegmentSpec.parse(
        table=table,
        into=into,
        mode=mode,
        rfm=rfm,
        features=features,
        id=id_col,
        invoice=invoice,
        as_of=as_of,
        since=since,
        returns=returns,
        method=method,
        k=k,
        k_range=k_range,
        criterion=criterion,
        missing=missing,
        stability=stability,
        seed=seed,
        model=model,
        track=track,
        model_name=name,
        register=register,
        alias=alias,
        html=html,
        lang=report_lang(lang),
    )
    ctx = open_context(workspace, tracking_uri)
    with progress_bar(enabled=not as_json) as progress:
        run = segment(ctx, spec, progress=progress)
    if as_json:
        print_json(run.to_dict())
        return
    _print_run(run, alias)


def _print_run(run: Any, alias: str | None) -> None:
    from mirae.core._i18n import label
    from mirae.segment._report import message_text
    from mirae.segment._report_html import choice_sentences, feature_label

    lang = terminal_lang()
    method = label(f"seg_method_{run.method}", lang)
    typer.echo(
        say("cli_segment_done", rows=run.rows, k=run.n_segments, method=method, table=run.table,
            profiles=run.profiles_table)
    )  # fmt: skip
    if run.assigned_with:
        typer.echo(say("cli_segment_assigned", model=run.assigned_with))
    for sentence in choice_sentences(run.k_choice, lang) if run.k_choice else []:
        typer.echo(sentence)
    if run.stability:
        typer.echo(label("seg_stability_note", lang).format(**run.stability))
    rows = []
    for s in run.segments:
        name = s["name"] and label(f"rfm_{s['name']}", lang)
        traits = ", ".join(
            label("seg_high" if t["difference"] > 0 else "seg_low", lang).format(
                feature=feature_label(t["feature"], lang)
            )
            for t in s["traits"]
        )
        rows.append(
            [s["segment"], name, s["size"], f"{100 * s['share']:.1f}%", traits or label("seg_typical", lang)]
        )
    columns = headers("segment", "name", "size", "share", "traits")
    if not any(r[1] for r in rows):
        columns, rows = columns[:1] + columns[2:], [r[:1] + r[2:] for r in rows]
    print_table(say("cli_segments_title"), columns, rows)
    for note in run.note_keys:  # in the terminal's language, whatever the report's
        typer.echo(say("cli_note", note=message_text(note, lang)))
    if run.run_id:
        typer.echo(say("cli_mlflow_run", run=run.run_id).strip("; "))
    if run.model_ref:
        typer.echo(say("cli_registered_segmenter", ref=run.model_ref) + (f" (@{alias})" if alias else ""))
    if run.html:
        typer.echo(say("cli_report", path=run.html))
