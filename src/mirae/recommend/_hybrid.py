"""The hybrid recommender (mirae's default): collaborative scores blended with content, cold start covered.

For each user the collaborative model's scores (EASE by default) and the
content scores (TF-IDF/LSA of the items' text, when an items table is
given) are each scaled to the user's best unseen item and blended,
``(1 - content_weight)·cf + content_weight·content``. Items nobody
interacted with yet are scored by their content alone, times
``cold_item_weight`` (cold-start items); users with
no history get the most popular items, and a new user's first items
(``history=``) are scored by both parts at once. ``diversity`` re-ranks the
list by maximal marginal relevance over the same blend of item likeness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mirae.base import clone
from mirae.errors import RecommendError
from mirae.recommend._base import InteractionRecommender
from mirae.recommend._content import _TextMixin

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

__all__ = ["HybridRecommender"]

#: The settings the hybrid hands its collaborative part (one table, read one way).
_SHARED = ("user_col", "item_col", "rating_col", "time_col", "weighting", "rating_range")


def _scaled(scores: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
    """Each row divided by its largest score over the items not in that row's history."""
    import numpy as np

    masked = np.array(scores, dtype=np.float64)
    rows = np.repeat(np.arange(history.shape[0]), np.diff(history.indptr))
    masked[rows, history.indices] = -np.inf
    top = masked.max(axis=1, keepdims=True)
    return np.asarray(scores, dtype=np.float64) / np.where(np.isfinite(top) & (top > 0), top, 1.0)


class HybridRecommender(_TextMixin, InteractionRecommender):
    """Collaborative filtering blended with item content; cold-start items and new users answered.

    Parameters
    ----------
    cf : recommender, optional
        The collaborative part (default ``EASERecommender(l2=200)``); it is
        cloned and fitted on the same interactions (its column settings are
        the hybrid's).
    items : DataFrame, optional
        Item text (see :class:`~mirae.recommend.ContentRecommender`); without
        it the hybrid is its collaborative part plus the cold-start rules.
    item_key, text_cols, name_col, category_col, analyzer, n_components
        As for :class:`~mirae.recommend.ContentRecommender`.
    content_weight : float
        Share of the content score in the blend, 0..1.
    cold_item_weight : float
        An item nobody interacted with scores this share of its content
        score (1: as much as a well-liked item with the same content score).
    random_state : int
        Seed of the LSA (and of a collaborative part that takes one).
    user_col, item_col, rating_col, time_col, weighting, rating_range, diversity
        As for :class:`~mirae.recommend.PopularityRecommender`.

    Examples
    --------
    >>> import pandas as pd
    >>> films = pd.DataFrame({"item": ["a", "b", "c", "d"],
    ...                       "text": ["space robots", "space war", "paris romance", "space robots war"]})
    >>> rows = pd.DataFrame({"user": [1, 1, 2, 2, 3], "item": ["a", "b", "a", "b", "a"]})
    >>> model = HybridRecommender(items=films).fit(rows)
    >>> model.recommend(3, k=2)["item"].tolist()   # 'd' was never chosen: content alone finds it
    ['b', 'd']
    >>> model.recommend("new", k=1, history=["c"])["reason"].tolist()
    ["similar description to 'c'"]
    """

    def __init__(
        self,
        *,
        cf: Any = None,
        items: pd.DataFrame | None = None,
        item_key: str | None = None,
        text_cols: tuple[str, ...] | None = None,
        name_col: str | None = None,
        category_col: str | None = None,
        content_weight: float = 0.1,
        cold_item_weight: float = 0.5,
        analyzer: str = "auto",
        n_components: int = 100,
        random_state: int = 0,
        user_col: str = "user",
        item_col: str = "item",
        rating_col: str | None = None,
        time_col: str | None = None,
        weighting: str = "binary",
        rating_range: tuple[float, float] | None = None,
        diversity: float = 0.0,
    ) -> None:
        self.cf = cf
        self.items = items
        self.item_key = item_key
        self.text_cols = text_cols
        self.name_col = name_col
        self.category_col = category_col
        self.content_weight = content_weight
        self.cold_item_weight = cold_item_weight
        self.analyzer = analyzer
        self.n_components = n_components
        self.random_state = random_state
        self.user_col = user_col
        self.item_col = item_col
        self.rating_col = rating_col
        self.time_col = time_col
        self.weighting = weighting
        self.rating_range = rating_range
        self.diversity = diversity

    def _extra_items(self, items: list[Any]) -> list[Any]:
        return [] if self.items is None else self._text_extra_items(items)

    def _fit_model(self) -> None:
        from mirae.recommend._models import EASERecommender

        weight = float(self.content_weight)
        if not 0.0 <= weight <= 1.0:
            msg = f"content_weight must lie in 0..1 (the content share of the blend); got {self.content_weight!r}."
            raise RecommendError(msg)
        if self.cf is not None and not isinstance(self.cf, InteractionRecommender):
            msg = f"cf must be one of mirae's recommenders (EASERecommender(), ItemKNNRecommender(), ...); got {type(self.cf).__name__}."
            raise RecommendError(msg)
        part = clone(self.cf) if self.cf is not None else EASERecommender(l2=200.0)
        part.set_params(**{name: getattr(self, name) for name in _SHARED}, diversity=0.0)
        if "random_state" in part.get_params(deep=False):
            part.set_params(random_state=self.random_state)
        part._set_matrix(self.matrix_, self.users_, self.items_, [])
        part._fit_model()
        self.cf_ = part
        self.has_content_ = self.items is not None
        if self.has_content_:
            self._fit_text()
        else:
            self.item_names_, self.item_categories_ = {}, {}

    @property
    def _weight(self) -> float:
        return float(self.content_weight) if self.has_content_ else 0.0

    def _blend(self, cf: np.ndarray, history: sp.csr_matrix) -> np.ndarray:
        scores = _scaled(cf, history)
        weight = self._weight
        if weight > 0:
            content = _scaled(self._content_scores(history), history)
            scores = (1.0 - weight) * scores + weight * content
            cold = self.popularity_ == 0  # no collaborative signal: the content score, discounted
            scores[:, cold] = float(self.cold_item_weight) * content[:, cold]
        return scores

    def _user_scores(self, rows: np.ndarray) -> np.ndarray:
        return self._blend(self.cf_._user_scores(rows), self.matrix_[rows])

    def _history_scores(self, history: sp.csr_matrix) -> np.ndarray:
        return self._blend(self.cf_._history_scores(history), history)

    def _similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        similarity = self.cf_._similarity(a, b)
        weight = self._weight
        if weight > 0:
            similarity = (1.0 - weight) * similarity + weight * self._content_similarity(a, b)
        return similarity

    def _reasons(
        self, items: np.ndarray, history: np.ndarray, weights: np.ndarray
    ) -> list[tuple[str, int | None]]:
        """The collaborative reason where the item has one; content ("similar description") otherwise."""
        import numpy as np

        reasons = self.cf_._reasons(items, history, weights)
        if not self.has_content_ or len(history) == 0:
            return reasons
        text = self._content_similarity(items, history) * weights[None, :]
        out: list[tuple[str, int | None]] = []
        for row, (key, because) in enumerate(reasons):
            cold = self.popularity_[int(items[row])] == 0
            if (cold or because is None) and text[row].max() > 0:
                out.append(("rec_reason_similar_text", int(history[int(np.argmax(text[row]))])))
            else:
                out.append((key, because))
        return out

    def _similar_key(self, index: int) -> str:
        return "rec_reason_similar_users" if self.popularity_[index] > 0 else "rec_reason_similar_text"
