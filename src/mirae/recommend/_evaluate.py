"""Held-out evaluation of recommenders: splits, ranking accuracy, coverage, diversity, novelty, popularity bias.

- :func:`leave_last_out` holds out each user's last interaction(s) by time;
  :func:`time_split` holds out everything after a time cut (users must have
  history before it).
- :func:`ranking_metrics` scores lists against what users did next:
  precision, recall, MAP, NDCG and hit rate at ``k``; catalogue coverage,
  entropy diversity (Shannon entropy of how often each item is recommended,
  in bits), intra-list diversity (1 - mean pairwise likeness within a list),
  novelty (mean ``-log2`` of an item's share of users) and popularity bias
  (mean share of training users who chose the recommended items).
- :func:`evaluate_recommender` does both for a fitted model;
  :func:`diversity_curve` repeats it over the re-ranking setting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mirae.errors import RecommendError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "METRICS",
    "diversity_curve",
    "evaluate_recommender",
    "leave_last_out",
    "ranking_metrics",
    "time_split",
]

#: The measures :func:`ranking_metrics` returns, in report order.
METRICS = (
    "precision", "recall", "map", "ndcg", "hit_rate",
    "coverage", "entropy", "ild", "novelty", "popularity_bias",
)  # fmt: skip


def _need(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        msg = f"the interactions have no column(s) {missing}; columns: {', '.join(map(str, frame.columns))}."
        raise RecommendError(msg)


def leave_last_out(
    frame: pd.DataFrame, *, user_col: str = "user", time_col: str | None = None, n: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split off each user's last ``n`` interactions (by ``time_col``, else by row order).

    Users with ``n`` or fewer interactions stay wholly in the training part.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"user": [1, 1, 1, 2], "item": list("abca"), "t": [3, 1, 2, 1]})
    >>> train, test = leave_last_out(rows, time_col="t")
    >>> test[["user", "item"]].to_dict("records"), len(train)
    ([{'user': 1, 'item': 'a'}], 3)
    """
    _need(frame, [user_col, *([time_col] if time_col else [])])
    ordered = frame.sort_values(time_col, kind="stable") if time_col else frame
    counts = ordered.groupby(user_col, sort=False)[user_col].transform("size")
    position = ordered.groupby(user_col, sort=False).cumcount(ascending=False)
    held = (position < n) & (counts > n)
    return frame.loc[ordered.index[~held.to_numpy()]], frame.loc[ordered.index[held.to_numpy()]]


def time_split(
    frame: pd.DataFrame, *, time_col: str, user_col: str = "user", test_share: float = 0.2
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out the last ``test_share`` of the interactions by time; test users must appear before the cut."""
    _need(frame, [user_col, time_col])
    if not 0.0 < test_share < 1.0:
        msg = f"test_share must lie strictly between 0 and 1; got {test_share!r}."
        raise RecommendError(msg)
    cut = frame[time_col].quantile(1.0 - test_share, interpolation="nearest")
    train = frame[frame[time_col] < cut]
    test = frame[(frame[time_col] >= cut) & frame[user_col].isin(set(train[user_col]))]
    return train, test


def ranking_metrics(
    recommendations: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    k: int,
    model: Any,
    user_col: str = "user",
    item_col: str = "item",
) -> dict[str, float]:
    """Accuracy and beyond-accuracy measures of top-``k`` lists (see the module text).

    ``recommendations`` has ``user``, ``item``, ``rank`` (as :meth:`recommend_all`
    returns them); ``truth`` the held-out interactions (``user_col``,
    ``item_col``); ``model`` the fitted recommender (its catalogue,
    popularity and item likeness).
    """
    import numpy as np

    relevant: dict[Any, set[Any]] = {}
    for user, item in zip(truth[user_col], truth[item_col], strict=True):
        relevant.setdefault(user, set()).add(item)
    recs = recommendations[recommendations["rank"] <= k].sort_values(["user", "rank"], kind="stable")
    lists = {u: g["item"].tolist() for u, g in recs.groupby("user", sort=False)}
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    precision, recall, ap, ndcg, hits, ild = [], [], [], [], [], []
    for user, wanted in relevant.items():
        items = lists.get(user, [])
        gains = np.array([1.0 if i in wanted else 0.0 for i in items])
        found = float(gains.sum())
        precision.append(found / k)
        recall.append(found / len(wanted))
        hits.append(1.0 if found else 0.0)
        if found:
            cumulative = np.cumsum(gains) / np.arange(1, len(gains) + 1)
            ap.append(float((cumulative * gains).sum()) / min(k, len(wanted)))
        else:
            ap.append(0.0)
        ideal = discounts[: min(k, len(wanted))].sum()
        ndcg.append(float((gains * discounts[: len(gains)]).sum() / ideal))
        if len(items) > 1:
            idx = np.array([model.item_index_[i] for i in items])
            sim = model._similarity(idx, idx)
            upper = sim[np.triu_indices(len(idx), 1)]
            ild.append(1.0 - float(upper.mean()))
    n_items = len(model.items_)
    counts = recs["item"].value_counts().to_numpy(dtype=float)
    share = counts / counts.sum() if counts.sum() else counts
    entropy = float(-(share * np.log2(share)).sum()) if len(share) else 0.0
    n_users = max(1, len(model.users_))
    popularity = np.array([model.popularity_[model.item_index_[i]] for i in recs["item"]]) / n_users
    novelty = -np.log2(np.clip(popularity, 1.0 / n_users, 1.0))
    return {
        "precision": float(np.mean(precision)) if precision else 0.0,
        "recall": float(np.mean(recall)) if recall else 0.0,
        "map": float(np.mean(ap)) if ap else 0.0,
        "ndcg": float(np.mean(ndcg)) if ndcg else 0.0,
        "hit_rate": float(np.mean(hits)) if hits else 0.0,
        "coverage": recs["item"].nunique() / n_items if n_items else 0.0,
        "entropy": entropy,
        "ild": float(np.mean(ild)) if ild else 0.0,
        "novelty": float(novelty.mean()) if len(novelty) else 0.0,
        "popularity_bias": float(popularity.mean()) if len(popularity) else 0.0,
        "users": float(len(relevant)),
    }


def evaluate_recommender(
    model: Any,
    test: pd.DataFrame,
    *,
    k: int = 10,
    diversity: float | None = None,
    user_col: str | None = None,
    item_col: str | None = None,
) -> dict[str, float]:
    """:func:`ranking_metrics` of a fitted model's top-``k`` lists for the users of ``test``.

    Examples
    --------
    >>> import pandas as pd
    >>> from mirae.recommend import PopularityRecommender
    >>> rows = pd.DataFrame({"user": [1, 1, 2, 2, 3], "item": list("abacb")})
    >>> train, test = leave_last_out(rows)
    >>> round(evaluate_recommender(PopularityRecommender().fit(train), test, k=2)["hit_rate"], 2)
    0.5
    """
    user_col = user_col or model.user_col
    item_col = item_col or model.item_col
    _need(test, [user_col, item_col])
    users = list(dict.fromkeys(test[user_col].tolist()))
    recs = model.recommend_all(users, k, diversity=diversity)
    return ranking_metrics(recs, test, k=k, model=model, user_col=user_col, item_col=item_col)


def diversity_curve(
    model: Any,
    test: pd.DataFrame,
    *,
    k: int = 10,
    values: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9),
) -> pd.DataFrame:
    """:func:`evaluate_recommender` at each re-ranking setting: one row per ``diversity`` value."""
    import pandas as pd

    rows = [{"diversity": float(v), **evaluate_recommender(model, test, k=k, diversity=v)} for v in values]
    return pd.DataFrame(rows)
