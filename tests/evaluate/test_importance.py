"""Permutation importance, SHAP and partial dependence on real data."""

from __future__ import annotations

import numpy as np
import pytest

from mirae.evaluate import partial_dependence_curves, permutation_importance, shap_importance


def test_permutation_importance_uses_original_columns(german, german_logistic) -> None:
    X, y = german
    table = permutation_importance(german_logistic, X, y, n_repeats=3)
    assert list(table.columns) == ["importance_mean", "importance_std"]
    assert set(table.index) == set(X.columns)
    assert table["importance_mean"].is_monotonic_decreasing
    assert table.index[0] == "status_of_existing_checking_account"  # the known strongest signal


def test_shap_tree_and_linear_agree_on_the_strongest_column(german, german_logistic, german_tree) -> None:
    X, _ = german
    linear = shap_importance(german_logistic, X, max_samples=200)
    tree = shap_importance(german_tree, X, max_samples=200)
    assert set(linear.index) == set(X.columns) == set(tree.index)
    assert linear.index[0] == tree.index[0] == "status_of_existing_checking_account"
    assert (linear["mean_abs_shap"] >= 0).all()
    # a column the tree never splits on has no SHAP value
    used = set(german_tree[:-1].get_feature_names_out()[german_tree[-1].feature_importances_ > 0])
    unused = [c for c in X.columns if not any(name.endswith(f"__{c}") or f"__{c}_" in name for name in used)]
    assert unused and (tree.loc[unused, "mean_abs_shap"] == 0).all()


@pytest.mark.slow
def test_shap_permutation_explainer_for_other_models(german) -> None:
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = german
    numeric = X.select_dtypes("number")
    model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=15)).fit(numeric, y)
    table = shap_importance(model, numeric, max_samples=40, background_size=20)
    assert set(table.index) == set(numeric.columns)
    assert table["mean_abs_shap"].sum() > 0


def test_partial_dependence_of_numeric_and_categorical_columns(german, german_logistic) -> None:
    X, _ = german
    numeric, categorical = partial_dependence_curves(german_logistic, X, ["duration_in_month", "purpose"])
    assert numeric["kind"] == "numeric" and categorical["kind"] == "categorical"
    assert set(categorical["grid"]) == set(X["purpose"].unique())
    # longer loans are riskier: P(good) falls with duration for a logistic model
    good = np.asarray(numeric["average"])
    assert list(german_logistic.classes_) == ["bad", "good"]
    assert np.all(np.diff(good) <= 1e-12)
