"""Recommendation through the service layer: MovieLens ratings and Wikidata film text, tables, lineage, MLflow."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mirae import Workspace
from mirae.errors import ConfigError
from mirae.recommend import RecommendError
from mirae.service import Context, SimilarSpec, recommend_table, similar


def _load_movielens(root: Path) -> Any:
    spec = importlib.util.spec_from_file_location(
        "_movielens_loader", Path(__file__).parent / "recommend" / "movielens_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_module().load_movielens(root)


TEXT = "films:title,genres,keywords,director,writer,cast"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, shared_data: Path, mlflow_db_template: Path) -> Workspace:
    import shutil

    workspace = Workspace(tmp_path_factory.mktemp("recommend") / "ws")
    shutil.copy(mlflow_db_template, workspace.path / "mlflow.db")
    ratings, films = _load_movielens(shared_data)
    ratings = ratings[ratings["user"] <= 300]  # 300 users, about 30,000 ratings
    workspace.write("ratings", ratings.rename(columns={"user": "viewer", "item": "movie"}))
    workspace.write("films", films.rename(columns={"item": "movie"}))
    return workspace


@pytest.fixture(scope="module")
def hybrid_run(ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Any:
    html = tmp_path_factory.mktemp("report") / "recs.html"
    return recommend_table(
        ws, "ratings", user="viewer", item="movie", time="timestamp", rating="rating", rating_range="1..5",
        text=TEXT, name="title", category="genres", into="recs", k=10, html=str(html), lang="en",
    )  # fmt: skip


def test_every_user_gets_k_unseen_items_with_reasons_lineage_and_a_registered_model(
    ws: Workspace, hybrid_run: Any
) -> None:
    run = hybrid_run
    out = ws.to_pandas("recs")
    assert list(out.columns) == ["viewer", "movie", "rank", "score", "reason"]
    ratings = ws.to_pandas("ratings")
    assert run.users == ratings["viewer"].nunique() == out["viewer"].nunique() == 300
    assert len(out) == run.rows == 300 * 10
    assert (out.groupby("viewer")["rank"].apply(list) == pd.Series([list(range(1, 11))] * 300).values).all()
    seen = set(zip(ratings["viewer"], ratings["movie"], strict=True))
    assert not any(pair in seen for pair in zip(out["viewer"], out["movie"], strict=True))
    assert (
        out["reason"].str.len().min() > 0 and out["reason"].str.contains("because you watched").mean() > 0.5
    )
    # the held-out check: accuracy at k and diversity, and the curve over the re-ranking setting
    assert 0 < run.metrics["ndcg"] < 1 and run.metrics["users"] == 300
    diversities = [row["diversity"] for row in run.curve]
    assert 0.0 in diversities and 0.3 in diversities
    by = {row["diversity"]: row for row in run.curve}
    assert by[0.9]["ild"] > by[0.0]["ild"]
    # lineage names both inputs; the run and the registered recommender
    snapshot = ws.history("recs")[-1]
    inputs = {entry["table"] for entry in snapshot.lineage.inputs}
    assert inputs == {"ratings", "films"} and snapshot.lineage.run_id == run.run_id
    tracker = Context(ws).tracker()
    logged = tracker.client.get_run(run.run_id)
    assert logged.data.tags["mirae.task"] == "recommendation" and logged.data.params["method"] == "hybrid"
    assert "ndcg_at_10" in logged.data.metrics and "coverage" in logged.data.metrics
    model, info = tracker.registry.load(run.model_ref)
    assert info.tags["mirae.task"] == "recommendation"
    again = model.recommend_all([1, 2], 10, lang="en")
    first = out[out["viewer"].isin([1, 2])].reset_index(drop=True)
    np.testing.assert_array_equal(again["item"].to_numpy(), first["movie"].to_numpy())
    page = Path(run.html).read_text(encoding="utf-8")
    assert 'lang="en"' in page and "Accuracy–diversity trade-off" in page and "Popularity bias" in page


def test_similar_answers_from_the_registered_model_and_an_unknown_item_gets_popular_ones(
    ws: Workspace, hybrid_run: Any
) -> None:
    ctx = Context(ws)
    found = similar(ctx, SimilarSpec(model=hybrid_run.model_ref, item="50", k=10, lang="en"))
    assert found.known and found.item == 50
    assert {172, 181} & {row["item"] for row in found.rows}
    unknown = similar(ctx, SimilarSpec(model="recs", item="no such film", k=3))
    assert not unknown.known and len(unknown.rows) == 3


def test_business_filters_and_duplicates_are_reported(ws: Workspace) -> None:
    ratings = ws.to_pandas("ratings")
    doubled = pd.concat([ratings, ratings.head(50)], ignore_index=True)
    ws.write("doubled", doubled)
    run = recommend_table(
        ws, "doubled", user="viewer", item="movie", text=TEXT, category="genres", only_categories="Comedy",
        into="comedies", k=5, method="hybrid", track=False, evaluate=False, lang="en",
    )  # fmt: skip
    films = ws.to_pandas("films").set_index("movie")["genres"]
    out = ws.to_pandas("comedies")
    assert out["movie"].map(films).str.contains("Comedy").all()
    assert any("50 (user, item) pairs occurred more than once" in note for note in run.notes)


def test_bad_input_is_refused_in_one_line(ws: Workspace) -> None:
    with pytest.raises(RecommendError, match="no item column 'film'"):
        recommend_table(ws, "ratings", user="viewer", item="film", into="x1", track=False)
    with pytest.raises(RecommendError, match=r"ratings must lie in 1..4"):
        recommend_table(
            ws,
            "ratings",
            user="viewer",
            item="movie",
            rating="rating",
            rating_range="1..4",
            into="x2",
            track=False,
        )
    with pytest.raises(ConfigError, match="needs item text"):
        recommend_table(ws, "ratings", user="viewer", item="movie", method="content", into="x3")
    with pytest.raises(ConfigError, match="ITEMS_TABLE:column"):
        recommend_table(ws, "ratings", user="viewer", item="movie", text="films", into="x4")
    with pytest.raises(RecommendError, match="no item column 'movie'"):
        ws.write("titles", ws.to_pandas("films").rename(columns={"movie": "id"}))
        recommend_table(
            ws, "ratings", user="viewer", item="movie", text="titles:title", into="x5", track=False
        )
