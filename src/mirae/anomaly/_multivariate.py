"""Detectors over several metric columns at once: isolation forest, ECOD, PCA, and correlation breaks.

Every score is a robust z-score against the training scores (0 = typical),
and ``threshold_`` follows :func:`~mirae.anomaly._univariate.threshold_from`:
``contamination`` (a training-score quantile), else ``threshold`` (a robust
z), else the default: the training scores' 99th percentile for the isolation
forest, ECOD and PCA, whose scores have no normal scale, and a robust z of 3.5
for correlation breaks. Missing values are filled with the training median of their column.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from mirae.anomaly._pyod import PyODState
from mirae.anomaly._univariate import check_threshold, robust_center_scale, threshold_from
from mirae.base import AnomalyDetector, Tags
from mirae.errors import AnomalyError, ConfigError

__all__ = ["MULTIVARIATE_METHODS", "CorrelationBreakDetector", "MultivariateDetector", "ecod_scores"]

#: The multivariate detectors by name.
MULTIVARIATE_METHODS = ("iforest", "ecod", "pca")


def _numeric_columns(
    X: Any, columns: tuple[str, ...] | list[str] | None, what: str, minimum: int
) -> list[str]:
    if not isinstance(X, pd.DataFrame):
        msg = f"{what} expects a pandas DataFrame of metric columns; got {type(X).__name__}."
        raise AnomalyError(msg)
    names = list(columns) if columns else [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    missing = [c for c in names if c not in X.columns]
    if missing:
        msg = f"metric column(s) {missing} are not in the frame (columns: {list(X.columns)})."
        raise AnomalyError(msg)
    bad = [c for c in names if not pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])]
    if bad:
        msg = f"metric column(s) {bad} must be numeric; got {[str(X[c].dtype) for c in bad]}. Pick numeric columns."
        raise AnomalyError(msg)
    if len(names) < minimum:
        msg = f"{what} needs at least {minimum} numeric metric columns; got {names}."
        raise AnomalyError(msg)
    return [str(c) for c in names]


def ecod_scores(train_sorted: np.ndarray, skew_sign: np.ndarray, X: np.ndarray) -> np.ndarray:
    """ECOD (Li et al. 2022, PyOD's formula) of each row of ``X`` against the training columns.

    A row's tail probabilities are its empirical CDF among the training values
    with the row added, ``(count(train <= x) + 1) / (n + 1)``: what PyOD's
    ``ECOD.decision_function`` gives a batch of one row. (PyOD ranks a batch
    together with the training rows, so there a row's score depends on the
    other rows in the batch.)
    """
    n = train_sorted.shape[0]
    left = np.empty_like(X, dtype=float)
    right = np.empty_like(X, dtype=float)
    for j in range(X.shape[1]):
        column = train_sorted[:, j]
        left[:, j] = (np.searchsorted(column, X[:, j], side="right") + 1) / (n + 1)
        right[:, j] = (n - np.searchsorted(column, X[:, j], side="left") + 1) / (n + 1)
    u_left, u_right = -np.log(left), -np.log(right)
    u_skew = u_left * -np.sign(skew_sign - 1) + u_right * np.sign(skew_sign + 1)
    scores: np.ndarray = np.maximum(u_skew, np.maximum(u_left, u_right)).sum(axis=1)
    return scores


class _Thresholded(AnomalyDetector):
    threshold: float | None
    contamination: float | None
    default_rule: ClassVar[str] = "quantile"

    def _check_threshold_settings(self) -> None:
        check_threshold(self.threshold, self.contamination)

    def _set_scale_and_threshold(self, raw: np.ndarray) -> None:
        self.score_center_, self.score_scale_ = robust_center_scale(raw)
        z = (raw - self.score_center_) / self.score_scale_
        self.threshold_ = threshold_from(
            z, threshold=self.threshold, contamination=self.contamination, rule=self.default_rule
        )

    def _check_fitted(self) -> None:
        if not hasattr(self, "threshold_"):
            msg = f"this {type(self).__name__} is not fitted yet; call fit(X) first."
            raise AnomalyError(msg)


class MultivariateDetector(PyODState, _Thresholded):
    """Several metrics scored together: PyOD's isolation forest or PCA, or ECOD.

    Parameters
    ----------
    columns : sequence of str, optional
        The metric columns (default: every numeric column).
    method : {'iforest', 'ecod', 'pca'}
        ``iforest``: PyOD ``IForest`` (scikit-learn's isolation forest);
        ``ecod``: empirical-CDF tail probabilities (PyOD's ECOD formula, each
        row against the training rows); ``pca``: PyOD ``PCA`` on standardised columns.
    threshold, contamination
        The threshold rule on the robust z-scores.
    n_estimators : int
        Trees of the isolation forest.
    random_state : int, optional
        Seed of the isolation forest.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> cpu = rng.normal(50, 5, 500)
    >>> frame = pd.DataFrame({"cpu": cpu, "latency": 2 * cpu + rng.normal(0, 2, 500)})
    >>> frame.loc[300, "latency"] = 40.0  # plausible alone, not with cpu near 50
    >>> model = MultivariateDetector(method="iforest", random_state=0).fit(frame)
    >>> bool(model.predict(frame)[300]), round(float(model.anomaly_score(frame)[300]), 1)
    (True, 10.0)
    """

    tags: ClassVar[Tags] = AnomalyDetector.tags.but(handles_missing=True)
    _pyod_attributes = ("pyod_",)

    def __init__(
        self,
        *,
        columns: tuple[str, ...] | None = None,
        method: str = "iforest",
        threshold: float | None = None,
        contamination: float | None = None,
        n_estimators: int = 100,
        random_state: int | None = None,
    ) -> None:
        self.columns = columns
        self.method = method
        self.threshold = threshold
        self.contamination = contamination
        self.n_estimators = n_estimators
        self.random_state = random_state

    def _matrix(self, X: Any) -> np.ndarray:
        frame = X[self.columns_].astype(float)
        return frame.fillna(dict(zip(self.columns_, self.medians_, strict=True))).to_numpy(dtype=float)

    def fit(self, X: Any, y: Any = None) -> Self:
        """Fit the detector on the metric columns; return ``self``."""
        self._check_threshold_settings()
        if self.method not in MULTIVARIATE_METHODS:
            msg = f"method must be one of {MULTIVARIATE_METHODS}; got {self.method!r}."
            raise ConfigError(msg)
        self.columns_ = _numeric_columns(X, self.columns, type(self).__name__, 1)
        if len(X) < 10:
            msg = f"{type(self).__name__} needs at least 10 rows; got {len(X)}."
            raise AnomalyError(msg)
        self.medians_ = np.array([float(np.nanmedian(X[c].astype(float))) for c in self.columns_])
        self.medians_ = np.nan_to_num(self.medians_)
        matrix = self._matrix(X)
        if self.method == "iforest":
            from pyod.models.iforest import IForest

            self.pyod_ = IForest(n_estimators=self.n_estimators, random_state=self.random_state).fit(matrix)
        elif self.method == "pca":
            from pyod.models.pca import PCA

            self.pyod_ = PCA(standardization=True).fit(matrix)
        else:
            from scipy.stats import skew

            self.train_sorted_ = np.sort(matrix, axis=0)
            self.skew_sign_ = np.sign(np.nan_to_num(skew(matrix, axis=0)))
        self._set_scale_and_threshold(self._raw(matrix))
        return self

    def _raw(self, matrix: np.ndarray) -> np.ndarray:
        if self.method == "ecod":
            return ecod_scores(self.train_sorted_, self.skew_sign_, matrix)
        return np.asarray(self.pyod_.decision_function(matrix), dtype=float)

    def anomaly_score(self, X: Any) -> Any:
        """Robust z-score per row: higher = more anomalous."""
        self._check_fitted()
        _numeric_columns(X, self.columns_, type(self).__name__, 1)
        return (self._raw(self._matrix(X)) - self.score_center_) / self.score_scale_


class CorrelationBreakDetector(_Thresholded):
    """Metrics that usually move together stop doing so: rolling correlation against its own history.

    For every pair of columns, the Pearson correlation over the last
    ``window`` rows is compared with its typical value in the training data
    (median and robust spread of the training rolling correlations); a row's
    score is the largest robust z-score of a *drop* in correlation over the
    pairs. Rows are taken in order (a frame sorted by time); the first
    ``window - 1`` rows score 0.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> load = np.cumsum(rng.normal(size=600))
    >>> frame = pd.DataFrame({"requests": load, "cpu": load + rng.normal(0, 0.3, 600)})
    >>> frame.loc[400:460, "cpu"] = rng.normal(0, 1, 61)  # cpu decouples from the requests
    >>> model = CorrelationBreakDetector(window=30).fit(frame)
    >>> 400 <= int(np.argmax(model.anomaly_score(frame))) <= 490
    True
    """

    def __init__(
        self,
        *,
        columns: tuple[str, ...] | None = None,
        window: int = 48,
        threshold: float | None = None,
        contamination: float | None = None,
    ) -> None:
        self.columns = columns
        self.window = window
        self.threshold = threshold
        self.contamination = contamination

    def _rolling(self, X: pd.DataFrame) -> np.ndarray:
        frame = X[self.columns_].astype(float)
        out = np.empty((len(frame), len(self.pairs_)))
        for k, (a, b) in enumerate(self.pairs_):
            out[:, k] = frame[a].rolling(self.window, min_periods=self.window).corr(frame[b]).to_numpy()
        return out

    def fit(self, X: Any, y: Any = None) -> Self:
        """Learn each pair's typical rolling correlation and its spread; return ``self``."""
        self._check_threshold_settings()
        if not (isinstance(self.window, int) and self.window >= 5):
            msg = f"window must be a whole number of rows, at least 5; got {self.window!r}."
            raise ConfigError(msg)
        self.columns_ = _numeric_columns(X, self.columns, type(self).__name__, 2)
        if len(X) < 3 * self.window:
            msg = f"{type(self).__name__} needs at least {3 * self.window} rows (3 windows); got {len(X)}."
            raise AnomalyError(msg)
        self.pairs_ = [list(pair) for pair in combinations(self.columns_, 2)]
        rolling = self._rolling(X)
        self.typical_ = np.nanmedian(rolling, axis=0)
        spread = 1.4826 * np.nanmedian(np.abs(rolling - self.typical_), axis=0)
        self.spread_ = np.where(np.isfinite(spread) & (spread > 1e-6), spread, 1e-6)
        self.score_center_, self.score_scale_ = 0.0, 1.0
        self.threshold_ = threshold_from(
            self._z(rolling), threshold=self.threshold, contamination=self.contamination, rule="z"
        )
        return self

    def _z(self, rolling: np.ndarray) -> np.ndarray:
        drop = (self.typical_ - rolling) / self.spread_
        drop = np.where(np.isfinite(drop), drop, 0.0)
        return np.max(drop, axis=1)

    def anomaly_score(self, X: Any) -> Any:
        """Per row, the largest robust z-score of a drop in a pair's rolling correlation."""
        self._check_fitted()
        _numeric_columns(X, self.columns_, type(self).__name__, 2)
        return self._z(self._rolling(X))
