"""Detectors over sliding windows of one metric: Sub-PCA and POLY (the TSB-AD benchmark's strong simple ones).

TSB-AD (Liu and Paparrizos, NeurIPS 2024) found these simple statistical
detectors ahead of isolation forest and deep models on univariate series:

- **Sub-PCA** scores each window of ``window`` consecutive values by PyOD's
  ``PCA`` score (distances to the principal axes weighted by their variance;
  the windows are not standardised: they share one unit) and gives every row
  the score of the window centred on it: shape anomalies (a distorted
  heartbeat, a missing daily peak) stand out even when no value is extreme.
- **POLY** predicts each row from a polynomial (degree 3) fitted to the
  ``window`` rows around it, leaving the row out; the score is the robust
  z-score of the prediction error, and the prediction ± ``threshold`` robust
  spreads is a band.

Rows are taken in time order as consecutive (missing timestamps are not
filled; a missing value is interpolated for its neighbours' windows and
scored NaN itself).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from mirae.anomaly._pyod import PyODState
from mirae.anomaly._series import Series, acf_period, robust_spread
from mirae.anomaly._univariate import UnivariateDetector, robust_center_scale
from mirae.errors import ConfigError

__all__ = ["PolyDetector", "SubPCADetector", "default_window"]


def default_window(values: np.ndarray, *, low: int, high: int, fallback: int) -> int:
    """The autocorrelation period of ``values`` clipped to ``[low, high]``, else ``fallback``.

    Examples
    --------
    >>> default_window(np.sin(2 * np.pi * np.arange(400) / 50), low=8, high=256, fallback=16)
    50
    """
    period = acf_period(values)
    return fallback if period is None else int(min(max(period, low), high))


def _ordered(series: Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Time order, the values in it, and the values with gaps interpolated."""
    order = np.argsort(series.position, kind="stable")
    values = series.values[order]
    filled = pd.Series(values).interpolate(limit_direction="both").to_numpy(dtype=float)
    return order, values, np.nan_to_num(filled)


def _unordered(order: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.empty_like(values)
    out[order] = values
    return out


class _WindowDetector(UnivariateDetector):
    window: int | None
    _window_bounds: ClassVar[tuple[int, int, int]] = (8, 512, 16)

    def _window_for(self, values: np.ndarray) -> int:
        if self.window is None:
            low, high, fallback = self._window_bounds
            return default_window(values, low=low, high=high, fallback=fallback)
        if not (isinstance(self.window, int) and self.window >= 4):
            msg = f"window must be a whole number of rows, at least 4; got {self.window!r}."
            raise ConfigError(msg)
        return int(self.window)


class SubPCADetector(PyODState, _WindowDetector):
    """Sub-PCA: PCA reconstruction error of sliding windows (PyOD ``PCA``), as a robust z-score per row.

    Parameters
    ----------
    time_col, value_col : str, optional
        As for :class:`BandDetector`.
    window : int, optional
        Rows per window (default: the autocorrelation period, clipped to 8-512, else 16).
    n_components : int or float, optional
        PCA components (PyOD's default: all; the score weights each by its variance).
    threshold, contamination
        The threshold rule (see :class:`UnivariateDetector`); by default the
        99th percentile of the training scores, as the windows' scores have no normal scale.

    Attributes
    ----------
    window_ : int
    pca_ : pyod.models.pca.PCA
        The fitted PyOD detector.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> wave = np.sin(2 * np.pi * np.arange(600) / 30) + np.random.default_rng(0).normal(0, 0.1, 600)
    >>> wave[400:430] = np.sin(2 * np.pi * np.arange(30) / 10)  # one cycle three times too fast
    >>> frame = pd.DataFrame({"signal": wave})
    >>> model = SubPCADetector().fit(frame)
    >>> model.window_, 385 <= int(np.argmax(model.anomaly_score(frame))) <= 430
    (30, True)
    """

    _pyod_attributes = ("pca_",)
    default_rule: ClassVar[str] = "quantile"

    def __init__(
        self,
        *,
        time_col: str | None = None,
        value_col: str | None = None,
        window: int | None = None,
        n_components: int | float | None = None,
        threshold: float | None = None,
        contamination: float | None = None,
    ) -> None:
        self.time_col = time_col
        self.value_col = value_col
        self.window = window
        self.n_components = n_components
        self.threshold = threshold
        self.contamination = contamination

    def fit(self, X: Any, y: Any = None) -> Self:
        """Fit PCA on the metric's windows and the robust scale of its scores; return ``self``."""
        from pyod.models.pca import PCA

        self._check_settings()
        series = self._read(X)
        _, values, filled = _ordered(series)
        window = self._window_for(filled)
        self._check_length(series, 2 * window)
        windows = np.lib.stride_tricks.sliding_window_view(filled, window)
        self.pca_ = PCA(n_components=self.n_components, standardization=False).fit(windows)
        self.window_ = window
        raw = self._raw(filled)
        raw[~np.isfinite(values)] = np.nan
        self.score_center_, self.score_scale_ = robust_center_scale(raw)
        self._set_threshold((raw - self.score_center_) / self.score_scale_)
        return self

    def _raw(self, filled: np.ndarray) -> np.ndarray:
        windows = np.lib.stride_tricks.sliding_window_view(filled, self.window_)
        per_window = np.asarray(self.pca_.decision_function(windows), dtype=float)
        start = np.clip(np.arange(filled.size) - self.window_ // 2, 0, per_window.size - 1)
        return per_window[start]  # the window centred on each row

    def _score_parts(self, series: Series) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        self._check_length(series, self.window_)
        order, values, filled = _ordered(series)
        raw = self._raw(filled)
        raw[~np.isfinite(values)] = np.nan
        return _unordered(order, (raw - self.score_center_) / self.score_scale_), None, None


def _leave_one_out_weights(offsets: np.ndarray, degree: int) -> np.ndarray:
    """Weights that predict the value at offset 0 from the values at ``offsets`` (a least-squares polynomial)."""
    vander = np.vander(offsets.astype(float), degree + 1, increasing=True)
    return np.linalg.pinv(vander)[0]


class PolyDetector(_WindowDetector):
    """POLY: each row predicted by a polynomial through the rows around it; the prediction error as a robust z.

    Parameters
    ----------
    time_col, value_col : str, optional
        As for :class:`BandDetector`.
    window : int, optional
        Neighbours used per prediction, half before and half after (default:
        half the autocorrelation period clipped to 8-64, else 16).
    degree : int
        Polynomial degree (3, as in TSB-AD).
    threshold, contamination
        The threshold rule; the band is the prediction ± ``threshold_`` robust spreads.

    Attributes
    ----------
    window_ : int
    spread_ : float
        Robust spread of the training prediction errors.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> values = np.cumsum(np.random.default_rng(1).normal(size=300))
    >>> values[150] += 12
    >>> model = PolyDetector().fit(pd.DataFrame({"v": values}))
    >>> int(np.argmax(model.anomaly_score(pd.DataFrame({"v": values}))))
    150
    """

    _window_bounds: ClassVar[tuple[int, int, int]] = (8, 64, 16)

    def _window_for(self, values: np.ndarray) -> int:
        if self.window is not None:
            return super()._window_for(values)
        period = acf_period(values)  # a cubic follows half a cycle, not a whole one
        return 16 if period is None else int(min(max(period // 2, 8), 64))

    def __init__(
        self,
        *,
        time_col: str | None = None,
        value_col: str | None = None,
        window: int | None = None,
        degree: int = 3,
        threshold: float | None = None,
        contamination: float | None = None,
    ) -> None:
        self.time_col = time_col
        self.value_col = value_col
        self.window = window
        self.degree = degree
        self.threshold = threshold
        self.contamination = contamination

    def fit(self, X: Any, y: Any = None) -> Self:
        """Learn the spread of the leave-one-out polynomial errors; return ``self``."""
        self._check_settings()
        if not (isinstance(self.degree, int) and 0 <= self.degree <= 5):
            msg = f"degree must be a whole number from 0 to 5; got {self.degree!r}."
            raise ConfigError(msg)
        series = self._read(X)
        _, values, filled = _ordered(series)
        window = max(self._window_for(filled), 2 * (self.degree + 1))
        self._check_length(series, window + 1)
        self.window_ = window + window % 2
        error = values - self._predict(filled)
        self.spread_ = robust_spread(error, scale_hint=float(np.nanmedian(np.abs(values))))
        self._set_threshold(np.abs(error) / self.spread_)
        return self

    def _predict(self, filled: np.ndarray) -> np.ndarray:
        n, half = filled.size, self.window_ // 2
        centre = np.concatenate([np.arange(-half, 0), np.arange(1, half + 1)])
        weights = _leave_one_out_weights(centre, self.degree)
        padded = np.lib.stride_tricks.sliding_window_view(filled, 2 * half + 1)
        prediction = np.full(n, np.nan)
        inner = np.delete(padded, half, axis=1) @ weights
        prediction[half : n - half] = inner
        span = min(2 * half, n - 1)
        for i in [*range(min(half, n)), *range(max(n - half, half), n)]:
            lo = min(max(0, i - half), n - 1 - span)
            offsets = np.array([j for j in range(lo, lo + span + 1) if j != i])
            prediction[i] = filled[offsets] @ _leave_one_out_weights(offsets - i, self.degree)
        return prediction

    def _score_parts(self, series: Series) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        self._check_length(series, self.window_ + 1)
        order, values, filled = _ordered(series)
        expected = self._predict(filled)
        signed = (values - expected) / self.spread_
        return (
            _unordered(order, np.abs(signed)),
            _unordered(order, expected),
            _unordered(order, signed),
        )

    def _band_halfwidth(self, series: Series) -> float:
        return float(self.spread_)
