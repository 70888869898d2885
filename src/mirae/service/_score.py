"""Score and evaluate workspace tables with registered models (shared by CLI and server)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result
from mirae.errors import ConfigError, MissingColumnsError, TargetNotFoundError
from mirae.lake._lineage import Lineage
from mirae.service._context import Context
from mirae.service._outputs import check_outputs
from mirae.service._specs import EvaluateSpec, PredictSpec

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mirae.core._progress import Progress
    from mirae.lake import SnapshotInfo, Workspace
    from mirae.track import ModelVersionInfo

__all__ = ["EvaluationRun", "PredictRun", "evaluate", "evaluate_table", "predict", "predict_table"]

#: Name of the predicted value column written by :func:`predict_table`.
PREDICTION = "prediction"
#: Prefix of the per-class probability columns.
PROBA_PREFIX = "proba_"


@dataclass
class PredictRun(Result):
    """What :func:`predict_table` wrote.

    Attributes
    ----------
    table : str
        The scored table: the input columns, ``prediction`` and, for
        classifiers, ``proba_<class>`` per class.
    snapshot : SnapshotInfo
        Its new snapshot (its ``source`` names the model version and input snapshot).
    source_table, source_snapshot : str, int
        The table scored and the snapshot read.
    model : str
        ``name/version`` of the model used.
    ignored_columns : list of str
        Input columns the model does not use (kept in the output, not used to predict).
    """

    table: str
    snapshot: SnapshotInfo
    source_table: str
    source_snapshot: int | None
    model: str
    rows: int
    classes: list[Any] | None
    added_columns: list[str]
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "table": self.table,
            "snapshot": self.snapshot.to_dict(),
            "source_table": self.source_table,
            "source_snapshot": self.source_snapshot,
            "model": self.model,
            "rows": self.rows,
            "classes": self.classes,
            "added_columns": self.added_columns,
            "ignored_columns": self.ignored_columns,
            "notes": self.notes,
        }


@dataclass
class EvaluationRun(Result):
    """What :func:`evaluate_table` found: the report of a model version on a table."""

    model: str
    table: str
    snapshot_id: int | None
    target: str
    rows: int
    missing_target: int
    report: Any
    html: str | None = None

    @property
    def metrics(self) -> dict[str, Any]:
        """The report's headline metrics."""
        return dict(self.report.metrics)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict, the whole report included."""
        return {
            "model": self.model,
            "table": self.table,
            "snapshot_id": self.snapshot_id,
            "target": self.target,
            "rows": self.rows,
            "missing_target": self.missing_target,
            "html": self.html,
            "report": self.report.to_dict(),
        }


def load_model(ctx: Context, model_ref: str) -> tuple[Any, ModelVersionInfo]:
    """The fitted estimator behind ``name``, ``name@alias`` or ``name/version`` and its version info."""
    return ctx.tracker().registry.load(model_ref)


def model_task(model: Any, info: ModelVersionInfo) -> str:
    """The task a registered model was trained for, as recorded at registration (never guessed).

    ``binary``, ``multiclass``, ``regression`` or ``forecast``; a forecaster
    cannot score a table row by row.
    """
    task = info.tags.get("mirae.task") or getattr(model, "task_", None)
    if task is None:
        msg = (
            f"model {info.ref} does not record its task (tag mirae.task); register it with "
            "`mirae train` (or tag the version) so that mirae knows how to score with it."
        )
        raise ConfigError(msg)
    if task == "forecast":
        msg = f"model {info.ref} is a forecaster: run `mirae forecast`, not predict or evaluate, with it."
        raise ConfigError(msg)
    others = {
        "segment": "a segmenter: assign rows with `mirae segment TABLE ... --model NAME --into OUT`",
        "anomaly": "an anomaly detector: score rows with `mirae detect`",
        "recommendation": "a recommender: use `mirae recommend` or `mirae similar`",
    }
    if task in others:
        msg = f"model {info.ref} is {others[task]}, not predict or evaluate."
        raise ConfigError(msg)
    return str(task)


def model_features(model: Any) -> list[str]:
    """The columns a fitted model was trained on (``feature_names_in_``)."""
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        msg = "the model does not record the columns it was trained on (no feature_names_in_)."
        raise ConfigError(msg)
    return [str(n) for n in names]


def _check_columns(frame: pd.DataFrame, features: list[str], model: str, table: str) -> None:
    missing = [c for c in features if c not in frame.columns]
    if missing:
        msg = (
            f"table {table!r} lacks {len(missing)} column(s) model {model} was trained on: {missing}. "
            "Add them (empty values are allowed) or score a table with the training columns."
        )
        raise MissingColumnsError(msg)


def predict_table(
    ws: Workspace,
    model_ref: str,
    table: str,
    *,
    tracking_uri: str | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> PredictRun:
    """Score a table from Python: :func:`predict` with ``PredictSpec(model=model_ref, table=table, **settings)``."""
    spec = PredictSpec(model=model_ref, table=table, **settings)
    return predict(Context(ws, tracking_uri=tracking_uri), spec, progress=progress)


def predict(ctx: Context, spec: PredictSpec, *, progress: Progress | None = None) -> PredictRun:
    """Score every row of a table with a registered model and write the result as a new table.

    Parameters
    ----------
    ctx : Context
        The workspace and its tracking store.
    spec : PredictSpec
        What to score; its fields are described below.

    Spec fields
    -----------
    model : str
        ``name`` (latest version), ``name@alias`` or ``name/version``.
    table : str
        Rows to score, read at their latest snapshot. Columns the model was
        not trained on are kept in the output but ignored; missing ones raise
        :class:`~mirae.errors.MissingColumnsError` listing them.
    into : str
        Output table; never the scored table itself.
    mode : {'create', 'replace', 'append'}
        ``create`` refuses an existing output table (checked before the model
        is loaded); ``replace`` keeps its old snapshots in the history.
    progress : Progress, optional

    Returns
    -------
    PredictRun
    """
    import numpy as np

    from mirae.core._progress import NullProgress

    ws, model_ref, table, into, mode = ctx.workspace, spec.model, spec.table, spec.into, spec.mode
    progress = progress or NullProgress()
    check_outputs(ws, [into], inputs=[table], mode=mode)
    progress.start(f"loading model {model_ref}")
    model, info = load_model(ctx, model_ref)
    task = model_task(model, info)
    progress.start(f"reading {table}")
    source_snapshot = ws.current_snapshot_id(table)
    frame = ws.to_pandas(table, snapshot=source_snapshot)
    features = model_features(model)
    _check_columns(frame, features, info.ref, table)
    ignored = [str(c) for c in frame.columns if str(c) not in features]
    progress.start(f"scoring {len(frame):,} rows with {info.ref}")
    X = frame[features]
    out = frame.copy()
    added = [PREDICTION]
    classes = None
    predicted = np.asarray(model.predict(X))
    new_columns: dict[str, Any] = {PREDICTION: predicted}
    if task != "regression":
        proba = np.asarray(model.predict_proba(X), dtype=float)
        classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
        for j, label in enumerate(classes):
            new_columns[f"{PROBA_PREFIX}{label}"] = proba[:, j]
        added += [f"{PROBA_PREFIX}{label}" for label in classes]
    notes = []
    clashing = [c for c in added if c in out.columns]
    if clashing:
        notes.append(f"replaced input column(s) {clashing} by the model's output.")
        out = out.drop(columns=clashing)
    for name, values in new_columns.items():
        out[name] = values
    progress.start(f"writing {into}")
    source = f"predict {info.ref} (run {info.run_id}) on {table}@{source_snapshot}"
    lineage = Lineage(
        "predict",
        inputs=(Lineage.table(table, source_snapshot),),
        spec=spec.to_dict(),
        run_id=info.run_id,
        model=info.ref,
    )
    snapshot = ws.write(into, out, mode=mode, source=source, lineage=lineage)
    progress.finish()
    return PredictRun(
        table=into,
        snapshot=snapshot,
        source_table=table,
        source_snapshot=source_snapshot,
        model=info.ref,
        rows=len(out),
        classes=classes,
        added_columns=added,
        ignored_columns=ignored,
        notes=notes,
    )


def evaluate_table(
    ws: Workspace,
    model_ref: str,
    table: str,
    *,
    tracking_uri: str | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> EvaluationRun:
    """Evaluate from Python: :func:`evaluate` with ``EvaluateSpec(model=model_ref, table=table, **settings)``."""
    spec = EvaluateSpec(model=model_ref, table=table, **settings)
    return evaluate(Context(ws, tracking_uri=tracking_uri), spec, progress=progress)


def evaluate(ctx: Context, spec: EvaluateSpec, *, progress: Progress | None = None) -> EvaluationRun:
    """Evaluate a registered model on a table with known outcomes (e.g. last month's customers).

    Parameters
    ----------
    ctx : Context
        The workspace and its tracking store.
    spec : EvaluateSpec
        What to evaluate; its fields are described below.

    Spec fields
    -----------
    model : str
        ``name``, ``name@alias`` or ``name/version``.
    table : str
        Rows with the true ``target``, read at the latest snapshot; rows where
        it is missing are dropped and counted.
    target : str
        The column holding the truth.
    segment_by : str or list of str, optional
        Columns for the per-segment error table.
    html : str or Path, optional
        Also write the standalone HTML report here.
    lang : {"ko", "en"}
    explain : bool or list of str
        Explanations to compute (see :func:`mirae.evaluate.evaluate_classifier`).
    seed : int
        Seed of the explanations' row sample.
    progress : Progress, optional

    Returns
    -------
    EvaluationRun
    """
    from mirae.core._progress import NullProgress
    from mirae.evaluate import evaluate_classifier, evaluate_regressor

    ws, model_ref, table, target = ctx.workspace, spec.model, spec.table, spec.target
    segment_by, html, lang, explain, seed = spec.segment_by, spec.html, spec.lang, spec.explain, spec.seed
    progress = progress or NullProgress()
    progress.start(f"loading model {model_ref}")
    model, info = load_model(ctx, model_ref)
    task = model_task(model, info)
    snapshot_id = ws.current_snapshot_id(table)
    frame = ws.to_pandas(table, snapshot=snapshot_id)
    if target not in frame.columns:
        msg = f"target column {target!r} is not in table {table!r}; its columns are {list(frame.columns)}."
        raise TargetNotFoundError(msg)
    _check_columns(frame, model_features(model), info.ref, table)
    missing = frame[target].isna().to_numpy()
    frame = frame.loc[~missing].reset_index(drop=True)
    X, y = frame.drop(columns=[target]), frame[target]
    how = explain if isinstance(explain, bool) else list(explain)
    progress.start(f"evaluating {info.ref} on {len(frame):,} rows")
    report: Any
    if task != "regression":
        from mirae.service._train import positive_class

        y = _as_class_labels(y, model.classes_)
        pos = positive_class(model.classes_, spec.positive or info.tags.get("mirae.positive"))
        report = evaluate_classifier(
            model, X, y, segment_by=segment_by, explain=how, random_state=seed, pos_label=pos
        )
    else:
        report = evaluate_regressor(model, X, y, segment_by=segment_by, explain=how, random_state=seed)
    written = None
    if html is not None:
        report.to_html(html, lang=lang)
        written = str(html)
    progress.finish()
    return EvaluationRun(
        model=info.ref,
        table=table,
        snapshot_id=snapshot_id,
        target=target,
        rows=len(frame),
        missing_target=int(missing.sum()),
        report=report,
        html=written,
    )


def _as_class_labels(y: pd.Series, classes: np.ndarray) -> pd.Series:
    """Truths in the type of the model's classes (``1`` read back as ``'1'`` and the like)."""
    known = set(classes.tolist())
    if set(y.unique().tolist()) <= known:
        return y
    as_text = y.astype(str)
    if all(isinstance(c, str) for c in known) and set(as_text.unique().tolist()) <= known:
        return as_text
    return y
