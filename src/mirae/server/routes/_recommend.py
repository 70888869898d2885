"""Serving a registered recommender: recommendations per user row, similar items per item row.

The rows are answered by the fitted recommender's own ``recommend(user, k)``
(a user unknown at training gets the cold-start answer, the most popular
items, with a reason saying so) and ``similar_items(item, k)``, as ``mirae
recommend`` and ``mirae similar`` are.
"""

from __future__ import annotations

from typing import Any

from mirae.server._errors import ApiError

__all__ = ["DEFAULT_K", "MAX_K", "is_recommender", "recommend_rows", "similar_rows"]

#: Items per row when a row gives no ``k`` (as ``mirae recommend``), and the most a row may ask for.
DEFAULT_K = 10
MAX_K = 1000


def is_recommender(info: Any) -> bool:
    """Whether a registered version is a recommender (registered by ``mirae recommend``)."""
    return bool(info.tags.get("mirae.task") == "recommendation")


def _k(ref: str, row: dict[str, Any], index: int) -> int:
    k = row.get("k", DEFAULT_K)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ApiError(
            422,
            "wrong_type",
            f"'k' must be a whole number from 1 to {MAX_K}; got {k!r} in row {index}.",
            f"Leave 'k' out for {DEFAULT_K} items, or send e.g. 5.",
        )
    return int(k)


def _answers(frame: Any) -> list[dict[str, Any]]:
    from mirae.server.routes.models import plain

    columns = ("item", "rank", "score", "reason")
    return [{c: plain(r[c]) for c in columns} for r in frame.to_dict("records")]


def recommend_rows(model: Any, info: Any, rows: list[dict[str, Any]], lang: str = "en") -> list[Any]:
    """For each row ``{USER_COLUMN: user, "k": 10}`` the user's recommendations (item, rank, score, reason).

    ``USER_COLUMN`` is the user column's name at training (``mirae.user``);
    a user the model has not seen gets the cold-start recommendations.
    """
    column = info.tags.get("mirae.user") or getattr(model, "user_col", "user")
    answers = []
    for index, row in enumerate(rows):
        if column not in row or row[column] is None:
            raise ApiError(
                422,
                "missing_columns",
                f"recommender {info.ref} needs the user column {column!r} in every row; row {index} has "
                f"{sorted(row)}.",
                f'Send rows like {{"{column}": "u1", "k": 10}} (k is optional).',
            )
        user, k = row[column], _k(info.ref, row, index)
        answers.append(_answers(model.recommend(user, k, lang=lang)))
    return answers


def similar_rows(model: Any, info: Any, rows: list[dict[str, Any]], lang: str = "en") -> list[Any]:
    """For each row ``{"item": item, "k": 10}`` the items most like it (item, rank, score, reason).

    An item given as text is matched to the model's items as ``mirae similar``
    matches it (``"50"`` is item 50 when the items are numbers); an unknown
    item gets the most popular items, with a reason saying so.
    """
    from mirae.service._recommend import _as_item

    answers = []
    for index, row in enumerate(rows):
        if row.get("item") is None:
            raise ApiError(
                422,
                "missing_columns",
                f"row {index} has no 'item'; it has {sorted(row)}.",
                'Send rows like {"item": "i1", "k": 10} (k is optional).',
            )
        item = _as_item(row["item"], model) if isinstance(row["item"], str) else row["item"]
        answers.append(_answers(model.similar_items(item, _k(info.ref, row, index), lang=lang)))
    return answers
