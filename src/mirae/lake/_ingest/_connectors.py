"""Connectors: one class per kind of source (file, URL, database), the one place to add a source.

A connector knows which sources it reads (:meth:`Connector.accepts`), is built
from settings (:meth:`Connector.from_config`, the same dict a pipeline file or
a REST body holds) and reads its source into Arrow (:meth:`Connector.read`).
:func:`connector_for` picks the first registered connector that accepts a
source; :func:`register_connector` adds one (it is tried first).

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
>>> _ = path.write_text("x\\n1\\n", encoding="utf-8")
>>> connector = connector_from_config({"source": str(path), "delimiter": ","})
>>> connector.kind, connector.read().table.num_rows
('file', 1)
"""

from __future__ import annotations

import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import urlparse

from mirae.core._progress import NullProgress, Progress
from mirae.errors import ConfigError, SourceNotFoundError
from mirae.lake._ingest import _csv, _files, _http, _sql
from mirae.lake._ingest._detect import (
    file_path,
    format_from_content_type,
    format_from_name,
    is_database_url,
    is_url,
    normalize_format,
)
from mirae.lake._ingest._dtypes import apply_dtypes
from mirae.lake._ingest._result import SourceData
from mirae.lake._ingest._tidy import separators, tidy

__all__ = [
    "CONNECTORS",
    "Connector",
    "DatabaseConnector",
    "FileConnector",
    "HttpConnector",
    "ReadOptions",
    "connector_for",
    "connector_from_config",
    "register_connector",
]

# which options make sense for which formats (anything else is a mistake worth reporting)
_OPTIONS_FOR = {
    "delimiter": {"csv"},
    "header": {"csv"},
    "date_format": {"csv"},
    "timestamp_format": {"csv"},
    "encoding": {"csv", "json", "jsonl", "html"},
    "on_bad_lines": {"csv", "jsonl"},
    "sheet": {"excel"},
    "record_path": {"json"},
    "table": {"sql"},
    "query": {"sql"},
    "schema": {"sql"},
    "match": {"html"},
    "table_index": {"html"},
    "paginate": {"json"},
}


@dataclass(frozen=True)
class ReadOptions:
    """How to read a source; every field is described in :func:`mirae.lake.read_source`."""

    format: str | None = None
    delimiter: str | None = None
    header: bool | None = None
    dtypes: Mapping[str, str] | None = None
    encoding: str | None = None
    on_bad_lines: Literal["error", "skip"] = "error"
    nrows: int | None = None
    date_format: str | None = None
    timestamp_format: str | None = None
    thousands: str | None = None
    sheet: str | int | None = None
    record_path: str | list[str] | None = None
    table: str | None = None
    query: str | None = None
    schema: str | None = None
    match: str | None = None
    table_index: int | None = None
    paginate: bool = False
    next_key: str = "next"
    max_pages: int = 1000
    timeout: float = _http.TIMEOUT_S
    chunk_rows: int = _sql.CHUNK_ROWS

    def __post_init__(self) -> None:
        separators(self.thousands)  # a separator mirae cannot read is refused before reading

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ReadOptions:
        """Options from a settings dict; an unknown setting is refused by name."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            msg = f"unknown reader setting(s) {unknown}; the settings are: {', '.join(sorted(known))}."
            raise ConfigError(msg)
        return cls(**dict(config))

    def given(self) -> dict[str, Any]:
        """The format-specific settings that were set (checked against the format read)."""
        return {
            "delimiter": self.delimiter,
            "header": self.header,
            "date_format": self.date_format,
            "timestamp_format": self.timestamp_format,
            "encoding": self.encoding,
            "on_bad_lines": None if self.on_bad_lines == "error" else self.on_bad_lines,
            "sheet": self.sheet,
            "record_path": self.record_path if not self.paginate else None,
            "table": self.table,
            "query": self.query,
            "schema": self.schema,
            "match": self.match,
            "table_index": self.table_index,
            "paginate": self.paginate or None,
        }


class Connector(ABC):
    """A kind of source mirae reads.

    Parameters
    ----------
    source : str
        The file path, URL or database URL.
    options : ReadOptions
        How to read it.
    """

    #: Name of the kind of source (``file``, ``http``, ``database``).
    kind: ClassVar[str] = ""

    def __init__(self, source: str | os.PathLike[str], options: ReadOptions | None = None) -> None:
        self.source = os.fspath(source)
        self.options = options or ReadOptions()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({_shown(self.source)!r})"

    @classmethod
    @abstractmethod
    def accepts(cls, source: str, fmt: str | None) -> bool:
        """Whether this connector reads ``source`` (given as ``fmt`` when the caller named one)."""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Connector:
        """A connector from settings: ``{"source": ..., <reader settings>}``."""
        return cls(*_parse(config))

    def to_config(self) -> dict[str, Any]:
        """The settings that rebuild this connector (what lineage and pipeline files record)."""
        defaults = asdict(ReadOptions())
        changed = {k: v for k, v in asdict(self.options).items() if v != defaults[k]}
        return {"kind": self.kind, "source": _shown(self.source), **changed}

    def read(self, progress: Progress | None = None) -> SourceData:
        """Read the whole source into Arrow (nothing is stored)."""
        progress = progress or NullProgress()
        progress.start(f"reading {_shown(self.source)}")
        try:
            return self._read(progress)
        finally:
            progress.finish()

    @abstractmethod
    def _read(self, progress: Progress) -> SourceData:
        """Read the source (progress already started)."""


class DatabaseConnector(Connector):
    """A table or query of a SQLAlchemy database URL (PostgreSQL, SQLite, ...)."""

    kind = "database"

    @classmethod
    def accepts(cls, source: str, fmt: str | None) -> bool:
        return fmt == "sql" or (fmt is None and is_database_url(source))

    def _read(self, progress: Progress) -> SourceData:
        o = self.options
        _check_options(o.given(), "sql")
        data = _sql.read_sql(
            self.source,
            table=o.table,
            query=o.query,
            schema=o.schema,
            chunk_rows=o.chunk_rows,
            progress=progress,
        )
        return tidy(_finish(data, o.dtypes, o.nrows, "row"), declared=o.dtypes or (), thousands=o.thousands)


class HttpConnector(Connector):
    """A file behind an http(s) URL, or a paginated JSON API."""

    kind = "http"

    @classmethod
    def accepts(cls, source: str, fmt: str | None) -> bool:
        return is_url(source)

    def _read(self, progress: Progress) -> SourceData:
        o, text = self.options, self.source
        label = _shown(text)
        if o.paginate:
            _check_options(o.given(), "json")
            records, pages = _http.fetch_pages(
                text, next_key=o.next_key, record_path=o.record_path, max_pages=o.max_pages, timeout=o.timeout
            )
            notes = [f"{pages} page(s) fetched"]
            arrow = _files.records_table(records, label=label, notes=notes)
            data = _finish(SourceData(arrow, label, "json", notes=notes), o.dtypes, o.nrows, "record")
            return tidy(data, declared=o.dtypes or (), thousands=o.thousands)
        with tempfile.TemporaryDirectory(prefix="mirae-ingest-") as tmp:
            folder = Path(tmp)
            path, content_type = _http.download(text, folder, timeout=o.timeout)
            fmt = (
                _format(o) or format_from_name(urlparse(text).path) or format_from_content_type(content_type)
            )
            return _read_local(path, fmt, label=label, folder=folder, options=o)


class FileConnector(Connector):
    """A local file: CSV/TSV (optionally compressed), Parquet, Excel, JSON, JSON Lines, HTML."""

    kind = "file"

    @classmethod
    def accepts(cls, source: str, fmt: str | None) -> bool:
        return not is_url(source) and not is_database_url(source)

    def _read(self, progress: Progress) -> SourceData:
        path = file_path(self.source)
        label = str(path.resolve())
        if not path.is_file():
            what = "is a folder, not a file" if path.is_dir() else "does not exist"
            msg = f"{label} {what}. Check the path (relative paths start at {Path.cwd()})."
            raise SourceNotFoundError(msg)
        with tempfile.TemporaryDirectory(prefix="mirae-ingest-") as tmp:
            fmt = _format(self.options) or format_from_name(path.name)
            return _read_local(path, fmt, label=label, folder=Path(tmp), options=self.options)


#: The connectors, tried in order: the first that accepts a source reads it.
CONNECTORS: list[type[Connector]] = [DatabaseConnector, HttpConnector, FileConnector]


def register_connector(connector: type[Connector]) -> type[Connector]:
    """Add a kind of source (tried before the built-in ones); usable as a class decorator."""
    if connector not in CONNECTORS:
        CONNECTORS.insert(0, connector)
    return connector


def connector_for(source: str | os.PathLike[str], options: ReadOptions | None = None) -> Connector:
    """The connector that reads ``source``."""
    options = options or ReadOptions()
    text = os.fspath(source)
    fmt = _format(options)
    for connector in CONNECTORS:
        if connector.accepts(text, fmt):
            return connector(text, options)
    msg = f"no connector reads {_shown(text)!r}; pass a file path, an http(s) URL or a database URL."
    raise ConfigError(msg)


def connector_from_config(config: Mapping[str, Any]) -> Connector:
    """A connector from settings (``kind`` optional: detected from ``source`` when omitted)."""
    kind = config.get("kind")
    if kind is None:
        return connector_for(*_parse(config))
    for connector in CONNECTORS:
        if connector.kind == kind:
            return connector.from_config(config)
    msg = f"unknown kind of source {kind!r}; the kinds are: {', '.join(c.kind for c in CONNECTORS)}."
    raise ConfigError(msg)


def _parse(config: Mapping[str, Any]) -> tuple[str, ReadOptions]:
    """The source and reader options of a settings dict."""
    if not config.get("source"):
        msg = "a source needs a 'source' setting: a file path, an http(s) URL or a database URL."
        raise ConfigError(msg)
    settings = {k: v for k, v in config.items() if k not in ("source", "kind")}
    return os.fspath(config["source"]), ReadOptions.from_config(settings)


def _format(options: ReadOptions) -> str | None:
    return normalize_format(options.format) if options.format else None


def _read_local(path: Path, fmt: str | None, *, label: str, folder: Path, options: ReadOptions) -> SourceData:
    """A downloaded or local file in format ``fmt``."""
    if fmt is None:
        msg = (
            f"cannot tell the format of {label} from its name; pass format= one of "
            "'csv', 'parquet', 'excel', 'json', 'jsonl', 'html'."
        )
        raise ConfigError(msg)
    o = options
    _check_options(o.given(), fmt)
    data = _read_file(
        path,
        fmt,
        label=label,
        folder=folder,
        delimiter=o.delimiter,
        header=o.header,
        dtypes=o.dtypes,
        encoding=o.encoding,
        on_bad_lines=o.on_bad_lines,
        nrows=o.nrows,
        date_format=o.date_format,
        timestamp_format=o.timestamp_format,
        decimal_comma=o.thousands == ".",
        sheet=o.sheet,
        record_path=o.record_path,
        match=o.match,
        table_index=o.table_index or 0,
    )
    return tidy(data, declared=o.dtypes or (), thousands=o.thousands)


def _read_file(
    path: Path,
    fmt: str,
    *,
    label: str,
    folder: Path,
    delimiter: str | None,
    header: bool | None,
    dtypes: Mapping[str, str] | None,
    encoding: str | None,
    on_bad_lines: Literal["error", "skip"],
    nrows: int | None,
    date_format: str | None,
    timestamp_format: str | None,
    decimal_comma: bool,
    sheet: str | int | None,
    record_path: str | list[str] | None,
    match: str | None,
    table_index: int,
) -> SourceData:
    if fmt == "csv":
        return _csv.read_csv(
            path,
            label=label,
            tmpdir=folder,
            delimiter=delimiter,
            header=header,
            dtypes=dtypes,
            encoding=encoding,
            on_bad_lines=on_bad_lines,
            nrows=nrows,
            date_format=date_format,
            timestamp_format=timestamp_format,
            decimal_comma=decimal_comma,
        )
    if fmt == "parquet":
        return _finish(_files.read_parquet(path, label=label), dtypes, nrows, "row")
    if fmt == "excel":
        return _finish(_files.read_excel(path, label=label, sheet=sheet, dtypes=dtypes), None, nrows, "row")
    if fmt == "json":
        data = _files.read_json(path, label=label, record_path=record_path, encoding=encoding)
        return _finish(data, dtypes, nrows, "record")
    if fmt == "jsonl":
        data = _files.read_jsonl(path, label=label, encoding=encoding, on_bad_lines=on_bad_lines)
        return _finish(data, dtypes, nrows, "record")
    data = _files.read_html(path, label=label, match=match, table_index=table_index, encoding=encoding)
    return _finish(data, dtypes, nrows, "row")


def _finish(
    data: SourceData, dtypes: Mapping[str, str] | None, nrows: int | None, row_word: str
) -> SourceData:
    """Apply declared types and the row limit to a source read in memory."""
    if nrows is not None:
        data.table = data.table.slice(0, max(int(nrows), 0))
    data.table = apply_dtypes(data.table, dtypes, label=data.source, row_word=row_word)
    return data


def _check_options(given: dict[str, Any], fmt: str) -> None:
    wrong = [name for name, value in given.items() if value is not None and fmt not in _OPTIONS_FOR[name]]
    if wrong:
        detail = "; ".join(f"{n}= applies to {', '.join(sorted(_OPTIONS_FOR[n]))}" for n in wrong)
        msg = f"option(s) {', '.join(wrong)} do not apply to {fmt} sources ({detail}). Remove them or pass format=."
        raise ConfigError(msg)


def _shown(text: str) -> str:
    """The source as recorded: a URL without its password."""
    if "://" not in text:
        return text
    parsed = urlparse(text)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return parsed._replace(netloc=netloc).geturl()
    return text
