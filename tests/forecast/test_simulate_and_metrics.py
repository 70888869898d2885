"""What-if simulation on M5 prices, metrics by hand, WRMSSE, and the public API."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mirae.forecast as fc_pkg
from mirae.errors import NoPriceVariationError
from mirae.forecast import (
    ForecastData,
    PriceResponse,
    bias,
    fit_price_response,
    mase,
    rmsse,
    simulate_scenarios,
    smape,
    wape,
    wrmsse,
)


def _m5(m5_items: pd.DataFrame) -> ForecastData:
    df = m5_items.dropna(subset=["sell_price"])
    return ForecastData.from_frame(
        df,
        id_col="id",
        time_col="date",
        target_col="sales",
        hierarchy=["cat_id", "dept_id"],
        exog=["sell_price"],
        fill="zero",
    )


def test_price_response_and_scenarios_on_m5(m5_items: pd.DataFrame) -> None:
    data = _m5(m5_items)
    response = fit_price_response(data, price="sell_price")
    assert np.isfinite(response.elasticity) and response.n_obs > 5000
    table = simulate_scenarios(
        200.0,
        reference_price=4.0,
        unit_cost=2.5,
        response=response,
        discounts=[0, 0.2, 0.3, 0.4],
        promo=[False],
    )
    assert len(table) == 4 and table["best"].sum() == 1
    row = table.iloc[2]
    assert row["price"] == pytest.approx(2.8)
    assert row["units"] == pytest.approx(200.0 * 0.7**response.elasticity)
    assert row["margin"] == pytest.approx(row["units"] * (2.8 - 2.5))
    assert row["margin_rate"] == pytest.approx((2.8 - 2.5) / 2.8)
    assert table.loc[table["best"], "margin"].iloc[0] == table["margin"].max()


def test_promotion_and_price_points() -> None:
    r = PriceResponse(elasticity=-1.5, uplift=np.log(1.3), n_obs=10)
    t = simulate_scenarios(
        100.0,
        reference_price=10.0,
        unit_cost=5.0,
        response=r,
        discounts=[0.0],
        prices=[12.0],
        promo=[False, True],
    )
    assert len(t) == 4
    on = t.loc[t["promo"] & (t["price"] == 10.0), "units"].iloc[0]
    assert on == pytest.approx(130.0)
    assert t.loc[~t["promo"] & (t["price"] == 12.0), "units"].iloc[0] == pytest.approx(100 * 1.2**-1.5)


def test_no_price_variation_is_refused(m5_items: pd.DataFrame) -> None:
    flat = m5_items.assign(sell_price=m5_items.groupby("id")["sell_price"].transform("max"))
    with pytest.raises(NoPriceVariationError, match="never changes"):
        fit_price_response(_m5(flat), price="sell_price")


def test_metrics_by_hand() -> None:
    y, f, train = [10.0, 20.0, 30.0], [12.0, 18.0, 33.0], [5.0, 7.0, 6.0, 9.0]
    # MASE: MAE (2+2+3)/3 over mean |diff| of train (2+1+3)/3
    assert mase(y, f, train) == pytest.approx((7 / 3) / 2)
    # RMSSE: sqrt(mean sq err (4+4+9)/3 over mean sq diff (4+1+9)/3)
    assert rmsse(y, f, train) == pytest.approx(np.sqrt((17 / 3) / (14 / 3)))
    assert smape(y, f) == pytest.approx(200 / 3 * (2 / 22 + 2 / 38 + 3 / 63))
    assert wape(y, f) == pytest.approx(7 / 60)
    assert bias(y, f) == pytest.approx(3 / 60)
    assert np.isnan(mase([1.0], [1.0], [3.0, 3.0, 3.0]))  # constant history: no scale


def test_wrmsse_weights_levels_by_dollar_sales() -> None:
    train = pd.DataFrame({"unique_id": ["a"] * 3 + ["b"] * 3, "ds": [1, 2, 3] * 2, "y": [1.0, 2, 3, 2, 2, 4]})
    actual = pd.DataFrame({"unique_id": ["a", "b"], "ds": [4, 4], "y": [4.0, 4.0]})
    fcst = pd.DataFrame({"unique_id": ["a", "b"], "ds": [4, 4], "m": [5.0, 4.0]})
    statics = pd.DataFrame({"g": ["G", "G"]}, index=["a", "b"])
    price = pd.DataFrame(
        {"unique_id": ["a"] * 3 + ["b"] * 3, "ds": [1, 2, 3] * 2, "price": [1.0] * 3 + [3.0] * 3}
    )
    # levels: total, g (same series as total here), bottom. Total: train 3,4,7; scale mean([1,9]) = 5; error 1
    total = np.sqrt(1 / 5)
    # bottom: a scale mean([1,1]) = 1, error 1 -> 1; b error 0. Dollar weights a: 6, b: 24 -> 0.2, 0.8
    bottom = 0.2 * 1.0 + 0.8 * 0.0
    got = wrmsse(actual, fcst, train, model="m", statics=statics, price=price)
    assert got == pytest.approx((total + total + bottom) / 3)
    units = wrmsse(actual, fcst, train, model="m", statics=statics)
    assert units == pytest.approx((2 * total + 6 / 14) / 3)


def test_wrmsse_keeps_items_with_a_missing_hierarchy_value_as_their_own_node() -> None:
    train = pd.DataFrame({"unique_id": ["a"] * 3 + ["b"] * 3, "ds": [1, 2, 3] * 2, "y": [1.0, 2, 3, 2, 2, 4]})
    actual = pd.DataFrame({"unique_id": ["a", "b"], "ds": [4, 4], "y": [4.0, 4.0]})
    fcst = pd.DataFrame({"unique_id": ["a", "b"], "ds": [4, 4], "m": [5.0, 4.0]})
    missing = wrmsse(
        actual, fcst, train, model="m", statics=pd.DataFrame({"g": ["G", None]}, index=["a", "b"])
    )
    named = wrmsse(
        actual, fcst, train, model="m", statics=pd.DataFrame({"g": ["G", "other"]}, index=["a", "b"])
    )
    assert missing == pytest.approx(named)
    # level g has nodes G (only a: error 1, scale 1) and b's own (error 0); unit weights 6/14 and 8/14
    assert named == pytest.approx((np.sqrt(1 / 5) + 6 / 14 + 6 / 14) / 3)


def test_public_api_is_pinned() -> None:
    assert sorted(fc_pkg.__all__) == sorted(
        [
            "STATISTICAL_MODELS",
            "AutoForecaster",
            "ForecastData",
            "Forecaster",
            "Frequency",
            "GlobalBoostForecaster",
            "HierarchicalForecaster",
            "PriceResponse",
            "SeasonalIndexForecaster",
            "StatisticalForecaster",
            "aggregate_history",
            "backtest",
            "bias",
            "calendar_features",
            "classify_series",
            "conformal_intervals",
            "fit_price_response",
            "holiday_calendar",
            "infer_frequency",
            "mase",
            "reconcile",
            "rmsse",
            "score_series",
            "seasonal_index_components",
            "shrunk_covariance",
            "simulate_scenarios",
            "smape",
            "summing_matrix",
            "wape",
            "wrmsse",
        ]
    )
    for name in fc_pkg.__all__:
        assert getattr(fc_pkg, name).__doc__


def test_import_is_cheap() -> None:
    import subprocess
    import sys

    code = "import sys, mirae.forecast; print(sorted(m for m in ('statsforecast', 'lightgbm', 'holidays', 'sklearn') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


def test_an_elasticity_indistinguishable_from_zero_marks_no_best_scenario() -> None:
    # units that do not react to price: the estimate's interval spans zero, so no price is "best"
    rng = np.random.default_rng(0)
    weeks = pd.date_range("2022-01-03", periods=104, freq="W-MON")
    frame = pd.DataFrame(
        {
            "item": "a",
            "week": weeks,
            "units": rng.poisson(50, 104).astype(float),
            "price": rng.choice([9.0, 10.0], 104),
        }
    )
    data = ForecastData.from_frame(frame, id_col="item", time_col="week", target_col="units", exog=["price"])
    flat = fit_price_response(data, price="price")
    low, high = flat.interval  # type: ignore[misc]
    assert low < 0 < high and not flat.distinguishable
    table = simulate_scenarios(
        100.0, reference_price=10.0, unit_cost=5.0, response=flat, discounts=[0.0, 0.1]
    )
    assert not table["best"].any()
    # units that halve when the price doubles: told apart from zero, the best margin is marked
    frame["units"] = 5000 / frame["price"] ** 1.8 * rng.lognormal(0, 0.05, 104)
    steep = fit_price_response(
        ForecastData.from_frame(frame, id_col="item", time_col="week", target_col="units", exog=["price"]),
        price="price",
    )
    assert steep.distinguishable and steep.interval[0] < -1.8 < steep.interval[1]  # type: ignore[index]
    assert (
        simulate_scenarios(100.0, reference_price=10.0, unit_cost=5.0, response=steep, discounts=[0.0, 0.1])[
            "best"
        ].sum()
        == 1
    )
