"""Rolling-origin backtests of any :class:`Forecaster`, and conformal intervals from them.

Each window cuts every series a number of periods before its own end (so
series that end on different dates are treated alike), fits a fresh copy of
the forecaster on what came before and forecasts ``h`` periods. Windows are
``step_size`` periods apart (default ``h``); the last window ends at each
series' last observation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from mirae.errors import ConfigError
from mirae.forecast._base import Forecaster, _check_horizon, as_forecast_data
from mirae.forecast._data import ForecastData

__all__ = ["backtest", "conformal_intervals", "cut_before_end"]


def cut_before_end(data: ForecastData, k: int, *, min_train: int = 1) -> ForecastData:
    """``data`` with the last ``k`` periods of every series held out.

    Held-out periods become the future (their exogenous values stay known);
    series left with fewer than ``min_train`` periods are dropped.
    """
    hist = data.history
    from_end = hist.groupby("unique_id").cumcount(ascending=False)
    keep = from_end >= k
    train = hist.loc[keep]
    sizes = train.groupby("unique_id").size()
    long_enough = set(sizes.index[sizes >= min_train])
    train = train.loc[train["unique_id"].isin(long_enough)]
    later = hist.loc[~keep & hist["unique_id"].isin(long_enough), ["unique_id", "ds", *data.exog]]
    fut = data.future.loc[data.future["unique_id"].isin(long_enough)]
    return replace(
        data,
        history=train.reset_index(drop=True),
        future=pd.concat([later, fut], ignore_index=True) if data.exog else fut.reset_index(drop=True),
    )


def backtest(
    forecaster: Forecaster,
    data: ForecastData | pd.DataFrame,
    *,
    h: int,
    n_windows: int = 3,
    step_size: int | None = None,
    min_train: int | None = None,
) -> pd.DataFrame:
    """Rolling-origin backtest: forecasts and actuals of ``n_windows`` cut-offs.

    Parameters
    ----------
    forecaster : Forecaster
        Cloned (never fitted in place) for each window.
    data : ForecastData or DataFrame
    h : int
        Horizon of each window.
    n_windows : int
        Number of cut-offs.
    step_size : int, optional
        Periods between cut-offs; default ``h``.
    min_train : int, optional
        Series with fewer training periods in a window are left out of it;
        default ``h``.

    Returns
    -------
    DataFrame
        ``unique_id``, ``ds``, ``cutoff``, ``step``, ``window``, ``y`` and one
        column per alias of the forecaster (canonical column names).

    Examples
    --------
    >>> from mirae.forecast import StatisticalForecaster
    >>> df = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=12, freq="MS"),
    ...                    "y": np.arange(12.0)})
    >>> cv = backtest(StatisticalForecaster(models=["Naive"]), df, h=2, n_windows=2)
    >>> cv[["cutoff", "y", "Naive"]].astype({"cutoff": str}).values.tolist()
    [['2020-08-01', 8.0, 7.0], ['2020-08-01', 9.0, 7.0], ['2020-10-01', 10.0, 9.0], ['2020-10-01', 11.0, 9.0]]
    """
    fd = as_forecast_data(data)
    h = _check_horizon(h)
    step = h if step_size is None else step_size
    if n_windows < 1 or step < 1:
        msg = f"n_windows and step_size must be >= 1; got n_windows={n_windows}, step_size={step}."
        raise ConfigError(msg)
    min_train = h if min_train is None else min_train
    parts = []
    fast = _one_pass(forecaster, fd, h=h, n_windows=n_windows, step_size=step, min_train=min_train)
    if fast is not None and len(fast):
        parts.append(fast)
        fd = fd.subset(sorted(set(fd.ids) - set(fast["unique_id"])))
        if fd.history.empty:
            n_windows = 0
    actual = fd.history[["unique_id", "ds", "y"]]
    for w in range(n_windows):
        k = h + (n_windows - 1 - w) * step
        cut = cut_before_end(fd, k, min_train=min_train)
        if cut.history.empty:
            continue
        model = forecaster.clone()
        model.fit(cut)
        fut = cut.future_frame(h, exog=model._needs_future(cut))
        fc = model._predict(h, fut, [])
        cutoffs = cut.last_dates()
        fc = fc.merge(actual, on=["unique_id", "ds"], how="inner")
        fc["cutoff"] = fc["unique_id"].map(cutoffs)
        fc["window"] = w
        parts.append(fc)
    if not parts:
        msg = (
            f"no series is long enough for a backtest of {n_windows} window(s) of h={h} with min_train={min_train}; "
            f"the longest has {int(fd.lengths().max()) if len(fd.history) else 0} periods. Lower n_windows, h or min_train."
        )
        raise ConfigError(msg)
    out = pd.concat(parts, ignore_index=True)
    cols = ["unique_id", "ds", "cutoff", "step", "window", "y", *forecaster.aliases]
    return out[[c for c in cols if c in out.columns]]


def _one_pass(
    forecaster: Forecaster, data: ForecastData, *, h: int, n_windows: int, step_size: int, min_train: int
) -> pd.DataFrame | None:
    """Backtest of a :class:`StatisticalForecaster` in one pass instead of a fit per window.

    With ``refit='parameters'`` one fit on the full history gives every
    series' model form, then each window re-estimates the parameters of that
    form; otherwise one statsforecast ``cross_validation`` pass. ``None`` for
    other forecasters; the result leaves out series too short for every window.
    """
    from mirae.forecast._statistical import StatisticalForecaster, cross_validate

    if type(forecaster) is not StatisticalForecaster:
        return None
    if forecaster._refit_mode == "parameters":
        return (
            forecaster.clone()
            .fit(data)
            ._fitted_backtest(data, h=h, n_windows=n_windows, step_size=step_size, min_train=min_train)
        )
    return cross_validate(
        forecaster, data, h=h, n_windows=n_windows, step_size=step_size, min_train=min_train
    )


def conformal_intervals(
    forecast: pd.DataFrame,
    residuals: pd.DataFrame,
    models: Sequence[str],
    level: Sequence[int],
) -> pd.DataFrame:
    """Add split-conformal ``-lo-``/``-hi-`` columns from backtest residuals.

    For each series and model the interval half-width at level ``L`` is the
    ``ceil((n + 1) L / 100)``-th smallest of the ``n`` absolute backtest errors
    (all windows and steps pooled); with too few errors the largest is used.
    A series with no backtest errors (too short to backtest) gets the same
    quantile of every series' errors relative to that series' mean absolute
    actual, times its own mean absolute forecast.

    Parameters
    ----------
    forecast : DataFrame
        ``unique_id`` and one column per model.
    residuals : DataFrame
        ``unique_id``, ``y`` and one column per model (backtest forecasts).
    models : sequence of str
    level : sequence of int

    Examples
    --------
    >>> fc = pd.DataFrame({"unique_id": ["a"], "m": [10.0]})
    >>> res = pd.DataFrame({"unique_id": ["a"] * 4, "y": [1.0, 2, 3, 4], "m": [1.5, 1, 3, 7]})
    >>> conformal_intervals(fc, res, ["m"], [50])[["m-lo-50", "m-hi-50"]].values.tolist()
    [[9.0, 11.0]]
    """
    out = forecast.copy()
    for model in models:
        if model not in residuals.columns:
            continue
        err = (residuals[model] - residuals["y"]).abs().rename("e").to_frame()
        err["unique_id"] = residuals["unique_id"].to_numpy()
        err["scale"] = residuals["y"].abs().groupby(residuals["unique_id"]).transform("mean").to_numpy()
        err = err.dropna()
        by_series = {sid: np.sort(g.to_numpy()) for sid, g in err.groupby("unique_id")["e"]}
        scaled = err.loc[err["scale"] > 0]
        pooled = np.sort((scaled["e"] / scaled["scale"]).to_numpy())
        # series without backtest errors (too short to backtest): pooled errors relative
        # to each series' level, times this series' forecast level
        level_of = out[model].abs().groupby(out["unique_id"]).transform("mean")
        missing = ~out["unique_id"].isin(list(by_series))
        for lv in level:
            q = {sid: _conformal_quantile(e, lv) for sid, e in by_series.items()}
            width = out["unique_id"].map(q).astype(float)
            if missing.any():
                width = width.where(~missing, _conformal_quantile(pooled, lv) * level_of)
            out[f"{model}-lo-{lv}"] = out[model] - width
            out[f"{model}-hi-{lv}"] = out[model] + width
    return out


def _conformal_quantile(sorted_errors: np.ndarray, level: int) -> float:
    n = len(sorted_errors)
    if n == 0:
        return float("nan")
    rank = min(math.ceil((n + 1) * level / 100), n)
    return float(sorted_errors[rank - 1])
