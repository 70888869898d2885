"""What every recommender shares: the interactions matrix, ranking, filters, re-ranking and explanations.

A subclass learns a way to score items for a user's history
(:meth:`_history_scores`) and, when it has a better one than the cosine of
the interaction columns, how alike two items are (:meth:`_similarity`) and
how much one history item pushed a recommendation (:meth:`_contributions`).
Everything a caller sees is here: :meth:`recommend`, :meth:`recommend_all`
and :meth:`similar_items` return frames of ``item``, ``rank``, ``score`` and
``reason``; seen items are never recommended; unknown users get their
history scored (``history=``) or, without one, the most popular items;
``diversity`` re-ranks with maximal marginal relevance.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Self

from mirae.base import Recommender, Tags
from mirae.errors import RecommendError
from mirae.recommend._data import interaction_matrix
from mirae.recommend._rerank import mmr

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

__all__ = ["InteractionRecommender"]

#: Users scored at once by :meth:`InteractionRecommender.recommend_all`.
BATCH_USERS = 512
#: Candidates the re-ranking chooses from: this many times ``k`` (at least ``MIN_POOL``).
POOL_FACTOR = 5
MIN_POOL = 50


class InteractionRecommender(Recommender):
    """Base of mirae's recommenders (see the module text); not used directly."""

    tags: ClassVar[Tags] = Recommender.tags

    user_col: str
    item_col: str
    rating_col: str | None
    time_col: str | None
    weighting: str
    rating_range: tuple[float, float] | None
    diversity: float | str
    diversity_: float | None

    # -- what subclasses provide ----------------------------------------------------------------

    def _fit_model(self) -> None:
        """Learn the model from ``self.matrix_`` (users × catalogue items)."""
        raise NotImplementedError

    def _history_scores(self, history: sp.csr_matrix) -> np.ndarray:
        """Scores of every catalogue item for each row of ``history`` (rows × items)."""
        raise NotImplementedError

    def _user_scores(self, rows: np.ndarray) -> np.ndarray:
        """Scores of every item for known users (their rows of the matrix)."""
        return self._history_scores(self.matrix_[rows])

    def _extra_items(self, items: list[Any]) -> list[Any]:
        """Catalogue items beyond those in the interactions (items known only from their text)."""
        return []

    def _reasons(
        self, items: np.ndarray, history: np.ndarray, weights: np.ndarray
    ) -> list[tuple[str, int | None]]:
        """The reason key and the history item behind recommending each of ``items`` (indices)."""
        if len(history) == 0 or len(items) == 0:
            return [("rec_reason_popular", None)] * len(items)
        pushed = self._contributions(items, history) * weights[None, :]
        best = pushed.argmax(axis=1)
        return [
            ("rec_reason_because", int(history[b])) if pushed[r, b] > 0 else ("rec_reason_popular", None)
            for r, b in enumerate(best)
        ]

    def _contributions(self, items: np.ndarray, history: np.ndarray) -> np.ndarray:
        """How much each history item pushed each of ``items`` (len(items) × len(history))."""
        return self._similarity(items, history)

    # -- fitting --------------------------------------------------------------------------------

    def fit(self, interactions: pd.DataFrame, y: Any = None) -> Self:
        """Learn from a table of interactions (one row per user and item, optional rating and time).

        Parameters
        ----------
        interactions : DataFrame
            Columns ``user_col`` and ``item_col`` (and ``rating_col``,
            ``time_col`` when set). Duplicate pairs are aggregated (see
            ``notes_``).
        y : ignored

        Returns
        -------
        self
        """
        import numpy as np
        import scipy.sparse as sp

        auto = isinstance(self.diversity, str) and self.diversity == "auto"
        if not auto and not (isinstance(self.diversity, int | float) and 0.0 <= float(self.diversity) <= 1.0):
            msg = (
                f"diversity must lie in 0..1 (0: rank by score alone) or be 'auto' (chosen on each user's "
                f"latest training interaction); got {self.diversity!r}."
            )
            raise RecommendError(msg)
        data = interaction_matrix(
            interactions, user_col=self.user_col, item_col=self.item_col, rating_col=self.rating_col,
            time_col=self.time_col, weighting=self.weighting, rating_range=self.rating_range,
        )  # fmt: skip
        matrix, items, later = data.matrix, list(data.items), data.later
        extra = self._extra_items(items)
        if extra:
            items += extra
            padding = sp.csr_matrix((matrix.shape[0], len(extra)), dtype=np.float32)
            matrix = sp.csr_matrix(sp.hstack([matrix, padding]))
            later = sp.csr_matrix(sp.hstack([later, padding]), dtype=np.float64)
        notes = list(data.notes)
        if extra:
            notes.append(("rec_note_text_only", {"items": len(extra)}))
        self._set_matrix(matrix, data.users, items, notes, later)
        self.diversity_: float | None = None if auto else float(self.diversity)
        self._fit_model()
        if self.diversity_ is None:  # the model did not choose it itself
            self.diversity_ = self._choose_diversity()
        return self

    def _choose_diversity(self) -> float:
        """``diversity='auto'``: the re-ranking setting chosen on each user's latest training interaction."""
        from mirae.base import clone
        from mirae.recommend._tuning import MIN_VALIDATION_USERS, choose_diversity, inner_split

        split = inner_split(self.matrix_, self.later_, random_state=int(getattr(self, "random_state", 0)))
        if len(split.rows) < MIN_VALIDATION_USERS:
            self.notes_.append(
                ("rec_note_untuned", {"users": len(split.rows), "minimum": MIN_VALIDATION_USERS})
            )
            return 0.0
        inner = clone(self).set_params(diversity=0.0)
        inner._set_matrix(split.matrix, self.users_, self.items_, [], split.later)
        inner._fit_model()
        scores = inner._user_scores(split.rows)
        chosen, curve = choose_diversity(scores, split.matrix[split.rows], split.truth, inner._similarity)
        self._note_diversity(chosen, curve, len(split.rows))
        return chosen

    def _note_diversity(self, chosen: float, curve: list[dict[str, float]], users: int) -> None:
        """Keep the validation curve (``diversity_curve_``) and say in ``notes_`` what was chosen."""
        self.diversity_curve_ = curve
        at = {row["diversity"]: row["ndcg"] for row in curve}
        self.notes_.append(
            ("rec_note_diversity_auto",
             {"diversity": chosen, "users": users, "ndcg": at[chosen], "base": at[0.0]})
        )  # fmt: skip

    def _set_matrix(
        self,
        matrix: sp.csr_matrix,
        users: list[Any],
        items: list[Any],
        notes: list[tuple[str, dict[str, Any]]],
        later: sp.csr_matrix | None = None,
    ) -> None:
        """Store the interactions every model answers from (a hybrid hands its matrix to its parts).

        ``later`` holds each interaction's recency position (1: the user's
        latest; see :class:`~mirae.recommend.Interactions`).
        """
        import numpy as np
        import scipy.sparse as sp

        self.users_ = list(users)
        self.items_ = list(items)
        self.user_index_ = {u: k for k, u in enumerate(self.users_)}
        self.item_index_ = {i: k for k, i in enumerate(self.items_)}
        self.matrix_ = matrix
        self.later_ = later if later is not None else sp.csr_matrix(matrix != 0, dtype=np.float64)
        self.popularity_ = np.diff(sp.csc_matrix(matrix).indptr).astype(np.float64)
        self.notes_ = notes
        self.item_vectors_ = _normalized_columns(matrix)

    def _check_fitted(self) -> None:
        if not hasattr(self, "matrix_"):
            msg = f"this {type(self).__name__} is not fitted yet; call fit(interactions) before recommending."
            raise RecommendError(msg)

    # -- similarity -----------------------------------------------------------------------------

    def _similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Cosine similarity of the interaction columns of items ``a`` and ``b`` (len(a) × len(b))."""
        import numpy as np

        vectors = self.item_vectors_
        return np.asarray((vectors[a] @ vectors[b].T).toarray(), dtype=np.float64)

    # -- answering ------------------------------------------------------------------------------

    def recommend(
        self,
        user: Any,
        k: int = 10,
        *,
        history: Iterable[Any] | None = None,
        exclude_seen: bool = True,
        exclude: Collection[Any] | None = None,
        only: Collection[Any] | None = None,
        exclude_categories: Collection[str] | None = None,
        only_categories: Collection[str] | None = None,
        diversity: float | None = None,
        lang: str = "en",
    ) -> pd.DataFrame:
        """Up to ``k`` items for ``user``, best first: ``item``, ``rank``, ``score``, ``reason``.

        Parameters
        ----------
        user : object
            A user of the training interactions, or a new one (cold start).
        k : int
            How many items (fewer when the catalogue, less what is excluded, is smaller).
        history : iterable, optional
            Items a new user has interacted with (their first clicks);
            unknown items in it are ignored. A known user's history is the
            training interactions.
        exclude_seen : bool
            Leave out items the user has interacted with (the default).
        exclude, only : collection, optional
            Items never to recommend / the only items that may be recommended.
        exclude_categories, only_categories : collection of str, optional
            Business filters on the items' categories (models given an
            items table with ``category_col``).
        diversity : float, optional
            0..1: how much the re-ranking trades score for variety (maximal
            marginal relevance); default the model's (``diversity_``, the
            value ``diversity='auto'`` chose at fit).
        lang : {'en', 'ko'}
            Language of ``reason``.
        """
        frame = self.recommend_all(
            [user], k, histories=None if history is None else {user: list(history)},
            exclude_seen=exclude_seen, exclude=exclude, only=only, exclude_categories=exclude_categories,
            only_categories=only_categories, diversity=diversity, lang=lang,
        )  # fmt: skip
        return frame.drop(columns="user").reset_index(drop=True)

    def recommend_all(
        self,
        users: Iterable[Any] | None = None,
        k: int = 10,
        *,
        histories: dict[Any, list[Any]] | None = None,
        exclude_seen: bool = True,
        exclude: Collection[Any] | None = None,
        only: Collection[Any] | None = None,
        exclude_categories: Collection[str] | None = None,
        only_categories: Collection[str] | None = None,
        diversity: float | None = None,
        lang: str = "en",
        progress: Any = None,
    ) -> pd.DataFrame:
        """Recommendations for many users at once (default every training user): one row per user and rank.

        The same answer as :meth:`recommend` for each user, scored in
        batches. Columns ``user``, ``item``, ``rank``, ``score``, ``reason``.
        """
        import numpy as np
        import pandas as pd

        from mirae.core._i18n import check_lang

        self._check_fitted()
        lang = check_lang(lang)
        if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 1:
            msg = f"k must be a whole number of at least 1; got {k!r}."
            raise RecommendError(msg)
        lam = float((self.diversity_ or 0.0) if diversity is None else diversity)
        if not 0.0 <= lam <= 1.0:
            msg = f"diversity must lie in 0..1 (0: rank by score alone); got {lam!r}."
            raise RecommendError(msg)
        allowed = self._allowed(exclude, only, exclude_categories, only_categories)
        users = list(self.users_ if users is None else users)
        histories = histories or {}
        out: dict[str, list[Any]] = {"user": [], "item": [], "rank": [], "score": [], "reason": []}
        for start in range(0, len(users), BATCH_USERS):
            chunk = users[start : start + BATCH_USERS]
            vectors, rows = self._histories(chunk, histories)
            scores = self._chunk_scores(vectors, rows)
            for row, user in enumerate(chunk):
                seen = vectors[row].indices
                weights = vectors[row].data.astype(np.float64)
                picked, picked_scores = self._rank(scores[row], seen if exclude_seen else (), allowed, k, lam)
                reasons = self._reasons(picked, seen, weights)
                for rank, (item, score, (key, because)) in enumerate(
                    zip(picked, picked_scores, reasons, strict=True), start=1
                ):
                    out["user"].append(user)
                    out["item"].append(self.items_[int(item)])
                    out["rank"].append(rank)
                    out["score"].append(float(score))
                    out["reason"].append(self._reason_text(key, because, int(item), lang))
            if progress is not None:
                progress.advance(len(chunk))
        frame = pd.DataFrame(out)
        frame["rank"] = frame["rank"].astype(np.int64)
        frame["score"] = frame["score"].astype(np.float64)
        return frame

    def similar_items(self, item: Any, k: int = 10, *, lang: str = "en") -> pd.DataFrame:
        """The ``k`` items most like ``item``: ``item``, ``rank``, ``score`` (similarity), ``reason``.

        An item the model does not know gets the most popular items, with a
        reason saying so (never an error).
        """
        import numpy as np
        import pandas as pd

        from mirae.core._i18n import check_lang

        self._check_fitted()
        lang = check_lang(lang)
        if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 1:
            msg = f"k must be a whole number of at least 1; got {k!r}."
            raise RecommendError(msg)
        index = self.item_index_.get(item)
        n = len(self.items_)
        if index is None:
            scores, key = self.popularity_.copy(), "rec_reason_unknown_item"
            banned: np.ndarray = np.array([], dtype=np.int64)
        else:
            scores = self._similarity(np.array([index]), np.arange(n))[0]
            key, banned = self._similar_key(index), np.array([index])
        picked, values = self._rank(scores, banned, None, k, 0.0)
        if index is not None:  # items with no likeness at all are not "similar"
            keep = values > 0
            picked, values = picked[keep], values[keep]
        return pd.DataFrame(
            {
                "item": [self.items_[int(i)] for i in picked],
                "rank": np.arange(1, len(picked) + 1, dtype=np.int64),
                "score": np.asarray(values, dtype=np.float64),
                "reason": [self._reason_text(key, index, int(i), lang) for i in picked],
            }
        )

    def _similar_key(self, index: int) -> str:
        return "rec_reason_similar_users"

    # -- helpers --------------------------------------------------------------------------------

    def _histories(
        self, users: list[Any], histories: dict[Any, list[Any]]
    ) -> tuple[sp.csr_matrix, np.ndarray]:
        """The history row of each user (training row, or the given items) and its training row (-1: none)."""
        import numpy as np
        import scipy.sparse as sp

        n = len(self.items_)
        rows = np.full(len(users), -1, dtype=np.int64)
        parts = []
        for pos, user in enumerate(users):
            row = self.user_index_.get(user) if user not in histories else None
            if row is not None:
                rows[pos] = row
                parts.append(self.matrix_[row])
                continue
            idx = sorted({self.item_index_[i] for i in histories.get(user, ()) if i in self.item_index_})
            ones = np.ones(len(idx), dtype=np.float32)
            parts.append(sp.csr_matrix((ones, (np.zeros(len(idx), dtype=np.int64), idx)), shape=(1, n)))
        if not parts:
            return sp.csr_matrix((0, n), dtype=np.float32), rows
        return sp.csr_matrix(sp.vstack(parts)), rows

    def _chunk_scores(self, vectors: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Scores of every item for each user: the model's for a history, popularity without one."""
        import numpy as np

        scores = np.empty((vectors.shape[0], len(self.items_)), dtype=np.float64)
        empty = np.diff(vectors.indptr) == 0
        if empty.any():  # no history: the cold-start answer is popularity
            scores[empty] = self.popularity_ / max(1.0, float(self.popularity_.max()))
        known = (rows >= 0) & ~empty
        if known.any():
            scores[known] = np.asarray(self._user_scores(rows[known]), dtype=np.float64)
        new = (rows < 0) & ~empty
        if new.any():
            scores[new] = np.asarray(self._history_scores(vectors[np.flatnonzero(new)]), dtype=np.float64)
        return scores

    def _allowed(
        self,
        exclude: Collection[Any] | None,
        only: Collection[Any] | None,
        exclude_categories: Collection[str] | None,
        only_categories: Collection[str] | None,
    ) -> np.ndarray | None:
        """Which catalogue items the business filters let through (None: all)."""
        import numpy as np

        if not (exclude or only or exclude_categories or only_categories):
            return None
        n = len(self.items_)
        allowed = np.ones(n, dtype=bool)
        if only:
            allowed[:] = False
            allowed[[self.item_index_[i] for i in only if i in self.item_index_]] = True
        if exclude:
            allowed[[self.item_index_[i] for i in exclude if i in self.item_index_]] = False
        if exclude_categories or only_categories:
            categories: dict[Any, list[str]] | None = getattr(self, "item_categories_", None)
            if not categories:
                msg = (
                    f"category filters need the items' categories; this {type(self).__name__} has none. "
                    "Fit a content or hybrid recommender with an items table and category_col=."
                )
                raise RecommendError(msg)
            cats = [set(categories.get(i, ())) for i in self.items_]
            if only_categories:
                wanted = set(only_categories)
                allowed &= np.array([bool(c & wanted) for c in cats])
            if exclude_categories:
                unwanted = set(exclude_categories)
                allowed &= np.array([not (c & unwanted) for c in cats])
        return allowed

    def _rank(
        self, scores: np.ndarray, seen: Any, allowed: np.ndarray | None, k: int, diversity: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """The chosen item indices and their scores, best first (ties: the earlier item)."""
        import numpy as np

        values = np.array(scores, dtype=np.float64)
        values[~np.isfinite(values)] = -np.inf
        if allowed is not None:
            values[~allowed] = -np.inf
        if len(seen):
            values[np.asarray(seen, dtype=np.int64)] = -np.inf
        candidates = np.flatnonzero(np.isfinite(values))
        take = min(k, len(candidates))
        if take == 0:
            return np.array([], dtype=np.int64), np.array([], dtype=np.float64)
        pool_size = min(len(candidates), max(MIN_POOL, POOL_FACTOR * k)) if diversity > 0 else take
        order = np.lexsort((candidates, -values[candidates]))
        pool = candidates[order[:pool_size]]
        if diversity > 0 and take > 1:
            chosen = mmr(values[pool], self._similarity(pool, pool), take, diversity)
            pool = pool[chosen]
        picked = pool[:take]
        return picked, values[picked]

    def _item_name(self, index: int) -> str:
        names: dict[Any, str] = getattr(self, "item_names_", None) or {}
        item = self.items_[index]
        return str(names.get(item, item))

    def _reason_text(self, key: str, because: int | None, item: int, lang: str) -> str:
        from mirae.core._i18n import message

        params: dict[str, Any] = {"users": int(self.popularity_[item])}
        if because is not None:
            params["item"] = self._item_name(because)
        return message(key, lang, **params)


def _normalized_columns(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Items × users, each row scaled to unit length (all-zero rows stay zero)."""
    import numpy as np
    import scipy.sparse as sp

    items = sp.csr_matrix(matrix.T, dtype=np.float64)
    norms = np.sqrt(np.asarray(items.multiply(items).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale) @ items)
