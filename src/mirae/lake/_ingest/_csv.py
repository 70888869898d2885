"""Delimited text (CSV, TSV) read with DuckDB's sniffer and parser.

Delimiter, header and column types are detected (and can be given); rows with
the wrong number of fields are reported by line (DuckDB's ``store_rejects``),
or skipped with ``on_bad_lines='skip'``; declared types that do not parse fail
with the column, line and value.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mirae.errors import ConfigError, EmptySourceError, IngestError, MalformedRowsError
from mirae.lake._arrow import check_unique_columns
from mirae.lake._ingest._detect import compression_of, is_tab_separated
from mirae.lake._ingest._dtypes import check_declared_columns, duckdb_types, type_parse_error, user_type
from mirae.lake._ingest._encoding import (
    SAMPLE_BYTES,
    canonical,
    detect_encoding,
    read_sample,
    transcode_to_utf8,
    undecodable_error,
)
from mirae.lake._ingest._result import EXAMPLES, SkippedLine, SourceData
from mirae.lake._ingest._tidy import boolean_notes, case_rename_notes

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

BadLines = Literal["error", "skip"]

_DELIMITERS = (",", "\t", ";", "|")
_UTF8 = ("utf-8", "utf-8-sig", "ascii")
# a value beyond the sniffer's sample that does not fit the detected type widens it
_WIDER = {
    "TINYINT": "BIGINT",
    "SMALLINT": "BIGINT",
    "INTEGER": "BIGINT",
    "BIGINT": "DOUBLE",
    "HUGEINT": "DOUBLE",
    "DOUBLE": "VARCHAR",
    "DATE": "TIMESTAMP",
    "TIMESTAMP": "VARCHAR",
}
_CAST_VALUE = re.compile(r'Could not convert string "(.*)" to', re.DOTALL)


def read_csv(
    path: Path,
    *,
    label: str,
    tmpdir: Path,
    delimiter: str | None = None,
    header: bool | None = None,
    dtypes: Mapping[str, str] | None = None,
    encoding: str | None = None,
    on_bad_lines: BadLines = "error",
    nrows: int | None = None,
    date_format: str | None = None,
    timestamp_format: str | None = None,
    decimal_comma: bool = False,
) -> SourceData:
    """Read a delimited text file (plain, gzip, xz or bz2) into Arrow.

    With ``decimal_comma``, numbers are written ``3,5`` (a ``.`` thousands
    separator), so ``1.706`` is not read as one point seven.

    Raises
    ------
    EmptySourceError, EncodingError, MalformedRowsError, TypeParseError, SchemaError
        With the file, the line and the fix in the message.
    """
    if on_bad_lines not in ("error", "skip"):
        msg = f"on_bad_lines must be 'error' or 'skip'; got {on_bad_lines!r}."
        raise ConfigError(msg)
    declared = duckdb_types(dtypes)
    notes: list[str] = []
    compression = compression_of(path)
    sample = read_sample(path, compression)
    if not sample.strip():
        msg = f"{label} is empty: it has no header and no rows. Check that the export finished."
        raise EmptySourceError(msg)

    tried: list[str] = []
    if encoding is not None:
        enc = canonical(encoding)
        try:
            sample.decode(enc)
        except UnicodeDecodeError as exc:
            if not (len(sample) == SAMPLE_BYTES and exc.start > len(sample) - 8):
                raise undecodable_error(sample, enc, label=label, tried=[]) from None
    else:
        enc, tried = detect_encoding(sample, label=label)
        notes.append(f"encoding detected as {enc}")
    text_sample = _text_of(sample, enc)

    duck_path, duck_compression = path, compression
    if enc not in _UTF8 or compression in ("xz", "bz2"):
        duck_path = tmpdir / "source-utf8.csv"
        transcode_to_utf8(
            path,
            duck_path,
            compression=compression,
            encoding=enc,
            label=label,
            tried=tried,
            max_records=None if nrows is None else nrows + 1,
        )
        duck_compression = None
        if enc not in _UTF8:
            notes.append(f"transcoded from {enc} to UTF-8")

    if delimiter is None:
        delimiter = detect_delimiter(text_sample, prefer_tab=is_tab_separated(path.name))
        notes.append(f"delimiter detected as {delimiter!r}")
    formats = {
        "dateformat": date_format,
        "timestampformat": timestamp_format,
        "decimal_separator": "," if decimal_comma else None,
    }
    reader = _Reader(duck_path, duck_compression, delimiter, label, formats)
    has_header, skip, sniffed = reader.sniff(header)
    if header is None:
        notes.append("header row detected" if has_header else "no header row detected")
    header_names = _check_header(text_sample, delimiter, skip, label) if has_header else []
    check_declared_columns(declared, [name for name, _ in sniffed], label=label)

    types = dict(declared)
    for _attempt in range(8):
        table, rejects = reader.read(has_header, skip, types, nrows)
        widened = _widen_or_raise(rejects, sniffed, declared, types, label, notes, enc, path, compression)
        if not widened:
            break
    else:  # pragma: no cover - each attempt widens at least one column one step
        msg = f"{label}: could not settle the column types; declare them with dtypes=..."
        raise IngestError(msg)

    bad = _malformed(rejects)
    if bad and on_bad_lines == "error":
        raise _malformed_error(bad, label, delimiter)
    skipped = [SkippedLine(line, text, reason) for line, text, reason in bad[:EXAMPLES]]
    if bad:
        notes.append(f"skipped {len(bad)} malformed line(s): {[b[0] for b in bad[:EXAMPLES]]}")
    if table.num_columns == 0 or (table.num_rows == 0 and not bad):
        msg = f"{label} has a header but no data rows. Check that the export finished."
        raise EmptySourceError(msg)
    notes += case_rename_notes(header_names, table.column_names)  # DuckDB renamed them
    notes += boolean_notes(table, text_sample, delimiter, skip, has_header, declared=set(declared))
    return SourceData(
        table=table,
        source=label,
        format="csv",
        encoding=enc,
        delimiter=delimiter,
        skipped_rows=len(bad),
        skipped_examples=skipped,
        notes=notes,
    )


def _text_of(sample: bytes, encoding: str) -> str:
    if len(sample) == SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # drop a line cut by the sample's end
    return sample.decode(encoding, errors="replace").removeprefix("\ufeff")


def detect_delimiter(text: str, *, prefer_tab: bool = False) -> str:
    """Return the field separator that splits the sample's lines most consistently.

    Each candidate (``,``, tab, ``;``, ``|``) is scored by the share of records
    that have its most common field count (more than one field), then by that
    count. A few malformed lines do not change the answer.

    Examples
    --------
    >>> detect_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    candidates = ("\t", ",", ";", "|") if prefer_tab else _DELIMITERS
    lines = text.splitlines()[:500]
    best: tuple[float, int, int] | None = None
    chosen = "\t" if prefer_tab else ","
    for order, delim in enumerate(candidates):
        try:
            counts = [len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim) if row]
        except csv.Error:
            continue
        if not counts:
            continue
        modal, freq = Counter(counts).most_common(1)[0]
        if modal < 2:
            continue
        score = (round(freq / len(counts), 2), modal, -order)
        if best is None or score > best:
            best, chosen = score, delim
    return chosen


def _check_header(text: str, delimiter: str, skip: int, label: str) -> list[str]:
    """The header's names; SchemaError for repeated ones (DuckDB would rename them silently)."""
    lines = text.splitlines(keepends=True)[skip:]
    try:
        names = next(csv.reader(io.StringIO("".join(lines)), delimiter=delimiter), [])
    except csv.Error:  # pragma: no cover - DuckDB parsed the same header
        return []
    names = [n.strip() or f"column{i}" for i, n in enumerate(names)]
    check_unique_columns(names, where=f"the header of {label}")
    return names


class _Reader:
    """One CSV file read with DuckDB, each attempt on a fresh connection."""

    def __init__(
        self, path: Path, compression: str | None, delimiter: str, label: str, formats: dict[str, str | None]
    ) -> None:
        self.path, self.compression, self.delimiter, self.label = path, compression, delimiter, label
        self.formats = {k: v for k, v in formats.items() if v}

    def _options(self) -> list[str]:
        opts = [f"delim={_literal(self.delimiter)}"]
        opts += [f"{key}={_literal(value)}" for key, value in self.formats.items()]
        if self.compression == "gzip":
            opts.append("compression='gzip'")
        return opts

    def _run(self, con: duckdb.DuckDBPyConnection, query: str, *, arrow: bool = False) -> Any:
        try:
            if arrow:
                return con.sql(query).to_arrow_table()
            return con.execute(query).fetchone()
        except Exception as exc:
            msg = (
                f"cannot parse {self.label} as delimited text with delimiter {self.delimiter!r}: {exc}\n"
                "Pass delimiter=..., header=... or encoding=... if the detected ones are wrong."
            )
            raise IngestError(msg) from exc

    def sniff(self, header: bool | None) -> tuple[bool, int, list[tuple[str, str]]]:
        """Return (has header, lines skipped before it, [(column, DuckDB type)])."""
        import duckdb

        opts = [*self._options(), "ignore_errors=true"]
        if header is not None:
            opts.append(f"header={'true' if header else 'false'}")
        con = duckdb.connect(":memory:")
        try:
            row = self._run(
                con,
                f"SELECT HasHeader, SkipRows, Columns FROM sniff_csv({_literal(str(self.path))}, {', '.join(opts)})",
            )
        finally:
            con.close()
        has_header, skip, columns = row
        return bool(has_header), int(skip), [(c["name"], c["type"]) for c in columns]

    def read(
        self, header: bool, skip: int, types: dict[str, str], nrows: int | None
    ) -> tuple[pa.Table, list[tuple[Any, ...]]]:
        """Read the rows; return them and DuckDB's reject records."""
        import duckdb

        opts = [
            *self._options(),
            f"header={'true' if header else 'false'}",
            f"skip={skip}",
            "store_rejects=true",
        ]
        if types:
            listed = ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in types.items())
            opts.append(f"types={{{listed}}}")
        limit = f" LIMIT {int(nrows)}" if nrows is not None else ""
        con = duckdb.connect(":memory:")
        try:
            table = self._run(
                con,
                f"SELECT * FROM read_csv({_literal(str(self.path))}, {', '.join(opts)}){limit}",
                arrow=True,
            )
            rejects = con.execute(
                "SELECT line, column_name, error_type, csv_line, error_message FROM reject_errors ORDER BY line"
            ).fetchall()
        finally:
            con.close()
        return table, rejects


def _widen_or_raise(
    rejects: list[tuple[Any, ...]],
    sniffed: list[tuple[str, str]],
    declared: dict[str, str],
    types: dict[str, str],
    label: str,
    notes: list[str],
    encoding: str,
    path: Path,
    compression: str | None,
) -> bool:
    """Handle cast and encoding rejects; return True when a column was widened."""
    encoding_errors = [r for r in rejects if r[2] == "INVALID ENCODING"]
    if encoding_errors:
        _raise_encoding(path, compression, encoding, label, int(encoding_errors[0][0]))
    casts = [r for r in rejects if r[2] == "CAST"]
    if not casts:
        return False
    by_column: dict[str, list[tuple[Any, ...]]] = {}
    for rej in casts:
        by_column.setdefault(str(rej[1]), []).append(rej)
    for column, rows in by_column.items():
        if column in declared:
            line, _, _, csv_line, message = rows[0]
            found = _CAST_VALUE.search(str(message))
            raise type_parse_error(
                label=label,
                column=column,
                type_name=user_type(declared[column]),
                where=f"line {line}",
                value=found.group(1) if found else str(csv_line),
                count=len(rows),
            )
    current = dict(sniffed) | types
    for column, rows in by_column.items():
        old = current.get(column, "VARCHAR")
        new = _WIDER.get(old, "VARCHAR")
        types[column] = new
        line, _, _, _, message = rows[0]
        found = _CAST_VALUE.search(str(message))
        value = f" {found.group(1)!r}" if found else ""
        notes.append(f"column '{column}' read as {new}: the value{value} on line {line} is not {old}")
    return True


def _raise_encoding(path: Path, compression: str | None, encoding: str, label: str, line: int) -> None:
    """Find the exact bytes DuckDB could not decode and raise EncodingError."""
    import os

    transcode_to_utf8(
        path, Path(os.devnull), compression=compression, encoding=encoding, label=label, tried=[encoding]
    )
    msg = (  # pragma: no cover - the transcode above raises first
        f"{label}: line {line} is not valid {encoding}. Pass encoding=... with the file's encoding."
    )
    raise IngestError(msg)  # pragma: no cover


def _malformed(rejects: list[tuple[Any, ...]]) -> list[tuple[int, str, str]]:
    """Return (line, text, reason) for each line with a structural problem, once per line."""
    seen: dict[int, tuple[int, str, str]] = {}
    for line, _column, kind, csv_line, message in rejects:
        if kind in ("CAST", "INVALID ENCODING"):
            continue
        line = int(line)
        if line not in seen:
            reason = (
                str(message)
                .replace("Expected Number of Columns", "expected fields")
                .replace("Found", "found")
            )
            seen[line] = (line, str(csv_line), f"{str(kind).lower()}: {reason}")
    return [seen[k] for k in sorted(seen)]


def _malformed_error(bad: list[tuple[int, str, str]], label: str, delimiter: str) -> MalformedRowsError:
    lines = [b[0] for b in bad]
    shown = ", ".join(map(str, lines[:20])) + (" ..." if len(lines) > 20 else "")
    examples = "\n".join(f"  line {line}: {text[:120]!r} ({reason})" for line, text, reason in bad[:3])
    msg = (
        f"{label}: {len(bad)} line(s) do not have the same number of fields as the header "
        f"(delimiter {delimiter!r}); lines {shown}.\n{examples}\n"
        "Fix those lines, pass delimiter=... if the detected one is wrong, "
        "or pass on_bad_lines='skip' to leave them out."
    )
    return MalformedRowsError(msg)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
