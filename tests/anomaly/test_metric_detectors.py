"""Metric detectors on real labelled series, the auto rule, thresholds, events, and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score

from mirae.anomaly import (
    AutoDetector,
    BandDetector,
    MetricDetector,
    MultivariateDetector,
    PolyDetector,
    SubPCADetector,
    evaluate_detection,
    event_metrics,
)
from mirae.anomaly._multivariate import ecod_scores
from mirae.errors import AnomalyError, ConfigError


@pytest.fixture(scope="module")
def yahoo_band(yahoo: pd.DataFrame) -> BandDetector:
    return BandDetector(time_col="ts", value_col="value").fit(yahoo)


@pytest.fixture(scope="module")
def ecg_auto(ecg: pd.DataFrame) -> AutoDetector:
    return AutoDetector(value_col="value").fit(ecg[["value"]])


def test_the_band_finds_the_yahoo_anomalies_a_naive_rule_misses(
    yahoo: pd.DataFrame, yahoo_band: BandDetector
) -> None:
    labels = yahoo["label"].to_numpy()
    found = evaluate_detection(labels, yahoo_band.predict(yahoo), yahoo_band.anomaly_score(yahoo))
    assert yahoo_band.seasonality_ == "hour" and yahoo_band.strength_ > 0.8  # the daily cycle
    assert found["event_recall"] == 1.0 and found["event_precision"] >= 0.8
    assert found["range_pr_auc"] > 0.9 and found["delay_mean"] == 0.0
    # a global 3-sigma rule cannot see spikes riding on a trend and a daily cycle
    z = (yahoo["value"] - yahoo["value"].mean()) / yahoo["value"].std()
    naive = event_metrics(labels, (z.abs() > 3).astype(int))
    assert naive["event_recall"] < 0.3 < found["event_recall"] - 0.5


def test_the_band_is_the_normal_range_with_a_direction(yahoo: pd.DataFrame, yahoo_band: BandDetector) -> None:
    details = yahoo_band.details(yahoo)
    assert list(details.columns) == ["score", "is_anomaly", "expected", "lower", "upper", "direction"]
    outside = (yahoo["value"] > details["upper"]) | (yahoo["value"] < details["lower"])
    assert (outside == details["is_anomaly"]).all()  # flagged exactly when outside the band
    flagged = details[details["is_anomaly"]]
    above = yahoo.loc[flagged.index, "value"] > flagged["expected"]
    assert set(flagged["direction"]) <= {"above", "below"}
    assert ((flagged["direction"] == "above") == above).all()
    # the yahoo dips at rows 431 and 478 are below the range, the peaks later above it
    assert details.loc[431, "direction"] == "below" and details.loc[846, "direction"] == "above"


def test_a_slice_scores_as_inside_the_whole_series(yahoo: pd.DataFrame, yahoo_band: BandDetector) -> None:
    part = yahoo.iloc[400:500]
    np.testing.assert_allclose(yahoo_band.anomaly_score(part), yahoo_band.anomaly_score(yahoo)[400:500])


def test_without_timestamps_the_period_is_found_from_the_data(yahoo: pd.DataFrame) -> None:
    band = BandDetector(value_col="value").fit(yahoo[["value"]])
    assert band.seasonality_ == "period 24"
    assert event_metrics(yahoo["label"], band.predict(yahoo[["value"]]))["event_recall"] == 1.0


def test_auto_takes_the_band_for_yahoo_and_sub_pca_for_the_ecg(
    yahoo: pd.DataFrame, ecg: pd.DataFrame, ecg_auto: AutoDetector
) -> None:
    yahoo_auto = AutoDetector(time_col="ts", value_col="value").fit(yahoo)
    assert yahoo_auto.method_ == "band" and yahoo_auto.reason_[0] == "anomaly_auto_seasonal"
    assert ecg_auto.method_ == "subpca" and ecg_auto.reason_[0] == "anomaly_auto_windows"
    assert ecg_auto.detector_.window_ == ecg_auto.reason_[1]["window"]  # the beat length, ~300 samples
    assert 250 <= ecg_auto.reason_[1]["window"] <= 350


def test_sub_pca_finds_the_abnormal_beats(ecg: pd.DataFrame, ecg_auto: AutoDetector) -> None:
    labels = ecg["label"].to_numpy()
    scores = ecg_auto.anomaly_score(ecg[["value"]])
    found = evaluate_detection(labels, ecg_auto.predict(ecg[["value"]]), scores)
    assert found["event_recall"] == 1.0 and found["precision"] > 0.5  # the flagged beats are in the region
    base_rate = labels.mean()
    assert average_precision_score(labels, scores) > 4 * base_rate
    # the default threshold of a score-only method: 1 % of the training rows above it
    assert 0 < ecg_auto.predict(ecg[["value"]]).mean() <= 0.0101


def test_multivariate_detectors_on_the_ecg_beat_shape(ecg: pd.DataFrame, ecg_auto: AutoDetector) -> None:
    labels = ecg["label"].to_numpy()
    lags = pd.DataFrame({f"lag{k}": ecg["value"].shift(k).bfill() for k in range(0, 300, 15)})
    subpca = average_precision_score(labels, ecg_auto.anomaly_score(ecg[["value"]]))
    for method in ("iforest", "ecod"):
        model = MultivariateDetector(method=method, random_state=0).fit(lags)
        precision = average_precision_score(labels, model.anomaly_score(lags))
        assert precision > 1.5 * labels.mean(), method  # better than chance on the beat-shape features
        assert precision < subpca  # TSB-AD's finding: the windowed PCA beats them here


def test_ecod_scores_a_row_as_pyod_scores_a_batch_of_that_row(ecg: pd.DataFrame) -> None:
    from pyod.models.ecod import ECOD

    frame = pd.DataFrame({"v": ecg["value"], "d": ecg["value"].diff().fillna(0.0)}).iloc[:2000]
    model = MultivariateDetector(method="ecod").fit(frame)
    reference = ECOD().fit(frame.to_numpy())
    ours = ecod_scores(model.train_sorted_, model.skew_sign_, frame.to_numpy()[[5, 777]])
    theirs = [reference.decision_function(frame.to_numpy()[[i]])[0] for i in (5, 777)]
    np.testing.assert_allclose(ours, theirs, rtol=1e-9)


def test_contamination_and_threshold_rules(yahoo: pd.DataFrame) -> None:
    strict = BandDetector(time_col="ts", value_col="value", threshold=20).fit(yahoo)
    assert strict.threshold_ == 20 and strict.predict(yahoo).sum() == 7  # only the seven labelled spikes
    share = BandDetector(time_col="ts", value_col="value", contamination=0.05).fit(yahoo)
    assert share.predict(yahoo).mean() == pytest.approx(0.05, abs=0.002)
    with pytest.raises(ConfigError, match="contamination must be between 0 and 0.5"):
        BandDetector(contamination=0.7).fit(yahoo[["value"]])
    with pytest.raises(ConfigError, match="threshold must be a positive number"):
        PolyDetector(threshold=-1).fit(yahoo[["value"]])


def test_poly_is_a_band_around_a_local_polynomial(yahoo: pd.DataFrame) -> None:
    model = PolyDetector(value_col="value").fit(yahoo[["value"]])
    details = model.details(yahoo[["value"]])
    assert details["expected"].notna().all() and (details["upper"] > details["lower"]).all()
    assert model.window_ == 12  # half the daily cycle: a cubic follows that
    assert event_metrics(yahoo["label"], details["is_anomaly"].astype(int))["event_f1"] == 1.0


def test_one_incident_is_one_event(yahoo: pd.DataFrame) -> None:
    model = MetricDetector(time_col="ts", value_cols=("value",), method="band", cooldown=3).fit(yahoo)
    found = model.detect(yahoo)
    flagged = int(found.scored["is_anomaly"].sum())
    assert flagged == 8 and len(found.events) == 7  # rows 732 and 735 are one incident
    event = found.events.loc[found.events["start"] == yahoo.loc[732, "ts"]].iloc[0]
    assert event["end"] == yahoo.loc[735, "ts"] and event["rows"] == 2 and event["direction"] == "above"
    apart = MetricDetector(time_col="ts", value_cols=("value",), method="band", cooldown=0).fit(yahoo)
    assert len(apart.detect(yahoo).events) == 8
    lasting = MetricDetector(time_col="ts", value_cols=("value",), method="band", min_duration=2).fit(yahoo)
    assert len(lasting.detect(yahoo).events) == 1  # only the incident with two flagged rows


def test_many_series_by_host_keep_every_row_in_order(yahoo: pd.DataFrame, ecg: pd.DataFrame) -> None:
    two = pd.concat(
        [yahoo.assign(host="web-1"), yahoo.assign(host="web-2", value=yahoo["value"] * 2 + 100)],
        ignore_index=True,
    ).sample(frac=1.0, random_state=0)
    found = MetricDetector(time_col="ts", value_cols=("value",), by=("host",)).fit(two).detect(two)
    assert found.scored.index.equals(two.index) and len(found.scored) == 2000
    assert set(found.series["host"]) == {"web-1", "web-2"} and set(found.series["method"]) == {"band"}
    assert found.events.groupby("host").size().to_dict() == {"web-1": 7, "web-2": 7}
    for column in ("score", "is_anomaly", "expected", "lower", "upper", "direction", "method"):
        assert column in found.scored.columns


def test_several_metrics_get_their_own_columns_and_the_top_one(yahoo: pd.DataFrame) -> None:
    frame = yahoo.assign(other=np.random.default_rng(0).normal(0, 1, len(yahoo)))
    found = (
        MetricDetector(time_col="ts", value_cols=("value", "other"), method="band").fit(frame).detect(frame)
    )
    assert {"value_score", "value_upper", "other_score", "other_direction", "metric"} <= set(
        found.scored.columns
    )
    top = found.scored[found.scored["is_anomaly"]]
    assert (top["score"] == top[["value_score", "other_score"]].max(axis=1)).all()
    assert set(found.events["metric"]) <= {"value", "other"} and "value" in set(found.events["metric"])


# -- bad input -------------------------------------------------------------------------------


def test_too_few_rows_says_the_minimum() -> None:
    with pytest.raises(AnomalyError, match=r"needs at least 10 non-missing values .* got 6 of 6 rows"):
        BandDetector().fit(pd.DataFrame({"v": np.arange(6.0)}))
    with pytest.raises(AnomalyError, match=r"SubPCADetector needs at least 100 non-missing values"):
        SubPCADetector(window=50).fit(pd.DataFrame({"v": np.sin(np.arange(80.0))}))


def test_a_constant_series_is_reported_not_a_crash() -> None:
    frame = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=60, freq="h"), "v": 5.0})
    found = MetricDetector(time_col="ts", value_cols=("v",)).fit(frame).detect(frame)
    assert not found.scored["is_anomaly"].any() and found.series["constant"].all()
    assert ("anomaly_note_constant", {"where": "", "metric": "v"}) in found.notes
    changed = frame.assign(v=np.where(np.arange(60) == 30, 9.0, 5.0))
    detector = MetricDetector(time_col="ts", value_cols=("v",)).fit(frame)
    assert detector.detect(changed).scored["is_anomaly"].sum() == 1  # leaving the constant is an anomaly


def test_duplicate_timestamps_are_averaged_or_refused(yahoo: pd.DataFrame) -> None:
    doubled = pd.concat([yahoo, yahoo.iloc[:5]], ignore_index=True)
    found = MetricDetector(time_col="ts", value_cols=("value",), method="band").fit(doubled).detect(doubled)
    assert (
        len(found.scored) == 1005
        and ("anomaly_note_duplicates", {"where": "", "rows": 5, "how": "mean"}) in found.notes
    )
    assert (
        found.scored.loc[1000, "score"] == found.scored.loc[0, "score"]
    )  # the repeat gets its timestamp's row
    with pytest.raises(
        AnomalyError, match="5 row\\(s\\) of the series repeat a timestamp .* duplicates='mean'"
    ):
        MetricDetector(time_col="ts", value_cols=("value",), duplicates="error").fit(doubled)


def test_gaps_and_missing_values_are_reported(yahoo: pd.DataFrame) -> None:
    holes = yahoo.drop(index=range(100, 110)).copy()
    holes.loc[500, "value"] = np.nan
    found = MetricDetector(time_col="ts", value_cols=("value",), method="band").fit(holes).detect(holes)
    assert ("anomaly_note_gaps", {"where": "", "gaps": 1}) in found.notes
    assert ("anomaly_note_missing", {"where": "", "metric": "value", "rows": 1}) in found.notes
    assert np.isnan(found.scored.loc[500, "score"]) and not found.scored.loc[500, "is_anomaly"]


def test_a_text_metric_column_is_refused_in_one_line() -> None:
    frame = pd.DataFrame(
        {"ts": pd.date_range("2024-01-01", periods=30, freq="h"), "v": ["1.5"] * 29 + ["high"]}
    )
    with pytest.raises(
        AnomalyError,
        match=r"metric column 'v' must be numeric; got object with 1 non-numeric value\(s\) \(first: 'high'\)",
    ):
        MetricDetector(time_col="ts", value_cols=("v",)).fit(frame)
    with pytest.raises(AnomalyError, match="metric column 'nope' is not in the frame"):
        BandDetector(value_col="nope").fit(frame)
    with pytest.raises(ConfigError, match="method must be one of"):
        MetricDetector(method="magic").fit(frame)


def test_a_step_like_metric_gets_the_band(yahoo: pd.DataFrame) -> None:
    counts = pd.DataFrame({"errors": np.random.default_rng(0).poisson(0.3, 600).astype(float)})
    counts.loc[400, "errors"] = 12.0
    model = AutoDetector().fit(counts)
    assert model.method_ == "band" and model.reason_[0] == "anomaly_auto_ties"
    scores = model.anomaly_score(counts)
    assert int(np.argmax(scores)) == 400 and model.predict(counts).mean() < 0.02


def test_correlation_breaks_fall_on_the_annotated_occupancy_changes(shared_data: Path) -> None:
    import json

    from mirae.anomaly import CorrelationBreakDetector

    folder = shared_data / "changepoints_tcpd"
    frame = pd.read_csv(folder / "occupancy.csv")[
        ["V1", "V2", "V3", "V4"]
    ]  # temperature, humidity, light, CO2
    notes = json.loads((folder / "changepoint_annotations.json").read_text(encoding="utf-8"))["Occupancy"]
    changes = sorted({int(i) for marks in notes["annotations_by_annotator"].values() for i in marks})
    model = CorrelationBreakDetector(window=24).fit(frame)
    flagged = np.flatnonzero(model.predict(frame))
    assert flagged.size >= 3
    distance = np.array([min(abs(i - c) for c in changes) for i in flagged])
    assert (distance <= 5).all()  # every break is at a change the annotators marked (labels never fitted)
    hit = {c for c in changes if any(abs(i - c) <= 5 for i in flagged)}
    assert len(hit) >= 4
