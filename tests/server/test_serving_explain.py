"""POST /api/models/{ref}/explain: each row's prediction and its columns' SHAP contributions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mirae.server import ServerSettings, create_app


@pytest.fixture(scope="module")
def credit_rows(served_workspace: Path) -> list[dict[str, object]]:
    from mirae.lake import Workspace

    frame = Workspace(served_workspace).to_pandas("credit").drop(columns="creditability").iloc[10:13]
    return frame.to_dict("records")


@pytest.fixture(scope="module")
def regression_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """A server on a workspace with a small registered regressor of the credit amount (``amount@champion``)."""
    from mirae.lake import Workspace
    from mirae.service import train_table
    from mirae.service._demo import sample_path

    path = tmp_path_factory.mktemp("explain") / "ws"
    ws = Workspace(path)
    ws.ingest(sample_path("german_credit.csv.gz"), "credit")
    train_table(
        ws,
        "credit",
        target="credit_amount",
        models=("linear",),
        n_trials=1,
        cv=2,
        holdout=0,
        model_name="amount",
        alias="champion",
        explain=(),
    )
    return TestClient(create_app(ServerSettings(workspace=path)))


def _check_contributions(row: dict[str, object], sent: dict[str, object], columns: set[str]) -> float:
    contributions = row["contributions"]
    assert isinstance(contributions, list)
    assert {c["feature"] for c in contributions} == columns
    sizes = [abs(c["contribution"]) for c in contributions]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 0
    for c in contributions:
        assert c["value"] == sent[c["feature"]]
    return float(sum(c["contribution"] for c in contributions))


def test_classifier_rows_are_explained_and_add_up_to_the_probability(
    client_for: Callable[..., TestClient], credit_rows: list[dict[str, object]]
) -> None:
    client = client_for()
    columns = {c["name"] for c in client.get("/api/models/credit@champion/inputs").json()["columns"]}
    response = client.post("/api/models/credit@champion/explain", json={"rows": credit_rows})
    assert response.status_code == 200, response.text
    body = response.json()
    predicted = client.post("/models/credit@champion/predict", json={"rows": credit_rows}).json()
    assert body["model"] == "credit/1" and len(body["rows"]) == len(credit_rows)
    assert body["background_rows"] > 0 and body["baseline"] is not None
    positive = body["explains"].split("class ")[1].strip("'")
    for row, sent, label, proba in zip(
        body["rows"], credit_rows, predicted["predictions"], predicted["probabilities"], strict=True
    ):
        total = _check_contributions(row, sent, columns)
        assert row["prediction"] == label and row["probabilities"] == pytest.approx(proba)
        # SHAP values of a row sum to its output minus the background's mean output
        assert body["baseline"] + total == pytest.approx(row["probabilities"][positive], abs=1e-6)


def test_regressor_rows_add_up_to_the_predicted_value(regression_client: TestClient) -> None:
    from mirae.lake import Workspace

    inputs = regression_client.get("/api/models/amount@champion/inputs").json()
    columns = {c["name"] for c in inputs["columns"]}
    path = regression_client.app.state.settings.workspace  # type: ignore[attr-defined]
    rows = Workspace(path).to_pandas("credit").drop(columns="credit_amount").iloc[:2].to_dict("records")
    response = regression_client.post("/api/models/amount@champion/explain", json={"rows": rows})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["explains"] == "the predicted value" and body["explainer"] == "permutation"
    for row, sent in zip(body["rows"], rows, strict=True):
        total = _check_contributions(row, sent, columns)
        assert row["probabilities"] is None
        assert body["baseline"] + total == pytest.approx(row["prediction"], rel=1e-6)


def test_a_missing_column_is_a_422_naming_it(
    client_for: Callable[..., TestClient], credit_rows: list[dict[str, object]]
) -> None:
    rows = [{k: v for k, v in r.items() if k != "duration_in_month"} for r in credit_rows]
    response = client_for().post("/api/models/credit@champion/explain", json={"rows": rows})
    assert response.status_code == 422 and response.json()["error"] == "missing_columns"
    assert "duration_in_month" in response.json()["detail"]
    wrong = [{**credit_rows[0], "duration_in_month": "long"}]
    response = client_for().post("/api/models/credit@champion/explain", json={"rows": wrong})
    assert response.status_code == 422 and "'duration_in_month'" in response.json()["detail"]
