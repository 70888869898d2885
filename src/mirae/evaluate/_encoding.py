"""Numbers a surrogate tree can split on, made from a raw mixed-type frame.

A model that is not a scikit-learn Pipeline (an AutoML model, a wrapper, any
object with ``predict``) takes the user's raw columns, which a decision tree
cannot. :class:`FrameEncoding` turns them into numbers that still read in the
column's own terms:

- numbers stay as they are, missing values included (scikit-learn's trees
  route NaN to one side of each split);
- dates (``datetime64`` columns, or object columns holding only dates) become
  days since 1970-01-01, NaT as NaN;
- everything else (text, categoricals, booleans) becomes one indicator per
  frequent value plus, when some values are rare or missing, one "any other
  value" indicator.

Each output feature is described by a :class:`FeatureInfo`, so a split reads
``purpose = radio/tv``, ``age >= 36`` or ``opened <= 2021-03-05``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from mirae.evaluate._features import FeatureInfo

_EPOCH = np.datetime64("1970-01-01", "ns")
_DAY = np.timedelta64(1, "D")


def date_days(series: pd.Series) -> np.ndarray | None:
    """Days since 1970-01-01 (NaN where missing) when ``series`` holds dates, else None."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_any_dtype(series.dtype):
        if series.dtype != object:
            return None
        present = series.dropna()
        if present.empty or not all(isinstance(v, dt.date | pd.Timestamp) for v in present):
            return None
        try:
            series = pd.to_datetime(series, utc=True).dt.tz_localize(None)
        except (TypeError, ValueError):
            return None
    stamps = series.to_numpy(dtype="datetime64[ns]")
    days = (stamps - _EPOCH) / _DAY
    return np.where(np.isnat(stamps), np.nan, days).astype(float)


def column_numbers(series: pd.Series) -> np.ndarray:
    """A numeric (or date) column as floats, NaN where missing; dates as days since 1970-01-01."""
    days = date_days(series)
    if days is not None:
        return days
    return np.asarray(series.to_numpy(dtype=float, na_value=np.nan), dtype=float)


def is_number_column(series: pd.Series) -> bool:
    """Whether ``series`` is numeric (booleans are not: they read better as ``flag = True``)."""
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


class FrameEncoding:
    """Encode a raw frame's columns as numbers for a surrogate tree.

    Parameters
    ----------
    max_categories : int
        At most this many values of a text column get their own indicator.
    min_share : float
        A value seen in fewer than this share of rows (and in fewer than two
        rows) goes to the "any other value" indicator.

    Attributes
    ----------
    features_ : list of FeatureInfo
        One per output column, in order.

    Examples
    --------
    >>> frame = pd.DataFrame({"age": [30.0, None, 50.0], "purpose": ["car", "car", "tv"]})
    >>> encoding = FrameEncoding(min_share=0.5).fit(frame)
    >>> [f.name for f in encoding.features_]
    ['age', 'purpose = car', 'purpose (other)']
    >>> encoding.transform(frame).tolist()
    [[30.0, 1.0, 0.0], [nan, 1.0, 0.0], [50.0, 0.0, 1.0]]
    """

    def __init__(self, *, max_categories: int = 20, min_share: float = 0.01) -> None:
        self.max_categories = max_categories
        self.min_share = min_share

    def fit(self, frame: pd.DataFrame) -> FrameEncoding:
        """Learn each column's kind and frequent values from ``frame``."""
        self.columns_: list[Any] = list(frame.columns)
        self.features_: list[FeatureInfo] = []
        minimum = max(2, int(np.ceil(self.min_share * len(frame))))
        for column in self.columns_:
            series = frame[column]
            name = str(column)
            if is_number_column(series) or date_days(series) is not None:
                self.features_.append(FeatureInfo(name=name, column=name))
                continue
            counts = series.value_counts(dropna=True, sort=True)
            frequent = [_plain(v) for v in counts.index[counts.to_numpy() >= minimum][: self.max_categories]]
            for value in frequent:
                self.features_.append(
                    FeatureInfo(name=f"{name} = {value}", column=name, kind="onehot", category=value)
                )
            if series.isna().any() or len(frequent) < len(counts):
                self.features_.append(
                    FeatureInfo(name=f"{name} (other)", column=name, kind="rare", categories=tuple(frequent))
                )
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """The encoded rows as a float array, one column per entry of ``features_``."""
        by_name = {str(c): c for c in self.columns_}
        out = np.empty((len(frame), len(self.features_)), dtype=float)
        for j, info in enumerate(self.features_):
            series = frame[by_name[info.column]]
            if info.kind == "onehot":
                out[:, j] = series.isin([info.category]).to_numpy(dtype=float)
            elif info.kind == "rare":
                out[:, j] = (~series.isin(list(info.categories))).to_numpy(dtype=float)
            else:
                out[:, j] = column_numbers(series)
        return out


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
