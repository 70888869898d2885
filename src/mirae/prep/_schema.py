"""What each column of a table is for: numeric, categorical, date, or dropped.

The schema is read from the frame's dtypes and a few cheap statistics, never
from column names alone, and every column it drops is explained in
``TableSchema.notices``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TableSchema", "infer_schema", "parse_numeric_text", "to_frame"]

#: A text or integer column whose values are (almost) all distinct, with at least
#: this many rows, is taken for an identifier.
ID_MIN_ROWS = 20
ID_UNIQUE_SHARE = 0.95
_ID_NAME = re.compile(r"(^|[_\s-])(id|key|uuid|guid|code|no)$|id$", re.IGNORECASE)


@dataclass(frozen=True)
class TableSchema:
    """Roles of the columns of a table, as inferred by :func:`infer_schema`.

    Attributes
    ----------
    numeric : list of str
        Numbers (and booleans), imputed and optionally scaled.
    numeric_text : list of str
        The numeric columns stored as text (``"29.85"``, blanks for missing);
        parsed as numbers, with blanks read as missing.
    categorical : list of str
        Text or category columns, encoded.
    datetime : list of str
        Dates and timestamps, expanded into calendar parts.
    dropped : dict of str to str
        Columns left out, with the reason.
    cardinality : dict of str to int
        Distinct non-missing values of each categorical column.
    skewness : dict of str to float
        Sample skewness of each numeric column.
    notices : list of str
        One readable line per decision worth telling the user.
    """

    numeric: list[str] = field(default_factory=list)
    numeric_text: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    datetime: list[str] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)
    cardinality: dict[str, int] = field(default_factory=dict)
    skewness: dict[str, float] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    @property
    def used(self) -> list[str]:
        """Columns the model uses, in table order of their role groups."""
        return [*self.numeric, *self.categorical, *self.datetime]


def to_frame(X: Any) -> pd.DataFrame:
    """Return ``X`` as a pandas DataFrame without copying when it already is one.

    Accepts a pandas DataFrame, a pyarrow Table or RecordBatch, or anything
    2-D that numpy understands (columns are then named ``x0``, ``x1``, ...).

    Examples
    --------
    >>> import pyarrow as pa
    >>> to_frame(pa.table({"a": [1, 2]})).columns.tolist()
    ['a']
    >>> to_frame([[1, 2], [3, 4]]).columns.tolist()
    ['x0', 'x1']
    """
    if isinstance(X, pd.DataFrame):  # column names are text (0 and "0" are one column to a user)
        return X if all(isinstance(c, str) for c in X.columns) else X.rename(columns=str)
    if isinstance(X, pd.Series):
        return to_frame(X.to_frame())
    to_pandas = getattr(X, "to_pandas", None)
    if callable(to_pandas) and type(X).__module__.startswith("pyarrow"):
        frame = to_pandas()
        if isinstance(frame, pd.Series):
            frame = frame.to_frame()
        return frame
    if hasattr(X, "toarray") or hasattr(X, "todense"):
        msg = "sparse input is not supported; pass a DataFrame, an Arrow table or a dense 2-D array."
        raise TypeError(msg)
    array = np.asarray(X)
    if array.ndim != 2:
        msg = (
            f"expected a 2-D table (DataFrame, Arrow table or 2-D array); got an array with "
            f"{array.ndim} dimension(s). Reshape your data, e.g. array.reshape(-1, 1) for one column."
        )
        raise ValueError(msg)
    if np.iscomplexobj(array):
        msg = "Complex data not supported; pass real numbers."
        raise ValueError(msg)
    frame = pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])
    # an object array of numbers is numbers (scikit-learn's convention for dtype=object input)
    return frame.infer_objects() if array.dtype == object else frame


def _is_numeric(series: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def _is_datetime(series: pd.Series) -> bool:
    return bool(pd.api.types.is_datetime64_any_dtype(series))


def parse_numeric_text(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse text numbers; return the floats and a mask of values that did not parse.

    Blank strings count as missing, not as failures.
    """
    text = series.astype("string").str.strip()
    blank = text.isna() | (text == "")
    values = pd.to_numeric(text.mask(blank), errors="coerce").astype("float64")
    return values, values.isna() & ~blank


def _all_numeric_text(series: pd.Series) -> bool:
    if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
        return False
    head = series.dropna().head(1000)
    for value in pd.unique(head)[:50]:  # a category's few words say "no" without parsing the column
        if not isinstance(value, str):
            return False
        if text := value.strip():
            try:
                float(text)  # accepts every number pandas parses, and a little more
            except ValueError:
                return False
    if not all(isinstance(value, str) for value in head) or bool(parse_numeric_text(head)[1].any()):
        return False  # decided on the first rows without parsing a long column
    values, failed = parse_numeric_text(series)
    return bool(values.notna().any()) and not bool(failed.any())


def _looks_like_id(name: str, series: pd.Series, n_unique: int, n_rows: int) -> bool:
    if n_rows < ID_MIN_ROWS or n_unique < ID_UNIQUE_SHARE * n_rows:
        return False
    if pd.api.types.is_float_dtype(series) or _is_datetime(series):
        return False  # distinct measurements or timestamps are information, not keys
    if pd.api.types.is_integer_dtype(series):
        return bool(_ID_NAME.search(str(name)))
    return True  # text with a distinct value in (almost) every row


def infer_schema(X: pd.DataFrame) -> TableSchema:
    """Infer the role of every column of ``X`` from its dtype and contents.

    Numbers and booleans are numeric; datetimes become calendar parts; other
    columns are categorical. Columns with one value (or none), and ID-like
    columns (a distinct value in nearly every row of text, or of an integer
    column named like an identifier), are dropped with a notice.

    Parameters
    ----------
    X : DataFrame
        The training table (features only).

    Returns
    -------
    TableSchema

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"id": [f"c{i}" for i in range(30)],
    ...                       "age": range(30), "plan": ["a", "b", "c"] * 10,
    ...                       "country": ["KR"] * 30})
    >>> schema = infer_schema(frame)
    >>> schema.numeric, schema.categorical
    (['age'], ['plan'])
    >>> sorted(schema.dropped)
    ['country', 'id']
    """
    schema = TableSchema()
    n_rows = len(X)
    for name in X.columns:
        series = X[name]
        if isinstance(series, pd.DataFrame):
            msg = f"column name {name!r} appears more than once; rename the duplicates."
            raise ValueError(msg)
        n_unique = int(series.nunique(dropna=True))
        if n_unique <= 1:
            reason = "has no values" if n_unique == 0 else "has a single value"
            schema.dropped[str(name)] = reason
            schema.notices.append(f"dropped column {name!r}: it {reason}, so it cannot help the model.")
            continue
        numeric_text = _all_numeric_text(series)
        if not numeric_text and _looks_like_id(str(name), series, n_unique, n_rows):
            schema.dropped[str(name)] = "looks like an identifier"
            schema.notices.append(
                f"dropped column {name!r}: it looks like an identifier ({n_unique} distinct values "
                f"in {n_rows} rows)."
            )
            continue
        if _is_datetime(series):
            schema.datetime.append(str(name))
        elif numeric_text or _is_numeric(series):
            schema.numeric.append(str(name))
            if numeric_text:
                schema.numeric_text.append(str(name))
                values = parse_numeric_text(series)[0]
                schema.notices.append(
                    f"column {name!r} holds numbers stored as text; read as numbers "
                    f"({int(values.isna().sum())} blank or missing)."
                )
            else:
                values = series.astype("float64")
            skew = float(np.asarray(values.skew(), dtype=np.float64)) if n_unique > 2 else 0.0
            schema.skewness[str(name)] = 0.0 if np.isnan(skew) else skew
        else:
            schema.categorical.append(str(name))
            schema.cardinality[str(name)] = n_unique
    return schema
