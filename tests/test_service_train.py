"""Training, scoring and evaluating workspace tables with MLflow tracking, on real data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mirae import Workspace
from mirae.errors import ConfigError, MissingColumnsError, TargetNotFoundError
from mirae.service import evaluate_table, predict_table, train_table
from mirae.track import Tracker

# 2026-11-23: importing mlflow.pyfunc in mlflow 3.17 warns that an ``Any`` type hint of its own
# wrappers is not validated; nothing we can act on.
pytestmark = pytest.mark.filterwarnings("ignore:.*Any type hint is inferred as AnyType:UserWarning")
FAST = {"models": ["linear", "lightgbm"], "n_trials": 2, "cv": 3, "explain": ("permutation",)}


@pytest.fixture(scope="module")
def credit(shared_data: Path, tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path):
    """German credit in a tracked workspace, trained once (binary, alias champion)."""
    ws = Workspace(tmp_path_factory.mktemp("credit") / "ws")
    shutil.copy(mlflow_db_template, ws.path / "mlflow.db")
    frame = pd.read_csv(shared_data / "german_credit" / "germancredit.csv")
    ws.write("credit", frame)
    run = train_table(ws, "credit", target="creditability", alias="champion", seed=0, **FAST)
    return ws, frame, run


def test_binary_run_is_tracked_with_lineage(credit) -> None:
    ws, frame, run = credit
    assert run.task == "binary" and run.metric == "roc_auc" and run.evaluation == "holdout"
    assert run.rows == 1000 and run.rows_holdout == 200 and run.rows_train == 800
    assert run.model_ref == "credit/1" and run.alias == "champion"
    assert 0.6 < run.holdout_metrics["roc_auc"] <= 1.0 and 0.6 < run.cv_score <= 1.0
    client = Tracker.for_workspace(ws.path).client
    stored = client.get_run(run.run_id)
    snapshot = ws.history("credit")[-1].snapshot_id
    assert stored.data.tags["mirae.table"] == "credit"
    assert stored.data.tags["mirae.snapshot_id"] == str(snapshot) == str(run.snapshot_id)
    assert stored.data.params["target"] == "creditability" and stored.data.params["n_trials"] == "2"
    folds = client.get_metric_history(run.run_id, "cv_roc_auc")
    assert [m.step for m in folds] == [0, 1, 2]
    assert np.isclose(np.mean([m.value for m in folds]), run.cv_score)
    assert stored.data.metrics["holdout_roc_auc"] == pytest.approx(run.holdout_metrics["roc_auc"])
    artifacts = {a.path for a in client.list_artifacts(run.run_id)}
    assert {"leaderboard.csv", "leaderboard.json", "report.json", "report.html", "model"} <= artifacts
    assert {a.path for a in client.list_artifacts(run.run_id, "model")} >= {"model/MLmodel"}
    version = client.get_model_version("credit", "1")
    assert version.run_id == run.run_id and version.tags["mirae.snapshot_id"] == str(snapshot)
    assert json.loads(version.tags["mirae.classes"]) == ["bad", "good"]
    board = pd.DataFrame(run.leaderboard)
    assert board["chosen"].sum() == 1 and {"roc_auc_mean", "roc_auc_std"} <= set(board.columns)


def test_the_report_says_which_model_it_describes(credit) -> None:
    from mirae.evaluate import ClassificationReport

    ws, _, run = credit
    about = run.report.provenance
    assert (about["model"], about["version"], about["alias"], about["run"]) == (
        "credit",
        1,
        "champion",
        run.run_id,
    )
    assert about["table"] == "credit" and about["snapshot"] == ws.history("credit")[-1].snapshot_id
    assert about["leaderboard"][0]["rank"] == 1
    page = run.report.to_html(lang="en")
    assert "About this model" in page and run.run_id in page and "Leaderboard" in page
    assert "모델 정보" in run.report.to_html(lang="ko")
    again = ClassificationReport.from_json(run.report.to_json())
    assert again.provenance["run"] == run.run_id


def test_the_positive_class_is_the_risk_named_at_training(credit) -> None:
    ws, _, _ = credit
    run = train_table(ws, "credit", target="creditability", model_name="risk", positive="bad", seed=0, **FAST)
    assert run.report.pos_label == "bad"
    evaluated = evaluate_table(ws, "risk", "credit", target="creditability", explain=False)
    assert evaluated.report.pos_label == "bad"  # recorded on the version, used by later evaluations
    with pytest.raises(
        ConfigError, match=r"positive class 'risky' is not one of the target's classes \['bad', 'good'\]"
    ):
        train_table(ws, "credit", target="creditability", positive="risky", **FAST)


def test_model_loads_with_plain_mlflow(credit, monkeypatch: pytest.MonkeyPatch) -> None:
    ws, frame, run = credit
    X = frame.drop(columns="creditability").sample(50, random_state=1)
    import mlflow.pyfunc
    import mlflow.sklearn

    monkeypatch.setenv("MLFLOW_TRACKING_URI", run.tracking_uri)
    monkeypatch.setenv("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "false")
    pyfunc = mlflow.pyfunc.load_model("models:/credit@champion")  # MLflow's tools load through mirae
    np.testing.assert_allclose(np.asarray(pyfunc.predict(X)), run.estimator.predict_proba(X))
    assert pyfunc.get_raw_model().predict(X).tolist() == run.estimator.predict(X).tolist()
    with pytest.raises(Exception, match="sklearn"):  # no pickle flavour to fall back on
        mlflow.sklearn.load_model("models:/credit/1")


def test_predict_table_columns_lineage_and_bad_input(credit) -> None:
    ws, frame, run = credit
    new = frame.drop(columns="creditability").head(120).copy()
    new["customer_note"] = "extra column"  # ignored
    new.loc[:9, "purpose"] = "time machine"  # unseen category
    ws.write("applicants", new)
    result = predict_table(ws, "credit@champion", "applicants", into="scored")
    scored = ws.to_pandas("scored")
    assert list(scored.columns) == [*new.columns, "prediction", "proba_bad", "proba_good"]
    assert result.ignored_columns == ["customer_note"] and result.model == "credit/1"
    proba = scored[["proba_bad", "proba_good"]].to_numpy()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.isfinite(proba).all()
    assert (scored["prediction"] == np.where(proba[:, 1] >= 0.5, "good", "bad")).all()
    np.testing.assert_allclose(proba, run.estimator.predict_proba(new))
    [snap] = ws.history("scored")
    source = ws.history("applicants")[-1].snapshot_id
    assert "credit/1" in snap.source and f"applicants@{source}" in snap.source

    with pytest.raises(MissingColumnsError) as error:
        ws.write("thin", new.drop(columns=["purpose", "age_in_years"]))
        predict_table(ws, "credit", "thin", into="nope")
    assert "'purpose'" in str(error.value) and "'age_in_years'" in str(error.value)
    assert not ws.exists("nope")


def test_new_version_moves_alias_and_evaluate(credit, tmp_path: Path) -> None:
    ws, frame, _ = credit
    ws.write("credit", frame.tail(200), mode="append")  # a new snapshot
    run2 = train_table(ws, "credit", target="creditability", alias="champion", seed=1, **FAST)
    registry = Tracker.for_workspace(ws.path).registry
    assert run2.version == 2 and registry.get("credit@champion").version == 2
    assert registry.get("credit/1").aliases == ()
    assert registry.get("credit/2").tags["mirae.snapshot_id"] == str(ws.history("credit")[-1].snapshot_id)
    assert run2.rows == 1200

    ws.write("last_month", frame.sample(300, random_state=3))
    html = tmp_path / "eval.html"
    result = evaluate_table(ws, "credit/1", "last_month", target="creditability", html=html, explain=False)
    assert result.rows == 300 and 0.5 < result.metrics["roc_auc"] <= 1.0
    assert html.exists() and "plotly" in html.read_text(encoding="utf-8").lower()
    with pytest.raises(TargetNotFoundError):
        evaluate_table(ws, "credit/1", "last_month", target="nope")


def test_regression_with_missing_targets(tracked_workspace: Workspace, shared_data: Path) -> None:
    ws = tracked_workspace
    frame = pd.read_parquet(shared_data / "california_housing" / "california_housing.parquet.brotli")
    frame = frame.sample(800, random_state=0).reset_index(drop=True)
    frame.loc[:24, "MedHouseVal"] = np.nan
    ws.write("houses", frame)
    run = train_table(ws, "houses", target="MedHouseVal", model_name="house_value", **FAST)
    assert run.task == "regression" and run.metric == "rmse" and run.missing_target == 25
    assert run.rows_train + run.rows_holdout == 775 and run.holdout_metrics["r2"] > 0.4
    assert any("25 rows" in note for note in run.notices)
    result = predict_table(ws, "house_value", "houses", into="houses_scored")
    scored = ws.to_pandas("houses_scored")
    assert list(scored.columns) == [*frame.columns, "prediction"] and result.classes is None
    np.testing.assert_allclose(scored["prediction"], run.estimator.predict(frame))
    import mlflow.pyfunc

    pyfunc = mlflow.pyfunc.load_model(Tracker.for_workspace(ws.path).registry.download("house_value/1"))
    np.testing.assert_allclose(pyfunc.predict(frame.drop(columns="MedHouseVal")), scored["prediction"])


@pytest.mark.slow
def test_multiclass_grades(tracked_workspace: Workspace, shared_data: Path) -> None:
    ws = tracked_workspace
    telco = pd.read_csv(shared_data / "telco_churn" / "churn.csv").sample(700, random_state=0)
    spend = pd.to_numeric(telco["TotalCharges"], errors="coerce").fillna(0.0)
    cuts = np.quantile(spend, [1 / 3, 2 / 3])
    telco["grade"] = np.select([spend < cuts[0], spend < cuts[1]], ["NORMAL", "DIA"], default="VIP")
    ws.write("customers", telco.drop(columns=["TotalCharges", "Churn", "customerID"]))
    run = train_table(ws, "customers", target="grade", register=False, **FAST)
    assert run.task == "multiclass" and run.version is None and run.model_name is None
    assert run.holdout_metrics["accuracy"] > 0.6
    with pytest.raises(Exception, match="no registered model named 'customers'"):
        predict_table(ws, "customers", "customers", into="x")
    run = train_table(ws, "customers", target="grade", models=["linear"], cv=3, explain=False)
    predict_table(ws, "customers", "customers", into="graded")
    graded = ws.to_pandas("graded")
    proba = graded[["proba_DIA", "proba_NORMAL", "proba_VIP"]].to_numpy()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(graded["prediction"]) <= {"DIA", "NORMAL", "VIP"}


def test_bad_settings(tracked_workspace: Workspace) -> None:
    ws = tracked_workspace
    ws.write("t", pd.DataFrame({"x": range(50), "y": [0, 1] * 25}))
    with pytest.raises(TargetNotFoundError, match="'nope' is not in table 't'"):
        train_table(ws, "t", target="nope")
    with pytest.raises(ConfigError):
        train_table(ws, "t", target="y", holdout=0.95)
    with pytest.raises(ConfigError):
        train_table(ws, "t", target="y", task="ranking")  # type: ignore[arg-type]
