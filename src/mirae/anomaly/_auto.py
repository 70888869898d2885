"""``method='auto'``: one detector per series, chosen by a written rule on the series itself (never its labels)."""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from mirae.anomaly._band import BandDetector
from mirae.anomaly._series import Series, tie_share
from mirae.anomaly._univariate import UnivariateDetector
from mirae.anomaly._window import PolyDetector, SubPCADetector, default_window

__all__ = ["AUTO_RULE", "AutoDetector", "profile_message"]

#: The rule, as the report and the docstring state it.
AUTO_RULE = (
    "1. constant series, or half or more of the steps unchanged (step-like metric): band; "
    "2. seasonal strength of the band's profile >= 0.6: band; "
    "3. at least 10 windows of rows (window = the autocorrelation period, else 16): Sub-PCA; "
    "4. at least 32 rows: POLY; 5. otherwise (too short for windows): band."
)


def profile_message(seasonality: str) -> tuple[str, dict[str, Any]]:
    """A band's ``seasonality_`` as a catalogue message (``hour`` -> hour of day, ``period 24`` -> 24 rows).

    Examples
    --------
    >>> profile_message("period 24"), profile_message("hour")
    (('anomaly_season_period', {'period': 24}), ('anomaly_season_hour', {}))
    """
    if seasonality.startswith("period"):
        return "anomaly_season_period", {"period": int(seasonality.split()[-1])}
    return f"anomaly_season_{seasonality}", {}


class AutoDetector(UnivariateDetector):
    """Picks the detector for one metric by a fixed rule and delegates to it.

    The rule (from the TSB-AD findings: the normal-range band where a seasonal
    profile explains the metric, Sub-PCA for long series whose anomalies are
    shapes, POLY for short ones):

    1. a constant series, or one where at least ``max_ties`` of the steps do
       not change the value (a step-like or quantised metric): **band**;
    2. the band's seasonal strength is at least ``min_strength``: **band**;
    3. at least 10 windows of rows (window = autocorrelation period, else 16): **Sub-PCA**;
    4. at least 32 rows: **POLY**;
    5. otherwise (too short for windows): **band**.

    Parameters
    ----------
    time_col, value_col : str, optional
        As for :class:`BandDetector`.
    threshold, contamination
        Passed to the chosen detector.
    min_strength : float
        Seasonal strength from which the band is chosen.
    max_ties : float
        Share of unchanged steps from which the band is chosen.

    Attributes
    ----------
    method_ : str
        ``band``, ``subpca`` or ``poly``.
    reason_ : tuple
        ``(message key, parameters)`` of why (rendered in Korean or English by the report).
    detector_ : UnivariateDetector
        The fitted detector.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = pd.date_range("2026-01-01", periods=24 * 10, freq="h")
    >>> load = 50 + 10 * np.sin(2 * np.pi * np.asarray(t.hour) / 24)
    >>> load = load + np.random.default_rng(0).normal(0, 1, t.size)
    >>> AutoDetector(time_col="ts").fit(pd.DataFrame({"ts": t, "load": load})).method_
    'band'
    """

    min_rows: ClassVar[int] = BandDetector.min_rows

    def __init__(
        self,
        *,
        time_col: str | None = None,
        value_col: str | None = None,
        threshold: float | None = None,
        contamination: float | None = None,
        min_strength: float = 0.6,
        max_ties: float = 0.5,
    ) -> None:
        self.time_col = time_col
        self.value_col = value_col
        self.threshold = threshold
        self.contamination = contamination
        self.min_strength = min_strength
        self.max_ties = max_ties

    def fit(self, X: Any, y: Any = None) -> Self:
        """Choose the detector by the rule, fit it, and keep why; return ``self``."""
        self._check_settings()
        series = self._read(X)
        common: dict[str, Any] = {
            "time_col": self.time_col,
            "value_col": series.value_col,
            "threshold": self.threshold,
            "contamination": self.contamination,
        }
        band = BandDetector(**common).fit(X)
        ordered = series.values[np.argsort(series.position, kind="stable")]
        ties = tie_share(ordered)
        detector: UnivariateDetector = band
        if band.constant_ or ties >= self.max_ties:
            method = "band"
            reason: tuple[str, dict[str, Any]] = ("anomaly_auto_ties", {"ties": f"{ties:.0%}"})
        elif band.strength_ >= self.min_strength:
            method = "band"
            reason = (
                "anomaly_auto_seasonal",
                {"strength": f"{band.strength_:.2f}", "profile": profile_message(band.seasonality_)},
            )
        else:
            filled = pd.Series(ordered).interpolate(limit_direction="both").to_numpy(dtype=float)
            window = default_window(filled, low=8, high=512, fallback=16)
            finite = int(np.isfinite(ordered).sum())
            params: dict[str, Any] = {"strength": f"{band.strength_:.2f}", "window": window, "rows": finite}
            if finite >= 10 * window:
                method, reason = "subpca", ("anomaly_auto_windows", params)
                detector = SubPCADetector(window=window, **common).fit(X)
            elif finite >= 32:
                method, reason = "poly", ("anomaly_auto_short", params)
                detector = PolyDetector(**common).fit(X)
            else:
                method, reason = "band", ("anomaly_auto_tiny", params)
        self.method_, self.reason_, self.detector_ = method, reason, detector
        self.threshold_ = detector.threshold_
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "detector_"):
            super()._check_fitted()

    def details(self, X: Any) -> pd.DataFrame:
        """The chosen detector's per-row details (see :meth:`UnivariateDetector.details`)."""
        self._check_fitted()
        return self.detector_.details(X)

    def anomaly_score(self, X: Any) -> Any:
        """The chosen detector's robust z-scores."""
        self._check_fitted()
        return self.detector_.anomaly_score(X)

    def _score_parts(self, series: Series) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        return self.detector_._score_parts(series)
