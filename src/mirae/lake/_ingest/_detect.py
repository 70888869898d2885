"""Which kind of source a path, URL or database URL is."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from mirae.errors import ConfigError

FORMATS = ("csv", "parquet", "excel", "json", "jsonl", "html", "sql")

_ALIASES = {
    "tsv": "csv",
    "txt": "csv",
    "xlsx": "excel",
    "xlsm": "excel",
    "ndjson": "jsonl",
    "htm": "html",
    "pq": "parquet",
}

_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".dat": "csv",
    ".parquet": "parquet",
    ".parq": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".html": "html",
    ".htm": "html",
}

#: Suffixes that name a compression, not a format (``sales.csv.xz``).
COMPRESSION_SUFFIXES = {".gz": "gzip", ".gzip": "gzip", ".xz": "xz", ".bz2": "bz2", ".brotli": "brotli"}

_MAGIC = ((b"\x1f\x8b", "gzip"), (b"\xfd7zXZ\x00", "xz"), (b"BZh", "bz2"))


def is_url(source: str) -> bool:
    """True for ``http://`` and ``https://`` addresses."""
    return source.lower().startswith(("http://", "https://"))


def is_database_url(source: str) -> bool:
    """True for SQLAlchemy URLs such as ``postgresql://...`` or ``sqlite:///x.db``."""
    scheme = source.split("://", 1)[0] if "://" in source else ""
    if not scheme or is_url(source) or scheme.lower() == "file":
        return False
    return all(ch.isalnum() or ch in "+-_." for ch in scheme)


def file_path(source: str | os.PathLike[str]) -> Path:
    """Return the local path of ``source`` (``file://`` URLs included)."""
    text = os.fspath(source)
    if text.lower().startswith("file://"):
        return Path(unquote(urlparse(text).path))
    return Path(text).expanduser()


def normalize_format(format: str) -> str:
    """Return the canonical name of a format given by the caller.

    Raises
    ------
    ConfigError
        When mirae does not read that format.
    """
    name = format.lower().lstrip(".")
    name = _ALIASES.get(name, name)
    if name not in FORMATS:
        msg = f"format must be one of {', '.join(FORMATS)}; got {format!r}."
        raise ConfigError(msg)
    return name


def format_from_name(name: str) -> str | None:
    """Guess the format from a file name or URL path (``None`` when unknown)."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    while suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes.pop()
    if suffixes and suffixes[-1] in _SUFFIXES:
        return _SUFFIXES[suffixes[-1]]
    if Path(name).suffix.lower() == ".xls":
        msg = (
            f"'{name}' is an old binary Excel file (.xls), which mirae does not read; "
            "save it as .xlsx or .csv in Excel and ingest that."
        )
        raise ConfigError(msg)
    return None


def format_from_content_type(content_type: str) -> str | None:
    """Guess the format from an HTTP ``Content-Type`` header."""
    kind = content_type.split(";", 1)[0].strip().lower()
    table = {
        "text/csv": "csv",
        "text/tab-separated-values": "csv",
        "application/csv": "csv",
        "text/plain": "csv",
        "application/json": "json",
        "application/x-ndjson": "jsonl",
        "application/jsonl": "jsonl",
        "application/vnd.apache.parquet": "parquet",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "excel",
        "text/html": "html",
    }
    return table.get(kind)


def is_tab_separated(name: str) -> bool:
    """True when the name says the fields are tab separated (``.tsv``, ``.tab``)."""
    suffixes = [s.lower() for s in Path(name).suffixes]
    while suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes.pop()
    return bool(suffixes) and suffixes[-1] in (".tsv", ".tab")


def compression_of(path: Path) -> str | None:
    """Return ``gzip``, ``xz`` or ``bz2`` from a file's first bytes, else ``None``."""
    with path.open("rb") as handle:
        head = handle.read(8)
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None
