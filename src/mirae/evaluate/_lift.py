"""Lift and cumulative gains: how much better than random the top-scored rows are.

Rows are ranked by score, highest first, and cut into groups of (nearly) equal
size: group ``i`` of ``g`` ends at row ``round(i * n / g)``. Rows with tied scores
cannot be ordered, so when a cut falls inside a run of ties the positives of that
run are shared evenly (the expected count under a random order of the ties); a
tree with a few leaves therefore gets a fair lift rather than one that depends on
row order. Counts of positives can then be fractional.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mirae.errors import EvaluationError
from mirae.evaluate._inputs import as_1d, check_lengths, resolve_classes, resolve_pos_label


def _positive_and_score(y_true: Any, score: Any, pos_label: Any | None) -> tuple[np.ndarray, np.ndarray]:
    truth = as_1d(y_true, "y_true")
    scores = as_1d(score, "score").astype(float)
    check_lengths(y_true=truth, score=scores)
    if not np.all(np.isfinite(scores)):
        msg = "score has NaN or infinite values; pass finite scores (e.g. the positive-class probability)."
        raise EvaluationError(msg)
    if pos_label is None:
        classes = resolve_classes(truth, None, None)
        # a 0/1 truth with one value seen still has 1 as its positive class
        pos_label = 1 if len(classes) == 1 and classes[0] in (0, 1) else resolve_pos_label(classes, None)
    return truth == pos_label, scores


def _captured(positive: np.ndarray, score: np.ndarray, depths: np.ndarray) -> np.ndarray:
    """Expected positives among the top ``depths`` rows, ties shared evenly."""
    order = np.argsort(-score, kind="stable")
    sorted_score, sorted_positive = score[order], positive[order]
    ends = np.r_[np.flatnonzero(np.diff(sorted_score) != 0), len(score) - 1]
    cumulative_n = np.r_[0, ends + 1]
    cumulative_pos = np.r_[0, np.cumsum(sorted_positive)[ends]]
    return np.interp(depths, cumulative_n, cumulative_pos)


def lift_table(y_true: Any, score: Any, *, pos_label: Any | None = None, n_groups: int = 10) -> pd.DataFrame:
    """Lift and cumulative gains per group of rows ranked by score (deciles by default).

    Parameters
    ----------
    y_true : array-like
        True labels.
    score : array-like
        Higher means more likely positive (e.g. the positive-class probability).
    pos_label : optional
        The positive class; by default the larger of two labels (``1`` for 0/1).
    n_groups : int
        Number of groups; 10 gives deciles.

    Returns
    -------
    pandas.DataFrame
        One row per group (``group`` 1 = highest scores): ``n``, ``n_positive``,
        ``response_rate``, ``lift`` (rate / overall rate), ``cumulative_n``,
        ``cumulative_positive``, ``cumulative_gain`` (share of all positives
        captured so far), ``cumulative_lift``, ``min_score``, ``max_score``.

    Examples
    --------
    >>> table = lift_table([1, 0, 1, 0, 0], [0.9, 0.8, 0.7, 0.2, 0.1], n_groups=5)
    >>> table["lift"].round(2).tolist()
    [2.5, 0.0, 2.5, 0.0, 0.0]
    >>> table["cumulative_gain"].tolist()
    [0.5, 0.5, 1.0, 1.0, 1.0]
    """
    positive, scores = _positive_and_score(y_true, score, pos_label)
    if n_groups < 1:
        msg = f"n_groups must be at least 1; got {n_groups}."
        raise EvaluationError(msg)
    n = len(scores)
    bounds = (np.arange(n_groups + 1) * n * 2 + n_groups) // (2 * n_groups)  # round half up
    captured = _captured(positive, scores, bounds.astype(float))
    base_rate = positive.mean()
    sorted_score = np.sort(scores)[::-1]
    rows = []
    for i in range(n_groups):
        size = int(bounds[i + 1] - bounds[i])
        hits = float(captured[i + 1] - captured[i])
        rate = hits / size if size else float("nan")
        cum_n = int(bounds[i + 1])
        cum_pos = float(captured[i + 1])
        cum_rate = cum_pos / cum_n if cum_n else float("nan")
        rows.append(
            {
                "group": i + 1,
                "n": size,
                "n_positive": hits,
                "response_rate": rate,
                "lift": rate / base_rate if base_rate > 0 else float("nan"),
                "cumulative_n": cum_n,
                "cumulative_positive": cum_pos,
                "cumulative_gain": cum_pos / positive.sum() if positive.any() else float("nan"),
                "cumulative_lift": cum_rate / base_rate if base_rate > 0 else float("nan"),
                "min_score": float(sorted_score[bounds[i + 1] - 1]) if size else float("nan"),
                "max_score": float(sorted_score[bounds[i]]) if size else float("nan"),
            }
        )
    return pd.DataFrame(rows).set_index("group")


def lift_at(y_true: Any, score: Any, depth: float = 0.2, *, pos_label: Any | None = None) -> float:
    """Lift of the top ``depth`` share of rows by score: their positive rate over the overall rate.

    The top is ``round(depth * n)`` rows (at least one); ties at the cut share their
    positives evenly. NaN when there are no positives.

    Examples
    --------
    Ten rows, three positive; the top two rows (20%) hold one positive, so the
    lift is (1 / 2) / (3 / 10):

    >>> lift_at([1, 0, 0, 1, 0, 0, 1, 0, 0, 0], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
    1.6666666666666667
    """
    if not 0 < depth <= 1:
        msg = f"depth must be in (0, 1]; got {depth}. Pass 0.2 for the top 20%."
        raise EvaluationError(msg)
    positive, scores = _positive_and_score(y_true, score, pos_label)
    n = len(scores)
    top = max(1, int(np.floor(depth * n + 0.5)))
    base_rate = positive.mean()
    if base_rate == 0:
        return float("nan")
    hits = float(_captured(positive, scores, np.array([float(top)]))[0])
    return (hits / top) / float(base_rate)
