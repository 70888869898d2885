"""The ``detect`` use case: a table of metrics in, every row scored and one row per alert out, one MLflow run."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result
from mirae.errors import AnomalyError
from mirae.lake._lineage import Lineage
from mirae.service._context import Context
from mirae.service._outputs import check_outputs
from mirae.service._specs import DetectSpec

if TYPE_CHECKING:
    import pandas as pd

    from mirae.core._progress import Progress
    from mirae.lake import SnapshotInfo, Workspace

__all__ = ["DetectRun", "detect", "detect_table"]

#: Columns the scored table adds (an input column of the same name is refused).
_ADDED = ("score", "is_anomaly", "expected", "lower", "upper", "direction", "metric", "method")


@dataclass
class DetectRun(Result):
    """What :func:`detect` wrote.

    Attributes
    ----------
    table : str
        Every input row with ``score``, ``is_anomaly``, the normal range
        (``expected``, ``lower``, ``upper``; band methods), ``direction`` and ``method``.
    events_table : str
        ``{table}_events``: one row per alert (start, end, rows, peak, direction).
    snapshot, events_snapshot : SnapshotInfo
        The new snapshot of each table.
    source_table, source_snapshot
        The input table and the snapshot read (lineage).
    series : list of dict
        Per series and metric: the method used and why, rows flagged, alerts.
    evaluation : dict
        Metrics against ``label`` (point, event, range PR-AUC, delay), when given.
    run_id : str or None
        The MLflow run (None when ``track=False``).
    model_name, version
        The registered detector (task ``anomaly``).
    """

    table: str
    events_table: str
    snapshot: SnapshotInfo
    events_snapshot: SnapshotInfo
    source_table: str
    source_snapshot: int | None
    rows: int
    flagged: int
    events: int
    series: list[dict[str, Any]] = field(default_factory=list)
    top_events: list[dict[str, Any]] = field(default_factory=list)
    evaluation: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    run_id: str | None = None
    model_name: str | None = None
    version: int | None = None
    html: str | None = None
    report: Any = field(default=None, metadata={"wire": False})
    #: The notes as ``(message key, parameters)``, for callers that show them in another language.
    note_keys: list[tuple[str, dict[str, Any]]] = field(default_factory=list, metadata={"wire": False})

    @property
    def model_ref(self) -> str | None:
        """``name/version`` of the registered detector."""
        return None if self.version is None else f"{self.model_name}/{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        from mirae.core._json import to_jsonable

        return {
            "table": self.table,
            "events_table": self.events_table,
            "snapshot": self.snapshot.to_dict(),
            "events_snapshot": self.events_snapshot.to_dict(),
            "source_table": self.source_table,
            "source_snapshot": self.source_snapshot,
            "rows": self.rows,
            "flagged": self.flagged,
            "events": self.events,
            "series": to_jsonable(self.series),
            "top_events": to_jsonable(self.top_events),
            "evaluation": to_jsonable(self.evaluation),
            "notes": self.notes,
            "run_id": self.run_id,
            "model_ref": self.model_ref,
            "html": self.html,
        }


def detect_table(
    ws: Workspace,
    table: str,
    *,
    tracking_uri: str | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> DetectRun:
    """Detect from Python: :func:`detect` with ``DetectSpec(table=table, **settings)``.

    ``settings`` are the fields of :class:`~mirae.service.DetectSpec` (``time``,
    ``value``, ``by``, ``method``, ``threshold``, ``into``, ``label``, ...).
    """
    spec = DetectSpec(table=table, **settings)
    return detect(Context(ws, tracking_uri=tracking_uri), spec, progress=progress)


def detect(ctx: Context, spec: DetectSpec, *, progress: Progress | None = None) -> DetectRun:
    """Score the metric series of a table, store the scored rows and the alerts, log an MLflow run.

    Parameters
    ----------
    ctx : Context
        The workspace (holds the table, receives the outputs) and its tracking store.
    spec : DetectSpec
        What to score. ``time``, ``value`` (metric columns) and ``by`` (groups)
        name the columns; ``method`` is ``auto`` (chosen per series by the rule
        in :class:`~mirae.anomaly.AutoDetector`), ``band``, ``subpca``,
        ``poly``, or a multi-metric method (``iforest``, ``ecod``, ``pca``,
        ``correlation``); ``threshold`` / ``contamination`` the threshold rule;
        ``min_duration`` / ``cooldown`` how flagged rows become alerts;
        ``label`` a 0/1 column that is evaluated against, never fitted on.
        ``into`` is the scored table and ``{into}_events`` the alerts.

    Returns
    -------
    DetectRun
    """
    import numpy as np

    from mirae.anomaly import MetricDetector, evaluate_detection
    from mirae.core._progress import NullProgress

    ws, table, into = ctx.workspace, spec.table, spec.into
    events_name = f"{into}_events"
    progress = progress or NullProgress()
    check_outputs(ws, [into, events_name], inputs=[table], mode=spec.mode)
    tracker = ctx.tracker().open() if spec.track else None
    progress.start(f"reading {table}")
    source_snapshot = ws.current_snapshot_id(table)
    frame = ws.to_pandas(table, snapshot=source_snapshot)
    _check_columns(frame, spec)
    model = MetricDetector(
        time_col=spec.time,
        value_cols=tuple(spec.value) or None,
        by=tuple(spec.by),
        method=spec.method,
        threshold=spec.threshold,
        contamination=spec.contamination,
        min_duration=spec.min_duration,
        cooldown=spec.cooldown,
        duplicates=spec.duplicates,
        seasonality=spec.seasonality,
        window=spec.window,
        random_state=spec.seed,
    )
    features = frame.drop(columns=[spec.label]) if spec.label else frame
    progress.start(f"fitting the detectors of {table}")
    model.fit(features)
    progress.start("scoring every row")
    found = model.detect(features)
    evaluation: dict[str, float] = {}
    if spec.label:
        labels, flags, scores = _in_series_order(frame, found.scored, spec)
        evaluation = {
            k: float(v) for k, v in evaluate_detection(labels, flags, scores).items() if np.isfinite(v)
        }
    scored = _as_stored(found.scored)
    if spec.label:
        scored[spec.label] = frame[spec.label].to_numpy()
    events = _as_stored(found.events)
    with ExitStack() as stack:
        logger = None
        if tracker is not None:
            tags = {"mirae.table": table, "mirae.snapshot_id": source_snapshot, "mirae.task": "anomaly"}
            logger = stack.enter_context(
                tracker.start_run(
                    f"detect:{into}",
                    run_name=f"anomalies in {table}",
                    tags={**tags, "mirae.output_table": into, "mirae.workspace": str(ws.path)},
                )
            )
        lineage = Lineage(
            "detect",
            inputs=(Lineage.table(table, source_snapshot),),
            spec=spec.to_dict(),
            run_id=None if logger is None else logger.run_id,
        )
        progress.start(f"writing {into} and {events_name}")
        source = f"anomalies of {table}@{source_snapshot}"
        snapshot = ws.write(into, scored, mode=spec.mode, source=source, lineage=lineage)
        events_snapshot = ws.write(events_name, events, mode=spec.mode, source=source, lineage=lineage)
        run = _run(spec, found, snapshot, events_snapshot, source_snapshot, evaluation)
        if logger is not None:
            progress.start("logging the run to MLflow")
            logger.set_tags({"mirae.output_snapshot_id": snapshot.snapshot_id})
            _log_run(logger, run, found, spec)
            run.run_id = str(logger.run_id)
            if spec.register_:
                logger.log_model(
                    model,
                    pyfunc_predict_fn="anomaly_score",
                    metadata={
                        "mirae_task": "anomaly",
                        "method": spec.method,
                        "metrics": list(model.metrics_),
                    },
                )
    if tracker is not None and spec.register_ and run.run_id:
        progress.start("registering the detector")
        name = spec.model_name or into
        tags = {"mirae.table": table, "mirae.snapshot_id": source_snapshot, "mirae.task": "anomaly"}
        info = tracker.registry.register(name, run.run_id, tags=tags, alias=spec.alias)
        run.model_name, run.version = name, info.version
    if spec.html:
        progress.start("writing the anomaly report")
        run.report = _report(spec, found, run, model.metrics_)
        run.report.to_html(spec.html, lang=spec.lang)
        run.html = spec.html
    progress.finish()
    return run


def _check_columns(frame: pd.DataFrame, spec: DetectSpec) -> None:
    named = [c for c in (spec.time, *spec.value, *spec.by, spec.label) if c]
    missing = [c for c in named if c not in frame.columns]
    if missing:
        msg = f"column(s) {missing} are not in table '{spec.table}' (columns: {list(frame.columns)})."
        raise AnomalyError(msg)
    taken = [
        c for c in frame.columns if c in _ADDED or (spec.value and any(c == f"{v}_score" for v in spec.value))
    ]
    if taken:
        msg = (
            f"table '{spec.table}' already has column(s) {taken}, which the scored table adds; "
            "rename them first (mirae sql ... --into) or pick another table."
        )
        raise AnomalyError(msg)
    if spec.label:
        values = set(frame[spec.label].dropna().unique().tolist())
        if not values <= {0, 1} or frame[spec.label].isna().any():
            shown = sorted(str(v) for v in values)[:5]
            msg = f"label column '{spec.label}' must hold 0/1 (or true/false) in every row; got {shown}."
            raise AnomalyError(msg)


def _in_series_order(frame: pd.DataFrame, scored: pd.DataFrame, spec: DetectSpec) -> tuple[Any, Any, Any]:
    """Labels, flags and scores series by series in time order, a zero row between series (events never join)."""
    import numpy as np

    order = list(spec.by) + ([spec.time] if spec.time else [])
    rows = frame.sort_values(order, kind="stable").index if order else frame.index
    labels, flags, scores = [], [], []
    groups = (
        frame.loc[rows].groupby(list(spec.by), sort=False).indices.values()
        if spec.by
        else [np.arange(len(rows))]
    )
    for positions in groups:
        index = rows[np.asarray(positions)]
        labels.extend([*frame.loc[index, spec.label].astype(int), 0])
        flags.extend([*scored.loc[index, "is_anomaly"].astype(int), 0])
        scores.extend([*scored.loc[index, "score"].astype(float), -np.inf])
    return np.array(labels), np.array(flags), np.array(scores)


def _as_stored(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as strings (all-empty ones too), flags as booleans: types a table can hold."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        name = str(column)
        if name == "direction" or name.endswith("_direction") or name in ("metric", "method"):
            out[column] = out[column].astype("string")
        elif name == "is_anomaly" or name.endswith("_is_anomaly"):
            out[column] = out[column].fillna(False).astype(bool)
        elif out[column].dtype == object and out[column].isna().all():
            out[column] = out[column].astype("string")
    return pd.DataFrame(out)


def _why(row: dict[str, Any], lang: str) -> str:
    from mirae.core._i18n import label, message

    key = row.get("reason_key")
    if isinstance(key, str) and key:
        return message(key, lang, **(row.get("reason_params") or {}))
    return label(f"anomaly_method_{row['method']}", lang)


def _run(
    spec: DetectSpec,
    found: Any,
    snapshot: SnapshotInfo,
    events_snapshot: SnapshotInfo,
    source_snapshot: int | None,
    evaluation: dict[str, float],
) -> DetectRun:
    from mirae.core._i18n import message

    series = []
    for row in found.series.to_dict("records"):
        entry = {str(c): row[c] for c in spec.by}
        entry.update(
            metric=row["metric"],
            method=row["method"],
            why=_why(row, spec.lang),
            reason=None
            if not row.get("reason_key")
            else {"key": row["reason_key"], "params": dict(row.get("reason_params") or {})},
            rows=int(row["rows"]),
            anomalies=int(row["anomalies"]),
            events=int(row["events"]),
        )
        series.append(entry)
    top = found.events.sort_values("peak_score", ascending=False).head(10)
    return DetectRun(
        table=spec.into,
        events_table=f"{spec.into}_events",
        snapshot=snapshot,
        events_snapshot=events_snapshot,
        source_table=spec.table,
        source_snapshot=source_snapshot,
        rows=len(found.scored),
        flagged=int(found.scored["is_anomaly"].sum()),
        events=len(found.events),
        series=series,
        top_events=top.to_dict("records"),
        evaluation=evaluation,
        notes=[message(key, spec.lang, **params) for key, params in found.notes],
        note_keys=list(found.notes),
    )


def _log_run(logger: Any, run: DetectRun, found: Any, spec: DetectSpec) -> None:
    logger.log_params(
        {
            "method": spec.method,
            "time": spec.time,
            "value": ",".join(spec.value) or "all numeric",
            "by": ",".join(spec.by) or None,
            "threshold": spec.threshold,
            "contamination": spec.contamination,
            "min_duration": spec.min_duration,
            "cooldown": spec.cooldown,
            "duplicates": spec.duplicates,
            "seasonality": spec.seasonality,
            "window": spec.window,
            "label": spec.label,
            "table": run.source_table,
            "snapshot_id": run.source_snapshot,
            "series": len(run.series),
        }
    )
    share = run.flagged / run.rows if run.rows else 0.0
    logger.log_metrics(
        {"rows": run.rows, "flagged": run.flagged, "flagged_share": share, "events": run.events}
    )
    if run.evaluation:
        logger.log_metrics({f"eval_{k}": v for k, v in run.evaluation.items()})
    summary = found.series.copy()
    summary["reason_params"] = summary["reason_params"].astype(str)
    logger.log_frame(summary, "series")
    if len(found.events):
        logger.log_frame(found.events, "events")
    logger.log_dict({"notes": run.notes}, "notes.json")


def _report(spec: DetectSpec, found: Any, run: DetectRun, metrics: list[str]) -> Any:
    from mirae.anomaly._report import AnomalyReport

    parts = ("score", "is_anomaly", "expected", "lower", "upper", "direction")
    wanted = {*spec.by, *([spec.time] if spec.time else []), *metrics, *_ADDED}
    wanted |= {f"{m}_{part}" for m in metrics for part in parts}
    keep = [c for c in found.scored.columns if c in wanted]
    return AnomalyReport(
        scored=found.scored[keep],
        events=found.events,
        series=found.series,
        time_col=spec.time,
        by=tuple(spec.by),
        metrics=list(metrics),
        method=spec.method,
        notes=list(found.notes),
        evaluation=dict(run.evaluation),
        provenance={
            "model": run.model_ref,
            "table": spec.table,
            "snapshot": run.source_snapshot,
            "run": run.run_id,
        },
        table=spec.table,
    )
