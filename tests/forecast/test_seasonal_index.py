"""The seasonal-index method: arithmetic checked by hand, hierarchy, factors, real data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mirae.errors import ConfigError, HierarchyError
from mirae.forecast import ForecastData, SeasonalIndexForecaster, seasonal_index_components

ACTUAL = [10.0, 12.0, 20.0, 11.0, 9.0, 13.0, 15.0]


def _std(values: list[float]) -> float:
    """Sample standard deviation written out (ddof=1)."""
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def test_components_by_hand_centred() -> None:
    c = seasonal_index_components(
        pd.Series(ACTUAL), trend_window=3, volatility_window=3, smoothing_window=3, center=True
    )
    # trend: centred 3-period moving average of actual
    t = [
        math.nan,
        (10 + 12 + 20) / 3,
        (12 + 20 + 11) / 3,
        (20 + 11 + 9) / 3,
        (11 + 9 + 13) / 3,
        (9 + 13 + 15) / 3,
        math.nan,
    ]
    # volatility: centred 3-period sample std of the trend (needs three trend values)
    v = [math.nan, math.nan, _std(t[1:4]), _std(t[2:5]), _std(t[3:6]), math.nan, math.nan]
    assert t[2] == pytest.approx(14.3333, abs=1e-4) and v[2] == pytest.approx(0.509175, abs=1e-6)
    # refined: clipped into trend +- volatility where the range exists
    r = [10.0, 12.0, t[2] + v[2], t[3] - v[3], t[4] - v[4], 13.0, 15.0]
    assert r[2] == pytest.approx(14.8425, abs=1e-4)  # 20 clipped to the upper bound
    assert r[3] == pytest.approx(11.6228, abs=1e-4)  # 11 lifted to the lower bound
    # smoothed: centred 3-period moving average of refined
    s = [math.nan] + [(r[i - 1] + r[i] + r[i + 1]) / 3 for i in range(1, 6)] + [math.nan]
    expected = pd.DataFrame(
        {
            "actual": ACTUAL,
            "trend": t,
            "volatility": v,
            "lower": [a - b for a, b in zip(t, v, strict=True)],
            "upper": [a + b for a, b in zip(t, v, strict=True)],
            "refined": r,
            "smoothed": s,
            "index": [a / b for a, b in zip(r, s, strict=True)],
        }
    )
    pd.testing.assert_frame_equal(c, expected, rtol=1e-12)
    assert c.loc[2, "index"] == pytest.approx(14.8425 / 12.8218, abs=1e-4)


def test_components_trailing_and_actual_index() -> None:
    c = seasonal_index_components(
        pd.Series(ACTUAL),
        trend_window=2,
        volatility_window=2,
        smoothing_window=2,
        center=False,
        index_from="actual",
    )
    t = [math.nan, 11.0, 16.0, 15.5, 10.0, 11.0, 14.0]
    assert c["trend"].tolist()[1:] == t[1:]
    v2 = _std([11.0, 16.0])  # trailing window ending at row 2
    assert c.loc[2, "volatility"] == pytest.approx(v2)
    assert c.loc[2, "refined"] == pytest.approx(16.0 + v2)
    smoothed3 = (c.loc[2, "refined"] + c.loc[3, "refined"]) / 2
    assert c.loc[3, "index"] == pytest.approx(11.0 / smoothed3)


def test_bad_windows() -> None:
    with pytest.raises(ConfigError, match="trend_window"):
        seasonal_index_components(pd.Series(ACTUAL), trend_window=0)
    with pytest.raises(ConfigError, match="index_from"):
        seasonal_index_components(pd.Series(ACTUAL), index_from="median")  # type: ignore[arg-type]


def _two_item_table() -> pd.DataFrame:
    """Group REF with items A (twice the size of B), quarterly, three years, Q4 peak."""
    ds = pd.date_range("2021-01-01", periods=12, freq="QS")
    pattern = np.tile([10.0, 12.0, 11.0, 20.0], 3)
    return pd.concat(
        [
            pd.DataFrame({"item": "A", "group": "REF", "ds": ds, "qty": 2 * pattern}),
            pd.DataFrame({"item": "B", "group": "REF", "ds": ds, "qty": pattern + 1}),
        ],
        ignore_index=True,
    )


def test_index_from_upper_level_applied_to_items_by_hand() -> None:
    df = _two_item_table()
    data = ForecastData.from_frame(df, id_col="item", time_col="ds", target_col="qty", hierarchy=["group"])
    m = SeasonalIndexForecaster(
        trend_window=3, volatility_window=3, smoothing_window=3, index_from="actual"
    ).fit(data)
    group = df.groupby("ds")["qty"].sum().to_numpy()  # 3 * pattern + 1
    # centred MA3 of the group's actual, then index = actual / smoothed(actual clipped); with
    # index_from='actual' the numerator is the group's actual sales
    comp = m.components_
    assert (comp["group"] == "REF").all() and comp["actual"].tolist() == group.tolist()
    raw = comp["index"].to_numpy()
    positions = np.tile([1, 2, 3, 4], 3)
    means = [
        np.nanmean(raw[positions == p]) if np.isfinite(raw[positions == p]).any() else np.nan
        for p in (1, 2, 3, 4)
    ]
    norm = np.array(means) / np.nanmean(means)
    table = m.seasonal_index_.set_index("position")["index"]
    np.testing.assert_allclose(table.to_numpy(), norm, rtol=1e-12)
    assert table.mean() == pytest.approx(1.0)
    assert table.idxmax() == 4  # the Q4 peak survives at the group level
    # base level: mean of the last smoothing_window (3) de-seasonalised periods of each item
    base_a = np.mean(np.array([2 * 12.0, 2 * 11.0, 2 * 20.0]) / norm[[1, 2, 3]])
    assert m.base_level_["A"] == pytest.approx(base_a)
    fc = m.predict(4)
    a = fc.loc[fc["item"] == "A", "SeasonalIndex"].to_numpy()
    np.testing.assert_allclose(a, base_a * norm, rtol=1e-12)
    b = fc.loc[fc["item"] == "B", "SeasonalIndex"].to_numpy()
    # the same index shape applies to both items
    np.testing.assert_allclose(a / a[0], b / b[0], rtol=1e-12)


def test_unknown_index_level() -> None:
    data = ForecastData.from_frame(_two_item_table(), id_col="item", target_col="qty", hierarchy=["group"])
    with pytest.raises(HierarchyError, match="index_level 'product'"):
        SeasonalIndexForecaster(index_level="product").fit(data)


def test_walmart_with_promotion_and_holiday_factors(walmart: pd.DataFrame) -> None:
    data = ForecastData.from_frame(
        walmart,
        id_col="id",
        time_col="Date",
        target_col="Weekly_Sales",
        hierarchy=["group"],
        exog=["promo", "holiday"],
    )
    m = SeasonalIndexForecaster(factors=["promo", "holiday"]).fit(data)
    assert set(m.factors_["factor"]) == {"promo", "holiday"}
    assert (m.factors_["kind"] == "multiplier").all()
    assert set(m.components_["group"]) == {"low", "high"}
    assert m.components_["trend"].notna().sum() > 200
    # factor columns need future values; with them, promotion weeks scale by exp(coefficient)
    with pytest.raises(Exception, match="promo"):
        m.predict(2)
    last = walmart["Date"].max()
    ids = walmart["id"].unique()
    fut = pd.DataFrame(
        {
            "id": np.repeat(ids, 2),
            "Date": np.tile([last + pd.Timedelta(weeks=1), last + pd.Timedelta(weeks=2)], len(ids)),
            "holiday": 0.0,
        }
    )
    on = m.predict(2, future=fut.assign(promo=1.0))
    off = m.predict(2, future=fut.assign(promo=0.0))
    coef = m.factors_.set_index("factor").loc["promo", "coefficient"]
    np.testing.assert_allclose(on["SeasonalIndex"] / off["SeasonalIndex"], np.exp(coef), rtol=1e-12)
    assert (off["SeasonalIndex"] > 0).all()
