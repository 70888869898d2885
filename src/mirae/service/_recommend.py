"""Recommendations over workspace tables, tracked in MLflow (shared by CLI and server).

``recommend`` reads an interactions table (and an items table with text,
when given) at their current snapshots, checks the model on each user's
held-out last interaction (accuracy, coverage and diversity over the
re-ranking setting), fits on every interaction, writes one row per user and
rank (never an item the user already has) and registers the recommender.
``similar`` answers "items like this one" from a registered recommender.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result
from mirae.errors import RecommendError
from mirae.lake._lineage import Lineage
from mirae.service._context import Context
from mirae.service._outputs import check_outputs
from mirae.service._specs import RecommendSpec, SimilarSpec

if TYPE_CHECKING:
    import pandas as pd

    from mirae.core._progress import Progress
    from mirae.lake import SnapshotInfo, Workspace

__all__ = ["RecommendRun", "SimilarRun", "recommend", "recommend_table", "similar"]

#: Re-ranking settings the held-out check scores (the accuracy–diversity curve).
CURVE = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
#: Fewest users with a held-out interaction for the check to run.
MIN_TEST_USERS = 5


@dataclass
class RecommendRun(Result):
    """What :func:`recommend` wrote.

    Attributes
    ----------
    table : str
        One row per user and rank: the user and item columns (input names), ``rank``, ``score``, ``reason``.
    snapshot : SnapshotInfo
    source_table, source_snapshot, items_table, items_snapshot : lineage of the inputs.
    method : str
    users, items, rows, k : int
    diversity : float
        The re-ranking setting used (what ``diversity='auto'`` chose on the training interactions).
    metrics : dict
        The held-out check at that ``diversity`` (empty when not run).
    curve : list of dict
        The check at each re-ranking setting.
    notes : list of str
        What was done to the data (duplicates, one-interaction users, empty text).
    run_id, model_name, version : the MLflow run and the registered recommender.
    """

    table: str
    snapshot: SnapshotInfo
    source_table: str
    source_snapshot: int | None
    method: str
    users: int
    items: int
    rows: int
    k: int
    diversity: float
    items_table: str | None = None
    items_snapshot: int | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    curve: list[dict[str, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    run_id: str | None = None
    model_name: str | None = None
    version: int | None = None
    html: str | None = None
    sample: list[dict[str, Any]] = field(default_factory=list)
    report: Any = field(default=None, metadata={"wire": False})
    estimator: Any = field(default=None, metadata={"wire": False})

    @property
    def model_ref(self) -> str | None:
        """``name/version`` of the registered recommender."""
        return None if self.version is None else f"{self.model_name}/{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        data = super().to_dict()
        data["snapshot"] = self.snapshot.to_dict()
        data["model_ref"] = self.model_ref
        return data


@dataclass
class SimilarRun(Result):
    """The items most like ``item`` (:func:`similar`): ``rows`` of item, rank, score, reason."""

    model: str
    item: Any
    known: bool
    rows: list[dict[str, Any]] = field(default_factory=list)


def recommend_table(
    ws: Workspace,
    table: str,
    *,
    tracking_uri: str | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> RecommendRun:
    """Recommend from Python: :func:`recommend` with ``RecommendSpec(table=table, **settings)``.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mirae import Workspace
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> rows = pd.DataFrame({"customer": [1, 1, 2, 2, 3, 3], "product": list("abacbc")})
    >>> _ = ws.write("orders", rows)
    >>> run = recommend_table(ws, "orders", user="customer", item="product", into="recs", k=1,
    ...                       method="ease", track=False, evaluate=False)
    >>> ws.to_pandas("recs")[["customer", "product", "rank"]].to_dict("records")[0]
    {'customer': 1, 'product': 'c', 'rank': 1}
    """
    spec = RecommendSpec(table=table, **settings)
    return recommend(Context(ws, tracking_uri=tracking_uri), spec, progress=progress)


def _estimator(spec: RecommendSpec, items: pd.DataFrame | None) -> Any:
    from mirae.recommend import (
        ALSRecommender,
        ContentRecommender,
        EASERecommender,
        HybridRecommender,
        ItemKNNRecommender,
        PopularityRecommender,
    )

    columns: dict[str, Any] = {
        "user_col": spec.user, "item_col": spec.item, "rating_col": spec.rating, "time_col": spec.time,
        "weighting": spec.weighting, "rating_range": spec.rating_range, "diversity": spec.diversity,
    }  # fmt: skip
    text: dict[str, Any] = {}
    if spec.text is not None:
        text = {"items": items, "text_cols": tuple(spec.text[1]), "name_col": spec.name,
                "category_col": spec.category, "random_state": spec.seed}  # fmt: skip
    if spec.method == "hybrid":
        return (
            HybridRecommender(**text, **columns)
            if text
            else HybridRecommender(random_state=spec.seed, **columns)
        )
    if spec.method == "content":
        return ContentRecommender(**text, **columns)
    if spec.method == "ease":
        return EASERecommender(l2=200.0, **columns)
    if spec.method == "itemknn":
        return ItemKNNRecommender(**columns)
    if spec.method == "als":
        return ALSRecommender(random_state=spec.seed, **columns)
    return PopularityRecommender(**columns)


def _check(spec: RecommendSpec, frame: pd.DataFrame, estimator: Any) -> tuple[dict[str, float], Any, int]:
    """The held-out check: metrics at ``spec.diversity``, the curve, and the training rows used."""
    from mirae.recommend import diversity_curve, leave_last_out

    train, test = leave_last_out(frame, user_col=spec.user, time_col=spec.time)
    if test[spec.user].nunique() < MIN_TEST_USERS:
        return {}, None, 0
    model = estimator.clone().fit(train)
    chosen_value = float(model.diversity_)  # 'auto': chosen inside fit, on train alone
    values = tuple(sorted({*CURVE, chosen_value}))
    curve = diversity_curve(model, test, k=spec.k, values=values)
    position = int((curve["diversity"] - chosen_value).abs().to_numpy().argmin())
    chosen = curve.iloc[position].to_dict()
    metrics = {str(k): float(v) for k, v in chosen.items() if k != "diversity"}
    return metrics, curve, len(train)


def recommend(ctx: Context, spec: RecommendSpec, *, progress: Progress | None = None) -> RecommendRun:
    """Recommend items to every user of a workspace table, log an MLflow run, register the recommender.

    Parameters
    ----------
    ctx : Context
        The workspace (holds the inputs, receives the output) and its tracking store.
    spec : RecommendSpec
        The interactions (``table``, ``user``, ``item``, ``rating``,
        ``time``), item text (``text``), the model (``method``), ``k``,
        ``diversity``, ``into``.
    progress : Progress, optional

    Returns
    -------
    RecommendRun
        ``{into}`` holds one row per user and rank.
    """
    from mirae.core._progress import NullProgress

    ws, table, into = ctx.workspace, spec.table, spec.into
    progress = progress or NullProgress()
    items_table = spec.text[0] if spec.text is not None else None
    check_outputs(ws, [into], inputs=[table, *([items_table] if items_table else [])], mode=spec.mode)
    progress.start(f"reading {table}")
    source_snapshot = ws.current_snapshot_id(table)
    frame = ws.to_pandas(table, snapshot=source_snapshot)
    items, items_snapshot = None, None
    if items_table:
        items_snapshot = ws.current_snapshot_id(items_table)
        items = ws.to_pandas(items_table, snapshot=items_snapshot)
        if spec.item not in items.columns:
            msg = (
                f"the items table {items_table!r} has no item column {spec.item!r} (the interactions' item "
                f"column); its columns: {', '.join(map(str, items.columns))}. Rename its id column to {spec.item!r}."
            )
            raise RecommendError(msg)
    estimator = _estimator(spec, items)
    metrics: dict[str, float] = {}
    curve, train_rows = None, 0
    if spec.evaluate:
        progress.start("checking on each user's held-out last interaction")
        metrics, curve, train_rows = _check(spec, frame, estimator)
    progress.start(f"fitting {spec.method} on {len(frame):,} interactions")
    estimator.fit(frame)
    users = list(estimator.users_)
    progress.start(f"recommending {spec.k} items to {len(users):,} users", total=len(users))
    recs = estimator.recommend_all(
        users, spec.k, only_categories=spec.only_categories or None,
        exclude_categories=spec.exclude_categories or None, lang=spec.lang, progress=progress,
    )  # fmt: skip
    output = recs.rename(columns={"user": spec.user, "item": spec.item})
    notes_keys = list(estimator.notes_)
    read = [Lineage.table(table, source_snapshot)]
    if items_table:
        read.append(Lineage.table(items_table, items_snapshot))
    tracker = ctx.tracker().open() if spec.track else None
    run_id = None
    with ExitStack() as stack:
        logger = None
        if tracker is not None:
            tags = {
                "mirae.table": table,
                "mirae.snapshot_id": source_snapshot,
                "mirae.task": "recommendation",
            }
            logger = stack.enter_context(
                tracker.start_run(
                    f"recommend:{into}",
                    run_name=f"{spec.method} recommendations from {table}",
                    tags={**tags, "mirae.output_table": into, "mirae.workspace": str(ws.path)},
                )
            )
            run_id = str(logger.run_id)
        lineage = Lineage("recommend", inputs=tuple(read), spec=spec.to_dict(), run_id=run_id)
        progress.start(f"writing {into}")
        snapshot = ws.write(
            into, output, mode=spec.mode, source=f"recommend from {table}@{source_snapshot}", lineage=lineage
        )
        report = _report(spec, estimator, frame, metrics, curve, train_rows, recs)
        run = RecommendRun(
            table=into, snapshot=snapshot, source_table=table, source_snapshot=source_snapshot,
            method=spec.method, users=len(users), items=len(estimator.items_), rows=len(output), k=spec.k,
            diversity=float(estimator.diversity_), items_table=items_table, items_snapshot=items_snapshot, metrics=metrics,
            curve=[] if curve is None else curve.to_dict("records"),
            notes=[_note(key, params, spec.lang) for key, params in notes_keys],
            sample=output.head(min(spec.k, 10)).to_dict("records"),
        )  # fmt: skip
        run.estimator = estimator
        if logger is not None:
            progress.start("logging the run to MLflow")
            logger.set_tags({"mirae.output_snapshot_id": snapshot.snapshot_id})
            _log_run(logger, run, spec, curve, report)
            run.run_id = run_id
            if spec.register_:
                logger.log_model(
                    estimator,
                    metadata={"mirae_task": "recommendation", "method": spec.method, "user": spec.user,
                              "item": spec.item},
                )  # fmt: skip
    if tracker is not None and spec.register_ and run.run_id:
        progress.start("registering the recommender")
        name = spec.model_name or into
        tags = {"mirae.table": table, "mirae.snapshot_id": source_snapshot, "mirae.task": "recommendation",
                "mirae.method": spec.method, "mirae.user": spec.user, "mirae.item": spec.item}  # fmt: skip
        registered = tracker.registry.register(name, run.run_id, tags=tags, alias=spec.alias)
        run.model_name, run.version = name, registered.version
    report.provenance = {
        "model": run.model_ref,
        "table": table,
        "snapshot": source_snapshot,
        "run": run.run_id,
    }
    run.report = report
    if spec.html:
        progress.start("writing the recommendation report")
        report.to_html(spec.html, lang=spec.lang)
        run.html = spec.html
    progress.finish()
    return run


def _note(key: str, params: dict[str, Any], lang: str) -> str:
    from mirae.core._i18n import message

    return message(key, lang, **params)


def _report(
    spec: RecommendSpec,
    model: Any,
    frame: pd.DataFrame,
    metrics: dict[str, float],
    curve: Any,
    train_rows: int,
    recs: pd.DataFrame,
) -> Any:
    from mirae.recommend._report import RecommendReport

    return RecommendReport(
        table=spec.table,
        method=spec.method,
        k=spec.k,
        diversity=float(model.diversity_),
        users=len(model.users_),
        items=len(model.items_),
        interactions=int(model.matrix_.nnz),
        metrics=metrics,
        curve=curve,
        split=("rec_split_leave_last_out", {}),
        train_rows=train_rows,
        examples=recs[recs["user"].isin(list(model.users_)[:5])],
        popularity=model.popularity_,
        recommended=recs["item"].map(model.item_index_).to_numpy(),
        names=dict(getattr(model, "item_names_", None) or {}),
        notes=list(model.notes_),
    )


def _log_run(logger: Any, run: RecommendRun, spec: RecommendSpec, curve: Any, report: Any) -> None:
    logger.log_params(
        {
            "method": spec.method,
            "user": spec.user,
            "item": spec.item,
            "rating": spec.rating,
            "time": spec.time,
            "text": None if spec.text is None else f"{spec.text[0]}:{','.join(spec.text[1])}",
            "k": spec.k,
            "diversity": spec.diversity,
            "diversity_chosen": run.diversity,
            "weighting": spec.weighting,
            "rating_range": None if spec.rating_range is None else list(spec.rating_range),
            "seed": spec.seed,
            "table": run.source_table,
            "snapshot_id": run.source_snapshot,
            "users": run.users,
            "items": run.items,
        }  # fmt: skip
    )
    if run.metrics:
        logger.log_metrics({f"{name}_at_{spec.k}" if name in ("precision", "recall", "map", "ndcg", "hit_rate")
                            else name: value for name, value in run.metrics.items()})  # fmt: skip
    if curve is not None:
        logger.log_frame(curve, "diversity_curve")
    logger.log_dict({"notes": run.notes}, "notes.json")
    logger.log_report(report, name="report", lang=spec.lang)


def similar(ctx: Context, spec: SimilarSpec) -> SimilarRun:
    """The ``k`` items most like ``spec.item`` from the registered recommender ``spec.model``.

    The item is given as text; it is matched to the model's items as they
    were written (a number, a date, text). An item the model does not know
    gets the most popular items, with a reason saying so.
    """
    from mirae.service._score import load_model

    model, info = load_model(ctx, spec.model)
    if info.tags.get("mirae.task") != "recommendation":
        msg = f"model {info.ref} is not a recommender (task {info.tags.get('mirae.task')!r}); give a model registered by `mirae recommend`."
        raise RecommendError(msg)
    item = _as_item(spec.item, model)
    result = model.similar_items(item, spec.k, lang=spec.lang)
    return SimilarRun(
        model=info.ref, item=item, known=item in model.item_index_, rows=result.to_dict("records")
    )


def _as_item(text: str, model: Any) -> Any:
    """``text`` as one of the model's item ids (``"50"`` -> ``50`` when the items are numbers)."""
    if text in model.item_index_:
        return text
    for convert in (int, float):
        try:
            value = convert(text)
        except ValueError:
            continue
        if value in model.item_index_:
            return value
    return text
