"""Forecast accuracy metrics: MASE, RMSSE, sMAPE, WAPE, bias and M5-style WRMSSE.

Array functions score one series; :func:`score_series` scores every series and
model of a backtest frame; :func:`wrmsse` weights RMSSE over hierarchy levels
as in the M5 competition.

Conventions: errors are ``forecast - actual``; a positive ``bias`` means
over-forecasting. Scaled metrics return NaN when the in-sample scale is zero
(a constant history) so they never divide by zero silently.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from mirae.errors import ConfigError

__all__ = ["METRICS", "bias", "mase", "rmsse", "score_series", "smape", "wape", "wrmsse"]


def _arrays(y_true: object, y_pred: object) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(y_true, dtype=float)
    b = np.asarray(y_pred, dtype=float)
    if a.shape != b.shape:
        msg = f"y_true and y_pred must have the same shape; got {a.shape} and {b.shape}."
        raise ConfigError(msg)
    return a, b


def _scale(y_train: object, lag: int, power: int) -> float:
    y = np.asarray(y_train, dtype=float)
    y = y[~np.isnan(y)]
    lag = lag if len(y) > lag else 1
    if len(y) <= lag:
        return float("nan")
    d = np.abs(y[lag:] - y[:-lag]) ** power
    s = float(np.mean(d))
    return s if s > 0 else float("nan")


def mase(y_true: object, y_pred: object, y_train: object, season_length: int = 1) -> float:
    """Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive forecast.

    Falls back to the one-step naive scale when the history is shorter than a season.

    Examples
    --------
    >>> mase([3, 5], [4, 4], [1, 2, 4, 7])
    0.5
    """
    a, b = _arrays(y_true, y_pred)
    return float(np.mean(np.abs(a - b)) / _scale(y_train, season_length, 1))


def rmsse(y_true: object, y_pred: object, y_train: object) -> float:
    """Root mean squared scaled error (M5): RMSE over the in-sample RMSE of the naive forecast.

    Examples
    --------
    >>> round(rmsse([3, 5], [4, 4], [1, 2, 4, 7]), 4)
    0.4629
    """
    a, b = _arrays(y_true, y_pred)
    return float(np.sqrt(np.mean((a - b) ** 2) / _scale(y_train, 1, 2)))


def smape(y_true: object, y_pred: object) -> float:
    """Symmetric MAPE in percent (0-200); periods where both are zero count as zero error.

    Examples
    --------
    >>> round(smape([100, 0], [110, 0]), 4)
    4.7619
    """
    a, b = _arrays(y_true, y_pred)
    den = np.abs(a) + np.abs(b)
    ratio = np.divide(np.abs(a - b), den, out=np.zeros_like(den), where=den > 0)
    return float(200.0 * np.mean(ratio))


def wape(y_true: object, y_pred: object) -> float:
    """Weighted absolute percentage error: sum of absolute errors over sum of absolute actuals.

    Examples
    --------
    >>> wape([10, 30], [12, 27])
    0.125
    """
    a, b = _arrays(y_true, y_pred)
    den = float(np.sum(np.abs(a)))
    return float(np.sum(np.abs(a - b)) / den) if den > 0 else float("nan")


def bias(y_true: object, y_pred: object) -> float:
    """Relative bias: sum of (forecast - actual) over sum of absolute actuals; > 0 over-forecasts.

    Examples
    --------
    >>> bias([10, 30], [12, 33])
    0.125
    """
    a, b = _arrays(y_true, y_pred)
    den = float(np.sum(np.abs(a)))
    return float(np.sum(b - a) / den) if den > 0 else float("nan")


METRICS = ("mase", "rmsse", "smape", "wape", "bias")


def score_series(
    results: pd.DataFrame, train: pd.DataFrame, models: Sequence[str], season_length: int
) -> pd.DataFrame:
    """Score every series and model of a forecast-vs-actual frame.

    Parameters
    ----------
    results : DataFrame
        Columns ``unique_id``, ``y`` (actual) and one column per model (may hold
        several backtest windows per series).
    train : DataFrame
        ``unique_id``, ``y`` history used for the scale of MASE and RMSSE.
    models : sequence of str
        Model columns to score.
    season_length : int
        Season of the MASE scale.

    Returns
    -------
    DataFrame
        One row per ``unique_id`` and ``model`` with columns ``mase``, ``rmsse``,
        ``smape``, ``wape``, ``bias``. Models with NaN forecasts for a series
        (not run on it) are left out for that series.
    """
    hist = {sid: g.to_numpy() for sid, g in train.groupby("unique_id")["y"]}
    rows = []
    for sid, g in results.groupby("unique_id", sort=True):
        y = g["y"].to_numpy(dtype=float)
        y_train = hist.get(sid, np.array([]))
        s1 = _scale(y_train, season_length, 1)
        s2 = _scale(y_train, 1, 2)
        for model in models:
            f = g[model].to_numpy(dtype=float)
            if np.isnan(f).any():
                continue
            e = f - y
            rows.append(
                {
                    "unique_id": sid,
                    "model": model,
                    "mase": float(np.mean(np.abs(e)) / s1),
                    "rmsse": float(np.sqrt(np.mean(e**2) / s2)),
                    "smape": smape(y, f),
                    "wape": wape(y, f),
                    "bias": bias(y, f),
                }
            )
    return pd.DataFrame(rows, columns=["unique_id", "model", *METRICS])


def wrmsse(
    actual: pd.DataFrame,
    forecast: pd.DataFrame,
    train: pd.DataFrame,
    *,
    model: str,
    statics: pd.DataFrame | None = None,
    levels: Sequence[Sequence[str]] | None = None,
    price: pd.DataFrame | None = None,
    weight_periods: int = 28,
) -> float:
    """M5-style weighted RMSSE over hierarchy levels.

    Bottom-level actuals, forecasts and history are summed to every level; each
    level's series get RMSSE weighted by their share of the level's sales over
    the last ``weight_periods`` of history (dollar sales when ``price`` is
    given, units otherwise); levels count equally.

    Parameters
    ----------
    actual : DataFrame
        ``unique_id``, ``ds``, ``y`` for the evaluated periods (bottom level).
    forecast : DataFrame
        ``unique_id``, ``ds`` and the ``model`` column, same rows as ``actual``.
    train : DataFrame
        ``unique_id``, ``ds``, ``y`` history.
    model : str
        Column of ``forecast`` to score.
    statics : DataFrame, optional
        Index ``unique_id``, hierarchy columns (e.g. ``cat``, ``dept``).
    levels : sequence of sequence of str, optional
        Groupings to score; ``[]`` is the total. Default: total, every prefix of
        the hierarchy columns, and the bottom level.
    price : DataFrame, optional
        ``unique_id``, ``ds``, ``price`` for dollar weights.
    weight_periods : int
        Trailing history periods used for the weights.

    Returns
    -------
    float

    Examples
    --------
    >>> tr = pd.DataFrame({"unique_id": ["a"] * 3 + ["b"] * 3, "ds": [1, 2, 3] * 2, "y": [1.0, 2, 3, 2, 2, 4]})
    >>> act = pd.DataFrame({"unique_id": ["a", "b"], "ds": [4, 4], "y": [4.0, 4.0]})
    >>> fc = act.assign(m=[4.0, 4.0]).drop(columns="y")
    >>> wrmsse(act, fc, tr, model="m")
    0.0
    """
    statics = (
        statics if statics is not None else pd.DataFrame(index=pd.Index(sorted(train["unique_id"].unique())))
    )
    cols = list(statics.columns)
    if levels is None:
        levels = [[], *[cols[: i + 1] for i in range(len(cols))], ["unique_id"]]
    act = actual.merge(forecast[["unique_id", "ds", model]], on=["unique_id", "ds"], how="left")
    if act[model].isna().any():
        msg = f"forecast column {model!r} has no value for some actual rows; align forecast and actual on (unique_id, ds)."
        raise ConfigError(msg)
    tr = train[["unique_id", "ds", "y"]].copy()
    last = tr["ds"].isin(np.sort(tr["ds"].unique())[-weight_periods:])
    tr["sales"] = tr["y"]
    if price is not None:
        tr = tr.merge(price[["unique_id", "ds", "price"]], on=["unique_id", "ds"], how="left")
        tr["sales"] = tr["y"] * tr["price"].fillna(0.0)
    tr["w"] = np.where(last, tr["sales"], 0.0)
    st = statics.reset_index().rename(columns={"index": "unique_id"})
    act = act.merge(st, on="unique_id", how="left")
    tr = tr.merge(st, on="unique_id", how="left")
    total = 0.0
    for keys in levels:
        keys = list(keys)
        grp_act = _level_sums(act, keys, ["y", model])
        grp_tr = _level_sums(tr, keys, ["y", "w"])
        weights = grp_tr.groupby("_k")["w"].sum()
        weights = weights / weights.sum() if weights.sum() > 0 else weights * 0 + 1 / len(weights)
        hist = {k: g.sort_values("ds")["y"].to_numpy() for k, g in grp_tr.groupby("_k")}
        level_score = 0.0
        for k, g in grp_act.groupby("_k"):
            scale = _scale(hist.get(k, np.array([])), 1, 2)
            err = float(np.mean((g[model].to_numpy() - g["y"].to_numpy()) ** 2))
            if np.isfinite(scale):
                level_score += float(weights.get(k, 0.0)) * np.sqrt(err / scale)
        total += level_score
    return float(total / len(levels))


def _level_sums(frame: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    """``values`` summed per node of the level ``keys`` and period; the node's name in ``_k``."""
    out = frame.groupby([*keys, "ds"], sort=True, dropna=False)[values].sum().reset_index()
    out["_k"] = _key(out, keys)
    return out


def _key(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Node names of a level: its key columns joined by ``/`` (``total`` for the top)."""
    if not keys:
        return pd.Series("total", index=frame.index)
    parts = [frame[k].astype(str) for k in keys]
    return parts[0].str.cat(pd.concat(parts[1:], axis=1), sep="/") if len(parts) > 1 else parts[0]
