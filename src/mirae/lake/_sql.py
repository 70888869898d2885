"""SQL helpers shared by the quality report and the profile.

Column kinds from DuckDB types, identifier and literal quoting, one-row
aggregate queries with many named expressions, and conversion of DuckDB
values into JSON-ready Python values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from mirae.errors import QueryError

if TYPE_CHECKING:
    import duckdb

Kind = Literal["numeric", "boolean", "datetime", "string", "other"]

_INTEGER_IDS = frozenset(
    {
        "tinyint",
        "smallint",
        "integer",
        "bigint",
        "hugeint",
        "utinyint",
        "usmallint",
        "uinteger",
        "ubigint",
        "uhugeint",
    }
)
_FLOAT_IDS = frozenset({"float", "double"})
_DATETIME_IDS = frozenset(
    {
        "date",
        "timestamp",
        "timestamp_s",
        "timestamp_ms",
        "timestamp_ns",
        "timestamp with time zone",
    }
)
_NESTED_IDS = frozenset({"list", "struct", "map", "array", "union"})


@dataclass(frozen=True)
class ColumnType:
    """A column of a DuckDB view with the kind mirae computes statistics for.

    Attributes
    ----------
    name : str
        Column name as stored (any Unicode).
    type : str
        DuckDB type, e.g. ``BIGINT``, ``VARCHAR``, ``DECIMAL(10,2)``.
    kind : {'numeric', 'boolean', 'datetime', 'string', 'other'}
        Which statistics apply.
    integer : bool
        True for integer types (ID-like detection and integer histogram bins).
    floating : bool
        True for FLOAT/DOUBLE, whose NaN and infinities are counted apart.
    nested : bool
        True for LIST/STRUCT/MAP values (no distinct count).
    """

    name: str
    type: str
    kind: Kind
    integer: bool = False
    floating: bool = False
    nested: bool = False

    @property
    def sql(self) -> str:
        """The quoted identifier."""
        return quote(self.name)

    @property
    def value(self) -> str:
        """SQL for the column as DOUBLE, with NaN and infinities as NULL."""
        if self.floating:
            return f"(CASE WHEN isfinite({self.sql}) THEN {self.sql}::DOUBLE END)"
        return f"{self.sql}::DOUBLE"


def column_types(con: duckdb.DuckDBPyConnection, view: str) -> list[ColumnType]:
    """Return the columns of ``view`` with their kinds, in table order."""
    rel = con.sql(f"SELECT * FROM {quote(view)} LIMIT 0")
    return [classify(name, dtype) for name, dtype in zip(rel.columns, rel.types, strict=True)]


def classify(name: str, dtype: Any) -> ColumnType:
    """Return the :class:`ColumnType` of a column from its DuckDB type."""
    type_id = str(getattr(dtype, "id", dtype)).lower()
    text = str(dtype)
    if type_id in _INTEGER_IDS:
        return ColumnType(name, text, "numeric", integer=True)
    if type_id in _FLOAT_IDS:
        return ColumnType(name, text, "numeric", floating=True)
    if type_id == "decimal":
        return ColumnType(name, text, "numeric")
    if type_id == "boolean":
        return ColumnType(name, text, "boolean")
    if type_id in _DATETIME_IDS:
        return ColumnType(name, text, "datetime")
    if type_id == "varchar":
        return ColumnType(name, text, "string")
    return ColumnType(name, text, "other", nested=type_id in _NESTED_IDS)


def quote(identifier: str) -> str:
    """Quote an SQL identifier (any Unicode, quotes doubled)."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """Return an SQL literal for a str, bool, int, float, date or datetime."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return f"'{value}'::DOUBLE"
        return repr(value)
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def aggregate(
    con: duckdb.DuckDBPyConnection, source: str, expressions: dict[str, str], *, table: str
) -> dict[str, Any]:
    """Run one aggregate query and return ``{alias: value}``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection with the view.
    source : str
        What follows ``FROM`` (a quoted view name or a subquery).
    expressions : dict
        ``{alias: sql_expression}``; aliases must be plain identifiers.
    table : str
        Table name for error messages.
    """
    if not expressions:
        return {}
    select = ", ".join(f"{expr} AS {alias}" for alias, expr in expressions.items())
    try:
        row = con.execute(f"SELECT {select} FROM {source}").fetchone()
    except Exception as exc:
        msg = f"computing statistics of table '{table}' failed in DuckDB: {exc}"
        raise QueryError(msg) from exc
    assert row is not None  # an aggregate without GROUP BY returns one row
    return dict(zip(expressions, row, strict=True))


def run_rows(con: duckdb.DuckDBPyConnection, query: str, *, table: str) -> list[tuple[Any, ...]]:
    """Run a query and return its rows, wrapping DuckDB errors in QueryError."""
    try:
        return con.execute(query).fetchall()
    except Exception as exc:
        msg = f"computing statistics of table '{table}' failed in DuckDB: {exc}"
        raise QueryError(msg) from exc


def as_float(value: Any) -> float | None:
    """Return ``value`` as a finite float, or None."""
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
