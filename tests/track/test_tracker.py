"""Tracker and registry on a real MLflow SQLite store, read back through MlflowClient."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from mirae.errors import ConfigError, ModelNotFoundError
from mirae.track import TRACKING_URI_ENV, Tracker, parse_model_ref, workspace_tracking_uri


@pytest.fixture
def tracker(tmp_path: Path, mlflow_db_template: Path) -> Tracker:
    folder = tmp_path / "ws"
    folder.mkdir()
    shutil.copy(mlflow_db_template, folder / "mlflow.db")
    return Tracker.for_workspace(folder)


@pytest.fixture(scope="module")
def credit_numeric(shared_data: Path) -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.read_csv(shared_data / "german_credit" / "germancredit.csv")
    X = frame.select_dtypes("number")
    return X, frame["creditability"]


def test_workspace_store_and_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TRACKING_URI_ENV, raising=False)
    tracker = Tracker.for_workspace(tmp_path / "ws")
    assert tracker.tracking_uri == f"sqlite:///{(tmp_path / 'ws').resolve()}/mlflow.db"
    assert tracker.artifact_root == (tmp_path / "ws" / "mlartifacts").resolve().as_uri()
    assert workspace_tracking_uri(tmp_path) == f"sqlite:///{tmp_path.resolve()}/mlflow.db"
    # the library reads no environment variable: only the command line turns MIRAE_TRACKING_URI into tracking_uri
    monkeypatch.setenv(TRACKING_URI_ENV, "sqlite:////elsewhere/mlflow.db")
    assert Tracker.for_workspace(tmp_path / "ws").tracking_uri == tracker.tracking_uri
    assert Tracker.for_workspace(tmp_path, tracking_uri="http://127.0.0.1:5000").tracking_uri == (
        "http://127.0.0.1:5000"
    )
    with pytest.raises(ConfigError):
        Tracker("")


def test_run_logs_params_fold_metrics_tags_and_artifacts(tracker: Tracker, tmp_path: Path) -> None:
    board = pd.DataFrame({"model": ["lightgbm", "linear"], "roc_auc_mean": [0.8, 0.7]})
    with tracker.start_run("credit", run_name="first", tags={"mirae.table": "credit"}) as run:
        run.log_params({"n_trials": 3, "models": ["linear", "lightgbm"], "empty": None})
        run.log_fold_metrics({"roc_auc": [0.7, 0.8, 0.75]})
        run.log_metrics({"holdout_roc_auc": 0.77, "nan": float("nan"), "text": "x"})
        run.set_tags({"mirae.snapshot_id": 42})
        run.log_frame(board, "leaderboard")
        run.log_dict({"notices": ["ok"]}, "notices.json")
    client = tracker.client
    stored = client.get_run(run.run_id)
    assert stored.info.status == "FINISHED" and stored.info.run_name == "first"
    assert stored.data.params == {"n_trials": "3", "models": '["linear", "lightgbm"]'}
    assert stored.data.metrics == {"cv_roc_auc": 0.75, "holdout_roc_auc": 0.77}
    history = client.get_metric_history(run.run_id, "cv_roc_auc")
    assert [(m.step, m.value) for m in history] == [(0, 0.7), (1, 0.8), (2, 0.75)]
    assert stored.data.tags["mirae.table"] == "credit" and stored.data.tags["mirae.snapshot_id"] == "42"
    names = sorted(a.path for a in client.list_artifacts(run.run_id))
    assert names == ["leaderboard.csv", "leaderboard.json", "notices.json"]
    # artifacts live inside the workspace folder
    assert stored.info.artifact_uri.startswith(tracker.artifact_root or "")
    local = Path(client.download_artifacts(run.run_id, "leaderboard.csv", str(tmp_path)))
    pd.testing.assert_frame_equal(pd.read_csv(local), board)
    assert [r.info.run_id for r in tracker.runs("credit")] == [run.run_id]


def test_failed_block_marks_the_run_failed(tracker: Tracker) -> None:
    with pytest.raises(RuntimeError), tracker.start_run("credit") as run:
        raise RuntimeError("boom")
    assert tracker.client.get_run(run.run_id).info.status == "FAILED"


def _log_model(tracker: Tracker, X: pd.DataFrame, y: pd.Series, C: float) -> tuple[str, LogisticRegression]:
    model = LogisticRegression(C=C, max_iter=2000).fit(X, y)
    with tracker.start_run("credit") as run:
        run.log_model(model, pyfunc_predict_fn="predict_proba")
    return run.run_id, model


def test_registry_versions_aliases_and_loading(
    tracker: Tracker, credit_numeric: tuple[pd.DataFrame, pd.Series]
) -> None:
    X, y = credit_numeric
    registry = tracker.registry
    first_run, first = _log_model(tracker, X, y, C=0.01)
    second_run, second = _log_model(tracker, X, y, C=10.0)
    v1 = registry.register("credit", first_run, tags={"mirae.table": "credit"}, alias="champion")
    v2 = registry.register("credit", second_run)
    assert (v1.version, v2.version) == (1, 2) and v1.aliases == ("champion",)
    assert v1.tags["mirae.table"] == "credit" and v2.run_id == second_run
    # each version carries the digest of its files, copied from its run in the tracking database
    assert (
        len(v1.tags["mirae.model_digest"]) == 64
        and v1.tags["mirae.model_digest"] != v2.tags["mirae.model_digest"]
    )

    # read back through MLflow's own client
    mv = tracker.client.get_model_version_by_alias("credit", "champion")
    assert int(mv.version) == 1 and mv.run_id == first_run
    assert registry.get("credit").version == 2  # the bare name is the latest version
    assert registry.get("credit@champion").version == 1
    assert registry.get("models:/credit/2").run_id == second_run

    moved = registry.set_alias("credit", "champion", 2)
    assert moved.aliases == ("champion",) and registry.get("credit/1").aliases == ()
    assert int(tracker.client.get_model_version_by_alias("credit", "champion").version) == 2
    [info] = registry.models()
    assert info.name == "credit" and info.latest_version == 2 and info.aliases == {"champion": 2}
    assert [v.version for v in registry.versions("credit")] == [1, 2]

    loaded, which = registry.load("credit@champion")
    assert which.version == 2
    np.testing.assert_allclose(loaded.predict_proba(X), second.predict_proba(X))
    loaded_first, _ = registry.load("credit/1")
    np.testing.assert_allclose(loaded_first.predict_proba(X), first.predict_proba(X))
    assert not np.allclose(loaded_first.predict_proba(X), loaded.predict_proba(X))

    registry.delete_alias("credit", "champion")
    with pytest.raises(ModelNotFoundError, match=r"versions \[1, 2\]"):
        registry.get("credit@champion")
    with pytest.raises(ModelNotFoundError, match="no registered model named 'nope'"):
        registry.get("nope")
    with pytest.raises(ModelNotFoundError):
        registry.get("credit/9")
    with pytest.raises(ConfigError):
        registry.set_alias("credit", "not an alias", 1)


def test_parse_model_ref() -> None:
    assert parse_model_ref("m").version is None and parse_model_ref("m").alias is None
    assert parse_model_ref("team/m/3").name == "team/m" and parse_model_ref("team/m/3").version == 3
    assert parse_model_ref("m/latest").name == "m"
    assert str(parse_model_ref("models:/m@champion")) == "m@champion"
    for bad in ("", "models:/", "@x", "m@bad alias"):
        with pytest.raises(ConfigError):
            parse_model_ref(bad)
