"""Write a table (or a query's result) to a file people open elsewhere: CSV, Parquet, Excel.

The format follows the file's extension. CSV takes an encoding: ``utf-8-sig``
(UTF-8 with a byte-order mark, which Excel opens correctly) by default, or
``cp949`` for Korean Excel on older Windows set-ups; a character the chosen
encoding cannot hold is an error naming the column and row, never a silent
``?``. The file appears whole or not at all (written beside it, then renamed).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mirae.core._result import Result
from mirae.errors import ConfigError, MiraeError

__all__ = ["ExportResult", "FORMATS", "export_arrow"]

#: File extension -> format written.
FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".xlsx": "excel"}
#: Excel's row limit (the header takes one).
EXCEL_MAX_ROWS = 1_048_575


@dataclass(frozen=True)
class ExportResult(Result):
    """What :func:`export_arrow` wrote."""

    path: str
    format: str
    rows: int
    columns: int
    encoding: str | None
    bytes: int


def export_arrow(
    table: Any,
    path: str | os.PathLike[str],
    *,
    encoding: str | None = None,
    overwrite: bool = False,
    label: str = "the table",
) -> ExportResult:
    """Write an Arrow table to ``path`` in the format of its extension.

    Examples
    --------
    >>> import pyarrow as pa, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "매출.csv"
    >>> export_arrow(pa.table({"품목": ["사과"], "수량": [3]}), out, encoding="cp949").rows
    1
    >>> out.read_bytes().decode("cp949").splitlines()
    ['품목,수량', '사과,3']
    """
    target = Path(path)
    fmt = FORMATS.get(target.suffix.lower())
    if fmt is None:
        msg = f"cannot tell the format of {target.name}: end the file name with {', '.join(FORMATS)}."
        raise ConfigError(msg)
    if encoding is not None and fmt not in ("csv", "tsv"):
        msg = f"--encoding applies to CSV files only; {target.name} is {fmt}."
        raise ConfigError(msg)
    if target.exists() and not overwrite:
        msg = f"{target} already exists; pass --overwrite (overwrite=True) to replace it, or choose another name."
        raise ConfigError(msg)
    if fmt == "excel" and table.num_rows > EXCEL_MAX_ROWS:
        msg = f"{label} has {table.num_rows:,} rows; Excel holds at most {EXCEL_MAX_ROWS:,}. Export CSV or Parquet."
        raise ConfigError(msg)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    used = None
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, staging)
        elif fmt == "excel":
            table.to_pandas().to_excel(staging, index=False, engine="openpyxl")
        else:
            used = encoding or "utf-8-sig"
            _write_text(table, Path(staging), used, sep="\t" if fmt == "tsv" else ",")
        os.replace(staging, target)
    finally:
        if os.path.exists(staging):
            os.unlink(staging)
    return ExportResult(str(target), fmt, table.num_rows, table.num_columns, used, target.stat().st_size)


def _write_text(table: Any, path: Path, encoding: str, *, sep: str) -> None:
    frame = table.to_pandas()
    try:
        "".encode(encoding)
    except LookupError:
        msg = f"unknown encoding {encoding!r}; use e.g. utf-8, utf-8-sig or cp949."
        raise ConfigError(msg) from None
    try:
        frame.to_csv(path, index=False, sep=sep, encoding=encoding, errors="strict")
    except UnicodeEncodeError:
        raise _unencodable(frame, encoding) from None


def _unencodable(frame: Any, encoding: str) -> MiraeError:
    """Say which value the encoding cannot hold."""
    for column in [str(c) for c in frame.columns]:
        try:
            column.encode(encoding)
        except UnicodeEncodeError:
            return ConfigError(f"the column name {column!r} cannot be written in {encoding}; use utf-8-sig.")
        for row, value in enumerate(frame[column].tolist()):
            if isinstance(value, str):
                try:
                    value.encode(encoding)
                except UnicodeEncodeError as exc:
                    bad = value[exc.start : exc.end]
                    return ConfigError(
                        f"{bad!r} in column {column!r}, row {row + 1:,} cannot be written in {encoding}; "
                        "export with --encoding utf-8-sig (Excel opens it too), or remove the character."
                    )
    return ConfigError(f"a value cannot be written in {encoding}; export with --encoding utf-8-sig.")
