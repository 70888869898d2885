"""What the univariate metric detectors share: reading ``X``, the threshold rule, the per-row details."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mirae.anomaly._series import MAD_SCALE, Series, read_series
from mirae.base import AnomalyDetector, Tags
from mirae.errors import AnomalyError, ConfigError

__all__ = [
    "DEFAULT_SHARE",
    "DEFAULT_Z",
    "DETAIL_COLUMNS",
    "UnivariateDetector",
    "check_threshold",
    "robust_standardize",
    "threshold_from",
]

#: The default threshold of methods whose score is a residual z-score (band, POLY, correlation
#: breaks): a robust z of 3.5, Iglewicz and Hoaglin's rule for the modified z-score.
DEFAULT_Z = 3.5
#: The default of methods whose score has no normal scale (Sub-PCA, isolation forest, ECOD, PCA):
#: the training scores' 99th percentile (1 % of the training rows above it).
DEFAULT_SHARE = 0.01


def check_threshold(threshold: float | None, contamination: float | None) -> None:
    """Refuse a threshold or contamination that is not a positive robust z / a share below one half."""
    if threshold is not None and not (isinstance(threshold, int | float) and threshold > 0):
        msg = f"threshold must be a positive number (a robust z-score, e.g. 3.5) or None; got {threshold!r}."
        raise ConfigError(msg)
    if contamination is not None and not (isinstance(contamination, int | float) and 0 < contamination < 0.5):
        msg = f"contamination must be between 0 and 0.5 (e.g. 0.01 for 1 %); got {contamination!r}."
        raise ConfigError(msg)


def threshold_from(
    train_scores: np.ndarray, *, threshold: float | None, contamination: float | None, rule: str
) -> float:
    """``threshold_`` from the training scores (never labels).

    ``contamination`` given: the ``1 - contamination`` quantile of the training
    scores; else ``threshold`` given: that robust z; else the method's default
    ``rule``: ``z`` (:data:`DEFAULT_Z`) or ``quantile`` (:data:`DEFAULT_SHARE`).

    Examples
    --------
    >>> scores = np.arange(100.0)
    >>> round(threshold_from(scores, threshold=None, contamination=0.1, rule="z"), 2)
    89.1
    >>> threshold_from(scores, threshold=None, contamination=None, rule="z")
    3.5
    """
    finite = train_scores[np.isfinite(train_scores)]
    share = contamination if contamination is not None else (DEFAULT_SHARE if threshold is None else None)
    if share is not None and (contamination is not None or rule == "quantile") and finite.size:
        cut = float(np.quantile(finite, 1 - share))
        if not (finite > cut).any() and (finite < cut).any():  # ties at the top: flag them, not nothing
            cut = float(finite[finite < cut].max())
        return cut
    return float(DEFAULT_Z if threshold is None else threshold)


#: The columns of :meth:`UnivariateDetector.details`.
DETAIL_COLUMNS = ("score", "is_anomaly", "expected", "lower", "upper", "direction")


def robust_standardize(scores: np.ndarray, center: float, scale: float) -> np.ndarray:
    """``(score - center) / scale``: a raw detector score as a robust z-score."""
    return (scores - center) / scale


def robust_center_scale(scores: np.ndarray) -> tuple[float, float]:
    """Median and 1.4826 x MAD of the finite training scores (the scale floored above zero)."""
    finite = scores[np.isfinite(scores)]
    if not finite.size:
        return 0.0, 1.0
    center = float(np.median(finite))
    scale = MAD_SCALE * float(np.median(np.abs(finite - center)))
    if scale <= 0:
        scale = float(np.std(finite)) or 1.0
    return center, scale


class UnivariateDetector(AnomalyDetector):
    """Base of the one-metric detectors: ``X`` is a frame with the metric and an optional time column.

    Every score is a robust z-score (0 = typical, higher = more anomalous) and
    ``threshold_`` is set from the training scores (:func:`threshold_from`):
    with ``contamination``, the training scores' ``1 - contamination``
    quantile; else the ``threshold`` setting (a robust z); else the method's
    default — a robust z of 3.5 for residual methods (band, POLY), the 99th
    percentile of the training scores for Sub-PCA. Labels are never used.
    """

    tags: ClassVar[Tags] = AnomalyDetector.tags.but(handles_missing=True)
    #: The smallest number of rows ``fit`` accepts (subclasses set it from their window).
    min_rows: ClassVar[int] = 8
    #: The default threshold rule: ``z`` or ``quantile`` (see :func:`threshold_from`).
    default_rule: ClassVar[str] = "z"
    time_col: str | None
    value_col: str | None
    threshold: float | None
    contamination: float | None

    # -- shared steps ---------------------------------------------------------------------------
    def _read(self, X: Any) -> Series:
        return read_series(X, value_col=self.value_col, time_col=self.time_col, what=type(self).__name__)

    def _check_settings(self) -> None:
        check_threshold(self.threshold, self.contamination)

    def _check_length(self, series: Series, needed: int) -> None:
        finite = int(np.isfinite(series.values).sum())
        if finite < needed:
            msg = (
                f"{type(self).__name__} needs at least {needed} non-missing values (its window); got "
                f"{finite} of {series.values.size} rows. Give a longer series or a smaller window."
            )
            raise AnomalyError(msg)

    def _set_threshold(self, train_scores: np.ndarray) -> None:
        self.threshold_ = threshold_from(
            train_scores, threshold=self.threshold, contamination=self.contamination, rule=self.default_rule
        )

    def _check_fitted(self) -> None:
        if not hasattr(self, "threshold_"):
            msg = f"this {type(self).__name__} is not fitted yet; call fit(X) first."
            raise AnomalyError(msg)

    # -- answers --------------------------------------------------------------------------------
    def details(self, X: Any) -> pd.DataFrame:
        """Per row of ``X``: ``score``, ``is_anomaly`` and, for band methods, ``expected``, ``lower``, ``upper``, ``direction``.

        ``direction`` is ``above`` or ``below`` the normal range for flagged
        rows of band methods, empty otherwise.
        """
        self._check_fitted()
        series = self._read(X)
        score, expected, signed = self._score_parts(series)
        flagged = np.nan_to_num(score, nan=-np.inf) > self.threshold_
        out = pd.DataFrame({"score": score, "is_anomaly": flagged}, index=X.index)
        if expected is not None:
            half = self.threshold_ * self._band_halfwidth(series)
            out["expected"] = expected
            out["lower"] = expected - half
            out["upper"] = expected + half
        else:
            out["expected"] = out["lower"] = out["upper"] = np.nan
        direction = np.full(len(X), None, dtype=object)
        if signed is not None:
            direction[flagged & (signed > 0)] = "above"
            direction[flagged & (signed < 0)] = "below"
        out["direction"] = direction
        return out

    def anomaly_score(self, X: Any) -> Any:
        """Robust z-score per row (NaN where the metric is missing): higher = more anomalous."""
        self._check_fitted()
        return self._score_parts(self._read(X))[0]

    # -- what subclasses provide ------------------------------------------------------------------
    def _score_parts(self, series: Series) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Score, expected value (band methods) and signed deviation of each row."""
        raise NotImplementedError

    def _band_halfwidth(self, series: Series) -> np.ndarray | float:
        """How far one unit of score reaches from the expected value (band methods)."""
        raise NotImplementedError
