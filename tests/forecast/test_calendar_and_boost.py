"""Calendar and holiday features, the global LightGBM forecaster and the one-pass statistical backtest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from mirae.errors import ConfigError, SchemaError
from mirae.forecast import (
    AutoForecaster,
    ForecastData,
    GlobalBoostForecaster,
    StatisticalForecaster,
    backtest,
    calendar_features,
    holiday_calendar,
    infer_frequency,
)


@pytest.fixture(scope="module")
def m5_data(m5_priced: Callable[[int], ForecastData]) -> ForecastData:
    """24 items with sell prices; the last 28 days' sales are hidden, their prices known ahead."""
    return m5_priced(28)


def _dates(values: pd.Series) -> list[str]:
    return pd.DatetimeIndex(values).strftime("%Y-%m-%d").tolist()


def test_korean_lunar_holidays_on_known_dates() -> None:
    cal = holiday_calendar([2024], "KR")
    assert _dates(cal.loc[cal["kind"] == "seollal", "date"]) == [
        "2024-02-09",
        "2024-02-10",
        "2024-02-11",
        "2024-02-12",
    ]
    assert _dates(cal.loc[cal["kind"] == "chuseok", "date"]) == ["2024-09-16", "2024-09-17", "2024-09-18"]
    days = calendar_features(pd.date_range("2024-02-08", "2024-02-13", freq="D"))
    assert days["is_seollal"].tolist() == [0, 1, 1, 1, 1, 0]  # the 12th is the substitute day
    assert days["holiday_eve"].tolist() == [1, 1, 1, 1, 0, 0]
    assert days["days_to_holiday"].tolist()[:2] == [1, 0]
    assert days["dayofweek"].tolist()[0] == 3  # a Thursday
    # 2025: Seollal 28-30 Jan and the temporary holiday on the 27th; Chuseok 5-7 Oct and substitute 8 Oct
    cal25 = holiday_calendar([2025], "KR")
    assert _dates(cal25.loc[cal25["kind"] == "chuseok", "date"]) == [
        "2025-10-05",
        "2025-10-06",
        "2025-10-07",
        "2025-10-08",
    ]
    assert pd.Timestamp("2025-01-27") in set(cal25["date"])


def test_holiday_counts_per_week_and_month() -> None:
    weeks = calendar_features(pd.date_range("2024-02-04", periods=3, freq="W-SUN"))
    # weeks ending Sunday 4, 11, 18 Feb: Seollal 9-11 in the second, the substitute Monday 12th in the third
    assert weeks[["holidays", "seollal_days"]].values.tolist() == [[0, 0], [3, 3], [1, 1]]
    starting = calendar_features(pd.date_range("2024-02-05", periods=2, freq="W-MON"), week_start=True)
    assert starting["seollal_days"].tolist() == [3, 1]
    months = calendar_features(pd.date_range("2024-01-31", periods=12, freq="ME"))
    assert months.loc[1, "seollal_days"] == 4 and months.loc[8, "chuseok_days"] == 3
    assert months["holidays"].sum() == len(holiday_calendar([2024]))
    assert calendar_features(
        pd.date_range("2024-01-01", periods=2, freq="MS"), country=None
    ).columns.tolist() == [
        "month",
        "quarter",
    ]


def test_walmart_holiday_weeks_have_us_holidays(walmart: pd.DataFrame) -> None:
    weeks = walmart.drop_duplicates("Date").sort_values("Date")
    feats = calendar_features(weeks["Date"], country="US")
    flagged = weeks["IsHoliday"].to_numpy() & (weeks["Date"].dt.month >= 9).to_numpy()
    # Labor Day, Thanksgiving and Christmas weeks (the Super Bowl is no public holiday)
    assert flagged.sum() == 7 and (feats.loc[flagged, "holidays"] >= 1).all()
    assert feats.loc[~weeks["IsHoliday"].to_numpy(), "holidays"].mean() < 0.5


def test_user_events_and_bad_input() -> None:
    events = pd.DataFrame(
        {
            "date": ["2024-11-29", "2024-11-29", "2024-12-02"],
            "event": ["Black Friday", "Sale", "Cyber Monday"],
        }
    )
    weeks = calendar_features(
        pd.date_range("2024-11-24", periods=2, freq="W-SUN"), country="US", events=events
    )
    assert weeks[["event_black_friday", "event_sale", "event_cyber_monday"]].values.tolist() == [
        [0, 0, 0],
        [1, 1, 0],
    ]
    with pytest.raises(SchemaError, match="'event'"):
        calendar_features(pd.date_range("2024-01-01", periods=2, freq="D"), events=pd.DataFrame({"date": []}))
    with pytest.raises(ConfigError, match="holiday country"):
        holiday_calendar([2024], "XX")
    assert infer_frequency(pd.date_range("2000-01-01", periods=5, freq="YS")).code == "Y"


def test_lag_features_use_only_the_past(m5_data: ForecastData) -> None:
    model = GlobalBoostForecaster(target_transform="none", lags=[1, 7, 28], windows=[7, 28])
    base = model.features(m5_data)
    t0 = m5_data.history["ds"].iloc[-100]
    hist = m5_data.history.copy()
    hist.loc[hist["ds"] == t0, "y"] += 1000.0
    changed = model.features(replace(m5_data, history=hist))
    before = base["ds"] <= t0
    cols = [c for c in base.columns if c.startswith(("lag_", "roll_"))]
    pd.testing.assert_frame_equal(base.loc[before, cols], changed.loc[before, cols])
    after = base["ds"] == t0 + pd.Timedelta(days=1)
    assert (changed.loc[after, "lag_1"] - base.loc[after, "lag_1"]).eq(1000.0).all()
    assert {"dayofweek", "is_holiday", "sell_price", "sell_price_change", "cat_id"} <= set(base.columns)
    assert str(base["cat_id"].dtype) == "category"


def test_same_seed_same_forecast_and_future_prices_used(m5_data: ForecastData) -> None:
    kw = {"n_estimators": 60, "country": "US"}
    a = GlobalBoostForecaster(random_state=3, **kw).fit(m5_data).predict(14)
    b = GlobalBoostForecaster(random_state=3, **kw).fit(m5_data).predict(14)
    pd.testing.assert_frame_equal(a, b)
    model = GlobalBoostForecaster(random_state=3, **kw).fit(m5_data)
    grid = m5_data.future_frame(14, exog=False)
    last_price = m5_data.history.groupby("unique_id")["sell_price"].last()
    future = grid.assign(sell_price=grid["unique_id"].map(last_price)).rename(
        columns={"unique_id": "id", "ds": "date"}
    )
    normal = model.predict(14, future=future)
    cheap = model.predict(14, future=future.assign(sell_price=future["sell_price"] * 0.5))
    # a half price changes the forecast of every day of the horizon, not only the first
    diff = (cheap["GlobalBoost"] - normal["GlobalBoost"]).abs().groupby(normal["date"]).sum()
    assert (diff > 0).all()
    assert (normal["GlobalBoost"] >= 0).all()


def test_direct_strategy_and_settings(m5_data: ForecastData) -> None:
    with pytest.raises(ConfigError, match="horizon"):
        GlobalBoostForecaster(strategy="direct").fit(m5_data)
    model = GlobalBoostForecaster(strategy="direct", horizon=3, n_estimators=30, target_transform="log1p")
    fc = model.fit(m5_data).predict(3)
    assert len(model.model_) == 3 and fc["GlobalBoost"].notna().all()
    with pytest.raises(ConfigError, match="h=5"):
        model.predict(5)


@pytest.mark.slow
def test_global_boost_beats_seasonal_naive_and_is_selected(m5_data: ForecastData) -> None:
    h = 28
    boost = backtest(GlobalBoostForecaster(country="US", n_estimators=150), m5_data, h=h, n_windows=2)
    naive = backtest(
        StatisticalForecaster(models=["SeasonalNaive"], intermittent_models=()), m5_data, h=h, n_windows=2
    )
    merged = boost.merge(naive, on=["unique_id", "ds", "y", "window"])
    rmse_boost = np.sqrt(((merged["GlobalBoost"] - merged["y"]) ** 2).mean())
    rmse_naive = np.sqrt(((merged["SeasonalNaive"] - merged["y"]) ** 2).mean())
    assert rmse_boost < 0.9 * rmse_naive
    # exogenous price -> the default candidates include the global model
    assert "GlobalBoost" in [a for f in AutoForecaster()._candidates(m5_data) for a in f.aliases]
    assert "GlobalBoost" not in [
        a for f in AutoForecaster(global_model="never")._candidates(m5_data) for a in f.aliases
    ]
    candidates = [
        StatisticalForecaster(models=["SeasonalNaive", "Naive"]),
        GlobalBoostForecaster(country="US", n_estimators=150),
    ]
    auto = AutoForecaster(forecasters=candidates, h=h, n_windows=2, selection="best").fit(m5_data)
    assert "GlobalBoost" in set(auto.leaderboard_["model"])
    assert (auto.choice_ == "GlobalBoost").sum() >= 3
    fc = auto.predict(h)
    assert fc["forecast"].notna().all() and "GlobalBoost" in fc.columns


def test_one_pass_backtest_matches_window_by_window(airline: pd.DataFrame, m5_data: ForecastData) -> None:
    class PerWindow(StatisticalForecaster):
        """A subclass takes the generic window-by-window path."""

    kw = {"models": ["ETS", "SeasonalNaive"], "intermittent_models": ("Croston",), "refit": "full"}
    for data, h in ((airline, 12), (m5_data.subset(m5_data.ids[:6]), 14)):
        fast = backtest(StatisticalForecaster(**kw), data, h=h, n_windows=3)
        slow = backtest(PerWindow(**kw), data, h=h, n_windows=3)
        keys = ["unique_id", "ds", "window"]
        fast, slow = (
            fast.sort_values(keys).reset_index(drop=True),
            slow.sort_values(keys).reset_index(drop=True),
        )
        pd.testing.assert_frame_equal(
            fast[[*keys, "cutoff", "step", "y"]], slow[[*keys, "cutoff", "step", "y"]]
        )
        np.testing.assert_allclose(fast["SeasonalNaive"], slow["SeasonalNaive"])
        np.testing.assert_allclose(fast["ETS"].fillna(-1), slow["ETS"].fillna(-1), rtol=1e-6)
