"""Conformal intervals, including series too short to have backtest errors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mirae.forecast import conformal_intervals


def test_series_without_backtest_errors_get_pooled_relative_width() -> None:
    residuals = pd.DataFrame({"unique_id": ["a"] * 4, "y": [10.0] * 4, "m": [11.0, 9.0, 12.0, 8.0]})
    forecast = pd.DataFrame({"unique_id": ["a", "b", "b"], "m": [10.0, 50.0, 30.0]})
    out = conformal_intervals(forecast, residuals, ["m"], [50])
    # a: errors 1,1,2,2 -> rank ceil(5 * 0.5) = 3 -> width 2
    # b: relative errors 0.1,0.1,0.2,0.2 -> 0.2, times b's mean |forecast| 40 -> width 8
    np.testing.assert_allclose(out["m-lo-50"], [8.0, 42.0, 22.0])
    np.testing.assert_allclose(out["m-hi-50"], [12.0, 58.0, 38.0])
    assert not out.isna().any().any()


def test_fill_zero_extends_stopped_series_to_the_last_period() -> None:
    from mirae.forecast import ForecastData

    weeks = pd.date_range("2024-01-01", periods=8, freq="W-MON")
    frame = pd.concat(
        [
            pd.DataFrame({"item": "a", "week": weeks, "qty": 5.0}),
            pd.DataFrame({"item": "b", "week": weeks[:5], "qty": 3.0}),  # stopped selling
        ]
    )
    data = ForecastData.from_frame(frame, id_col="item", time_col="week", target_col="qty", fill="zero")
    b = data.history.loc[data.history["unique_id"] == "b"]
    assert b["ds"].max() == weeks[-1]
    assert b["y"].tolist() == [3.0] * 5 + [0.0] * 3
    assert data.report["gaps_filled"] == {"b": 3}
