"""Declared column types (``dtypes={'qty': 'int'}``) and checking values against them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mirae.errors import ConfigError, TypeParseError

if TYPE_CHECKING:
    import pyarrow as pa

#: User-facing type names and the DuckDB type each reads as.
DUCKDB_TYPES = {
    "str": "VARCHAR",
    "string": "VARCHAR",
    "text": "VARCHAR",
    "int": "BIGINT",
    "integer": "BIGINT",
    "int64": "BIGINT",
    "float": "DOUBLE",
    "double": "DOUBLE",
    "float64": "DOUBLE",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "timestamp": "TIMESTAMP",
    "bool": "BOOLEAN",
    "boolean": "BOOLEAN",
}

_HINT = "'str', 'int', 'float', 'date', 'datetime' or 'bool'"


def duckdb_types(dtypes: Mapping[str, str] | None) -> dict[str, str]:
    """Return ``{column: DuckDB type}`` for declared dtypes.

    Raises
    ------
    ConfigError
        For a type name mirae does not know.
    """
    result: dict[str, str] = {}
    for column, name in (dtypes or {}).items():
        key = str(name).lower()
        if key not in DUCKDB_TYPES:
            msg = f"dtypes[{column!r}] must be {_HINT}; got {name!r}."
            raise ConfigError(msg)
        result[str(column)] = DUCKDB_TYPES[key]
    return result


def user_type(duck_type: str) -> str:
    """Return the short name (``int``) a user would write for a DuckDB type."""
    for short, duck in DUCKDB_TYPES.items():
        if duck == duck_type:
            return short
    return duck_type.lower()


def check_declared_columns(dtypes: Mapping[str, str], columns: list[str], *, label: str) -> None:
    """Raise :class:`ConfigError` when dtypes name a column the source lacks."""
    missing = [c for c in dtypes if c not in columns]
    if missing:
        msg = (
            f"dtypes name column(s) {missing} that {label} does not have; "
            f"its columns are {columns}. Fix the names in dtypes."
        )
        raise ConfigError(msg)


def apply_dtypes(
    table: pa.Table,
    dtypes: Mapping[str, str] | None,
    *,
    label: str,
    row_word: str = "row",
    first_row: int = 1,
) -> pa.Table:
    """Cast columns of an in-memory table to their declared types, in DuckDB.

    Parameters
    ----------
    row_word, first_row
        How rows are named in errors: ``row 1`` is the first data row by
        default; an Excel sheet passes ``first_row=2`` (row 1 is its header).

    Raises
    ------
    TypeParseError
        Naming the column, the row and the value that does not parse.
    """
    types = duckdb_types(dtypes)
    if not types:
        return table
    check_declared_columns(types, table.column_names, label=label)
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.register("src", table)
        for column, duck in types.items():
            quoted = _quote(column)
            bad = con.execute(
                f"SELECT n, CAST({quoted} AS VARCHAR), count(*) OVER () FROM "
                f"(SELECT row_number() OVER () AS n, {quoted} FROM src) "
                f"WHERE {quoted} IS NOT NULL AND TRY_CAST({quoted} AS {duck}) IS NULL ORDER BY n LIMIT 1"
            ).fetchone()
            if bad is not None:
                n, value, count = bad
                raise type_parse_error(
                    label=label,
                    column=column,
                    type_name=user_type(duck),
                    where=f"{row_word} {int(n) + first_row - 1}",
                    value=value,
                    count=int(count),
                )
        selects = ", ".join(
            f"CAST({_quote(c)} AS {types[c]}) AS {_quote(c)}" if c in types else _quote(c)
            for c in table.column_names
        )
        return con.sql(f"SELECT {selects} FROM src").to_arrow_table()
    finally:
        con.close()


def type_parse_error(
    *, label: str, column: str, type_name: str, where: str, value: str | None, count: int
) -> TypeParseError:
    """Build the error for values that do not parse as their declared type."""
    more = f" ({count} values in all)" if count > 1 else ""
    msg = (
        f"{label}: column '{column}' was declared {type_name!r} but the value {value!r} on {where} "
        f"does not parse as {type_name}{more}. Fix the value in the source, or declare the column "
        f"as text with dtypes={{{column!r}: 'str'}}."
    )
    return TypeParseError(msg)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
