"""The normal-range band (정상 범위): robust trend plus a seasonal profile, plus or minus k robust spreads."""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from mirae.anomaly._series import Series, acf_period, robust_spread, tie_share
from mirae.anomaly._univariate import DEFAULT_Z, UnivariateDetector
from mirae.errors import ConfigError

__all__ = ["SEASONALITIES", "BandDetector", "seasonal_strength"]

#: Seasonal profiles the band knows: by the clock (needs a datetime column) or a period in rows.
SEASONALITIES = ("auto", "none", "hour", "weekday", "week_hour")
_DAY = 86_400.0


def seasonal_strength(residual: np.ndarray, seasonal: np.ndarray) -> float:
    """``max(0, 1 - var(R) / var(S + R))`` (Wang, Smith and Hyndman 2006): 0 none, 1 all seasonal.

    Examples
    --------
    >>> t = np.arange(96)
    >>> round(seasonal_strength(np.zeros(96) + 0.01 * (t % 2), np.sin(2 * np.pi * t / 24)), 2)
    1.0
    """
    ok = np.isfinite(residual) & np.isfinite(seasonal)
    if ok.sum() < 3:
        return 0.0
    total = float(np.var(seasonal[ok] + residual[ok]))
    if total == 0:
        return 0.0
    return max(0.0, 1.0 - float(np.var(residual[ok])) / total)


def _robust_trend(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average of the values clipped to a rolling median ± 3 robust spreads.

    The clipping keeps a spike from moving the trend; the mean (not the
    median) keeps a smooth seasonal shape from making the trend jump. The
    half-windows at both ends continue the line through the next cycle: a
    one-sided average would lag a rising or falling metric there.
    """
    series = pd.Series(values)
    median = series.rolling(width, center=True, min_periods=1).median()
    spread = robust_spread((series - median).to_numpy(dtype=float))
    clipped = series.clip(median - 3 * spread, median + 3 * spread)
    smooth = clipped.rolling(width, center=True, min_periods=1).mean()
    trend: np.ndarray = smooth.interpolate(limit_direction="both").to_numpy(dtype=float)
    half, n = width // 2, values.size
    if n < 2 * width or not np.isfinite(trend).all():
        return trend
    x = np.arange(n, dtype=float)
    for edge, fit in (
        (slice(0, half), slice(half, half + width)),
        (slice(n - half, n), slice(n - half - width, n - half)),
    ):
        slope, intercept = np.polyfit(x[fit], trend[fit], 1)
        trend[edge] = intercept + slope * x[edge]
    return trend


class BandDetector(UnivariateDetector):
    """Normal-range band: robust trend + seasonal profile ± ``threshold`` robust spreads.

    ``fit`` decomposes the metric into a trend (a centred moving average over
    one seasonal cycle of the values clipped to a rolling median ± 3 robust
    spreads, so a spike does not move it), a seasonal profile (the
    median deviation from the trend per hour of day, weekday, hour of the week,
    or position in a cycle of rows) and a residual; at both ends the trend
    continues the line through the nearest full cycle, and rows scored after
    the training rows (new data) continue the line through the last quarter
    of the training rows (at least one cycle). The spread is 1.4826 x the
    residuals' median absolute deviation. A row's score is its robust residual
    z-score ``|value - expected| / spread`` (for a step-like metric, half its
    steps unchanged, the spread is at least the residuals' standard deviation:
    their MAD understates the noise); the band is
    ``expected ± threshold_ · spread`` and a row outside it is flagged, with
    the direction (above or below).

    Parameters
    ----------
    time_col : str, optional
        Time column (datetimes give the clock profiles); without it the
        frame's index gives each row's position.
    value_col : str, optional
        The metric column (default: the only numeric column).
    seasonality : {'auto', 'none', 'hour', 'weekday', 'week_hour'} or int
        The profile. ``auto``: hour of the week for hourly data spanning eight
        weeks, hour of day for two days, weekday for daily data over
        three weeks; without timestamps the autocorrelation peak (a period in
        rows, when it repeats at least three times). An int is a period in rows.
    window : int, optional
        Rows in the moving-average trend (default: one seasonal cycle, else 25).
    threshold : float, optional
        Band half-width in robust spreads (default 3.5: Iglewicz and Hoaglin's rule).
    contamination : float, optional
        Set ``threshold_`` to the training scores' ``1 - contamination`` quantile instead.

    Attributes
    ----------
    seasonality_ : str
        The profile used (``hour``, ``weekday``, ``week_hour``, ``period 24`` or ``none``).
    strength_ : float
        Seasonal strength of the profile (0-1).
    spread_ : float
        The robust spread (1.4826 x MAD of the residuals).
    constant_ : bool
        The training values were all equal (nothing deviates; any change later scores high).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = pd.date_range("2026-01-01", periods=24 * 14, freq="h")
    >>> load = 50 + 10 * np.sin(2 * np.pi * np.asarray(t.hour) / 24) + np.random.default_rng(0).normal(0, 1, t.size)
    >>> load[200] += 15
    >>> frame = pd.DataFrame({"ts": t, "load": load})
    >>> band = BandDetector(time_col="ts").fit(frame)
    >>> band.seasonality_, int(np.flatnonzero(band.predict(frame))[0])
    ('hour', 200)
    """

    min_rows: ClassVar[int] = 10

    def __init__(
        self,
        *,
        time_col: str | None = None,
        value_col: str | None = None,
        seasonality: str | int = "auto",
        window: int | None = None,
        threshold: float | None = None,
        contamination: float | None = None,
    ) -> None:
        self.time_col = time_col
        self.value_col = value_col
        self.seasonality = seasonality
        self.window = window
        self.threshold = threshold
        self.contamination = contamination

    # -- fitting ----------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> Self:
        """Learn the trend, the seasonal profile and the spread of the metric; return ``self``."""
        self._check_settings()
        if not (
            self.seasonality in SEASONALITIES or (isinstance(self.seasonality, int) and self.seasonality >= 2)
        ):
            msg = f"seasonality must be one of {SEASONALITIES} or a period of at least 2 rows; got {self.seasonality!r}."
            raise ConfigError(msg)
        series = self._read(X)
        self._check_length(series, self.min_rows)
        order = np.argsort(series.position, kind="stable")
        values, position = series.values[order], series.position[order]
        kind, period = self._resolve_seasonality(series, values, position)
        width = self._trend_window(kind, period, series, values.size)
        trend = _robust_trend(values, width)
        ok = np.isfinite(trend)
        self.trend_position_ = position[ok]
        self.trend_values_ = trend[ok]
        # after the training rows the trend goes on along the line through its last quarter
        tail = slice(max(0, int(ok.sum()) - max(width, int(ok.sum()) // 4)), None)
        self.trend_slope_ = (
            float(np.polyfit(self.trend_position_[tail], self.trend_values_[tail], 1)[0])
            if self.trend_position_[tail].size >= 3 and np.ptp(self.trend_position_[tail]) > 0
            else 0.0
        )
        self.seasonality_ = kind if kind != "period" else f"period {period}"
        self.period_ = period
        detrended = values - trend
        slots = self._slots(kind, period, position, series.times[order] if series.times is not None else None)
        profile: dict[int, float] = {}
        if kind != "none":
            frame = pd.DataFrame({"slot": slots, "r": detrended}).dropna()
            medians = frame.groupby("slot")["r"].agg(["median", "size"])
            profile = {int(s): float(m) for s, m, n in medians.itertuples() if n >= 2}
        self.profile_slots_ = np.array(sorted(profile), dtype=np.int64)
        self.profile_values_ = np.array([profile[s] for s in sorted(profile)], dtype=float)
        seasonal = self._seasonal(slots)
        residual = detrended - seasonal
        finite = values[np.isfinite(values)]
        self.constant_ = bool(finite.size and np.all(finite == finite[0]))
        # each slot's median is fitted to its own rows: residuals about it understate the noise by
        # about sqrt((k - 1) / k) for k rows per slot
        per_slot = max(2.0, values.size / len(profile)) if profile else 0.0
        inflate = float(np.sqrt(per_slot / (per_slot - 1))) if per_slot else 1.0
        self.spread_ = inflate * robust_spread(
            residual, scale_hint=float(np.median(np.abs(finite))) if finite.size else 1.0
        )
        if tie_share(values) >= 0.5 and not self.constant_:  # step-like or sparse counts: MAD understates
            self.spread_ = max(self.spread_, float(np.nanstd(residual)))
        self.strength_ = seasonal_strength(residual, seasonal) if kind != "none" else 0.0
        self.n_train_ = int(values.size)
        self.threshold_ = DEFAULT_Z  # until the training scores set it
        self._set_threshold(self._score_parts(series)[0])
        return self

    def _resolve_seasonality(
        self, series: Series, values: np.ndarray, position: np.ndarray
    ) -> tuple[str, int]:
        choice = self.seasonality
        if isinstance(choice, int):
            return "period", int(choice)
        if choice == "none":
            return "none", 0
        if series.times is None:
            if choice != "auto":
                msg = f"seasonality={choice!r} needs a datetime time column; give time_col= or a period in rows."
                raise ConfigError(msg)
            found = acf_period(values)
            return ("period", found) if found else ("none", 0)
        step = float(np.median(np.diff(position))) if position.size > 1 else _DAY
        span = float(position[-1] - position[0]) if position.size > 1 else 0.0
        if choice != "auto":
            return str(choice), 0
        if step < _DAY and step <= 3600 and span >= 56 * _DAY:
            return "week_hour", 0
        if step < _DAY and span >= 2 * _DAY:
            return "hour", 0
        if _DAY <= step < 7 * _DAY and span >= 21 * _DAY:
            return "weekday", 0
        return "none", 0

    def _trend_window(self, kind: str, period: int, series: Series, n: int) -> int:
        if self.window is not None:
            if not (isinstance(self.window, int) and self.window >= 3):
                msg = f"window must be a whole number of rows, at least 3; got {self.window!r}."
                raise ConfigError(msg)
            width = self.window
        else:
            step = float(np.median(np.diff(np.sort(series.position)))) if n > 1 else 1.0
            step = step if step > 0 else 1.0
            # one day for sub-daily data (the weekly shape stays in the hour-of-week profile), a week for daily
            cycle = {"hour": _DAY, "week_hour": _DAY, "weekday": 7 * _DAY}.get(kind)
            if kind == "period":
                width = period
            elif cycle is not None:
                width = int(round(cycle / step))
            else:
                width = 25
        width = max(3, min(width, n))
        return width if width % 2 else width + 1

    @staticmethod
    def _slots(kind: str, period: int, position: np.ndarray, times: pd.DatetimeIndex | None) -> np.ndarray:
        if kind == "none":
            return np.zeros(position.size, dtype=np.int64)
        if kind == "period":
            return np.mod(np.round(position).astype(np.int64), period)
        assert times is not None
        if kind == "hour":
            return np.asarray(times.hour, dtype=np.int64)
        if kind == "weekday":
            return np.asarray(times.dayofweek, dtype=np.int64)
        return np.asarray(times.dayofweek * 24 + times.hour, dtype=np.int64)

    def _seasonal(self, slots: np.ndarray) -> np.ndarray:
        if not self.profile_slots_.size:
            return np.zeros(slots.size)
        where = np.searchsorted(self.profile_slots_, slots)
        where = np.clip(where, 0, self.profile_slots_.size - 1)
        known = self.profile_slots_[where] == slots
        return np.where(known, self.profile_values_[where], 0.0)

    # -- scoring ----------------------------------------------------------------------------------
    def _expected(self, series: Series) -> np.ndarray:
        kind = "period" if self.seasonality_.startswith("period") else self.seasonality_
        if kind in ("hour", "weekday", "week_hour") and series.times is None:
            msg = "this band was fitted with a datetime time column; give the same column when scoring."
            raise ConfigError(msg)
        trend = np.interp(series.position, self.trend_position_, self.trend_values_)
        later = series.position > self.trend_position_[-1]
        trend[later] += self.trend_slope_ * (series.position[later] - self.trend_position_[-1])
        return trend + self._seasonal(self._slots(kind, self.period_, series.position, series.times))

    def _score_parts(self, series: Series) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        expected = self._expected(series)
        signed = (series.values - expected) / self.spread_
        return np.abs(signed), expected, signed

    def _band_halfwidth(self, series: Series) -> float:
        return float(self.spread_)

    def band(self, X: Any) -> pd.DataFrame:
        """The normal range of each row of ``X``: ``expected``, ``lower`` and ``upper``."""
        return self.details(X)[["expected", "lower", "upper"]]
