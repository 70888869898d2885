"""Arrow frames made fit for Iceberg tables, and checked against an existing table."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from mirae.errors import SchemaError

if TYPE_CHECKING:
    import pandas as pd


def to_arrow(data: Any) -> pa.Table:
    """Return ``data`` (pandas, Arrow table or record batches) as an Arrow table.

    Raises
    ------
    SchemaError
        When the type is not a frame mirae can store, or column names repeat.
    """
    if isinstance(data, pa.Table):
        table = data
    elif isinstance(data, pa.RecordBatch):
        table = pa.Table.from_batches([data])
    elif isinstance(data, pa.RecordBatchReader):
        table = data.read_all()
    elif _is_pandas(data):
        check_unique_columns([str(c) for c in data.columns], where="the DataFrame")
        frame: pd.DataFrame = data
        if not isinstance(frame.index, _pandas().RangeIndex):
            frame = frame.reset_index()
        frame = frame.rename(columns=str)
        table = pa.Table.from_pandas(frame, preserve_index=False)
    else:
        msg = (
            f"cannot store an object of type {type(data).__name__}; "
            "pass a pandas DataFrame or a pyarrow Table."
        )
        raise SchemaError(msg)
    check_unique_columns(table.column_names, where="the data")
    return table


def _pandas() -> Any:
    import pandas as pd

    return pd


def _is_pandas(data: Any) -> bool:
    return type(data).__module__.startswith("pandas") and hasattr(data, "columns")


def check_unique_columns(names: list[str], *, where: str) -> None:
    """Raise :class:`SchemaError` when column names repeat or are empty."""
    empty = [i + 1 for i, n in enumerate(names) if not str(n).strip()]
    if empty:
        msg = f"{where} has columns with no name at position(s) {empty}; give every column a header."
        raise SchemaError(msg)
    dupes = [n for n, c in Counter(names).items() if c > 1]
    if dupes:
        positions = {d: [i + 1 for i, n in enumerate(names) if n == d] for d in dupes}
        listed = ", ".join(f"'{d}' (columns {positions[d]})" for d in dupes)
        msg = f"{where} has duplicate column names: {listed}. Rename them so each is unique."
        raise SchemaError(msg)


def iceberg_type(dtype: pa.DataType) -> pa.DataType:
    """Return the Arrow type Iceberg can store for ``dtype``.

    Small and unsigned integers widen, nanosecond times become microseconds,
    dictionaries decode, string views become strings and all-null columns become
    strings.
    """
    if pa.types.is_dictionary(dtype):
        return iceberg_type(dtype.value_type)
    if pa.types.is_null(dtype):
        return pa.string()
    if pa.types.is_int8(dtype) or pa.types.is_int16(dtype):
        return pa.int32()
    if pa.types.is_uint8(dtype) or pa.types.is_uint16(dtype):
        return pa.int32()
    if pa.types.is_uint32(dtype) or pa.types.is_uint64(dtype):
        return pa.int64()
    if pa.types.is_float16(dtype):
        return pa.float32()
    if pa.types.is_string_view(dtype) or pa.types.is_large_string(dtype):
        return pa.string()
    if pa.types.is_binary_view(dtype) or pa.types.is_large_binary(dtype):
        return pa.binary()
    if pa.types.is_timestamp(dtype):
        return pa.timestamp("us", tz="UTC" if dtype.tz else None)
    if pa.types.is_time(dtype):
        return pa.time64("us")
    if pa.types.is_date64(dtype):
        return pa.date32()
    if pa.types.is_duration(dtype):
        return pa.int64()
    if pa.types.is_decimal(dtype) and dtype.precision > 38:
        return pa.float64()
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        return pa.list_(iceberg_type(dtype.value_type))
    if pa.types.is_struct(dtype):
        return pa.struct([pa.field(f.name, iceberg_type(f.type)) for f in dtype])
    return dtype


def normalize_for_iceberg(table: pa.Table) -> pa.Table:
    """Cast every column to a type Iceberg stores, all fields nullable."""
    fields = [pa.field(f.name, iceberg_type(f.type), nullable=True) for f in table.schema]
    target = pa.schema(fields)
    if target.equals(table.schema, check_metadata=False):
        return table.replace_schema_metadata(None)
    columns = []
    for column, field in zip(table.columns, fields, strict=True):
        if pa.types.is_duration(column.type):
            column = pc.cast(column, pa.int64())
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        columns.append(column.cast(field.type, safe=False) if column.type != field.type else column)
    return pa.Table.from_arrays(columns, schema=target)


def plain_schema(schema: pa.Schema) -> pa.Schema:
    """Return ``schema`` with the types mirae writes (Iceberg reads back large types)."""
    return pa.schema([pa.field(f.name, iceberg_type(f.type), nullable=True) for f in schema])


# Widenings a reader of the table can rely on: the stored column's type stays.
_NUMERIC_RANK = {
    pa.int32(): 1,
    pa.int64(): 2,
    pa.float32(): 3,
    pa.float64(): 4,
}


def _fits(incoming: pa.DataType, existing: pa.DataType) -> bool:
    """True when values of ``incoming`` can be stored in ``existing`` without loss."""
    if incoming == existing:
        return True
    if pa.types.is_null(incoming):
        return True
    rank_in, rank_ex = _NUMERIC_RANK.get(incoming), _NUMERIC_RANK.get(existing)
    if rank_in is not None and rank_ex is not None:
        return rank_in <= rank_ex
    if pa.types.is_timestamp(incoming) and pa.types.is_timestamp(existing):
        return (incoming.tz is None) == (existing.tz is None)
    if pa.types.is_date(incoming) and pa.types.is_timestamp(existing):
        return existing.tz is None
    return False


def _widened(incoming: pa.DataType, existing: pa.DataType) -> pa.DataType | None:
    """The type Iceberg may promote ``existing`` to so that ``incoming`` fits."""
    if existing == pa.int32() and incoming == pa.int64():
        return pa.int64()
    if existing == pa.float32() and incoming == pa.float64():
        return pa.float64()
    return None


def align_to_schema(table: pa.Table, existing: pa.Schema, *, table_name: str) -> tuple[pa.Table, pa.Schema]:
    """Fit ``table`` to a stored table's schema for an append.

    Columns the stored table has but the data lacks are filled with nulls;
    columns the data has but the table lacks are added at the end (schema
    evolution); values that fit a wider stored type are cast to it; an int
    column appended to a narrower int (or float to float) widens the stored
    column as Iceberg allows.

    Returns
    -------
    tuple
        The data in the new column order, and the schema the table must have.

    Raises
    ------
    SchemaError
        When a column's type cannot be stored in the existing column.
    """
    incoming = {f.name: f for f in table.schema}
    new_fields: list[pa.Field] = []
    arrays: list[pa.ChunkedArray] = []
    problems: list[str] = []
    for field in existing:
        if field.name not in incoming:
            new_fields.append(field)
            arrays.append(pa.chunked_array([pa.nulls(table.num_rows, type=field.type)]))
            continue
        column = table.column(field.name)
        target = field.type
        if not _fits(column.type, field.type):
            widened = _widened(column.type, field.type)
            if widened is None:
                problems.append(
                    f"column '{field.name}' is {field.type} in table '{table_name}' "
                    f"but {column.type} in the new data"
                )
                continue
            target = widened
        new_fields.append(pa.field(field.name, target, nullable=True))
        arrays.append(column.cast(target) if column.type != target else column)
    if problems:
        msg = (
            "cannot append: "
            + "; ".join(problems)
            + ". Convert the column in the source (or pass dtypes=... when ingesting), "
            "or use mode='replace' to overwrite the table with the new types."
        )
        raise SchemaError(msg)
    known = set(existing.names)
    for field in table.schema:
        if field.name not in known:
            new_fields.append(pa.field(field.name, field.type, nullable=True))
            arrays.append(table.column(field.name))
    schema = pa.schema(new_fields)
    return pa.Table.from_arrays(arrays, schema=schema), schema
