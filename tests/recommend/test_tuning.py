"""Settings chosen on the inner holdout: 'auto' diversity within the allowed loss, the hybrid's blend from validation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from mirae.recommend import EASERecommender, HybridRecommender, evaluate_recommender, leave_last_out
from mirae.recommend._tuning import DIVERSITY_GRID, MAX_LOSS

USERS = 300


@pytest.fixture(scope="module")
def ratings(movielens: dict[str, Any]) -> pd.DataFrame:
    """The training ratings of the first 300 users (a small real slice)."""
    train = movielens["train"]
    return train[train["user"] <= USERS].reset_index(drop=True)


@pytest.fixture(scope="module")
def hybrids(ratings: pd.DataFrame) -> dict[str, HybridRecommender]:
    """The default hybrid (no item text) on the slice, and on the same slice with each user's times shuffled."""
    rng = np.random.default_rng(0)
    shuffled = ratings.assign(
        timestamp=ratings.groupby("user")["timestamp"].transform(lambda t: rng.permutation(t.to_numpy()))
    )
    return {
        "real": HybridRecommender(time_col="timestamp").fit(ratings),
        "shuffled": HybridRecommender(time_col="timestamp").fit(shuffled),
    }


def test_auto_diversity_stays_within_the_allowed_loss(ratings: pd.DataFrame) -> None:
    model = EASERecommender(l2=200.0, time_col="timestamp", diversity="auto").fit(ratings)
    assert model.diversity_ in DIVERSITY_GRID and model.diversity_ > 0
    # the same inner split built from the public API: each user's latest training rating held out
    inner, held = leave_last_out(ratings, time_col="timestamp")
    refit = EASERecommender(l2=200.0).fit(inner)
    curve = {row["diversity"]: row["ndcg"] for row in model.diversity_curve_}
    for value in (0.0, model.diversity_):
        ndcg = evaluate_recommender(refit, held, k=10, diversity=value)["ndcg"]
        assert ndcg == pytest.approx(curve[value], abs=1e-9), value
    assert curve[model.diversity_] >= (1 - MAX_LOSS) * curve[0.0]
    larger = [v for v in DIVERSITY_GRID if v > model.diversity_]
    if larger:  # the next setting costs more than allowed (that is why the search stopped)
        assert curve[larger[0]] < (1 - MAX_LOSS) * curve[0.0]
    note = dict(model.notes_)["rec_note_diversity_auto"]
    assert note["diversity"] == model.diversity_
    # the chosen setting is the one the model ranks with by default
    pd.testing.assert_frame_equal(
        model.recommend_all([1, 2], 10), model.recommend_all([1, 2], 10, diversity=model.diversity_)
    )
    assert not model.recommend_all([1, 2], 10).equals(model.recommend_all([1, 2], 10, diversity=0.0))


def test_the_blend_is_the_best_on_validation(hybrids: dict[str, HybridRecommender]) -> None:
    for model in hybrids.values():
        scores = pd.DataFrame(model.tuning_["scores"])
        for part, chosen in (("cf_blend", model.cf_blend_), ("content_weight", model.content_weight_)):
            rows = scores[scores["part"] == part]
            if len(rows):
                best = rows.loc[rows["ndcg"].idxmax(), "setting"]
                assert chosen == best, (part, chosen, best)
        cf = scores[scores["part"] == "cf"]
        best = cf.loc[cf["ndcg"].idxmax(), "setting"]
        assert (model.tuning_["l2"], model.recency_) == (best["l2"], best["recency"])
        assert (model.als_ is None) == (model.cf_blend_ == 0)


def test_recency_is_chosen_by_what_the_held_out_ratings_say(hybrids: dict[str, HybridRecommender]) -> None:
    real, shuffled = hybrids["real"], hybrids["shuffled"]
    # in the real order the latest ratings predict the next one: a short half-life wins validation
    assert real.recency_ is not None and real.recency_ <= 10
    # with each user's times shuffled the order carries nothing: no short half-life wins
    assert shuffled.recency_ is None or shuffled.recency_ > 10


def test_a_cold_item_is_scored_by_its_text_even_when_validation_gives_content_no_weight(
    ratings: pd.DataFrame, movielens: dict[str, Any]
) -> None:
    star_wars, empire, jedi = 50, 172, 181
    films = movielens["items"]
    model = HybridRecommender(
        items=films,
        text_cols=movielens["text"],
        content_weight=0.0,
        cf_blend=0.0,
        recency=None,
        diversity=0.0,
    ).fit(ratings[ratings["item"] != jedi])
    assert model.popularity_[model.item_index_[jedi]] == 0
    assert jedi in set(model.recommend("fan", 20, history=[star_wars, empire])["item"])
