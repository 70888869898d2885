"""Declared data-quality checks: what a table must satisfy, with warn or fail.

A :class:`Check` names a rule, the column it applies to (``None`` for table
rules, ``'*'`` for every column where the rule allows it), a threshold and a
severity. Checks are written in Python or YAML (:func:`load_checks`); they are
validated when declared, so a wrong declaration fails at once with a message
saying how to write it. :func:`mirae.lake.quality` evaluates them.

YAML form::

    checks:
      - {column: age, rule: between, threshold: [0, 120]}
      - {column: email, rule: regex, threshold: '[^@]+@[^@]+', severity: warn}
      - {rule: row_count_min, threshold: 1000}
"""

from __future__ import annotations

import difflib
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, NoReturn

from mirae.core._json import to_jsonable
from mirae.core._result import Result
from mirae.errors import QualityCheckError

Severity = Literal["warn", "fail"]
Status = Literal["pass", "warn", "fail"]

KINDS = ("numeric", "integer", "float", "decimal", "boolean", "datetime", "date", "timestamp", "string")


@dataclass(frozen=True)
class _Rule:
    scope: Literal["column", "table"]
    threshold: str  # what the threshold must be; see _check_threshold
    star: bool  # may apply to column '*'
    example: str  # how to write it in YAML


RULES: dict[str, _Rule] = {
    "max_null_ratio": _Rule("column", "ratio", True, "{column: age, rule: max_null_ratio, threshold: 0.1}"),
    "not_constant": _Rule("column", "none", True, "{column: '*', rule: not_constant, severity: warn}"),
    "not_id_like": _Rule("column", "none", True, "{column: '*', rule: not_id_like, severity: warn}"),
    "unique": _Rule("column", "none", False, "{column: customer_id, rule: unique}"),
    "min": _Rule("column", "bound", False, "{column: price, rule: min, threshold: 0}"),
    "max": _Rule("column", "bound", False, "{column: discount, rule: max, threshold: 0.9}"),
    "between": _Rule("column", "range", False, "{column: age, rule: between, threshold: [0, 120]}"),
    "allowed_values": _Rule(
        "column", "values", False, "{column: grade, rule: allowed_values, threshold: [A, B, C]}"
    ),
    "regex": _Rule(
        "column", "pattern", False, "{column: phone, rule: regex, threshold: '0\\d{1,2}-\\d{3,4}-\\d{4}'}"
    ),
    "dtype": _Rule("column", "kind", False, "{column: qty, rule: dtype, threshold: integer}"),
    "max_mean_shift": _Rule(
        "column", "positive", True, "{column: price, rule: max_mean_shift, threshold: 0.5}"
    ),
    "row_count_min": _Rule("table", "count", False, "{rule: row_count_min, threshold: 1000}"),
    "row_count_max": _Rule("table", "count", False, "{rule: row_count_max, threshold: 1000000}"),
    "no_duplicate_rows": _Rule("table", "none", False, "{rule: no_duplicate_rows, severity: warn}"),
}
_KEYS = ("rule", "column", "threshold", "severity", "name")


@dataclass(frozen=True, kw_only=True)
class Check:
    """One declared data-quality check.

    Parameters
    ----------
    rule : str
        One of ``max_null_ratio`` (threshold: ratio 0-1), ``not_constant``,
        ``not_id_like``, ``unique``, ``min`` / ``max`` (a number, or a date for
        date columns), ``between`` (``[low, high]``), ``allowed_values`` (a
        list), ``regex`` (every non-null value fully matches), ``dtype``
        (``numeric``, ``integer``, ``float``, ``decimal``, ``boolean``,
        ``datetime``, ``date``, ``timestamp``, ``string`` or a DuckDB type such
        as ``BIGINT``), ``max_mean_shift`` (standard deviations of the earlier
        snapshot; needs ``against``), and the table rules ``row_count_min``,
        ``row_count_max``, ``no_duplicate_rows``.
    column : str or None
        The column; ``None`` for table rules; ``'*'`` applies
        ``max_null_ratio``, ``not_constant``, ``not_id_like`` or
        ``max_mean_shift`` to every column.
    threshold : optional
        As the rule needs (see above); omitted for rules without one.
    severity : {'fail', 'warn'}
        What a violation makes the report's status.
    name : str, optional
        A label for reports; defaults to ``rule(column)``.

    Raises
    ------
    QualityCheckError
        When the declaration is wrong; the message shows how to write it.

    Examples
    --------
    >>> Check(column="age", rule="between", threshold=[0, 120]).label
    'between(age)'
    >>> Check(rule="row_count_min", threshold=1000, severity="warn").severity
    'warn'
    """

    rule: str
    column: str | None = None
    threshold: Any = None
    severity: Severity = "fail"
    name: str | None = None
    where: str = field(default="check", repr=False, compare=False)

    def __post_init__(self) -> None:
        spec = RULES.get(self.rule) if isinstance(self.rule, str) else None
        if spec is None:
            close = difflib.get_close_matches(str(self.rule), RULES, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            _fail(self.where, f"unknown rule {self.rule!r}.{hint} Rules: {', '.join(RULES)}.")
        if self.severity not in ("warn", "fail"):
            _fail(
                self.where,
                f"severity must be 'warn' or 'fail'; got {self.severity!r}. Example: {spec.example}",
            )
        if spec.scope == "table" and self.column is not None:
            _fail(
                self.where,
                f"rule '{self.rule}' applies to the whole table; remove column. Example: {spec.example}",
            )
        if spec.scope == "column":
            if not isinstance(self.column, str) or not self.column:
                _fail(self.where, f"rule '{self.rule}' needs a column name. Example: {spec.example}")
            if self.column == "*" and not spec.star:
                _fail(
                    self.where, f"rule '{self.rule}' needs one named column, not '*'. Example: {spec.example}"
                )
        if self.name is not None and not isinstance(self.name, str):
            _fail(self.where, f"name must be text; got {self.name!r}.")
        problem = _check_threshold(spec.threshold, self.threshold)
        if problem:
            _fail(self.where, f"rule '{self.rule}': {problem} Example: {spec.example}")
        if isinstance(self.threshold, list):  # keep the dataclass hashable
            object.__setattr__(self, "threshold", tuple(self.threshold))

    @property
    def label(self) -> str:
        """The name shown in reports."""
        if self.name:
            return self.name
        return f"{self.rule}({self.column})" if self.column is not None else self.rule

    @property
    def scope(self) -> str:
        """``'column'`` or ``'table'``."""
        return RULES[self.rule].scope

    def to_dict(self) -> dict[str, Any]:
        """Return the declaration as a JSON-ready dict (what YAML would hold)."""
        return {
            "name": self.label,
            "rule": self.rule,
            "column": self.column,
            "threshold": to_jsonable(self.threshold),
            "severity": self.severity,
        }

    @classmethod
    def from_dict(cls, data: Any, *, where: str = "check") -> Check:
        """Build a check from a mapping such as one YAML item.

        Examples
        --------
        >>> Check.from_dict({"column": "qty", "rule": "min", "threshold": 0}).label
        'min(qty)'
        """
        if not isinstance(data, dict):
            _fail(
                where,
                f"expected a mapping with keys {', '.join(_KEYS)}; got {data!r}. "
                f"Example: {RULES['min'].example}",
            )
        unknown = [str(k) for k in data if k not in _KEYS]
        if unknown:
            _fail(
                where,
                f"unknown key(s) {', '.join(unknown)}; a check has {', '.join(_KEYS)}. "
                f"Example: {RULES['min'].example}",
            )
        if "rule" not in data:
            _fail(where, f"missing 'rule'. Rules: {', '.join(RULES)}.")
        return cls(where=where, **{k: data[k] for k in _KEYS if k in data})


@dataclass(frozen=True)
class CheckResult(Result):
    """The outcome of one check on one table snapshot.

    Attributes
    ----------
    check : Check
        The declaration.
    status : {'pass', 'warn', 'fail'}
        ``pass``, or the check's severity when it was violated.
    observed : Any
        What was measured (a ratio, a count, a list of columns, ...).
    message : str
        One sentence for people (English; :meth:`text` gives it in Korean too).
    code, params : str, dict
        The sentence's key in mirae's catalogue and its parameters.
    """

    check: Check
    status: Status
    observed: Any
    message: str
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang`` (``ko`` or ``en``)."""
        from mirae.core._i18n import message

        return message(self.code, lang, **self.params) if self.code else self.message

    @property
    def passed(self) -> bool:
        """True when the check passed."""
        return self.status == "pass"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: the declaration plus status, observed and message."""
        return {
            **self.check.to_dict(),
            "status": self.status,
            "observed": to_jsonable(self.observed),
            "message": self.message,
            "message_ko": self.text("ko"),
        }


def overall_status(results: list[CheckResult]) -> Status:
    """Return ``fail`` if any result failed, else ``warn`` if any warned, else ``pass``."""
    statuses = {r.status for r in results}
    if "fail" in statuses:
        return "fail"
    return "warn" if "warn" in statuses else "pass"


def default_checks() -> list[Check]:
    """The checks used when none are declared: all warnings.

    Constant and ID-like columns, columns more than half empty, duplicate rows.

    Examples
    --------
    >>> [c.label for c in default_checks()]
    ['max_null_ratio(*)', 'not_constant(*)', 'not_id_like(*)', 'no_duplicate_rows']
    """
    return [
        Check(column="*", rule="max_null_ratio", threshold=0.5, severity="warn"),
        Check(column="*", rule="not_constant", severity="warn"),
        Check(column="*", rule="not_id_like", severity="warn"),
        Check(rule="no_duplicate_rows", severity="warn"),
    ]


def load_checks(source: str | os.PathLike[str]) -> list[Check]:
    """Read checks from a YAML file or YAML text.

    Parameters
    ----------
    source : str or path
        A path to a ``.yml``/``.yaml`` file, or the YAML text itself: a list of
        checks, or a mapping with a ``checks`` list.

    Returns
    -------
    list of Check

    Raises
    ------
    QualityCheckError
        On a YAML syntax error, a missing file, or a wrongly declared check
        (the message names the item and shows how to write it).

    Examples
    --------
    >>> checks = load_checks('''
    ... checks:
    ...   - {column: qty, rule: min, threshold: 0}
    ...   - {rule: no_duplicate_rows, severity: warn}
    ... ''')
    >>> [c.label for c in checks]
    ['min(qty)', 'no_duplicate_rows']
    """
    import yaml

    text, origin = _read_source(source)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        msg = f"the checks in {origin} are not valid YAML: {exc}"
        raise QualityCheckError(msg) from exc
    if isinstance(data, dict) and set(data) == {"checks"}:
        data = data["checks"]
    if not isinstance(data, list):
        hint = " (if that is a file path, the file does not exist)" if isinstance(data, str) else ""
        msg = (
            f"the checks in {origin} must be a list of checks or a mapping with a 'checks' list; "
            f"got {type(data).__name__} {data!r:.80}{hint}. Example:\n"
            "checks:\n  - {column: qty, rule: min, threshold: 0}"
        )
        raise QualityCheckError(msg)
    return [Check.from_dict(item, where=f"check #{i + 1} in {origin}") for i, item in enumerate(data)]


def as_checks(checks: Any) -> list[Check] | None:
    """Normalise the ``checks=`` argument of quality: None, checks, or YAML path/text."""
    if checks is None:
        return None
    if isinstance(checks, str | os.PathLike):
        return load_checks(checks)
    if isinstance(checks, Check):
        return [checks]
    items = list(checks)
    for i, item in enumerate(items):
        if not isinstance(item, Check):
            if isinstance(item, dict):
                items[i] = Check.from_dict(item, where=f"check #{i + 1}")
                continue
            msg = f"checks must be Check objects, mappings or a YAML path; item #{i + 1} is {item!r}."
            raise QualityCheckError(msg)
    return items


def _read_source(source: str | os.PathLike[str]) -> tuple[str, str]:
    if isinstance(source, os.PathLike):
        path = Path(source)
    elif "\n" not in source and (source.endswith((".yml", ".yaml")) or Path(source).is_file()):
        path = Path(source)
    else:
        return source, "the YAML text"
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        msg = f"checks file {path} does not exist; pass the path of a YAML file or the YAML text."
        raise QualityCheckError(msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read checks file {path}: {exc}"
        raise QualityCheckError(msg) from exc


def _fail(where: str, problem: str) -> NoReturn:
    msg = f"{where}: {problem}"
    raise QualityCheckError(msg)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_bound(value: Any) -> bool:
    if _is_number(value) or isinstance(value, date | datetime):
        return True
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


def _check_threshold(kind: str, value: Any) -> str | None:
    """Return what is wrong with ``value`` as a threshold of this kind, or None."""
    if kind == "none":
        return None if value is None else f"takes no threshold; got {value!r}."
    if kind == "ratio":
        ok = _is_number(value) and 0 <= value <= 1
        return None if ok else f"threshold must be a ratio between 0 and 1; got {value!r}."
    if kind == "positive":
        ok = _is_number(value) and value > 0
        return None if ok else f"threshold must be a positive number; got {value!r}."
    if kind == "count":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else f"threshold must be a whole number of rows (>= 0); got {value!r}."
    if kind == "bound":
        return None if _is_bound(value) else f"threshold must be a number or an ISO date; got {value!r}."
    if kind == "range":
        if not isinstance(value, list | tuple) or len(value) != 2 or not all(_is_bound(v) for v in value):
            return f"threshold must be [low, high] (numbers or ISO dates); got {value!r}."
        try:
            ordered = bool(value[0] <= value[1])
        except TypeError:
            return f"low and high must be of the same kind; got {value!r}."
        return None if ordered else f"low must not exceed high; got {value!r}."
    if kind == "values":
        scalars = isinstance(value, list | tuple) and value
        if not scalars or not all(isinstance(v, str | int | float | bool) for v in value):
            return f"threshold must be a non-empty list of values; got {value!r}."
        return None
    if kind == "pattern":
        if not isinstance(value, str) or not value:
            return f"threshold must be a regular expression (text); got {value!r}."
        try:
            re.compile(value)
        except re.error as exc:
            return f"threshold {value!r} is not a valid regular expression: {exc}."
        return None
    if kind == "kind":
        ok = isinstance(value, str) and bool(value.strip())
        return None if ok else f"threshold must be one of {', '.join(KINDS)} or a DuckDB type; got {value!r}."
    raise AssertionError(kind)  # pragma: no cover - RULES only uses the kinds above
