"""Numbers checked against hand calculations on small arrays."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mirae.errors import EvaluationError
from mirae.evaluate import (
    ClassificationReport,
    RegressionReport,
    cost_threshold,
    fold_stability,
    lift_at,
    lift_table,
    per_segment_errors,
    regression_errors_by_segment,
    regression_metrics,
)

# The seed's singing example (음치 = positive): truth and guess for six people, plus a group column.
TRUTH = np.array([1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0])
GUESS = np.array([1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1])
GROUP = np.array(["a"] * 6 + ["b"] * 6)


def test_per_segment_errors_match_the_confusion_matrix_by_hand() -> None:
    table = per_segment_errors(TRUTH, GUESS, pd.Series(GROUP, name="group"))
    assert table.index.name == "group"
    # group a: TP=2 (rows 0,1) FN=2 (rows 2,3) TN=2 (rows 4,5) FP=0
    a = table.loc["a"]
    assert (a["tp"], a["fp"], a["tn"], a["fn"], a["n"]) == (2, 0, 2, 2, 6)
    assert a["prevalence"] == pytest.approx(4 / 6)
    assert a["accuracy"] == pytest.approx(4 / 6)
    assert a["tpr"] == pytest.approx(2 / 4)
    assert a["precision"] == pytest.approx(2 / 2)
    assert a["specificity"] == pytest.approx(2 / 2)
    assert a["npv"] == pytest.approx(2 / 4)
    assert a["fpr"] == pytest.approx(0 / 2)
    assert a["fdr"] == pytest.approx(0 / 2)
    assert a["fnr"] == pytest.approx(2 / 4)
    assert a["for"] == pytest.approx(2 / 4)
    # group b: truth 1 0 0 1 0 0, guess 1 1 0 0 0 1 -> TP=1 FP=2 TN=2 FN=1
    b = table.loc["b"]
    assert (b["tp"], b["fp"], b["tn"], b["fn"]) == (1, 2, 2, 1)
    assert b["prevalence"] == pytest.approx(2 / 6)
    assert b["accuracy"] == pytest.approx(3 / 6)
    assert b["tpr"] == pytest.approx(1 / 2)
    assert b["precision"] == pytest.approx(1 / 3)
    assert b["specificity"] == pytest.approx(2 / 4)
    assert b["npv"] == pytest.approx(2 / 3)
    assert b["fpr"] == pytest.approx(2 / 4)
    assert b["fdr"] == pytest.approx(2 / 3)
    assert b["fnr"] == pytest.approx(1 / 2)
    assert b["for"] == pytest.approx(1 / 3)


def test_zero_denominators_are_nan_not_zero() -> None:
    # one segment where every row is positive and predicted positive
    table = per_segment_errors([1, 1, 0], [1, 1, 1], ["x", "x", "y"])
    x = table.loc["x"]
    assert x["tpr"] == 1.0 and x["precision"] == 1.0
    for column in ("specificity", "fpr", "npv", "for"):
        assert math.isnan(x[column]), column
    y = table.loc["y"]
    for column in ("tpr", "fnr", "npv", "for"):
        assert math.isnan(y[column]), column
    assert y["fdr"] == 1.0


def test_numeric_segments_become_quantile_bins_and_missing_is_a_segment() -> None:
    values = pd.Series([*range(20), np.nan], name="age", dtype="float64")
    truth = np.r_[np.zeros(10, int), np.ones(11, int)]
    table = per_segment_errors(truth, truth, values, bins=4, max_levels=5)
    assert list(table.index)[-1] == "(missing)"
    assert len(table) == 5
    assert table["n"].sum() == 21
    assert table["accuracy"].eq(1.0).all()


def test_multiclass_segments_need_a_positive_class() -> None:
    truth = ["VIP", "DIA", "NORMAL", "VIP"]
    with pytest.raises(EvaluationError, match="pos_label"):
        per_segment_errors(truth, truth, ["a", "a", "b", "b"])
    table = per_segment_errors(truth, ["VIP", "VIP", "NORMAL", "DIA"], ["a", "a", "b", "b"], pos_label="VIP")
    assert table.loc["a", "fp"] == 1 and table.loc["b", "fn"] == 1
    assert table.loc["b", "accuracy"] == 0.5  # exact matches, not one-vs-rest


def test_lift_at_20_by_hand_without_ties() -> None:
    truth = np.array([1, 1, 0, 1, 0, 0, 0, 0, 1, 0])  # 4 positives in 10
    score = np.arange(10, 0, -1)  # already ranked
    # top 2 rows hold 2 positives: (2/2) / (4/10) = 2.5
    assert lift_at(truth, score) == pytest.approx(2.5)
    table = lift_table(truth, score, n_groups=5)
    assert table["n"].tolist() == [2, 2, 2, 2, 2]
    # pairs of rows: (1, 1) (0, 1) (0, 0) (0, 0) (1, 0)
    assert table["n_positive"].tolist() == [2, 1, 0, 0, 1]
    assert table["lift"].tolist() == pytest.approx([2.5, 1.25, 0.0, 0.0, 1.25])
    assert table["cumulative_gain"].tolist() == pytest.approx([0.5, 0.75, 0.75, 0.75, 1.0])
    assert table["cumulative_lift"].iloc[1] == pytest.approx((3 / 4) / 0.4)


def test_lift_shares_the_positives_of_tied_scores() -> None:
    # a tree with two leaves: 4 rows score 0.9 (3 positive), 6 rows score 0.1 (1 positive)
    truth = np.array([1, 0, 1, 1, 0, 0, 0, 1, 0, 0])
    score = np.array([0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])
    # top 2 rows are inside the 0.9 leaf: expected positives 2 * 3/4 = 1.5 -> rate 0.75 over 0.4
    assert lift_at(truth, score) == pytest.approx(0.75 / 0.4)
    # row order must not matter
    order = np.random.default_rng(0).permutation(10)
    assert lift_at(truth[order], score[order]) == pytest.approx(0.75 / 0.4)


def test_lift_matches_a_direct_count_on_real_scores(telco_gbm, telco_split) -> None:
    _, X_test, _, y_test = telco_split
    score = telco_gbm.predict_proba(X_test)[:, 1]
    truth = (y_test == "Yes").to_numpy()
    top = int(round(0.2 * len(score)))
    ranked = np.argsort(-score, kind="stable")[:top]
    if len(np.unique(score)) == len(score):
        assert lift_at(y_test, score, pos_label="Yes") == pytest.approx(truth[ranked].mean() / truth.mean())
    assert lift_at(y_test, score, pos_label="Yes") > 2.0  # a useful churn model


def test_cost_threshold_minimises_cost_by_brute_force() -> None:
    truth = np.array([0, 0, 1, 0, 1, 1, 0, 1])
    score = np.array([0.05, 0.2, 0.3, 0.45, 0.5, 0.7, 0.8, 0.95])
    choice = cost_threshold(truth, score, fp_cost=1.0, fn_cost=4.0)
    grid = np.r_[score, 1.0]
    costs = [
        (1.0 * np.sum((score >= t) & (truth == 0)) + 4.0 * np.sum((score < t) & (truth == 1))) / len(truth)
        for t in grid
    ]
    assert choice.expected_cost == pytest.approx(min(costs))
    # by hand: flag >= 0.3 -> FP = 2 (0.45, 0.8), FN = 0 -> cost 2/8
    assert choice.threshold == pytest.approx(0.3)
    assert choice.expected_cost == pytest.approx(0.25)
    assert choice.counts == {"tp": 4, "fp": 2, "tn": 2, "fn": 0}
    assert choice.bayes_threshold == pytest.approx(1 / 5)
    assert choice.cost_at_half == pytest.approx((1 * 1 + 4 * 1) / 8)  # FP 0.8, FN 0.3
    assert choice.curve["threshold"].is_monotonic_increasing
    assert choice.threshold in choice.curve["threshold"].tolist()


def test_cost_threshold_with_benefits_and_no_flag_option() -> None:
    # false alarms are so expensive that flagging nobody is best
    choice = cost_threshold([0, 1, 0], [0.9, 0.5, 0.6], fp_cost=100, fn_cost=1)
    assert choice.counts["tp"] + choice.counts["fp"] == 0
    assert choice.threshold > 0.9
    assert choice.expected_cost == pytest.approx(1 / 3)


def test_report_auc_matches_scikit_learn(telco_gbm, telco_split) -> None:
    from sklearn.metrics import average_precision_score, roc_auc_score

    _, X_test, _, y_test = telco_split
    proba = telco_gbm.predict_proba(X_test)
    report = ClassificationReport.from_predictions(y_test, proba=proba, classes=list(telco_gbm.classes_))
    assert report.pos_label == "Yes"
    assert report.metrics["roc_auc"] == pytest.approx(roc_auc_score(y_test == "Yes", proba[:, 1]))
    assert report.metrics["average_precision"] == pytest.approx(
        average_precision_score(y_test == "Yes", proba[:, 1])
    )
    assert report.roc[0]["auc"] == pytest.approx(report.metrics["roc_auc"])
    assert report.roc[0]["fpr"][0] == 0.0 and report.roc[0]["tpr"][-1] == 1.0
    assert len(report.roc[0]["fpr"]) <= 400


def test_confusion_matrix_and_class_report_by_hand() -> None:
    report = ClassificationReport.from_predictions(TRUTH, GUESS)
    assert report.confusion_matrix.to_numpy().tolist() == [[4, 2], [3, 3]]
    cr = report.class_report
    assert cr.loc[1, "precision"] == pytest.approx(3 / 5)
    assert cr.loc[1, "recall"] == pytest.approx(3 / 6)
    assert cr.loc[0, "f1-score"] == pytest.approx(2 * (4 / 7) * (4 / 6) / (4 / 7 + 4 / 6))
    assert cr.loc["macro avg", "support"] == 12
    assert report.metrics["accuracy"] == pytest.approx(7 / 12)
    assert "roc_auc" not in report.metrics and report.lift is None


def test_never_predicted_class_has_nan_precision() -> None:
    report = ClassificationReport.from_predictions([0, 1, 2, 2], [0, 1, 1, 1])
    assert math.isnan(report.class_report.loc[2, "precision"])
    assert report.class_report.loc[2, "recall"] == 0.0


def test_regression_metrics_by_hand_and_mape_skips_zeros() -> None:
    truth = [0.0, 10.0, 20.0, 40.0]
    guess = [1.0, 12.0, 15.0, 40.0]
    metrics = regression_metrics(truth, guess)
    errors = np.array([-1.0, -2.0, 5.0, 0.0])
    assert metrics["rmse"] == pytest.approx(math.sqrt(np.mean(errors**2)))
    assert metrics["mae"] == pytest.approx(2.0)
    assert metrics["mape"] == pytest.approx((2 / 10 + 5 / 20 + 0) / 3)
    assert metrics["mape_zero_rows"] == 1
    mean = np.mean(truth)
    assert metrics["r2"] == pytest.approx(1 - np.sum(errors**2) / np.sum((np.array(truth) - mean) ** 2))
    report = RegressionReport.from_predictions(truth, guess)
    assert any("MAPE" in note for note in report.notes)


def test_regression_errors_by_segment_by_hand() -> None:
    table = regression_errors_by_segment([1.0, 2.0, 0.0, 4.0], [1.0, 4.0, 1.0, 2.0], ["u", "u", "v", "v"])
    assert table.loc["u", "rmse"] == pytest.approx(math.sqrt((0 + 4) / 2))
    assert table.loc["v", "mape"] == pytest.approx(2 / 4)  # the zero actual is left out
    assert table.loc["u", "bias"] == pytest.approx(-1.0)


def test_fold_stability_labels() -> None:
    stable = fold_stability([0.81, 0.80, 0.82, 0.81, 0.80])
    assert stable.mean == pytest.approx(0.808)
    assert stable.std == pytest.approx(np.std([0.81, 0.80, 0.82, 0.81, 0.80], ddof=1))
    assert stable.label == "stable"
    assert fold_stability([0.70, 0.80, 0.90]).label == "moderate"  # cv = 0.1 / 0.8
    assert fold_stability([0.2, 0.8]).label == "unstable"
    assert fold_stability([0.5]).label == "insufficient"
    assert str(fold_stability([1.0, 1.0])) == "1.000 ± 0.000 (stable)"
    with pytest.raises(EvaluationError):
        fold_stability([0.5, float("nan")])


def test_bad_inputs_say_what_is_wrong() -> None:
    with pytest.raises(EvaluationError, match="same number of rows"):
        ClassificationReport.from_predictions([0, 1], [0, 1, 1])
    with pytest.raises(EvaluationError, match="pos_label 'maybe'"):
        ClassificationReport.from_predictions([0, 1], [0, 1], pos_label="maybe")
    with pytest.raises(EvaluationError, match="shape"):
        ClassificationReport.from_predictions([0, 1, 2], proba=[[0.5, 0.5]] * 3, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="'fp' and 'fn'"):
        ClassificationReport.from_predictions([0, 1], proba=[0.2, 0.7], costs={"fp": 1})
    with pytest.raises(EvaluationError, match="NaN"):
        regression_metrics([1.0, float("nan")], [1.0, 2.0])
