"""Screening after the first fold and the shared preprocessed folds: faster fits, the same answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from mirae.supervised import AutoClassifier, AutoRegressor
from mirae.supervised._cv import Candidate, FoldCache, cross_validate, make_splits
from mirae.supervised._metrics import binary_auc, leaderboard_metrics, resolve_metric
from mirae.supervised._screen import clearly_behind
from mirae.supervised._zoo import get_spec

FAMILIES = ["linear", "lightgbm", "decision_tree", "knn", "xgboost"]


@pytest.fixture(scope="module")
def linear_world() -> pd.DataFrame:
    """A boundary that is a straight line through ten numbers: trees and neighbours trail a linear model."""
    rng = np.random.default_rng(7)
    features = rng.normal(size=(1000, 10))
    score = features @ rng.normal(size=10) + rng.normal(scale=0.5, size=1000)
    frame = pd.DataFrame(features, columns=[f"x{i}" for i in range(10)])
    frame["bought"] = np.where(score > 0, "yes", "no")
    return frame


@pytest.fixture(scope="module")
def screened(linear_world: pd.DataFrame) -> AutoClassifier:
    return AutoClassifier(models=FAMILIES, n_folds=4, ensemble=False).fit(linear_world, "bought")


@pytest.fixture(scope="module")
def unscreened(linear_world: pd.DataFrame) -> AutoClassifier:
    return AutoClassifier(models=FAMILIES, n_folds=4, ensemble=False, screen=False).fit(
        linear_world, "bought"
    )


def test_families_clearly_behind_stop_after_one_fold(screened: AutoClassifier) -> None:
    board = screened.leaderboard_
    stopped = board[board["n_folds"] == 1]
    assert len(stopped) >= 1
    assert {"decision_tree"} <= set(stopped["model"])
    assert len(board) - len(stopped) >= 4  # the four best always run every fold
    assert stopped["roc_auc_std"].isna().all()  # one fold has no spread
    assert (board.loc[board["n_folds"] == 4, "rank"].max()) < stopped["rank"].min()  # complete ones first
    assert screened.best_model_ not in set(stopped["model"])
    assert any("ran no further folds" in notice and "decision_tree" in notice for notice in screened.notices_)
    for name in stopped["model"]:
        assert screened.candidates_[name].screened_out


def test_screening_changes_nothing_for_the_families_that_go_on(
    screened: AutoClassifier, unscreened: AutoClassifier
) -> None:
    assert (unscreened.leaderboard_["n_folds"] == 4).all()
    assert not any("ran no further folds" in notice for notice in unscreened.notices_)
    kept = [name for name, c in screened.candidates_.items() if not c.screened_out]
    for name in kept:
        assert screened.candidates_[name].scores == unscreened.candidates_[name].scores
    for name, candidate in screened.candidates_.items():
        if candidate.screened_out:  # its one fold is the first fold of the full run
            assert candidate.scores["roc_auc"] == unscreened.candidates_[name].scores["roc_auc"][:1]
    assert screened.best_model_ == unscreened.best_model_
    np.testing.assert_allclose(
        screened.predict_proba(screened_input()), unscreened.predict_proba(screened_input())
    )


def screened_input() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame(rng.normal(size=(20, 10)), columns=[f"x{i}" for i in range(10)])


def test_two_folds_or_few_families_are_never_screened(linear_world: pd.DataFrame) -> None:
    two = AutoClassifier(models=FAMILIES, n_folds=2, ensemble=False).fit(linear_world, "bought")
    assert (two.leaderboard_["n_folds"] == 2).all()
    few = AutoClassifier(models=["linear", "decision_tree", "knn"], n_folds=3, ensemble=False).fit(
        linear_world, "bought"
    )
    assert (few.leaderboard_["n_folds"] == 3).all()


def test_regression_screens_by_its_error(linear_world: pd.DataFrame) -> None:
    frame = linear_world.drop(columns="bought")
    frame["price"] = frame[[f"x{i}" for i in range(10)]].sum(axis=1) * 3.0
    model = AutoRegressor(models=FAMILIES, n_folds=3, ensemble=False).fit(frame, "price")
    board = model.leaderboard_
    assert board.loc[0, "model"] == "linear"
    assert (board["n_folds"] == 1).any()
    assert board.loc[board["n_folds"] == 3, "rmse_mean"].is_monotonic_increasing


def test_clearly_behind_keeps_ties_and_names_the_clearly_worse() -> None:
    rng = np.random.default_rng(0)
    truth = rng.normal(size=600)
    metric = resolve_metric("rmse", "regression")
    predictions = {
        "good": truth + rng.normal(scale=0.3, size=600),
        "as_good": truth + rng.normal(scale=0.3, size=600),
        "poor": truth + rng.normal(scale=1.5, size=600),
        "worse": truth + rng.normal(scale=3.0, size=600),
    }
    behind = clearly_behind(predictions, truth, metric, keep=1, classify=False, random_state=0)
    assert behind == ["worse", "poor"]
    assert clearly_behind(predictions, truth, metric, keep=4, classify=False, random_state=0) == []


def test_shared_preprocessed_folds_give_the_same_scores_as_each_pipeline_alone(
    linear_world: pd.DataFrame,
) -> None:
    frame = linear_world.drop(columns="bought")
    y = (linear_world["bought"] == "yes").to_numpy().astype(np.int64)
    splits = make_splits("stratified", 3, task="binary", y=y, groups=None, order=None, random_state=0)
    metrics = leaderboard_metrics(resolve_metric("roc_auc", "binary"), "binary")

    def run(cache: FoldCache | None) -> Candidate:
        build = AutoClassifier()._pipeline
        spec = get_spec("lightgbm")
        return cross_validate(
            Candidate("lightgbm", "lightgbm", {}, "default"),
            lambda: build(spec, spec.defaults("binary"), "binary"),
            frame,
            y,
            splits=splits,
            weight=None,
            metrics=metrics,
            task="binary",
            n_classes=2,
            train_rows=None,
            random_state=0,
            cache=cache,
        )

    alone = run(None)
    shared = FoldCache()
    first, again = run(shared), run(shared)
    tiny = run(FoldCache(max_bytes=0))  # nothing kept: every fold preprocessed afresh
    for candidate in (first, again, tiny):
        assert candidate.scores == alone.scores
        np.testing.assert_array_equal(candidate.oof, alone.oof)


def test_binary_auc_is_scikit_learns_number_with_ties() -> None:
    rng = np.random.default_rng(3)
    for _ in range(50):
        n = int(rng.integers(2, 400))
        y = rng.integers(0, 2, n)
        y[:2] = [0, 1]
        score = np.round(rng.normal(size=n), int(rng.integers(0, 3)))  # coarse scores tie often
        assert binary_auc(y, score) == pytest.approx(roc_auc_score(y, score), abs=1e-12)
    with pytest.raises(ValueError, match="one class"):
        binary_auc(np.zeros(5), np.arange(5.0))
    with pytest.raises(ValueError, match="NaN"):
        binary_auc(np.array([0, 1]), np.array([0.5, np.nan]))
