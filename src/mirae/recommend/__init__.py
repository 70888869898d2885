"""Recommendation: popularity, item-kNN, EASE, implicit ALS, content (TF-IDF/LSA) and the hybrid of them.

The estimator layer: plain :class:`~mirae.base.Recommender` objects that fit
on a table of interactions (user, item, optional rating and time) and answer
``recommend(user, k)``, ``recommend_all(users, k)`` and
``similar_items(item, k)`` with a reason for every item; leave-last-out and
time splits, ranking, coverage and diversity metrics, and the
recommendation report. Storage, tracking and the CLI live in
``mirae.service`` (``mirae recommend``, ``mirae similar``).

Examples
--------
>>> import pandas as pd
>>> from mirae.recommend import EASERecommender
>>> rows = pd.DataFrame({"user": [1, 1, 2, 2, 3, 3], "item": ["a", "b", "a", "c", "b", "c"]})
>>> EASERecommender(l2=1.0).fit(rows).recommend(1, k=1)[["item", "rank"]].to_dict("records")
[{'item': 'c', 'rank': 1}]
"""

from mirae.errors import RecommendError
from mirae.recommend._content import ANALYZERS, ContentRecommender
from mirae.recommend._data import WEIGHTINGS, Interactions, interaction_matrix, title_key
from mirae.recommend._evaluate import (
    METRICS,
    diversity_curve,
    evaluate_recommender,
    leave_last_out,
    ranking_metrics,
    time_split,
)
from mirae.recommend._hybrid import HybridRecommender
from mirae.recommend._models import ALSRecommender, EASERecommender, ItemKNNRecommender, PopularityRecommender
from mirae.recommend._rerank import mmr

__all__ = [
    "ANALYZERS",
    "METRICS",
    "WEIGHTINGS",
    "ALSRecommender",
    "ContentRecommender",
    "EASERecommender",
    "HybridRecommender",
    "Interactions",
    "ItemKNNRecommender",
    "PopularityRecommender",
    "RecommendError",
    "diversity_curve",
    "evaluate_recommender",
    "interaction_matrix",
    "leave_last_out",
    "mmr",
    "ranking_metrics",
    "time_split",
    "title_key",
]
