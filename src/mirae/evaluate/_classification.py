"""Classification metrics and curves over arrays of truths, labels and probabilities.

Curves (ROC, precision-recall, calibration) are computed on every row; the
points kept for charts are thinned to at most ``max_points`` evenly spaced
points (the first and last always kept). Areas are computed before thinning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

MAX_CURVE_POINTS = 400


def thin(n: int, max_points: int = MAX_CURVE_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` evenly spaced points out of ``n``, ends included.

    Examples
    --------
    >>> thin(5, 3).tolist()
    [0, 2, 4]
    >>> thin(2, 3).tolist()
    [0, 1]
    """
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def confusion_table(y_true: np.ndarray, y_pred: np.ndarray, classes: Sequence[Any]) -> pd.DataFrame:
    """The confusion matrix as a table: rows are actual classes, columns predicted ones.

    Examples
    --------
    >>> import numpy as np
    >>> confusion_table(np.array([1, 1, 0]), np.array([1, 0, 0]), [0, 1]).to_numpy().tolist()
    [[1, 0], [1, 1]]
    """
    from sklearn.metrics import confusion_matrix

    matrix = confusion_matrix(y_true, y_pred, labels=list(classes))
    table = pd.DataFrame(matrix, index=pd.Index(list(classes), name="actual"), columns=list(classes))
    table.columns.name = "predicted"
    return table


def class_report_table(y_true: np.ndarray, y_pred: np.ndarray, classes: Sequence[Any]) -> pd.DataFrame:
    """Precision, recall, F1 and support per class, then the macro and weighted averages.

    A class never predicted has precision NaN (0 / 0), not 0; the averages skip NaN
    the way scikit-learn's ``zero_division=np.nan`` does.
    """
    from sklearn.metrics import precision_recall_fscore_support

    labels = list(classes)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=np.nan
    )
    rows = {
        "precision": precision,
        "recall": recall,
        "f1-score": f1,
        "support": support.astype(int),
    }
    table = pd.DataFrame(rows, index=pd.Index([_key(c) for c in labels], dtype=object, name="class"))
    for average in ("macro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, labels=labels, average=average, zero_division=np.nan
        )
        table.loc[f"{average} avg"] = [p, r, f, int(support.sum())]
    table["support"] = table["support"].astype(int)
    return table


def _key(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def summary_metrics(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    proba: np.ndarray | None,
    classes: Sequence[Any],
    pos_label: Any | None,
) -> dict[str, float]:
    """Headline numbers: accuracy, balanced accuracy, F1, and with probabilities AUCs, log loss, Brier."""
    from sklearn.metrics import (
        accuracy_score,
        average_precision_score,
        balanced_accuracy_score,
        brier_score_loss,
        f1_score,
        log_loss,
        roc_auc_score,
    )

    labels = list(classes)
    metrics: dict[str, float] = {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "balanced_accuracy": _balanced_accuracy(balanced_accuracy_score, y_true, y_pred),
        "f1_macro": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=np.nan)),
        "f1_weighted": float(
            f1_score(y_true, y_pred, labels=labels, average="weighted", zero_division=np.nan)
        ),
    }
    if proba is None:
        return metrics
    present = set(pd.unique(y_true).tolist())
    if len(labels) == 2:
        positive = y_true == pos_label
        score = proba[:, labels.index(pos_label)]
        single = positive.all() or (~positive).all()
        metrics["roc_auc"] = float("nan") if single else float(roc_auc_score(positive, score))
        metrics["average_precision"] = (
            float("nan") if single else float(average_precision_score(positive, score))
        )
        metrics["brier"] = float(brier_score_loss(positive, score))
    # scikit-learn expects probability columns in sorted label order
    try:
        order = sorted(range(len(labels)), key=lambda i: labels[i])
    except TypeError:
        order = sorted(range(len(labels)), key=lambda i: str(labels[i]))
    ordered_labels, ordered = [labels[i] for i in order], proba[:, order]
    if len(labels) > 2 and len(present) == len(labels):
        metrics["roc_auc"] = float(
            roc_auc_score(y_true, ordered, labels=ordered_labels, multi_class="ovr", average="macro")
        )
    elif len(labels) > 2:
        metrics["roc_auc"] = float("nan")
    clipped = np.clip(ordered, 1e-15, 1 - 1e-15)
    clipped = clipped / clipped.sum(axis=1, keepdims=True)
    metrics["log_loss"] = float(log_loss(y_true, clipped, labels=ordered_labels))
    return metrics


def _balanced_accuracy(scorer: Any, y_true: np.ndarray, y_pred: np.ndarray) -> float:
    import warnings

    with warnings.catch_warnings():
        # "y_pred contains classes not in y_true" is expected on small segments; the number is still defined.
        warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
        return float(scorer(y_true, y_pred))


def roc_curves(
    y_true: np.ndarray, proba: np.ndarray, classes: Sequence[Any], pos_label: Any | None
) -> list[dict[str, Any]]:
    """ROC curve and its AUC for the positive class (binary) or each class one-vs-rest.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 0, 1, 1]); p = np.array([[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]])
    >>> round(roc_curves(y, p, [0, 1], 1)[0]["auc"], 3)
    0.75
    """
    from sklearn.metrics import auc, roc_curve

    curves = []
    for label, positive, score in _one_vs_rest(y_true, proba, classes, pos_label):
        if positive.all() or not positive.any():
            continue
        fpr, tpr, thresholds = roc_curve(positive, score)
        keep = thin(len(fpr))
        curves.append(
            {
                "class": _key(label),
                "auc": float(auc(fpr, tpr)),
                "fpr": fpr[keep].tolist(),
                "tpr": tpr[keep].tolist(),
                "thresholds": np.minimum(thresholds[keep], 1.0).tolist(),
            }
        )
    return curves


def pr_curves(
    y_true: np.ndarray, proba: np.ndarray, classes: Sequence[Any], pos_label: Any | None
) -> list[dict[str, Any]]:
    """Precision-recall curve and average precision for the positive class or each class."""
    from sklearn.metrics import average_precision_score, precision_recall_curve

    curves = []
    for label, positive, score in _one_vs_rest(y_true, proba, classes, pos_label):
        if not positive.any():
            continue
        precision, recall, _ = precision_recall_curve(positive, score)
        keep = thin(len(precision))
        curves.append(
            {
                "class": _key(label),
                "average_precision": float(average_precision_score(positive, score)),
                "prevalence": float(positive.mean()),
                "precision": precision[keep].tolist(),
                "recall": recall[keep].tolist(),
            }
        )
    return curves


def calibration_curves(
    y_true: np.ndarray,
    proba: np.ndarray,
    classes: Sequence[Any],
    pos_label: Any | None,
    *,
    n_bins: int = 10,
    strategy: str = "uniform",
) -> list[dict[str, Any]]:
    """Mean predicted probability against the observed rate, per bin of predicted probability.

    ``n`` is the number of rows in each non-empty bin (bins without rows are dropped).
    """
    from sklearn.calibration import calibration_curve

    curves = []
    for label, positive, score in _one_vs_rest(y_true, proba, classes, pos_label):
        if positive.all() or not positive.any():
            continue
        observed, predicted = calibration_curve(positive, score, n_bins=n_bins, strategy=strategy)
        if strategy == "quantile":
            edges = np.percentile(score, np.linspace(0, 100, n_bins + 1))
        else:
            edges = np.linspace(0.0, 1.0, n_bins + 1)
        bin_ids = np.searchsorted(edges[1:-1], score)  # the same binning as calibration_curve
        counts = np.bincount(bin_ids, minlength=len(edges) - 1)
        curves.append(
            {
                "class": _key(label),
                "mean_predicted": predicted.tolist(),
                "fraction_positive": observed.tolist(),
                "n": counts[counts > 0].astype(int).tolist(),
            }
        )
    return curves


def _one_vs_rest(
    y_true: np.ndarray, proba: np.ndarray, classes: Sequence[Any], pos_label: Any | None
) -> list[tuple[Any, np.ndarray, np.ndarray]]:
    labels = list(classes)
    if len(labels) == 2:
        chosen = pos_label if pos_label is not None else labels[1]
        return [(chosen, y_true == chosen, proba[:, labels.index(chosen)])]
    return [(label, y_true == label, proba[:, i]) for i, label in enumerate(labels)]
