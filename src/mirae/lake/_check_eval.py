"""Evaluate declared checks against a table's statistics and, where needed, its rows.

Rules answered from the column statistics (null ratio, flags, dtype, drift,
row counts) cost nothing; rules that count violating rows (``min``, ``max``,
``between``, ``allowed_values``, ``regex``, ``unique``) run together in one
extra aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mirae.core._i18n import message
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
            results[k] = _result(check, False, None, "missing_column", column=check.column, known=known)
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


def _result(check: Check, ok: bool, observed: Any, code: str, **params: Any) -> CheckResult:
    """The outcome, its sentence given by key and parameters (mirae.core._i18n.MESSAGES)."""
    status: Status = "pass" if ok else check.severity
    english = message(code, "en", **params)
    return CheckResult(
        check=check, status=status, observed=observed, message=english, code=code, params=params
    )


def _table_rule(check: Check, ctx: CheckContext) -> CheckResult:
    rows = ctx.rows
    if check.rule == "row_count_min":
        ok = rows >= check.threshold
        return _result(check, ok, rows, "row_count_min", rows=rows, threshold=check.threshold)
    if check.rule == "row_count_max":
        ok = rows <= check.threshold
        return _result(check, ok, rows, "row_count_max", rows=rows, threshold=check.threshold)
    dup = ctx.duplicate_rows
    return _result(check, dup == 0, dup, "duplicates_found" if dup else "duplicates_none", dup=dup)


def _star_rule(check: Check, ctx: CheckContext) -> CheckResult:
    if check.rule == "max_mean_shift":
        assert ctx.drift is not None
        shifts = {
            s["name"]: s["mean_shift_std"] for s in ctx.drift["columns"] if s["mean_shift_std"] is not None
        }
        bad = {name: s for name, s in shifts.items() if abs(s) > check.threshold}
        detail = ", ".join(f"{n} ({s:+.2f} sd)" for n, s in bad.items())
        code = "shift_columns" if bad else "shift_none"
        return _result(check, not bad, sorted(bad), code, threshold=check.threshold, detail=detail)
    offending = [rec["name"] for rec in ctx.records if not _column_ok(check, rec)]
    what = {"max_null_ratio": "null_columns", "not_constant": "constant_columns"}.get(
        check.rule, "id_columns"
    )
    code = what if offending else f"{what}_none"
    pct = _pct(check.threshold) if check.rule == "max_null_ratio" else ""
    return _result(check, not offending, offending, code, pct=pct, columns=", ".join(offending))


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
            "null_ratio",
            name=name,
            ratio=_pct(ratio),
            limit=_pct(check.threshold),
        )
    if rule == "not_constant":
        ok = _column_ok(check, rec)
        return _result(check, ok, rec["distinct"], "distinct", name=name, distinct=rec["distinct"])
    if rule == "not_id_like":
        ok = _column_ok(check, rec)
        return _result(check, ok, ok is False, "not_id_like" if ok else "id_like", name=name)
    if rule == "dtype":
        return _dtype_result(check, col)
    if rule == "max_mean_shift":
        assert ctx.drift is not None
        shift = next((s["mean_shift_std"] for s in ctx.drift["columns"] if s["name"] == name), None)
        if shift is None:
            return _result(check, False, None, "no_shift", name=name)
        return _result(
            check,
            abs(shift) <= check.threshold,
            shift,
            "shift",
            name=name,
            shift=shift,
            threshold=check.threshold,
        )
    if rule == "unique":
        if rec["distinct_exact"]:
            return _unique_result(check, rec, rec["distinct"])
        return {"distinct": f"count(DISTINCT {q})"}
    if rule in ("min", "max", "between"):
        if col.kind not in ("numeric", "datetime"):
            return _result(check, False, None, "needs_numeric", rule=rule, name=name, type=col.type)
        low, high = _bounds(check)
        for bound in (low, high):
            numeric_bound = isinstance(bound, int | float) and not isinstance(bound, bool)
            if bound is not None and numeric_bound != (col.kind == "numeric"):
                return _result(check, False, None, "bound_kind", name=name, type=col.type, bound=bound)
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
    code = "repeated" if repeated else "unique"
    return _result(check, repeated == 0, repeated, code, name=rec["name"], repeated=repeated)


def _counted_result(
    check: Check, col: ColumnType, rec: dict[str, Any], values: dict[str, Any]
) -> CheckResult:
    if check.rule == "unique":
        return _unique_result(check, rec, int(values["distinct"] or 0))
    bad = int(values["bad"] or 0)
    example = values.get("example")
    name = col.name
    params: dict[str, Any] = {"name": name, "bad": bad, "example": example}
    if check.rule in ("min", "max", "between"):
        low, high = _bounds(check)
        params["want"] = (f"want_{check.rule}", {"low": low, "high": high})
        code = "range_bad" if bad else "range_ok"
    elif check.rule == "allowed_values":
        code = "allowed_bad" if bad else "allowed_ok"
    else:
        params["pattern"] = check.threshold
        code = "regex_bad" if bad else "regex_ok"
    return _result(check, bad == 0, bad, code, **params)


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
    return _result(check, ok, col.type, "dtype", name=col.name, type=col.type, expected=check.threshold)
