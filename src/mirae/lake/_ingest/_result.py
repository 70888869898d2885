"""What reading a source returns, and what an ingest reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result

if TYPE_CHECKING:
    import pyarrow as pa

    from mirae.lake._info import SnapshotInfo

#: How many skipped lines an error or a result quotes.
EXAMPLES = 5


@dataclass(frozen=True)
class SkippedLine:
    """A line of a source that was left out (``on_bad_lines='skip'``)."""

    line: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"line": self.line, "text": self.text, "reason": self.reason}


@dataclass
class SourceData:
    """A source read into memory, before it is stored.

    Attributes
    ----------
    table : pyarrow.Table
        The rows, with the column types detected or declared.
    source : str
        The label recorded in the table history (a path, a URL, or a database
        URL without its password plus the table or query).
    format : str
        ``csv``, ``parquet``, ``excel``, ``json``, ``jsonl``, ``html`` or ``sql``.
    encoding : str or None
        The text encoding the source was decoded with (text formats only).
    delimiter : str or None
        The field separator (CSV only).
    skipped_rows : int
        Malformed lines left out because ``on_bad_lines='skip'`` was given.
    skipped_examples : list of SkippedLine
        The first few of them, with line number, text and reason.
    notes : list of str
        What was detected or decided along the way, in plain words.
    """

    table: pa.Table
    source: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    skipped_rows: int = 0
    skipped_examples: list[SkippedLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IngestResult(Result):
    """What one ingest stored: the table, its new snapshot and how it was read.

    Attributes
    ----------
    table : str
        The workspace table written.
    snapshot : SnapshotInfo
        The snapshot this ingest committed.
    rows : int
        Rows read from the source (and added or written by this snapshot).
    columns : list of str
        Column names as read from the source.
    column_types : dict
        ``{column: arrow type}`` as read from the source.
    source, format, encoding, delimiter, skipped_rows, notes
        As in :class:`SourceData`.
    """

    table: str
    snapshot: SnapshotInfo
    rows: int
    columns: list[str]
    column_types: dict[str, str]
    source: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    skipped_rows: int = 0
    skipped_examples: list[SkippedLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "table": self.table,
            "snapshot": self.snapshot.to_dict(),
            "rows": self.rows,
            "columns": list(self.columns),
            "column_types": dict(self.column_types),
            "source": self.source,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "skipped_rows": self.skipped_rows,
            "skipped_examples": [s.to_dict() for s in self.skipped_examples],
            "notes": list(self.notes),
        }
