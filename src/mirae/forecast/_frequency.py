"""Time frequencies of forecasting data: inference, pandas offsets, seasonal positions.

mirae forecasts daily (``D``), weekly (``W``), monthly (``M``), quarterly
(``Q``) and yearly (``Y``, no seasonality) data. A :class:`Frequency` holds the short code, the pandas offset that
lays out the time grid (anchored on the data: weekly on its weekday, monthly on
month start or end) and the length of one seasonal cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mirae.errors import FrequencyError

__all__ = ["FREQUENCIES", "Frequency", "infer_frequency"]

FREQUENCIES = ("D", "W", "M", "Q", "Y")

#: Length of one seasonal cycle per frequency (a week of days, a year otherwise).
_SEASON_LENGTH = {"D": 7, "W": 52, "M": 12, "Q": 4, "Y": 1}
_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_FIX = (
    "Pass freq='D', 'W', 'M', 'Q' or 'Y' explicitly, and make every date of a series sit on that grid "
    "(weekly rows on the same weekday, monthly rows all on the 1st or all on the month end)."
)


@dataclass(frozen=True)
class Frequency:
    """A forecasting frequency.

    Parameters
    ----------
    code : {'D', 'W', 'M', 'Q'}
        Short code.
    offset : str
        Pandas offset alias of the time grid, e.g. ``'W-FRI'`` or ``'MS'``.

    Examples
    --------
    >>> f = Frequency("W", "W-FRI")
    >>> f.season_length
    52
    >>> [str(d.date()) for d in f.future_dates(pd.Timestamp("2024-01-05"), 2)]
    ['2024-01-12', '2024-01-19']
    """

    code: str
    offset: str

    @property
    def season_length(self) -> int:
        """Periods in one seasonal cycle: 7 for daily, 52 weekly, 12 monthly, 4 quarterly, 1 yearly."""
        return _SEASON_LENGTH[self.code]

    def future_dates(self, last: pd.Timestamp, h: int) -> pd.DatetimeIndex:
        """The ``h`` grid dates after ``last``."""
        return pd.date_range(last, periods=h + 1, freq=self.offset)[1:]

    def grid(self, start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
        """Every grid date from ``start`` to ``end`` inclusive."""
        return pd.date_range(start, end, freq=self.offset)

    def season_position(self, dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
        """Position of each date in the seasonal cycle, starting at 1.

        Day of week (1 = Monday) for daily data, ISO week (week 53 counted as 52)
        for weekly, month for monthly and quarter for quarterly data.

        Examples
        --------
        >>> Frequency("M", "MS").season_position(pd.DatetimeIndex(["2024-03-01"])).tolist()
        [3]
        """
        idx = pd.DatetimeIndex(dates)
        if self.code == "D":
            pos = idx.dayofweek.to_numpy() + 1
        elif self.code == "W":
            pos = np.minimum(idx.isocalendar().week.to_numpy(dtype=np.int64), 52)
        elif self.code == "M":
            pos = idx.month.to_numpy()
        elif self.code == "Y":
            pos = np.ones(len(idx), dtype=np.int64)
        else:
            pos = idx.quarter.to_numpy()
        return np.asarray(pos, dtype=np.int64)


def _offset_for(code: str, dates: pd.DatetimeIndex) -> str:
    """The pandas offset of ``code`` anchored on ``dates`` (raise when they do not fit one)."""
    if code == "D":
        return "D"
    if code == "W":
        weekdays = np.unique(dates.dayofweek)
        if len(weekdays) != 1:
            msg = (
                f"weekly data must have every date on the same weekday; got dates on "
                f"{len(weekdays)} different weekdays ({', '.join(_WEEKDAYS[d] for d in weekdays)}). {_FIX}"
            )
            raise FrequencyError(msg)
        return f"W-{_WEEKDAYS[int(weekdays[0])]}"
    kind = {"M": "month", "Q": "quarter", "Y": "year"}[code]
    starts = {"M": dates.is_month_start, "Q": dates.is_quarter_start, "Y": dates.is_year_start}[code]
    ends = {"M": dates.is_month_end, "Q": dates.is_quarter_end, "Y": dates.is_year_end}[code]
    if bool(starts.all()):
        return {"M": "MS", "Q": "QS-JAN", "Y": "YS"}[code]
    if bool(ends.all()):
        return {"M": "ME", "Q": "QE-DEC", "Y": "YE"}[code]
    bad = dates[~(starts | ends)][:3]
    msg = (
        f"{kind}ly data must have every date on the first or every date on the last day of its {kind}; "
        f"got e.g. {', '.join(str(d.date()) for d in bad)}. {_FIX}"
    )
    raise FrequencyError(msg)


def infer_frequency(dates: pd.Series | pd.DatetimeIndex, freq: str | None = None) -> Frequency:
    """Infer (or check) the frequency of a set of dates.

    Parameters
    ----------
    dates : Series or DatetimeIndex
        All dates of the data (any order, repeats allowed).
    freq : {'D', 'W', 'M', 'Q'}, optional
        The frequency the caller expects; when given only its anchor is inferred.

    Returns
    -------
    Frequency

    Raises
    ------
    FrequencyError
        When the spacing of the dates is not daily, weekly, monthly or quarterly,
        when dates of one frequency are mixed with another, or ``freq`` is unknown.

    Examples
    --------
    >>> infer_frequency(pd.to_datetime(["2024-01-31", "2024-02-29", "2024-04-30"]))
    Frequency(code='M', offset='ME')
    """
    if freq is not None:
        code = (
            freq.upper()[:1]
            if freq.upper() in {"D", "W", "M", "Q", "Y", "MS", "ME", "QS", "QE", "YS", "YE"}
            else freq
        )
        if code not in FREQUENCIES:
            msg = f"freq must be one of 'D', 'W', 'M', 'Q', 'Y'; got {freq!r}. Pass one of those, or freq=None to infer it."
            raise FrequencyError(msg)
    uniq = pd.DatetimeIndex(pd.unique(pd.DatetimeIndex(dates))).sort_values()
    if len(uniq) < 2:
        if freq is None:
            msg = f"cannot infer a frequency from {len(uniq)} distinct date(s). {_FIX}"
            raise FrequencyError(msg)
        return Frequency(code, _offset_for(code, uniq))
    if freq is None:
        days = np.diff(uniq.as_unit("ns").asi8) / 86_400e9
        step = float(np.min(days))
        if step == 1:
            code = "D"
        elif step == 7:
            code = "W"
        elif 28 <= step <= 31:
            code = "M"
        elif 89 <= step <= 92:
            code = "Q"
        elif 365 <= step <= 366:
            code = "Y"
        else:
            msg = f"dates are {step:g} days apart at the closest, which is not daily, weekly, monthly or quarterly. {_FIX}"
            raise FrequencyError(msg)
    offset = _offset_for(code, uniq)
    on_grid = uniq.isin(pd.date_range(uniq[0], uniq[-1], freq=offset))
    if not on_grid.all():
        bad = uniq[~on_grid][:3]
        msg = (
            f"dates do not all fall on a {code} grid ({offset}) starting {uniq[0].date()}; "
            f"off-grid dates e.g. {', '.join(str(d.date()) for d in bad)} (mixed frequency?). {_FIX}"
        )
        raise FrequencyError(msg)
    return Frequency(code, offset)
