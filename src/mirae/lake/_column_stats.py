"""Per-column statistics of a table, computed in DuckDB in three aggregate passes.

1. counts, approximate distinct counts, min/max/mean/std/skewness, exact
   quantiles, string lengths and a 64-bit row hash for duplicates, all in one
   query;
2. median absolute deviation, IQR fence counts and exact distinct counts
   (for columns where exactness matters), in one query;
3. robust z-score counts, which need the MAD of pass 2.

Nothing is loaded into pandas; each pass is one scan of the Parquet files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mirae.lake._sql import ColumnType, aggregate, as_float, jsonable, literal, quote

if TYPE_CHECKING:
    import duckdb

QUANTILES = (0.01, 0.25, 0.5, 0.75, 0.99)
QUANTILE_KEYS = ("p01", "p25", "p50", "p75", "p99")
EXACT_DISTINCT_MAX = 200_000
"""Columns whose approximate distinct count is at most this get an exact count; so do
text and integer columns without nulls whose estimate reaches 95% of the rows (ID candidates)."""
HIGH_CARDINALITY = 50
"""A string column with more distinct values than this is high-cardinality."""
SKEWED = 1.0
"""``|skewness|`` at or above this flags a numeric column as skewed."""
IQR_FACTOR = 1.5
ROBUST_Z = 3.5
_MAD_TO_Z = 0.6745  # modified z = 0.6745 (x - median) / MAD (Iglewicz and Hoaglin)
_MEANAD_TO_Z = 0.7979  # modified z = (x - median) / (1.2533 MeanAD) when MAD is 0

COLUMN_KEYS = (
    "name",
    "type",
    "kind",
    "count",
    "nulls",
    "null_ratio",
    "distinct",
    "distinct_exact",
    "distinct_ratio",
    "flags",
    "min",
    "max",
    "mean",
    "std",
    "skewness",
    *QUANTILE_KEYS,
    "mad",
    "zeros",
    "non_finite",
    "iqr_low",
    "iqr_high",
    "iqr_outliers",
    "robust_z_outliers",
    "length_min",
    "length_max",
    "length_mean",
    "blank",
)


def table_stats(
    con: duckdb.DuckDBPyConnection,
    view: str,
    columns: list[ColumnType],
    *,
    table: str,
    advance: Any = None,
) -> tuple[int, int, list[dict[str, Any]]]:
    """Return ``(rows, duplicate_rows, column_records)`` for ``view``.

    ``advance`` is called once after each pass when given.
    """
    step = advance if advance is not None else (lambda: None)
    source = quote(view)
    first = aggregate(con, source, _first_pass(columns), table=table)
    step()
    rows = int(first["n_rows"] or 0)
    distinct_rows = int(first["n_distinct_rows"] or 0) if columns else 0
    records = [_base_record(i, col, first, rows) for i, col in enumerate(columns)]

    second = aggregate(con, source, _second_pass(columns, records, rows), table=table)
    step()
    for i, (col, rec) in enumerate(zip(columns, records, strict=True)):
        _apply_second(i, col, rec, second)

    third = aggregate(con, source, _third_pass(columns, records), table=table)
    step()
    for i, rec in enumerate(records):
        key = f"c{i}_rz"
        if key in third:
            rec["robust_z_outliers"] = int(third[key] or 0)
        _set_flags(columns[i], rec, rows)
    return rows, rows - distinct_rows, records


def _first_pass(columns: list[ColumnType]) -> dict[str, str]:
    expr: dict[str, str] = {"n_rows": "count(*)"}
    hashable = [c.sql for c in columns]
    if hashable:
        expr["n_distinct_rows"] = f"count(DISTINCT hash({', '.join(hashable)}))"
    probs = "[" + ", ".join(str(q) for q in QUANTILES) + "]"
    for i, col in enumerate(columns):
        q, p = col.sql, f"c{i}_"
        expr[p + "nn"] = f"count({q})"
        if not col.nested:
            expr[p + "ad"] = f"approx_count_distinct({q})"
        if col.kind == "numeric":
            v = col.value
            keep_type = col.integer or not col.floating
            expr[p + "min"] = f"min({q})" if keep_type else f"min({v})"
            expr[p + "max"] = f"max({q})" if keep_type else f"max({v})"
            expr[p + "mean"] = f"avg({v})"
            expr[p + "std"] = f"stddev_samp({v})"
            expr[p + "skew"] = f"skewness({v})"
            expr[p + "q"] = f"quantile_cont({v}, {probs})"
            expr[p + "zeros"] = f"count(*) FILTER (WHERE {q} = 0)"
            if col.floating:
                expr[p + "nonfinite"] = f"count(*) FILTER (WHERE NOT isfinite({q}))"
        elif col.kind == "boolean":
            expr[p + "mean"] = f"avg({q}::INTEGER)"
        elif col.kind == "datetime":
            expr[p + "min"] = f"min({q})"
            expr[p + "max"] = f"max({q})"
        elif col.kind == "string":
            expr[p + "lmin"] = f"min(length({q}))"
            expr[p + "lmax"] = f"max(length({q}))"
            expr[p + "lmean"] = f"avg(length({q}))"
            expr[p + "blank"] = f"count(*) FILTER (WHERE trim({q}) = '')"
    return expr


def _base_record(i: int, col: ColumnType, first: dict[str, Any], rows: int) -> dict[str, Any]:
    p = f"c{i}_"
    rec: dict[str, Any] = dict.fromkeys(COLUMN_KEYS)
    count = int(first[p + "nn"] or 0)
    rec.update(
        name=col.name,
        type=col.type,
        kind=col.kind,
        count=count,
        nulls=rows - count,
        null_ratio=(rows - count) / rows if rows else 0.0,
        flags=[],
    )
    if p + "ad" in first:
        rec["distinct"] = min(int(first[p + "ad"] or 0), count)
        rec["distinct_exact"] = False
    for key, src in (("min", "min"), ("max", "max"), ("mean", "mean"), ("std", "std"), ("skewness", "skew")):
        if p + src in first:
            rec[key] = jsonable(first[p + src])
    quantiles = first.get(p + "q")
    if quantiles is not None:
        for key, value in zip(QUANTILE_KEYS, quantiles, strict=True):
            rec[key] = as_float(value)
    for key, src in (("zeros", "zeros"), ("non_finite", "nonfinite"), ("blank", "blank")):
        if p + src in first:
            rec[key] = int(first[p + src] or 0)
    if p + "lmin" in first:
        rec["length_min"] = first[p + "lmin"]
        rec["length_max"] = first[p + "lmax"]
        rec["length_mean"] = as_float(first[p + "lmean"])
    return rec


def _needs_exact_distinct(col: ColumnType, rec: dict[str, Any], rows: int) -> bool:
    if rec["distinct"] is None:
        return False
    if rec["distinct"] <= EXACT_DISTINCT_MAX:
        return True
    # a candidate ID column (HyperLogLog is off by about 1%): exact uniqueness decides the flag
    return (col.kind == "string" or col.integer) and rec["count"] == rows and rec["distinct"] >= 0.95 * rows


def _second_pass(columns: list[ColumnType], records: list[dict[str, Any]], rows: int) -> dict[str, str]:
    expr: dict[str, str] = {}
    for i, (col, rec) in enumerate(zip(columns, records, strict=True)):
        p = f"c{i}_"
        if _needs_exact_distinct(col, rec, rows):
            expr[p + "dx"] = f"count(DISTINCT {col.sql})"
        if col.kind != "numeric" or rec["p25"] is None:
            continue
        v, med = col.value, literal(rec["p50"])
        low, high = _fences(rec)
        expr[p + "mad"] = f"quantile_cont(abs({v} - {med}), 0.5)"
        expr[p + "meanad"] = f"avg(abs({v} - {med}))"
        expr[p + "iqr"] = f"count(*) FILTER (WHERE {v} < {literal(low)} OR {v} > {literal(high)})"
    return expr


def _fences(rec: dict[str, Any]) -> tuple[float, float]:
    q1, q3 = float(rec["p25"]), float(rec["p75"])
    spread = q3 - q1
    return q1 - IQR_FACTOR * spread, q3 + IQR_FACTOR * spread


def _apply_second(i: int, col: ColumnType, rec: dict[str, Any], second: dict[str, Any]) -> None:
    p = f"c{i}_"
    if p + "dx" in second:
        rec["distinct"] = int(second[p + "dx"] or 0)
        rec["distinct_exact"] = True
    if rec["distinct"] is not None and rec["count"]:
        rec["distinct_ratio"] = rec["distinct"] / rec["count"]
    if p + "mad" in second:
        rec["mad"] = as_float(second[p + "mad"])
        rec["_meanad"] = as_float(second[p + "meanad"])
        rec["iqr_outliers"] = int(second[p + "iqr"] or 0)
        rec["iqr_low"], rec["iqr_high"] = _fences(rec)


def _robust_threshold(rec: dict[str, Any]) -> float | None:
    """Largest ``|x - median|`` whose modified z-score is at most ROBUST_Z; None if undefined."""
    mad = rec.get("mad") or 0.0
    if mad > 0:
        return ROBUST_Z * mad / _MAD_TO_Z
    meanad = rec.get("_meanad") or 0.0
    if meanad > 0:
        return ROBUST_Z * meanad / _MEANAD_TO_Z
    return None


def _third_pass(columns: list[ColumnType], records: list[dict[str, Any]]) -> dict[str, str]:
    expr: dict[str, str] = {}
    for i, (col, rec) in enumerate(zip(columns, records, strict=True)):
        if "_meanad" not in rec:
            continue
        limit = _robust_threshold(rec)
        if limit is None:  # every value equals the median
            rec["robust_z_outliers"] = 0
            continue
        expr[f"c{i}_rz"] = (
            f"count(*) FILTER (WHERE abs({col.value} - {literal(rec['p50'])}) > {literal(limit)})"
        )
    return expr


def _set_flags(col: ColumnType, rec: dict[str, Any], rows: int) -> None:
    rec.pop("_meanad", None)
    flags: list[str] = []
    count, distinct = rec["count"], rec["distinct"]
    if rows and count == 0:
        flags.append("empty")
    elif distinct == 1:
        flags.append("constant")
    unique_per_row = rows > 1 and count == rows and distinct == rows and rec["distinct_exact"]
    if unique_per_row and (col.kind == "string" or col.integer):
        flags.append("id_like")
    elif col.kind == "string" and distinct is not None and distinct > HIGH_CARDINALITY:
        flags.append("high_cardinality")
    if rec["skewness"] is not None and abs(rec["skewness"]) >= SKEWED:
        flags.append("skewed")
    rec["flags"] = flags
