"""Metric anomaly detection on labelled series: mirae's auto against PyOD's IsolationForest and ECOD and a 3-sigma rule.

Series (``../shared/data``; read each SOURCE.txt): the Yahoo-style labelled
series (1,000 hourly points, 7 anomalous points, with trend and a daily
cycle) and the MIT-BIH ECG excerpt (7,500 points, one region of 352
abnormal-beat points). Each detector is fitted on the whole series, without
the labels, with its defaults:

- **mirae** ``AutoDetector()``: the rule picks the band, Sub-PCA or POLY per series;
- **PyOD** ``IForest()`` (isolation forest, contamination 0.1 by default) on the value column;
- **PyOD** ``ECOD()`` (empirical-CDF outlier scores, contamination 0.1 by default);
- **3-sigma**: ``|value - mean| > 3 std`` over the whole series.

Scores: event-level precision/recall/F1 and range PR-AUC
(``mirae.anomaly._metrics``), point F1, and the wall time of fit + score
(best of 3), same run.

Run: ``python benchmarks/anomaly_yahoo.py`` (writes ``benchmarks/.results/anomaly_yahoo.json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from _common import RESULTS, SHARED_DATA, machine, timed
from mirae.anomaly import AutoDetector, evaluate_detection

SERIES = {
    "yahoo": SHARED_DATA / "anomaly_yahoo_like" / "yahoo.csv",
    "ecg_mitdb": SHARED_DATA / "anomaly_ecg_mitdb" / "mitdb.csv",
}


def mirae_auto(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, str]:
    model = AutoDetector().fit(values)
    return model.predict(values), np.asarray(model.anomaly_score(values)), model.method_


def pyod_iforest(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, str]:
    from pyod.models.iforest import IForest

    model = IForest().fit(values.to_numpy())  # its defaults; unseeded, as a user would run it
    return model.labels_, model.decision_scores_, "iforest"


def pyod_ecod(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, str]:
    from pyod.models.ecod import ECOD

    model = ECOD().fit(values.to_numpy())  # its defaults (contamination 0.1)
    return model.labels_, model.decision_scores_, "ecod"


def three_sigma(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, str]:
    x = values.iloc[:, 0].to_numpy(dtype=float)
    z = np.abs(x - x.mean()) / x.std()
    return (z > 3).astype(int), z, "3-sigma"


DETECTORS: dict[str, Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray, str]]] = {
    "mirae auto": mirae_auto,
    "PyOD IForest": pyod_iforest,
    "PyOD ECOD": pyod_ecod,
    "3-sigma": three_sigma,
}


def main() -> None:
    results: dict[str, Any] = {"machine": machine(), "series": {}}
    for name, path in SERIES.items():
        frame = pd.read_csv(path)
        values, labels = frame[["data"]], frame["label"].to_numpy()
        rows: dict[str, Any] = {}
        for detector, run in DETECTORS.items():
            seconds, (flags, scores, chosen) = timed(lambda run=run, values=values: run(values), repeat=3)
            found = evaluate_detection(labels, flags, scores)
            rows[detector] = {"method": chosen, "seconds": seconds, "flagged": int(np.sum(flags)), **found}
            print(  # noqa: T201 - a benchmark reports on the terminal
                f"{name:10s} {detector:13s} ({chosen:7s}) event P/R/F1 {found['event_precision']:.3f}/"
                f"{found['event_recall']:.3f}/{found['event_f1']:.3f}  point F1 {found['f1']:.3f}  "
                f"range PR-AUC {found['range_pr_auc']:.3f}  flagged {int(np.sum(flags)):5d}  {seconds:.3f}s"
            )
        results["series"][name] = rows
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "anomaly_yahoo.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
