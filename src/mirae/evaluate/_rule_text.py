"""How a rule reads: conditions in the column's own units, the value it states.

A column whose values are all whole numbers reads ``x >= 4`` rather than
``x > 3.5``; a date column reads ``opened <= 2021-03-05``; a range that takes
missing values says so (``age >= 36 (or missing)``); a split on missing
values alone reads ``amount is missing``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mirae.core._i18n import label
from mirae.evaluate._encoding import date_days
from mirae.evaluate._features import FeatureInfo

if TYPE_CHECKING:
    from mirae.evaluate._rules import Condition


def integral_columns(X: Any, features: list[FeatureInfo]) -> set[str]:
    if not isinstance(X, pd.DataFrame):
        return set()
    found = set()
    for column in {f.column for f in features if f.kind == "numeric"}:
        if (
            column in X.columns
            and pd.api.types.is_numeric_dtype(X[column])
            and not pd.api.types.is_bool_dtype(X[column])
        ):
            values = X[column].dropna().to_numpy(dtype=float)
            if len(values) and np.all(values == np.round(values)):
                found.add(column)
    return found


def date_columns(X: Any, features: list[FeatureInfo]) -> dict[str, bool]:
    """Date columns the rules split on, each with whether all its values are whole days."""
    if not isinstance(X, pd.DataFrame):
        return {}
    found = {}
    for column in {f.column for f in features if f.kind == "numeric"}:
        days = date_days(X[column]) if column in X.columns else None
        if days is not None:
            present = days[~np.isnan(days)]
            found[column] = bool(np.all(present == np.round(present)))
    return found


def _date(days: float, whole_days: bool) -> str:
    stamp = pd.Timestamp(0) + pd.Timedelta(days=days)
    return stamp.strftime("%Y-%m-%d" if whole_days else "%Y-%m-%d %H:%M")


def number_text(value: float) -> str:
    if value == round(value) and abs(value) < 1e15:
        return f"{int(round(value)):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def render_condition(
    condition: Condition,
    integral: set[str],
    dates: Mapping[str, bool],
    formatters: Mapping[str, Callable[[float], str]],
    lang: str,
) -> str:
    text = _render_bounds(condition, integral, dates, formatters, lang)
    return f"{text} ({label('or_missing', lang)})" if condition.missing else text


def _render_bounds(
    condition: Condition,
    integral: set[str],
    dates: Mapping[str, bool],
    formatters: Mapping[str, Callable[[float], str]],
    lang: str,
) -> str:
    column = condition.column
    if condition.kind == "missing":
        return f"{column} {label('is_missing', lang)}"
    if condition.kind == "range" and condition.lower is None and condition.upper is None:
        return f"{column} {label('is_not_missing', lang)}"
    if condition.kind == "in":
        values = condition.values
        return (
            f"{column} = {values[0]}"
            if len(values) == 1
            else f"{column} in {{{', '.join(map(str, values))}}}"
        )
    if condition.kind == "not_in":
        values = condition.values
        if len(values) == 1:
            return f"{column} != {values[0]}"
        return f"{column} {'∉' if lang == 'ko' else 'not in'} {{{', '.join(map(str, values))}}}"
    fmt = formatters.get(column, number_text)
    lower, upper = condition.lower, condition.upper
    if column in dates:
        return _render_dates(column, lower, upper, dates[column])
    if column in integral:
        low = None if lower is None else math.floor(lower) + 1
        high = None if upper is None else math.floor(upper)
        if low is not None and high is not None:
            return f"{column} = {fmt(low)}" if low == high else f"{fmt(low)} <= {column} <= {fmt(high)}"
        return f"{column} >= {fmt(low)}" if low is not None else f"{column} <= {fmt(high)}"  # type: ignore[arg-type]
    if lower is not None and upper is not None:
        return f"{fmt(lower)} < {column} <= {fmt(upper)}"
    return f"{column} > {fmt(lower)}" if lower is not None else f"{column} <= {fmt(upper)}"  # type: ignore[arg-type]


def _render_dates(column: str, lower: float | None, upper: float | None, whole_days: bool) -> str:
    if whole_days:  # thresholds fall between days: name the first and last day inside
        low = None if lower is None else _date(math.floor(lower) + 1, True)
        high = None if upper is None else _date(math.floor(upper), True)
        if low is not None and high is not None:
            return f"{column} = {low}" if low == high else f"{low} <= {column} <= {high}"
        return f"{column} >= {low}" if low is not None else f"{column} <= {high}"
    low = None if lower is None else _date(lower, False)
    high = None if upper is None else _date(upper, False)
    if low is not None and high is not None:
        return f"{low} < {column} <= {high}"
    return f"{column} > {low}" if low is not None else f"{column} <= {high}"


def class_target(target_name: str | None, target_class: Any | None) -> str:
    if target_class is None:
        return f"P({target_name})" if target_name else "P(class)"
    return f"P({target_name} = {target_class})" if target_name else f"P({target_class})"


def class_statement(target_name: str | None, shown: Any, value: float, likeliest: bool) -> str:
    if likeliest:
        return f"{target_name + ' = ' if target_name else ''}{shown} (P = {value:.1%})"
    return f"{class_target(target_name, shown)} = {value:.1%}"
