"""Greedy ensemble selection over out-of-fold predictions of real models."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.tree import DecisionTreeClassifier

from mirae.prep import TablePreprocessor
from mirae.supervised import AutoClassifier, greedy_ensemble, resolve_metric


def test_greedy_ensemble_never_scores_below_the_best_member(german: pd.DataFrame) -> None:
    X = TablePreprocessor().fit_transform(german.drop(columns=["creditability"]))
    y = (german["creditability"] == german["creditability"].iloc[0]).to_numpy().astype(int)
    members = [
        cross_val_predict(LogisticRegression(max_iter=1000), X, y, cv=3, method="predict_proba"),
        cross_val_predict(
            DecisionTreeClassifier(max_depth=3, random_state=0), X, y, cv=3, method="predict_proba"
        ),
        cross_val_predict(
            DecisionTreeClassifier(max_depth=8, random_state=0), X, y, cv=3, method="predict_proba"
        ),
    ]
    metric = resolve_metric("log_loss", "binary")
    weights, score = greedy_ensemble(members, y, metric, iterations=20)
    assert weights.shape == (3,) and abs(weights.sum() - 1) < 1e-12 and (weights >= 0).all()
    assert score <= min(metric.score(y, p) for p in members) + 1e-12
    again, _ = greedy_ensemble(members, y, metric, iterations=20)
    np.testing.assert_array_equal(weights, again)


def test_greedy_ensemble_ignores_rows_outside_the_mask() -> None:
    y = np.array([0.0, 1.0, 2.0, 3.0])
    exact = np.array([0.0, 1.0, 2.0, 3.0])
    rows = np.array([False, True, True, True])
    broken_first = np.array([100.0, 1.0, 2.0, 3.0])  # wrong only where the mask is False
    weights, score = greedy_ensemble(
        [broken_first, exact + 1], y, resolve_metric("rmse", "regression"), rows=rows
    )
    assert weights.tolist() == [1.0, 0.0] and score == 0.0


def test_ensemble_can_be_turned_off(german: pd.DataFrame) -> None:
    model = AutoClassifier(models=["linear", "decision_tree"], n_folds=3, ensemble=False).fit(
        german, "creditability"
    )
    assert model.best_model_ in {"linear", "decision_tree"} and len(model.models_) == 1
    assert "ensemble" not in set(model.leaderboard_["model"])
