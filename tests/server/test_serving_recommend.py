"""A registered recommender over the prediction API: recommendations per user row, similar items per item row."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mirae.server import ServerSettings, create_app


@pytest.fixture(scope="module")
def recommender(
    tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path
) -> tuple[TestClient, object]:
    """A tiny EASE recommender of orders (customer -> product), registered as ``shop@champion``."""
    import shutil

    import pandas as pd

    from mirae.lake import Workspace
    from mirae.service._recommend import recommend_table

    ws = Workspace(tmp_path_factory.mktemp("recommend") / "ws")
    shutil.copy(mlflow_db_template, ws.path / "mlflow.db")
    orders = pd.DataFrame(
        {
            "customer": ["u1", "u1", "u2", "u2", "u2", "u3", "u3", "u4", "u4", "u5"],
            "product": ["a", "b", "a", "b", "c", "b", "c", "a", "d", "c"],
        }
    )
    ws.write("orders", orders)
    run = recommend_table(
        ws, "orders", user="customer", item="product", into="recs", k=2, method="ease",
        evaluate=False, model_name="shop", alias="champion", lang="en",
    )  # fmt: skip
    return TestClient(create_app(ServerSettings(workspace=ws.path))), run.estimator


def test_user_rows_get_the_recommenders_answer_and_new_users_the_cold_start(
    recommender: tuple[TestClient, object],
) -> None:
    client, model = recommender
    rows = [{"customer": "u1", "k": 2}, {"customer": "u4"}, {"customer": "nobody", "k": 1}]
    response = client.post("/models/shop@champion/predict", json={"rows": rows})
    assert response.status_code == 200, response.text
    first, second, new = response.json()["predictions"]
    expected = model.recommend("u1", 2, lang="en")  # type: ignore[attr-defined]
    assert [r["item"] for r in first] == expected["item"].tolist() and [r["rank"] for r in first] == [1, 2]
    assert {"a", "b"}.isdisjoint(r["item"] for r in first)  # never an item the user already has
    assert all(set(r) == {"item", "rank", "score", "reason"} and r["reason"] for r in first + second)
    assert len(second) == 2 and len(new) == 1  # the catalogue has 2 items u4 has not had
    cold = model.recommend("nobody", 1, lang="en")  # type: ignore[attr-defined]
    assert new[0]["item"] == cold["item"].iloc[0] and new[0]["reason"] == cold["reason"].iloc[0]


def test_similar_items_and_the_422s(recommender: tuple[TestClient, object]) -> None:
    client, model = recommender
    response = client.post("/models/shop@champion/similar", json={"rows": [{"item": "a", "k": 2}]})
    assert response.status_code == 200, response.text
    (answer,) = response.json()["predictions"]
    expected = model.similar_items("a", 2, lang="en")  # type: ignore[attr-defined]
    assert [r["item"] for r in answer] == expected["item"].tolist() and "a" not in [r["item"] for r in answer]
    missing = client.post("/models/shop@champion/predict", json={"rows": [{"user": "u1"}]})
    assert missing.status_code == 422 and "'customer'" in missing.json()["detail"]
    bad_k = client.post("/models/shop@champion/predict", json={"rows": [{"customer": "u1", "k": "ten"}]})
    assert bad_k.status_code == 422 and "'k'" in bad_k.json()["detail"]
    no_item = client.post("/models/shop@champion/similar", json={"rows": [{"name": "a"}]})
    assert no_item.status_code == 422 and "'item'" in no_item.json()["detail"]
