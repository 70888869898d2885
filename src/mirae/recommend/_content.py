"""Content-based recommendation from item text: TF-IDF, then LSA (truncated SVD), cosine to the user's items.

The text of an item is its text columns joined (title, synopsis, genres,
cast, director, ...). ``analyzer='auto'`` reads Korean text as character
2-3-grams within words (Korean words carry particles, so whole words
rarely repeat) and other text as words; ``'word'`` and ``'char'`` force one.
Items only in the items table (never interacted with) join the catalogue:
they are the cold-start items content alone can recommend.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mirae.errors import RecommendError
from mirae.recommend._base import InteractionRecommender

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

__all__ = ["ANALYZERS", "ContentRecommender", "item_texts"]

#: How item text is split into terms.
ANALYZERS = ("auto", "word", "char")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LETTER = re.compile(r"\w")
#: Share of Hangul among the letters above which ``analyzer='auto'`` uses character n-grams.
HANGUL_SHARE = 0.1
_CATEGORY_SPLIT = re.compile(r"\s*[|,;/]\s*")


def item_texts(items: pd.DataFrame, key: str, text_cols: tuple[str, ...]) -> dict[Any, str]:
    """Each item's text columns joined with spaces (missing values left out), by item id."""
    import pandas as pd

    missing = [c for c in (key, *text_cols) if c not in items.columns]
    if missing:
        msg = f"the items table has no column(s) {missing}; columns: {', '.join(map(str, items.columns))}."
        raise RecommendError(msg)
    joined = items[list(text_cols)].astype("string").fillna("").agg(" ".join, axis=1).str.strip()
    frame = pd.DataFrame({"key": items[key].to_numpy(), "text": joined.to_numpy()})
    frame = frame[frame["key"].notna()].drop_duplicates("key", keep="first")
    return {
        (k.item() if hasattr(k, "item") else k): str(t)
        for k, t in zip(frame["key"], frame["text"], strict=True)
    }


def _vectorizer(analyzer: str, texts: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if analyzer == "auto":
        sample = " ".join(texts[:2000])
        letters = len(_LETTER.findall(sample)) or 1
        analyzer = "char" if len(_HANGUL.findall(sample)) / letters > HANGUL_SHARE else "word"
    if analyzer == "char":
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True, min_df=1)
    return TfidfVectorizer(sublinear_tf=True, min_df=1, token_pattern=r"(?u)\b\w+\b")  # noqa: S106 - a regex, not a password


class _TextMixin:
    """The items-table settings and what content models learn from the text."""

    items: pd.DataFrame | None
    item_key: str | None
    text_cols: tuple[str, ...] | None
    name_col: str | None
    category_col: str | None
    analyzer: str
    n_components: int
    random_state: int
    item_col: str
    notes_: list[tuple[str, dict[str, Any]]]
    items_: list[Any]

    def _text_columns(self) -> tuple[str, tuple[str, ...]]:
        import pandas as pd

        if not isinstance(self.items, pd.DataFrame):
            msg = (
                f"{type(self).__name__} needs an items table: items=DataFrame with the item column and text "
                "columns (title, synopsis, genres, ...)."
            )
            raise RecommendError(msg)
        key = self.item_key or self.item_col
        if key not in self.items.columns:
            msg = f"the items table has no item column {key!r}; columns: {', '.join(map(str, self.items.columns))}. Give item_key=."
            raise RecommendError(msg)
        cols = tuple(self.text_cols or ())
        if not cols:
            cols = tuple(
                str(c) for c in self.items.columns
                if c != key and (self.items[c].dtype == object or isinstance(self.items[c].dtype, pd.StringDtype))
            )  # fmt: skip
        if not cols:
            msg = "the items table has no text columns; name them with text_cols= (e.g. ('title', 'genres'))."
            raise RecommendError(msg)
        return key, cols

    def _text_extra_items(self, known: list[Any]) -> list[Any]:
        key, cols = self._text_columns()
        assert self.items is not None
        texts = item_texts(self.items, key, cols)
        seen = set(known)
        extra = [i for i in texts if i not in seen]
        try:
            extra.sort()
        except TypeError:
            pass
        return extra

    def _fit_text(self) -> None:
        import numpy as np
        from sklearn.decomposition import TruncatedSVD
        from sklearn.preprocessing import normalize

        from mirae.core._choices import check_choice

        check_choice(self.analyzer, ANALYZERS, what="analyzer")
        key, cols = self._text_columns()
        assert self.items is not None
        texts = item_texts(self.items, key, cols)
        in_table = np.array([i in texts for i in self.items_])
        corpus = [texts.get(i, "") for i in self.items_]
        empty = np.array([not t.strip() for t in corpus])
        if empty.all():
            msg = f"every item's text is empty in the columns {list(cols)}; give text columns that have text (text_cols=)."
            raise RecommendError(msg)
        if (~in_table).any():
            self.notes_.append(("rec_note_no_text", {"items": int((~in_table).sum())}))
        if (empty & in_table).any():
            self.notes_.append(("rec_note_empty_text", {"items": int((empty & in_table).sum())}))
        vectorizer = _vectorizer(self.analyzer, [t for t in corpus if t])
        tfidf = vectorizer.fit_transform(corpus)
        size = min(int(self.n_components), tfidf.shape[1] - 1, tfidf.shape[0] - 1)
        if size >= 2:
            svd = TruncatedSVD(n_components=size, random_state=self.random_state, algorithm="randomized")
            embedded = svd.fit_transform(tfidf)
        else:  # a tiny vocabulary: the TF-IDF vectors themselves
            embedded = np.asarray(tfidf.toarray())
        embedded = normalize(embedded)
        embedded[empty] = 0.0
        self.item_embeddings_ = np.asarray(embedded, dtype=np.float32)
        self.text_analyzer_ = str(vectorizer.analyzer)
        names = self.name_col and self.name_col in self.items.columns
        frame = self.items.drop_duplicates(key)
        self.item_names_ = (
            {_plain(k): str(v) for k, v in zip(frame[key], frame[self.name_col], strict=True) if v == v}
            if names
            else {}
        )
        self.item_categories_ = {}
        if self.category_col:
            if self.category_col not in self.items.columns:
                msg = f"the items table has no category column {self.category_col!r}; columns: {', '.join(map(str, self.items.columns))}."
                raise RecommendError(msg)
            self.item_categories_ = {
                _plain(k): [c for c in _CATEGORY_SPLIT.split(str(v)) if c]
                for k, v in zip(frame[key], frame[self.category_col], strict=True)
                if v == v and v is not None
            }

    def _content_similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        import numpy as np

        E = self.item_embeddings_
        return np.clip(np.asarray(E[a] @ E[b].T, dtype=np.float64), 0.0, 1.0)

    def _content_scores(self, history: sp.csr_matrix) -> np.ndarray:
        """Cosine of each item to the weighted mean of the history's item vectors."""
        import numpy as np

        E = self.item_embeddings_.astype(np.float64)
        profile = np.asarray(history @ E)
        norms = np.linalg.norm(profile, axis=1, keepdims=True)
        profile = profile / np.where(norms > 0, norms, 1.0)
        return np.asarray(profile @ E.T)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


class ContentRecommender(_TextMixin, InteractionRecommender):
    """Recommend items whose text is like the text of the items the user chose (TF-IDF + LSA).

    Parameters
    ----------
    items : DataFrame
        One row per item: the item column (``item_key``) and text columns.
    item_key : str, optional
        The items table's item column (default: ``item_col``).
    text_cols : tuple of str, optional
        Text columns to join (default: every text column but the key).
    name_col : str, optional
        Column whose value names an item in reasons (e.g. the title).
    category_col : str, optional
        Categories for the business filters (several separated by ``|``, ``,``, ``;`` or ``/``).
    analyzer : {'auto', 'word', 'char'}
        How text is split into terms (see the module text).
    n_components : int
        LSA dimensions.
    random_state : int
        Seed of the truncated SVD.
    user_col, item_col, rating_col, time_col, weighting, rating_range, diversity
        As for :class:`~mirae.recommend.PopularityRecommender`.

    Examples
    --------
    >>> import pandas as pd
    >>> films = pd.DataFrame({"item": ["a", "b", "c"],
    ...                       "genres": ["space war robots", "space robots", "romance paris"]})
    >>> rows = pd.DataFrame({"user": [1, 2], "item": ["a", "c"]})
    >>> ContentRecommender(items=films).fit(rows).recommend(1, k=1)["item"].tolist()
    ['b']
    """

    def __init__(
        self,
        *,
        items: pd.DataFrame | None = None,
        item_key: str | None = None,
        text_cols: tuple[str, ...] | None = None,
        name_col: str | None = None,
        category_col: str | None = None,
        analyzer: str = "auto",
        n_components: int = 100,
        random_state: int = 0,
        user_col: str = "user",
        item_col: str = "item",
        rating_col: str | None = None,
        time_col: str | None = None,
        weighting: str = "binary",
        rating_range: tuple[float, float] | None = None,
        diversity: float | str = 0.0,
    ) -> None:
        self.items = items
        self.item_key = item_key
        self.text_cols = text_cols
        self.name_col = name_col
        self.category_col = category_col
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
        return self._text_extra_items(items)

    def _fit_model(self) -> None:
        self._fit_text()

    def _history_scores(self, history: sp.csr_matrix) -> np.ndarray:
        return self._content_scores(history)

    def _similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return self._content_similarity(a, b)

    def _reasons(
        self, items: np.ndarray, history: np.ndarray, weights: np.ndarray
    ) -> list[tuple[str, int | None]]:
        reasons = InteractionRecommender._reasons(self, items, history, weights)
        return [("rec_reason_similar_text", b) if b is not None else (k, b) for k, b in reasons]

    def _similar_key(self, index: int) -> str:
        return "rec_reason_similar_text"
