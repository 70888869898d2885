"""Explanations of models that are not Pipelines, on raw frames with text, dates and missing values."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mirae.evaluate import (
    TreeRules,
    evaluate_classifier,
    partial_dependence_curves,
    permutation_importance,
    shap_importance,
    tree_rules,
)
from mirae.evaluate._encoding import FrameEncoding
from mirae.evaluate._shap import MODEL_AGNOSTIC_ROWS, shap_values_by_column


class RawFrameClassifier:
    """A fitted model outside scikit-learn's conventions that prepares the raw frame itself.

    Like an AutoML model it takes text, categories, booleans, dates and missing
    numbers; it is no estimator (no tags, no ``fit``), just ``classes_``,
    ``predict`` and ``predict_proba``.
    """

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline
        self.classes_ = pipeline.classes_

    @staticmethod
    def prepare(frame: pd.DataFrame) -> pd.DataFrame:
        days = (frame["application_date"] - pd.Timestamp("2019-01-01")).dt.days.astype(float)
        return frame.assign(application_date=days)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.pipeline.predict(self.prepare(frame)))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.pipeline.predict_proba(self.prepare(frame)))


@pytest.fixture(scope="module")
def mixed_german(german: tuple[pd.DataFrame, pd.Series]) -> tuple[pd.DataFrame, pd.Series]:
    """German credit with every kind of raw column: text, category, boolean, date, missing numbers."""
    X, y = german
    rng = np.random.default_rng(0)
    X = X.assign(
        purpose=X["purpose"].astype("category"),
        foreign_worker=X["foreign_worker"] == "yes",
        age_in_years=X["age_in_years"].where(rng.random(len(X)) > 0.1).astype(float),
        application_date=pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 730, len(X)), unit="D"),
    )
    return X, y


@pytest.fixture(scope="module")
def raw_model(mixed_german: tuple[pd.DataFrame, pd.Series]) -> RawFrameClassifier:
    """Imputation, one-hot encoding and a logistic regression behind :class:`RawFrameClassifier`."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X, y = mixed_german
    prepared = RawFrameClassifier.prepare(X)
    numeric = [
        c for c in prepared.columns if pd.api.types.is_float_dtype(prepared[c]) or prepared[c].dtype == int
    ]
    other = [c for c in prepared.columns if c not in numeric]
    encode = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), other),
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        ]
    )
    return RawFrameClassifier(make_pipeline(encode, LogisticRegression(max_iter=2000)).fit(prepared, y))


def _masks(rules: TreeRules, X: pd.DataFrame) -> np.ndarray:
    return np.column_stack([rule.mask(X) for rule in rules.rules])


def test_surrogate_rules_of_a_raw_frame_model_read_in_its_columns(mixed_german, raw_model) -> None:
    X, y = mixed_german
    rules = tree_rules(raw_model, X, y, target_class="bad")
    assert rules.surrogate and 1 < len(rules.rules) <= 8
    masks = _masks(rules, X)
    assert (masks.sum(axis=1) == 1).all()  # every row in exactly one rule
    leaves = rules.assign(X)
    for j, rule in enumerate(rules.rules):
        assert (masks[:, j] == (leaves == rule.leaf)).all()
    # fidelity, recomputed: each row's surrogate class against the model's own label
    leaf_class = {r.leaf: r.prediction for r in rules.rules}
    agreed = np.array([leaf_class[leaf] for leaf in leaves]) == raw_model.predict(X)
    assert 0.0 <= rules.fidelity <= 1.0
    assert rules.fidelity == pytest.approx(float(np.mean(agreed)))
    proba_bad = raw_model.predict_proba(X)[:, list(raw_model.classes_).index("bad")]
    for rule in rules.rules:
        assert rule.value == pytest.approx(proba_bad[leaves == rule.leaf].mean())
        assert rule.observed == pytest.approx(float(np.mean(y[leaves == rule.leaf] == "bad")))
        for condition in rule.conditions:
            assert condition.column in X.columns
            if condition.kind in ("in", "not_in"):
                assert set(condition.values) <= set(X[condition.column].dropna())
    text = str(rules)
    assert "status_of_existing_checking_account" in text  # the strongest column reads as itself
    assert "(other)" not in text and "cat__" not in text and "x0" not in text
    again = TreeRules.from_dict(json.loads(json.dumps(rules.to_dict())))
    assert (_masks(again, X) == masks).all()


class _DateAndMissingScore:
    """A regressor with no scikit-learn in it: +1 from June 2021 on, +2 when the amount is missing."""

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        recent = (frame["opened"] >= pd.Timestamp("2021-06-01")).to_numpy(dtype=float)
        return recent + 2.0 * frame["amount"].isna().to_numpy(dtype=float)


@pytest.fixture
def accounts(rng: np.random.Generator) -> pd.DataFrame:
    n = 400
    return pd.DataFrame(
        {
            "opened": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            "amount": np.where(rng.random(n) < 0.2, np.nan, rng.integers(100, 1000, n).astype(float)),
            "vip": rng.random(n) < 0.3,
        }
    )


def test_dates_and_missing_values_read_in_their_own_terms(accounts: pd.DataFrame) -> None:
    rules = tree_rules(_DateAndMissingScore(), accounts, max_depth=2, min_samples_leaf=1)
    assert rules.fidelity == 1.0
    predicted = _DateAndMissingScore().predict(accounts)
    expected = {
        "IF amount is missing AND opened >= 2021-06-01 THEN Predicted = 3": 3.0,
        "IF amount is missing AND opened <= 2021-05-31 THEN Predicted = 2": 2.0,
        "IF amount is not missing AND opened >= 2021-06-01 THEN Predicted = 1": 1.0,
        "IF amount is not missing AND opened <= 2021-05-31 THEN Predicted = 0": 0.0,
    }
    assert [r.text.split(" (n = ")[0] for r in rules.rules] == list(expected)
    for rule, value in zip(rules.rules, expected.values(), strict=True):
        assert rule.n == int((predicted == value).sum())
    assert (_masks(rules, accounts).sum(axis=1) == 1).all()
    ko = tree_rules(_DateAndMissingScore(), accounts, max_depth=2, min_samples_leaf=1, lang="ko")
    assert ko.rules[0].text.startswith("만약 amount 결측 그리고 opened >= 2021-06-01 이면")


def test_a_range_says_where_missing_values_go(accounts: pd.DataFrame) -> None:
    class AmountScore:
        def predict(self, frame: pd.DataFrame) -> np.ndarray:
            return (frame["amount"].fillna(0) > 500).to_numpy(dtype=float) + 3.0 * frame["vip"].to_numpy()

    rules = tree_rules(AmountScore(), accounts, max_depth=2, min_samples_leaf=1)
    assert rules.fidelity == 1.0
    low = [r for r in rules.rules if any(c.column == "amount" and c.upper is not None for c in r.conditions)]
    assert low and all("(or missing)" in r.text for r in low)  # the model scores a missing amount as 0
    assert all(r.text.startswith(("IF vip = True", "IF vip != True")) for r in rules.rules)
    assert (_masks(rules, accounts).sum(axis=1) == 1).all()
    assert "(또는 결측)" in str(
        tree_rules(AmountScore(), accounts, max_depth=2, min_samples_leaf=1, lang="ko")
    )


def test_rare_values_share_one_bucket_that_takes_unseen_values(rng: np.random.Generator) -> None:
    frequent = ["east", "north", "south"]
    region = rng.choice(frequent, 300).astype(object)
    region[:6] = [f"island {i}" for i in range(6)]  # six values seen once each
    X = pd.DataFrame({"region": region})

    class RegionScore:
        def predict(self, frame: pd.DataFrame) -> np.ndarray:
            return (~frame["region"].isin(frequent)).to_numpy(dtype=float)

    encoding = FrameEncoding().fit(X)
    assert [f.kind for f in encoding.features_] == ["onehot", "onehot", "onehot", "rare"]
    rules = tree_rules(RegionScore(), X, max_depth=1, min_samples_leaf=1)
    assert [r.text for r in rules.rules] == [
        "IF region not in {east, north, south} THEN Predicted = 1 (n = 6)",
        "IF region in {east, north, south} THEN Predicted = 0 (n = 294)",
    ]
    new = pd.DataFrame({"region": ["atlantis", "north", None]})
    masks = _masks(rules, new)
    assert masks.tolist() == [[True, False], [False, True], [True, False]]
    by_leaf = {r.leaf: j for j, r in enumerate(rules.rules)}
    assert [by_leaf[leaf] for leaf in rules.assign(new)] == [0, 1, 0]


@pytest.mark.slow
def test_shap_on_a_raw_frame_has_one_value_per_column(mixed_german, raw_model) -> None:
    X, y = mixed_german
    result = shap_values_by_column(raw_model, X, background_size=30)
    assert result.explainer == "permutation"
    assert list(result.values.columns) == list(X.columns)
    assert len(result.values) == MODEL_AGNOSTIC_ROWS and set(result.values.index) <= set(X.index)
    # exact additivity: a row's values add up to its P(good) minus the background's mean P(good)
    explained = raw_model.predict_proba(X.loc[result.values.index])[:, 1]
    baseline = explained - result.values.sum(axis=1).to_numpy()
    assert np.allclose(baseline, baseline[0], atol=1e-9)
    table = shap_importance(raw_model, X, background_size=30)
    ranking = permutation_importance(raw_model, X, y, n_repeats=3)
    assert set(table.index) == set(X.columns) and (table["mean_abs_shap"] >= 0).all()
    assert table.index[0] in list(ranking.index[:3])


def test_the_raw_frame_route_needs_no_shap_permutation_explainer(
    mixed_german, raw_model, monkeypatch: pytest.MonkeyPatch
) -> None:
    # shap's PermutationExplainer makes one model call per row and spends most of its time in its
    # own bookkeeping; mirae computes the same estimate with many rows per call
    from mirae.evaluate._shap import _import_shap

    shap = _import_shap()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        msg = "shap's PermutationExplainer is not used on this route"
        raise AssertionError(msg)

    monkeypatch.setattr(shap, "PermutationExplainer", refuse)
    X, y = mixed_german
    calls: list[int] = []
    original = raw_model.predict_proba

    def counted(frame: pd.DataFrame) -> np.ndarray:
        calls.append(len(frame))
        return original(frame)

    monkeypatch.setattr(raw_model, "predict_proba", counted)
    report = evaluate_classifier(raw_model, X.iloc[:300], y.iloc[:300], explain=["shap"])
    assert report.shap_explainer == "permutation"
    assert set(report.shap_importance.index) == set(X.columns)
    calls.clear()
    result = shap_values_by_column(raw_model, X.iloc[:300], background_size=20)
    # 60 rows x (2 x columns + 1) x 20 background rows of model input, in a few calls
    assert sum(calls) == MODEL_AGNOSTIC_ROWS * (2 * X.shape[1] + 1) * 20 and len(calls) <= 3
    explained = original(X.loc[result.values.index])[:, 1]
    baseline = explained - result.values.sum(axis=1).to_numpy()
    assert np.allclose(baseline, baseline[0], atol=1e-9)


def test_partial_dependence_of_dates_and_numbers_with_missing_values(mixed_german, raw_model) -> None:
    X, _ = mixed_german
    date, age, purpose = partial_dependence_curves(
        raw_model, X, ["application_date", "age_in_years", "purpose"], grid_resolution=5
    )
    assert date["kind"] == "date" and len(date["grid"]) == 5
    assert date["grid"] == sorted(date["grid"]) and date["grid"][0].startswith("2019-")
    assert age["kind"] == "numeric" and not np.isnan(age["grid"]).any() and len(age["grid"]) == 5
    assert purpose["kind"] == "categorical" and set(purpose["grid"]) == set(X["purpose"].cat.categories)
    assert all(0.0 <= p <= 1.0 for curve in (date, age, purpose) for p in curve["average"])


@pytest.mark.slow
def test_report_on_a_plain_model_explains_everything(mixed_german, raw_model) -> None:
    X, y = mixed_german
    report = evaluate_classifier(raw_model, X, y, explain=True)
    assert report.permutation_importance is not None and report.shap_importance is not None
    assert report.rules is not None and report.rules.surrogate and len(report.partial_dependence) == 3
    assert report.shap_explainer == "permutation"
    assert any("surrogate tree with fidelity" in note for note in report.notes)
    again = type(report).from_json(report.to_json())
    assert again.rules is not None and (_masks(again.rules, X) == _masks(report.rules, X)).all()


@pytest.mark.slow
def test_automl_classifier_on_german_credit(german) -> None:
    from mirae.supervised import AutoClassifier

    X, y = german
    model = AutoClassifier(n_trials=1, models=["linear"], n_folds=3, random_state=0).fit(X, y)
    report = evaluate_classifier(model, X, y, explain=True)
    rules = report.rules
    assert rules is not None and rules.surrogate
    masks = _masks(rules, X)
    assert (masks.sum(axis=1) == 1).all()
    leaf_class = {r.leaf: r.prediction for r in rules.rules}
    agreed = np.array([leaf_class[leaf] for leaf in rules.assign(X)]) == model.predict(X)
    assert 0.0 <= rules.fidelity <= 1.0 and rules.fidelity == pytest.approx(float(np.mean(agreed)))
    assert "status_of_existing_checking_account" in str(rules)
    assert report.shap_importance is not None and report.permutation_importance is not None
    assert set(report.shap_importance.index) == set(X.columns) and len(report.shap_importance) == X.shape[1]
    assert report.shap_importance.index[0] in list(report.permutation_importance.index[:3])


def test_shap_of_a_whole_automl_model_on_numbers_only() -> None:
    """A model without a separate preprocessing step, fed numbers only, falls to the permutation
    explainer on the raw frame: its background must be the raw rows (it was the encoded array,
    a KeyError that failed `mirae train` on a two-column table)."""
    import numpy as np
    import pandas as pd

    from mirae.evaluate._shap import shap_values_by_column
    from mirae.supervised import AutoClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=120)
    frame = pd.DataFrame({"x": x, "z": rng.normal(size=120)})
    target = (x + rng.normal(scale=0.8, size=120) > 0).astype(int)
    model = AutoClassifier(models=("linear",), n_folds=2, n_trials=0, random_state=0).fit(frame, target)
    shap = shap_values_by_column(model, frame, max_samples=30, background_size=10, random_state=0)
    assert list(shap.values.columns) == ["x", "z"]
    assert shap.values["x"].abs().mean() > shap.values["z"].abs().mean()
