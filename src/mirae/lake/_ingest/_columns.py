"""Arrow columns from Python values (JSON records, spreadsheet cells, HTML cells)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from mirae.core._json import dumps
from mirae.lake._arrow import check_unique_columns


def column_array(values: Sequence[Any]) -> tuple[pa.Array, str | None]:
    """Return an Arrow array for ``values``, and a note when they had to become text.

    Arrow infers the type (int, float, bool, date, timestamp, nested lists and
    records). Values of clashing kinds (numbers and words in one column) become
    strings; nested values Arrow cannot type become JSON text.
    """
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        pass
    else:
        if not pa.types.is_null(array.type) or not values:
            return array, None
        return pa.array(values, type=pa.string()), None
    as_text = [None if v is None else _text(v) for v in values]
    return pa.array(as_text, type=pa.string()), "mixed value kinds, read as text"


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_from_columns(
    names: Sequence[str], columns: Sequence[Sequence[Any]], *, where: str, notes: list[str]
) -> pa.Table:
    """Build a table from named columns of Python values (names checked unique)."""
    check_unique_columns([str(n) for n in names], where=where)
    arrays = []
    for name, values in zip(names, columns, strict=True):
        array, note = column_array(values)
        if note:
            notes.append(f"column '{name}': {note}")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=[str(n) for n in names])


def table_from_records(records: Iterable[dict[str, Any]], *, where: str, notes: list[str]) -> pa.Table:
    """Build a table from dict records; columns in order of first appearance, absent keys null."""
    rows = list(records)
    names: dict[str, None] = {}
    for row in rows:
        for key in row:
            names.setdefault(str(key), None)
    columns = [[row.get(name) for row in rows] for name in names]
    return table_from_columns(list(names), columns, where=where, notes=notes)
