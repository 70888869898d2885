"""Parquet, Excel, JSON, JSON Lines and HTML tables read into Arrow."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from mirae.errors import EmptySourceError, IngestError, MalformedRowsError, SourceNotFoundError
from mirae.lake._arrow import check_unique_columns
from mirae.lake._ingest._columns import table_from_columns, table_from_records
from mirae.lake._ingest._detect import compression_of
from mirae.lake._ingest._dtypes import apply_dtypes
from mirae.lake._ingest._encoding import (
    canonical,
    detect_encoding,
    open_binary,
    read_sample,
    undecodable_error,
)
from mirae.lake._ingest._result import EXAMPLES, SkippedLine, SourceData


def read_parquet(path: Path, *, label: str) -> SourceData:
    """Read a Parquet file (any codec) into Arrow."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        msg = f"cannot read {label} as Parquet: {exc}. Check the file is Parquet, or pass format=..."
        raise IngestError(msg) from exc
    check_unique_columns(table.column_names, where=label)
    _require_rows(table, label)
    return SourceData(table=table, source=label, format="parquet")


def read_excel(
    path: Path, *, label: str, sheet: str | int | None = None, dtypes: Mapping[str, str] | None = None
) -> SourceData:
    """Read one sheet of an ``.xlsx`` workbook; its first non-empty row is the header.

    Raises
    ------
    SourceNotFoundError
        When the sheet is missing (the message lists the sheets).
    """
    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and data validation it does not keep; irrelevant here
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        msg = f"cannot open {label} as an Excel .xlsx workbook: {exc}. Save it as .xlsx and try again."
        raise IngestError(msg) from exc
    try:
        names = list(book.sheetnames)
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                msg = f"{label} has {len(names)} sheet(s) {names}; sheet index {sheet} does not exist."
                raise SourceNotFoundError(msg)
            chosen = names[sheet]
        elif str(sheet) in names:
            chosen = str(sheet)
        else:
            msg = f"{label} has no sheet named {sheet!r}; its sheets are {names}. Pass sheet= one of them."
            raise SourceNotFoundError(msg)
        rows = [list(r) for r in book[chosen].iter_rows(values_only=True)]
    finally:
        book.close()
    where = f"sheet '{chosen}' of {label}"
    top = next((i for i, r in enumerate(rows) if any(v is not None for v in r)), None)
    if top is None:
        msg = f"{where} is empty. Pass sheet= to choose another sheet."
        raise EmptySourceError(msg)
    header = rows[top]
    body = [r for r in rows[top + 1 :] if any(v is not None for v in r)]
    width = max(len(header), *(len(r) for r in body)) if body else len(header)
    while width and header[width - 1] is None and all(len(r) < width or r[width - 1] is None for r in body):
        width -= 1  # trailing columns with no header and no values
    names_ = [_header_name(header[i] if i < len(header) else None, i) for i in range(width)]
    columns = [[r[i] if i < len(r) else None for r in body] for i in range(width)]
    notes: list[str] = [f"sheet '{chosen}' of {names}"]
    table = table_from_columns(
        names_, columns, where=f"the header row (row {top + 1}) of {where}", notes=notes
    )
    _require_rows(table, where)
    table = apply_dtypes(table, dtypes, label=where, first_row=top + 2)
    return SourceData(table=table, source=f"{label}#{chosen}", format="excel", notes=notes)


def _header_name(value: Any, index: int) -> str:
    if value is None or not str(value).strip():
        return f"column{index + 1}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(path: Path, label: str, encoding: str | None) -> tuple[str, str]:
    compression = compression_of(path)
    sample = read_sample(path, compression)
    enc = canonical(encoding) if encoding else detect_encoding(sample, label=label)[0]
    with open_binary(path, compression) as handle:
        raw = handle.read()
    try:
        return raw.decode(enc).removeprefix("\ufeff"), enc
    except UnicodeDecodeError:
        raise undecodable_error(raw, enc, label=label, tried=[enc]) from None


def records_at(document: Any, record_path: str | list[str] | None, *, label: str) -> list[Any]:
    """Return the list of records in a JSON document (at ``record_path`` when given).

    Without ``record_path`` the document must be a list, or an object with
    exactly one list value (``{"data": [...]}``).
    """
    if record_path is not None:
        keys = record_path.split(".") if isinstance(record_path, str) else list(record_path)
        node = document
        for depth, key in enumerate(keys):
            if not isinstance(node, dict) or key not in node:
                have = sorted(node) if isinstance(node, dict) else type(node).__name__
                msg = f"{label}: record_path {'.'.join(keys[: depth + 1])!r} not found; available there: {have}."
                raise IngestError(msg)
            node = node[key]
        document = node
    elif isinstance(document, dict):
        lists = [k for k, v in document.items() if isinstance(v, list)]
        if len(lists) != 1:
            msg = (
                f"{label} is a JSON object, not a list of records; pass record_path= naming the key "
                f"that holds the records (keys: {sorted(document)})."
            )
            raise IngestError(msg)
        document = document[lists[0]]
    if not isinstance(document, list):
        msg = (
            f"{label}: expected a JSON list of records; got a {type(document).__name__}. Pass record_path=..."
        )
        raise IngestError(msg)
    return document


def records_table(records: list[Any], *, label: str, notes: list[str]) -> pa.Table:
    """Arrow table from JSON records (objects; or scalars, read as one column ``value``)."""
    if not records:
        msg = f"{label} has no records. Check the file or record_path."
        raise EmptySourceError(msg)
    if all(isinstance(r, dict) for r in records):
        return table_from_records(records, where=label, notes=notes)
    if any(isinstance(r, dict) for r in records):
        index = next(i for i, r in enumerate(records) if not isinstance(r, dict))
        msg = f"{label}: record {index + 1} is a {type(records[index]).__name__}, not an object like the others."
        raise IngestError(msg)
    return table_from_columns(["value"], [records], where=label, notes=notes)


def read_json(
    path: Path, *, label: str, record_path: str | list[str] | None = None, encoding: str | None = None
) -> SourceData:
    """Read a JSON document: a list of records, or records under ``record_path``."""
    text, enc = _decode(path, label, encoding)
    if not text.strip():
        msg = f"{label} is empty."
        raise EmptySourceError(msg)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = (
            f"{label} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}. "
            "If it has one record per line, pass format='jsonl'."
        )
        raise MalformedRowsError(msg) from exc
    notes: list[str] = []
    table = records_table(records_at(document, record_path, label=label), label=label, notes=notes)
    return SourceData(table=table, source=label, format="json", encoding=enc, notes=notes)


def read_jsonl(
    path: Path, *, label: str, encoding: str | None = None, on_bad_lines: str = "error"
) -> SourceData:
    """Read JSON Lines: one JSON object per line; blank lines are ignored."""
    text, enc = _decode(path, label, encoding)
    records: list[Any] = []
    bad: list[SkippedLine] = []
    count_bad = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            count_bad += 1
            if len(bad) < max(EXAMPLES, 20):
                bad.append(SkippedLine(number, line, f"invalid JSON: {exc.msg} at column {exc.colno}"))
            continue
        records.append(record)
    if count_bad and on_bad_lines != "skip":
        lines = ", ".join(str(b.line) for b in bad)
        msg = (
            f"{label}: {count_bad} line(s) are not valid JSON: lines {lines}"
            f"{' ...' if count_bad > len(bad) else ''} (first: {bad[0].reason}). "
            "Fix those lines or pass on_bad_lines='skip' to leave them out."
        )
        raise MalformedRowsError(msg)
    if not records:
        msg = f"{label} has no JSON records."
        raise EmptySourceError(msg)
    notes: list[str] = []
    if count_bad:
        notes.append(f"skipped {count_bad} line(s) that are not valid JSON")
    table = records_table(records, label=label, notes=notes)
    return SourceData(
        table=table,
        source=label,
        format="jsonl",
        encoding=enc,
        skipped_rows=count_bad,
        skipped_examples=bad[:EXAMPLES],
        notes=notes,
    )


def read_html(
    path: Path,
    *,
    label: str,
    match: str | None = None,
    table_index: int = 0,
    encoding: str | None = None,
) -> SourceData:
    """Read one ``<table>`` of an HTML page (``match`` text, then ``table_index``)."""
    import pandas as pd

    text, enc = _decode(path, label, encoding)
    from io import StringIO

    try:
        frames = pd.read_html(StringIO(text), match=match or ".+", flavor="lxml")
    except ValueError as exc:
        what = f" containing {match!r}" if match else ""
        msg = f"{label} has no HTML table{what} ({exc}). Check the page or the match= text."
        raise SourceNotFoundError(msg) from exc
    if not 0 <= table_index < len(frames):
        msg = (
            f"{label} has {len(frames)} matching table(s); table_index={table_index} does not exist. "
            f"Pass table_index from 0 to {len(frames) - 1}."
        )
        raise SourceNotFoundError(msg)
    frame = frames[table_index]
    names = [_html_name(c) for c in frame.columns]
    columns = [[None if _missing(v) else _scalar(v) for v in frame.iloc[:, i]] for i in range(frame.shape[1])]
    notes = [f"table {table_index} of {len(frames)} on the page"]
    table = table_from_columns(names, columns, where=f"table {table_index} of {label}", notes=notes)
    _require_rows(table, label)
    return SourceData(table=table, source=label, format="html", encoding=enc, notes=notes)


def _html_name(column: Any) -> str:
    if isinstance(column, tuple):
        parts = [str(p) for p in column if str(p) and not str(p).startswith("Unnamed")]
        return " ".join(dict.fromkeys(parts)) or "column"
    return str(column)


def _missing(value: Any) -> bool:
    try:
        return bool(value != value)  # NaN
    except (TypeError, ValueError):  # pragma: no cover - array-like cells
        return False


def _scalar(value: Any) -> Any:
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _require_rows(table: pa.Table, label: str) -> None:
    if table.num_columns == 0 or table.num_rows == 0:
        what = "no columns" if table.num_columns == 0 else "columns but no rows"
        msg = f"{label} has {what}. Check the source."
        raise EmptySourceError(msg)
