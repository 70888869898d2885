"""Maximal marginal relevance: trade a little score for a list whose items differ from each other."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["mmr"]


def mmr(scores: np.ndarray, similarity: np.ndarray, k: int, diversity: float) -> np.ndarray:
    """Order ``k`` of the candidates greedily by MMR (Carbonell & Goldstein, 1998).

    Each step takes the candidate with the highest
    ``(1 - diversity) * relevance - diversity * (largest similarity to those taken)``,
    relevance being the score scaled to 0..1 over the candidates. With
    ``diversity=0`` this is the order by score; with 1, the most varied list.

    Parameters
    ----------
    scores : array of shape (n,)
        The candidates' scores (higher = better).
    similarity : array of shape (n, n)
        How alike each pair of candidates is (cosine, 0..1).
    k : int
        How many to take.
    diversity : float
        The trade-off, 0..1.

    Returns
    -------
    array of int
        Positions of the chosen candidates in ``scores``, in the order chosen.

    Examples
    --------
    >>> import numpy as np
    >>> sim = np.array([[1, .9, 0], [.9, 1, 0], [0, 0, 1]])
    >>> mmr(np.array([1.0, .95, .5]), sim, 2, 0.0).tolist(), mmr(np.array([1.0, .95, .5]), sim, 2, 0.5).tolist()
    ([0, 1], [0, 2])
    """
    import numpy as np

    values = np.asarray(scores, dtype=np.float64)
    n = len(values)
    k = min(k, n)
    low, high = float(values.min()), float(values.max())
    relevance = (values - low) / (high - low) if high > low else np.ones(n)
    closest = np.zeros(n)
    free = np.ones(n, dtype=bool)
    chosen: list[int] = []
    for _ in range(k):
        gain = (1.0 - diversity) * relevance - diversity * closest
        gain[~free] = -np.inf
        best = int(np.argmax(gain))
        chosen.append(best)
        free[best] = False
        closest = np.maximum(closest, similarity[best])
    return np.asarray(chosen, dtype=np.int64)
