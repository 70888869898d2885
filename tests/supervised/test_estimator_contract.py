"""The shared checks every mirae estimator passes (STYLE.md), on real data."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.base import clone

from mirae.supervised import AutoClassifier, AutoRegressor


def _cases(telco: pd.DataFrame, housing: pd.DataFrame) -> list[tuple[object, pd.DataFrame, str]]:
    return [
        (AutoClassifier(models=["linear", "lightgbm"], n_folds=3, n_trials=2), telco.head(600), "Churn"),
        (
            AutoRegressor(models=["linear", "extra_trees"], n_folds=3, n_trials=2),
            housing.head(600),
            "MedHouseVal",
        ),
    ]


@pytest.fixture(scope="module")
def fitted_pairs(
    telco: pd.DataFrame, housing: pd.DataFrame
) -> list[tuple[object, object, pd.DataFrame, str]]:
    pairs = []
    for estimator, frame, target in _cases(telco, housing):
        before = frame.copy()
        model = clone(estimator).fit(frame, target)  # type: ignore[attr-defined]
        pd.testing.assert_frame_equal(frame, before)  # fit did not mutate its input
        pairs.append((estimator, model, frame, target))
    return pairs


def _output(model: object, X: pd.DataFrame) -> np.ndarray:
    if hasattr(model, "predict_proba"):
        return np.asarray(model.predict_proba(X))
    return np.asarray(model.predict(X))  # type: ignore[attr-defined]


def test_settings_are_stored_unchanged_and_clone(fitted_pairs: list) -> None:
    for estimator, model, _, _ in fitted_pairs:
        assert model.get_params() == estimator.get_params()
        assert clone(model).get_params() == estimator.get_params()
        assert not hasattr(clone(model), "leaderboard_")


def test_predict_does_not_mutate_input(fitted_pairs: list) -> None:
    for _, model, frame, _ in fitted_pairs:
        before = frame.copy()
        model.predict(frame)
        pd.testing.assert_frame_equal(frame, before)


def test_same_seed_same_output(fitted_pairs: list) -> None:
    for estimator, model, frame, target in fitted_pairs:
        again = clone(estimator).fit(frame, target)
        np.testing.assert_array_equal(_output(again, frame), _output(model, frame))


def test_pickle_round_trip(fitted_pairs: list) -> None:
    for _, model, frame, _ in fitted_pairs:
        restored = pickle.loads(pickle.dumps(model))
        np.testing.assert_array_equal(_output(restored, frame), _output(model, frame))
        pd.testing.assert_frame_equal(restored.leaderboard_, model.leaderboard_)


def test_batch_equals_row_by_row(fitted_pairs: list) -> None:
    for _, model, frame, _ in fitted_pairs:
        batch = _output(model, frame.head(25))
        rows = np.concatenate([_output(model, frame.iloc[[i]]) for i in range(25)])
        np.testing.assert_allclose(rows, batch, rtol=1e-10, atol=1e-12)


def test_arrow_tables_predict_like_pandas(fitted_pairs: list) -> None:
    for _, model, frame, _ in fitted_pairs:
        table = pa.Table.from_pandas(frame.head(50), preserve_index=False)
        np.testing.assert_allclose(_output(model, table), _output(model, frame.head(50)))


def test_importing_supervised_is_cheap() -> None:
    code = (
        "import sys, mirae.supervised, mirae.prep; "
        "heavy = [m for m in ('lightgbm', 'xgboost', 'catboost', 'optuna') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_plain_arrays_are_accepted(housing: pd.DataFrame) -> None:
    X = housing.drop(columns=["MedHouseVal"]).to_numpy()[:400]
    y = housing["MedHouseVal"].to_numpy()[:400]
    model = AutoRegressor(models=["linear"], n_folds=3).fit(X, y)
    assert model.n_features_in_ == 8 and model.predict(X[:5]).shape == (5,)
