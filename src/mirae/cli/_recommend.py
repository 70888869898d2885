"""``mirae recommend`` (top-k items for every user of an interactions table) and ``mirae similar``."""

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

#: Measures printed after the held-out check.
_SHOWN = ("ndcg", "map", "recall", "hit_rate", "coverage", "entropy", "ild")


@app.command()
@friendly_errors
def recommend(
    table: Annotated[str, typer.Argument(help="Interactions table: one row per user and item.")],
    user: Annotated[str, typer.Option(help="User column.")],
    item: Annotated[str, typer.Option(help="Item column (also the id column of the --text items table).")],
    into: Annotated[str, typer.Option(help="Table to write the recommendations to (one row per rank).")],
    rating: Annotated[str | None, typer.Option(help="Rating or weight column.")] = None,
    time: Annotated[
        str | None, typer.Option(help="Time column (the held-out check holds out each user's last).")
    ] = None,
    text: Annotated[
        str | None,
        typer.Option(
            help="Item text for content and cold-start items: ITEMS_TABLE:col,col (e.g. films:title,genres)."
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option(help="Items-table column naming items in reasons (e.g. the title).")
    ] = None,
    category: Annotated[str | None, typer.Option(help="Items-table column of categories.")] = None,
    only_categories: Annotated[
        str | None, typer.Option("--only-categories", help="Recommend only items of these categories.")
    ] = None,
    exclude_categories: Annotated[
        str | None, typer.Option("--exclude-categories", help="Never recommend items of these categories.")
    ] = None,
    method: Annotated[
        str, typer.Option(help="hybrid (EASE + content), ease, itemknn, als, content or popularity.")
    ] = "hybrid",
    k: Annotated[int, typer.Option("--k", help="Items per user.")] = 10,
    diversity: Annotated[
        str,
        typer.Option(
            help="Re-ranking trade-off 0..1 (0: by score alone; higher: more varied lists), or auto: the "
            "largest whose NDCG@10 on each user's latest training interaction stays within 2 % of 0."
        ),
    ] = "auto",
    weighting: Annotated[
        str, typer.Option(help="binary, count or rating: the weight of an interaction.")
    ] = "binary",
    rating_range: Annotated[
        str | None, typer.Option("--rating-range", help="Allowed ratings low..high (others refused).")
    ] = None,
    evaluate: Annotated[
        bool, typer.Option(help="Hold out each user's last interaction and report accuracy and diversity.")
    ] = True,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    track: Annotated[bool, typer.Option(help="Log an MLflow run.")] = True,
    name: Annotated[
        str | None, typer.Option("--name", help="Registered model name (default: the --into table).")
    ] = None,
    alias: AliasOpt = None,
    register: RegisterOpt = True,
    html: Annotated[
        Path | None, typer.Option(help="Also write the recommendation report (HTML) here.")
    ] = None,
    mode: WriteModeOpt = "create",
    lang: LangOpt = None,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recommend items to every user of an interactions table, never one they already have.

    추천: 상호작용 테이블의 모든 사용자에게 아직 이용하지 않은 아이템을 이유와 함께 추천합니다.
    """
    from mirae.service import RecommendSpec, recommend

    spec = RecommendSpec.parse(
        table=table, into=into, mode=mode, user=user, item=item, rating=rating, time=time, text=text,
        name=title, category=category, only_categories=only_categories, exclude_categories=exclude_categories,
        method=method, k=k, diversity=diversity, weighting=weighting, rating_range=rating_range,
        evaluate=evaluate, seed=seed, track=track, model_name=name, register=register, alias=alias,
        html=html, lang=report_lang(lang),
    )  # fmt: skip
    ctx = open_context(workspace, tracking_uri)
    with progress_bar(enabled=not as_json) as progress:
        run = recommend(ctx, spec, progress=progress)
    if as_json:
        print_json(run.to_dict())
        return
    _print_run(run, spec, alias)


def _print_run(run: Any, spec: Any, alias: str | None) -> None:
    from mirae.core._i18n import label, message

    lang = terminal_lang()
    model = label(f"rec_model_{run.method}", lang)
    typer.echo(
        say("cli_recommend_done", rows=run.rows, k=run.k, users=run.users, model=model, table=run.table)
    )
    if run.metrics:
        shown = ", ".join(
            f"{label(f'rec_m_{m}', lang).replace('@k', f'@{run.k}')} {run.metrics[m]:.3f}" for m in _SHOWN
        )
        split = message("rec_split_leave_last_out", lang)
        typer.echo(say("cli_recommend_eval", split=split, metrics=shown))
    if run.sample:
        first = run.sample[0][spec.user]
        rows = [
            [r["rank"], r[spec.item], f"{r['score']:.3f}", r["reason"]]
            for r in run.sample
            if r[spec.user] == first
        ]
        print_table(say("cli_recommend_sample", user=first), headers("rank", "item", "score", "reason"), rows)
    for note in run.notes:
        typer.echo(say("cli_note", note=note))
    if run.run_id:
        typer.echo(say("cli_mlflow_run", run=run.run_id).strip("; "))
    if run.model_ref:
        typer.echo(say("cli_registered_recommender", ref=run.model_ref) + (f" (@{alias})" if alias else ""))
    if run.html:
        typer.echo(say("cli_report", path=run.html))


@app.command()
@friendly_errors
def similar(
    model: Annotated[str, typer.Argument(help="Registered recommender (NAME, NAME@ALIAS, NAME/VERSION).")],
    item: Annotated[str, typer.Argument(help="The item, as written in the item column.")],
    k: Annotated[int, typer.Option("--k", help="How many items.")] = 10,
    lang: LangOpt = None,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The items most like ITEM, from a recommender registered by `mirae recommend`.

    비슷한 아이템: 등록된 추천 모델에서 ITEM과 가장 비슷한 아이템을 보여 줍니다.
    """
    from mirae.service import SimilarSpec, similar

    spec = SimilarSpec.parse(model=model, item=item, k=k, lang=report_lang(lang))
    run = similar(open_context(workspace, tracking_uri), spec)
    if as_json:
        print_json(run.to_dict())
        return
    if not run.known:
        typer.echo(say("cli_similar_unknown", model=run.model, item=run.item))
    rows = [[r["rank"], r["item"], f"{r['score']:.3f}", r["reason"]] for r in run.rows]
    print_table(
        say("cli_similar_title", item=run.item), headers("rank", "item", "similarity", "reason"), rows
    )
