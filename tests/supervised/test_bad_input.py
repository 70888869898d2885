"""Bad input gives clear errors (or warnings and notices), on real tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mirae.errors import (
    ColumnTypeError,
    ConfigError,
    ConstantTargetError,
    MissingColumnsError,
    TargetError,
    TargetLeakageWarning,
    TargetNotFoundError,
    TooFewRowsPerClassError,
)
from mirae.supervised import AutoClassifier, AutoRegressor
from mirae.supervised._checks import find_leaks

QUICK = {"models": ["linear"], "n_folds": 3}


@pytest.fixture(scope="module")
def fitted(german: pd.DataFrame) -> AutoClassifier:
    return AutoClassifier(**QUICK).fit(german, "creditability")


def test_missing_target(german: pd.DataFrame) -> None:
    with pytest.raises(TargetNotFoundError, match="requires y to be passed, but the target y is None"):
        AutoClassifier(**QUICK).fit(german)
    with pytest.raises(KeyError, match="'credit' is not in the table"):
        AutoClassifier(**QUICK).fit(german, "credit")


def test_constant_target(german: pd.DataFrame) -> None:
    with pytest.raises(ConstantTargetError, match="single value"):
        AutoClassifier(**QUICK).fit(german.assign(creditability="good"), "creditability")
    with pytest.raises(ValueError, match="single value"):
        AutoRegressor(**QUICK).fit(german.assign(y=1.0), "y")


def test_all_missing_target(german: pd.DataFrame) -> None:
    with pytest.raises(TargetError, match="empty in all 1,000 rows"):
        AutoRegressor(**QUICK).fit(german.assign(y=np.nan), "y")


def test_missing_target_values_are_dropped_counted_and_reported(german: pd.DataFrame) -> None:
    frame = german.copy()
    frame.loc[frame.index[::10], "creditability"] = None
    model = AutoClassifier(**QUICK).fit(frame, "creditability")
    assert "dropped 100 of 1000 rows whose target is missing." in model.notices_
    assert set(model.classes_) == set(german["creditability"])


def test_class_with_fewer_rows_than_folds(german: pd.DataFrame) -> None:
    frame = german.copy()
    frame.loc[frame.index[:2], "creditability"] = "unknown"
    with pytest.raises(TooFewRowsPerClassError, match=r"'unknown' \(2 rows\)"):
        AutoClassifier(**QUICK).fit(frame, "creditability")


def test_continuous_target_for_a_classifier(housing: pd.DataFrame) -> None:
    with pytest.raises(TargetError, match="use AutoRegressor|Use AutoRegressor"):
        AutoClassifier(**QUICK).fit(housing, "MedHouseVal")


def test_text_target_for_a_regressor(german: pd.DataFrame) -> None:
    with pytest.raises(TargetError, match="must be numeric"):
        AutoRegressor(**QUICK).fit(german, "creditability")


def test_a_feature_that_leaks_the_target_is_warned(telco: pd.DataFrame) -> None:
    frame = telco.assign(churned_on=np.where(telco["Churn"] == "Yes", "2024-05", "none"))
    with pytest.warns(TargetLeakageWarning, match="'churned_on'"):
        model = AutoClassifier(**QUICK).fit(frame, "Churn")
    assert any("churned_on" in n for n in model.notices_)


def test_leak_finder_scores_real_features_low(telco: pd.DataFrame, housing: pd.DataFrame) -> None:
    y = (telco["Churn"] == "Yes").to_numpy().astype(int)
    assert find_leaks(telco.drop(columns=["Churn"]), y, "binary", 0) == []
    target = housing["MedHouseVal"].to_numpy()
    assert find_leaks(housing.drop(columns=["MedHouseVal"]), target, "regression", 0) == []
    leaky = housing.drop(columns=["MedHouseVal"]).assign(value_k=target * 1000)
    assert [c for c, _ in find_leaks(leaky, target, "regression", 0)] == ["value_k"]


def test_columns_missing_at_predict_are_listed(fitted: AutoClassifier, german: pd.DataFrame) -> None:
    with pytest.raises(MissingColumnsError, match="'purpose'.*'age_in_years'|'age_in_years'.*'purpose'"):
        fitted.predict(german.drop(columns=["purpose", "age_in_years"]))


def test_extra_columns_are_ignored(fitted: AutoClassifier, german: pd.DataFrame) -> None:
    extra = german.assign(branch="Seoul")[["branch", *reversed(german.columns)]]
    np.testing.assert_array_equal(fitted.predict_proba(extra), fitted.predict_proba(german))


def test_unseen_categories_are_handled(fitted: AutoClassifier, german: pd.DataFrame) -> None:
    new = german.head(3).assign(purpose="spaceship")
    proba = fitted.predict_proba(new)
    assert proba.shape == (3, 2) and np.isfinite(proba).all()


def test_wrong_dtype_at_predict_names_column_and_row(fitted: AutoClassifier, german: pd.DataFrame) -> None:
    new = german.head(10).copy()
    new["credit_amount"] = new["credit_amount"].astype(object)
    new.loc[7, "credit_amount"] = "1,000 DM"
    with pytest.raises(ColumnTypeError, match=r"'credit_amount' must be numeric; got '1,000 DM'.*row 7"):
        fitted.predict(new)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"metric": "rmse"}, "not available for binary"),
        ({"models": ["gbm9000"]}, "unknown model family"),
        ({"n_folds": 1}, "n_folds must be"),
        ({"cv": "group"}, "needs groups"),
        ({"time_budget": 0}, "time_budget must be"),
        ({"decision_threshold": 1.5}, "between 0 and 1"),
    ],
)
def test_bad_settings(german: pd.DataFrame, settings: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        AutoClassifier(**{**QUICK, **settings}).fit(german, "creditability")  # type: ignore[arg-type]


def test_threshold_on_multiclass_is_refused(grades: pd.DataFrame) -> None:
    with pytest.raises(ConfigError, match="binary targets only"):
        AutoClassifier(**QUICK, decision_threshold="f1").fit(grades, "grade")
