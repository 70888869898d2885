"""Vectorised feature building for the global gradient-boosting forecaster.

Every series is laid out in one row of a **right-aligned panel**: column
``T - 1`` is each series' last observed period, column ``T - 1 + s`` its
``s``-th future period, earlier columns are NaN before a series starts. A lag
``k`` feature of period ``c`` is then ``panel[:, c - k]`` for every series at
once, and window statistics come from cumulative sums, so building features
for thousands of series is a handful of numpy operations (no Python loop over
series). The same function builds training rows and, step by step, the rows of
a recursive forecast, so training and prediction features cannot drift apart.

Target features at period ``c`` only read columns ``<= c - min_lag - offset``
(``offset`` is ``step - 1`` for the direct strategy), i.e. strictly past data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_LAGS", "DEFAULT_WINDOWS", "Panel", "target_features", "window_stats"]

#: Lags per frequency: recent periods plus one seasonal cycle back.
DEFAULT_LAGS: dict[str, tuple[int, ...]] = {
    "D": (1, 2, 3, 7, 14, 21, 28),
    "W": (1, 2, 3, 4, 52),
    "M": (1, 2, 3, 6, 12),
    "Q": (1, 2, 3, 4, 8),
    "Y": (1, 2, 3),
}
#: Rolling-window lengths (over the target, ending at the smallest lag).
DEFAULT_WINDOWS: dict[str, tuple[int, ...]] = {"D": (7, 28), "W": (4, 13), "M": (3, 12), "Q": (4,), "Y": (3,)}
#: Window of the "recent mean" a price is compared with.
PRICE_WINDOW: dict[str, int] = {"D": 28, "W": 8, "M": 6, "Q": 4, "Y": 3}


@dataclass
class Panel:
    """Series laid out right-aligned: row per series, column per period (``T`` history columns)."""

    ids: np.ndarray
    width: int
    row: np.ndarray  # panel row of each history row
    col: np.ndarray  # panel column of each history row

    @classmethod
    def from_history(cls, history: pd.DataFrame) -> Panel:
        """Lay out ``history`` (``unique_id``, ``ds`` sorted within series)."""
        ids, row = np.unique(history["unique_id"].to_numpy(), return_inverse=True)
        from_end = history.groupby("unique_id", sort=False).cumcount(ascending=False).to_numpy()
        width = int(from_end.max()) + 1 if len(from_end) else 0
        return cls(
            ids=ids, width=width, row=row.astype(np.int64), col=(width - 1 - from_end).astype(np.int64)
        )

    def matrix(self, values: np.ndarray, extra: int = 0) -> np.ndarray:
        """A float panel of ``values`` (one per history row) with ``extra`` empty future columns."""
        out = np.full((len(self.ids), self.width + extra), np.nan)
        out[self.row, self.col] = values
        return out

    def future_rows(self, future: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Panel rows and columns of the ``future`` frame's (``unique_id``, ``step``) rows."""
        row = np.searchsorted(self.ids, future["unique_id"].to_numpy())
        col = self.width - 1 + future["step"].to_numpy(dtype=np.int64)
        return row.astype(np.int64), col


def window_stats(
    matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray, lag: int, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (ddof 0) of ``matrix[r, c-lag-window+1 : c-lag+1]`` per (r, c).

    NaN cells are skipped; a window with no value gives NaN.

    Examples
    --------
    >>> m = np.array([[1.0, 2.0, 3.0, 4.0]])
    >>> mean, std = window_stats(m, np.array([0, 0]), np.array([3, 1]), lag=1, window=2)
    >>> mean.tolist(), std.tolist()
    ([2.5, 1.0], [0.5, 0.0])
    """
    hi = np.clip(cols - lag + 1, 0, matrix.shape[1])
    lo = np.clip(cols - lag - window + 1, 0, matrix.shape[1])
    # cumulative sums over only the columns the windows touch (one step of a forecast: a few)
    start = int(lo.min()) if len(lo) else 0
    part = matrix[:, start : int(hi.max()) if len(hi) else 0]
    hi, lo = hi - start, lo - start
    filled = np.nan_to_num(part)
    zero = np.zeros((part.shape[0], 1))
    s1 = np.concatenate([zero, np.cumsum(filled, axis=1)], axis=1)
    s2 = np.concatenate([zero, np.cumsum(filled**2, axis=1)], axis=1)
    n = np.concatenate([zero, np.cumsum(~np.isnan(part), axis=1)], axis=1)
    count = n[rows, hi] - n[rows, lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (s1[rows, hi] - s1[rows, lo]) / count
        var = (s2[rows, hi] - s2[rows, lo]) / count - mean**2
    std = np.sqrt(np.maximum(var, 0.0))
    return mean, np.where(count > 0, std, np.nan)


def target_features(
    matrix: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    lags: Sequence[int],
    windows: Sequence[int],
    offset: int = 0,
) -> dict[str, np.ndarray]:
    """Lag and rolling-window features of the (transformed) target at panel cells (rows, cols).

    ``lag_k`` reads column ``c - k - offset``; ``roll_mean_w``/``roll_std_w``
    summarise the ``w`` columns ending at ``c - min(lags) - offset``.

    Examples
    --------
    >>> m = np.array([[1.0, 2.0, 3.0, np.nan]])
    >>> f = target_features(m, np.array([0]), np.array([3]), lags=[1, 2], windows=[3])
    >>> {k: round(float(v[0]), 4) for k, v in f.items()}
    {'lag_1': 3.0, 'lag_2': 2.0, 'roll_mean_3': 2.0, 'roll_std_3': 0.8165}
    """
    out: dict[str, np.ndarray] = {}
    for k in lags:
        src = cols - k - offset
        valid = src >= 0
        out[f"lag_{k}"] = np.where(valid, matrix[rows, np.maximum(src, 0)], np.nan)
    base = min(lags) + offset
    for w in windows:
        mean, std = window_stats(matrix, rows, cols, base, w)
        out[f"roll_mean_{w}"], out[f"roll_std_{w}"] = mean, std
    return out


def exog_features(
    exog: dict[str, np.ndarray],
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    price_cols: Sequence[str],
    price_window: int,
) -> dict[str, np.ndarray]:
    """Exogenous values at (rows, cols); for price columns also the change vs their recent mean.

    ``<price>_change`` is ``price / mean(price over the previous price_window
    periods) - 1`` (0 when the price has no history yet): a discount shows as
    a negative change. Exogenous values are known in the future, so this uses
    no target data.
    """
    out: dict[str, np.ndarray] = {}
    for name, matrix in exog.items():
        out[name] = matrix[rows, cols]
        if name in price_cols:
            mean, _ = window_stats(matrix, rows, cols, 1, price_window)
            with np.errstate(invalid="ignore", divide="ignore"):
                change = out[name] / mean - 1.0
            out[f"{name}_change"] = np.where(np.isfinite(change), change, 0.0)
    return out
