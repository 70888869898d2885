"""Evaluate declared checks against a table's statistics and, where needed, its rows.

Rules answered from the column statistics (null ratio, flags, dtype, drift,
row counts) cost nothing; rules that count violating rows (``min``, ``max``,
``between``, ``allowed_values``, ``regex``, ``unique``) run together in one
extra aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mirae.errors import QualityCheckError
from mirae.lake._checks import Check, CheckResult, Status
from mirae.lake._sql import ColumnType, aggregate, literal, quote

if TYPE_CHECKING:
    import duckdb


@dataclass
class CheckContext:
    """What checks are evaluated against."""

    con: duckdb.DuckDBPyConnection
    view: str
    table: str
    columns: list[ColumnType]
    records: list[dict[str, Any]]
    rows: int
    duplicate_rows: int
    drift: dict[str, Any] | None


def evaluate_checks(checks: list[Check], ctx: CheckContext) -> list[CheckResult]:
    """Return one :class:`CheckResult` per check, in declaration order."""
    for check in checks:
        if check.rule == "max_mean_shift" and ctx.drift is None:
            msg = (
                f"{check.label}: rule 'max_mean_shift' compares with an earlier snapshot; "
                f"pass against='previous' or a snapshot id (see `mirae history {ctx.table}`)."
            )
            raise QualityCheckError(msg)
    by_name = {rec["name"]: (col, rec) for col, rec in zip(ctx.columns, ctx.records, strict=True)}
    pending: dict[int, tuple[Check, ColumnType, dict[str, Any]]] = {}
    expressions: dict[str, str] = {}
    results: dict[int, CheckResult] = {}
    for k, check in enumerate(checks):
        if check.scope == "table":
            results[k] = _table_rule(check, ctx)
        elif check.column == "*":
            results[k] = _star_rule(check, ctx)
        elif check.column not in by_name:
            known = ", ".join(by_name) or "none"
            results[k] = _result(
                check, False, None, f"column '{check.column}' is not in the table (columns: {known})."
            )
        else:
            col, rec = by_name[check.column]
            answer = _column_rule(check, col, rec, ctx)
            if isinstance(answer, CheckResult):
                results[k] = answer
            else:
                expressions.update({f"k{k}_{key}": expr for key, expr in answer.items()})
                pending[k] = (check, col, rec)
    if expressions:
        found = aggregate(ctx.con, quote(ctx.view), expressions, table=ctx.table)
        for k, (check, col, rec) in pending.items():
            values = {key.split("_", 1)[1]: v for key, v in found.items() if key.startswith(f"k{k}_")}
            results[k] = _counted_result(check, col, rec, values)
    return [results[k] for k in range(len(checks))]


def _result(check: Check, ok: bool, observed: Any, message: str) -> CheckResult:
    status: Status = "pass" if ok else check.severity
    return CheckResult(check=check, status=status, observed=observed, message=message)


def _table_rule(check: Check, ctx: CheckContext) -> CheckResult:
    rows = ctx.rows
    if check.rule == "row_count_min":
        ok = rows >= check.threshold
        return _result(check, ok, rows, f"{rows:,} rows; at least {check.threshold:,} expected.")
    if check.rule == "row_count_max":
        ok = rows <= check.threshold
        return _result(check, ok, rows, f"{rows:,} rows; at most {check.threshold:,} expected.")
    dup = ctx.duplicate_rows
    return _result(check, dup == 0, dup, f"{dup:,} duplicate rows." if dup else "no duplicate rows.")


def _star_rule(check: Check, ctx: CheckContext) -> CheckResult:
    if check.rule == "max_mean_shift":
        assert ctx.drift is not None
        shifts = {
            s["name"]: s["mean_shift_std"] for s in ctx.drift["columns"] if s["mean_shift_std"] is not None
        }
        bad = {name: s for name, s in shifts.items() if abs(s) > check.threshold}
        detail = ", ".join(f"{n} ({s:+.2f} sd)" for n, s in bad.items())
        message = (
            f"means shifted more than {check.threshold} sd: {detail}."
            if bad
            else "no mean shifted beyond the limit."
        )
        return _result(check, not bad, sorted(bad), message)
    offending = [rec["name"] for rec in ctx.records if not _column_ok(check, rec)]
    if check.rule == "max_null_ratio":
        what = f"columns with more than {_pct(check.threshold)} nulls"
    else:
        what = "constant columns" if check.rule == "not_constant" else "ID-like columns (unique per row)"
    message = f"{what}: {', '.join(offending)}." if offending else f"no {what}."
    return _result(check, not offending, offending, message)


def _column_ok(check: Check, rec: dict[str, Any]) -> bool:
    if check.rule == "max_null_ratio":
        return bool(rec["null_ratio"] <= check.threshold)
    if check.rule == "not_constant":
        return "constant" not in rec["flags"]
    return "id_like" not in rec["flags"]


def _pct(ratio: float) -> str:
    return f"{ratio * 100:.4g}%"


def _column_rule(
    check: Check, col: ColumnType, rec: dict[str, Any], ctx: CheckContext
) -> CheckResult | dict[str, str]:
    """Answer from statistics, or return the SQL expressions that answer it."""
    name, q = col.name, col.sql
    rule = check.rule
    if rule == "max_null_ratio":
        ratio = rec["null_ratio"]
        return _result(
            check,
            ratio <= check.threshold,
            ratio,
            f"'{name}' is {_pct(ratio)} null; at most {_pct(check.threshold)} allowed.",
        )
    if rule == "not_constant":
        ok = _column_ok(check, rec)
        return _result(check, ok, rec["distinct"], f"'{name}' has {rec['distinct']} distinct value(s).")
    if rule == "not_id_like":
        ok = _column_ok(check, rec)
        return _result(
            check, ok, ok is False, f"'{name}' is unique per row." if not ok else f"'{name}' is not ID-like."
        )
    if rule == "dtype":
        return _dtype_result(check, col)
    if rule == "max_mean_shift":
        assert ctx.drift is not None
        shift = next((s["mean_shift_std"] for s in ctx.drift["columns"] if s["name"] == name), None)
        if shift is None:
            return _result(
                check,
                False,
                None,
                f"'{name}' has no mean shift to compare (not numeric in both snapshots, or constant before).",
            )
        return _result(
            check,
            abs(shift) <= check.threshold,
            shift,
            f"the mean of '{name}' moved {shift:+.3f} sd; at most {check.threshold} allowed.",
        )
    if rule == "unique":
        if rec["distinct_exact"]:
            return _unique_result(check, rec, rec["distinct"])
        return {"distinct": f"count(DISTINCT {q})"}
    if rule in ("min", "max", "between"):
        if col.kind not in ("numeric", "datetime"):
            return _result(
                check, False, None, f"rule '{rule}' needs a numeric or date column; '{name}' is {col.type}."
            )
        low, high = _bounds(check)
        for bound in (low, high):
            numeric_bound = isinstance(bound, int | float) and not isinstance(bound, bool)
            if bound is not None and numeric_bound != (col.kind == "numeric"):
                return _result(
                    check,
                    False,
                    None,
                    f"'{name}' is {col.type} but the threshold {bound!r} is not of that kind.",
                )
        cond = " OR ".join(
            f"{q} {op} {_typed(bound, col)}" for op, bound in (("<", low), (">", high)) if bound is not None
        )
        return {"bad": f"count(*) FILTER (WHERE {cond})", "example": f"min({q}) FILTER (WHERE {cond})"}
    if rule == "allowed_values":
        values = list(check.threshold)
        if col.kind == "numeric" and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            target, items = q, ", ".join(literal(v) for v in values)
        elif col.kind == "boolean" and all(isinstance(v, bool) for v in values):
            target, items = q, ", ".join(literal(v) for v in values)
        else:
            target, items = f"{q}::VARCHAR", ", ".join(literal(str(v)) for v in values)
        cond = f"{q} IS NOT NULL AND {target} NOT IN ({items})"
        return {
            "bad": f"count(*) FILTER (WHERE {cond})",
            "example": f"min({q}::VARCHAR) FILTER (WHERE {cond})",
        }
    if rule == "regex":
        _check_duckdb_regex(check, ctx)
        cond = f"{q} IS NOT NULL AND NOT regexp_full_match({q}::VARCHAR, {literal(check.threshold)})"
        return {
            "bad": f"count(*) FILTER (WHERE {cond})",
            "example": f"min({q}::VARCHAR) FILTER (WHERE {cond})",
        }
    raise AssertionError(rule)  # pragma: no cover - every column rule is handled above


def _bounds(check: Check) -> tuple[Any, Any]:
    if check.rule == "min":
        return check.threshold, None
    if check.rule == "max":
        return None, check.threshold
    return check.threshold[0], check.threshold[1]


def _typed(bound: Any, col: ColumnType) -> str:
    if col.kind == "datetime":
        return f"CAST({literal(str(bound))} AS {col.type})"
    return literal(bound)


def _check_duckdb_regex(check: Check, ctx: CheckContext) -> None:
    try:
        ctx.con.execute(f"SELECT regexp_full_match('', {literal(check.threshold)})").fetchall()
    except Exception as exc:
        msg = (
            f"{check.label}: DuckDB (RE2 syntax) rejects the pattern {check.threshold!r}: {exc}. "
            "Look-arounds and back-references are not supported."
        )
        raise QualityCheckError(msg) from exc


def _unique_result(check: Check, rec: dict[str, Any], distinct: int) -> CheckResult:
    repeated = rec["count"] - distinct
    message = (
        f"'{rec['name']}' has {repeated:,} repeated non-null value(s)."
        if repeated
        else f"'{rec['name']}' is unique."
    )
    return _result(check, repeated == 0, repeated, message)


def _counted_result(
    check: Check, col: ColumnType, rec: dict[str, Any], values: dict[str, Any]
) -> CheckResult:
    if check.rule == "unique":
        return _unique_result(check, rec, int(values["distinct"] or 0))
    bad = int(values["bad"] or 0)
    example = values.get("example")
    name = col.name
    if check.rule in ("min", "max", "between"):
        if check.rule == "min":
            want = f">= {check.threshold}"
        elif check.rule == "max":
            want = f"<= {check.threshold}"
        else:
            want = f"between {check.threshold[0]} and {check.threshold[1]}"
        message = (
            f"{bad:,} value(s) of '{name}' outside {want} (e.g. {example})."
            if bad
            else f"all values of '{name}' are {want}."
        )
    elif check.rule == "allowed_values":
        message = (
            f"{bad:,} value(s) of '{name}' not in the allowed list (e.g. {example!r})."
            if bad
            else f"all values of '{name}' are allowed."
        )
    else:
        message = (
            f"{bad:,} value(s) of '{name}' do not match {check.threshold!r} (e.g. {example!r})."
            if bad
            else f"all values of '{name}' match the pattern."
        )
    return _result(check, bad == 0, bad, message)


def _dtype_result(check: Check, col: ColumnType) -> CheckResult:
    want = str(check.threshold).strip().lower()
    type_lower = col.type.lower()
    kinds = {
        "numeric": col.kind == "numeric",
        "integer": col.integer,
        "float": col.floating,
        "decimal": type_lower.startswith("decimal"),
        "boolean": col.kind == "boolean",
        "datetime": col.kind == "datetime",
        "date": type_lower == "date",
        "timestamp": type_lower.startswith("timestamp"),
        "string": col.kind == "string",
    }
    ok = kinds[want] if want in kinds else type_lower == want
    return _result(check, ok, col.type, f"'{col.name}' is {col.type}; {check.threshold} expected.")
