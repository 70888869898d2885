"""Models over the REST API: the input schema, the schema check of predictions (422 naming the column),
the evaluation report of a version."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def credit_rows(served_workspace: Path) -> list[dict[str, object]]:
    from mirae.lake import Workspace

    frame = Workspace(served_workspace).to_pandas("credit").drop(columns="creditability").head(4)
    return frame.to_dict("records")


def test_inputs_list_each_column_and_its_role(client_for: Callable[..., TestClient]) -> None:
    body = client_for().get("/api/models/credit@champion/inputs").json()
    assert body["model"] == "credit/1" and body["task"] in {"binary", "multiclass"}
    roles = {c["name"]: c["role"] for c in body["columns"]}
    assert roles["duration_in_month"] == "numeric" and set(roles.values()) <= {
        "numeric",
        "categorical",
        "datetime",
    }


def test_a_value_of_the_wrong_type_is_a_422_naming_the_column(
    client_for: Callable[..., TestClient], credit_rows: list[dict[str, object]]
) -> None:
    client = client_for()
    rows = [dict(r) for r in credit_rows]
    rows[2]["duration_in_month"] = "twelve months"
    wrong = client.post("/models/credit@champion/predict", json={"rows": rows})
    assert wrong.status_code == 422 and wrong.json()["error"] == "wrong_type"
    assert "'duration_in_month'" in wrong.json()["detail"] and "row 2" in wrong.json()["detail"]
    nested = [{**credit_rows[0], "duration_in_month": {"months": 12}}]
    assert client.post("/models/credit@champion/predict", json={"rows": nested}).status_code == 422
    # numbers as text and nulls are what a form sends: they are accepted
    as_text = [{**credit_rows[0], "duration_in_month": "12", "credit_amount": None}]
    ok = client.post("/models/credit@champion/predict", json={"rows": as_text})
    assert ok.status_code == 200, ok.text
    extra = client.post("/models/credit@champion/predict", json={"rows": [{**credit_rows[0], "note": "x"}]})
    assert extra.json()["ignored_columns"] == ["note"]


def test_evaluation_report_of_a_version(client_for: Callable[..., TestClient]) -> None:
    client = client_for()
    report = client.get("/api/models/credit/versions/1/report")
    if report.status_code == 404:  # trained without a holdout report: the 404 says so
        assert report.json()["error"] == "no_report" and report.json()["hint"]
    else:
        assert report.status_code == 200 and "<html" in report.text.lower()
    assert client.get("/api/models/credit/versions/99/report").status_code == 404
    assert client.get("/api/models/nobody/versions/1/report").status_code == 404


def test_a_prediction_runs_the_model_once_and_the_label_follows_the_probabilities(
    served_workspace: Path, credit_rows: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mirae.server.routes.models import WarmModels, predict_rows
    from mirae.service import Context

    ctx, warm = Context.open(served_workspace), WarmModels()
    model, _ = warm.get(ctx, "credit@champion")
    calls: list[int] = []
    proba = model.predict_proba

    def counted(frame: object) -> object:
        calls.append(len(frame))  # type: ignore[arg-type]
        return proba(frame)

    monkeypatch.setattr(model, "predict_proba", counted)
    answer = predict_rows(ctx, warm, "credit@champion", credit_rows)
    assert calls == [len(credit_rows)]
    labels = model.classes_
    for predicted, probabilities in zip(answer.predictions, answer.probabilities or [], strict=True):
        best = max(probabilities, key=probabilities.__getitem__)
        assert str(predicted) == best and predicted in labels.tolist()
