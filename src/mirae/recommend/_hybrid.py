"""The hybrid recommender (mirae's default): collaborative scores blended with content, cold start covered.

For each user the collaborative scores and the content scores (TF-IDF/LSA
of the items' text, when an items table is given) are each scaled to the
user's best unseen item and blended,
``(1 - content_weight)·cf + content_weight·content``. The default
collaborative part is EASE blended with implicit ALS,
``(1 - cf_blend)·EASE + cf_blend·ALS``. With a time column, a user's
history counts its recent items more: each weight halves every ``recency``
later interactions of the user. Every setting left at ``'auto'`` (EASE's
l2, the ALS factors and confidence, ``cf_blend``, ``recency``,
``content_weight`` and the re-ranking ``diversity``) is chosen at fit on an
inner holdout: each user's latest training interaction, the rest fitted
(:mod:`mirae.recommend._tuning`); ``tuning_`` keeps the validation scores.
Items nobody interacted with yet are scored by their content alone, times
``cold_item_weight``; users with no history get the most popular items, and
a new user's first items (``history=``) are scored by every part at once.
``diversity`` re-ranks the list by maximal marginal relevance over the same
blend of item likeness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mirae.base import clone
from mirae.errors import RecommendError
from mirae.recommend._base import InteractionRecommender
from mirae.recommend._content import _TextMixin
from mirae.recommend._tuning import max_scaled, ndcg_at, recency_weighted

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    from mirae.recommend._tuning import InnerSplit

__all__ = ["HybridRecommender"]

#: The settings the hybrid hands its collaborative part (one table, read one way).
_SHARED = ("user_col", "item_col", "rating_col", "time_col", "weighting", "rating_range")
#: EASE penalties the default collaborative part chooses from (Steck: 500 on ML-20M).
EASE_L2 = (100.0, 300.0, 800.0)
#: Implicit ALS (factors, alpha) it chooses from (regularisation 0.1, 15 iterations).
ALS_SETTINGS = ((32, 1.0), (128, 5.0))
#: ALS shares of the collaborative blend.
CF_BLEND = (0.0, 0.1, 0.2, 0.3, 0.5)
#: Recency half-lives, in later interactions of the same user (None: every item counts the same).
RECENCY = (None, 3.0, 5.0, 10.0, 25.0)
#: Content shares of the final blend.
CONTENT = (0.0, 0.05, 0.1, 0.2)
#: Largest items × users matrix the validation re-ranking holds dense.
DENSE_CELLS = 20_000_000
#: What an 'auto' setting falls back to when too few users have a held-out interaction.
FALLBACK = {"l2": 300.0, "als": ALS_SETTINGS[0], "cf_blend": 0.0, "recency": None, "content_weight": 0.1}


def _auto(value: Any) -> bool:
    return isinstance(value, str) and value == "auto"


def _check_share(name: str, value: Any, meaning: str) -> None:
    if _auto(value):
        return
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0.0 <= float(value) <= 1.0:
        msg = f"{name} must lie in 0..1 ({meaning}) or be 'auto' (chosen on validation); got {value!r}."
        raise RecommendError(msg)


class HybridRecommender(_TextMixin, InteractionRecommender):
    """Collaborative filtering blended with item content; settings chosen on validation; cold start answered.

    Parameters
    ----------
    cf : recommender, optional
        The collaborative part. Default: EASE blended with implicit ALS, the
        EASE l2 and the ALS factors and confidence chosen on validation. A
        recommender given here is cloned and fitted on the same interactions
        (its column settings are the hybrid's) and used alone.
    items : DataFrame, optional
        Item text (see :class:`~mirae.recommend.ContentRecommender`); without
        it the hybrid is its collaborative part plus the cold-start rules.
    item_key, text_cols, name_col, category_col, analyzer, n_components
        As for :class:`~mirae.recommend.ContentRecommender`.
    content_weight : float or 'auto'
        Share of the content score in the blend, 0..1.
    cf_blend : float or 'auto'
        Share of ALS in the default collaborative part, 0..1 (ignored with ``cf=``).
    recency : float, None or 'auto'
        Half-life of a user's history weights, in later interactions of the
        user (None: every item counts the same). Needs ``time_col``; without
        one it is None.
    cold_item_weight : float
        An item nobody interacted with scores this share of its content
        score (1: as much as a well-liked item with the same content score).
    random_state : int
        Seed of the LSA, the ALS and the validation sample.
    user_col, item_col, rating_col, time_col, weighting, rating_range
        As for :class:`~mirae.recommend.PopularityRecommender`.
    diversity : float or 'auto'
        Re-ranking trade-off 0..1; ``'auto'``: the largest setting whose
        validation NDCG@10 stays within 2 % of no re-ranking.

    Attributes
    ----------
    tuning_ : dict
        The chosen settings (``l2``, ``als``, ``cf_blend``, ``recency``,
        ``content_weight``, ``diversity``), the validation users and each
        candidate's validation NDCG@10 (``scores``).
    diversity_ : float
        The re-ranking setting in use.

    Examples
    --------
    >>> import pandas as pd
    >>> films = pd.DataFrame({"item": ["a", "b", "c", "d"],
    ...                       "text": ["space robots", "space war", "paris romance", "space robots war"]})
    >>> rows = pd.DataFrame({"user": [1, 1, 2, 2, 3], "item": ["a", "b", "a", "b", "a"]})
    >>> model = HybridRecommender(items=films, content_weight=0.1, diversity=0.0).fit(rows)
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
        content_weight: float | str = "auto",
        cf_blend: float | str = "auto",
        recency: float | str | None = "auto",
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
        diversity: float | str = "auto",
    ) -> None:
        self.cf = cf
        self.items = items
        self.item_key = item_key
        self.text_cols = text_cols
        self.name_col = name_col
        self.category_col = category_col
        self.content_weight = content_weight
        self.cf_blend = cf_blend
        self.recency = recency
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

    # -- fitting --------------------------------------------------------------------------------

    def _check_settings(self) -> None:
        _check_share("content_weight", self.content_weight, "the content share of the blend")
        _check_share("cf_blend", self.cf_blend, "the ALS share of the collaborative part")
        recency = self.recency
        if not (recency is None or _auto(recency)) and (
            not isinstance(recency, int | float) or isinstance(recency, bool) or float(recency) <= 0
        ):
            msg = f"recency must be a positive half-life (in later interactions), None or 'auto'; got {recency!r}."
            raise RecommendError(msg)
        if self.cf is not None and not isinstance(self.cf, InteractionRecommender):
            msg = f"cf must be one of mirae's recommenders (EASERecommender(), ItemKNNRecommender(), ...); got {type(self.cf).__name__}."
            raise RecommendError(msg)

    def _part(self, part: Any, matrix: sp.csr_matrix, later: sp.csr_matrix) -> Any:
        """``part`` set up like the hybrid and fitted on ``matrix``."""
        part.set_params(**{name: getattr(self, name) for name in _SHARED}, diversity=0.0)
        if "random_state" in part.get_params(deep=False):
            part.set_params(random_state=self.random_state)
        part._set_matrix(matrix, self.users_, self.items_, [], later)
        part._fit_model()
        part.diversity_ = 0.0
        return part

    def _ease(self, l2: float) -> Any:
        from mirae.recommend._models import EASERecommender

        return EASERecommender(l2=l2)

    def _als(self, setting: tuple[int, float]) -> Any:
        from mirae.recommend._models import ALSRecommender

        return ALSRecommender(factors=setting[0], alpha=setting[1], regularization=0.1, iterations=15)

    def _fit_model(self) -> None:
        from mirae.recommend._tuning import MIN_VALIDATION_USERS, inner_split

        self._check_settings()
        self.has_content_ = self.items is not None
        if self.has_content_:
            self._fit_text()
        else:
            self.item_names_, self.item_categories_ = {}, {}
        split = inner_split(self.matrix_, self.later_, random_state=int(self.random_state))
        enough = len(split.rows) >= MIN_VALIDATION_USERS
        if not enough:
            self.notes_.append(
                ("rec_note_untuned", {"users": len(split.rows), "minimum": MIN_VALIDATION_USERS})
            )
        chosen = self._tune(split) if enough else self._fixed()
        self.tuning_ = chosen
        self.content_weight_ = float(chosen["content_weight"])
        self.cf_blend_ = float(chosen["cf_blend"])
        self.recency_ = chosen["recency"]
        base = self._ease(float(chosen["l2"])) if self.cf is None else clone(self.cf)
        self.cf_ = self._part(base, self.matrix_, self.later_)
        self.als_ = (
            self._part(self._als(chosen["als"]), self.matrix_, self.later_) if self.cf_blend_ > 0 else None
        )
        self.recent_ = recency_weighted(self.matrix_, self.later_, self.recency_)
        if _auto(self.diversity):
            self.diversity_ = float(chosen["diversity"])
            if enough:
                self._note_diversity(self.diversity_, chosen["diversity_curve"], len(split.rows))
        if enough:
            self.notes_.append(("rec_note_tuned", self._tuned_note(len(split.rows))))

    def _fixed(self) -> dict[str, Any]:
        """The settings without validation: the fixed ones given, the fallbacks for 'auto'."""
        chosen: dict[str, Any] = {"scores": [], "users": 0, "diversity": 0.0, "diversity_curve": []}
        chosen["l2"], chosen["als"] = FALLBACK["l2"], FALLBACK["als"]
        for name in ("cf_blend", "content_weight", "recency"):
            value = getattr(self, name)
            chosen[name] = FALLBACK[name] if _auto(value) else value
        if self.cf is not None:
            chosen["cf_blend"] = 0.0
        if self.time_col is None:
            chosen["recency"] = None
        return chosen

    def _tune(self, split: InnerSplit) -> dict[str, Any]:
        """Choose every 'auto' setting on the inner holdout (see the module text)."""
        import numpy as np

        from mirae.recommend._base import _normalized_columns
        from mirae.recommend._tuning import choose_diversity

        chosen = self._fixed()
        rows, truth, plain = split.rows, split.truth, split.matrix[split.rows]
        scores: list[dict[str, Any]] = []

        def score(what: str, setting: Any, values: np.ndarray) -> float:
            ndcg = ndcg_at(values, plain, truth)
            scores.append({"part": what, "setting": setting, "ndcg": ndcg})
            return ndcg

        recencies: tuple[float | None, ...] = RECENCY if _auto(self.recency) else (chosen["recency"],)
        recencies = recencies if self.time_col is not None else (None,)
        histories = {h: recency_weighted(split.matrix, split.later, h)[rows] for h in recencies}
        # the collaborative part: EASE l2 and recency together, then ALS and its share
        candidates = [(l2, self._ease(l2)) for l2 in EASE_L2] if self.cf is None else [(None, clone(self.cf))]
        best: tuple[float, float | None, Any, Any] = (-1.0, None, None, None)
        for l2, part in candidates:
            fitted = self._part(part, split.matrix, split.later)
            for h, history in histories.items():
                values = max_scaled(fitted._history_scores(history), plain)
                ndcg = score("cf", {"l2": l2, "recency": h}, values)
                if ndcg > best[0]:
                    best = (ndcg, l2, h, values)
        _, l2, chosen["recency"], cf = best
        cf = np.asarray(cf, dtype=np.float64)
        chosen["l2"] = l2 if l2 is not None else chosen["l2"]
        if self.cf is None and (_auto(self.cf_blend) or float(self.cf_blend) > 0):
            als_best: tuple[float, Any, np.ndarray] = (-1.0, chosen["als"], cf)
            for setting in ALS_SETTINGS:
                fitted = self._part(self._als(setting), split.matrix, split.later)
                values = max_scaled(fitted._user_scores(rows), plain)
                ndcg = score("als", {"factors": setting[0], "alpha": setting[1]}, values)
                if ndcg > als_best[0]:
                    als_best = (ndcg, setting, values)
            chosen["als"], als = als_best[1], als_best[2]
            shares = CF_BLEND if _auto(self.cf_blend) else (float(self.cf_blend),)
            blends = {float(w): (1.0 - w) * cf + w * als for w in shares}
            chosen["cf_blend"] = max(shares, key=lambda w: score("cf_blend", w, blends[w]))
            cf = blends[chosen["cf_blend"]]
        # the content share
        cold = np.diff(split.matrix.tocsc().indptr) == 0
        content = None
        if self.has_content_:
            content = max_scaled(self._content_scores(histories[chosen["recency"]]), plain)
        weights = CONTENT if _auto(self.content_weight) else (float(self.content_weight),)
        weights = weights if content is not None else (0.0,)
        blended = {w: self._mix(cf, content, w, cold) for w in weights}
        chosen["content_weight"] = max(weights, key=lambda w: score("content_weight", w, blended[w]))
        final = blended[chosen["content_weight"]]
        # the re-ranking
        if _auto(self.diversity):
            vectors, share = _normalized_columns(split.matrix), float(chosen["content_weight"])
            small = vectors.shape[0] * vectors.shape[1] <= DENSE_CELLS
            dense = vectors.toarray() if small else None

            def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
                if dense is not None:
                    likeness = dense[a] @ dense[b].T
                else:
                    likeness = np.asarray((vectors[a] @ vectors[b].T).toarray(), dtype=np.float64)
                if share > 0:
                    likeness = (1.0 - share) * likeness + share * self._content_similarity(a, b)
                return likeness

            chosen["diversity"], chosen["diversity_curve"] = choose_diversity(final, plain, truth, similarity)
        chosen["scores"], chosen["users"] = scores, len(rows)
        chosen["ndcg"] = ndcg_at(final, plain, truth)
        return chosen

    def _tuned_note(self, users: int) -> dict[str, Any]:
        chosen = self.tuning_
        if self.cf is not None:
            cf = type(self.cf).__name__
        else:
            cf = f"EASE l2={chosen['l2']:g}"
            if self.cf_blend_ > 0:
                cf += f" + {self.cf_blend_:g}·ALS ({chosen['als'][0]} factors, alpha {chosen['als'][1]:g})"
        half = "-" if self.recency_ is None else f"{float(self.recency_):g}"
        return {"users": users, "cf": cf, "half_life": half, "content": self.content_weight_,
                "ndcg": float(chosen["ndcg"])}  # fmt: skip

    # -- scoring --------------------------------------------------------------------------------

    def _mix(self, cf: np.ndarray, content: np.ndarray | None, weight: float, cold: np.ndarray) -> np.ndarray:
        """``(1 - weight)·cf + weight·content``; items nobody chose get their discounted content score (any weight)."""
        import numpy as np

        if content is None:
            return cf
        scores = (1.0 - weight) * cf + weight * content if weight > 0 else np.array(cf, dtype=np.float64)
        scores[:, cold] = float(self.cold_item_weight) * content[:, cold]
        return scores

    @property
    def _weight(self) -> float:
        return float(self.content_weight_) if self.has_content_ else 0.0

    def _blend(
        self, cf: np.ndarray, als: np.ndarray | None, history: sp.csr_matrix, weighted: Any
    ) -> np.ndarray:
        scores = max_scaled(cf, history)
        if als is not None:
            scores = (1.0 - self.cf_blend_) * scores + self.cf_blend_ * max_scaled(als, history)
        content = max_scaled(self._content_scores(weighted), history) if self.has_content_ else None
        return self._mix(scores, content, self._weight, self.popularity_ == 0)

    def _user_scores(self, rows: np.ndarray) -> np.ndarray:
        history = self.matrix_[rows]
        weighted = self.recent_[rows]
        cf = self.cf_._user_scores(rows) if self.recency_ is None else self.cf_._history_scores(weighted)
        als = None if self.als_ is None else self.als_._user_scores(rows)
        return self._blend(cf, als, history, weighted)

    def _history_scores(self, history: sp.csr_matrix) -> np.ndarray:
        als = None if self.als_ is None else self.als_._history_scores(history)
        return self._blend(self.cf_._history_scores(history), als, history, history)

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
