"""Korean and English labels for reports, tables and rules.

One small dictionary keyed by a stable English identifier; ``label(key, lang)``
looks a key up and falls back to the key itself, so a new metric never breaks a
report in either language.
"""

from __future__ import annotations

from typing import Literal

from mirae.errors import ConfigError

Lang = Literal["ko", "en"]

LANGS: tuple[str, ...] = ("ko", "en")

_LABELS: dict[str, tuple[str, str]] = {
    # key: (ko, en)
    "classification_report": ("분류 모델 평가 보고서", "Classification report"),
    "regression_report": ("회귀 모델 평가 보고서", "Regression report"),
    "summary": ("요약", "Summary"),
    "metric": ("지표", "Metric"),
    "value": ("값", "Value"),
    "n": ("건수", "n"),
    "n_rows": ("행 수", "Rows"),
    "classes": ("클래스", "Classes"),
    "positive_class": ("양성 클래스", "Positive class"),
    "accuracy": ("정확도", "Accuracy"),
    "balanced_accuracy": ("균형 정확도", "Balanced accuracy"),
    "f1_macro": ("F1 (매크로)", "F1 (macro)"),
    "f1_weighted": ("F1 (가중)", "F1 (weighted)"),
    "roc_auc": ("ROC AUC", "ROC AUC"),
    "average_precision": ("평균 정밀도 (PR AUC)", "Average precision (PR AUC)"),
    "log_loss": ("로그 손실", "Log loss"),
    "brier": ("브라이어 점수", "Brier score"),
    "lift_at_20": ("상위 20% 향상도", "Lift at top 20%"),
    "confusion_matrix": ("혼동 행렬", "Confusion matrix"),
    "actual": ("실제", "Actual"),
    "predicted": ("예측", "Predicted"),
    "class_report": ("클래스별 성능", "Per-class performance"),
    "precision": ("정밀도", "Precision"),
    "recall": ("재현율", "Recall"),
    "f1-score": ("F1 점수", "F1 score"),
    "support": ("지원 수", "Support"),
    "macro avg": ("매크로 평균", "Macro average"),
    "weighted avg": ("가중 평균", "Weighted average"),
    "roc_curve": ("ROC 곡선", "ROC curve"),
    "pr_curve": ("정밀도-재현율 곡선", "Precision-recall curve"),
    "fpr_axis": ("거짓 양성률", "False positive rate"),
    "tpr_axis": ("참 양성률", "True positive rate"),
    "calibration": ("보정 곡선", "Calibration curve"),
    "mean_predicted": ("평균 예측 확률", "Mean predicted probability"),
    "fraction_positive": ("실제 양성 비율", "Observed fraction positive"),
    "perfect": ("완벽한 보정", "Perfectly calibrated"),
    "chance": ("무작위", "Chance"),
    "lift": ("향상도", "Lift"),
    "gains": ("누적 이득", "Cumulative gains"),
    "lift_gains": ("향상도와 누적 이득 (10분위)", "Lift and cumulative gains by decile"),
    "decile": ("분위", "Decile"),
    "depth": ("상위 비율", "Depth"),
    "n_positive": ("양성 수", "Positives"),
    "response_rate": ("반응률", "Response rate"),
    "cumulative_lift": ("누적 향상도", "Cumulative lift"),
    "cumulative_gain": ("누적 이득", "Cumulative gain"),
    "cost_threshold": ("비용 기반 임계값", "Cost-based threshold"),
    "threshold": ("임계값", "Threshold"),
    "expected_cost": ("기대 비용", "Expected cost"),
    "best_threshold": ("최적 임계값", "Best threshold"),
    "bayes_threshold": ("보정된 확률의 이론적 임계값", "Threshold for calibrated probabilities"),
    "segments": ("세그먼트별 오류", "Errors by segment"),
    "segment": ("세그먼트", "Segment"),
    "prevalence": ("유병률(양성 비율)", "Prevalence"),
    "tpr": ("참 양성률(민감도)", "True positive rate"),
    "specificity": ("특이도", "Specificity"),
    "npv": ("음성 예측도", "Negative predictive value"),
    "fpr": ("거짓 양성률", "False positive rate"),
    "fdr": ("거짓 발견률", "False discovery rate"),
    "fnr": ("거짓 음성률", "False negative rate"),
    "for": ("거짓 누락률", "False omission rate"),
    "tp": ("TP", "TP"),
    "fp": ("FP", "FP"),
    "tn": ("TN", "TN"),
    "fn": ("FN", "FN"),
    "importance": ("변수 중요도", "Feature importance"),
    "permutation_importance": ("순열 중요도", "Permutation importance"),
    "shap_importance": ("SHAP 중요도 (평균 |SHAP|)", "SHAP importance (mean |SHAP|)"),
    "feature": ("변수", "Feature"),
    "partial_dependence": ("부분 의존도", "Partial dependence"),
    "rules": ("IF-THEN 규칙", "IF-THEN rules"),
    "rule": ("규칙", "Rule"),
    "fidelity": ("대리 모델 충실도", "Surrogate fidelity"),
    "surrogate_note": (
        "모델이 의사결정나무가 아니므로 모델의 예측에 맞춘 대리 나무의 규칙입니다.",
        "The model is not a decision tree: these rules come from a surrogate tree fit to its predictions.",
    ),
    "rmse": ("RMSE (평균 제곱근 오차)", "RMSE"),
    "mae": ("MAE (평균 절대 오차)", "MAE"),
    "mape": ("MAPE (평균 절대 백분율 오차)", "MAPE"),
    "r2": ("결정계수 R²", "R²"),
    "bias": ("평균 잔차 (실제 - 예측)", "Mean residual (actual - predicted)"),
    "median_ae": ("중앙 절대 오차", "Median absolute error"),
    "mape_skipped": ("MAPE에서 제외된 실제값 0 행", "Rows with actual 0 left out of MAPE"),
    "residuals": ("잔차", "Residuals"),
    "residual_vs_predicted": ("잔차 대 예측값", "Residual vs predicted"),
    "residual_hist": ("잔차 분포", "Residual histogram"),
    "count": ("빈도", "Count"),
    "mean_actual": ("실제 평균", "Mean actual"),
    "mean_predicted_value": ("예측 평균", "Mean predicted"),
    "nan_note": (
        "분모가 0인 비율은 빈 칸(NaN)으로 표시합니다.",
        "Rates whose denominator is zero are shown as blank (NaN).",
    ),
    "all_rows": ("모든 행", "all rows"),
    "or_missing": ("또는 결측", "or missing"),
    "is_missing": ("결측", "is missing"),
    "is_not_missing": ("결측 아님", "is not missing"),
    "if": ("만약", "IF"),
    "and": ("그리고", "AND"),
    "then": ("이면", "THEN"),
    "stability": ("안정성", "Stability"),
    "stable": ("안정", "stable"),
    "moderate": ("보통", "moderate"),
    "unstable": ("불안정", "unstable"),
    "insufficient": ("판단 불가 (폴드 1개)", "insufficient (one fold)"),
}


def check_lang(lang: str) -> Lang:
    """Return ``lang`` when it is a supported language, else raise ConfigError.

    Examples
    --------
    >>> check_lang("ko")
    'ko'
    """
    if lang not in LANGS:
        msg = f"lang must be one of {list(LANGS)}; got {lang!r}. Pass lang='ko' or lang='en'."
        raise ConfigError(msg)
    return lang  # type: ignore[return-value]


def label(key: str, lang: str = "en") -> str:
    """The display label of ``key`` in ``lang`` (the key itself when unknown).

    Examples
    --------
    >>> label("accuracy", "ko")
    '정확도'
    >>> label("accuracy", "en")
    'Accuracy'
    >>> label("no_such_key", "ko")
    'no_such_key'
    """
    pair = _LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if check_lang(lang) == "ko" else pair[1]
