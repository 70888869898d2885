"""Models are stored in files that cannot run code, and a changed file is refused before loading."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.errors import ModelIntegrityError
from mirae.service import predict_table, train_table
from mirae.supervised import AutoClassifier, AutoRegressor
from mirae.track._model_files import MODEL_FILE, load_model_folder, save_model_folder

pytestmark = pytest.mark.filterwarnings("ignore:.*Any type hint is inferred as AnyType:UserWarning")

FAMILIES = [
    "linear",
    "lightgbm",
    "xgboost",
    "catboost",
    "decision_tree",
    "random_forest",
    "extra_trees",
    "mlp",
    "knn",
    "svm",
]


class _Marker:
    """Unpickling this creates a file: what an attacker's payload would do."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.path), "w"))


def _crafted_pickle(marker: Path) -> bytes:
    return pickle.dumps(_Marker(marker))


@pytest.fixture(scope="module")
def customers(shared_data: Path) -> pd.DataFrame:
    frame = pd.read_csv(shared_data / "telco_churn" / "churn.csv")
    return frame.sample(300, random_state=0).reset_index(drop=True).drop(columns=["customerID"])


def _round_trip(model: object, tmp_path: Path) -> object:
    folder = tmp_path / "model"
    digest = save_model_folder(model, folder)
    return load_model_folder(folder, digest=digest)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_round_trips_with_identical_predictions(
    family: str, customers: pd.DataFrame, tmp_path: Path
) -> None:
    model = AutoClassifier(models=[family], n_folds=2, n_trials=0, random_state=0).fit(customers, "Churn")
    X = customers.drop(columns=["Churn"])
    loaded = _round_trip(model, tmp_path)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    pd.testing.assert_frame_equal(loaded.leaderboard_, model.leaderboard_)
    natives = sorted(p.name.split(".", 1)[1] for p in (tmp_path / "model").glob("native/*"))
    expected = {"lightgbm": ["lgb.txt"], "xgboost": ["xgb.json"], "catboost": ["cbm"]}
    assert natives == expected.get(family, [])


def test_an_ensemble_regressor_round_trips(customers: pd.DataFrame, tmp_path: Path) -> None:
    frame = customers.assign(TotalCharges=pd.to_numeric(customers["TotalCharges"], errors="coerce"))
    frame = frame.dropna(subset=["TotalCharges"]).drop(columns=["Churn"])
    model = AutoRegressor(
        models=["lightgbm", "xgboost", "catboost", "linear"], n_folds=2, n_trials=0, random_state=0
    ).fit(frame, "TotalCharges")
    X = frame.drop(columns=["TotalCharges"])
    loaded = _round_trip(model, tmp_path)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_saving_does_not_change_the_model(customers: pd.DataFrame, tmp_path: Path) -> None:
    model = AutoClassifier(models=["lightgbm"], n_folds=2, n_trials=0, random_state=0).fit(customers, "Churn")
    booster = model.models_["lightgbm"].steps[-1][1].model_
    board = model.leaderboard_
    save_model_folder(model, tmp_path / "m")
    assert model.models_["lightgbm"].steps[-1][1].model_ is booster and model.leaderboard_ is board


def test_a_type_outside_the_trusted_list_is_refused(tmp_path: Path) -> None:
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    model = make_pipeline(FunctionTransformer(os.getcwd))
    digest = save_model_folder(model, tmp_path / "m")
    with pytest.raises(ModelIntegrityError, match="does not trust.*getcwd"):
        load_model_folder(tmp_path / "m", digest=digest)


def test_a_pickle_saved_by_an_earlier_mirae_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    marker = tmp_path / "marker"
    (folder / "model.pkl").write_bytes(_crafted_pickle(marker))
    with pytest.raises(ModelIntegrityError, match="pickle.*train the model again"):
        load_model_folder(folder, digest=None)
    assert not marker.exists()


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> Path:
    """A workspace with a registered model holding a LightGBM booster (trained once)."""
    ws = Workspace(tmp_path_factory.mktemp("safe") / "ws")
    shutil.copy(mlflow_db_template, ws.path / "mlflow.db")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=300), "plan": rng.choice(["a", "b"], 300)})
    frame["y"] = np.where(frame["x"] + rng.normal(scale=0.5, size=300) > 0, "yes", "no")
    ws.write("t", frame)
    train_table(ws, "t", target="y", models=["lightgbm"], cv=3, n_trials=0, explain=False)
    return ws.path


def _model_folder(ws: Path) -> Path:
    [folder] = [p.parent for p in (ws / "mlartifacts").rglob(MODEL_FILE)]
    return folder


def test_the_registered_model_loads_and_scores(registered: Path, tmp_path: Path) -> None:
    ws = Workspace(shutil.copytree(registered, tmp_path / "ws"))
    assert predict_table(ws, "t/1", "t", into="scored").rows == 300


def test_a_crafted_pickle_in_place_of_any_model_file_never_runs(registered: Path, tmp_path: Path) -> None:
    ws_path = shutil.copytree(registered, tmp_path / "ws")
    folder = _model_folder(ws_path)
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert {p.name for p in files} >= {MODEL_FILE, "MLmodel", "manifest.json"}
    assert any(p.suffix == ".txt" and p.parent.name == "native" for p in files)
    marker = tmp_path / "pwned"
    ws = Workspace(ws_path)
    for path in [*files, folder / "model.pkl"]:
        original = path.read_bytes() if path.exists() else None
        path.write_bytes(_crafted_pickle(marker))
        with pytest.raises(ModelIntegrityError, match="not the ones logged with it"):
            predict_table(ws, "t/1", "t", into="scored")
        assert not marker.exists(), path
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)
    assert predict_table(ws, "t/1", "t", into="scored").rows == 300  # restored files load again


def test_the_cli_refuses_a_tampered_model_in_one_line(registered: Path, tmp_path: Path) -> None:
    from mirae.cli import app

    ws_path = shutil.copytree(registered, tmp_path / "ws")
    marker = tmp_path / "pwned"
    (_model_folder(ws_path) / MODEL_FILE).write_bytes(_crafted_pickle(marker))
    result = CliRunner().invoke(app, ["predict", "t/1", "t", "--into", "scored", "--workspace", str(ws_path)])
    assert result.exit_code == 2
    assert "not the ones logged with it" in result.stderr and "Traceback" not in result.stderr
    assert not marker.exists()


def test_mlflow_pyfunc_loads_the_folder_without_pickle(
    registered: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlflow.pyfunc

    monkeypatch.setenv("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "false")
    served = mlflow.pyfunc.load_model(str(_model_folder(registered)))
    rows = pd.DataFrame({"x": [-2.0, 2.0], "plan": ["a", "b"]})
    proba = np.asarray(served.predict(rows))
    assert proba.shape == (2, 2) and proba[0, 1] < 0.5 < proba[1, 1]
