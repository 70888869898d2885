"""Collaborative filtering: popularity, item-kNN, EASE and implicit ALS.

- :class:`PopularityRecommender` — the items most users interacted with (the baseline, and the
  cold-start answer of every other model).
- :class:`ItemKNNRecommender` — item-based kNN (Sarwar et al., 2001): cosine between item
  columns with a shrinkage term, each item's ``neighbors`` nearest kept.
- :class:`EASERecommender` — EASE (Steck, 2019): the closed-form item-item weights
  ``B = I - P·diag(1/diag(P))``, ``P = (XᵀX + λI)⁻¹``, diagonal zero.
- :class:`ALSRecommender` — implicit-feedback ALS (Hu, Koren & Volinsky, 2008) from the
  ``implicit`` package on the CPU; only the user and item factors are kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mirae.errors import RecommendError
from mirae.recommend._base import InteractionRecommender

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

__all__ = ["ALSRecommender", "EASERecommender", "ItemKNNRecommender", "PopularityRecommender"]

#: Largest catalogue EASE inverts a dense item × item matrix for (about 3 GB of float64 at 20,000).
EASE_MAX_ITEMS = 20_000
#: Items whose similarities item-kNN computes at once.
KNN_CHUNK = 1024


class PopularityRecommender(InteractionRecommender):
    """Recommend the items most users interacted with (the same list for everyone, seen items left out).

    Parameters
    ----------
    user_col, item_col : str
        Columns of the interactions table.
    rating_col, time_col : str, optional
        A rating column (checked against ``rating_range``; the weight with
        ``weighting='rating'``) and a time column (which duplicate rating is the latest).
    weighting : {'binary', 'count', 'rating'}
        How an interaction becomes a weight.
    rating_range : (float, float), optional
        Ratings outside it are refused.
    diversity : float or 'auto'
        Re-ranking trade-off 0..1 (maximal marginal relevance); ``'auto'``:
        the largest setting whose NDCG@10 on each user's latest training
        interaction stays within 2 % of no re-ranking (``diversity_``).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"user": [1, 1, 2, 2, 3], "item": ["a", "b", "a", "c", "a"]})
    >>> PopularityRecommender().fit(rows).recommend(3, k=2)[["item", "rank"]].to_dict("list")
    {'item': ['b', 'c'], 'rank': [1, 2]}
    """

    def __init__(
        self,
        *,
        user_col: str = "user",
        item_col: str = "item",
        rating_col: str | None = None,
        time_col: str | None = None,
        weighting: str = "binary",
        rating_range: tuple[float, float] | None = None,
        diversity: float | str = 0.0,
    ) -> None:
        self.user_col = user_col
        self.item_col = item_col
        self.rating_col = rating_col
        self.time_col = time_col
        self.weighting = weighting
        self.rating_range = rating_range
        self.diversity = diversity

    def _fit_model(self) -> None:
        pass

    def _history_scores(self, history: sp.csr_matrix) -> np.ndarray:
        import numpy as np

        top = max(1.0, float(self.popularity_.max()))
        return np.tile(self.popularity_ / top, (history.shape[0], 1))

    def _reasons(
        self, items: np.ndarray, history: np.ndarray, weights: np.ndarray
    ) -> list[tuple[str, int | None]]:
        return [("rec_reason_popular", None)] * len(items)


class ItemKNNRecommender(InteractionRecommender):
    """Item-based k-nearest neighbours: cosine with shrinkage, ``neighbors`` kept per item.

    ``sim(i, j) = xᵢ·xⱼ / (‖xᵢ‖‖xⱼ‖ + shrink)``; a user's score for ``j`` is
    the sum of the similarities of ``j``'s neighbours the user interacted
    with (weighted by the interaction).

    Parameters
    ----------
    neighbors : int
        Nearest items kept per item.
    shrink : float
        Shrinkage: pairs seen together by few users count less.
    user_col, item_col, rating_col, time_col, weighting, rating_range, diversity
        As for :class:`PopularityRecommender`.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"user": [1, 1, 2, 2, 3], "item": ["a", "b", "a", "b", "a"]})
    >>> ItemKNNRecommender(shrink=0).fit(rows).recommend(3, k=1)["item"].tolist()
    ['b']
    """

    def __init__(
        self,
        *,
        neighbors: int = 100,
        shrink: float = 10.0,
        user_col: str = "user",
        item_col: str = "item",
        rating_col: str | None = None,
        time_col: str | None = None,
        weighting: str = "binary",
        rating_range: tuple[float, float] | None = None,
        diversity: float | str = 0.0,
    ) -> None:
        self.neighbors = neighbors
        self.shrink = shrink
        self.user_col = user_col
        self.item_col = item_col
        self.rating_col = rating_col
        self.time_col = time_col
        self.weighting = weighting
        self.rating_range = rating_range
        self.diversity = diversity

    def _fit_model(self) -> None:
        import numpy as np
        import scipy.sparse as sp

        if int(self.neighbors) < 1 or float(self.shrink) < 0:
            msg = f"neighbors must be at least 1 and shrink at least 0; got neighbors={self.neighbors!r}, shrink={self.shrink!r}."
            raise RecommendError(msg)
        X = sp.csr_matrix(self.matrix_, dtype=np.float64)
        items = sp.csr_matrix(X.T)
        norms = np.sqrt(np.asarray(items.multiply(items).sum(axis=1)).ravel())
        n = X.shape[1]
        keep = min(int(self.neighbors), max(n - 1, 1))
        rows, cols, vals = [], [], []
        for start in range(0, n, KNN_CHUNK):
            stop = min(n, start + KNN_CHUNK)
            block = np.asarray((items[start:stop] @ X).toarray())
            block /= norms[start:stop, None] * norms[None, :] + float(self.shrink) + 1e-12
            block[np.arange(stop - start), np.arange(start, stop)] = 0.0
            top = (
                np.argpartition(-block, keep - 1, axis=1)[:, :keep]
                if keep < n
                else np.tile(np.arange(n), (stop - start, 1))
            )
            picked = np.take_along_axis(block, top, axis=1)
            mask = picked > 0
            rows.append(np.repeat(np.arange(start, stop), keep)[mask.ravel()])
            cols.append(top.ravel()[mask.ravel()])
            vals.append(picked.ravel()[mask.ravel()])
        # weights_[i, j]: how much having item i pushes item j (j's neighbourhood holds i)
        neighbours = sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(n, n),
            dtype=np.float32,
        )
        self.weights_ = sp.csr_matrix(neighbours.T)

    def _history_scores(self, history: sp.csr_matrix) -> np.ndarray:
        import numpy as np

        return np.asarray((history @ self.weights_).toarray(), dtype=np.float64)

    def _contributions(self, items: np.ndarray, history: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.asarray(self.weights_[history][:, items].toarray().T, dtype=np.float64)


class EASERecommender(InteractionRecommender):
    """EASE: the closed-form linear item-item model of Steck (2019), "Embarrassingly Shallow Autoencoders".

    Parameters
    ----------
    l2 : float
        The L2 penalty λ (Steck used 500 on MovieLens-20M; smaller data wants less).
    user_col, item_col, rating_col, time_col, weighting, rating_range, diversity
        As for :class:`PopularityRecommender`.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"user": [1, 1, 2, 2, 3], "item": ["a", "b", "a", "b", "a"]})
    >>> EASERecommender(l2=1.0).fit(rows).recommend(3, k=1)["item"].tolist()
    ['b']
    """

    def __init__(
        self,
        *,
        l2: float = 500.0,
        user_col: str = "user",
        item_col: str = "item",
        rating_col: str | None = None,
        time_col: str | None = None,
        weighting: str = "binary",
        rating_range: tuple[float, float] | None = None,
        diversity: float | str = 0.0,
    ) -> None:
        self.l2 = l2
        self.user_col = user_col
        self.item_col = item_col
        self.rating_col = rating_col
        self.time_col = time_col
        self.weighting = weighting
        self.rating_range = rating_range
        self.diversity = diversity

    def _fit_model(self) -> None:
        import numpy as np

        n = self.matrix_.shape[1]
        if n > EASE_MAX_ITEMS:
            msg = (
                f"EASE inverts an item × item matrix; {n:,} items is more than {EASE_MAX_ITEMS:,}. "
                "Use ItemKNNRecommender or ALSRecommender for a catalogue this large."
            )
            raise RecommendError(msg)
        if float(self.l2) <= 0:
            msg = f"l2 must be positive (the penalty λ); got {self.l2!r}."
            raise RecommendError(msg)
        X = self.matrix_.astype(np.float64)
        gram = np.asarray((X.T @ X).toarray())
        gram[np.diag_indices(n)] += float(self.l2)
        inverse = np.linalg.inv(gram)
        weights = inverse / (-np.diag(inverse))
        weights[np.diag_indices(n)] = 0.0
        self.weights_ = weights.astype(np.float32)

    def _history_scores(self, history: sp.csr_matrix) -> np.ndarray:
        import numpy as np

        return np.asarray(history @ self.weights_, dtype=np.float64)

    def _contributions(self, items: np.ndarray, history: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.asarray(self.weights_[np.ix_(history, items)].T, dtype=np.float64)


class ALSRecommender(InteractionRecommender):
    """Implicit-feedback ALS (Hu, Koren & Volinsky, 2008) from the ``implicit`` package, on the CPU.

    Confidence is ``1 + alpha·weight``; only the learned factors are kept
    (``user_factors_``, ``item_factors_``), so the model stores as arrays. A
    new user's history is folded in by solving the ALS user step exactly.

    Parameters
    ----------
    factors : int
        Length of the user and item vectors.
    regularization : float
        L2 penalty on the factors.
    alpha : float
        Confidence scaling of the interactions (Hu et al. used 40).
    iterations : int
        Alternating sweeps.
    random_state : int
        Seed of the initial factors.
    n_threads : int
        Threads of the solver (0: every core).
    user_col, item_col, rating_col, time_col, weighting, rating_range, diversity
        As for :class:`PopularityRecommender`.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"user": [1, 1, 2, 2, 3], "item": ["a", "b", "a", "b", "a"]})
    >>> ALSRecommender(factors=2, iterations=3).fit(rows).recommend(3, k=1)["item"].tolist()
    ['b']
    """

    def __init__(
        self,
        *,
        factors: int = 64,
        regularization: float = 0.01,
        alpha: float = 40.0,
        iterations: int = 15,
        random_state: int = 0,
        n_threads: int = 0,
        user_col: str = "user",
        item_col: str = "item",
        rating_col: str | None = None,
        time_col: str | None = None,
        weighting: str = "binary",
        rating_range: tuple[float, float] | None = None,
        diversity: float | str = 0.0,
    ) -> None:
        self.factors = factors
        self.regularization = regularization
        self.alpha = alpha
        self.iterations = iterations
        self.random_state = random_state
        self.n_threads = n_threads
        self.user_col = user_col
        self.item_col = item_col
        self.rating_col = rating_col
        self.time_col = time_col
        self.weighting = weighting
        self.rating_range = rating_range
        self.diversity = diversity

    def _fit_model(self) -> None:
        import numpy as np

        try:
            from implicit.cpu.als import AlternatingLeastSquares
        except ImportError:  # pragma: no cover - a dependency of mirae
            msg = "ALSRecommender needs the 'implicit' package: pip install implicit"
            raise RecommendError(msg) from None
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1, "blas"):  # implicit's own threads do the work
            model = AlternatingLeastSquares(
                factors=int(self.factors), regularization=float(self.regularization), alpha=float(self.alpha),
                iterations=int(self.iterations), random_state=int(self.random_state),
                num_threads=int(self.n_threads), calculate_training_loss=False,
            )  # fmt: skip
            model.fit(self.matrix_.astype(np.float32), show_progress=False)
        self.user_factors_ = np.asarray(model.user_factors, dtype=np.float32)
        self.item_factors_ = np.asarray(model.item_factors, dtype=np.float32)

    def _user_scores(self, rows: np.ndarray) -> np.ndarray:
        import numpy as np

        return np.asarray(self.user_factors_[rows] @ self.item_factors_.T, dtype=np.float64)

    def _history_scores(self, history: sp.csr_matrix) -> np.ndarray:
        """Fold each history in: ``(YᵀY + YᵀY_h(C-1) + λI) x = Yᵀ C p`` over its items."""
        import numpy as np

        Y = self.item_factors_.astype(np.float64)
        gram = Y.T @ Y + float(self.regularization) * np.eye(Y.shape[1])
        out = np.empty((history.shape[0], Y.shape[0]))
        for row in range(history.shape[0]):
            idx = history[row].indices
            confidence = 1.0 + float(self.alpha) * history[row].data.astype(np.float64)
            Yh = Y[idx]
            A = gram + (Yh.T * (confidence - 1.0)) @ Yh
            x = np.linalg.solve(A, Yh.T @ confidence)
            out[row] = Y @ x
        return out

    def _similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        import numpy as np

        Y = self.item_factors_.astype(np.float64)
        norms = np.linalg.norm(Y, axis=1)
        unit = Y / np.where(norms > 0, norms, 1.0)[:, None]
        return np.clip(unit[a] @ unit[b].T, 0.0, 1.0)

    def _contributions(self, items: np.ndarray, history: np.ndarray) -> np.ndarray:
        return InteractionRecommender._similarity(self, items, history)
