"""Report objects on real data: sections, JSON round trip, standalone HTML in Korean and English."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import mirae.evaluate
from mirae.errors import ConfigError
from mirae.evaluate import ClassificationReport, RegressionReport, evaluate_classifier, evaluate_regressor


@pytest.fixture(scope="module")
def churn_report(telco_gbm, telco_split) -> ClassificationReport:
    _, X_test, _, y_test = telco_split
    return evaluate_classifier(
        telco_gbm,
        X_test,
        y_test,
        segment_by=["Contract", "tenure"],
        costs={"fp": 1.0, "fn": 5.0},
        max_samples=500,
    )


def test_classification_report_has_every_section(churn_report, telco_split) -> None:
    _, X_test, _, y_test = telco_split
    r = churn_report
    assert r.n == len(y_test) and r.classes == ["No", "Yes"] and r.pos_label == "Yes"
    assert r.target_name == "Churn"
    assert r.confusion_matrix.to_numpy().sum() == len(y_test)
    assert 0.75 < r.metrics["roc_auc"] < 0.95
    assert r.lift is not None and len(r.lift) == 10
    assert r.lift["n"].sum() == len(y_test)
    assert r.lift["cumulative_gain"].iloc[-1] == pytest.approx(1.0)
    assert r.lift_at_20 == r.metrics["lift_at_20"] > 1.5
    assert r.calibration and r.pr and r.roc
    assert r.threshold is not None and r.threshold.threshold < 0.5  # misses cost 5x false alarms
    assert r.threshold.expected_cost <= r.threshold.cost_at_half
    contract = r.segments["Contract"]
    assert list(contract.index) == ["Month-to-month", "One year", "Two year"]
    assert contract["n"].sum() == len(y_test)
    assert contract.loc["Month-to-month", "prevalence"] > contract.loc["Two year", "prevalence"]
    assert len(r.segments["tenure"]) == 5  # numeric column cut into quantile bins
    assert set(r.permutation_importance.index) == set(X_test.columns)
    assert set(r.shap_importance.index) == set(X_test.columns)  # one-hot columns summed back
    assert r.shap_explainer == "tree"
    assert len(r.partial_dependence) == 3
    assert r.partial_dependence[0]["feature"] == r.permutation_importance.index[0]
    assert r.rules is not None and r.rules.surrogate and 0 <= r.rules.fidelity <= 1


def test_json_round_trips(churn_report) -> None:
    text = churn_report.to_json()
    data = json.loads(text)
    assert data["kind"] == "classification_report"
    assert set(data) >= {
        "metrics",
        "confusion_matrix",
        "class_report",
        "roc",
        "lift",
        "threshold",
        "segments",
    }
    assert data["segments"]["Contract"]["columns"][:3] == ["n", "prevalence", "accuracy"]
    again = ClassificationReport.from_json(text)
    assert again.to_dict() == data
    assert again.lift_at_20 == pytest.approx(churn_report.lift_at_20)
    assert again.segments["Contract"].loc["One year", "tpr"] == pytest.approx(
        churn_report.segments["Contract"].loc["One year", "tpr"]
    )
    with pytest.raises(ValueError, match="regression_report"):
        RegressionReport.from_dict(data)


def test_html_is_standalone_and_localised(churn_report, tmp_path) -> None:
    from plotly.offline import get_plotlyjs

    ko = churn_report.to_html(tmp_path / "ko.html", lang="ko")
    en = churn_report.to_html(tmp_path / "en.html", lang="en")
    plotly_js = get_plotlyjs()
    for page in (ko, en):
        assert page.count(plotly_js) == 1  # plotly.js inlined exactly once
        rest = page.replace(plotly_js, "")
        assert "<script src=" not in rest and "http" not in rest  # nothing fetched from a network
        assert "Plotly.newPlot" in rest
    assert (
        '<html lang="ko">' in ko and "혼동 행렬" in ko and "세그먼트별 오류" in ko and "상위 20% 향상도" in ko
    )
    assert '<html lang="en">' in en and "Confusion matrix" in en and "Errors by segment" in en
    assert "혼동 행렬" not in en
    with pytest.raises(ConfigError, match="lang"):
        churn_report.to_html(tmp_path / "x.html", lang="fr")


def test_html_escapes_user_text(tmp_path) -> None:
    evil = "<script>alert(1)</script>"
    truth = np.array([evil, "ok", evil, "ok", evil, "ok"], dtype=object)
    report = ClassificationReport.from_predictions(
        truth,
        proba=[0.9, 0.2, 0.7, 0.4, 0.3, 0.1],
        classes=["ok", evil],
        segments={"<b>region</b>": ["A&B", "A&B", "<i>C</i>", "<i>C</i>", "A&B", "A&B"]},
    )
    page = report.to_html(tmp_path / "r.html", lang="en")
    body = page.split("</head>", 1)[1]
    assert evil not in body and "<b>region</b>" not in body and "<i>C</i>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "A&amp;B" in body
    assert "\\u003cscript\\u003e" in body  # inside chart JSON


def test_multiclass_report(telco) -> None:
    from sklearn.linear_model import LogisticRegression

    X, _ = telco
    features = X[["tenure", "MonthlyCharges", "TotalCharges"]].iloc[:3000]
    target = X["Contract"].iloc[:3000]
    model = LogisticRegression(max_iter=2000).fit(features, target)
    report = evaluate_classifier(
        model, features, target, segment_by="tenure", pos_label="Two year", explain=["shap", "rules"]
    )
    assert len(report.roc) == 3 and report.pos_label == "Two year"
    assert report.lift is not None  # one-vs-rest for the positive class
    assert report.shap_explainer == "linear"
    assert report.segments["tenure"]["n"].sum() == 3000
    assert report.confusion_matrix.shape == (3, 3)
    assert ClassificationReport.from_json(report.to_json()).to_dict() == json.loads(report.to_json())


def test_regression_report_on_california_housing(housing, tmp_path) -> None:
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

    X, y = housing
    X_train, y_train, X_test, y_test = X.iloc[::4], y.iloc[::4], X.iloc[1::8], y.iloc[1::8]
    model = GradientBoostingRegressor(n_estimators=50, random_state=0).fit(X_train, y_train)
    report = evaluate_regressor(model, X_test, y_test, segment_by="HouseAge", max_samples=500)
    predicted = model.predict(X_test)
    assert report.metrics["rmse"] == pytest.approx(root_mean_squared_error(y_test, predicted))
    assert report.metrics["mae"] == pytest.approx(mean_absolute_error(y_test, predicted))
    assert report.metrics["r2"] == pytest.approx(r2_score(y_test, predicted))
    assert report.metrics["mape_zero_rows"] == 0
    assert sum(report.residuals["hist_counts"]) == len(y_test)
    assert report.residuals["n_shown"] == 2000
    assert report.segments["HouseAge"]["n"].sum() == len(y_test)
    assert report.shap_explainer == "tree" and report.rules is not None
    data = json.loads(report.to_json())
    assert RegressionReport.from_dict(data).to_dict() == data
    page = report.to_html(tmp_path / "reg.html", lang="ko")
    assert "잔차 대 예측값" in page and "결정계수" in page


def test_explain_names_are_checked(german, german_logistic) -> None:
    X, y = german
    with pytest.raises(ConfigError, match="unknown explanations"):
        evaluate_classifier(german_logistic, X, y, explain=["lime"])
    with pytest.raises(ConfigError, match="not in X"):
        evaluate_classifier(german_logistic, X, y, segment_by="zip", explain=False)


def test_public_api_is_pinned() -> None:
    assert sorted(mirae.evaluate.__all__) == [
        "ClassificationReport",
        "Condition",
        "FoldStability",
        "RegressionReport",
        "Rule",
        "ThresholdChoice",
        "TreeRules",
        "cost_threshold",
        "evaluate_classifier",
        "evaluate_regressor",
        "fold_stability",
        "label",
        "lift_at",
        "lift_table",
        "partial_dependence_curves",
        "per_segment_errors",
        "permutation_importance",
        "regression_errors_by_segment",
        "regression_metrics",
        "shap_importance",
        "tree_rules",
    ]


def test_import_is_cheap() -> None:
    code = "import sys, mirae.evaluate; print(sorted(m for m in ('sklearn', 'shap', 'plotly') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_explanations_past_the_deadline_are_skipped_and_said() -> None:
    import time

    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from mirae.evaluate import evaluate_classifier

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120)})
    y = pd.Series((X["a"] + rng.normal(size=120) > 0).astype(int))
    model = LogisticRegression().fit(X, y)
    late = evaluate_classifier(model, X, y, deadline=time.perf_counter() - 1)
    assert late.permutation_importance is None and late.shap_importance is None and late.rules is None
    assert {"permutation skipped: the time budget ran out.", "shap skipped: the time budget ran out."} <= set(
        late.notes
    )
    assert late.metrics["roc_auc"] > 0.6  # the metrics are always there
    on_time = evaluate_classifier(model, X, y, explain=["permutation"], deadline=time.perf_counter() + 600)
    assert on_time.permutation_importance is not None
