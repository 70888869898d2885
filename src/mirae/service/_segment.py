"""Customer segmentation over workspace tables, tracked in MLflow (shared by CLI and server).

Two ways in: ``rfm=(customer, date, amount)`` builds RFM features from a
transactions table and segments customers (one output row per customer);
``features=(...)`` segments the table's rows on those columns (one output row
per input row). With ``model=`` a registered segmenter assigns the rows to its
segments without refitting ("which group is this new customer in?").
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result
from mirae.errors import SegmentError
from mirae.lake._lineage import Lineage
from mirae.service._context import Context
from mirae.service._outputs import check_outputs
from mirae.service._specs import SegmentSpec

if TYPE_CHECKING:
    import pandas as pd

    from mirae.core._progress import Progress
    from mirae.lake import SnapshotInfo, Workspace

__all__ = ["SegmentRun", "segment", "segment_table"]


@dataclass
class SegmentRun(Result):
    """What :func:`segment` wrote.

    Attributes
    ----------
    table, profiles_table : str
        The segments (one row per customer or input row: the id, the
        features, ``segment`` and, for named segments, ``segment_name``) and
        one row per segment (size, share, mean and median of each feature).
    snapshot : SnapshotInfo
        The new snapshot of ``table``.
    source_table, source_snapshot : str, int
        The input and the snapshot read (lineage).
    rows, n_segments : int
    method, features : str, list of str
    k_choice, stability, scores : dict
        Why this many segments, how stable they are, and their quality.
    segments : list of dict
        Per segment: ``segment``, ``name``, ``size``, ``share``, ``traits``.
    notes : list of str
        What the data preparation did (returns, rows left out, values filled).
    run_id, model_name, version : the MLflow run and the registered segmenter.
    """

    table: str
    profiles_table: str
    snapshot: SnapshotInfo
    source_table: str
    source_snapshot: int | None
    rows: int
    n_segments: int
    method: str
    features: list[str]
    k_choice: dict[str, Any] | None = None
    stability: dict[str, Any] | None = None
    scores: dict[str, float] = field(default_factory=dict)
    segments: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: The notes as catalogue ``(key, params)`` pairs, for rendering in another language.
    note_keys: list[Any] = field(default_factory=list, metadata={"wire": False})
    run_id: str | None = None
    model_name: str | None = None
    version: int | None = None
    assigned_with: str | None = None
    html: str | None = None
    report: Any = field(default=None, metadata={"wire": False})
    estimator: Any = field(default=None, metadata={"wire": False})

    @property
    def model_ref(self) -> str | None:
        """``name/version`` of the registered segmenter."""
        return None if self.version is None else f"{self.model_name}/{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        data = super().to_dict()
        data["snapshot"] = self.snapshot.to_dict()
        data["model_ref"] = self.model_ref
        return data


def segment_table(
    ws: Workspace,
    table: str,
    *,
    tracking_uri: str | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> SegmentRun:
    """Segment from Python: :func:`segment` with ``SegmentSpec(table=table, **settings)``.

    ``settings`` are the fields of :class:`~mirae.service.SegmentSpec` (``rfm``
    or ``features``, ``method``, ``k``, ``into``, ...).

    Examples
    --------
    >>> import tempfile, numpy as np, pandas as pd
    >>> from mirae import Workspace
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> rng = np.random.default_rng(0)
    >>> rows = pd.DataFrame(np.vstack([rng.normal(c, 0.5, (30, 2)) for c in (0, 6)]), columns=["a", "b"])
    >>> _ = ws.write("stores", rows)
    >>> run = segment_table(ws, "stores", features="a,b", into="store_segments", track=False)
    >>> run.n_segments, run.rows
    (2, 60)
    """
    spec = SegmentSpec(table=table, **settings)
    return segment(Context(ws, tracking_uri=tracking_uri), spec, progress=progress)


def _estimator(spec: SegmentSpec) -> Any:
    from mirae.segment import GaussianMixtureSegmenter, KMeansSegmenter, RFMScoreSegmenter

    k = spec.k
    common: dict[str, Any] = {
        "n_segments": k,
        "k_range": spec.k_range,
        "missing": spec.missing,
        "stability_runs": spec.stability,
        "random_state": spec.seed,
    }
    if spec.criterion:
        common["criterion"] = spec.criterion
    if spec.method == "kmeans":
        return KMeansSegmenter(**common)
    if spec.method == "gmm":
        return GaussianMixtureSegmenter(**common)
    if k != "auto" or spec.criterion:
        msg = (
            "method 'quantile' names its segments from RFM scores (the rule table); it takes no k or "
            "criterion. Leave out --k/--criterion, or use --method kmeans or gmm."
        )
        raise SegmentError(msg)
    return RFMScoreSegmenter()


def _features(spec: SegmentSpec, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str], Any]:
    """The rows to segment, their id columns, the feature columns, and the RFM result (or None)."""
    from mirae.segment import RFM_COLUMNS, rfm_features

    if spec.rfm:
        customer, date, amount = spec.rfm
        rfm = rfm_features(
            frame, customer=customer, date=date, amount=amount, invoice=spec.invoice,
            as_of=spec.as_of, since=spec.since, returns=spec.returns,
        )  # fmt: skip
        features = list(spec.features) or (
            ["recency", "frequency", "monetary"] if spec.method == "quantile" else list(RFM_COLUMNS)
        )
        unknown = [f for f in features if f not in RFM_COLUMNS]
        if unknown:
            msg = f"with rfm, features are chosen from {list(RFM_COLUMNS)}; got {unknown}."
            raise SegmentError(msg)
        return rfm.table.reset_index(), [customer], features, rfm
    missing = [c for c in (*spec.features, *((spec.id,) if spec.id else ())) if c not in frame.columns]
    if missing:
        msg = (
            f"column(s) {missing} not in table {spec.table!r}; columns: {', '.join(map(str, frame.columns))}."
        )
        raise SegmentError(msg)
    ids = [spec.id] if spec.id else []
    return frame, ids, list(spec.features), None


def segment(ctx: Context, spec: SegmentSpec, *, progress: Progress | None = None) -> SegmentRun:
    """Segment a workspace table, write the segments and profiles, log an MLflow run, register the segmenter.

    Parameters
    ----------
    ctx : Context
        The workspace (holds the input, receives the outputs) and its tracking store.
    spec : SegmentSpec
        What to segment (see :class:`~mirae.service.SegmentSpec`): ``rfm``
        (customer, date, amount columns of a transactions table) or
        ``features`` (numeric columns), ``method`` (``kmeans``, ``gmm``,
        ``quantile``), ``k`` (``auto`` or a number), ``into``.
    progress : Progress, optional

    Returns
    -------
    SegmentRun
        ``{into}`` holds one row per customer (``rfm``) or input row with
        ``segment`` (and ``segment_name`` for named segments); ``{into}_profiles``
        one row per segment.
    """
    import numpy as np

    from mirae.core._progress import NullProgress

    ws, table, into = ctx.workspace, spec.table, spec.into
    progress = progress or NullProgress()
    profiles_name = f"{into}_profiles"
    check_outputs(ws, [into, profiles_name], inputs=[table], mode=spec.mode)
    estimator = None if spec.model else _estimator(spec)
    tracker = ctx.tracker().open() if spec.track or spec.model else None
    loaded, info = None, None
    if spec.model:
        from mirae.service._score import load_model

        assert tracker is not None
        loaded, info = load_model(ctx, spec.model)
        if info.tags.get("mirae.task") != "segment":
            msg = f"model {info.ref} is not a segmenter (task {info.tags.get('mirae.task')!r}); give a model registered by `mirae segment`."
            raise SegmentError(msg)
    progress.start(f"reading {table}")
    source_snapshot = ws.current_snapshot_id(table)
    frame = ws.to_pandas(table, snapshot=source_snapshot)
    rows, ids, features, rfm = _features(spec, frame)
    model: Any
    if loaded is not None:
        model = loaded
        wanted = [str(c) for c in model.feature_names_in_]
        if features != wanted and set(wanted) <= set(rows.columns):
            features = wanted
        progress.start(f"assigning {len(rows):,} rows to the segments of {spec.model}")
        labels = np.asarray(model.predict(rows[features]), dtype=int)
    else:
        model = estimator
        progress.start(f"segmenting {len(rows):,} rows on {len(features)} features")
        model.fit(rows[features])
        labels = np.asarray(model.labels_, dtype=int)
    method = _method_of(model)
    output = _output(rows, ids, features, labels, model)
    notes_keys = rfm.notes() if rfm is not None else []
    notes_keys += _scaler_notes(model)
    report = _report(model, rows[features], labels, method, notes_keys, spec)
    profiles = report.profiles.reset_index()
    read = [Lineage.table(table, source_snapshot)]
    run_id = None
    with ExitStack() as stack:
        logger = None
        if tracker is not None and spec.track and loaded is None:
            tags = {"mirae.table": table, "mirae.snapshot_id": source_snapshot, "mirae.task": "segment"}
            logger = stack.enter_context(
                tracker.start_run(
                    f"segment:{into}",
                    run_name=f"{method} segments of {table}",
                    tags={**tags, "mirae.output_table": into, "mirae.workspace": str(ws.path)},
                )
            )
            run_id = str(logger.run_id)
        lineage = Lineage(
            "segment", inputs=tuple(read), spec=spec.to_dict(), run_id=run_id,
            model=None if info is None else info.ref,
        )  # fmt: skip
        progress.start(f"writing {into}")
        source = f"segment of {table}@{source_snapshot}"
        snapshot = ws.write(into, output, mode=spec.mode, source=source, lineage=lineage)
        ws.write(profiles_name, profiles, mode=spec.mode, source=source, lineage=lineage)
        run = _run(spec, report, snapshot, source_snapshot, len(output), features, notes_keys)
        run.estimator = model
        if info is not None:
            run.assigned_with = info.ref
        if logger is not None:
            progress.start("logging the run to MLflow")
            logger.set_tags({"mirae.output_snapshot_id": snapshot.snapshot_id})
            _log_run(logger, run, report, spec)
            run.run_id = run_id
            if spec.register_:
                logger.log_model(
                    model, metadata={"mirae_task": "segment", "method": method, "features": features}
                )
    if tracker is not None and spec.register_ and run.run_id:
        progress.start("registering the segmenter")
        name = spec.model_name or into
        tags = {"mirae.table": table, "mirae.snapshot_id": source_snapshot, "mirae.task": "segment",
                "mirae.features": ",".join(features), "mirae.method": method}  # fmt: skip
        registered = tracker.registry.register(name, run.run_id, tags=tags, alias=spec.alias)
        run.model_name, run.version = name, registered.version
    report.provenance = {
        "model": run.model_ref or (None if info is None else info.ref),
        "table": table,
        "snapshot": source_snapshot,
        "run": run.run_id,
    }
    run.report = report
    if spec.html:
        progress.start("writing the segmentation report")
        report.to_html(spec.html, lang=spec.lang)
        run.html = spec.html
    progress.finish()
    return run


def _method_of(model: Any) -> str:
    from mirae.segment._report import METHODS

    by_class = {cls: method for method, cls in METHODS.items()}
    return by_class.get(type(model).__name__, type(model).__name__)


def _output(rows: pd.DataFrame, ids: list[str], features: list[str], labels: Any, model: Any) -> pd.DataFrame:
    """The id columns, the features, ``segment`` (and ``segment_name`` and the RFM scores when named)."""
    import numpy as np

    out = rows[[*ids, *[f for f in features if f not in ids]]].copy()
    out["segment"] = np.asarray(labels, dtype=np.int64)
    names = getattr(model, "segment_names_", None)
    if names:
        out["segment_name"] = np.asarray(names, dtype=object)[labels]
        scores = model.rfm_scores(rows)
        for column in ("r_score", "f_score", "m_score", "rfm"):
            out[column] = scores[column].to_numpy()
    return out.reset_index(drop=True)


def _scaler_notes(model: Any) -> list[tuple[str, dict[str, Any]]]:
    scaler = getattr(model, "scaler_", None)
    imputed = getattr(scaler, "imputed_", None) or {}
    if not imputed:
        return []
    detail = ", ".join(f"{c} ({n:,})" for c, n in imputed.items())
    return [("seg_note_imputed", {"detail": detail})]


def _report(
    model: Any, X: pd.DataFrame, labels: Any, method: str, notes: list[Any], spec: SegmentSpec
) -> Any:
    from mirae.segment._report import segment_report

    return segment_report(model, X, method=method, labels=labels, notes=notes, random_state=spec.seed)


def _run(
    spec: SegmentSpec,
    report: Any,
    snapshot: SnapshotInfo,
    source_snapshot: int | None,
    rows: int,
    features: list[str],
    notes: list[Any],
) -> SegmentRun:
    from mirae.segment._profile import traits
    from mirae.segment._report import message_text

    found = traits(report.separation)
    segments = []
    for segment_id, row in report.profiles.iterrows():
        key = int(str(segment_id))
        segments.append(
            {
                "segment": key,
                "name": None if not report.names else report.names[key],
                "size": int(row["size"]),
                "share": float(row["share"]),
                "traits": [{"feature": f, "difference": round(d, 3)} for f, d in found.get(key, [])],
            }
        )
    return SegmentRun(
        table=spec.into,
        profiles_table=f"{spec.into}_profiles",
        snapshot=snapshot,
        source_table=spec.table,
        source_snapshot=source_snapshot,
        rows=rows,
        n_segments=report.n_segments,
        method=report.method,
        features=features,
        k_choice=report.k_choice,
        stability=report.stability,
        scores=dict(report.scores),
        segments=segments,
        notes=[message_text(n, spec.lang) for n in notes],
        note_keys=list(notes),
    )


def _log_run(logger: Any, run: SegmentRun, report: Any, spec: SegmentSpec) -> None:
    logger.log_params(
        {
            "method": run.method,
            "features": run.features,
            "k": spec.k,
            "k_range": list(spec.k_range),
            "criterion": (run.k_choice or {}).get("criterion"),
            "rfm": list(spec.rfm) or None,
            "invoice": spec.invoice,
            "as_of": spec.as_of,
            "since": spec.since,
            "returns": spec.returns if spec.rfm else None,
            "missing": spec.missing,
            "seed": spec.seed,
            "table": run.source_table,
            "snapshot_id": run.source_snapshot,
            "rows": run.rows,
        }
    )
    metrics: dict[str, Any] = {"n_segments": run.n_segments, **run.scores}
    metrics.update({f"stability_{k}": v for k, v in (run.stability or {}).items() if k != "runs"})
    logger.log_metrics(metrics)
    if report.k_scores is not None:
        logger.log_frame(report.k_scores, "k_scores")
    logger.log_frame(report.profiles.reset_index(), "profiles")
    logger.log_dict({"notes": run.notes, "k_choice": run.k_choice, "segments": run.segments}, "segments.json")
    logger.log_report(report, name="report", lang=spec.lang)
