"""Errors raised by mirae.

Every error mirae raises on purpose derives from :class:`MiraeError` and also
from the built-in type a caller would naturally catch, so ``except ValueError``
keeps working. Messages say what was expected, what was received and how to
fix it.

The tree::

    MiraeError
    ├── ConfigError (ValueError)           bad settings or options
    ├── WorkspaceError (RuntimeError)      the workspace folder or catalog
    │   ├── TableNotFoundError (KeyError)  no table with that name
    │   ├── TableExistsError (ValueError)  create over an existing table
    │   └── SnapshotNotFoundError (KeyError)
    ├── IngestError (ValueError)           a source cannot be read
    │   ├── SourceNotFoundError (FileNotFoundError)
    │   ├── EmptySourceError               no rows or no columns
    │   ├── EncodingError (UnicodeError)   bytes that do not decode
    │   ├── MalformedRowsError             rows with the wrong number of fields
    │   └── TypeParseError                 a value that does not parse as its type
    ├── SchemaError (ValueError)           columns that do not fit a table
    ├── QualityCheckError (ValueError)     a badly declared check
    └── QueryError (ValueError)            SQL that DuckDB rejects
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "EmptySourceError",
    "EncodingError",
    "IngestError",
    "MalformedRowsError",
    "MiraeError",
    "QualityCheckError",
    "QueryError",
    "SchemaError",
    "SnapshotNotFoundError",
    "SourceNotFoundError",
    "TableExistsError",
    "TableNotFoundError",
    "TypeParseError",
    "WorkspaceError",
]


class MiraeError(Exception):
    """Base class of every error mirae raises on purpose."""


class ConfigError(MiraeError, ValueError):
    """An option or setting has a value mirae cannot use."""


class WorkspaceError(MiraeError, RuntimeError):
    """The workspace folder or its catalog cannot be used."""


class TableNotFoundError(WorkspaceError, KeyError):
    """No table of that name exists in the workspace."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class TableExistsError(WorkspaceError, ValueError):
    """A table of that name already exists and the mode was ``create``."""


class SnapshotNotFoundError(WorkspaceError, KeyError):
    """The table has no snapshot with that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class IngestError(MiraeError, ValueError):
    """A source could not be read into a table."""


class SourceNotFoundError(IngestError, FileNotFoundError):
    """The file, URL or database object does not exist."""


class EmptySourceError(IngestError):
    """The source has no rows or no columns."""


class EncodingError(IngestError, UnicodeError):
    """The source has bytes that do not decode in the detected encoding."""


class MalformedRowsError(IngestError):
    """Some rows have a different number of fields than the header."""


class TypeParseError(IngestError):
    """A value does not parse as the type its column was given."""


class SchemaError(MiraeError, ValueError):
    """Columns that do not fit the table: duplicates, or incompatible types."""


class QualityCheckError(MiraeError, ValueError):
    """A data-quality check is declared wrongly."""


class QueryError(MiraeError, ValueError):
    """SQL that DuckDB could not run over the workspace tables."""
