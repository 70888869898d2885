"""The AutoML flow on real tables: search, ensemble, reproducibility, imbalance, folds."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import log_loss, roc_auc_score

import mirae.supervised
from mirae.supervised import AutoClassifier, AutoRegressor
from mirae.supervised._cv import make_splits

TIME_COLUMNS = ["fit_time_s", "predict_time_s"]


def test_public_api_is_pinned() -> None:
    assert sorted(mirae.supervised.__all__) == [
        "AutoClassifier",
        "AutoRegressor",
        "BoostedClassifier",
        "BoostedRegressor",
        "MODEL_FAMILIES",
        "Metric",
        "ModelSpec",
        "greedy_ensemble",
        "resolve_metric",
    ]


@pytest.fixture(scope="module")
def churn_model(telco: pd.DataFrame) -> AutoClassifier:
    """Telco churn: three families with defaults, a 6-trial search and the ensemble."""
    return AutoClassifier(
        models=["linear", "lightgbm", "catboost"], n_folds=3, n_trials=6, random_state=0
    ).fit(telco, "Churn")


def test_leaderboard_has_mean_std_and_times_for_every_candidate(churn_model: AutoClassifier) -> None:
    board = churn_model.leaderboard_
    for column in ("roc_auc_mean", "roc_auc_std", "log_loss_mean", "accuracy_mean", *TIME_COLUMNS):
        assert column in board.columns
    assert board["rank"].tolist() == list(range(1, len(board) + 1))
    assert board["roc_auc_mean"].is_monotonic_decreasing
    assert (board["roc_auc_std"] > 0).all() and (board["fit_time_s"] > 0).all()
    assert {"linear", "lightgbm", "catboost"} <= set(board["model"])
    assert board["chosen"].sum() == 1
    assert board.loc[board["chosen"], "model"].item() == churn_model.best_model_
    for params in board["params"]:
        json.loads(params)
    assert churn_model.leaderboard_.loc[0, "roc_auc_mean"] > 0.8  # telco churn is ~0.84 in the literature


def test_search_runs_under_n_trials(churn_model: AutoClassifier) -> None:
    board = churn_model.leaderboard_
    searched = board[board["source"] == "search"]
    assert 1 <= len(searched) <= 6
    assert all("/trial-" in name for name in searched["model"])
    assert set(searched["family"]) <= {"linear", "lightgbm", "catboost"}
    notes = " ".join(churn_model.notices_)
    assert "customerID" in notes and "TotalCharges" in notes


def test_ensemble_is_built_and_used_when_it_helps(churn_model: AutoClassifier, telco: pd.DataFrame) -> None:
    board = churn_model.leaderboard_.set_index("model")
    assert churn_model.best_model_ == "ensemble"
    singles = board[board["source"] != "ensemble"]
    assert board.loc["ensemble", "roc_auc_mean"] >= singles["roc_auc_mean"].max()
    weights = churn_model.weights_
    assert len(weights) >= 2 and abs(sum(weights.values()) - 1) < 1e-9
    assert set(weights) == set(churn_model.models_)
    X = telco.head(50)
    expected = sum(w * churn_model.models_[n].predict_proba(X) for n, w in weights.items())
    np.testing.assert_allclose(churn_model.predict_proba(X), expected)


def test_no_ensemble_with_a_single_candidate(german: pd.DataFrame) -> None:
    model = AutoClassifier(models=["linear"], n_folds=3).fit(german, "creditability")
    assert model.best_model_ == "linear" and "ensemble" not in set(model.leaderboard_["model"])


def test_same_seed_and_trials_give_identical_leaderboard_and_predictions(german: pd.DataFrame) -> None:
    def run(seed: int) -> AutoClassifier:
        return AutoClassifier(
            models=["linear", "lightgbm", "decision_tree"], n_folds=3, n_trials=4, random_state=seed
        ).fit(german, "creditability")

    first, second = run(0), run(0)
    pd.testing.assert_frame_equal(
        first.leaderboard_.drop(columns=TIME_COLUMNS), second.leaderboard_.drop(columns=TIME_COLUMNS)
    )
    np.testing.assert_array_equal(first.predict_proba(german), second.predict_proba(german))
    other = run(1)
    assert not np.array_equal(
        first.leaderboard_["roc_auc_mean"].to_numpy(), other.leaderboard_["roc_auc_mean"].to_numpy()
    )


def test_multiclass_grades(grades: pd.DataFrame) -> None:
    train, test = grades.iloc[:1000], grades.iloc[1000:]
    model = AutoClassifier(models=["linear", "lightgbm"], n_folds=3, n_trials=2).fit(train, "grade")
    assert model.classes_.tolist() == ["DIA", "NORMAL", "VIP"]
    assert model.metric_ == "log_loss" and model.leaderboard_["log_loss_mean"].is_monotonic_increasing
    proba = model.predict_proba(test)
    assert proba.shape == (200, 3) and np.allclose(proba.sum(axis=1), 1)
    assert log_loss(test["grade"], proba, labels=model.classes_) < 0.6
    assert (model.predict(test) == test["grade"]).mean() > 0.75


def test_regression_on_california_housing(housing: pd.DataFrame) -> None:
    train, test = housing.iloc[:1200], housing.iloc[1200:]
    model = AutoRegressor(models=["linear", "lightgbm", "extra_trees"], n_folds=3, n_trials=3).fit(
        train, "MedHouseVal"
    )
    board = model.leaderboard_
    assert board["rmse_mean"].is_monotonic_increasing and "r2_mean" in board
    assert board.loc[0, "rmse_mean"] < board.set_index("model").loc["linear", "rmse_mean"]
    prediction = model.predict(test)
    assert np.sqrt(np.mean((prediction - test["MedHouseVal"]) ** 2)) < 0.7


def test_class_weights_and_threshold_for_imbalanced_income(adult: pd.DataFrame) -> None:
    plain = AutoClassifier(models=["linear"], n_folds=3).fit(adult, "income")
    tuned = AutoClassifier(
        models=["linear"], n_folds=3, class_weight="balanced", decision_threshold="balanced_accuracy"
    ).fit(adult, "income")
    assert plain.threshold_ is None and tuned.threshold_ is not None and 0 < tuned.threshold_ < 1
    positive = plain.classes_[1]
    assert (tuned.predict(adult) == positive).mean() > (plain.predict(adult) == positive).mean()
    fixed = AutoClassifier(models=["linear"], n_folds=3, decision_threshold=0.9).fit(adult, "income")
    proba = fixed.predict_proba(adult)[:, 1]
    np.testing.assert_array_equal(fixed.predict(adult) == positive, proba >= 0.9)


def test_grouped_folds_keep_each_group_in_one_fold(telco: pd.DataFrame) -> None:
    y = (telco["Churn"] == "Yes").to_numpy().astype(int)
    groups = telco["tenure"].to_numpy()
    for train, valid in make_splits("auto", 3, task="binary", y=y, groups=groups, order=None, random_state=0):
        assert not set(groups[train]) & set(groups[valid])
    model = AutoClassifier(models=["linear"], n_folds=3).fit(telco, "Churn", groups="customerID")
    assert model.leaderboard_.loc[0, "roc_auc_mean"] > 0.75


def test_time_ordered_folds_validate_on_later_rows(housing: pd.DataFrame) -> None:
    frame = housing.assign(when=pd.date_range("2020-01-01", periods=len(housing), freq="D")[::-1])
    order = np.argsort(frame["when"].to_numpy())
    splits = make_splits(
        "time",
        3,
        task="regression",
        y=frame["MedHouseVal"].to_numpy(),
        groups=None,
        order=order,
        random_state=0,
    )
    for train, valid in splits:
        assert frame["when"].iloc[train].max() < frame["when"].iloc[valid].min()
    model = AutoRegressor(models=["linear", "lightgbm"], n_folds=3, cv="time", time_column="when").fit(
        frame, "MedHouseVal"
    )
    assert model.leaderboard_["n_folds"].eq(3).all() and np.isfinite(model.predict(frame)).all()


def test_time_budget_runs_defaults_and_search(german: pd.DataFrame) -> None:
    model = AutoClassifier(models=["linear", "decision_tree"], n_folds=3, time_budget=4).fit(
        german, "creditability"
    )
    assert "linear" in set(model.leaderboard_["model"]) and model.predict(german).shape == (1000,)


def test_roc_auc_on_held_out_rows_matches_the_cv_estimate(
    telco: pd.DataFrame, telco_full: pd.DataFrame
) -> None:
    model = AutoClassifier(models=["linear", "lightgbm"], n_folds=3).fit(telco, "Churn")
    held_out = telco_full[~telco_full["customerID"].isin(telco["customerID"])].head(2000)
    auc = roc_auc_score(held_out["Churn"] == "Yes", model.predict_proba(held_out)[:, 1])
    assert abs(auc - model.leaderboard_.loc[0, "roc_auc_mean"]) < 0.05
