"""Real labelled series for the metric detectors (../shared/data; read their SOURCE.txt)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def yahoo(shared_data: Path) -> pd.DataFrame:
    """One Yahoo-style labelled series (1,000 points, 7 anomalous) with hourly timestamps added."""
    frame = pd.read_csv(shared_data / "anomaly_yahoo_like" / "yahoo.csv")
    frame.insert(0, "ts", pd.date_range("2024-01-01", periods=len(frame), freq="h"))
    return frame.rename(columns={"data": "value"})


@pytest.fixture(scope="session")
def ecg(shared_data: Path) -> pd.DataFrame:
    """MIT-BIH ECG excerpt: 7,500 points, one region of 352 anomalous points."""
    return pd.read_csv(shared_data / "anomaly_ecg_mitdb" / "mitdb.csv").rename(columns={"data": "value"})
