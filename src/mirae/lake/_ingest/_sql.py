"""Tables and queries from any database SQLAlchemy can reach, streamed in chunks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mirae.core._json import dumps
from mirae.errors import ConfigError, EmptySourceError, IngestError, SourceNotFoundError
from mirae.lake._arrow import check_unique_columns
from mirae.lake._ingest._result import SourceData

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

    from mirae.core._progress import Progress

CHUNK_ROWS = 50_000

# PostgreSQL type OIDs (pg_type.oid) and the Arrow type each reads as
_PG_TYPES: dict[int, pa.DataType] = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int32(),
    23: pa.int32(),
    700: pa.float32(),
    701: pa.float64(),
    25: pa.string(),
    1043: pa.string(),
    1042: pa.string(),
    19: pa.string(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"),
    1083: pa.time64("us"),
    2950: pa.string(),
    114: pa.string(),
    3802: pa.string(),
    17: pa.binary(),
}
_PG_NUMERIC = 1700


def engine_for(url: str) -> tuple[Engine, URL]:
    """Create a SQLAlchemy engine; ``postgresql://`` uses psycopg 3 when psycopg2 is absent."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception as exc:
        msg = f"{url!r} is not a database URL SQLAlchemy understands ({exc}); e.g. postgresql://user@host/db."
        raise ConfigError(msg) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return sa.create_engine(parsed), parsed
    except Exception as exc:
        msg = (
            f"cannot use the database URL {parsed.render_as_string(hide_password=True)}: {exc}. "
            "Install the database driver or fix the URL."
        )
        raise IngestError(msg) from exc


def read_sql(
    url: str,
    *,
    table: str | None = None,
    query: str | None = None,
    schema: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: Progress | None = None,
) -> SourceData:
    """Read a whole table, or the rows of a query, with the database's column types.

    Rows are fetched ``chunk_rows`` at a time (a server-side cursor where the
    driver has one) and turned into Arrow chunk by chunk.
    """
    import sqlalchemy as sa

    if (table is None) == (query is None):
        msg = "pass exactly one of table='name' or query='select ...' to read from a database."
        raise ConfigError(msg)
    engine, parsed = engine_for(url)
    shown = parsed.render_as_string(hide_password=True)
    label = f"{shown} table={table}" if table is not None else f"{shown} query={' '.join(str(query).split())}"
    try:
        with engine.connect() as conn:
            if table is not None:
                if schema is None and "." in table:
                    schema, table = table.split(".", 1)
                statement, declared = _table_statement(conn, table, schema, shown)
            else:
                statement, declared = sa.text(str(query)), None
            try:
                result = conn.execution_options(stream_results=True, yield_per=chunk_rows).execute(statement)
            except sa.exc.DBAPIError as exc:
                detail = str(exc.orig).strip() if exc.orig is not None else str(exc)
                msg = f"the database rejected the query for {label}: {detail}. Check the SQL and the table names."
                raise IngestError(msg) from exc
            names = [str(k) for k in result.keys()]
            check_unique_columns(names, where=f"the result of {label}")
            types = (
                declared if declared is not None else _types_from_cursor(result, engine.dialect.name, names)
            )
            chunks = []
            for rows in result.partitions(chunk_rows):
                chunks.append(_chunk_table(names, types, rows))
                if progress is not None:
                    progress.advance(len(rows))
    except sa.exc.OperationalError as exc:
        msg = (
            f"cannot connect to {shown}: {str(exc.orig).strip() if exc.orig else exc}. Is the server running?"
        )
        raise IngestError(msg) from exc
    finally:
        engine.dispose()
    if not chunks:
        msg = f"{label} returned no rows. Check the table or the query's WHERE clause."
        raise EmptySourceError(msg)
    try:
        arrow = pa.concat_tables(chunks, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # values whose inferred types differ across chunks
        arrow = pa.concat_tables([c.cast(pa.schema([(n, pa.string()) for n in names])) for c in chunks])
    return SourceData(table=arrow, source=label, format="sql", notes=[f"{len(chunks)} chunk(s) fetched"])


def _table_statement(
    conn: Any, table: str, schema: str | None, shown: str
) -> tuple[Any, list[pa.DataType | None]]:
    import sqlalchemy as sa

    inspector = sa.inspect(conn)
    if not inspector.has_table(table, schema=schema):
        known = inspector.get_table_names(schema=schema) + inspector.get_view_names(schema=schema)
        where = f" in schema '{schema}'" if schema else ""
        msg = (
            f"{shown} has no table '{table}'{where}; its tables are {sorted(known)}. "
            "Check the name (and schema=), or pass query=..."
        )
        raise SourceNotFoundError(msg)
    reflected = sa.Table(table, sa.MetaData(), autoload_with=conn, schema=schema)
    return sa.select(reflected), [arrow_type_of(c.type) for c in reflected.columns]


def arrow_type_of(sa_type: Any) -> pa.DataType | None:
    """Return the Arrow type for a SQLAlchemy column type (``None``: infer from values)."""
    import sqlalchemy as sa

    checks: list[tuple[type[Any], Callable[[Any], pa.DataType | None]]] = [
        (sa.Boolean, lambda t: pa.bool_()),
        (sa.SmallInteger, lambda t: pa.int32()),
        (sa.BigInteger, lambda t: pa.int64()),
        (sa.Integer, lambda t: pa.int32()),
        (sa.REAL, lambda t: pa.float32()),
        (sa.Float, lambda t: pa.float64()),
        (sa.Numeric, _decimal_type),
        (sa.DateTime, lambda t: pa.timestamp("us", tz="UTC" if t.timezone else None)),
        (sa.Date, lambda t: pa.date32()),
        (sa.Time, lambda t: pa.time64("us")),
        (sa.LargeBinary, lambda t: pa.binary()),
        (sa.String, lambda t: pa.string()),
        (sa.Uuid, lambda t: pa.string()),
        (sa.JSON, lambda t: pa.string()),
    ]
    for kind, make in checks:
        if isinstance(sa_type, kind):
            return make(sa_type)
    return None


def _decimal_type(sa_type: Any) -> pa.DataType:
    precision, scale = getattr(sa_type, "precision", None), getattr(sa_type, "scale", None)
    return _decimal_or_float(precision, scale)


def _decimal_or_float(precision: int | None, scale: int | None) -> pa.DataType:
    if precision and 0 < precision <= 38 and scale is not None and 0 <= scale <= precision:
        return pa.decimal128(precision, scale)
    return pa.float64()  # NUMERIC without a declared precision


def _types_from_cursor(result: Any, dialect: str, names: list[str]) -> list[pa.DataType | None]:
    description = getattr(getattr(result, "cursor", None), "description", None)
    if dialect != "postgresql" or not description:
        return [None] * len(names)
    types: list[pa.DataType | None] = []
    for column in description:
        code = int(column.type_code)
        if code == _PG_NUMERIC:
            types.append(_decimal_or_float(column.precision, column.scale))
        else:
            types.append(_PG_TYPES.get(code))
    return types


def _chunk_table(names: list[str], types: list[pa.DataType | None], rows: Any) -> pa.Table:
    arrays = []
    for index, dtype in enumerate(types):
        values = [row[index] for row in rows]
        arrays.append(_array(values, dtype))
    return pa.Table.from_arrays(arrays, names=names)


def _array(values: list[Any], dtype: pa.DataType | None) -> pa.Array:
    if dtype is None:
        try:
            return pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return pa.array([None if v is None else str(v) for v in values], type=pa.string())
    if pa.types.is_string(dtype):
        values = [v if v is None or isinstance(v, str) else _as_text(v) for v in values]
    elif pa.types.is_floating(dtype):
        values = [None if v is None else float(v) for v in values]
    return pa.array(values, type=dtype)


def _as_text(value: Any) -> str:
    if isinstance(value, dict | list):
        return dumps(value)
    return str(value)
