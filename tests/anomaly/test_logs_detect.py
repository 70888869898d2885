"""Per-template window counts and the log anomaly detector, on loghub's BGL (alert labels) and made bursts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mirae.anomaly import LogAnomalyDetector, count_windows, detect_log_anomalies
from mirae.errors import AnomalyError


@pytest.fixture(scope="module")
def bgl(shared_data: Path) -> tuple[object, np.ndarray]:
    """BGL 2k (about 10 lines a day over 7 months) in daily windows; its alert bursts start in week one."""
    folder = shared_data / "loghub_2k"
    truth = pd.read_csv(folder / "BGL_2k.log_structured.csv")
    analysis = detect_log_anomalies(folder / "BGL_2k.log", window="1D", detector=LogAnomalyDetector(warmup=3))
    return analysis, (truth["Label"] != "-").to_numpy()


def test_bgl_alert_lines_land_in_flagged_templates_more_than_by_chance(
    bgl: tuple[object, np.ndarray],
) -> None:
    analysis, alert = bgl
    lines = analysis.lines.assign(window_start=analysis.lines["time"].dt.floor("D"))  # type: ignore[attr-defined]
    flagged = analysis.counts.loc[analysis.counts["is_anomaly"], ["window_start", "template_id"]]  # type: ignore[attr-defined]
    keys = set(zip(flagged["window_start"], flagged["template_id"], strict=True))
    hit = np.array([(w, t) in keys for w, t in zip(lines["window_start"], lines["template_id"], strict=True)])
    assert hit[alert].mean() > 1.25 * hit.mean()  # alert lines: 0.60 flagged, all lines: 0.44
    windows = analysis.windows  # type: ignore[attr-defined]
    in_flagged = (
        lines["window_start"].isin(set(windows.loc[windows["is_anomaly"], "window_start"])).to_numpy()
    )
    assert in_flagged[alert].mean() > 1.25 * in_flagged.mean()
    assert set(windows.loc[windows["is_anomaly"], "reason"]) <= {"burst", "drop", "new", "shift"}


def test_tables_hold_every_line_and_every_count(bgl: tuple[object, np.ndarray]) -> None:
    analysis, _ = bgl
    lines, counts = analysis.lines, analysis.counts  # type: ignore[attr-defined]
    assert lines["line"].tolist() == list(range(1, 2001))
    assert counts["count"].sum() == lines["time"].notna().sum() == 2000
    assert (counts["window_end"] - counts["window_start"] == pd.Timedelta("1D")).all()
    assert analysis.templates["lines"].sum() == 2000  # type: ignore[attr-defined]
    assert analysis.metrics()["templates"] == lines["template_id"].nunique()  # type: ignore[attr-defined]


def test_a_burst_a_new_template_and_a_stopped_heartbeat_are_flagged() -> None:
    start = pd.Timestamp("2024-03-04 00:00")
    lines = []
    for minute in range(0, 24 * 60):
        when = start + pd.Timedelta(minutes=minute)
        if not 600 <= minute < 660:  # the heartbeat (3 a minute) stops for an hour
            lines += [
                f"{(when + pd.Timedelta(seconds=s)).isoformat()} heartbeat ok seq {minute}"
                for s in (0, 20, 40)
            ]
        if minute % 7 == 0:
            lines.append(f"{when.isoformat()} GET /api/items/{minute} 200")
        if 900 <= minute < 905:
            lines += [f"{when.isoformat()} Denied user u{k} from 10.0.0.{k}" for k in range(12)]
        if minute == 1200:
            lines.append(f"{when.isoformat()} kernel panic on cpu 3")
    analysis = detect_log_anomalies([line for line in lines if line], window="10min")
    windows = analysis.windows.set_index("window_start")
    assert windows.loc[start + pd.Timedelta(minutes=900), "is_anomaly"]
    assert windows.loc[start + pd.Timedelta(minutes=1200), "reason"] == "new"
    assert windows.loc[start + pd.Timedelta(minutes=600), "reason"] == "drop"
    assert windows["is_anomaly"].sum() <= 12  # the quiet rest of the day stays quiet
    assert "kernel panic on cpu <NUM>" in analysis.new_templates


def test_window_errors_are_clear() -> None:
    times = pd.Series(pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:02"]))
    with pytest.raises(AnomalyError, match="less than one window"):
        count_windows(times, pd.Series([0, 0]), "5min")
    with pytest.raises(AnomalyError, match="must be a duration"):
        count_windows(times, pd.Series([0, 0]), "five minutes")
    with pytest.raises(AnomalyError, match="at least 3 windows"):
        LogAnomalyDetector().fit(pd.DataFrame({0: [1, 2]}))
    with pytest.raises(AnomalyError, match="counts"):
        LogAnomalyDetector().fit(pd.DataFrame({0: [1, -2, 3]}))
