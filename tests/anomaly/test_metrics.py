"""Detection metrics: hand-computed cases, and the same metrics on real labelled data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mirae.anomaly import (
    detection_delay,
    evaluate_detection,
    event_metrics,
    label_events,
    point_metrics,
    range_pr_auc,
)
from mirae.errors import AnomalyError

#          0  1  2  3  4  5  6  7  8  9
LABELS = [0, 1, 1, 1, 0, 0, 0, 1, 1, 0]
FLAGS = [0, 0, 1, 0, 0, 1, 0, 0, 0, 0]


def test_point_metrics_by_hand() -> None:
    # one true positive (row 2), one false positive (row 5), five labelled rows
    out = point_metrics(LABELS, FLAGS)
    assert out["precision"] == pytest.approx(1 / 2)
    assert out["recall"] == pytest.approx(1 / 5)
    assert out["f1"] == pytest.approx(2 * 0.5 * 0.2 / 0.7)


def test_event_metrics_by_hand() -> None:
    assert label_events(LABELS) == [(1, 3), (7, 8)]
    # labelled events: rows 1-3 detected (row 2), rows 7-8 missed; predicted events: {2} correct, {5} wrong
    out = event_metrics(LABELS, FLAGS)
    assert out == {"event_precision": 0.5, "event_recall": 0.5, "event_f1": 0.5}
    # flagging every row of a long event is one detection, not many
    assert event_metrics([0, 1, 1, 1, 1, 0], [0, 1, 1, 1, 1, 0])["event_f1"] == 1.0
    assert event_metrics([0, 0, 0], [0, 0, 0]) == {
        "event_precision": 0.0,
        "event_recall": 0.0,
        "event_f1": 0.0,
    }


def test_detection_delay_by_hand() -> None:
    out = detection_delay(LABELS, FLAGS)
    assert out == {"delay_mean": 1.0, "delay_median": 1.0, "events_detected": 1.0}  # row 2 is one after row 1
    assert math.isnan(detection_delay([0, 1], [0, 0])["delay_mean"])


def test_range_pr_auc_by_hand() -> None:
    # the highest score is inside the first event, the next inside the second: both found at full precision
    assert range_pr_auc(LABELS, [0, 0.2, 0.9, 0.1, 0, 0.3, 0, 0.8, 0.1, 0]) == pytest.approx(1.0)
    # the highest score is a false alarm: recall 0.5 at precision 1/2, then recall 1 at precision 2/3
    scores = [0, 0.2, 0.8, 0.1, 0, 0.9, 0, 0.7, 0.1, 0]
    assert range_pr_auc(LABELS, scores) == pytest.approx(0.5 * 0.5 + 0.5 * (2 / 3))
    assert range_pr_auc([0, 0, 0], [0.1, 0.2, 0.3]) == 0.0


def test_bad_labels_say_what_was_expected() -> None:
    with pytest.raises(AnomalyError, match="labels must be 0/1"):
        point_metrics([0, 2, 1], [0, 1, 1])
    with pytest.raises(AnomalyError, match="one value per row each; got 3 and 2"):
        event_metrics([0, 1, 1], [0, 1])


def test_metrics_on_the_yahoo_labels(yahoo: pd.DataFrame) -> None:
    labels = yahoo["label"].to_numpy()
    assert len(label_events(labels)) == 7  # seven isolated anomalous points
    perfect = evaluate_detection(labels, labels, labels.astype(float))
    assert perfect["f1"] == perfect["event_f1"] == perfect["range_pr_auc"] == 1.0
    assert perfect["delay_mean"] == 0.0
    shifted = np.roll(labels, 1)  # every flag one row late: no point is right, no event overlaps
    assert evaluate_detection(labels, shifted)["event_recall"] == 0.0
