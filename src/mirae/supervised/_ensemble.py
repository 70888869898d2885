"""Greedy ensemble selection (Caruana et al., 2004) over out-of-fold predictions.

Start from the best single model; at each step add (with replacement) the
model whose inclusion most improves the score of the averaged predictions;
keep the best prefix. The weights are how often each model was picked.
Ties go to the earlier model, so the result is deterministic.
"""

from __future__ import annotations

import numpy as np

from mirae.supervised._metrics import Metric

__all__ = ["blend", "greedy_ensemble"]


def blend(predictions: list[np.ndarray], weights: np.ndarray) -> np.ndarray:
    """Weighted average of predictions (probability matrices or value vectors)."""
    total = np.zeros_like(predictions[0], dtype=np.float64)
    for prediction, weight in zip(predictions, weights, strict=True):
        if weight > 0:
            total += weight * prediction
    return total / float(np.sum(weights))


def greedy_ensemble(
    predictions: list[np.ndarray],
    y: np.ndarray,
    metric: Metric,
    *,
    rows: np.ndarray | None = None,
    iterations: int = 25,
) -> tuple[np.ndarray, float]:
    """Choose ensemble weights by greedy forward selection with replacement.

    Parameters
    ----------
    predictions : list of ndarray
        Out-of-fold predictions of each candidate, aligned with ``y``.
    y : ndarray
        The truth (class indices for classification).
    metric : Metric
        What to optimise.
    rows : ndarray of bool, optional
        Rows with a prediction from every candidate (time-ordered folds leave
        the first block out); all rows when ``None``.
    iterations : int
        Models added (counting repeats).

    Returns
    -------
    weights : ndarray
        One non-negative weight per candidate, summing to 1.
    score : float
        The metric of the blend on ``rows``.

    Examples
    --------
    >>> import numpy as np
    >>> from mirae.supervised._metrics import resolve_metric
    >>> y = np.array([0, 1, 0, 1])
    >>> good = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.6, 0.4]])
    >>> other = np.array([[0.6, 0.4], [0.6, 0.4], [0.9, 0.1], [0.1, 0.9]])
    >>> weights, score = greedy_ensemble([good, other], y, resolve_metric("roc_auc", "binary"))
    >>> bool(weights[0] > 0 and weights[1] > 0), score
    (True, 1.0)
    """
    mask = np.ones(len(y), dtype=bool) if rows is None else rows
    truth = y[mask]
    preds = [p[mask] for p in predictions]
    singles = [metric.sign * metric.score(truth, p) for p in preds]
    first = int(np.argmax(singles))
    counts = np.zeros(len(preds), dtype=np.int64)
    counts[first] = 1
    running = preds[first].astype(np.float64).copy()
    best_utility, best_counts = singles[first], counts.copy()
    for step in range(2, iterations + 1):
        utilities = [metric.sign * metric.score(truth, (running + p) / step) for p in preds]
        pick = int(np.argmax(utilities))
        counts[pick] += 1
        running += preds[pick]
        if utilities[pick] > best_utility:
            best_utility, best_counts = utilities[pick], counts.copy()
    weights = best_counts / best_counts.sum()
    return weights, metric.sign * best_utility
