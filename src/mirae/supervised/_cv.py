"""Cross-validation of one candidate model: folds, out-of-fold predictions, scores.

All candidates of one ``fit`` share the same folds, so their scores compare
fairly and their out-of-fold predictions can be blended by the ensemble.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    TimeSeriesSplit,
)
from sklearn.pipeline import Pipeline

from mirae.errors import ConfigError
from mirae.supervised._metrics import Metric, Task

__all__ = [
    "Candidate",
    "CvStrategy",
    "FoldCache",
    "OutOfTime",
    "Split",
    "cross_validate",
    "make_splits",
    "predict_output",
    "subsample_rows",
]

CvStrategy = Literal["auto", "stratified", "kfold", "group", "time"]
Split = tuple[np.ndarray, np.ndarray]


class OutOfTime(Exception):  # noqa: N818 - control flow, never reaches the user
    """The time budget ran out in the middle of a candidate's folds."""


@dataclass
class Candidate:
    """One model configuration and how it did over the folds.

    Attributes
    ----------
    name : str
        Leaderboard name (``"lightgbm"``, ``"lightgbm/search-3"``, ``"ensemble"``).
    family : str
        Zoo family name.
    params : dict
        Hyperparameters given to the family.
    source : str
        ``"default"``, ``"search"`` or ``"ensemble"``.
    scores : dict of str to list of float
        Each leaderboard metric on each fold's held-out rows; the primary
        metric comes first.
    oof : ndarray or None
        Out-of-fold predictions (dropped for weak candidates to bound memory).
    fit_time, predict_time : float
        Mean seconds per fold.
    fit_times, predict_times : list of float
        Seconds of each fold run so far.
    screened_out : bool
        Whether it stopped after the first fold, clearly behind the leader
        (its scores then cover that fold only).
    """

    name: str
    family: str
    params: dict[str, Any]
    source: str
    scores: dict[str, list[float]] = field(default_factory=dict)
    oof: np.ndarray | None = None
    fit_time: float = 0.0
    predict_time: float = 0.0
    fit_times: list[float] = field(default_factory=list)
    predict_times: list[float] = field(default_factory=list)
    screened_out: bool = False

    def mean(self, metric: Metric) -> float:
        """Mean over folds of ``metric`` (as the metric reads)."""
        return float(np.mean(self.scores[metric.name]))

    def utility(self, metric: Metric) -> float:
        """``sign * mean``: larger is better whatever the metric."""
        return metric.sign * self.mean(metric)


def make_splits(
    strategy: CvStrategy,
    n_folds: int,
    *,
    task: Task,
    y: np.ndarray,
    groups: np.ndarray | None,
    order: np.ndarray | None,
    random_state: int,
) -> list[Split]:
    """Return the ``(train, validation)`` row positions of each fold.

    ``"auto"`` means grouped when ``groups`` are given, else stratified for
    classification and shuffled k-fold for regression. ``"time"`` trains on
    the past and validates on the next block (rows in ``order``, or as given).
    """
    n_rows = len(y)
    positions = np.arange(n_rows)
    classify = task != "regression"
    if strategy == "auto":
        strategy = "group" if groups is not None else ("stratified" if classify else "kfold")
    if strategy == "group":
        if groups is None:
            msg = "cv='group' needs groups; pass fit(X, y, groups=...)."
            raise ConfigError(msg)
        if len(np.unique(groups)) < n_folds:
            msg = (
                f"cv='group' needs at least n_folds={n_folds} distinct groups; got {len(np.unique(groups))}."
            )
            raise ConfigError(msg)
        splitter: Any = (
            StratifiedGroupKFold(n_folds, shuffle=True, random_state=random_state)
            if classify
            else GroupKFold(n_folds, shuffle=True, random_state=random_state)
        )
        return [(tr, va) for tr, va in splitter.split(positions, y, groups)]
    if strategy == "time":
        ordered = positions if order is None else np.asarray(order)
        return [(ordered[tr], ordered[va]) for tr, va in TimeSeriesSplit(n_folds).split(ordered)]
    if strategy == "stratified":
        if not classify:
            msg = "cv='stratified' needs a classification target; use cv='kfold' for regression."
            raise ConfigError(msg)
        splitter = StratifiedKFold(n_folds, shuffle=True, random_state=random_state)
        return [(tr, va) for tr, va in splitter.split(positions, y)]
    if strategy == "kfold":
        splitter = KFold(n_folds, shuffle=True, random_state=random_state)
        return [(tr, va) for tr, va in splitter.split(positions)]
    msg = f"cv must be one of 'auto', 'stratified', 'kfold', 'group', 'time'; got {strategy!r}."
    raise ConfigError(msg)


def subsample_rows(rows: np.ndarray, cap: int | None, random_state: int) -> np.ndarray:
    """Keep at most ``cap`` of ``rows``, chosen with a seeded generator, in order."""
    if cap is None or len(rows) <= cap:
        return rows
    chosen = np.random.default_rng(random_state).choice(len(rows), cap, replace=False)
    return np.asarray(rows[np.sort(chosen)])


def predict_output(model: Any, X: pd.DataFrame | np.ndarray, task: Task, n_classes: int) -> np.ndarray:
    """Probabilities over all ``n_classes`` (classification) or values (regression)."""
    if task == "regression":
        return np.asarray(model.predict(X), dtype=np.float64)
    proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    out = np.zeros((len(X), n_classes))
    out[:, np.asarray(model.classes_, dtype=np.int64)] = proba  # a fold may miss a rare class
    return out


def fit_quietly(model: Any, X: Any, y: np.ndarray, weight: np.ndarray | None) -> Any:
    """Fit ``model`` (a pipeline or its last step); an unconverged optimiser is a weak candidate, not an error."""
    name = "model__sample_weight" if isinstance(model, Pipeline) else "sample_weight"
    kwargs = {} if weight is None else {name: weight}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        model.fit(X, y, **kwargs)
    return model


#: Bytes of preprocessed folds one fit keeps for its candidates at most.
CACHE_BYTES = 512 * 2**20


@dataclass
class _Prepared:
    train: np.ndarray
    valid: np.ndarray
    seconds: float


class FoldCache:
    """Preprocessed folds shared by the candidates of one fit.

    Every family of one preprocessing style sees the same encoded rows of a
    fold, so a fold's preprocessing is fitted once per style instead of once
    per candidate. The folds are kept up to ``max_bytes``; past that, a fold
    is preprocessed afresh each time. A candidate's fit time still counts the
    preprocessing it used, so the leaderboard's times compare fairly.
    """

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: dict[tuple[Any, ...], _Prepared] = {}
        self._bytes = 0

    def prepared(
        self,
        prep: Any,
        key: tuple[Any, ...],
        X_train: pd.DataFrame,
        y_train: np.ndarray,
        X_valid: pd.DataFrame,
    ) -> _Prepared:
        """The encoded training and held-out rows of the fold named by ``key``."""
        try:
            full = (tuple(sorted(prep.get_params(deep=False).items())), *key)
            hash(full)
        except TypeError:  # parameters that cannot be a key: no sharing
            full = None
        if full is not None and full in self._entries:
            return self._entries[full]
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=ConvergenceWarning)
            train = np.asarray(prep.fit_transform(X_train, y_train))
        valid = np.asarray(prep.transform(X_valid))
        entry = _Prepared(train, valid, time.perf_counter() - start)
        size = train.nbytes + valid.nbytes
        if full is not None and self._bytes + size <= self.max_bytes:
            self._entries[full] = entry
            self._bytes += size
        return entry


def cross_validate(
    candidate: Candidate,
    build: Callable[[], Pipeline],
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    splits: list[Split],
    weight: np.ndarray | None,
    metrics: list[Metric],
    task: Task,
    n_classes: int,
    train_rows: int | None,
    random_state: int,
    report: Callable[[int, float], None] | None = None,
    deadline: float | None = None,
    folds: range | None = None,
    cache: FoldCache | None = None,
) -> Candidate:
    """Fit ``build()`` on each fold's training rows and score its held-out rows.

    Every metric in ``metrics`` is scored per fold; ``report(fold,
    running_mean_of_sign_times_primary)`` is called after each fold (the
    search prunes through it). Past ``deadline`` (a
    ``time.perf_counter`` value) with folds left, :class:`OutOfTime` is raised.
    ``folds`` runs only those folds, adding to what ``candidate`` holds (the
    screening runs the first fold, then the rest). With ``cache``, a
    pipeline's preprocessing of a fold is shared with the other candidates.
    """
    width = n_classes if task != "regression" else 0
    if candidate.oof is None:
        candidate.oof = np.full((len(y), width) if width else len(y), np.nan)
    oof = candidate.oof
    for fold in range(len(splits)) if folds is None else folds:
        train, valid = splits[fold]
        rows = subsample_rows(train, train_rows, random_state + fold)
        model = build()
        fold_weight = None if weight is None else weight[rows]
        if cache is not None and len(model.steps) == 2:
            prep, estimator = model.steps[0][1], model.steps[1][1]
            encoded = cache.prepared(prep, (fold, len(rows)), X.iloc[rows], y[rows], X.iloc[valid])
            start = time.perf_counter()
            fit_quietly(estimator, encoded.train, y[rows], fold_weight)
            candidate.fit_times.append(time.perf_counter() - start + encoded.seconds)
            start = time.perf_counter()
            prediction = predict_output(estimator, encoded.valid, task, n_classes)
        else:
            start = time.perf_counter()
            fit_quietly(model, X.iloc[rows], y[rows], fold_weight)
            candidate.fit_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            prediction = predict_output(model, X.iloc[valid], task, n_classes)
        candidate.predict_times.append(time.perf_counter() - start)
        oof[valid] = prediction
        candidate.fit_time = float(np.mean(candidate.fit_times))
        candidate.predict_time = float(np.mean(candidate.predict_times))
        for metric in metrics:
            candidate.scores.setdefault(metric.name, []).append(metric.score(y[valid], prediction))
        if report is not None:
            primary = metrics[0]
            report(fold, primary.sign * float(np.mean(candidate.scores[primary.name])))
        if deadline is not None and fold + 1 < len(splits) and time.perf_counter() > deadline:
            raise OutOfTime
    return candidate
