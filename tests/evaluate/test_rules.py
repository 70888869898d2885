"""IF-THEN rules: every row in exactly one rule, leaf rates and sizes, surrogate fidelity."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mirae.errors import EvaluationError
from mirae.evaluate import TreeRules, tree_rules


def _masks(rules: TreeRules, X: pd.DataFrame) -> np.ndarray:
    return np.column_stack([rule.mask(X) for rule in rules.rules])


def test_rules_of_a_tree_in_a_pipeline_cover_every_row_once(german, german_tree) -> None:
    X, y = german
    rules = tree_rules(german_tree, X, y, target_class="bad")
    assert not rules.surrogate and rules.fidelity is None
    tree = german_tree[-1]
    assert len(rules.rules) == tree.get_n_leaves()
    masks = _masks(rules, X)  # conditions read in the original columns and units
    assert (masks.sum(axis=1) == 1).all()
    leaves = rules.assign(X)
    for j, rule in enumerate(rules.rules):
        assert (masks[:, j] == (leaves == rule.leaf)).all()


def test_rule_rates_and_sizes_are_the_tree_leaves(german, german_tree) -> None:
    X, y = german
    rules = tree_rules(german_tree, X, y, target_class="bad")
    tree = german_tree[-1].tree_
    bad = list(german_tree.classes_).index("bad")
    for rule in rules.rules:
        value = tree.value[rule.leaf][0]
        assert rule.value == pytest.approx(value[bad] / value.sum())
        assert rule.n == tree.n_node_samples[rule.leaf]  # fit on the same rows
        assert rule.observed == pytest.approx(rule.value)  # the training rate of the leaf
        assert f"(n = {rule.n:,})" in rule.text and f"{rule.value:.1%}" in rule.text
    values = [r.value for r in rules.rules]
    assert values == sorted(values, reverse=True)
    assert sum(r.n for r in rules.rules) == len(X)


def test_one_hot_and_scaled_conditions_read_as_original_columns(german, german_tree) -> None:
    X, y = german
    text = str(tree_rules(german_tree, X, y))
    assert "status_of_existing_checking_account = no checking account" in text or (
        "status_of_existing_checking_account != no checking account" in text
    )
    assert "cat__" not in text and "num__" not in text
    # duration is an integer column: thresholds show as whole months
    durations = [
        c
        for r in tree_rules(german_tree, X, y).rules
        for c in r.conditions
        if c.column == "duration_in_month"
    ]
    assert durations, "the tree splits on duration"
    assert all(c.kind == "range" for c in durations)


def test_same_feature_conditions_are_merged_into_a_range() -> None:
    from sklearn.tree import DecisionTreeRegressor

    X = pd.DataFrame({"amount": np.arange(100.0) * 1000.5})
    y = ((X["amount"] > 30000) & (X["amount"] < 60000)).astype(float).rename("in_band")
    rules = tree_rules(DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, y), X, y)
    middle = rules.rules[0]
    assert middle.value == 1.0
    assert len(middle.conditions) == 1 and middle.conditions[0].column == "amount"
    # thresholds are midpoints between rows: 29,514.75 and 59,529.75
    assert middle.text == "IF 29,515 < amount <= 59,530 THEN in_band = 1 (n = 30)"


def test_surrogate_fidelity_is_the_agreement_with_the_model(german, german_logistic) -> None:
    X, y = german
    rules = tree_rules(german_logistic, X, y, max_depth=3, target_class="bad")
    assert rules.surrogate
    # recompute: the surrogate's likeliest class per row against the model's labels
    leaf_class = {r.leaf: r.prediction for r in rules.rules}
    surrogate_labels = np.array([leaf_class[leaf] for leaf in rules.assign(X)])
    expected = float(np.mean(surrogate_labels == german_logistic.predict(X)))
    assert 0.0 <= rules.fidelity <= 1.0
    assert rules.fidelity == pytest.approx(expected)
    assert len(rules.rules) <= 8
    assert (_masks(rules, X).sum(axis=1) == 1).all()
    # a surrogate leaf states the mean predicted probability of its rows
    proba = german_logistic.predict_proba(X)[:, list(german_logistic.classes_).index("bad")]
    leaves = rules.assign(X)
    for rule in rules.rules:
        assert rule.value == pytest.approx(proba[leaves == rule.leaf].mean())


def test_regression_surrogate_fidelity_is_r2(housing) -> None:
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.metrics import r2_score

    X, y = housing
    X, y = X.iloc[:3000], y.iloc[:3000]
    model = GradientBoostingRegressor(n_estimators=30, random_state=0).fit(X, y)
    rules = tree_rules(model, X, y, max_depth=3)
    leaves = rules.assign(X)
    by_leaf = {r.leaf: r.value for r in rules.rules}
    surrogate = np.array([by_leaf[leaf] for leaf in leaves])
    assert rules.fidelity == pytest.approx(r2_score(model.predict(X), surrogate))
    assert 0.0 <= rules.fidelity <= 1.0
    assert rules.rules[0].text.startswith("IF ") and "MedHouseVal = " in rules.rules[0].text


def test_korean_phrasing_and_json_round_trip(german, german_tree) -> None:
    X, y = german
    rules = tree_rules(german_tree, X, y, target_class="bad", lang="ko")
    assert all(r.text.startswith("만약 ") and " 이면 " in r.text for r in rules.rules)
    assert any(" 그리고 " in r.text for r in rules.rules)
    data = json.loads(json.dumps(rules.to_dict()))
    again = TreeRules.from_dict(data)
    assert again.to_dict() == data
    assert (_masks(again, X) == _masks(rules, X)).all()
    with pytest.raises(EvaluationError, match="hold no tree"):
        again.assign(X)


def test_multiclass_rules_name_the_likeliest_class(telco) -> None:
    from sklearn.tree import DecisionTreeClassifier

    X, _ = telco
    features = X[["tenure", "MonthlyCharges"]]
    model = DecisionTreeClassifier(max_depth=2, random_state=0).fit(features, X["Contract"])
    rules = tree_rules(model, features, X["Contract"])
    assert {r.prediction for r in rules.rules} <= set(model.classes_)
    assert all("Contract = " in r.text and "(P = " in r.text for r in rules.rules)


def test_unknown_target_class_is_refused(german, german_tree) -> None:
    X, y = german
    with pytest.raises(EvaluationError, match="target_class"):
        tree_rules(german_tree, X, y, target_class="ugly")
