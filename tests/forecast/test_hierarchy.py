"""Hierarchy: aggregation, reconciliation methods and coherence on real tourism data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mirae.errors import HierarchyError
from mirae.forecast import (
    AutoForecaster,
    ForecastData,
    HierarchicalForecaster,
    StatisticalForecaster,
    aggregate_history,
    reconcile,
    shrunk_covariance,
    summing_matrix,
)


@pytest.fixture(scope="module")
def tourism(shared_data: Path) -> ForecastData:
    """Australian domestic tourism, one state (their regions and cities), 84 months."""
    wide = pd.read_csv(shared_data / "tourism_hierarchy_monthly" / "Tourism.csv").drop(columns="Unnamed: 0")
    wide = wide.loc[wide["state"].isin(sorted(wide["state"].unique())[:1])]
    months = [c for c in wide.columns if c.isdigit()][-84:]
    long = wide.melt(id_vars=["state", "region", "city"], value_vars=months, var_name="t", value_name="trips")
    long["date"] = pd.to_datetime(
        [pd.Timestamp("2000-01-01") + pd.DateOffset(months=int(t) - int(months[0])) for t in long["t"]]
    )
    long["id"] = long["state"] + "-" + long["region"] + "-" + long["city"]
    long["region"] = long["state"] + "-" + long["region"]
    return ForecastData.from_frame(
        long, id_col="id", time_col="date", target_col="trips", hierarchy=["state", "region"]
    )


def test_summing_matrix_and_aggregation(tourism: ForecastData) -> None:
    S, levels = summing_matrix(tourism.statics())
    n_bottom = tourism.ids.size
    assert S.shape[1] == n_bottom and (S.loc["total"] == 1).all()
    assert levels.value_counts()["bottom"] == n_bottom
    agg = aggregate_history(tourism.history[["unique_id", "ds", "y"]], S)
    total = agg.loc[agg["unique_id"] == "total"].set_index("ds")["y"]
    direct = tourism.history.groupby("ds")["y"].sum()
    pd.testing.assert_series_equal(total, direct, check_names=False)


def test_reconcile_methods_by_hand() -> None:
    S, _ = summing_matrix(pd.DataFrame({"g": ["R", "R"]}, index=["a", "b"]))
    fc = pd.DataFrame({"unique_id": ["total", "R", "a", "b"], "ds": 1, "m": [12.0, 12.0, 3.0, 6.0]})
    hist = pd.DataFrame({"unique_id": ["a", "b", "a", "b"], "ds": [1, 1, 2, 2], "y": [1.0, 3.0, 3.0, 1.0]})
    td = reconcile(fc, S, columns=["m"], method="top_down", history=hist)["m"].tolist()
    assert td == [12.0, 12.0, 6.0, 6.0]  # average proportions (1/4 + 3/4)/2 = 1/2 each
    # MinT with equal, uncorrelated residual variances is OLS: spreads the incoherence evenly
    res = pd.DataFrame(
        {
            "unique_id": np.repeat(["total", "R", "a", "b"], 4),
            "ds": np.tile([1, 2, 3, 4], 4),
            "residual": np.r_[[1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1], [1, 1, -1, -1][::-1]],
        }
    )
    mint = reconcile(fc, S, columns=["m"], method="mint_shrink", residuals=res)["m"].to_numpy()
    assert mint[0] == pytest.approx(mint[2] + mint[3]) and mint[1] == pytest.approx(mint[0])


def test_shrinkage_keeps_variances() -> None:
    rng = np.random.default_rng(0)
    r = rng.normal(size=(30, 5))
    w = shrunk_covariance(r)
    np.testing.assert_allclose(np.diag(w), r.var(axis=0, ddof=1))
    assert np.all(np.abs(w[~np.eye(5, dtype=bool)]) <= np.abs(np.cov(r.T)[~np.eye(5, dtype=bool)]) + 1e-12)


def test_series_that_start_late_still_get_a_covariance() -> None:
    # no period has a residual for every series (one starts after the others end): pairwise
    # periods give the covariance, positive definite, variances kept
    rng = np.random.default_rng(1)
    r = rng.normal(size=(12, 3))
    r[:6, 2] = np.nan
    r[6:, 0] = np.nan
    w = shrunk_covariance(r)
    np.testing.assert_allclose(np.diag(w), np.nanvar(r, axis=0, ddof=1), rtol=1e-6)
    assert np.all(np.linalg.eigvalsh(w) > 0)
    with pytest.raises(ValueError, match="at least 2 backtest periods per series"):
        shrunk_covariance(np.array([[1.0, np.nan], [np.nan, 2.0]]))


@pytest.fixture(scope="module")
def fitted(tourism: ForecastData) -> HierarchicalForecaster:
    base = AutoForecaster(
        forecasters=[StatisticalForecaster(models=["ETS", "SeasonalNaive"])], h=12, n_windows=2
    )
    return HierarchicalForecaster(base=base, method="mint_shrink").fit(tourism)


@pytest.mark.parametrize("method", ["bottom_up", "top_down", "mint_shrink"])
def test_reconciled_forecasts_are_coherent(fitted: HierarchicalForecaster, method: str) -> None:
    m = fitted.set_params(method=method)  # reconciliation happens at predict time
    fc = m.predict(12, level=[80])
    n_series = len(m.S_)
    assert len(fc) == 12 * n_series and set(fc["level"]) == {"total", "state", "region", "bottom"}
    for col in ("forecast", "ETS", "SeasonalNaive"):
        assert m.coherence_error(fc, col) < 1e-6 * fc[col].abs().max()
    raw = m.base_.predict(12, level=[80])
    merged = fc.merge(raw, on=["id", "date"], suffixes=("", "_base"))
    # intervals move with their point forecast: widths are the base model's
    np.testing.assert_allclose(
        merged["forecast-hi-80"] - merged["forecast"],
        merged["forecast-hi-80_base"] - merged["forecast_base"],
        atol=1e-6,
    )
    # without reconciliation the base forecasts are not coherent
    wide = raw.pivot(index="date", columns="id", values="ETS").reindex(columns=m.S_.index)
    gap = np.abs(wide[m.S_.columns].to_numpy() @ m.S_.to_numpy().T - wide.to_numpy()).max()
    assert gap > 1.0
    if method == "bottom_up":
        bottom = merged.loc[merged["level"] == "bottom"]
        np.testing.assert_allclose(bottom["ETS"], bottom["ETS_base"])


def test_hierarchy_required(airline: pd.DataFrame) -> None:
    with pytest.raises(HierarchyError, match="hierarchy columns"):
        HierarchicalForecaster().fit(airline)
