"""``detect``: a metrics table in, scored rows and alerts out, with lineage, an MLflow run and a registered detector."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mirae import Workspace
from mirae.errors import AnomalyError, ConfigError, TableExistsError
from mirae.service import DetectSpec, detect_table


def _hosts(shared_data: Path) -> pd.DataFrame:
    """The labelled Yahoo series as two hosts (the second on another scale), hourly."""
    yahoo = pd.read_csv(shared_data / "anomaly_yahoo_like" / "yahoo.csv").rename(columns={"data": "cpu"})
    yahoo.insert(0, "ts", pd.date_range("2024-01-01", periods=len(yahoo), freq="h"))
    second = yahoo.assign(cpu=yahoo["cpu"] * 0.5 + 20)
    return pd.concat([yahoo.assign(host="web-1"), second.assign(host="web-2")], ignore_index=True)


@pytest.fixture(scope="module")
def tracked(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path, mlflow_db_template: Path
) -> Workspace:
    import shutil

    ws = Workspace(tmp_path_factory.mktemp("detect") / "ws")
    shutil.copy(mlflow_db_template, ws.path / "mlflow.db")
    ws.write("metrics", _hosts(shared_data))
    return ws


@pytest.fixture(scope="module")
def run(tracked: Workspace, tmp_path_factory: pytest.TempPathFactory) -> object:
    html = tmp_path_factory.mktemp("report") / "anomalies.html"
    return detect_table(
        tracked,
        "metrics",
        time="ts",
        value="cpu",
        by="host",
        label="label",
        into="found",
        html=html,
        lang="en",
    )


def test_detect_writes_every_row_scored_and_one_row_per_alert(tracked: Workspace, run: object) -> None:
    scored = tracked.to_pandas("found")
    assert len(scored) == 2000 and tracked.count("found") == 2000
    for column in (
        "ts",
        "host",
        "cpu",
        "label",
        "score",
        "is_anomaly",
        "expected",
        "lower",
        "upper",
        "direction",
    ):
        assert column in scored.columns, column
    flagged = scored[scored["is_anomaly"]]
    assert ((flagged["cpu"] > flagged["upper"]) | (flagged["cpu"] < flagged["lower"])).all()
    assert set(flagged["direction"]) == {"above", "below"} and set(scored["method"]) == {"band"}
    events = tracked.to_pandas("found_events")
    assert events.groupby("host").size().to_dict() == {"web-1": 7, "web-2": 7}  # one alert per incident
    assert {"start", "end", "peak_score", "direction", "metric"} <= set(events.columns)
    assert run.flagged == int(scored["is_anomaly"].sum()) and run.events == 14  # type: ignore[attr-defined]


def test_detect_evaluates_against_the_label_without_fitting_on_it(run: object) -> None:
    evaluation = run.evaluation  # type: ignore[attr-defined]
    assert evaluation["event_recall"] == 1.0 and evaluation["events_detected"] == 14  # 7 per host, not joined
    assert evaluation["event_f1"] > 0.9 and evaluation["range_pr_auc"] > 0.9


def test_detect_records_lineage_an_mlflow_run_and_a_registered_detector(
    tracked: Workspace, run: object
) -> None:
    from mirae.track import Tracker

    source = tracked.history("metrics")[-1].snapshot_id
    snapshot = tracked.history("found")[-1]
    assert snapshot.lineage is not None and snapshot.lineage.inputs[0]["snapshot_id"] == source
    assert snapshot.lineage.run_id == run.run_id  # type: ignore[attr-defined]
    tracker = Tracker.for_workspace(tracked.path)
    record = tracker.client.get_run(run.run_id)  # type: ignore[attr-defined]
    assert record.data.tags["mirae.task"] == "anomaly" and record.data.tags["mirae.output_table"] == "found"
    assert record.data.params["method"] == "auto" and record.data.params["by"] == "host"
    assert record.data.metrics["events"] == 14 and record.data.metrics["eval_event_recall"] == 1.0
    assert run.model_ref == "found/1"  # type: ignore[attr-defined]
    model, _ = tracker.registry.load("found/1")
    frame = tracked.to_pandas("metrics").drop(columns=["label"])
    np.testing.assert_allclose(model.anomaly_score(frame), tracked.to_pandas("found")["score"].to_numpy())


def test_the_report_shows_the_normal_range_the_choice_and_the_alerts(run: object) -> None:
    page = Path(run.html).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    assert 'lang="en"' in page and "Anomaly detection report" in page
    assert "Normal range" in page and "seasonal strength 0.90 (hour of day) &gt;= 0.6" in page
    assert "Alerts (one incident, one alert)" in page and "web-2" in page
    assert "Range PR-AUC" in page and "cdn" not in page.lower().split("</script>")[-1]
    korean = run.report.to_html(lang="ko")  # type: ignore[attr-defined]
    assert "정상 범위" in korean and "이상 탐지 보고서" in korean and "상한 초과" in korean
    assert "계절성 강도 0.90 (시간대) ≥ 0.6" in korean and ">hour<" not in korean


def test_multi_metric_methods_score_rows_together(tmp_path: Path, shared_data: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ecg = pd.read_csv(shared_data / "anomaly_ecg_mitdb" / "mitdb.csv").iloc[:3000]
    ws.write("ecg", pd.DataFrame({"v": ecg["data"], "d": ecg["data"].diff().fillna(0.0)}))
    html = tmp_path / "ecod.html"
    out = detect_table(ws, "ecg", value="v,d", method="ecod", into="ecod", track=False, html=html, lang="en")
    scored = ws.to_pandas("ecod")
    assert set(scored["method"]) == {"ecod"} and scored["expected"].isna().all()
    assert 0 < out.flagged <= 31  # the default threshold: the training scores' 99th percentile
    assert out.series[0]["metric"] == "v+d"
    page = html.read_text(encoding="utf-8")
    assert "ECOD (empirical-CDF tail probabilities)" in page and "Anomaly score" in page


def test_bad_requests_are_refused_before_any_write(tracked: Workspace) -> None:
    with pytest.raises(AnomalyError, match=r"column\(s\) \['nope'\] are not in table 'metrics'"):
        detect_table(tracked, "metrics", time="ts", value="nope", into="x", track=False)
    with pytest.raises(AnomalyError, match="label column 'host' must hold 0/1"):
        detect_table(tracked, "metrics", time="ts", value="cpu", by="", label="host", into="x", track=False)
    with pytest.raises(ConfigError, match="give one of them"):
        DetectSpec(table="metrics", into="x", threshold=3.0, contamination=0.01)
    with pytest.raises(ConfigError, match="method"):
        DetectSpec(table="metrics", into="x", method="magic")
    with pytest.raises(TableExistsError, match="already exist; nothing was computed"):
        detect_table(tracked, "metrics", time="ts", value="cpu", into="found", track=False)
    assert "x" not in tracked.tables()
