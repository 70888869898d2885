"""How much ARIMA search each series gets: full, bounded, or skipped with a note; work spread over cores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mirae.errors import ConfigError
from mirae.forecast import AutoForecaster, StatisticalForecaster
from mirae.forecast._arima_budget import FULL_SEARCH_COST, arima_cost, arima_searches
from mirae.forecast._pool import worth_parallel


def _monthly(lengths: dict[str, int], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for uid, n in lengths.items():
        t = np.arange(n)
        y = 100 + 0.2 * t + 10 * np.sin(2 * np.pi * t / 12) + np.cumsum(rng.normal(0, 1, n))
        ds = pd.date_range("1990-01-01", periods=n, freq="MS")
        parts.append(pd.DataFrame({"unique_id": uid, "ds": ds, "y": y}))
    return pd.concat(parts, ignore_index=True)


def test_searches_follow_the_estimated_cost() -> None:
    lengths = pd.Series({"a": 40, "b": 120, "c": 400})
    assert arima_cost(40, 12) == 480 <= FULL_SEARCH_COST < arima_cost(120, 12)
    assert arima_searches(lengths, 12, "auto", None).tolist() == ["full", "bounded", "bounded"]
    assert arima_searches(lengths, 12, "auto", 2_000).tolist() == ["full", "bounded", "skip"]
    assert arima_searches(lengths, 12, "full", None).tolist() == ["full"] * 3
    # non-seasonal series cost their length: yearly data keeps the full search
    assert arima_searches(lengths, 1, "auto", None).tolist() == ["full"] * 3


def test_long_seasonal_series_get_the_bounded_search_short_ones_the_full() -> None:
    frame = _monthly({"short": 48, "long": 120})
    model = StatisticalForecaster(models=("ETS", "ARIMA"), intermittent_models=()).fit(frame)
    short_arima, long_arima = model.fitted_["short"][1], model.fitted_["long"][1]
    assert (short_arima.max_p, short_arima.max_P, short_arima.approximation) == (5, 2, False)
    assert (long_arima.max_p, long_arima.max_q, long_arima.max_P, long_arima.max_Q) == (1, 1, 1, 1)
    assert long_arima.approximation is True
    p, q, sp, sq, *_ = long_arima.model_["arma"]
    assert max(p, q, sp, sq) <= 1
    full = StatisticalForecaster(models=("ARIMA",), intermittent_models=(), arima_search="full").fit(frame)
    assert full.fitted_["long"][0].max_p == 5
    assert model.notes_ == []


def test_bounded_search_does_not_fall_back_on_its_convergence_warnings(airline: pd.DataFrame) -> None:
    # the CSS comparison warns "possible convergence problem" for some candidates; under
    # warnings-as-errors (pytest here, or a user's filter) that used to make ARIMA the Naive fallback
    train = airline.iloc[:-12]
    fc = StatisticalForecaster(models=("ARIMA", "Naive"), intermittent_models=()).fit(train).predict(12)
    assert not np.allclose(fc["ARIMA"], fc["Naive"])
    assert fc["ARIMA"].std() > 10  # seasonal, not a flat line


def test_an_expensive_series_skips_arima_with_a_note_and_the_combination_does_without() -> None:
    frame = _monthly({"cheap": 60, "costly": 150})
    limit = 60 * 12  # the 150-month series costs 1,800 units
    stat = StatisticalForecaster(
        models=("ETS", "ARIMA", "Theta"), intermittent_models=(), max_arima_cost=limit
    )
    auto = AutoForecaster(forecasters=[stat], h=6, n_windows=2).fit(frame)
    fitted = auto.forecasters_[0]
    assert [m.alias for m in fitted.fitted_["costly"]] == ["ETS", "Theta"]
    assert [m.alias for m in fitted.fitted_["cheap"]] == ["ETS", "ARIMA", "Theta"]
    assert any("ARIMA skipped on 1 series" in n and "720" in n and "costly" in n for n in auto.notes_)
    fc = auto.predict(6)
    costly = fc.loc[fc["unique_id"] == "costly"]
    assert costly["ARIMA"].isna().all() and costly["ETS"].notna().all()
    np.testing.assert_allclose(costly["Combination"], costly[["ETS", "Theta"]].mean(axis=1))
    cheap = fc.loc[fc["unique_id"] == "cheap"]
    np.testing.assert_allclose(cheap["Combination"], cheap[["ETS", "ARIMA", "Theta"]].mean(axis=1))
    # the backtest has no ARIMA for it either
    assert auto.backtest_.loc[auto.backtest_["unique_id"] == "costly", "ARIMA"].isna().all()


def test_arima_alone_is_never_skipped() -> None:
    frame = _monthly({"costly": 150})
    model = StatisticalForecaster(models=("ARIMA",), intermittent_models=(), max_arima_cost=10).fit(frame)
    assert model.fitted_["costly"][0].approximation is True
    assert model.notes_ == []
    assert model.predict(3)["ARIMA"].notna().all()


def test_arima_settings_are_validated() -> None:
    frame = _monthly({"a": 48})
    with pytest.raises(ConfigError, match="arima_search"):
        StatisticalForecaster(arima_search="fast").fit(frame)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="max_arima_cost"):
        StatisticalForecaster(max_arima_cost=0).fit(frame)


def test_a_hundred_monthly_series_are_worth_the_processes() -> None:
    # 100 M3 monthly series (~11,000 observations, ~20 s of fitting) ran on one core under the
    # earlier 20,000-observation floor; a pool of forked workers costs ~0.035 s
    assert worth_parallel(2, 11_000) == 2
    assert worth_parallel(2, 500) == 1
    assert AutoForecaster().n_jobs == -1 and StatisticalForecaster().n_jobs == -1


def test_full_refit_backtest_splits_the_groups_the_same_way() -> None:
    from mirae.forecast import backtest

    frame = _monthly({"cheap": 60, "costly": 150})
    stat = StatisticalForecaster(
        models=("ETS", "ARIMA"), intermittent_models=(), max_arima_cost=60 * 12, refit="full"
    )
    cv = backtest(stat, frame, h=6, n_windows=2)
    assert set(cv["window"]) == {0, 1}
    assert cv.loc[cv["unique_id"] == "costly", "ARIMA"].isna().all()
    assert cv.loc[cv["unique_id"] == "cheap", "ARIMA"].notna().all()
    assert cv["ETS"].notna().all()
