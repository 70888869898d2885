"""Scoring detections against labels: point-wise, event-level (ranges), range PR-AUC and detection delay.

- **point-wise** precision, recall and F1 over rows;
- **event-level**: a labelled event (a run of consecutive anomalous rows) is
  *detected* when at least one of its rows is flagged; a predicted event (a
  run of flagged rows) is *correct* when it overlaps a labelled event. Event
  recall is the share of labelled events detected, event precision the share
  of predicted events that are correct;
- **range PR-AUC**: the event-level precision and recall at every threshold
  on the scores (up to 200 score quantiles), integrated as average precision
  (sum of precision x recall increase) — a range-based PR-AUC in the spirit of
  VUS-PR without its buffer around each event;
- **detection delay**: rows from the start of each detected labelled event
  to its first flagged row (mean and median over detected events).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mirae.errors import AnomalyError

__all__ = [
    "detection_delay",
    "evaluate_detection",
    "event_metrics",
    "label_events",
    "point_metrics",
    "range_pr_auc",
]


def _binary(values: Any, what: str) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        msg = f"{what} must be one value per row; got shape {array.shape}."
        raise AnomalyError(msg)
    numeric = array.astype(float)
    if not np.isin(numeric[np.isfinite(numeric)], (0.0, 1.0)).all() or not np.isfinite(numeric).all():
        msg = f"{what} must be 0/1 (or True/False) per row; got values {sorted(set(array.tolist()))[:5]}."
        raise AnomalyError(msg)
    return numeric.astype(bool)


def _pair(labels: Any, flags: Any) -> tuple[np.ndarray, np.ndarray]:
    truth, predicted = _binary(labels, "labels"), _binary(flags, "flags")
    if truth.size != predicted.size:
        msg = f"labels and flags must have one value per row each; got {truth.size} and {predicted.size}."
        raise AnomalyError(msg)
    return truth, predicted


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def label_events(flags: Any) -> list[tuple[int, int]]:
    """``(first, last)`` rows of each run of consecutive 1s.

    Examples
    --------
    >>> label_events([0, 1, 1, 0, 1])
    [(1, 2), (4, 4)]
    """
    array = _binary(flags, "flags").astype(int)
    edges = np.diff(np.concatenate([[0], array, [0]]))
    return list(
        zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist(), strict=True)
    )


def point_metrics(labels: Any, flags: Any) -> dict[str, float]:
    """Point-wise precision, recall and F1.

    Examples
    --------
    >>> point_metrics([0, 1, 1, 0], [0, 1, 0, 1])
    {'precision': 0.5, 'recall': 0.5, 'f1': 0.5}
    """
    truth, predicted = _pair(labels, flags)
    tp = float(np.sum(truth & predicted))
    precision = tp / float(predicted.sum()) if predicted.sum() else 0.0
    recall = tp / float(truth.sum()) if truth.sum() else 0.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def _event_counts(truth: np.ndarray, predicted: np.ndarray) -> tuple[int, int, int, int]:
    true_events, predicted_events = label_events(truth), label_events(predicted)
    detected = sum(1 for a, b in true_events if predicted[a : b + 1].any())
    correct = sum(1 for a, b in predicted_events if truth[a : b + 1].any())
    return detected, len(true_events), correct, len(predicted_events)


def event_metrics(labels: Any, flags: Any) -> dict[str, float]:
    """Event-level precision, recall and F1 (see the module docstring).

    Examples
    --------
    >>> event_metrics([0, 1, 1, 1, 0, 0, 1, 0], [0, 0, 1, 0, 1, 0, 0, 0])
    {'event_precision': 0.5, 'event_recall': 0.5, 'event_f1': 0.5}
    """
    truth, predicted = _pair(labels, flags)
    detected, n_true, correct, n_predicted = _event_counts(truth, predicted)
    recall = detected / n_true if n_true else 0.0
    precision = correct / n_predicted if n_predicted else 0.0
    return {"event_precision": precision, "event_recall": recall, "event_f1": _f1(precision, recall)}


def range_pr_auc(labels: Any, scores: Any, *, n_thresholds: int = 200) -> float:
    """Event-level precision-recall curve over score thresholds, integrated as average precision.

    Examples
    --------
    >>> range_pr_auc([0, 1, 1, 0, 0, 1], [0.1, 0.9, 0.2, 0.3, 0.1, 0.8])
    1.0
    """
    truth = _binary(labels, "labels")
    values = np.nan_to_num(np.asarray(scores, dtype=float), nan=-np.inf)
    if values.size != truth.size:
        msg = f"labels and scores must have one value per row each; got {truth.size} and {values.size}."
        raise AnomalyError(msg)
    if not truth.any():
        return 0.0
    finite = values[np.isfinite(values)]
    cuts = np.unique(np.quantile(finite, np.linspace(0, 1, n_thresholds))) if finite.size else np.array([])
    points = []
    for cut in cuts[::-1]:
        detected, n_true, correct, n_predicted = _event_counts(truth, values >= cut)
        if n_predicted:
            points.append((detected / n_true, correct / n_predicted))
    area, previous = 0.0, 0.0
    for recall, precision in points:
        if recall > previous:
            area += (recall - previous) * precision
            previous = recall
    return float(area)


def detection_delay(labels: Any, flags: Any) -> dict[str, float]:
    """Rows from each detected labelled event's start to its first flagged row (mean, median, detected).

    Examples
    --------
    >>> detection_delay([0, 1, 1, 1, 0, 1, 1], [0, 0, 0, 1, 0, 1, 0])
    {'delay_mean': 1.0, 'delay_median': 1.0, 'events_detected': 2.0}
    """
    truth, predicted = _pair(labels, flags)
    delays = [
        int(np.argmax(predicted[a : b + 1])) for a, b in label_events(truth) if predicted[a : b + 1].any()
    ]
    if not delays:
        return {"delay_mean": float("nan"), "delay_median": float("nan"), "events_detected": 0.0}
    return {
        "delay_mean": float(np.mean(delays)),
        "delay_median": float(np.median(delays)),
        "events_detected": float(len(delays)),
    }


def evaluate_detection(labels: Any, flags: Any, scores: Any | None = None) -> dict[str, float]:
    """Every metric of this module in one dict (``range_pr_auc`` when scores are given).

    Examples
    --------
    >>> out = evaluate_detection([0, 1, 1, 0], [0, 1, 0, 0], [0.1, 0.9, 0.4, 0.2])
    >>> out["f1"], out["event_recall"], out["range_pr_auc"]
    (0.6666666666666666, 1.0, 1.0)
    """
    out = {**point_metrics(labels, flags), **event_metrics(labels, flags), **detection_delay(labels, flags)}
    if scores is not None:
        out["range_pr_auc"] = range_pr_auc(labels, scores)
    return out
