"""Turn numpy and pandas values into plain JSON values, and tables back.

A table travels as ``{"index_name": ..., "index": [...], "columns": [...],
"data": [[...], ...]}`` (pandas' ``split`` orient plus the index name); NaN and
infinities become ``None``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def to_jsonable(value: Any) -> Any:
    """A JSON-ready copy of ``value``: numbers, strings, lists, dicts and None.

    Examples
    --------
    >>> import numpy as np
    >>> to_jsonable({"a": np.float64("nan"), "b": np.arange(2), "c": (1.5, np.int64(2))})
    {'a': None, 'b': [0, 1], 'c': [1.5, 2]}
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        as_float = float(value)
        return as_float if math.isfinite(as_float) else None
    if isinstance(value, pd.DataFrame):
        return frame_to_dict(value)
    if isinstance(value, np.ndarray | pd.Series | pd.Index):
        return [to_jsonable(v) for v in np.asarray(value).tolist()]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, pd.Interval):
        return str(value)
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def frame_to_dict(frame: pd.DataFrame) -> dict[str, Any]:
    """A JSON-ready dict of ``frame`` that :func:`frame_from_dict` reads back.

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


def frame_from_dict(data: dict[str, Any]) -> pd.DataFrame:
    """The table written by :func:`frame_to_dict`; numeric columns get NaN back for None.

    Examples
    --------
    >>> frame_from_dict({"index_name": "k", "index": ["a"], "columns": ["x"], "data": [[None]]})["x"].isna().all()
    np.True_
    """
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
