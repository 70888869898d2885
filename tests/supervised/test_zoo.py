"""Every family of the zoo fits and predicts on real data, alone and through the AutoML."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import r2_score, roc_auc_score

from mirae.supervised import (
    MODEL_FAMILIES,
    AutoClassifier,
    AutoRegressor,
    BoostedClassifier,
    BoostedRegressor,
)

FAMILIES = [spec.name for spec in MODEL_FAMILIES]


def test_zoo_has_every_family_the_design_names() -> None:
    assert set(FAMILIES) == {
        "linear",
        "decision_tree",
        "svm",
        "knn",
        "random_forest",
        "extra_trees",
        "lightgbm",
        "xgboost",
        "catboost",
        "mlp",
    }


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_classifies_german_credit(german: pd.DataFrame, family: str) -> None:
    train, test = german.iloc[:800], german.iloc[800:]
    model = AutoClassifier(models=[family], n_folds=3, ensemble=False).fit(train, "creditability")
    board = model.leaderboard_
    assert board["model"].tolist() == [family] and model.best_model_ == family
    assert board.loc[0, "roc_auc_std"] > 0 and board.loc[0, "n_folds"] == 3
    assert 0.6 < board.loc[0, "roc_auc_mean"] < 0.95
    proba = model.predict_proba(test)
    assert proba.shape == (200, 2) and np.allclose(proba.sum(axis=1), 1)
    assert set(model.predict(test)) <= set(model.classes_)
    positive = (test["creditability"] == model.classes_[1]).to_numpy()
    assert roc_auc_score(positive, proba[:, 1]) > 0.6


@pytest.mark.parametrize("family", FAMILIES)
def test_each_family_regresses_california_housing(housing: pd.DataFrame, family: str) -> None:
    train, test = housing.iloc[:1200], housing.iloc[1200:]
    model = AutoRegressor(models=[family], n_folds=3, ensemble=False).fit(train, "MedHouseVal")
    assert model.leaderboard_.loc[0, "rmse_mean"] > 0
    prediction = model.predict(test)
    assert prediction.shape == (300,) and np.isfinite(prediction).all()
    assert r2_score(test["MedHouseVal"], prediction) > 0.3


@pytest.mark.parametrize("library", ["lightgbm", "xgboost", "catboost"])
def test_boosting_stops_early(adult: pd.DataFrame, library: str) -> None:
    from mirae.prep import TablePreprocessor

    X = TablePreprocessor(style="tree").fit_transform(adult.drop(columns=["income"]))
    y = adult["income"].to_numpy()
    model = BoostedClassifier(library=library, params={"learning_rate": 0.3}, max_rounds=2000).fit(X, y)
    assert 1 <= model.best_iteration_ < 2000
    assert list(model.classes_) == ["<=50K", ">50K"]
    assert model.predict_proba(X[:5]).shape == (5, 2)


def test_boosted_regressor_without_enough_rows_uses_fixed_rounds(housing: pd.DataFrame) -> None:
    X = housing.drop(columns=["MedHouseVal"]).to_numpy()[:100]
    model = BoostedRegressor(library="lightgbm").fit(X, housing["MedHouseVal"].to_numpy()[:100])
    assert model.best_iteration_ == 200
