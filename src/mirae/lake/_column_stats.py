"""Per-column statistics of a table, computed in DuckDB in three aggregate passes.

1. counts, approximate distinct counts, min/max/mean/std/skewness, exact
   quantiles (for floats, min and max are the 0 and 1 quantiles) and string
   lengths, in one query;
2. median absolute deviation, IQR fence counts and exact distinct counts (for
   columns where exactness matters: a bitmap for integer columns with a
   moderate range, else ``count(DISTINCT)`` in a separate query over the raw
   columns, which DuckDB answers from a materialized copy of what it reads),
   with the 64-bit row hash for duplicates unless a column already rules them
   out (unique and never null);
3. robust z-score counts, which need the MAD of pass 2.

Each query aggregates over a projection that computes a column's derived
values once per row (see :func:`_projection`). Every statistic uses every row;
nothing is sampled and nothing is loaded into pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mirae.core._json import to_jsonable
from mirae.lake._sql import ColumnType, aggregate, as_float, literal, quote

if TYPE_CHECKING:
    import duckdb

QUANTILES = (0.01, 0.25, 0.5, 0.75, 0.99)
QUANTILE_KEYS = ("p01", "p25", "p50", "p75", "p99")
EXACT_DISTINCT_MAX = 200_000
"""Columns whose approximate distinct count is at most this get an exact count; so do
text and integer columns without nulls whose estimate reaches 95% of the rows (ID candidates)."""
BITMAP_MAX = 1 << 27
"""Integer columns whose range is narrower than this are counted exactly with a bitmap
(``bitstring_agg``, at most 16 MiB) instead of a hash table."""
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
    source = _projection(view, columns)
    first = aggregate(con, source, _first_pass(columns), table=table)
    step()
    rows = int(first["n_rows"] or 0)
    records = [_base_record(i, col, first, rows) for i, col in enumerate(columns)]

    second = _second_pass(columns, records, rows)
    found = aggregate(con, _projection(view, columns, records), second, table=table)
    # DuckDB answers DISTINCT aggregates from a materialized copy of every column the query
    # reads, so they run apart, over the raw columns only
    distinct = _distinct_pass(columns, records, rows)
    found.update(aggregate(con, _projection(view, columns), distinct, table=table))
    step()
    for i, (col, rec) in enumerate(zip(columns, records, strict=True)):
        _apply_second(i, col, rec, found)
    duplicates = _duplicate_rows(con, view, columns, records, rows, found, table=table)

    third = aggregate(con, _projection(view, columns, records), _third_pass(records), table=table)
    step()
    for i, rec in enumerate(records):
        key = f"c{i}_rz"
        if key in third:
            rec["robust_z_outliers"] = int(third[key] or 0)
        _set_flags(columns[i], rec, rows)
    return rows, duplicates, records


def _projection(view: str, columns: list[ColumnType], records: list[dict[str, Any]] | None = None) -> str:
    """A subquery that evaluates each column's derived values once per row.

    DuckDB does not share a sub-expression between aggregates, so cleaning a float
    column (``CASE WHEN isfinite(x) ...``) inside five aggregates costs five times.
    Here ``r<i>`` is the raw column, ``v<i>`` its finite value as DOUBLE, ``l<i>``
    the length of a string and, given the records with medians, ``d<i>`` is
    ``|v - median|``. DuckDB drops the ones a query does not use.
    """
    if not columns:
        return quote(view)
    parts: list[str] = []
    for i, col in enumerate(columns):
        parts.append(f"{col.sql} AS r{i}")
        if col.kind == "numeric":
            parts.append(f"{col.value} AS v{i}")
        elif col.kind == "string":
            parts.append(f"length({col.sql}) AS l{i}")
    inner = f"(SELECT {', '.join(parts)} FROM {quote(view)})"
    spread = [
        f"abs(v{i} - {literal(rec['p50'])}) AS d{i}"
        for i, rec in enumerate(records or [])
        if rec["kind"] == "numeric" and rec["p50"] is not None
    ]
    return f"(SELECT *, {', '.join(spread)} FROM {inner})" if spread else inner


def _first_pass(columns: list[ColumnType]) -> dict[str, str]:
    expr: dict[str, str] = {"n_rows": "count(*)"}
    probs = "[" + ", ".join(str(q) for q in QUANTILES) + "]"
    # for floats, min and max are the 0 and 1 quantiles (exact order statistics, no extra aggregate)
    probs_with_ends = "[0.0, " + ", ".join(str(q) for q in QUANTILES) + ", 1.0]"
    for i, col in enumerate(columns):
        r, v, p = f"r{i}", f"v{i}", f"c{i}_"
        expr[p + "nn"] = f"count({r})"
        if not col.nested:
            expr[p + "ad"] = f"approx_count_distinct({r})"
        if col.kind == "numeric":
            if col.floating:
                expr[p + "q"] = f"quantile_cont({v}, {probs_with_ends})"
                expr[p + "finite"] = f"count({v})"
            else:
                expr[p + "min"] = f"min({r})"
                expr[p + "max"] = f"max({r})"
                expr[p + "q"] = f"quantile_cont({v}, {probs})"
            expr[p + "mean"] = f"avg({v})"
            expr[p + "std"] = f"stddev_samp({v})"
            expr[p + "skew"] = f"skewness({v})"
            expr[p + "zeros"] = f"count_if({v} = 0)"
        elif col.kind == "boolean":
            expr[p + "mean"] = f"avg({r}::INTEGER)"
        elif col.kind == "datetime":
            expr[p + "min"] = f"min({r})"
            expr[p + "max"] = f"max({r})"
        elif col.kind == "string":
            expr[p + "lmin"] = f"min(l{i})"
            expr[p + "lmax"] = f"max(l{i})"
            expr[p + "lmean"] = f"avg(l{i})"
            expr[p + "blank"] = f"count_if(trim({r}) = '')"
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
            rec[key] = to_jsonable(first[p + src])
    quantiles = first.get(p + "q")
    if quantiles is not None and col.floating:
        rec["min"], rec["max"] = to_jsonable(quantiles[0]), to_jsonable(quantiles[-1])
        quantiles = quantiles[1:-1]
    if quantiles is not None:
        for key, value in zip(QUANTILE_KEYS, quantiles, strict=True):
            rec[key] = as_float(value)
    for key, src in (("zeros", "zeros"), ("blank", "blank")):
        if p + src in first:
            rec[key] = int(first[p + src] or 0)
    if p + "finite" in first:
        rec["non_finite"] = count - int(first[p + "finite"] or 0)
    if p + "lmin" in first:
        rec["length_min"] = first[p + "lmin"]
        rec["length_max"] = first[p + "lmax"]
        rec["length_mean"] = as_float(first[p + "lmean"])
    return rec


def _is_id_candidate(col: ColumnType, rec: dict[str, Any], rows: int) -> bool:
    # HyperLogLog is off by about 1%: exact uniqueness decides the flag
    return (
        (col.kind == "string" or col.integer)
        and rec["distinct"] is not None
        and rec["count"] == rows
        and rec["distinct"] >= 0.95 * rows
    )


def _id_candidates(columns: list[ColumnType], records: list[dict[str, Any]], rows: int) -> bool:
    return any(_is_id_candidate(col, rec, rows) for col, rec in zip(columns, records, strict=True))


def _needs_exact_distinct(col: ColumnType, rec: dict[str, Any], rows: int) -> bool:
    if rec["distinct"] is None:
        return False
    return rec["distinct"] <= EXACT_DISTINCT_MAX or _is_id_candidate(col, rec, rows)


def _count_distinct_rows(columns: list[ColumnType]) -> str:
    return f"count(DISTINCT hash({', '.join(f'r{i}' for i in range(len(columns)))}))"


def _duplicate_rows(
    con: duckdb.DuckDBPyConnection,
    view: str,
    columns: list[ColumnType],
    records: list[dict[str, Any]],
    rows: int,
    second: dict[str, Any],
    *,
    table: str,
) -> int:
    """Rows that repeat an earlier row; 0 without hashing when a column is unique and never null."""
    if rows <= 1 or not columns:
        return 0
    if "n_distinct_rows" in second:
        return rows - int(second["n_distinct_rows"] or 0)
    if any(rec["distinct_exact"] and rec["distinct"] == rec["count"] == rows for rec in records):
        return 0
    found = aggregate(con, _projection(view, columns), {"n": _count_distinct_rows(columns)}, table=table)
    return rows - int(found["n"] or 0)


def _bitmap_range(col: ColumnType, rec: dict[str, Any]) -> bool:
    """True for an integer column whose ``[min, max]`` fits a bitmap of at most BITMAP_MAX bits."""
    low, high = rec["min"], rec["max"]
    return col.integer and isinstance(low, int) and isinstance(high, int) and high - low < BITMAP_MAX


def _distinct_pass(columns: list[ColumnType], records: list[dict[str, Any]], rows: int) -> dict[str, str]:
    """Exact distinct counts that need a hash table, and the row hash when no column can rule out duplicates."""
    expr = {
        f"c{i}_dx": f"count(DISTINCT r{i})"
        for i, (col, rec) in enumerate(zip(columns, records, strict=True))
        if _needs_exact_distinct(col, rec, rows) and not _bitmap_range(col, rec)
    }
    if rows > 1 and not _id_candidates(columns, records, rows):
        expr["n_distinct_rows"] = _count_distinct_rows(columns)
    return expr


def _second_pass(columns: list[ColumnType], records: list[dict[str, Any]], rows: int) -> dict[str, str]:
    expr: dict[str, str] = {}
    for i, (col, rec) in enumerate(zip(columns, records, strict=True)):
        p = f"c{i}_"
        if _needs_exact_distinct(col, rec, rows) and _bitmap_range(col, rec):
            bounds = f"CAST({rec['min']} AS {col.type}), CAST({rec['max']} AS {col.type})"
            expr[p + "dx"] = f"coalesce(bit_count(bitstring_agg(r{i}, {bounds})), 0)"
        if col.kind != "numeric" or rec["p25"] is None:
            continue
        v, d = f"v{i}", f"d{i}"
        low, high = _fences(rec)
        expr[p + "mad"] = f"quantile_cont({d}, 0.5)"
        expr[p + "meanad"] = f"avg({d})"
        expr[p + "iqr"] = f"count_if({v} < {literal(low)} OR {v} > {literal(high)})"
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


def _third_pass(records: list[dict[str, Any]]) -> dict[str, str]:
    expr: dict[str, str] = {}
    for i, rec in enumerate(records):
        if "_meanad" not in rec:
            continue
        limit = _robust_threshold(rec)
        if limit is None:  # every value equals the median
            rec["robust_z_outliers"] = 0
            continue
        expr[f"c{i}_rz"] = f"count_if(d{i} > {literal(limit)})"
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
    zero_one = col.kind == "numeric" and distinct == 2 and rec.get("min") == 0 and rec.get("max") == 1
    if zero_one:  # a 0/1 flag: skewness and outlier fences describe its balance, not extreme values
        for key in ("iqr_outliers", "robust_z_outliers"):
            if rec.get(key) is not None:
                rec[key] = 0
    elif rec["skewness"] is not None and abs(rec["skewness"]) >= SKEWED:
        flags.append("skewed")
    rec["flags"] = flags
