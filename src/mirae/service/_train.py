"""Train, evaluate and score models on workspace tables, tracked in MLflow (shared by CLI and server).

How a model is judged: :func:`train_table` holds out a share of the rows
(``holdout=0.2``; stratified for classes, whole groups when ``group`` is
given, the latest rows when ``time`` is given) before AutoML sees the table.
The search's cross-validation runs on the remaining rows only and its
out-of-fold scores are logged per fold (``cv_<metric>``, one step per fold)
to show stability; they chose the model, so they are optimistic. The
evaluation report (``holdout_<metric>``, ``report.html``) is computed on the
held-out rows, which neither the search nor the refit saw: an honest
estimate. The registered model is the one fitted on the training rows, so
the report describes exactly the model that is served.
"""

from __future__ import annotations

import json
import time as _time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mirae.core._config import cpu_jobs
from mirae.core._result import Result
from mirae.errors import ConfigError, TargetError, TargetNotFoundError
from mirae.service._context import Context
from mirae.service._specs import Task, TrainSpec

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mirae.core._progress import Progress
    from mirae.lake import Workspace


__all__ = ["TrainRun", "train_table"]

#: A numeric target with more distinct values than this is treated as a regression target.
MAX_CLASSES = 20
#: Share of ``time_budget`` (after reading the table) for the model search and refit.
FIT_SHARE = 0.75
#: Point of the budget by which the holdout report's explanations must have started.
REPORT_SHARE = 0.9
#: Fewer held-out rows than this give no useful report; the holdout is then skipped.
MIN_HOLDOUT_ROWS = 20


@dataclass
class TrainRun(Result):
    """What :func:`train_table` did: the MLflow run, the registered version, the scores.

    Attributes
    ----------
    run_id, experiment, tracking_uri : str
        The MLflow run and where it is stored.
    table, snapshot_id : str, int
        The table and the Iceberg snapshot trained on (lineage, also run tags).
    task : {"binary", "multiclass", "regression"}
    rows, rows_train, rows_holdout, missing_target : int
        Rows read, used to train, held out for the report, dropped for a missing target.
    metric, best_model : str
        The metric optimised and the winning model (``ensemble`` or a family).
    cv_score, cv_std : float
        Mean and standard deviation over folds of ``metric`` (training rows).
    holdout_metrics : dict
        The report's metrics on the held-out rows (empty when ``holdout=0``).
    model_name, version, alias : str, int, str
        The registered model version (``None`` when ``register=False``).
    leaderboard : list of dict
        Every candidate with mean and standard deviation per metric.
    notices : list of str
        Rows and columns dropped, models skipped, leakage warnings.
    report : ClassificationReport or RegressionReport or None
        The holdout evaluation (not in :meth:`to_dict`; stored as run artifacts).
    estimator : AutoClassifier or AutoRegressor
        The fitted model, as registered (not in :meth:`to_dict`).
    """

    run_id: str
    experiment: str
    tracking_uri: str
    table: str
    snapshot_id: int | None
    target: str
    task: str
    rows: int
    rows_train: int
    rows_holdout: int
    missing_target: int
    metric: str
    best_model: str
    cv_score: float
    cv_std: float
    holdout_metrics: dict[str, float]
    model_name: str | None
    version: int | None
    alias: str | None
    evaluation: str
    fit_seconds: float
    leaderboard: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    report: Any = None
    estimator: Any = None

    @property
    def model_ref(self) -> str | None:
        """``name/version`` of the registered model."""
        return None if self.version is None else f"{self.model_name}/{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (without the report object)."""
        return {
            "run_id": self.run_id,
            "experiment": self.experiment,
            "tracking_uri": self.tracking_uri,
            "table": self.table,
            "snapshot_id": self.snapshot_id,
            "target": self.target,
            "task": self.task,
            "rows": self.rows,
            "rows_train": self.rows_train,
            "rows_holdout": self.rows_holdout,
            "missing_target": self.missing_target,
            "metric": self.metric,
            "best_model": self.best_model,
            "cv_score": self.cv_score,
            "cv_std": self.cv_std,
            "evaluation": self.evaluation,
            "holdout_metrics": self.holdout_metrics,
            "model": {"name": self.model_name, "version": self.version, "alias": self.alias},
            "model_ref": self.model_ref,
            "fit_seconds": self.fit_seconds,
            "leaderboard": self.leaderboard,
            "notices": self.notices,
        }


def train_table(
    ws: Workspace,
    table: str,
    *,
    tracking_uri: str | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> TrainRun:
    """Train on a workspace table from Python: :func:`train` with ``TrainSpec(table=table, **settings)``.

    ``settings`` are the fields of :class:`~mirae.service.TrainSpec` (``target``,
    ``time_budget``, ``n_trials``, ``cv``, ``models``, ...), validated by it.
    """
    return train(
        Context(ws, tracking_uri=tracking_uri), TrainSpec(table=table, **settings), progress=progress
    )


def train(ctx: Context, spec: TrainSpec, *, progress: Progress | None = None) -> TrainRun:
    """Run AutoML on a workspace table, evaluate it, log an MLflow run and register the model.

    Parameters
    ----------
    ctx : Context
        The workspace (its ``mlflow.db`` and ``mlartifacts`` receive the run
        unless the context names another tracking store).
    spec : TrainSpec
        What to train; its fields, described below, are the settings.

    Spec fields
    -----------
    table : str
        Read at its latest snapshot, whose id is recorded on the run and the version.
    target : str
        Column to predict. Rows where it is missing are dropped and counted.
    task : {"auto", "classification", "regression"}
        ``auto``: text, boolean and numeric targets with at most 20 distinct
        values are classes; other numbers are regression.
    time_budget, n_trials : optional
        Search budget in seconds or trials (trials + seed are reproducible).
    seed : int
        Seed of the holdout split, the folds, the models and the search.
    metric : str, optional
        Metric to optimise (``roc_auc``, ``log_loss``, ``rmse``, ...).
    cv : int
        Cross-validation folds.
    group : str, optional
        Rows of one group stay together (in one fold, and in or out of the holdout).
    time : str, optional
        Time-ordered folds on this column; the holdout is the latest rows.
    segment_by : str or list of str, optional
        Columns for the report's per-segment error table.
    models : sequence of str, optional
        Model families to try (default: the whole zoo).
    holdout : float
        Share of rows held out for the evaluation report (0 to skip it).
    explain : bool or list of str
        Explanations in the report (``permutation``, ``shap``, ``partial_dependence``, ``rules``).
    model_name : str, optional
        Registered model (and MLflow experiment) name; default: the table name.
    register : bool
        Register the model as a new version of ``model_name``.
    alias : str, optional
        Move this alias (e.g. ``champion``) to the new version.
    lang : {"ko", "en"}
        Language of the HTML report.
    progress : Progress, optional
        Receives progress events.

    Returns
    -------
    TrainRun

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mirae import Workspace
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> frame = pd.DataFrame({"spend": range(200), "plan": ["a", "b"] * 100})
    >>> frame["churn"] = (frame["spend"] % 5 > 2).map({True: "yes", False: "no"})
    >>> _ = ws.write("customers", frame)
    >>> run = train_table(ws, "customers", target="churn", models=["linear"], cv=3, explain=False)
    >>> run.task, run.model_ref, run.rows_holdout
    ('binary', 'customers/1', 40)
    """
    from mirae.core._progress import NullProgress, reporting

    ws = ctx.workspace
    table, target, task, seed, cv, group, time = (
        spec.table,
        spec.target,
        spec.task,
        spec.seed,
        spec.cv,
        spec.group,
        spec.time,
    )
    metric, models, holdout, explain, lang = spec.metric, spec.models, spec.holdout, spec.explain, spec.lang
    progress = progress or NullProgress()
    started = _time.perf_counter()
    progress.start("opening the tracking store")
    tracker = ctx.tracker().open()  # fails now, not after the search
    progress.start(f"reading {table}")
    snapshot_id = ws.current_snapshot_id(table)
    frame = ws.to_pandas(table, snapshot=snapshot_id)
    if target not in frame.columns:
        msg = f"target column {target!r} is not in table {table!r}; its columns are {list(frame.columns)}."
        raise TargetNotFoundError(msg)
    for name, column in (("group", group), ("time", time)):
        if column is not None and column not in frame.columns:
            msg = f"{name} column {column!r} is not in table {table!r}."
            raise ConfigError(msg)
    rows = len(frame)
    missing = frame[target].isna().to_numpy()
    if rows and missing.all():
        msg = (
            f"the target {target!r} is empty in all {rows:,} rows of table {table!r}: there is nothing to "
            "learn from. Check the column name, or fill the target (e.g. ingest a file that has it)."
        )
        raise TargetError(msg)
    frame = frame.loc[~missing].reset_index(drop=True)
    kind = _resolve_task(frame[target], task)
    if spec.positive is not None and kind == "classification":  # refused now, not after the search
        positive_class(sorted(frame[target].unique(), key=str), spec.positive)
    notes = [f"dropped {int(missing.sum()):,} rows with no {target!r}."] if missing.any() else []

    train, test = _holdout_split(frame, target, kind, holdout, seed, group, time, notes)
    # --time-budget bounds the whole command: the model search and refit get FIT_SHARE of what is
    # left after reading, the holdout report what remains up to REPORT_SHARE; logging takes the rest
    fit_budget = None
    if spec.time_budget is not None:
        fit_budget = max(1.0, FIT_SHARE * (spec.time_budget - (_time.perf_counter() - started)))
    estimator = _estimator(
        kind, metric, models, cv, group, time, fit_budget, spec.n_trials, seed, spec.screen
    )
    estimator.set_params(n_jobs=cpu_jobs(spec.n_jobs))
    progress.start(f"searching models for {target!r} on {len(train):,} rows")
    fit_started = _time.perf_counter()
    with reporting(progress):  # families cross-validated, trials of the budget
        estimator.fit(train, target, groups=group)
    fit_seconds = _time.perf_counter() - fit_started

    report = None
    if test is not None:
        progress.start(f"evaluating on {len(test):,} held-out rows")
        deadline = None if spec.time_budget is None else started + REPORT_SHARE * spec.time_budget
        report = _evaluate(
            estimator, test, target, kind, spec.segment_by, explain, seed, spec.positive, deadline
        )

    progress.start("logging the run to MLflow")
    name = spec.model_name or table
    lineage = {
        "mirae.table": table,
        "mirae.snapshot_id": snapshot_id,
        "mirae.target": target,
        "mirae.task": estimator.task_,
        "mirae.workspace": str(ws.path),
        "mirae.evaluation": "holdout" if report is not None else "cv-only",
    }
    classes = getattr(estimator, "classes_", None)
    if classes is not None and spec.positive is not None:
        lineage["mirae.positive"] = str(positive_class(classes, spec.positive))
    if classes is not None:
        lineage["mirae.classes"] = json.dumps([_plain(c) for c in classes], ensure_ascii=False)
    board = estimator.leaderboard_
    chosen = estimator.candidates_[estimator.best_model_]
    primary = estimator.metric_
    fold_scores = [float(v) for v in chosen.scores[primary]]
    cv_score = float(sum(fold_scores) / len(fold_scores))
    cv_std = float(board.loc[board["model"] == estimator.best_model_, f"{primary}_std"].iloc[0])
    holdout_metrics = _finite(report.metrics) if report is not None else {}
    with tracker.start_run(name, run_name=f"{target} on {table}", tags=lineage) as run:
        run.log_params(
            {
                "table": table,
                "snapshot_id": snapshot_id,
                "target": target,
                "task": estimator.task_,
                "metric": primary,
                "n_folds": cv,
                "cv": "time" if time else ("group" if group else "auto"),
                "group": group,
                "time": time,
                "time_budget": spec.time_budget,
                "n_trials": spec.n_trials,
                "seed": seed,
                "models": list(models) if models else "all",
                "holdout": holdout,
                "best_model": estimator.best_model_,
                "best_params": json.loads(board.loc[board["chosen"], "params"].iloc[0]),
                "ensemble_weights": {k: round(v, 4) for k, v in estimator.weights_.items()},
            }
        )
        run.log_fold_metrics(chosen.scores)
        summary: dict[str, Any] = {
            f"cv_{primary}_mean": cv_score,
            f"cv_{primary}_std": cv_std,
            "fit_seconds": fit_seconds,
            "rows_train": len(train),
            "rows_holdout": 0 if test is None else len(test),
            "missing_target_rows": int(missing.sum()),
            "candidates": len(board),
        }
        summary.update({f"holdout_{k}": v for k, v in holdout_metrics.items()})
        if report is not None and getattr(report, "lift_at_20", None) is not None:
            summary["holdout_lift_at_20"] = report.lift_at_20
        run.log_metrics(summary)
        run.log_frame(board, "leaderboard")
        run.log_dict({"notices": notes + list(estimator.notices_)}, "notices.json")
        if report is not None:
            top = board.head(5)[["rank", "model", f"{primary}_mean", f"{primary}_std", "chosen"]]
            report.provenance = {
                "model": name,
                "run": run.run_id,
                "table": table,
                "snapshot": snapshot_id,
                "evaluation": f"holdout of {len(test):,} rows" if test is not None else "cross-validation",
                "metric": primary,
                "leaderboard": top.to_dict("records"),
            }
            run.log_report(report, lang=lang)
        run.log_model(
            estimator,
            pyfunc_predict_fn="predict_proba" if classes is not None else "predict",
            metadata={
                "mirae_task": estimator.task_,
                "target": target,
                "classes": None if classes is None else [_plain(c) for c in classes],
                "features": [str(c) for c in estimator.feature_names_in_],
            },
        )
    version = None
    if spec.register_:
        progress.start(f"registering {name}")
        info = tracker.registry.register(name, run.run_id, tags=lineage, alias=spec.alias)
        version = info.version
        if report is not None:
            report.provenance = {"model": name, "version": version, "alias": spec.alias, **report.provenance}
    progress.finish()
    return TrainRun(
        run_id=run.run_id,
        experiment=name,
        tracking_uri=tracker.tracking_uri,
        table=table,
        snapshot_id=snapshot_id,
        target=target,
        task=estimator.task_,
        rows=rows,
        rows_train=len(train),
        rows_holdout=0 if test is None else len(test),
        missing_target=int(missing.sum()),
        metric=primary,
        best_model=estimator.best_model_,
        cv_score=cv_score,
        cv_std=cv_std,
        holdout_metrics=holdout_metrics,
        model_name=name if spec.register_ else None,
        version=version,
        alias=spec.alias if spec.register_ else None,
        evaluation="holdout" if report is not None else "cv-only",
        fit_seconds=fit_seconds,
        leaderboard=json.loads(board.to_json(orient="records")),
        notices=notes + list(estimator.notices_),
        report=report,
        estimator=estimator,
    )


def _resolve_task(y: pd.Series, task: Task) -> Literal["classification", "regression"]:
    import pandas as pd

    if task in ("classification", "regression"):
        return task
    if pd.api.types.is_bool_dtype(y) or not pd.api.types.is_numeric_dtype(y):
        return "classification"
    values = y.to_numpy(dtype="float64")
    integral = bool(((values % 1) == 0).all())
    return "classification" if integral and y.nunique() <= MAX_CLASSES else "regression"


def _holdout_split(
    frame: pd.DataFrame,
    target: str,
    kind: str,
    holdout: float,
    seed: int,
    group: str | None,
    time: str | None,
    notes: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Training rows and held-out rows (``None`` when there are too few to hold out)."""
    import numpy as np

    n_test = int(round(holdout * len(frame)))
    if holdout == 0:
        return frame, None
    if n_test < MIN_HOLDOUT_ROWS:
        notes.append(
            f"no holdout: {holdout:.0%} of {len(frame)} rows is fewer than {MIN_HOLDOUT_ROWS}; "
            "only cross-validation scores are reported."
        )
        return frame, None
    rng = np.random.default_rng(seed)
    if time is not None:
        order = np.argsort(frame[time].to_numpy(), kind="stable")
        test_rows = order[-n_test:]
    elif group is not None:
        from sklearn.model_selection import GroupShuffleSplit

        splitter = GroupShuffleSplit(n_splits=1, test_size=holdout, random_state=seed)
        _, test_rows = next(splitter.split(frame, groups=frame[group].to_numpy()))
    elif kind == "classification":
        test_rows = _stratified_rows(frame[target], holdout, rng)
    else:
        test_rows = rng.permutation(len(frame))[:n_test]
    mask = np.zeros(len(frame), dtype=bool)
    mask[test_rows] = True
    return frame.loc[~mask].reset_index(drop=True), frame.loc[mask].reset_index(drop=True)


def _stratified_rows(y: pd.Series, share: float, rng: np.random.Generator) -> np.ndarray:
    """A share of each class's rows (at least one of classes with two rows or more)."""
    import numpy as np

    picked = []
    codes = y.astype(str).to_numpy()
    for label in np.unique(codes):
        rows = np.flatnonzero(codes == label)
        take = int(round(share * len(rows)))
        if len(rows) >= 2:
            take = min(max(take, 1), len(rows) - 1)
        picked.append(rng.permutation(rows)[:take])
    return np.sort(np.concatenate(picked))


def _estimator(
    kind: str,
    metric: str | None,
    models: Sequence[str] | None,
    cv: int,
    group: str | None,
    time: str | None,
    time_budget: float | None,
    n_trials: int | None,
    seed: int,
    screen: bool,
) -> Any:
    from mirae.supervised import AutoClassifier, AutoRegressor

    settings: dict[str, Any] = {
        "metric": metric,
        "models": list(models) if models else None,
        "n_folds": cv,
        "cv": "time" if time else ("group" if group else "auto"),
        "time_column": time,
        "time_budget": time_budget,
        "n_trials": n_trials,
        "random_state": seed,
        "screen": screen,
    }
    return AutoClassifier(**settings) if kind == "classification" else AutoRegressor(**settings)


def _evaluate(
    model: Any,
    rows: pd.DataFrame,
    target: str,
    kind: str,
    segment_by: str | Sequence[str] | None,
    explain: bool | Sequence[str],
    seed: int,
    positive: str | None = None,
    deadline: float | None = None,
) -> Any:
    from mirae.evaluate import evaluate_classifier, evaluate_regressor

    X = rows.drop(columns=[target])
    y = rows[target]
    how = explain if isinstance(explain, bool) else list(explain)
    if kind == "classification":
        pos = positive_class(model.classes_, positive)
        return evaluate_classifier(
            model,
            X,
            y,
            segment_by=segment_by,
            explain=how,
            random_state=seed,
            pos_label=pos,
            deadline=deadline,
        )
    return evaluate_regressor(
        model, X, y, segment_by=segment_by, explain=how, random_state=seed, deadline=deadline
    )


def positive_class(classes: Any, positive: str | None) -> Any:
    """The class named ``positive`` (given as text, matched by its text), or None for the default."""
    if positive is None:
        return None
    for value in list(classes):
        if str(value) == str(positive):
            return value.item() if hasattr(value, "item") else value
    msg = f"positive class {positive!r} is not one of the target's classes {[str(c) for c in classes]}."
    raise ConfigError(msg)


def _finite(metrics: dict[str, Any]) -> dict[str, float]:
    import math

    out = {}
    for key, value in metrics.items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number):
            out[str(key)] = number
    return out


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (for JSON)."""
    return value.item() if hasattr(value, "item") else value
