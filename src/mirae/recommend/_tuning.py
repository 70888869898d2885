"""Settings chosen on an inner holdout of the training interactions (the test never sees them).

:func:`inner_split` holds out each user's latest training interaction (by
time when the model has ``time_col``, else by row order), as
:func:`~mirae.recommend.leave_last_out` does for the test; the candidates are
fitted on the rest and scored by NDCG@10 on what was held out.
:func:`choose_diversity` is the re-ranking rule: the largest maximal marginal
relevance trade-off whose validation NDCG@10 stays within ``MAX_LOSS`` of
ranking by score alone (and every smaller setting too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mirae.recommend._rerank import mmr

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

__all__ = [
    "DIVERSITY_GRID",
    "MAX_LOSS",
    "InnerSplit",
    "choose_diversity",
    "inner_split",
    "max_scaled",
    "ndcg_at",
    "recency_weighted",
]

#: The re-ranking settings ``diversity='auto'`` chooses from.
DIVERSITY_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
#: Largest share of validation NDCG@10 the re-ranking may cost.
MAX_LOSS = 0.02
#: Validation users scored at most (a seeded sample beyond it).
MAX_VALIDATION_USERS = 3000
#: Fewest validation users for any choice (below it the fixed defaults apply).
MIN_VALIDATION_USERS = 10
#: Length of the lists the validation scores.
K = 10
#: Candidates the re-ranking chooses from: this many times ``k`` (at least ``MIN_POOL``), as in ``_base``.
POOL_FACTOR = 5
MIN_POOL = 50


@dataclass
class InnerSplit:
    """The training matrix less each validation user's latest item.

    Attributes
    ----------
    matrix : csr_matrix
        Users × items: what the candidates are fitted on.
    later : csr_matrix
        The recency positions of ``matrix`` (1: the user's latest remaining item).
    rows : array of int
        The validation users (rows of ``matrix``).
    truth : array of int
        The item each of them held out.
    """

    matrix: sp.csr_matrix
    later: sp.csr_matrix
    rows: np.ndarray
    truth: np.ndarray


def inner_split(matrix: sp.csr_matrix, later: sp.csr_matrix, *, random_state: int = 0) -> InnerSplit:
    """Hold out each user's latest item (users with at least two); at most ``MAX_VALIDATION_USERS`` of them.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> X = sp.csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]]))
    >>> later = sp.csr_matrix(np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 0.0]]))
    >>> split = inner_split(X, later)
    >>> split.rows.tolist(), split.truth.tolist(), split.matrix.toarray().tolist()
    ([0], [1], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    """
    import numpy as np
    import scipy.sparse as sp

    coo = sp.coo_matrix(later)
    counts = np.diff(sp.csr_matrix(matrix).indptr)
    latest = (coo.data == 1.0) & (counts[coo.row] >= 2)
    rows, truth = coo.row[latest].astype(np.int64), coo.col[latest].astype(np.int64)
    if len(rows) > MAX_VALIDATION_USERS:
        keep = np.sort(
            np.random.default_rng(random_state).choice(len(rows), MAX_VALIDATION_USERS, replace=False)
        )
        rows, truth = rows[keep], truth[keep]
    held = sp.csr_matrix((np.ones(len(rows)), (rows, truth)), shape=matrix.shape)
    keep_mask = sp.csr_matrix((matrix != 0).astype(np.float64) - held)
    train = sp.csr_matrix(matrix.multiply(keep_mask), dtype=matrix.dtype)
    train.eliminate_zeros()
    shifted = sp.csr_matrix(later.multiply(keep_mask), dtype=np.float64)
    moved = np.zeros(matrix.shape[0])
    moved[rows] = 1.0  # the held-out item was the latest: everything else moves one place up
    shifted = sp.csr_matrix(shifted - sp.diags(moved) @ (shifted != 0).astype(np.float64))
    shifted.eliminate_zeros()
    train.sort_indices()
    shifted.sort_indices()
    return InnerSplit(matrix=train, later=shifted, rows=rows, truth=truth)


def recency_weighted(matrix: sp.csr_matrix, later: sp.csr_matrix, half_life: float | None) -> sp.csr_matrix:
    """``matrix`` with each weight halved every ``half_life`` later interactions of its user (None: unchanged).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> X = sp.csr_matrix(np.array([[1.0, 1.0, 1.0]]))
    >>> later = sp.csr_matrix(np.array([[3.0, 2.0, 1.0]]))
    >>> recency_weighted(X, later, 1.0).toarray().round(2).tolist()
    [[0.25, 0.5, 1.0]]
    """
    import numpy as np
    import scipy.sparse as sp

    out = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    if half_life is None:
        return out
    out.sort_indices()
    positions = sp.csr_matrix(later, dtype=np.float64)
    positions.sort_indices()
    out.data = out.data * np.power(0.5, (positions.data - 1.0) / float(half_life))
    return out


def max_scaled(scores: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
    """Each row divided by its largest score over the items not in that row's history."""
    import numpy as np

    masked = np.array(scores, dtype=np.float64)
    rows = np.repeat(np.arange(history.shape[0]), np.diff(history.indptr))
    masked[rows, history.indices] = -np.inf
    top = masked.max(axis=1, keepdims=True)
    return np.asarray(scores, dtype=np.float64) / np.where(np.isfinite(top) & (top > 0), top, 1.0)


def _unseen_top(scores: np.ndarray, history: sp.csr_matrix, k: int) -> np.ndarray:
    """Each row's ``k`` best items not in its history, best first (ties: the earlier item)."""
    import numpy as np

    values = np.array(scores, dtype=np.float64)
    rows = np.repeat(np.arange(history.shape[0]), np.diff(history.indptr))
    values[rows, history.indices] = -np.inf
    k = min(k, values.shape[1])
    part = np.argpartition(-values, k - 1, axis=1)[:, :k]
    picked = np.take_along_axis(values, part, axis=1)
    order = np.lexsort((part, -picked), axis=1)
    return np.take_along_axis(part, order, axis=1)


def _ndcg_of_lists(lists: np.ndarray, truth: np.ndarray) -> float:
    import numpy as np

    hit = lists == truth[:, None]
    gains = np.where(hit.any(axis=1), 1.0 / np.log2(hit.argmax(axis=1) + 2.0), 0.0)
    return float(gains.mean()) if len(gains) else 0.0


def ndcg_at(scores: np.ndarray, history: sp.csr_matrix, truth: np.ndarray, k: int = K) -> float:
    """NDCG@k of ranking by ``scores`` (one held-out item per row, seen items left out).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> history = sp.csr_matrix(np.array([[1.0, 0, 0], [0, 0, 0]]))
    >>> round(ndcg_at(np.array([[9.0, 1, 2], [3.0, 2, 1]]), history, np.array([1, 1]), k=2), 3)
    0.631
    """
    return _ndcg_of_lists(_unseen_top(scores, history, k), truth)


def choose_diversity(
    scores: np.ndarray,
    history: sp.csr_matrix,
    truth: np.ndarray,
    similarity: Callable[[np.ndarray, np.ndarray], np.ndarray],
    grid: tuple[float, ...] = DIVERSITY_GRID,
) -> tuple[float, list[dict[str, float]]]:
    """The largest ``grid`` value whose MMR lists keep NDCG@10 within ``MAX_LOSS`` of ranking by score.

    Settings are tried in increasing order and the search stops at the first
    one that loses more (so every setting up to the chosen one is within the
    bound). Returns the chosen value and the validation NDCG@10 of each
    setting tried.
    """
    import numpy as np

    pools = _unseen_top(scores, history, max(MIN_POOL, POOL_FACTOR * K))
    likeness = [similarity(pool, pool) for pool in pools]
    values = [np.asarray(scores[r, pool], dtype=np.float64) for r, pool in enumerate(pools)]
    curve: list[dict[str, float]] = []
    chosen, floor = 0.0, None
    for setting in sorted(grid):
        lists = np.array(
            [pool[mmr(v, sim, K, setting)] if setting > 0 else pool[:K]
             for pool, v, sim in zip(pools, values, likeness, strict=True)]
        )  # fmt: skip
        ndcg = _ndcg_of_lists(lists, truth)
        curve.append({"diversity": float(setting), "ndcg": ndcg})
        if floor is None:
            floor = (1.0 - MAX_LOSS) * ndcg
        elif ndcg >= floor:
            chosen = float(setting)
        else:
            break
    return chosen, curve
