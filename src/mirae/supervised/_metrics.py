"""Metrics the search optimises and the leaderboard reports.

Every metric scores out-of-fold predictions: class probabilities of shape
``(n_rows, n_classes)`` for classification, values for regression. Scores are
reported as the metric reads (RMSE stays an error); the search internally
maximises ``sign * value``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from sklearn import metrics as skm

from mirae.errors import ConfigError

__all__ = ["Metric", "Task", "binary_auc", "leaderboard_metrics", "resolve_metric"]

Task = Literal["binary", "multiclass", "regression"]


@dataclass(frozen=True)
class Metric:
    """A named score of predictions against the truth.

    Attributes
    ----------
    name : str
        As written in the leaderboard columns (``roc_auc``, ``rmse``, ...).
    greater_is_better : bool
        Whether a larger value is better.
    score : callable
        ``score(y_true, prediction) -> float``; ``y_true`` holds class indices
        ``0..k-1`` for classification.
    """

    name: str
    greater_is_better: bool
    score: Callable[[np.ndarray, np.ndarray], float]

    @property
    def sign(self) -> float:
        """``+1`` when greater is better, else ``-1``; ``sign * value`` is maximised."""
        return 1.0 if self.greater_is_better else -1.0


def binary_auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC-AUC of ``score`` for the 0/1 truth ``y``, from ranks (ties count half).

    The same number as scikit-learn's ``roc_auc_score``, without its input
    checks: the search, the screening and the ensemble score thousands of
    folds and resamples, where those checks cost more than the score.

    Raises
    ------
    ValueError
        When ``y`` holds one class only, or ``score`` a value that is not finite.

    Examples
    --------
    >>> binary_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    from scipy.stats import rankdata

    truth = np.asarray(y) == 1
    values = np.asarray(score, dtype=np.float64)
    n_pos = int(truth.sum())
    n_neg = len(truth) - n_pos
    if n_pos == 0 or n_neg == 0:
        msg = "Only one class present in y_true. ROC AUC score is not defined in that case."
        raise ValueError(msg)
    if not np.isfinite(values).all():
        msg = "Input contains NaN or infinity."
        raise ValueError(msg)
    ranks = rankdata(values)
    return float((ranks[truth].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def _labels(proba: np.ndarray) -> np.ndarray:
    return np.asarray(np.argmax(proba, axis=1))


def _clip(proba: np.ndarray) -> np.ndarray:
    clipped = np.clip(proba, 1e-15, 1.0)
    return np.asarray(clipped / clipped.sum(axis=1, keepdims=True))


def _binary(name: str) -> Metric:
    table: dict[str, Metric] = {
        "roc_auc": Metric("roc_auc", True, lambda y, p: binary_auc(y, p[:, 1])),
        "average_precision": Metric(
            "average_precision", True, lambda y, p: float(skm.average_precision_score(y, p[:, 1]))
        ),
        "log_loss": Metric("log_loss", False, lambda y, p: float(skm.log_loss(y, _clip(p), labels=[0, 1]))),
        "accuracy": Metric("accuracy", True, lambda y, p: float(skm.accuracy_score(y, _labels(p)))),
        "balanced_accuracy": Metric(
            "balanced_accuracy", True, lambda y, p: float(skm.balanced_accuracy_score(y, _labels(p)))
        ),
        "f1": Metric("f1", True, lambda y, p: float(skm.f1_score(y, _labels(p), zero_division=0.0))),
    }
    return table[name]


def _multiclass(name: str, n_classes: int) -> Metric:
    labels = list(range(n_classes))
    table: dict[str, Metric] = {
        "log_loss": Metric("log_loss", False, lambda y, p: float(skm.log_loss(y, _clip(p), labels=labels))),
        "accuracy": Metric("accuracy", True, lambda y, p: float(skm.accuracy_score(y, _labels(p)))),
        "balanced_accuracy": Metric(
            "balanced_accuracy", True, lambda y, p: float(skm.balanced_accuracy_score(y, _labels(p)))
        ),
        "f1_macro": Metric(
            "f1_macro",
            True,
            lambda y, p: float(
                skm.f1_score(y, _labels(p), average="macro", labels=labels, zero_division=0.0)
            ),
        ),
        "roc_auc_ovr": Metric(
            "roc_auc_ovr",
            True,
            lambda y, p: float(skm.roc_auc_score(y, _clip(p), multi_class="ovr", labels=labels)),
        ),
    }
    return table[name]


def _regression(name: str) -> Metric:
    table: dict[str, Metric] = {
        "rmse": Metric("rmse", False, lambda y, p: float(skm.root_mean_squared_error(y, p))),
        "mae": Metric("mae", False, lambda y, p: float(skm.mean_absolute_error(y, p))),
        "r2": Metric("r2", True, lambda y, p: float(skm.r2_score(y, p))),
        "mape": Metric("mape", False, lambda y, p: float(skm.mean_absolute_percentage_error(y, p))),
    }
    return table[name]


_NAMES: dict[Task, tuple[str, ...]] = {
    "binary": ("roc_auc", "average_precision", "log_loss", "accuracy", "balanced_accuracy", "f1"),
    "multiclass": ("log_loss", "accuracy", "balanced_accuracy", "f1_macro", "roc_auc_ovr"),
    "regression": ("rmse", "mae", "r2", "mape"),
}
_DEFAULT: dict[Task, str] = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}
_REPORTED: dict[Task, tuple[str, ...]] = {
    "binary": ("roc_auc", "log_loss", "accuracy"),
    "multiclass": ("log_loss", "accuracy", "f1_macro"),
    "regression": ("rmse", "mae", "r2"),
}


def resolve_metric(name: str | None, task: Task, n_classes: int = 2) -> Metric:
    """Return the :class:`Metric` called ``name`` for ``task`` (its default when ``None``).

    Examples
    --------
    >>> resolve_metric(None, "regression").name
    'rmse'
    >>> resolve_metric("roc_auc", "binary").greater_is_better
    True
    """
    chosen = _DEFAULT[task] if name is None else name
    if chosen not in _NAMES[task]:
        msg = f"metric {chosen!r} is not available for {task} targets; choose one of {list(_NAMES[task])}."
        raise ConfigError(msg)
    if task == "binary":
        return _binary(chosen)
    if task == "multiclass":
        return _multiclass(chosen, n_classes)
    return _regression(chosen)


def leaderboard_metrics(primary: Metric, task: Task, n_classes: int = 2) -> list[Metric]:
    """The primary metric followed by the other metrics the leaderboard shows."""
    others = [resolve_metric(n, task, n_classes) for n in _REPORTED[task] if n != primary.name]
    return [primary, *others]
