"""Interactions as a user × item matrix: validation, duplicates, weights and what was done about them.

Every recommender reads its interactions through :func:`interaction_matrix`,
so the rules are the same for all of them: the user and item columns must
exist and have no missing values; duplicate (user, item) pairs are
aggregated and counted; ratings must be numbers inside ``rating_range``
when one is given; the weight of a pair is 1 (``weighting="binary"``), the
number of times it occurs (``"count"``) or its rating (``"rating"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.errors import RecommendError

if TYPE_CHECKING:
    import pandas as pd
    import scipy.sparse as sp

__all__ = ["WEIGHTINGS", "Interactions", "interaction_matrix", "title_key"]

#: How an interaction becomes a weight in the matrix.
WEIGHTINGS = ("binary", "count", "rating")


@dataclass
class Interactions:
    """The user × item matrix of a table of interactions.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        One row per user, one column per item (float32 weights, no explicit zeros).
    users, items : list
        The ids of the rows and columns, in order.
    notes : list of (str, dict)
        Catalogue message keys and their parameters: duplicates aggregated,
        users and items with one interaction.
    later : scipy.sparse.csr_matrix, optional
        The same pattern as ``matrix``; each value is 1 + how many of the
        user's other items came after this one (by ``time_col``, else by
        row order; a duplicate pair counts at its last occurrence): 1 marks
        the user's latest item.
    """

    matrix: sp.csr_matrix
    users: list[Any]
    items: list[Any]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    later: sp.csr_matrix | None = None


def _check_columns(frame: Any, columns: dict[str, str | None]) -> None:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        msg = (
            f"interactions must be a pandas DataFrame with one row per (user, item) interaction; got "
            f"{type(frame).__name__}. Build one with pd.DataFrame({{'user': ..., 'item': ...}})."
        )
        raise RecommendError(msg)
    missing = {role: col for role, col in columns.items() if col is not None and col not in frame.columns}
    if missing:
        named = ", ".join(f"{role} column {col!r}" for role, col in missing.items())
        msg = f"the interactions have no {named}; columns: {', '.join(map(str, frame.columns))}. Name the right columns (user_col=, item_col=, rating_col=, time_col=)."
        raise RecommendError(msg)
    if len(frame) == 0:
        msg = "the interactions table is empty; give at least one (user, item) row."
        raise RecommendError(msg)
    for role in ("user", "item"):
        col = columns[role]
        nulls = int(frame[col].isna().sum())
        if nulls:
            msg = f"the {role} column {col!r} is missing in {nulls:,} rows; drop or fill those rows first."
            raise RecommendError(msg)


def _ratings(frame: pd.DataFrame, rating_col: str, rating_range: tuple[float, float] | None) -> Any:
    import numpy as np
    import pandas as pd

    values = pd.to_numeric(frame[rating_col], errors="coerce")
    bad = int(values.isna().sum())
    if bad:
        first = frame.loc[values.isna(), rating_col].iloc[0]
        msg = f"the rating column {rating_col!r} must hold numbers; {bad:,} rows do not (first: {first!r}). Clean or drop them."
        raise RecommendError(msg)
    if rating_range is not None:
        low, high = float(rating_range[0]), float(rating_range[1])
        outside = (values < low) | (values > high)
        if outside.any():
            first = values[outside].iloc[0]
            msg = (
                f"ratings must lie in {low:g}..{high:g}; {int(outside.sum()):,} rows do not (first: {first:g}). "
                "Fix those rows or give the right rating_range."
            )
            raise RecommendError(msg)
    if (values < 0).any():
        msg = f"ratings used as weights must not be negative; {int((values < 0).sum()):,} are. Shift them (e.g. rating - min) or use weighting='binary'."
        raise RecommendError(msg)
    return np.asarray(values, dtype=np.float64)


def interaction_matrix(
    frame: pd.DataFrame,
    *,
    user_col: str,
    item_col: str,
    rating_col: str | None = None,
    time_col: str | None = None,
    weighting: str = "binary",
    rating_range: tuple[float, float] | None = None,
) -> Interactions:
    """Validate a table of interactions and turn it into a user × item matrix.

    Duplicate (user, item) rows are aggregated (their count for ``count``;
    the latest rating, by ``time_col`` when given, for ``rating``) and
    reported in ``notes``.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"user": [1, 1, 2, 2], "item": ["a", "b", "a", "a"]})
    >>> data = interaction_matrix(rows, user_col="user", item_col="item")
    >>> data.matrix.toarray().tolist(), data.items, data.notes[0][0]
    ([[1.0, 1.0], [1.0, 0.0]], ['a', 'b'], 'rec_note_duplicates')
    """
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    from mirae.core._choices import check_choice

    check_choice(weighting, WEIGHTINGS, what="weighting")
    if weighting == "rating" and rating_col is None:
        msg = "weighting='rating' needs the rating column: give rating_col= (--rating), or use weighting='binary'."
        raise RecommendError(msg)
    _check_columns(frame, {"user": user_col, "item": item_col, "rating": rating_col, "time": time_col})
    users = pd.Index(frame[user_col]).unique()
    items = pd.Index(frame[item_col]).unique()
    users = users.sort_values() if _sortable(users) else users
    items = items.sort_values() if _sortable(items) else items
    rows = users.get_indexer(frame[user_col])
    cols = items.get_indexer(frame[item_col])
    pairs = pd.DataFrame({"row": rows, "col": cols})
    if rating_col is not None:
        pairs["rating"] = _ratings(frame, rating_col, rating_range)
    if time_col is not None:
        pairs["time"] = frame[time_col].to_numpy()
    # the order of the interactions: by time (ties by row order), else by row order
    order = frame[time_col].rank(method="first") if time_col is not None else pd.Series(range(len(frame)))
    pairs["order"] = np.asarray(order, dtype=np.float64)
    notes: list[tuple[str, dict[str, Any]]] = []
    grouped = pairs.groupby(["row", "col"], sort=False)
    counts = grouped.size()
    duplicates = int((counts > 1).sum())
    if duplicates:
        extra = int(counts.sum() - len(counts))
        how = {"binary": "rec_dup_binary", "count": "rec_dup_count", "rating": "rec_dup_rating"}[weighting]
        notes.append(("rec_note_duplicates", {"pairs": duplicates, "rows": extra, "how": (how, {})}))
    if weighting == "rating":
        ordered = pairs.sort_values("time", kind="stable") if time_col is not None else pairs
        weights = ordered.groupby(["row", "col"], sort=False)["rating"].last()
        weights = weights.reindex(counts.index)
    elif weighting == "count":
        weights = counts.astype(float)
    else:
        weights = pd.Series(1.0, index=counts.index)
    index = counts.index
    row_idx = index.get_level_values(0).to_numpy()
    col_idx = index.get_level_values(1).to_numpy()
    matrix = sp.csr_matrix(
        (np.asarray(weights, dtype=np.float32), (row_idx, col_idx)), shape=(len(users), len(items))
    )
    matrix.eliminate_zeros()
    matrix.sort_indices()
    per_user = np.diff(matrix.indptr)
    per_item = np.bincount(matrix.indices, minlength=len(items))
    one_user, one_item = int((per_user <= 1).sum()), int((per_item <= 1).sum())
    if one_user or one_item:
        notes.append(("rec_note_single", {"users": one_user, "items": one_item}))
    latest = grouped["order"].max().reindex(counts.index).to_numpy()
    later = _later_counts(matrix, row_idx, col_idx, latest)
    return Interactions(matrix=matrix, users=_plain(users), items=_plain(items), notes=notes, later=later)


def _later_counts(matrix: sp.csr_matrix, rows: Any, cols: Any, latest: Any) -> sp.csr_matrix:
    """1 + the number of the row's items whose last occurrence is later, on ``matrix``'s pattern."""
    import numpy as np
    import scipy.sparse as sp

    order = np.lexsort((-latest, rows))  # by row, latest first
    first = np.searchsorted(rows[order], rows[order], side="left")
    position = np.empty(len(rows), dtype=np.float64)
    position[order] = np.arange(len(rows)) - first + 1.0
    later = sp.csr_matrix((position, (rows, cols)), shape=matrix.shape)
    later = sp.csr_matrix(later.multiply(matrix != 0), dtype=np.float64)
    later.sort_indices()
    return later


def _sortable(index: pd.Index) -> bool:
    try:
        index.sort_values()
    except TypeError:
        return False
    return True


def _plain(index: pd.Index) -> list[Any]:
    """Python values (ints, strings) a model file stores as data."""
    return [v.item() if hasattr(v, "item") else v for v in index.tolist()]


_TITLE = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})\)\s*$")
_ARTICLE = re.compile(r"^(?P<rest>.*), (?P<article>The|A|An|Il|La|Le|Les|L'|Das|Der|Die|El|Los|Las)$")


def title_key(title: str, year: Any = None) -> tuple[str, int | None]:
    """A key to join two film catalogues by title and year: lower case, trailing article moved to the front.

    ``"Usual Suspects, The (1995)"`` and ``("The Usual Suspects", 1995)`` get the same key.

    Examples
    --------
    >>> title_key("Usual Suspects, The (1995)") == title_key("The Usual Suspects", 1995)
    True
    """
    text = str(title or "").strip()
    found = _TITLE.match(text)
    if found and year is None:
        text, year = found.group("title"), found.group("year")
    text = re.sub(r"\s*\([^)]*\)$", "", text)  # an alternative title in brackets
    moved = _ARTICLE.match(text)
    if moved:
        text = f"{moved.group('article')} {moved.group('rest')}"
    try:
        number = None if year is None or year != year else int(year)
    except (TypeError, ValueError):
        number = None
    return " ".join(text.lower().split()), number
