"""Screening after the first fold: which families are clearly behind the leader.

Cross-validating every family of the zoo on every fold costs most of an
AutoML fit on a small table, though a few families are plainly out of the
race after one fold. :func:`clearly_behind` compares each family with the
first fold's leader on the same held-out rows by a paired bootstrap of those
rows (the same resample scores both models), and names the families whose
score is below the leader's by more than ``z`` bootstrap standard errors;
only they stop. The strongest ``keep`` families always go on, so the ensemble
and the search keep their choice.
"""

from __future__ import annotations

import numpy as np

from mirae.supervised._metrics import Metric

__all__ = ["clearly_behind"]

#: Bootstrap resamples of the first fold's held-out rows.
N_BOOTSTRAP = 40
#: Held-out rows the bootstrap resamples at most (a seeded subsample above that).
MAX_ROWS = 5_000
#: Standard errors a family's score must be below the leader's to stop.
Z = 2.0


def clearly_behind(
    predictions: dict[str, np.ndarray],
    y: np.ndarray,
    metric: Metric,
    *,
    keep: int,
    classify: bool,
    random_state: int,
    z: float = Z,
) -> list[str]:
    """Name the families whose first-fold score is clearly below the leader's.

    Parameters
    ----------
    predictions : dict of str to ndarray
        Each family's predictions of the first fold's held-out rows
        (probabilities for classification).
    y : ndarray
        The truth of those rows (class indices for classification).
    metric : Metric
        The primary metric.
    keep : int
        The best families (by the first-fold score) that never stop.
    classify : bool
        Whether to resample within each class, so every resample holds
        every class of the fold.
    random_state : int
        Seed of the resamples.
    z : float, default=2.0
        How many bootstrap standard errors below the leader a family must be.

    Returns
    -------
    list of str
        The families to stop, worst first.

    Examples
    --------
    >>> from mirae.supervised._metrics import resolve_metric
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> good = np.c_[1 - y * 0.8 - 0.1, y * 0.8 + 0.1] + rng.normal(0, 0.05, (400, 2))
    >>> noise = rng.uniform(size=(400, 2))
    >>> clearly_behind(
    ...     {"good": good, "also": good * 0.9, "noise": noise},
    ...     y, resolve_metric("roc_auc", "binary", 2), keep=1, classify=True, random_state=0,
    ... )
    ['noise']
    """
    names = list(predictions)
    if len(names) <= keep:
        return []
    rng = np.random.default_rng(random_state)
    rows = np.arange(len(y))
    if len(rows) > MAX_ROWS:
        rows = np.sort(rng.choice(len(rows), MAX_ROWS, replace=False))
    truth = y[rows]
    shown = {name: np.asarray(predictions[name])[rows] for name in names}
    observed = {name: metric.sign * metric.score(truth, shown[name]) for name in names}
    ranked = sorted(names, key=lambda name: -observed[name])
    leader = ranked[0]
    groups = [rows_of for label in np.unique(truth) if len(rows_of := np.flatnonzero(truth == label))]
    if not classify:
        groups = [np.arange(len(truth))]
    draws = [
        np.concatenate([rng.choice(group, len(group), replace=True) for group in groups])
        for _ in range(N_BOOTSTRAP)
    ]
    leader_scores = np.array([metric.score(truth[d], shown[leader][d]) for d in draws])
    behind: list[tuple[float, str]] = []
    for name in ranked[keep:]:
        scores = np.array([metric.score(truth[d], shown[name][d]) for d in draws])
        gaps = metric.sign * (leader_scores - scores)  # > 0: the leader is better
        spread = float(np.std(gaps, ddof=1))
        if not np.all(np.isfinite(gaps)) or spread == 0.0:
            continue
        if float(np.mean(gaps)) > z * spread:
            behind.append((float(np.mean(gaps)) / spread, name))
    return [name for _, name in sorted(behind, reverse=True)]
