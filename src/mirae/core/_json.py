"""The one JSON encoder of mirae: every result, report, CLI ``--json`` and (later) REST body.

:func:`to_jsonable` turns Python, numpy, pandas, Arrow and DuckDB values into
plain JSON values by one set of rules:

- NaN and infinities become ``None`` (JSON has no NaN); so do ``pd.NA`` and ``NaT``;
- dates and times become ISO 8601 strings, durations seconds;
- decimals become floats, bytes hexadecimal text, paths strings;
- numpy scalars and arrays become numbers and lists;
- a table (pandas DataFrame) travels as ``{"index_name", "index", "columns",
  "data"}`` (:func:`frame_to_dict`, read back by :func:`frame_from_dict`);
- an object with ``to_dict()`` (every mirae result) becomes that dict.

Nothing here imports numpy or pandas at module level: values are recognised by
what they can do, so the encoder is as cheap to import as :mod:`json`.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Any

__all__ = ["dumps", "frame_from_dict", "frame_to_dict", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """A JSON-ready copy of ``value``: numbers, strings, lists, dicts and None.

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({"a": np.float64("nan"), "b": np.arange(2), "c": (1.5, np.int64(2))})
    {'a': None, 'b': [0, 1], 'c': [1.5, 2]}
    >>> from datetime import date, timedelta
    >>> to_jsonable([date(2026, 1, 2), timedelta(minutes=1), b"\\x01"])
    ['2026-01-02', 60.0, '01']
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values (NaT is a datetime)
        return None
    if isinstance(value, Decimal):
        return to_jsonable(float(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, PurePath):
        return str(value)
    return _library_value(value)


def _library_value(value: Any) -> Any:
    """numpy, pandas and mirae objects, recognised without importing their libraries."""
    kind = type(value).__name__
    if kind == "DataFrame" and hasattr(value, "itertuples"):
        return frame_to_dict(value)
    if kind == "Timestamp" or kind == "Timedelta":
        return value.isoformat() if kind == "Timestamp" else value.total_seconds()
    if hasattr(value, "to_dict") and callable(value.to_dict) and kind not in ("Series",):
        return to_jsonable(value.to_dict())
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays and scalars, pandas Series/Index
        listed = value.tolist()
        return to_jsonable(listed) if listed is not value else str(value)
    if hasattr(value, "item") and callable(value.item):
        return to_jsonable(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def dumps(value: Any, *, indent: int | None = None, sort_keys: bool = False) -> str:
    """``value`` as JSON text (UTF-8 characters kept, NaN never written).

    Examples
    --------
    >>> dumps({"매출": float("inf")})
    '{"매출": null}'
    """
    return json.dumps(
        to_jsonable(value), ensure_ascii=False, indent=indent, sort_keys=sort_keys, allow_nan=False
    )


def frame_to_dict(frame: Any) -> dict[str, Any]:
    """A JSON-ready dict of a pandas DataFrame that :func:`frame_from_dict` reads back.

    Examples
    --------
    >>> import pandas as pd
    >>> frame_to_dict(pd.DataFrame({"x": [1.0, float("nan")]}, index=pd.Index(["a", "b"], name="k")))
    {'index_name': 'k', 'index': ['a', 'b'], 'columns': ['x'], 'data': [[1.0], [None]]}
    """
    return {
        "index_name": to_jsonable(frame.index.name),
        "index": to_jsonable(list(frame.index)),
        "columns": [to_jsonable(c) for c in frame.columns],
        "data": [[to_jsonable(v) for v in row] for row in frame.itertuples(index=False, name=None)],
    }


def frame_from_dict(data: dict[str, Any]) -> Any:
    """The pandas DataFrame written by :func:`frame_to_dict`; numeric columns get NaN back for None.

    Examples
    --------
    >>> frame_from_dict({"index_name": "k", "index": ["a"], "columns": ["x"], "data": [[None]]})["x"].isna().all()
    np.True_
    """
    import pandas as pd

    frame = pd.DataFrame(data["data"], columns=data["columns"], index=data["index"])
    frame.index.name = data.get("index_name")
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object:
            present = values.dropna()
            if len(present) == 0 or all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in present
            ):
                frame[column] = pd.to_numeric(values.astype("float64"), errors="raise")
    return frame
