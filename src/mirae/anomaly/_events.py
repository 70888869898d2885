"""From flagged rows to alerts: one incident is one event (minimum duration and cool-down)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mirae.errors import ConfigError

__all__ = ["EVENT_COLUMNS", "flag_runs", "group_events"]

#: The columns of an events table (before the series columns the caller adds in front).
EVENT_COLUMNS = ("start", "end", "rows", "peak_time", "peak_score", "peak_value", "direction")


def flag_runs(flags: np.ndarray, *, min_duration: int = 1, cooldown: int = 0) -> list[tuple[int, int]]:
    """``(first, last)`` row positions of each event in ``flags`` (in time order).

    Flagged rows separated by at most ``cooldown`` unflagged rows belong to
    the same event (the alert stays open while it cools down); events with
    fewer than ``min_duration`` flagged rows are dropped.

    Examples
    --------
    >>> flag_runs(np.array([0, 1, 1, 0, 0, 1, 0, 0, 0, 1]), cooldown=2)
    [(1, 5), (9, 9)]
    >>> flag_runs(np.array([0, 1, 1, 0, 0, 1, 0, 0, 0, 1]), min_duration=2)
    [(1, 2)]
    """
    if not (isinstance(min_duration, int | np.integer) and min_duration >= 1):
        msg = f"min_duration must be a whole number of rows, at least 1; got {min_duration!r}."
        raise ConfigError(msg)
    if not (isinstance(cooldown, int | np.integer) and cooldown >= 0):
        msg = f"cooldown must be a whole number of rows, 0 or more; got {cooldown!r}."
        raise ConfigError(msg)
    where = np.flatnonzero(np.asarray(flags, dtype=bool))
    if not where.size:
        return []
    breaks = np.flatnonzero(np.diff(where) > cooldown + 1)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [where.size - 1]])
    return [
        (int(where[s]), int(where[e])) for s, e in zip(starts, ends, strict=True) if e - s + 1 >= min_duration
    ]


def group_events(
    details: pd.DataFrame,
    *,
    time: pd.Series,
    values: pd.Series,
    min_duration: int = 1,
    cooldown: int = 0,
) -> pd.DataFrame:
    """The events of one series: ``details`` (score, is_anomaly, direction) in time order, with its times and values.

    ``direction`` of an event is that of its peak row (``above``/``below``, or empty).
    """
    flags = details["is_anomaly"].to_numpy(dtype=bool)
    rows = []
    score = details["score"].to_numpy(dtype=float)
    for first, last in flag_runs(flags, min_duration=min_duration, cooldown=cooldown):
        inside = np.arange(first, last + 1)
        peak = int(inside[np.nanargmax(np.where(flags[inside], score[inside], -np.inf))])
        rows.append(
            {
                "start": time.iloc[first],
                "end": time.iloc[last],
                "rows": int(flags[inside].sum()),
                "peak_time": time.iloc[peak],
                "peak_score": float(score[peak]),
                "peak_value": float(values.iloc[peak]),
                "direction": details["direction"].iloc[peak],
            }
        )
    return pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
