"""The recommenders on MovieLens 100k: held-out accuracy, seen items, cold start, filters, re-ranking."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from mirae.recommend import (
    ALSRecommender,
    ContentRecommender,
    EASERecommender,
    HybridRecommender,
    ItemKNNRecommender,
    PopularityRecommender,
    RecommendError,
    evaluate_recommender,
)

STAR_WARS, EMPIRE, JEDI = 50, 172, 181


@pytest.fixture(scope="module")
def fitted(movielens: dict[str, Any]) -> dict[str, Any]:
    train, items, text = movielens["train"], movielens["items"], movielens["text"]
    return {
        "popularity": PopularityRecommender().fit(train),
        "itemknn": ItemKNNRecommender().fit(train),
        "ease": EASERecommender(l2=200.0).fit(train),
        "als": ALSRecommender(factors=32, iterations=10, alpha=10.0, regularization=0.1).fit(train),
        "content": ContentRecommender(items=items, text_cols=text[1:], name_col="title").fit(train),
        "hybrid": HybridRecommender(items=items, text_cols=text, name_col="title", category_col="genres").fit(
            train
        ),
    }


@pytest.fixture(scope="module")
def scores(fitted: dict[str, Any], movielens: dict[str, Any]) -> dict[str, dict[str, float]]:
    return {name: evaluate_recommender(model, movielens["test"], k=10) for name, model in fitted.items()}


def test_collaborative_models_beat_popularity_on_held_out_ratings(
    scores: dict[str, dict[str, float]],
) -> None:
    base = scores["popularity"]["ndcg"]
    for name in ("itemknn", "ease", "als", "hybrid"):
        assert scores[name]["ndcg"] > 1.2 * base, (name, scores[name]["ndcg"], base)
        assert scores[name]["coverage"] > 3 * scores["popularity"]["coverage"], name
    assert scores["hybrid"]["ndcg"] >= 0.97 * scores["ease"]["ndcg"]
    assert 0 < scores["content"]["hit_rate"] < scores["ease"]["hit_rate"]


def test_no_model_recommends_what_the_user_already_rated(
    fitted: dict[str, Any], movielens: dict[str, Any]
) -> None:
    train = movielens["train"]
    users = train["user"].drop_duplicates().head(40).tolist()
    seen = set(zip(train["user"], train["item"], strict=True))
    for name, model in fitted.items():
        recs = model.recommend_all(users, 10)
        assert len(recs) == 400, name
        assert not any((u, i) in seen for u, i in zip(recs["user"], recs["item"], strict=True)), name
        assert all(ranks == list(range(1, 11)) for ranks in recs.groupby("user")["rank"].apply(list))


def test_batch_equals_one_user_at_a_time(fitted: dict[str, Any]) -> None:
    model = fitted["hybrid"]
    batch = model.recommend_all([1, 2, 3], 5, diversity=0.3)
    for user in (1, 2, 3):
        one = model.recommend(user, 5, diversity=0.3)
        pd.testing.assert_frame_equal(
            batch[batch["user"] == user].drop(columns="user").reset_index(drop=True), one
        )


def test_unknown_user_gets_popular_items_and_a_new_users_first_items_steer_the_list(
    fitted: dict[str, Any],
) -> None:
    popular = fitted["popularity"].recommend("someone new", 50)["item"].tolist()
    for model in fitted.values():
        cold = model.recommend("someone new", 5, diversity=0.0)
        assert cold["item"].tolist() == popular[:5]
        assert cold["reason"].str.startswith("popular").all()
        varied = model.recommend("someone new", 5)  # the model's own re-ranking: still popular items
        assert set(varied["item"]) <= set(popular) and varied["reason"].str.startswith("popular").all()
    fan = fitted["ease"].recommend("new fan", 5, history=[STAR_WARS, "not an item"])
    assert {EMPIRE, JEDI} <= set(fan["item"])
    assert STAR_WARS not in set(fan["item"])
    assert fan["reason"].iloc[0] == "because you watched '50'"
    named = fitted["hybrid"].recommend("new fan", 3, history=[STAR_WARS], lang="ko")
    assert named["reason"].str.contains("Star Wars").all()


def test_k_larger_than_the_catalogue_returns_every_unseen_item(
    fitted: dict[str, Any], movielens: dict[str, Any]
) -> None:
    model = fitted["ease"]
    seen = int((movielens["train"]["user"] == 1).sum())
    recs = model.recommend(1, k=10_000)
    assert len(recs) == len(model.items_) - seen
    with pytest.raises(RecommendError, match="at least 1"):
        model.recommend(1, k=0)


def test_similar_items_of_star_wars_are_its_sequels(fitted: dict[str, Any]) -> None:
    for name in ("itemknn", "ease", "als", "content", "hybrid"):
        similar = fitted[name].similar_items(STAR_WARS, 10)
        assert {EMPIRE, JEDI} & set(similar["item"]), name
        assert STAR_WARS not in set(similar["item"])
        assert similar["score"].is_monotonic_decreasing
    unknown = fitted["hybrid"].similar_items("no such film", 3)
    assert len(unknown) == 3 and unknown["reason"].str.startswith("unknown item").all()


def test_a_film_nobody_rated_yet_is_recommended_by_its_text(movielens: dict[str, Any]) -> None:
    train = movielens["train"][movielens["train"]["item"] != JEDI]
    items, text = movielens["items"], movielens["text"]
    hybrid = HybridRecommender(items=items, text_cols=text, name_col="title").fit(train)
    assert dict(hybrid.notes_)["rec_note_text_only"]["items"] >= 1
    assert hybrid.popularity_[hybrid.item_index_[JEDI]] == 0
    fans = hybrid.recommend("fan", 20, history=[STAR_WARS, EMPIRE])
    assert JEDI in set(fans["item"])
    reason = fans.loc[fans["item"] == JEDI, "reason"].iloc[0]
    assert reason.startswith("similar description to 'Star Wars") or reason.startswith(
        "similar description to 'Empire"
    )
    cf_only = EASERecommender(l2=200.0).fit(train)
    assert JEDI not in cf_only.item_index_


def test_business_filters(fitted: dict[str, Any], movielens: dict[str, Any]) -> None:
    model = fitted["hybrid"]
    genres = dict(zip(movielens["items"]["item"], movielens["items"]["genres"], strict=True))
    comedies = model.recommend(1, 10, only_categories=["Comedy"])
    assert len(comedies) == 10 and all("Comedy" in genres[i] for i in comedies["item"])
    no_drama = model.recommend(1, 10, exclude_categories=["Drama"])
    assert not any("Drama" in genres[i] for i in no_drama["item"])
    first = model.recommend(1, 3)["item"].tolist()
    assert not set(first) & set(model.recommend(1, 10, exclude=first)["item"])
    assert set(model.recommend(1, 10, only=[1, 2, 3, 4])["item"]) <= {1, 2, 3, 4}
    with pytest.raises(RecommendError, match="category_col"):
        fitted["ease"].recommend(1, 5, only_categories=["Comedy"])


def test_rerank_trades_a_little_accuracy_for_varied_lists(
    fitted: dict[str, Any], movielens: dict[str, Any]
) -> None:
    model, test = fitted["hybrid"], movielens["test"]
    plain = evaluate_recommender(model, test, k=10, diversity=0.0)
    varied = evaluate_recommender(model, test, k=10, diversity=0.5)
    assert varied["ild"] > plain["ild"] + 0.02
    assert varied["coverage"] > plain["coverage"]
    assert varied["ndcg"] > 0.8 * plain["ndcg"]


def test_korean_text_is_read_as_character_ngrams() -> None:
    films = pd.DataFrame(
        {
            "item": [1, 2, 3, 4],
            "synopsis": [
                "우주선을 타고 떠나는 로봇들의 전쟁",
                "우주 전쟁에 나선 로봇",
                "파리에서 만난 연인의 사랑",
                "사랑에 빠진 파리의 연인들",
            ],
        }
    )
    rows = pd.DataFrame({"user": ["a", "b"], "item": [1, 3]})
    model = ContentRecommender(items=films).fit(rows)
    assert model.text_analyzer_ == "char_wb"
    assert model.recommend("a", 1)["item"].tolist() == [2]
    assert model.recommend("b", 1)["item"].tolist() == [4]


def test_empty_text_is_reported_and_all_empty_text_refused(movielens: dict[str, Any]) -> None:
    items = movielens["items"]
    train = movielens["train"].head(5000)
    partly = items.assign(director=items["director"].where(items["item"] > 100))
    model = ContentRecommender(items=partly, text_cols=("director",)).fit(train)
    empty = dict(model.notes_)["rec_note_empty_text"]["items"]
    assert empty >= 100
    with pytest.raises(RecommendError, match="text is empty"):
        ContentRecommender(items=items.assign(director=""), text_cols=("director",)).fit(train)


def test_explanations_name_the_film_that_led_to_each_recommendation(
    fitted: dict[str, Any], movielens: dict[str, Any]
) -> None:
    train = movielens["train"]
    titles = dict(zip(movielens["items"]["item"], movielens["items"]["title"], strict=True))
    rated = {titles[i] for i in train.loc[train["user"] == 7, "item"]}
    recs = fitted["hybrid"].recommend(7, 10)
    because = recs["reason"].str.extract(r"because you watched '(.*)'$")[0].dropna()
    assert len(because) >= 5 and set(because) <= rated
    ko = fitted["hybrid"].recommend(7, 3, lang="ko")
    assert ko["reason"].str.contains("보셨기 때문에|설명이 비슷함").all()
    by_score = fitted["hybrid"].recommend(7, 10, diversity=0.0)  # without re-ranking: best score first
    assert np.all(np.diff(by_score["score"].to_numpy()) <= 1e-12)
