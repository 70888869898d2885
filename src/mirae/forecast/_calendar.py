"""Calendar, public-holiday and event features for forecasting dates.

:func:`calendar_features` turns the time stamps of a series into model
features, aware of the data's frequency:

- **calendar parts**: day of week, day of month, weekend, month start/end
  (daily); ISO week of year, week of month (weekly); month and quarter
  (every frequency up to monthly); quarter (quarterly).
- **public holidays** from the `holidays` package, Korean by default
  (``country='KR'``: Seollal and Chuseok with the days before and after them,
  substitute holidays, election days); any other country by ISO code, or
  ``None`` for none. Daily data gets flags (``is_holiday``, ``is_seollal``,
  ``is_chuseok``, ``holiday_eve`` — the day before a holiday, when shops are
  busiest — and ``days_to_holiday``); weekly, monthly and quarterly data gets
  counts of holiday days inside each period (``holidays``, ``seollal_days``,
  ``chuseok_days``).
- **user events**: a frame of ``date`` and ``event`` (name) rows gives one
  column per event, ``event_<name>``, counting the event's days in the period.

A weekly time stamp labels the seven days *ending* on it (pandas' ``W-FRI``
convention: the week Saturday to Friday); pass ``week_start=True`` when the
stamp is the first day of its week. Monthly and quarterly stamps label the
month or quarter they fall in, whether on its first or last day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from mirae.errors import ConfigError, SchemaError
from mirae.forecast._frequency import Frequency, infer_frequency

__all__ = ["calendar_features", "holiday_calendar", "period_stamps"]

#: Substrings of the English holiday names (``language='en_US'``) that mark each lunar holiday.
_SEOLLAL = "korean new year"
_CHUSEOK = "chuseok"


def holiday_calendar(years: Iterable[int], country: str | None = "KR") -> pd.DataFrame:
    """Public holidays of ``country`` in ``years``, one row per day.

    Parameters
    ----------
    years : iterable of int
    country : str or None
        ISO 3166 code understood by the `holidays` package (``'KR'``, ``'US'``,
        ``'JP'``...); ``None`` gives an empty table.

    Returns
    -------
    DataFrame
        ``date`` (Timestamp), ``name`` (English where the package has it) and
        ``kind``: ``'seollal'`` (Korean New Year, the days around it and its
        substitute day), ``'chuseok'`` (likewise) or ``'holiday'``.

    Examples
    --------
    >>> cal = holiday_calendar([2024])
    >>> cal.loc[cal["kind"] == "chuseok", "date"].dt.strftime("%m-%d").tolist()
    ['09-16', '09-17', '09-18']
    """
    empty = pd.DataFrame({"date": pd.DatetimeIndex([]), "name": pd.Series([], dtype=str), "kind": ""})
    years = sorted({int(y) for y in years})
    if country is None or not years:
        return empty
    import holidays

    try:
        table = holidays.country_holidays(country, years=years)
    except NotImplementedError as exc:
        msg = (
            f"unknown holiday country {country!r}; pass an ISO 3166 code such as 'KR', 'US' or 'JP', or None."
        )
        raise ConfigError(msg) from exc
    if "en_US" in getattr(table, "supported_languages", ()):
        table = holidays.country_holidays(country, years=years, language="en_US")
    rows = [(pd.Timestamp(day), name) for day, names in sorted(table.items()) for name in [names]]
    if not rows:
        return empty
    frame = pd.DataFrame(rows, columns=["date", "name"])
    lower = frame["name"].str.lower()
    frame["kind"] = np.where(
        lower.str.contains(_SEOLLAL, regex=False),
        "seollal",
        np.where(lower.str.contains(_CHUSEOK, regex=False), "chuseok", "holiday"),
    )
    return frame


def period_stamps(
    days: pd.DatetimeIndex | pd.Series, freq: Frequency, *, week_start: bool = False
) -> pd.DatetimeIndex:
    """The time stamp of the period (on ``freq``'s grid) each day falls in.

    Examples
    --------
    >>> days = pd.DatetimeIndex(["2024-09-16", "2024-09-21"])
    >>> period_stamps(days, Frequency("W", "W-FRI")).strftime("%Y-%m-%d").tolist()
    ['2024-09-20', '2024-09-27']
    >>> period_stamps(days, Frequency("M", "ME")).strftime("%Y-%m-%d").tolist()
    ['2024-09-30', '2024-09-30']
    """
    idx = pd.DatetimeIndex(days).normalize()
    if freq.code == "D":
        return idx
    if freq.code == "W":
        anchor = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN").index(freq.offset.split("-")[1])
        weekday = idx.dayofweek.to_numpy()
        shift = -((weekday - anchor) % 7) if week_start else (anchor - weekday) % 7
        return idx + pd.to_timedelta(shift, unit="D")
    period = idx.to_period({"M": "M", "Q": "Q", "Y": "Y"}[freq.code])
    starts = freq.offset in ("MS", "QS-JAN", "YS")
    return pd.DatetimeIndex(period.start_time if starts else period.end_time.normalize())


def _event_column(name: object) -> str:
    slug = re.sub(r"\W+", "_", str(name).strip().lower()).strip("_")
    return f"event_{slug or 'unnamed'}"


def calendar_features(
    dates: pd.Series | pd.DatetimeIndex,
    freq: Frequency | str | None = None,
    *,
    country: str | None = "KR",
    events: pd.DataFrame | None = None,
    week_start: bool = False,
) -> pd.DataFrame:
    """Calendar, holiday and event features of each date, for data of frequency ``freq``.

    Parameters
    ----------
    dates : Series or DatetimeIndex
        Time stamps on the data's grid (repeats allowed; output keeps their order).
    freq : Frequency or {'D', 'W', 'M', 'Q'}, optional
        Inferred from ``dates`` when omitted.
    country : str or None
        Public holidays to count (``'KR'`` by default; ``None`` for none).
    events : DataFrame, optional
        User events: columns ``date`` and ``event`` (a name), one row per event
        day. Each event name becomes a column ``event_<name>`` counting its
        days in the period (a 0/1 flag for daily data).
    week_start : bool
        Weekly stamps mark the first day of their week instead of the last.

    Returns
    -------
    DataFrame
        One row per date (index of ``dates`` kept for a Series), integer columns:

        ============  ==========================================================
        daily         ``dayofweek`` (0 = Monday), ``day``, ``weekofyear``,
                      ``month``, ``quarter``, ``is_weekend``, ``is_month_start``,
                      ``is_month_end``, ``is_holiday``, ``is_seollal``,
                      ``is_chuseok``, ``holiday_eve``, ``days_to_holiday``
                      (capped at 30)
        weekly        ``weekofyear``, ``weekofmonth``, ``month``, ``quarter``,
                      ``holidays``, ``seollal_days``, ``chuseok_days``
        monthly       ``month``, ``quarter``, ``holidays``, ``seollal_days``,
                      ``chuseok_days``
        quarterly     ``quarter``, ``holidays``, ``seollal_days``, ``chuseok_days``
        yearly        ``holidays``, ``seollal_days``, ``chuseok_days``
        ============  ==========================================================

        then the ``event_<name>`` columns. Holiday columns are left out when
        ``country`` is ``None``.

    Examples
    --------
    >>> weeks = pd.date_range("2024-09-06", periods=3, freq="W-FRI")
    >>> calendar_features(weeks)[["weekofyear", "holidays", "chuseok_days"]].values.tolist()
    [[36, 0, 0], [37, 0, 0], [38, 3, 3]]
    >>> days = pd.date_range("2024-02-08", periods=5, freq="D")
    >>> calendar_features(days)[["is_holiday", "is_seollal", "holiday_eve"]].values.tolist()
    [[0, 0, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 0]]
    """
    index = dates.index if isinstance(dates, pd.Series) else pd.RangeIndex(len(dates))
    try:
        stamps = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates))).normalize()
    except (TypeError, ValueError) as exc:
        msg = f"calendar features need dates; {exc}. Convert the time column with pd.to_datetime first."
        raise SchemaError(msg) from exc
    if not isinstance(freq, Frequency):
        freq = infer_frequency(stamps, freq)
    out: dict[str, np.ndarray] = {}
    iso_week = stamps.isocalendar().week.to_numpy(dtype=np.int64)
    if freq.code == "D":
        dow = stamps.dayofweek.to_numpy()
        out |= {
            "dayofweek": dow,
            "day": stamps.day.to_numpy(),
            "weekofyear": iso_week,
            "is_weekend": (dow >= 5).astype(np.int64),
            "is_month_start": stamps.is_month_start.astype(np.int64),
            "is_month_end": stamps.is_month_end.astype(np.int64),
        }
    elif freq.code == "W":
        out |= {"weekofyear": iso_week, "weekofmonth": (stamps.day.to_numpy() - 1) // 7 + 1}
    if freq.code in ("D", "W", "M"):
        out["month"] = stamps.month.to_numpy()
    if freq.code != "Y":
        out["quarter"] = stamps.quarter.to_numpy()
    frame = pd.DataFrame({k: np.asarray(v, dtype=np.int64) for k, v in out.items()})
    if len(stamps) == 0:
        return frame.set_axis(index)
    # periods may reach a little beyond the stamps' years (a week ending 2 Jan starts in December)
    years = range(int(stamps.year.min()) - 1, int(stamps.year.max()) + 2)
    if country is not None:
        hol = holiday_calendar(years, country)
        hol = hol.drop_duplicates("date")
        frame = pd.concat([frame, _holiday_columns(stamps, hol, freq, week_start)], axis=1)
    if events is not None:
        frame = pd.concat([frame, _event_columns(stamps, events, freq, week_start)], axis=1)
    return frame.set_axis(index)


def _holiday_columns(
    stamps: pd.DatetimeIndex, hol: pd.DataFrame, freq: Frequency, week_start: bool
) -> pd.DataFrame:
    kinds = {"seollal": hol["kind"] == "seollal", "chuseok": hol["kind"] == "chuseok"}
    if freq.code == "D":
        days = pd.DatetimeIndex(hol["date"])
        cols = {
            "is_holiday": stamps.isin(days),
            "is_seollal": stamps.isin(days[kinds["seollal"].to_numpy()]),
            "is_chuseok": stamps.isin(days[kinds["chuseok"].to_numpy()]),
            "holiday_eve": stamps.isin(days - pd.Timedelta(days=1)),
        }
        frame = pd.DataFrame({k: np.asarray(v, dtype=np.int64) for k, v in cols.items()})
        sorted_days = np.sort(days.asi8)
        pos = np.searchsorted(sorted_days, stamps.asi8, side="left")
        nxt = np.where(
            pos < len(sorted_days), sorted_days[np.minimum(pos, len(sorted_days) - 1)], np.iinfo(np.int64).max
        )
        gap = np.where(pos < len(sorted_days), (nxt - stamps.asi8) // 86_400_000_000_000, 30)
        frame["days_to_holiday"] = np.minimum(gap, 30).astype(np.int64)
        return frame
    periods = period_stamps(pd.DatetimeIndex(hol["date"]), freq, week_start=week_start)
    counts = pd.DataFrame(
        {
            "holidays": 1,
            "seollal_days": kinds["seollal"].to_numpy(dtype=np.int64),
            "chuseok_days": kinds["chuseok"].to_numpy(dtype=np.int64),
        },
        index=periods,
    )
    per_period = counts.groupby(level=0).sum()
    return per_period.reindex(stamps, fill_value=0).reset_index(drop=True).astype(np.int64)


def _event_columns(
    stamps: pd.DatetimeIndex, events: pd.DataFrame, freq: Frequency, week_start: bool
) -> pd.DataFrame:
    missing = [c for c in ("date", "event") if c not in events.columns]
    if missing:
        msg = f"events must have columns 'date' and 'event' (one row per event day); missing {missing}, got {list(events.columns)}."
        raise SchemaError(msg)
    ev = events.dropna(subset=["date", "event"])
    days = pd.DatetimeIndex(pd.to_datetime(ev["date"]))
    table = pd.DataFrame(
        {
            "period": period_stamps(days, freq, week_start=week_start),
            "column": ev["event"].map(_event_column).to_numpy(),
        }
    )
    wide = pd.crosstab(table["period"], table["column"]) if len(table) else pd.DataFrame()
    if wide.empty:
        return pd.DataFrame(index=range(len(stamps)))
    wide = wide.reindex(stamps, fill_value=0).reset_index(drop=True)
    wide.columns = pd.Index([str(c) for c in wide.columns])
    return wide.astype(np.int64)
