"""Choosing the number of segments, and how stable the segments are.

:func:`score_k` fits one model per ``k`` and scores it with scikit-learn's
internal criteria: silhouette (higher is better; computed on a sample of
``sample_size`` rows for large tables), Davies–Bouldin (lower is better),
Calinski–Harabasz (higher is better) and, for Gaussian mixtures, BIC (lower is
better). :func:`pick_k` chooses by one criterion and says which others agree.
:func:`stability` refits with other seeds and on bootstrap samples and
compares the segments with the adjusted Rand index (1 = the same partition,
about 0 = no better than chance).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["CRITERIA", "pick_k", "score_k", "stability"]

#: Criterion → whether a higher value is better.
CRITERIA: dict[str, bool] = {
    "silhouette": True,
    "davies_bouldin": False,
    "calinski_harabasz": True,
    "bic": False,
}


def _silhouette(Z: np.ndarray, labels: np.ndarray, sample_size: int, seed: int) -> float:
    from sklearn.metrics import silhouette_score

    size = sample_size if len(Z) > sample_size else None
    return float(silhouette_score(Z, labels, sample_size=size, random_state=seed))


def internal_scores(Z: np.ndarray, labels: np.ndarray, *, sample_size: int, seed: int) -> dict[str, float]:
    """Silhouette, Davies–Bouldin and Calinski–Harabasz of one partition (NaN with a single segment)."""
    import numpy as np
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

    if len(np.unique(labels)) < 2:
        return {"silhouette": float("nan"), "davies_bouldin": float("nan"), "calinski_harabasz": float("nan")}
    return {
        "silhouette": _silhouette(Z, labels, sample_size, seed),
        "davies_bouldin": float(davies_bouldin_score(Z, labels)),
        "calinski_harabasz": float(calinski_harabasz_score(Z, labels)),
    }


def score_k(
    Z: np.ndarray,
    ks: Sequence[int],
    make: Callable[[int, int], Any],
    *,
    seed: int,
    sample_size: int,
    progress: Any = None,
) -> pd.DataFrame:
    """One row per ``k``: the internal criteria of a model ``make(k, seed)`` fitted on ``Z`` (and its BIC)."""
    import pandas as pd

    rows = []
    for k in ks:
        model = make(k, seed).fit(Z)
        labels = model.predict(Z)
        row: dict[str, Any] = {"k": int(k), **internal_scores(Z, labels, sample_size=sample_size, seed=seed)}
        if hasattr(model, "bic"):
            row["bic"] = float(model.bic(Z))
        if hasattr(model, "inertia_"):
            row["inertia"] = float(model.inertia_)
        rows.append(row)
        if progress is not None:
            progress.advance()
    return pd.DataFrame(rows)


def pick_k(scores: pd.DataFrame, criterion: str) -> dict[str, Any]:
    """The ``k`` that ``criterion`` prefers, its value, and the other criteria that prefer the same ``k``.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.4, 0.7, 0.5],
    ...                        "davies_bouldin": [0.9, 0.5, 0.6], "calinski_harabasz": [10.0, 30, 40]})
    >>> choice = pick_k(scores, "silhouette")
    >>> choice["k"], choice["agree"], choice["disagree"]
    (3, ['davies_bouldin'], {'calinski_harabasz': 4})
    """
    import numpy as np

    def best(name: str) -> int | None:
        column = scores[name].to_numpy(dtype=float)
        if not np.isfinite(column).any():
            return None
        index = int(np.nanargmax(column) if CRITERIA[name] else np.nanargmin(column))
        return int(scores["k"].iloc[index])

    k = best(criterion)
    if k is None:
        msg = f"no k in {list(scores['k'])} has a finite {criterion}"
        raise ValueError(msg)
    others = {name: best(name) for name in CRITERIA if name != criterion and name in scores.columns}
    value = float(scores.loc[scores["k"] == k, criterion].iloc[0])
    return {
        "k": k,
        "criterion": criterion,
        "value": round(value, 4),
        "higher_is_better": CRITERIA[criterion],
        "range": [int(scores["k"].min()), int(scores["k"].max())],
        "agree": [name for name, other in others.items() if other == k],
        "disagree": {name: other for name, other in others.items() if other is not None and other != k},
    }


def stability(
    Z: np.ndarray,
    labels: np.ndarray,
    make: Callable[[int], Any],
    *,
    seed: int,
    n_runs: int,
    sample_size: int = 20_000,
) -> dict[str, Any]:
    """Adjusted Rand index of the segments against refits with other seeds and on bootstrap samples.

    ``make(seed)`` returns an unfitted model of the chosen ``k``. Each of
    ``n_runs`` seeds refits on all rows; each of ``n_runs`` bootstrap samples
    refits on rows drawn with replacement and assigns every row. Large tables
    are compared on a sample of ``sample_size`` rows.
    """
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(seed)
    if len(Z) > sample_size:
        keep = rng.choice(len(Z), sample_size, replace=False)
        Z, labels = Z[keep], labels[keep]
    seeds, boots = [], []
    for run in range(1, n_runs + 1):
        seeds.append(adjusted_rand_score(labels, make(seed + run).fit(Z).predict(Z)))
        rows = rng.integers(0, len(Z), len(Z))
        boots.append(adjusted_rand_score(labels, make(seed + run).fit(Z[rows]).predict(Z)))
    return {
        "runs": n_runs,
        "seed_ari_mean": round(float(np.mean(seeds)), 4),
        "seed_ari_min": round(float(np.min(seeds)), 4),
        "bootstrap_ari_mean": round(float(np.mean(boots)), 4),
        "bootstrap_ari_min": round(float(np.min(boots)), 4),
    }
