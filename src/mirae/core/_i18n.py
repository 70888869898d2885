"""The one Korean/English catalogue of mirae's user-facing labels.

Every report, table header and rule text looks its words up here by a stable
English key: :func:`label` for keys the code names (an unknown one is an error,
caught by the test suite, never a silent fallback), :func:`heading` for names
that come from the data (a metric or column name is shown as itself when the
catalogue has no translation for it).
"""

from __future__ import annotations

from typing import Literal, cast

from mirae.errors import ConfigError

Lang = Literal["ko", "en"]

#: Supported languages, Korean first (mirae's default).
LANGS: tuple[str, ...] = ("ko", "en")

#: key: (Korean, English)
LABELS: dict[str, tuple[str, str]] = {
    # -- the command line's table headers (English as printed; `cli.headers` looks them up)
    "cli_col_table": ("테이블", "table"),
    "cli_col_rows": ("행 수", "rows"),
    "cli_col_columns": ("열 수", "columns"),
    "cli_col_snapshots": ("스냅샷 수", "snapshots"),
    "cli_col_updated": ("변경 시각 (UTC)", "updated (UTC)"),
    "cli_col_snapshot": ("스냅샷", "snapshot"),
    "cli_col_committed": ("커밋 시각 (UTC)", "committed (UTC)"),
    "cli_col_mode": ("모드", "mode"),
    "cli_col_added": ("+행", "+rows"),
    "cli_col_deleted": ("-행", "-rows"),
    "cli_col_total": ("전체", "total"),
    "cli_col_user": ("사용자", "user"),
    "cli_col_source": ("출처", "source"),
    "cli_col_column": ("열", "column"),
    "cli_col_type": ("자료형", "type"),
    "cli_col_nulls": ("결측", "nulls"),
    "cli_col_null_pct": ("결측 %", "null %"),
    "cli_col_distinct": ("고유값", "distinct"),
    "cli_col_outliers": ("이상치 (IQR)", "outliers (IQR)"),
    "cli_col_flags": ("표시", "flags"),
    "cli_col_check": ("점검", "check"),
    "cli_col_status": ("상태", "status"),
    "cli_col_detail": ("내용", "detail"),
    "cli_col_quality": ("품질", "quality"),
    "cli_col_report": ("보고서", "report"),
    "cli_col_scenario": ("시나리오", "scenario"),
    "cli_col_discount": ("할인율", "discount"),
    "cli_col_price": ("가격", "price"),
    "cli_col_units": ("수량", "units"),
    "cli_col_revenue": ("매출", "revenue"),
    "cli_col_margin": ("이익", "margin"),
    "cli_col_margin_pct": ("이익률", "margin %"),
    "cli_col_rank": ("순위", "rank"),
    "cli_col_model": ("모델", "model"),
    "cli_col_mean": ("{metric} 평균", "{metric} mean"),
    "cli_col_std": ("± 표준편차", "± std"),
    "cli_col_fit_s": ("학습 초", "fit s"),
    "cli_col_chosen": ("선택", "chosen"),
    "cli_col_version": ("버전", "version"),
    "cli_col_aliases": ("별칭", "aliases"),
    "cli_col_target": ("목표 변수", "target"),
    "cli_col_task": ("과제", "task"),
    "cli_col_run": ("실행", "run"),
    "cli_col_created": ("생성 시각 (UTC)", "created (UTC)"),
    "cli_col_latest": ("최신 버전", "latest version"),
    "cli_col_metric": ("지표", "metric"),
    "cli_col_role": ("역할", "role"),
    "cli_col_window": ("구간", "window"),
    "cli_col_lines": ("행 수", "lines"),
    "cli_col_score": ("점수", "score"),
    "cli_col_reason": ("이유", "reason"),
    "cli_col_template": ("템플릿", "template"),
    "cli_col_value": ("값", "value"),
    "seasonal_index_section": ("계절지수", "Seasonal index"),
    "seasonal_index_note": (
        "계절지수법 단계: 실적 → 이동평균 추세 → 변동성 범위로 이상치 정제 → 평활 → 시점별 지수 (평균 1). "
        "{used}개 시계열의 예측에 쓰였습니다.",
        "The seasonal-index steps: actual → moving-average trend → outliers refined within the volatility "
        "band → smoothed → an index per period (mean 1). Used to forecast {used} series.",
    ),
    "seasonal_steps": ("마지막 한 주기의 계산 단계", "The steps over the last cycle"),
    "trend": ("추세 (이동평균)", "Trend (moving average)"),
    "volatility": ("변동성", "Volatility"),
    "lower": ("하한", "Lower bound"),
    "upper": ("상한", "Upper bound"),
    "refined": ("정제값", "Refined"),
    "smoothed": ("평활값", "Smoothed"),
    "index": ("지수", "Index"),
    "position": ("주기 내 시점", "Period in cycle"),
    "ds": ("시점", "Period"),
    "forecast_report": ("수요 예측 보고서", "Forecast report"),
    "coverage_note": (
        "coverage는 모델이 백테스트된 시계열의 비율입니다. 모든 시계열을 다룬 모델이 먼저 순위에 오릅니다.",
        "coverage is the share of series a model was backtested on; models covering every series are ranked first.",
    ),
    "largest_series_note": (
        "판매량이 큰 시계열 {shown}개를 보여 줍니다 (전체 {total}개; 모두 예측 테이블에 있습니다).",
        "The {shown} largest series are shown (of {total}; all are in the forecast table).",
    ),
    "history": ("실적", "History"),
    "forecast": ("예측", "Forecast"),
    "interval": ("예측구간", "Interval"),
    "model": ("모델", "Model"),
    "bottom": ("최하위 (품목)", "Bottom level (items)"),
    "total": ("전체 합계", "Total"),
    "coverage": ("커버리지", "Coverage"),
    "wins": ("선택된 수", "Wins"),
    "series": ("시계열 수", "Series"),
    "horizon": ("예측 기간 수", "Horizon (periods)"),
    "flagged_rows": ("이상으로 표시된 행", "Rows flagged"),
    "alerts": ("경보 수", "Alerts"),
    "templates_found": ("템플릿 수", "Templates"),
    "flagged_windows": ("이상 구간 수", "Windows flagged"),
    "cumulative_n": ("누적 행 수", "Cumulative rows"),
    "cumulative_positive": ("누적 양성 수", "Cumulative positives"),
    "min_score": ("최소 점수", "Lowest score"),
    "max_score": ("최대 점수", "Highest score"),
    "about_model": ("모델", "Model"),
    "about_version": ("버전", "Version"),
    "about_alias": ("별칭", "Alias"),
    "about_run": ("MLflow 실행", "MLflow run"),
    "about_table": ("학습 테이블", "Training table"),
    "about_snapshot": ("스냅샷", "Snapshot"),
    "about_evaluation": ("평가 방식", "Evaluation"),
    "about_metric": ("최적화 지표", "Metric optimised"),
    "provenance": ("모델 정보", "About this model"),
    "leaderboard": ("후보 모델 순위", "Leaderboard"),
    "accuracy": ("정확도", "Accuracy"),
    "actual": ("실제", "Actual"),
    "after": ("이후", "After"),
    "against": ("비교 스냅샷", "Compared with snapshot"),
    "all_rows": ("모든 행", "all rows"),
    "and": ("그리고", "AND"),
    "average_precision": ("평균 정밀도 (PR AUC)", "Average precision (PR AUC)"),
    "balanced_accuracy": ("균형 정확도", "Balanced accuracy"),
    "bayes_threshold": ("보정된 확률의 이론적 임계값", "Threshold for calibrated probabilities"),
    "before": ("이전", "Before"),
    "best_threshold": ("최적 임계값", "Best threshold"),
    "bias": ("평균 잔차 (실제 - 예측)", "Mean residual (actual - predicted)"),
    "brier": ("브라이어 점수", "Brier score"),
    "calibration": ("보정 곡선", "Calibration curve"),
    "chance": ("무작위", "Chance"),
    "class_report": ("클래스별 성능", "Per-class performance"),
    "classes": ("클래스", "Classes"),
    "classification_report": ("분류 모델 평가 보고서", "Classification report"),
    "column": ("열", "Column"),
    "columns_added": ("추가된 열", "Columns added"),
    "columns_count": ("열 수", "Columns"),
    "columns_removed": ("삭제된 열", "Columns removed"),
    "columns_retyped": ("자료형이 바뀐 열", "Columns retyped"),
    "computed_at": ("계산 시각", "Computed at"),
    "confusion_matrix": ("혼동 행렬", "Confusion matrix"),
    "cost_threshold": ("비용 기반 임계값", "Cost-based threshold"),
    "count": ("개수", "Count"),
    "cumulative_gain": ("누적 이득", "Cumulative gain"),
    "cumulative_lift": ("누적 향상도", "Cumulative lift"),
    "decile": ("분위", "Decile"),
    "depth": ("상위 비율", "Depth"),
    "distinct": ("고유값", "Distinct"),
    "duplicate_rows": ("중복 행", "Duplicate rows"),
    "expected_cost": ("기대 비용", "Expected cost"),
    "f1-score": ("F1 점수", "F1 score"),
    "f1_macro": ("F1 (매크로)", "F1 (macro)"),
    "f1_weighted": ("F1 (가중)", "F1 (weighted)"),
    "fdr": ("거짓 발견률", "False discovery rate"),
    "feature": ("변수", "Feature"),
    "fidelity": ("대리 모델 충실도", "Surrogate fidelity"),
    "flag_constant": ("상수", "constant"),
    "flag_empty": ("전부 결측", "all null"),
    "flag_high_cardinality": ("고유값 많음", "high cardinality"),
    "flag_id_like": ("ID형", "ID-like"),
    "flag_skewed": ("치우침", "skewed"),
    "flags": ("표시", "Flags"),
    "fn": ("FN", "FN"),
    "fnr": ("거짓 음성률", "False negative rate"),
    "for": ("거짓 누락률", "False omission rate"),
    "fp": ("FP", "FP"),
    "fpr": ("거짓 양성률", "False positive rate"),
    "fpr_axis": ("거짓 양성률", "False positive rate"),
    "fraction_positive": ("실제 양성 비율", "Observed fraction positive"),
    "frequency": ("빈도", "Frequency"),
    "gains": ("누적 이득", "Cumulative gains"),
    "generated_by": ("mirae가 생성함", "Generated by mirae"),
    "histogram": ("히스토그램", "Histogram"),
    "if": ("만약", "IF"),
    "importance": ("변수 중요도", "Feature importance"),
    "insufficient": ("판단 불가 (폴드 1개)", "insufficient (one fold)"),
    "iqr_outliers": ("이상치 (IQR)", "Outliers (IQR)"),
    "is_missing": ("결측", "is missing"),
    "is_not_missing": ("결측 아님", "is not missing"),
    "kind": ("종류", "Kind"),
    "kind_boolean": ("참/거짓", "boolean"),
    "kind_datetime": ("날짜·시각", "date/time"),
    "kind_numeric": ("수치", "numeric"),
    "kind_other": ("기타", "other"),
    "kind_string": ("문자", "text"),
    "length": ("길이 (최소/평균/최대)", "Length (min/mean/max)"),
    "lift": ("향상도", "Lift"),
    "lift_at_20": ("상위 20% 향상도", "Lift at top 20%"),
    "lift_gains": ("향상도와 누적 이득 (10분위)", "Lift and cumulative gains by decile"),
    "log_loss": ("로그 손실", "Log loss"),
    "macro avg": ("매크로 평균", "Macro average"),
    "mae": ("MAE (평균 절대 오차)", "MAE"),
    "mape": ("MAPE (평균 절대 백분율 오차)", "MAPE"),
    "mape_skipped": ("MAPE에서 제외된 실제값 0 행", "Rows with actual 0 left out of MAPE"),
    "max": ("최댓값", "Max"),
    "mean": ("평균", "Mean"),
    "mean_actual": ("실제 평균", "Mean actual"),
    "mean_predicted": ("평균 예측 확률", "Mean predicted probability"),
    "mean_predicted_value": ("예측 평균", "Mean predicted"),
    "mean_shift_std": ("평균 이동 (표준편차 단위)", "Mean shift (in stds)"),
    "median_ae": ("중앙 절대 오차", "Median absolute error"),
    "message": ("설명", "Message"),
    "metric": ("지표", "Metric"),
    "min": ("최솟값", "Min"),
    "moderate": ("보통", "moderate"),
    "mostly_unique": ("대부분 고유한 값이라 생략했습니다.", "Skipped: values are mostly unique."),
    "n": ("건수", "n"),
    "n_positive": ("양성 수", "Positives"),
    "n_rows": ("행 수", "Rows"),
    "name": ("이름", "Name"),
    "nan_note": (
        "분모가 0인 비율은 빈 칸(NaN)으로 표시합니다.",
        "Rates whose denominator is zero are shown as blank (NaN).",
    ),
    "no_numeric": ("수치형 열이 두 개 미만입니다.", "Fewer than two numeric columns."),
    "none": ("없음", "none"),
    "npv": ("음성 예측도", "Negative predictive value"),
    "null_ratio": ("결측 비율", "Null ratio"),
    "null_ratio_shift": ("결측 비율 변화", "Null-ratio shift"),
    "nulls": ("결측", "Nulls"),
    "observed": ("관측값", "Observed"),
    "or_missing": ("또는 결측", "or missing"),
    "other_values": ("기타", "other"),
    "partial_dependence": ("부분 의존도", "Partial dependence"),
    "pearson": ("피어슨 상관계수", "Pearson correlation"),
    "perfect": ("완벽한 보정", "Perfectly calibrated"),
    "permutation_importance": ("순열 중요도", "Permutation importance"),
    "positive_class": ("양성 클래스", "Positive class"),
    "pr_curve": ("정밀도-재현율 곡선", "Precision-recall curve"),
    "precision": ("정밀도", "Precision"),
    "predicted": ("예측", "Predicted"),
    "prevalence": ("유병률(양성 비율)", "Prevalence"),
    "quantiles": ("분위수 (1/25/50/75/99%)", "Quantiles (1/25/50/75/99%)"),
    "r2": ("결정계수 R²", "R²"),
    "recall": ("재현율", "Recall"),
    "regression_report": ("회귀 모델 평가 보고서", "Regression report"),
    "report_title": ("데이터 품질·탐색 보고서", "Data quality and EDA report"),
    "residual_hist": ("잔차 분포", "Residual histogram"),
    "residual_vs_predicted": ("잔차 대 예측값", "Residual vs predicted"),
    "residuals": ("잔차", "Residuals"),
    "response_rate": ("반응률", "Response rate"),
    "rmse": ("RMSE (평균 제곱근 오차)", "RMSE"),
    "robust_z_outliers": ("이상치 (로버스트 z)", "Outliers (robust z)"),
    "roc_auc": ("ROC AUC", "ROC AUC"),
    "roc_curve": ("ROC 곡선", "ROC curve"),
    "row_change": ("행 수 변화", "Row-count change"),
    "rows": ("행 수", "Rows"),
    "rule": ("규칙", "Rule"),
    "rules": ("IF-THEN 규칙", "IF-THEN rules"),
    "section_checks": ("검사 결과", "Checks"),
    "section_columns": ("열 통계", "Column statistics"),
    "section_correlations": ("상관관계", "Correlations"),
    "section_distributions": ("분포", "Distributions"),
    "section_drift": ("스냅샷 간 변화", "Drift between snapshots"),
    "section_scatter": ("산점도", "Scatter plots"),
    "segment": ("세그먼트", "Segment"),
    "segments": ("세그먼트별 오류", "Errors by segment"),
    "severity": ("심각도", "Severity"),
    "shap_importance": ("SHAP 중요도 (평균 |SHAP|)", "SHAP importance (mean |SHAP|)"),
    "skewness": ("왜도", "Skewness"),
    "snapshot": ("스냅샷", "Snapshot"),
    "spearman": ("스피어먼 순위상관계수", "Spearman rank correlation"),
    "spearman_sampled": (
        "피어슨·스피어먼 상관은 {n}행 표본으로 계산했습니다.",
        "Pearson and Spearman correlations were computed on a sample of {n} rows.",
    ),
    "specificity": ("특이도", "Specificity"),
    "stability": ("안정성", "Stability"),
    "stable": ("안정", "stable"),
    "status": ("상태", "Status"),
    "status_fail": ("실패", "Fail"),
    "status_pass": ("통과", "Pass"),
    "status_warn": ("경고", "Warning"),
    "std": ("표준편차", "Std"),
    "summary": ("요약", "Summary"),
    "support": ("표본 수", "Support"),
    "surrogate_note": (
        "모델이 의사결정나무가 아니므로 모델의 예측에 맞춘 대리 나무의 규칙입니다.",
        "The model is not a decision tree: these rules come from a surrogate tree fit to its predictions.",
    ),
    "table": ("테이블", "Table"),
    "then": ("이면", "THEN"),
    "threshold": ("임계값", "Threshold"),
    "tn": ("TN", "TN"),
    "top_values": ("빈도 상위 값", "Top values"),
    "tp": ("TP", "TP"),
    "tpr": ("참 양성률(민감도)", "True positive rate"),
    "tpr_axis": ("참 양성률", "True positive rate"),
    "type": ("자료형", "Type"),
    "unstable": ("불안정", "unstable"),
    "value": ("값", "Value"),
    "weighted avg": ("가중 평균", "Weighted average"),
    # -- metric anomaly detection (issue 12: mirae.anomaly metrics, `mirae detect`)
    "anomaly_report": ("이상 탐지 보고서", "Anomaly detection report"),
    "anomaly_summary": (
        "{rows:,}행, 시계열·지표 {series:,}개: 이상 행 {flagged:,}개, 경보 {events:,}건.",
        "{rows:,} rows, {series:,} series and metrics: {flagged:,} rows flagged, {events:,} alerts.",
    ),
    "anomaly_score_note": (
        "점수는 강건 z-점수입니다 (0 = 평소, 클수록 이상). 정상 범위 = 기대값 ± 임계값 × 강건 산포"
        "(잔차 MAD × 1.4826)이며, 범위를 벗어난 행을 표시합니다. 임계값은 학습 점수로 정하며 레이블은 쓰지 않습니다.",
        "Scores are robust z-scores (0 = usual, higher = more anomalous). The normal range is the expected "
        "value ± threshold × the robust spread (1.4826 × the residuals' MAD); rows outside it are flagged. "
        "The threshold comes from the training scores, never from labels.",
    ),
    "anomaly_auto_rule": (
        "자동 선택 규칙 (시계열마다): 1. 상수이거나 값이 바뀌지 않는 구간이 절반 이상이면 정상 범위 밴드; "
        "2. 계절성 강도 ≥ 0.6이면 밴드; 3. 윈도우(자기상관 주기, 없으면 16행)가 10개 이상 들어가면 Sub-PCA; "
        "4. 32행 이상이면 POLY; 5. 그보다 짧으면 밴드. 레이블은 쓰지 않습니다.",
        "The auto rule (per series): 1. constant, or half or more of the steps unchanged: the normal-range "
        "band; 2. seasonal strength >= 0.6: band; 3. room for 10 windows (the autocorrelation period, else "
        "16 rows): Sub-PCA; 4. at least 32 rows: POLY; 5. shorter: band. Labels are never used.",
    ),
    "anomaly_method_auto": ("자동", "auto"),
    "anomaly_method_band": ("정상 범위 밴드", "normal-range band"),
    "anomaly_method_subpca": ("Sub-PCA (윈도우 PCA)", "Sub-PCA (windowed PCA)"),
    "anomaly_method_poly": ("POLY (다항식 예측 오차)", "POLY (polynomial prediction error)"),
    "anomaly_method_iforest": (
        "아이솔레이션 포레스트 (PyOD IForest, 여러 지표를 함께)",
        "Isolation forest (PyOD IForest, metrics together)",
    ),
    "anomaly_method_ecod": ("ECOD (경험적 누적분포 꼬리 확률)", "ECOD (empirical-CDF tail probabilities)"),
    "anomaly_method_pca": ("PCA (PyOD, 여러 지표를 함께)", "PCA (PyOD, metrics together)"),
    "anomaly_method_correlation": (
        "상관 붕괴: 함께 움직이던 지표 쌍의 이동 상관이 평소보다 떨어진 정도",
        "Correlation break: how far a pair's rolling correlation fell below its usual value",
    ),
    "anomaly_evaluation": ("레이블 대비 평가", "Evaluation against the labels"),
    "anomaly_evaluation_note": (
        "점 단위: 행별 정밀도·재현율·F1. 이벤트 단위: 레이블 구간에 표시된 행이 하나라도 있으면 탐지, "
        "경보 구간이 레이블 구간과 겹치면 정답. 범위 PR-AUC: 점수 임계값마다의 이벤트 단위 정밀도·재현율 곡선 면적. "
        "탐지 지연: 레이블 구간 시작부터 첫 표시까지의 행 수.",
        "Point-wise: precision, recall and F1 over rows. Event-level: a labelled range is detected when any "
        "of its rows is flagged, an alert is correct when it overlaps a labelled range. Range PR-AUC: the area "
        "under the event-level precision-recall curve over score thresholds. Delay: rows from a labelled "
        "range's start to its first flag.",
    ),
    "anomaly_measure": ("지표", "Measure"),
    "anomaly_eval_precision": ("정밀도 (점)", "Precision (points)"),
    "anomaly_eval_recall": ("재현율 (점)", "Recall (points)"),
    "anomaly_eval_f1": ("F1 (점)", "F1 (points)"),
    "anomaly_eval_event_precision": ("정밀도 (이벤트)", "Precision (events)"),
    "anomaly_eval_event_recall": ("재현율 (이벤트)", "Recall (events)"),
    "anomaly_eval_event_f1": ("F1 (이벤트)", "F1 (events)"),
    "anomaly_eval_range_pr_auc": ("범위 PR-AUC", "Range PR-AUC"),
    "anomaly_eval_delay_mean": ("평균 탐지 지연 (행)", "Mean detection delay (rows)"),
    "anomaly_eval_delay_median": ("탐지 지연 중앙값 (행)", "Median detection delay (rows)"),
    "anomaly_eval_events_detected": ("탐지한 레이블 구간 수", "Labelled ranges detected"),
    "anomaly_series_section": ("시계열별 방법과 선택 이유", "Method per series, and why"),
    "anomaly_series": ("시계열", "Series"),
    "anomaly_metric": ("지표", "Metric"),
    "anomaly_method": ("방법", "Method"),
    "anomaly_flagged": ("이상 행", "Flagged rows"),
    "anomaly_events": ("경보", "Alerts"),
    "anomaly_seasonality": ("계절 패턴", "Seasonal profile"),
    "anomaly_strength": ("계절성 강도", "Seasonal strength"),
    "anomaly_why": ("선택 이유", "Why"),
    "anomaly_chart_section": ("값과 정상 범위", "Values and the normal range"),
    "anomaly_chart_note": (
        "초록 영역이 정상 범위, 점선이 기대값, 빨간 점이 이상으로 표시된 행입니다 (경보가 많은 시계열부터 목록에 있습니다).",
        "The green area is the normal range, the dotted line the expected value, red dots the flagged rows "
        "(series with the most alerts first in the list).",
    ),
    "anomaly_normal_range": ("정상 범위", "Normal range"),
    "anomaly_expected": ("기대값", "Expected"),
    "anomaly_score": ("이상 점수", "Anomaly score"),
    "anomaly_events_section": ("경보 (한 사건 = 한 경보)", "Alerts (one incident, one alert)"),
    "anomaly_events_cut": (
        "점수가 높은 경보 {shown}건을 보여 줍니다 (전체 {total}건; 모두 경보 테이블에 있습니다).",
        "The {shown} alerts with the highest peak score are shown (of {total}; all are in the events table).",
    ),
    "anomaly_no_events": ("경보가 없습니다.", "No alerts."),
    "anomaly_start": ("시작", "Start"),
    "anomaly_end": ("끝", "End"),
    "anomaly_peak_time": ("최고점 시각", "Peak at"),
    "anomaly_peak_score": ("최고 점수", "Peak score"),
    "anomaly_peak_value": ("최고점 값", "Value at peak"),
    "anomaly_direction": ("방향", "Direction"),
    "anomaly_above": ("상한 초과", "above"),
    "anomaly_below": ("하한 미만", "below"),
    # -- customer segmentation (issue 12: mirae.segment, `mirae segment`)
    "seg_report": ("고객 세그먼트 보고서", "Customer segmentation report"),
    "seg_method_kmeans": ("k-평균", "k-means"),
    "seg_method_gmm": ("가우스 혼합", "Gaussian mixture"),
    "seg_method_quantile": ("RFM 점수 (분위수)", "RFM scores (quantiles)"),
    "seg_summary": (
        "{rows:,}행을 {k}개 세그먼트로 나눴습니다. 변수: {features}.",
        "{rows:,} rows in {k} segments. Features: {features}.",
    ),
    "seg_segment": ("세그먼트", "Segment"),
    "seg_segment_n": ("세그먼트 {segment}", "Segment {segment}"),
    "seg_size": ("크기", "Size"),
    "seg_share": ("비중", "Share"),
    "seg_traits": ("특징", "Traits"),
    "seg_typical": ("전체와 비슷함", "close to the average"),
    "seg_high": ("{feature} 높음", "high {feature}"),
    "seg_low": ("{feature} 낮음", "low {feature}"),
    "seg_mean": ("평균", "mean"),
    "seg_median": ("세그먼트별 중앙값", "Median per segment"),
    "seg_profiles": ("세그먼트 프로필", "Segment profiles"),
    "seg_separation": ("세그먼트를 가르는 특징", "What sets each segment apart"),
    "seg_separation_note": (
        "표준화 차이: 세그먼트 평균에서 나머지 행의 평균을 빼고 전체 표준편차로 나눈 값입니다. "
        "+1이면 나머지보다 1 표준편차 높습니다; |차이| 0.5 이상인 변수를 특징으로 적었습니다.",
        "Standardized difference: the segment's mean minus the mean of all other rows, divided by the "
        "feature's standard deviation. +1 means one standard deviation above the rest; features with "
        "|difference| of 0.5 or more are listed as traits.",
    ),
    "seg_choose_k": ("세그먼트 수 선택", "Choosing the number of segments"),
    "seg_k_choice": (
        "k={k}: k={low}~{high} 중 {criterion}이(가) 가장 좋습니다 ({value}; {better}).",
        "k={k}: the best {criterion} for k from {low} to {high} ({value}; {better}).",
    ),
    "seg_k_agree": ("{criteria}도 같은 k를 고릅니다.", "{criteria} choose the same k."),
    "seg_k_disagree": ("다른 기준의 선택: {detail}.", "Other criteria would choose: {detail}."),
    "seg_k_edge": (
        "선택된 k가 범위의 상한입니다: 더 넓은 범위(--k-range)가 더 나을 수 있습니다.",
        "The chosen k is the top of the range: a wider range (--k-range) may fit better.",
    ),
    "seg_higher_better": ("높을수록 좋음", "higher is better"),
    "seg_lower_better": ("낮을수록 좋음", "lower is better"),
    "seg_silhouette": ("실루엣 계수", "Silhouette"),
    "seg_davies_bouldin": ("데이비스-볼딘 지수", "Davies-Bouldin index"),
    "seg_calinski_harabasz": ("칼린스키-하라바즈 점수", "Calinski-Harabasz score"),
    "seg_bic": ("BIC", "BIC"),
    "seg_inertia": ("군집 내 제곱합", "Inertia"),
    "seg_criterion": ("기준", "Criterion"),
    "seg_quality": ("세그먼트 품질과 안정성", "Quality and stability of the segments"),
    "seg_stability_note": (
        "안정성 (조정 랜드 지수, 1 = 같은 분할): 다른 시드로 {runs}번 다시 학습하면 평균 {seed_ari_mean} "
        "(최저 {seed_ari_min}), 부트스트랩 표본 {runs}개로 학습하면 평균 {bootstrap_ari_mean} "
        "(최저 {bootstrap_ari_min}).",
        "Stability (adjusted Rand index, 1 = the same partition): refitting with {runs} other seeds gives "
        "{seed_ari_mean} on average (lowest {seed_ari_min}); fitting on {runs} bootstrap samples gives "
        "{bootstrap_ari_mean} (lowest {bootstrap_ari_min}).",
    ),
    "seg_pca": ("세그먼트 지도 (주성분 2개)", "Segments on the first two principal components"),
    "seg_pca_note": (
        "표준화된 변수의 주성분 분석입니다 ({shown:,}개 점 표시).",
        "Principal components of the standardized features ({shown:,} points shown).",
    ),
    "seg_snake": ("스네이크 플롯", "Snake plot"),
    "seg_snake_note": (
        "세그먼트별 표준화된 변수 평균 (0 = 전체 평균).",
        "Standardized feature means per segment (0 = the overall mean).",
    ),
    "seg_standardized_mean": ("표준화 평균", "Standardized mean"),
    "seg_preprocessing": ("전처리", "Preprocessing"),
    "seg_preprocessing_note": (
        "치우친 변수(|왜도| > 0.75)는 log1p(음수가 있으면 Yeo-Johnson)로 변환하고, 모든 변수를 표준화했습니다. "
        "결측값은 중앙값으로 채웠습니다.",
        "Skewed features (|skewness| > 0.75) were transformed with log1p (Yeo-Johnson when negative "
        "values occur) and every feature standardized; missing values were filled with the median.",
    ),
    "seg_skewness": ("왜도", "Skewness"),
    "seg_transform": ("변환", "Transform"),
    "seg_imputed": ("채운 결측값", "Missing values filled"),
    "seg_rules": ("RFM 점수 규칙", "RFM score rules"),
    "seg_rules_note": (
        "R·F·M 점수는 분위수로 1~5점입니다 (최근 구매일수록 R이 높음). FM 점수는 F와 M 점수의 평균(반올림)이며, "
        "위에서부터 처음 맞는 규칙이 세그먼트 이름을 정합니다.",
        "R, F and M scores run from 1 to 5 by quantile (a recent purchase scores a high R). The FM score is "
        "the mean of the F and M scores, rounded; the first rule from the top that matches names the segment.",
    ),
    "seg_r_score": ("R 점수", "R score"),
    "seg_fm_score": ("FM 점수", "FM score"),
    "seg_edges": ("점수 경계 (분위수)", "Score edges (quantiles)"),
    "seg_f_recency": ("최근성 (일)", "Recency (days)"),
    "seg_f_frequency": ("구매 빈도", "Frequency"),
    "seg_f_monetary": ("구매 금액", "Monetary"),
    "seg_f_tenure": ("거래 기간 (일)", "Tenure (days)"),
    "seg_f_avg_basket": ("평균 구매액", "Average basket"),
    "rfm_champions": ("최우수 고객", "Champions"),
    "rfm_loyal": ("충성 고객", "Loyal"),
    "rfm_potential_loyalist": ("잠재 충성 고객", "Potential loyalists"),
    "rfm_new": ("신규 고객", "New customers"),
    "rfm_promising": ("유망 고객", "Promising"),
    "rfm_need_attention": ("관심 필요", "Need attention"),
    "rfm_about_to_sleep": ("이탈 직전", "About to sleep"),
    "rfm_cant_lose": ("놓치면 안 될 고객", "Can't lose them"),
    "rfm_at_risk": ("이탈 위험", "At risk"),
    "rfm_hibernating": ("휴면 고객", "Hibernating"),
    "rfm_lost": ("이탈 고객", "Lost"),
    "seg_note_missing_customer": (
        "고객 ID나 날짜가 없는 거래 {rows:,}행은 제외했습니다.",
        "{rows:,} transaction rows without a customer id or date were left out.",
    ),
    "seg_note_after_as_of": (
        "기준일 {as_of} 이후의 거래 {rows:,}행은 제외했습니다.",
        "{rows:,} transaction rows on or after the as-of date {as_of} were left out.",
    ),
    "seg_note_before_since": (
        "시작일 {since} 이전의 거래 {rows:,}행은 제외했습니다.",
        "{rows:,} transaction rows before {since} were left out.",
    ),
    "seg_note_returns_net": (
        "반품·취소 {rows:,}행 (금액 {value:,})을 구매 금액에서 뺐습니다; 반품은 구매 횟수에 세지 않습니다.",
        "{rows:,} return/cancellation rows (value {value:,}) were subtracted from monetary; returns do "
        "not count as purchases.",
    ),
    "seg_note_returns_drop": (
        "반품·취소 {rows:,}행 (금액 {value:,})은 제외했습니다.",
        "{rows:,} return/cancellation rows (value {value:,}) were ignored.",
    ),
    "seg_note_no_purchase": (
        "기간 안에 구매가 없는 고객 {customers:,}명은 세그먼트에 넣지 않았습니다 (예: {examples}).",
        "{customers:,} customers with no purchase in the window are not segmented (e.g. {examples}).",
    ),
    "seg_note_net_negative": (
        "기간 안의 반품이 구매보다 많은 고객 {customers:,}명은 구매 금액을 0으로 했습니다.",
        "{customers:,} customers returned more than they bought in the window: their monetary is set to 0.",
    ),
    "cli_col_segment": ("세그먼트", "segment"),
    "cli_col_name": ("이름", "name"),
    "cli_col_size": ("크기", "size"),
    "cli_col_share": ("비중", "share"),
    "cli_col_traits": ("특징", "traits"),
    "seg_rows": ("행 수", "Rows"),
    "seg_stability": ("안정성 (부트스트랩 ARI)", "Stability (bootstrap ARI)"),
    "seg_k_sample": (
        "k 후보는 무작위 표본 {rows:,}행으로 학습·평가했고, 고른 k는 모든 행으로 학습했습니다.",
        "The candidate values of k were fitted and scored on a random sample of {rows:,} rows; the chosen k on every row.",
    ),
    "seg_note_imputed": (
        "변수의 결측값을 중앙값으로 채웠습니다: {detail}.",
        "Missing feature values were filled with the median: {detail}.",
    ),
    # -- anomaly detection on logs (issue 12, log part): the log report
    "log_report": ("로그 이상 탐지 보고서", "Log anomaly report"),
    "log_summary": (
        "{lines:,}줄 (시각을 읽지 못한 줄 {unparsed:,}), 템플릿 {templates:,}개, {window} 구간 {windows:,}개 중 "
        "이상 구간 {flagged:,}개. 줄 형식: {format}, 인코딩: {encoding}.",
        "{lines:,} lines ({unparsed:,} without a time), {templates:,} templates, {flagged:,} of {windows:,} "
        "windows of {window} flagged. Line layout: {format}, encoding: {encoding}.",
    ),
    "log_templates": ("템플릿별 줄 수", "Templates and their lines"),
    "log_counts_over_time": ("상위 템플릿의 구간별 줄 수", "Lines per window of the top templates"),
    "log_flagged": ("이상 구간", "Flagged window"),
    "log_flagged_windows": ("이상 구간", "Flagged windows"),
    "log_new_templates": (
        "새 템플릿 (준비 구간 이후 처음 나타남)",
        "New templates (first seen after the warm-up)",
    ),
    "log_none_flagged": ("이상 구간이 없습니다.", "No window was flagged."),
    "log_no_new_templates": (
        "준비 구간 이후 새 템플릿이 없습니다.",
        "No template appeared after the warm-up.",
    ),
    "log_unparsed": ("시각을 읽지 못한 줄 (처음 20개)", "Lines without a time (first 20)"),
    "log_window": ("구간 시작", "Window start"),
    "log_lines": ("줄 수", "Lines"),
    "log_reason_burst": ("급증", "burst"),
    "log_reason_drop": ("급감", "drop"),
    "log_reason_new": ("새 템플릿", "new template"),
    "log_reason_shift": ("템플릿 구성 변화", "mix shift"),
    "template_id": ("템플릿 ID", "Template ID"),
    "template": ("템플릿", "Template"),
    "first_seen": ("처음 나타난 시각", "First seen"),
    "last_seen": ("마지막 시각", "Last seen"),
    "is_new": ("새 템플릿", "New"),
    "anomalous_windows": ("이상 구간 수", "Flagged windows"),
    "burst": ("급증·급감 점수", "Burst/drop score"),
    "new": ("새 템플릿 점수", "New-template score"),
    "window_start": ("구간 시작", "Window start"),
    "lines_unparsed": ("시각 없는 줄", "Lines without a time"),
    "new_templates": ("새 템플릿 수", "New templates"),
    "anomaly_rate": ("이상 구간 비율", "Share of windows flagged"),
    "anomalous_template_windows": ("이상 (템플릿·구간) 수", "Flagged (template, window) pairs"),
    "lines": ("줄 수", "Lines"),
    "windows": ("구간 수", "Windows"),
    "templates": ("템플릿 수", "Templates"),
    "reason": ("이유", "Reason"),
    "line": ("줄 번호", "Line"),
    "score": ("점수", "Score"),
    # -- background jobs (issue 13, JOBS part: mirae.server._jobs, /api/jobs, the jobs page)
    "job_status_queued": ("대기 중", "Queued"),
    "job_status_running": ("실행 중", "Running"),
    "job_status_done": ("완료", "Done"),
    "job_status_failed": ("실패", "Failed"),
    "job_status_cancelled": ("취소됨", "Cancelled"),
    "job_kind_ingest": ("테이블 가져오기", "Ingest"),
    "job_kind_quality": ("데이터 품질 점검", "Data quality"),
    "job_kind_profile": ("데이터 프로파일", "Profile"),
    "job_kind_export": ("내보내기", "Export"),
    "job_kind_train": ("모델 학습", "Train"),
    "job_kind_evaluate": ("모델 평가", "Evaluate"),
    "job_kind_predict": ("예측 점수 매기기", "Predict"),
    "job_kind_forecast": ("수요 예측", "Forecast"),
    "job_kind_simulate": ("할인·프로모션 시뮬레이션", "Simulate"),
    "job_kind_segment": ("고객 세분화", "Segment"),
    "job_kind_detect": ("지표 이상 탐지", "Detect anomalies"),
    "job_kind_detect-logs": ("로그 이상 탐지", "Detect log anomalies"),
    "job_kind_recommend": ("추천 목록 만들기", "Recommend"),
    "job_kind_similar": ("비슷한 아이템 찾기", "Similar items"),
    "jobs": ("작업", "Jobs"),
    "job_id": ("작업 ID", "Job id"),
    "job_kind": ("작업 종류", "Kind"),
    "job_status": ("상태", "Status"),
    "job_user": ("실행한 사람", "Started by"),
    "job_task": ("현재 단계", "Current step"),
    "job_progress": ("진행률", "Progress"),
    "job_eta": ("남은 시간", "Time left"),
    "job_created": ("요청 시각", "Requested"),
    "job_started": ("시작 시각", "Started"),
    "job_finished": ("종료 시각", "Finished"),
    "job_fields": ("설정", "Settings"),
    "job_result": ("결과", "Result"),
    "job_error": ("오류", "Error"),
    "job_logs": ("로그", "Log"),
    "job_cancel": ("작업 취소", "Cancel job"),
    "job_none": ("아직 작업이 없습니다", "No jobs yet"),
    # -- recommendation (issue 14: mirae.recommend, `mirae recommend`, `mirae similar`)
    "rec_report": ("추천 보고서", "Recommendation report"),
    "rec_metrics_section": ("정확도와 다양성", "Accuracy and diversity"),
    "rec_curve_section": ("정확도–다양성 곡선", "Accuracy–diversity trade-off"),
    "rec_curve_note": (
        "재순위화(MMR)의 다양성 설정을 0에서 1까지 바꾸며 같은 평가 사용자에게 다시 추천했습니다. "
        "오른쪽으로 갈수록 목록이 다양해지고, 세로축은 그만큼 잃는 정확도입니다.",
        "The same test users were recommended again with the re-ranking (MMR) diversity set from 0 to 1. "
        "Further right the lists are more varied; the vertical axis is the accuracy that costs.",
    ),
    "rec_popularity_section": ("인기도 편향", "Popularity bias"),
    "rec_popularity_note": (
        "아이템을 학습 상호작용 수로 10분위로 나눠, 학습 데이터와 추천 목록에서 각 분위가 차지하는 비율을 비교합니다.",
        "Items split into ten groups by their training interactions: the share of each group in the training "
        "data and in the recommendations.",
    ),
    "rec_examples_section": ("추천 예시와 이유", "Example recommendations and why"),
    "rec_models_section": ("모델 비교", "Models compared"),
    "rec_notes_section": ("데이터 처리", "What was done to the data"),
    "rec_diversity": ("다양성 설정", "Diversity setting"),
    "rec_users": ("사용자", "Users"),
    "rec_items": ("아이템", "Items"),
    "rec_interactions": ("상호작용", "Interactions"),
    "rec_user": ("사용자", "User"),
    "rec_item": ("아이템", "Item"),
    "rec_rank": ("순위", "Rank"),
    "rec_reason": ("이유", "Reason"),
    "rec_metric": ("지표", "Measure"),
    "rec_pop_decile": ("인기도 10분위 (1 = 가장 인기)", "Popularity decile (1 = most popular)"),
    "rec_share": ("비율", "Share"),
    "rec_share_train": ("학습 상호작용", "Training interactions"),
    "rec_share_recs": ("추천", "Recommendations"),
    "rec_m_precision": ("정밀도@k", "Precision@k"),
    "rec_m_recall": ("재현율@k", "Recall@k"),
    "rec_m_map": ("MAP@k", "MAP@k"),
    "rec_m_ndcg": ("NDCG@k", "NDCG@k"),
    "rec_m_hit_rate": ("적중률@k", "Hit rate@k"),
    "rec_m_coverage": ("카탈로그 커버리지", "Catalogue coverage"),
    "rec_m_entropy": ("엔트로피 다양성 (비트)", "Entropy diversity (bits)"),
    "rec_m_ild": ("목록 내 다양성", "Intra-list diversity"),
    "rec_m_novelty": ("새로움 (비트)", "Novelty (bits)"),
    "rec_m_popularity_bias": ("평균 인기도 (이용자 비율)", "Average popularity (share of users)"),
    "rec_m_users": ("평가 사용자 수", "Test users"),
    "rec_model_popularity": ("인기도", "Popularity"),
    "rec_model_itemknn": ("아이템 kNN", "Item kNN"),
    "rec_model_ease": ("EASE", "EASE"),
    "rec_model_als": ("ALS (implicit)", "ALS (implicit)"),
    "rec_model_content": ("내용 기반 (TF-IDF/LSA)", "Content-based (TF-IDF/LSA)"),
    "rec_model_hybrid": ("하이브리드 (협업 + 내용)", "Hybrid (collaborative + content)"),
    "cli_col_item": ("아이템", "item"),
    "cli_col_similarity": ("유사도", "similarity"),
}


def _with_workbench(labels: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    from mirae.core._i18n_ui import UI_LABELS

    return {**labels, **UI_LABELS}


LABELS = _with_workbench(LABELS)


#: Sentences with parameters, key: (Korean, English) str.format templates. A parameter given as
#: ``(key, {params})`` is itself a message, rendered in the same language.
MESSAGES: dict[str, tuple[str, str]] = {
    "ui_rows_shown": ("전체 {total}행 중 {first}–{last}행", "Rows {first}–{last} of {total}"),
    # -- forecasting notes (mirae.forecast)
    "fc_note_arima_skipped": (
        "ARIMA를 {series}개 시계열에서 건너뜀 (길이 × 계절 주기가 {limit:,}를 넘어 탐색 비용이 너무 큼; 예: {examples}); "
        "ETS, Theta 등 나머지 모델이 예측합니다",
        "ARIMA skipped on {series} series whose length x season length is over {limit:,} (its search would "
        "cost too much; e.g. {examples}); the other models forecast them",
    ),
    # -- metric anomaly detection (issue 12: mirae.anomaly metrics, `mirae detect`)
    "anomaly_auto_ties": (
        "값이 바뀌지 않는 구간이 {ties}: 계단형 지표라 정상 범위 밴드.",
        "{ties} of the steps leave the value unchanged (a step-like metric): the normal-range band.",
    ),
    "anomaly_auto_seasonal": (
        "계절성 강도 {strength} ({profile}) ≥ 0.6: 정상 범위 밴드.",
        "seasonal strength {strength} ({profile}) >= 0.6: the normal-range band.",
    ),
    "anomaly_auto_windows": (
        "계절성 강도 {strength} < 0.6, {rows:,}행에 {window}행 윈도우가 10개 이상: Sub-PCA.",
        "seasonal strength {strength} < 0.6 and {rows:,} rows hold 10 windows of {window}: Sub-PCA.",
    ),
    "anomaly_auto_short": (
        "계절성 강도 {strength} < 0.6, {rows:,}행은 {window}행 윈도우 10개보다 짧음: POLY.",
        "seasonal strength {strength} < 0.6 and {rows:,} rows are short of 10 windows of {window}: POLY.",
    ),
    "anomaly_auto_tiny": (
        "{rows:,}행은 윈도우 방법에 너무 짧음: 정상 범위 밴드.",
        "{rows:,} rows are too few for the window methods: the normal-range band.",
    ),
    "anomaly_season_hour": ("시간대", "hour of day"),
    "anomaly_season_weekday": ("요일", "weekday"),
    "anomaly_season_week_hour": ("요일별 시간대", "hour of the week"),
    "anomaly_season_none": ("없음", "none"),
    "anomaly_season_period": ("{period}행 주기", "a cycle of {period} rows"),
    "anomaly_note_duplicates": (
        "{where}시각이 겹치는 행 {rows:,}개를 '{how}'(으)로 합쳤습니다 (--duplicates).",
        "{where}{rows:,} rows repeating a timestamp were combined with '{how}' (--duplicates).",
    ),
    "anomaly_note_gaps": (
        "{where}빠진 시각 구간 {gaps:,}곳 (평소 간격의 1.5배 초과): 윈도우 방법은 행을 연속으로 봅니다.",
        "{where}{gaps:,} gaps in the timestamps (over 1.5 times the usual step): window methods treat rows as consecutive.",
    ),
    "anomaly_note_missing": (
        "{where}'{metric}'의 결측값 {rows:,}개는 점수 없이 두었습니다.",
        "{where}{rows:,} missing values of '{metric}' are left unscored.",
    ),
    "anomaly_note_constant": (
        "{where}'{metric}'은(는) 학습 구간 내내 같은 값입니다: 그 값에서 벗어나는 행만 이상입니다.",
        "{where}'{metric}' is constant over the training rows: only rows that leave that value are anomalies.",
    ),
    "cli_detect_done": (
        "{rows:,}행 ({series:,}개 시계열·지표) 점수 -> 테이블 '{table}': 이상 행 {flagged:,}개, 경보 {events:,}건 -> '{events_table}'",
        "{rows:,} rows ({series:,} series and metrics) scored -> table '{table}': {flagged:,} flagged, {events:,} alerts -> '{events_table}'",
    ),
    "cli_detect_series": (
        "  {series}{metric}: {method} (선택 이유: {why})",
        "  {series}{metric}: {method} ({why})",
    ),
    "cli_detect_chosen": ("요청한 방법", "the method asked for"),
    "cli_detect_more_series": (
        "  ... 시계열 {more:,}개 더 (전체 목록: --json 또는 --html 보고서)",
        "  ... {more:,} more series (all of them: --json or the --html report)",
    ),
    "cli_detect_eval": ("레이블 '{label}' 대비 평가: {shown}", "evaluation against '{label}': {shown}"),
    "cli_registered_detector": ("등록된 탐지기 {ref}", "registered detector {ref}"),
    "row_count_min": (
        "{rows:,}행; 최소 {threshold:,}행이어야 합니다.",
        "{rows:,} rows; at least {threshold:,} expected.",
    ),
    "row_count_max": (
        "{rows:,}행; 최대 {threshold:,}행이어야 합니다.",
        "{rows:,} rows; at most {threshold:,} expected.",
    ),
    "duplicates_found": ("중복 행 {dup:,}개.", "{dup:,} duplicate rows."),
    "duplicates_none": ("중복 행이 없습니다.", "no duplicate rows."),
    "shift_columns": (
        "평균이 {threshold} 표준편차보다 크게 이동한 열: {detail}.",
        "means shifted more than {threshold} sd: {detail}.",
    ),
    "shift_none": ("한도를 넘게 평균이 이동한 열이 없습니다.", "no mean shifted beyond the limit."),
    "null_columns": ("결측이 {pct}를 넘는 열: {columns}.", "columns with more than {pct} nulls: {columns}."),
    "null_columns_none": ("결측이 {pct}를 넘는 열이 없습니다.", "no columns with more than {pct} nulls."),
    "constant_columns": ("상수 열: {columns}.", "constant columns: {columns}."),
    "constant_columns_none": ("상수 열이 없습니다.", "no constant columns."),
    "id_columns": ("ID형 열(행마다 고유): {columns}.", "ID-like columns (unique per row): {columns}."),
    "id_columns_none": ("ID형 열(행마다 고유)이 없습니다.", "no ID-like columns (unique per row)."),
    "missing_column": (
        "열 '{column}'이(가) 테이블에 없습니다 (열: {known}).",
        "column '{column}' is not in the table (columns: {known}).",
    ),
    "null_ratio": (
        "'{name}'의 결측 비율은 {ratio}입니다; 최대 {limit}까지 허용됩니다.",
        "'{name}' is {ratio} null; at most {limit} allowed.",
    ),
    "distinct": ("'{name}'의 고유값은 {distinct}개입니다.", "'{name}' has {distinct} distinct value(s)."),
    "id_like": ("'{name}'은(는) 행마다 고유한 값입니다.", "'{name}' is unique per row."),
    "not_id_like": ("'{name}'은(는) ID형이 아닙니다.", "'{name}' is not ID-like."),
    "no_shift": (
        "'{name}'은(는) 비교할 평균 이동이 없습니다 (두 스냅샷 모두 수치형이 아니거나, 이전에 상수였습니다).",
        "'{name}' has no mean shift to compare (not numeric in both snapshots, or constant before).",
    ),
    "shift": (
        "'{name}'의 평균이 {shift:+.3f} 표준편차 이동했습니다; 최대 {threshold}까지 허용됩니다.",
        "the mean of '{name}' moved {shift:+.3f} sd; at most {threshold} allowed.",
    ),
    "needs_numeric": (
        "규칙 '{rule}'은(는) 수치형이나 날짜 열에 씁니다; '{name}'은(는) {type}입니다.",
        "rule '{rule}' needs a numeric or date column; '{name}' is {type}.",
    ),
    "bound_kind": (
        "'{name}'은(는) {type}인데 기준값 {bound!r}은(는) 그 종류가 아닙니다.",
        "'{name}' is {type} but the threshold {bound!r} is not of that kind.",
    ),
    "repeated": (
        "'{name}'에 중복된 값이 {repeated:,}개 있습니다.",
        "'{name}' has {repeated:,} repeated non-null value(s).",
    ),
    "unique": ("'{name}'은(는) 고유합니다.", "'{name}' is unique."),
    "want_min": ("{low} 이상", ">= {low}"),
    "want_max": ("{high} 이하", "<= {high}"),
    "want_between": ("{low}~{high} 사이", "between {low} and {high}"),
    "range_bad": (
        "'{name}'의 값 {bad:,}개가 {want} 범위를 벗어납니다 (예: {example}).",
        "{bad:,} value(s) of '{name}' outside {want} (e.g. {example}).",
    ),
    "range_ok": ("'{name}'의 모든 값이 {want}입니다.", "all values of '{name}' are {want}."),
    "allowed_bad": (
        "'{name}'의 값 {bad:,}개가 허용 목록에 없습니다 (예: {example!r}).",
        "{bad:,} value(s) of '{name}' not in the allowed list (e.g. {example!r}).",
    ),
    "allowed_ok": ("'{name}'의 모든 값이 허용 목록에 있습니다.", "all values of '{name}' are allowed."),
    "regex_bad": (
        "'{name}'의 값 {bad:,}개가 패턴 {pattern!r}과 맞지 않습니다 (예: {example!r}).",
        "{bad:,} value(s) of '{name}' do not match {pattern!r} (e.g. {example!r}).",
    ),
    "regex_ok": ("'{name}'의 모든 값이 패턴과 맞습니다.", "all values of '{name}' match the pattern."),
    "dtype": (
        "'{name}'은(는) {type}입니다; {expected}이어야 합니다.",
        "'{name}' is {type}; {expected} expected.",
    ),
    # -- the command line (what `mirae` prints on the terminal)
    "cli_error": ("오류:", "error:"),
    "cli_note": ("  참고: {note}", "  note: {note}"),
    "cli_report": ("보고서: {path}", "report: {path}"),
    "cli_more_rows": (
        "... 나머지 행은 생략했습니다 (--limit N, 또는 전부 보려면 --json)",
        "... more rows not shown (use --limit N, or --json for all of them)",
    ),
    "cli_ingested": (
        "{rows:,}행 x {columns}열 -> 테이블 '{table}' (스냅샷 {snapshot}, 모드 {mode})",
        "{rows:,} rows x {columns} columns -> table '{table}' (snapshot {snapshot}, mode {mode})",
    ),
    "cli_no_tables": (
        "{path}에 아직 테이블이 없습니다. `mirae ingest FILE --name TABLE`로 추가하세요.",
        "No tables yet in {path}. Add one with `mirae ingest FILE --name TABLE`.",
    ),
    "cli_history_of": ("{table}의 이력", "history of {table}"),
    "cli_gone": ("(작업 공간에 더 이상 없음)", "(no longer in the workspace)"),
    "cli_by": ("{when} UTC, {user}", "{when} UTC by {user}"),
    "cli_model_of_step": ("모델 {model}", "model {model}"),
    "cli_run_of_step": ("MLflow 실행 {run}", "MLflow run {run}"),
    "cli_rows_of": ("{table}: {rows:,}행", "{table}: {rows:,} rows"),
    "cli_sql_wrote": (
        "테이블 '{table}' {mode}: {rows:,}행 (스냅샷 {snapshot})",
        "{mode} table '{table}': {rows:,} rows (snapshot {snapshot})",
    ),
    "cli_exported": (
        "{rows:,}행 x {columns}열 -> {path} ({format})",
        "{rows:,} rows x {columns} columns -> {path} ({format})",
    ),
    "cli_confirm_drop": (
        "테이블 '{table}'과(와) 그 이력 전체를 지울까요?",
        "Delete table '{table}' and its whole history?",
    ),
    "cli_dropped": ("'{table}'을(를) 지웠습니다", "dropped '{table}'"),
    "cli_maintained": (
        "참조되지 않는 파일 {files:,}개, {mb:,.1f} MB를 지웠습니다; 스냅샷이 쓰는 파일 {kept:,}개는 그대로 둡니다",
        "removed {files:,} unreferenced file(s), {mb:,.1f} MB; kept {kept:,} file(s) that snapshots use",
    ),
    "cli_maintain_dry": (
        "참조되지 않는 파일 {files:,}개, {mb:,.1f} MB를 지울 수 있습니다; 스냅샷이 쓰는 파일 {kept:,}개는 그대로 둡니다",
        "would remove {files:,} unreferenced file(s), {mb:,.1f} MB; kept {kept:,} file(s) that snapshots use",
    ),
    "cli_and_more": ("  ... 외 {count:,}개", "  ... and {count:,} more"),
    "cli_quality_of": (
        "{table} 품질: {rows:,}행, 중복 행 {dup:,}개",
        "quality of {table}: {rows:,} rows, {dup:,} duplicate rows",
    ),
    "cli_checks": ("점검 결과", "checks"),
    "cli_status": ("상태: {status}", "status: {status}"),
    "cli_profiled": ("'{table}' 탐색 완료: {columns}열", "profiled '{table}': {columns} columns"),
    "cli_demo_title": ("mirae 데모 — 작업 공간 {path}", "mirae demo — workspace {path}"),
    "cli_demo_model": (
        "{model} 학습 (@{alias}): 탐색에 쓰이지 않은 행에서 검증 {metric} {holdout:.3f} "
        "(교차 검증 {cv:.3f}); 보고서: {report}",
        "trained {model} (@{alias}): holdout {metric} {holdout:.3f} on rows the search never saw "
        "(cross-validation {cv:.3f}); report: {report}",
    ),
    "cli_demo_forecast": (
        "상품 {series}개 x {horizon}주 예측 -> 테이블 '{table}' (예측 모델: {model}); `mirae show {table}`로 보세요",
        "forecast {series} products x {horizon} weeks -> table '{table}' (forecast by: {model}); "
        "see `mirae show {table}`",
    ),
    "cli_open_report": ("보고서를 여세요: {path}", "Open the report: {path}"),
    "cli_forecast_done": (
        "시계열 {series:,}개 x {horizon}기간 -> 테이블 '{table}' ({rows:,}행)",
        "{series:,} series x {horizon} periods -> table '{table}' ({rows:,} rows)",
    ),
    "cli_backtest_board": ("백테스트 순위", "backtest leaderboard"),
    "cli_group_model": ("  {group} 시계열 ({series:,}개): {model}", "  {group} series ({series:,}): {model}"),
    "cli_backtest_of": ("예측의 백테스트: {shown}", "backtest of the forecast: {shown}"),
    "cli_scores_table": ("시계열별 점수: '{table}'", "per-series scores: '{table}'"),
    "cli_mlflow_run": ("; MLflow 실행 {run}", "; MLflow run {run}"),
    "cli_registered_forecaster": ("예측 모델 등록: {ref}", "registered forecaster {ref}"),
    "cli_whatif_title": (
        "{selection} 가격 시나리오, 다음 {horizon}기간 (기준 {units:,.0f}개, 가격 {price:,.2f})",
        "what-if for {selection}, next {horizon} periods (baseline {units:,.0f} units at {price:,.2f})",
    ),
    "cli_elasticity": (
        "가격 반응: {method}; 탄력성 {elasticity:.2f}",
        "price response: {method}; elasticity {elasticity:.2f}",
    ),
    "cli_elasticity_interval": (
        " (95 % 구간 {low:.2f} ~ {high:.2f})",
        " (95 % interval {low:.2f} to {high:.2f})",
    ),
    "cli_uplift": (", 프로모션 효과 x{uplift:.2f}", ", promotion uplift x{uplift:.2f}"),
    "cli_observations": (" (관측 {n:,}개).", " ({n:,} observations)."),
    "cli_best_marked": (" * = 이익 최대", " * = best margin"),
    "cli_no_best": (
        " 최선으로 표시한 시나리오가 없습니다 (참고를 보세요).",
        " No scenario marked best (see the note).",
    ),
    "cli_leaderboard_for": (
        "{table}의 {target!r} 후보 모델 순위 (학습 {rows:,}행, {task})",
        "leaderboard for {target!r} on {table} ({rows:,} training rows, {task})",
    ),
    "cli_holdout": ("검증 데이터 ({rows:,}행): {shown}", "holdout ({rows:,} rows): {shown}"),
    "cli_run_in": ("실험 '{experiment}'의 실행 {run}", "run {run} in experiment '{experiment}'"),
    "cli_registered_model": ("모델 등록: {ref}", "registered model {ref}"),
    "cli_versions_of": ("{name}의 버전", "versions of {name}"),
    "cli_no_models": (
        "등록된 모델이 아직 없습니다. `mirae train TABLE --target COLUMN`으로 학습하세요.",
        "No registered models yet. Train one with `mirae train TABLE --target COLUMN`.",
    ),
    "cli_registered_models": ("등록된 모델", "registered models"),
    "cli_evaluated": ("{table}에서 {model} ({rows:,}행)", "{model} on {table} ({rows:,} rows)"),
    "cli_dropped_no_target": (
        "  참고: {target!r} 값이 없는 {rows:,}행은 뺐습니다",
        "  note: dropped {rows:,} rows with no {target!r}",
    ),
    "cli_scored": (
        "{rows:,}행을 {model}(으)로 점수화 -> 테이블 '{table}' (스냅샷 {snapshot}; 추가된 열 {added})",
        "{rows:,} rows scored with {model} -> table '{table}' (snapshot {snapshot}; added {added})",
    ),
    "cli_not_used": ("  참고: 모델이 쓰지 않는 열: {columns}", "  note: not used by the model: {columns}"),
    "cli_logs_done": (
        "{lines:,.0f}행 (시각 없음 {unparsed:,.0f}), 템플릿 {templates:,.0f}개, {window} 구간 {windows:,.0f}개 중 "
        "{flagged:,.0f}개 이상 -> 테이블 '{table}', '{lines_table}'",
        "{lines:,.0f} lines ({unparsed:,.0f} without a time), {templates:,.0f} templates, "
        "{flagged:,.0f} of {windows:,.0f} windows of {window} flagged -> tables '{table}' and '{lines_table}'",
    ),
    "cli_flagged_windows": ("이상 구간", "flagged windows"),
    "cli_lines_reason": ("  {count:,}행: {reason}", "  {count:,} line(s): {reason}"),
    "cli_mlflow_run_alone": ("MLflow 실행 {run}", "MLflow run {run}"),
    "cli_serving": (
        "mirae 서버: {url} (작업 공간 {workspace}); 끝내려면 Ctrl-C",
        "mirae is serving at {url} (workspace {workspace}); Ctrl-C stops it",
    ),
    "cli_serving_tokens": (
        "127.0.0.1이 아닌 주소라 모든 요청에 토큰이 필요합니다: `mirae users add NAME --role viewer`",
        "bound beyond 127.0.0.1: every request needs a token (`mirae users add NAME --role viewer`)",
    ),
    "cli_user_added": (
        "사용자 '{name}' ({role}) 추가; 토큰은 지금 한 번만 보여 줍니다:",
        "added user '{name}' ({role}); their token, shown only now:",
    ),
    "cli_user_removed": ("사용자 '{name}'을(를) 지웠습니다", "removed user '{name}'"),
    "cli_alias_set": ("{model}@{alias} -> 버전 {version}", "{model}@{alias} -> version {version}"),
    "cli_interrupted": (
        "중단되었습니다. 쓰기는 원자적이라 반쯤 쓰인 테이블은 없습니다.",
        "interrupted. Writes are atomic: no table was half-written.",
    ),
    "cli_out_of_memory": (
        "메모리가 부족합니다. 더 작은 테이블(또는 표본), 더 적은 --n-jobs, 또는 메모리가 더 큰 컴퓨터로 해 보세요.",
        "out of memory. Try a smaller table (or a sample of it), fewer --n-jobs, or a machine with more memory.",
    ),
    "cli_disk_full": (
        "디스크가 가득 찼습니다{where}. 반쯤 쓰인 테이블은 없습니다; 공간을 비우고 "
        "(`mirae maintain`은 어떤 스냅샷도 쓰지 않는 파일을 지웁니다) 명령을 다시 실행하세요.",
        "the disk is full{where}. No table was half-written; free some space "
        "(`mirae maintain` removes files no snapshot needs) and run the command again.",
    ),
    "cli_permission": (
        "권한이 없습니다{where}. 그곳을 읽고 쓸 수 있는지 확인하세요.",
        "permission denied{where}. Check that you may read and write there.",
    ),
    "cli_os_error": (
        "{reason}{where}. 경로와 디스크를 확인한 뒤 명령을 다시 실행하세요.",
        "{reason}{where}. Check the path and the disk, then run the command again.",
    ),
    "cli_tracking_failed": (
        "MLflow 추적 저장소가 실패했습니다: {detail}. --tracking-uri(또는 MIRAE_TRACKING_URI)를 확인하세요; "
        "작업 공간의 테이블은 영향을 받지 않았습니다.",
        "the MLflow tracking store failed: {detail}. Check --tracking-uri (or MIRAE_TRACKING_URI); "
        "the workspace's tables are unaffected.",
    ),
    "cli_internal": (
        "내부 오류 ({kind}). mirae의 버그입니다; --debug를 붙여 (mirae --debug ...) 다시 실행하고 "
        "출력된 내용을 알려 주세요.",
        "internal error ({kind}). This is a bug in mirae; run the command again with --debug "
        "(mirae --debug ...) and report what it prints.",
    ),
    # -- segmentation command line (issue 12: `mirae segment`)
    "cli_segment_done": (
        "{rows:,}행을 {k}개 세그먼트로 나눴습니다 ({method}) -> 테이블 '{table}' (프로필: '{profiles}')",
        "{rows:,} rows in {k} segments ({method}) -> table '{table}' (profiles: '{profiles}')",
    ),
    "cli_segment_assigned": (
        "등록된 세그먼트 모델 {model}로 배정했습니다 (다시 학습하지 않음)",
        "assigned with the registered segmenter {model} (no refit)",
    ),
    "cli_segments_title": ("세그먼트", "segments"),
    "cli_registered_segmenter": ("세그먼트 모델 {ref}을(를) 등록했습니다", "registered segmenter {ref}"),
    # -- recommendation (issue 14: mirae.recommend, `mirae recommend`, `mirae similar`)
    "rec_reason_popular": ("인기 아이템 ({users:,}명이 이용)", "popular: {users:,} users chose it"),
    "rec_reason_because": ("'{item}'을(를) 보셨기 때문에", "because you watched '{item}'"),
    "rec_reason_similar_text": ("'{item}'와(과) 설명이 비슷함", "similar description to '{item}'"),
    "rec_reason_similar_users": (
        "'{item}'을(를) 본 사람들이 함께 봄",
        "chosen by the people who chose '{item}'",
    ),
    "rec_reason_unknown_item": (
        "모르는 아이템이라 대신 인기 아이템 ({users:,}명이 이용)",
        "unknown item, so a popular one instead ({users:,} users)",
    ),
    "rec_note_duplicates": (
        "같은 (사용자, 아이템) 쌍 {pairs:,}개가 여러 번 나와 합쳤습니다 (중복 행 {rows:,}개; {how}).",
        "{pairs:,} (user, item) pairs occurred more than once and were aggregated ({rows:,} extra rows; {how}).",
    ),
    "rec_dup_binary": ("한 번으로 셈", "counted once"),
    "rec_dup_count": ("횟수를 가중치로 씀", "the count is the weight"),
    "rec_dup_rating": ("가장 최근 평점을 씀", "the latest rating is kept"),
    "rec_note_single": (
        "상호작용이 하나뿐인 사용자 {users:,}명, 아이템 {items:,}개: 이들의 추천은 인기도와 내용에 더 기댑니다.",
        "{users:,} users and {items:,} items have a single interaction: their recommendations lean on "
        "popularity and content.",
    ),
    "rec_note_empty_text": (
        "텍스트가 비어 있는 아이템 {items:,}개는 내용 점수를 받지 못합니다.",
        "{items:,} items have empty text and get no content score.",
    ),
    "rec_note_text_only": (
        "상호작용 없이 텍스트로만 알려진 아이템 {items:,}개는 내용으로 추천합니다 (콜드 스타트).",
        "{items:,} items known only from their text are recommended by their content (cold start).",
    ),
    "rec_note_no_text": (
        "상호작용한 아이템 {items:,}개가 아이템 테이블에 없어 텍스트가 없습니다.",
        "{items:,} interacted items are not in the items table and have no text.",
    ),
    "rec_note_tuned": (
        "설정은 학습 데이터에서 사용자별 마지막 상호작용({users:,}명)을 떼어 검증해 골랐습니다: 협업 {cf}, "
        "최근성 반감기 {half_life}, 내용 가중치 {content:g} (검증 NDCG@10 {ndcg:.4f}).",
        "Settings chosen on each user's latest training interaction ({users:,} users held out): "
        "collaborative {cf}, recency half-life {half_life}, content weight {content:g} "
        "(validation NDCG@10 {ndcg:.4f}).",
    ),
    "rec_note_diversity_auto": (
        "다양성 {diversity:g}: 검증 NDCG@10이 재정렬 없을 때({base:.4f})보다 2% 넘게 줄지 않는 가장 큰 값입니다 "
        "({ndcg:.4f}, 사용자 {users:,}명).",
        "Diversity {diversity:g}: the largest setting whose validation NDCG@10 ({ndcg:.4f}) stays within "
        "2% of no re-ranking ({base:.4f}; {users:,} users).",
    ),
    "rec_note_untuned": (
        "검증할 사용자가 {users:,}명뿐이라(최소 {minimum:,}명) 'auto' 설정은 기본값을 썼습니다 (다양성 0).",
        "Only {users:,} users could be held out for validation (at least {minimum:,} needed): the 'auto' "
        "settings took their fallbacks (diversity 0).",
    ),
    "rec_split_leave_last_out": ("사용자별 마지막 상호작용", "each user's last interaction"),
    "rec_split_time": ("시점 기준 마지막 {share:.0%}", "the last {share:.0%} by time"),
    "rec_split_note": (
        "평가: {split}을(를) 떼어 두고 나머지 {train:,}행으로 학습해, 평가 사용자 {users:,}명에게 상위 {k}개를 추천했습니다.",
        "Evaluation: {split} held out; fitted on the other {train:,} rows, {users:,} test users got their top {k}.",
    ),
    "rec_summary": (
        "사용자 {users:,}명, 아이템 {items:,}개, 상호작용 {interactions:,}개. 모델: {model}, 다양성 설정 {diversity:g}.",
        "{users:,} users, {items:,} items, {interactions:,} interactions. Model: {model}, diversity {diversity:g}.",
    ),
    "cli_recommend_done": (
        "사용자 {users:,}명에게 최대 {k}개씩 추천 {rows:,}행 ({model}) -> 테이블 '{table}'",
        "{rows:,} recommendations, up to {k} for each of {users:,} users ({model}) -> table '{table}'",
    ),
    "cli_recommend_eval": ("검증 ({split}): {metrics}", "held-out check ({split}): {metrics}"),
    "cli_recommend_sample": ("사용자 {user}의 추천", "recommendations for user {user}"),
    "cli_registered_recommender": ("추천 모델 {ref}을(를) 등록했습니다", "registered recommender {ref}"),
    "cli_similar_title": ("'{item}'와(과) 비슷한 아이템", "items like '{item}'"),
    "cli_similar_unknown": (
        "모델 {model}이(가) 모르는 아이템 '{item}': 대신 인기 아이템입니다",
        "model {model} does not know item '{item}': popular items instead",
    ),
}


def _filled(value: object, lang: str) -> object:
    """A parameter as shown: a nested ``(key, params)`` message rendered in ``lang``, else itself."""
    if not _is_message(value):
        return value
    key, params = cast(tuple[str, dict[str, object]], value)
    return message(key, lang, **params)


def message(key: str, lang: str, **params: object) -> str:
    """The sentence ``key`` in ``lang`` with ``params`` filled in; an unknown key raises KeyError.

    Examples
    --------
    >>> message("row_count_min", "ko", rows=12, threshold=1000)
    '12행; 최소 1,000행이어야 합니다.'
    >>> message("range_ok", "en", name="qty", want=("want_min", {"low": 0}))
    "all values of 'qty' are >= 0."
    """
    pair = MESSAGES.get(key)
    if pair is None:
        msg = f"no message {key!r} in mirae's catalogue (mirae.core._i18n.MESSAGES): add its Korean and English text."
        raise KeyError(msg)
    filled = {name: _filled(value, lang) for name, value in params.items()}
    return (pair[0] if check_lang(lang) == "ko" else pair[1]).format(**filled)


def _is_message(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
    )


def check_lang(lang: str) -> Lang:
    """Return ``lang`` when it is a supported language, else raise ConfigError.

    Examples
    --------
    >>> check_lang("ko")
    'ko'
    """
    if lang not in LANGS:
        msg = f"lang must be 'ko' or 'en' (Korean or English); got {lang!r}."
        raise ConfigError(msg)
    return cast(Lang, lang)


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang``; an unknown key raises KeyError.

    Examples
    --------
    >>> label("accuracy", "ko"), label("accuracy", "en")
    ('정확도', 'Accuracy')
    """
    pair = LABELS.get(key)
    if pair is None:
        msg = f"no label {key!r} in mirae's catalogue (mirae.core._i18n.LABELS): add its Korean and English text."
        raise KeyError(msg)
    return pair[0] if check_lang(lang) == "ko" else pair[1]


def heading(name: str, lang: str) -> str:
    """A data-derived name (metric, column) in ``lang``: its label when known, else itself.

    Examples
    --------
    >>> heading("roc_auc", "ko"), heading("units_sold", "ko")
    ('ROC AUC', 'units_sold')
    """
    pair = LABELS.get(name)
    if pair is None:
        check_lang(lang)
        return name
    return pair[0] if check_lang(lang) == "ko" else pair[1]


def option_help(text: str, lang: str) -> str:
    """The help of a command-line option or argument, written ``text`` in English, in ``lang``.

    The Korean comes from :data:`mirae.core._i18n_cli.OPTION_HELP_KO`, keyed by
    the English text and imported only when Korean is asked for; a text not
    there is returned as written (a test fails when an option lacks one).

    Examples
    --------
    >>> option_help("Cross-validation folds.", "ko")
    '교차검증 폴드 수.'
    >>> option_help("Cross-validation folds.", "en")
    'Cross-validation folds.'
    """
    if check_lang(lang) == "en":
        return text
    from mirae.core._i18n_cli import OPTION_HELP_KO

    return OPTION_HELP_KO.get(text, text)
