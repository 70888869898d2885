"""One metric series out of a frame: the checks every univariate detector shares.

A univariate detector takes ``X`` as a frame with the metric column
(``value_col``; the only numeric column when not named) and, optionally, a time
column (``time_col``). Without a time column the frame's index gives each row's
position (a default ``RangeIndex`` is the row number), so a slice of a frame is
scored exactly like the same rows inside the whole frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from mirae.errors import AnomalyError

__all__ = ["Series", "acf_period", "read_series", "robust_spread", "tie_share"]

#: 1.4826 * MAD estimates the standard deviation of normal data.
MAD_SCALE = 1.4826


@dataclass
class Series:
    """The values of one metric and where each row sits in time.

    ``position`` is seconds since the epoch for a datetime column, else the
    numeric time (or index) itself; ``times`` keeps the timestamps (None
    without a datetime column).
    """

    values: np.ndarray
    position: np.ndarray
    times: pd.DatetimeIndex | None
    value_col: str


def _value_column(X: pd.DataFrame, value_col: str | None, time_col: str | None) -> str:
    if value_col is not None:
        if value_col not in X.columns:
            msg = f"metric column {value_col!r} is not in the frame (columns: {list(X.columns)}); pass value_col=."
            raise AnomalyError(msg)
        return value_col
    numeric = [c for c in X.columns if c != time_col and pd.api.types.is_numeric_dtype(X[c])]
    if len(numeric) != 1:
        msg = (
            f"expected one numeric metric column besides the time; got {numeric or 'none'} "
            f"(columns: {list(X.columns)}). Name it with value_col=."
        )
        raise AnomalyError(msg)
    return str(numeric[0])


def read_series(X: Any, *, value_col: str | None, time_col: str | None, what: str = "the detector") -> Series:
    """The metric values of ``X`` (a frame) and each row's position in time; bad input raises AnomalyError."""
    if not isinstance(X, pd.DataFrame):
        msg = f"{what} expects a pandas DataFrame with the metric column; got {type(X).__name__}."
        raise AnomalyError(msg)
    column = _value_column(X, value_col, time_col)
    raw = X[column]
    if not pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_bool_dtype(raw):
        converted = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & converted.isna()
        if bad.any() or pd.api.types.is_bool_dtype(raw):
            first = raw[bad].iloc[0] if bad.any() else raw.iloc[0]
            msg = (
                f"metric column {column!r} must be numeric; got {raw.dtype} with {int(bad.sum()):,} "
                f"non-numeric value(s) (first: {first!r}). Clean the column or pick a numeric one."
            )
            raise AnomalyError(msg)
        raw = converted
    values = raw.to_numpy(dtype=float, na_value=np.nan)
    times: pd.DatetimeIndex | None = None
    if time_col is None:
        index = X.index
        position = (
            index.to_numpy(dtype=float)
            if pd.api.types.is_numeric_dtype(index)
            else np.arange(len(X), dtype=float)
        )
    else:
        if time_col not in X.columns:
            msg = (
                f"time column {time_col!r} is not in the frame (columns: {list(X.columns)}); pass time_col=."
            )
            raise AnomalyError(msg)
        stamp = X[time_col]
        if pd.api.types.is_numeric_dtype(stamp):
            position = stamp.to_numpy(dtype=float)
        else:
            parsed = pd.to_datetime(stamp, errors="coerce")
            if parsed.isna().any():
                first = stamp[parsed.isna()].iloc[0]
                msg = (
                    f"time column {time_col!r} has {int(parsed.isna().sum()):,} missing or unreadable "
                    f"timestamp(s) (first: {first!r}); drop or fix those rows."
                )
                raise AnomalyError(msg)
            if getattr(parsed.dt, "tz", None) is not None:
                parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
            times = pd.DatetimeIndex(parsed).as_unit("ns")
            position = times.asi8.astype(float) / 1e9
        if np.isnan(position).any():
            msg = f"time column {time_col!r} has missing values; drop or fix those rows."
            raise AnomalyError(msg)
    return Series(values=values, position=position, times=times, value_col=column)


def robust_spread(residuals: np.ndarray, *, scale_hint: float = 1.0) -> float:
    """1.4826 x the median absolute deviation; the standard deviation when most residuals are equal.

    Examples
    --------
    >>> round(robust_spread(np.array([1.0, 2.0, 3.0, 4.0, 100.0])), 3)
    1.483
    """
    floor = 1e-9 * max(1.0, abs(scale_hint))  # rounding noise of a constant series is not spread
    finite = residuals[np.isfinite(residuals)]
    if not finite.size:
        return floor
    center = np.median(finite)
    spread = MAD_SCALE * float(np.median(np.abs(finite - center)))
    if spread > floor:
        return spread
    # more than half the residuals are equal (a step-like or sparse count metric): the standard deviation
    return max(float(np.std(finite)), floor)


def tie_share(values: np.ndarray) -> float:
    """The share of consecutive steps that do not change the value (constant stretches, quantised metrics).

    Examples
    --------
    >>> tie_share(np.array([1.0, 1.0, 1.0, 2.0, 3.0]))
    0.5
    """
    finite = values[np.isfinite(values)]
    if finite.size < 2:
        return 1.0
    return float(np.mean(np.diff(finite) == 0))


def acf_period(values: np.ndarray, *, max_lag: int | None = None, min_acf: float = 0.2) -> int | None:
    """The lag of the highest autocorrelation peak (a repeating pattern's length), or None.

    The series is centred on a rolling median over a tenth of its length first; a peak must reach
    ``min_acf`` and leave room for three cycles. Of peaks within 10 % of the
    highest, the shortest lag wins (a pattern, not its multiple).

    Examples
    --------
    >>> t = np.arange(240)
    >>> acf_period(np.sin(2 * np.pi * t / 24))
    24
    """
    from statsmodels.tsa.stattools import acf

    finite = pd.Series(values).interpolate(limit_direction="both").to_numpy(dtype=float)
    n = finite.size
    limit = min(max_lag or n // 3, n // 3)
    if limit < 4 or np.nanstd(finite) == 0:
        return None
    trend = pd.Series(finite).rolling(max(5, n // 10 | 1), center=True, min_periods=1).median()
    detrended = finite - trend.to_numpy()
    if np.std(detrended) == 0:
        return None
    correlations = acf(detrended, nlags=limit, fft=True)
    peaks = [
        lag
        for lag in range(3, limit)
        if correlations[lag] >= correlations[lag - 1]
        and correlations[lag] >= correlations[lag + 1]
        and correlations[lag] >= min_acf
    ]
    if not peaks:
        return None
    best = max(correlations[lag] for lag in peaks)
    return int(min(lag for lag in peaks if correlations[lag] >= 0.9 * best))
