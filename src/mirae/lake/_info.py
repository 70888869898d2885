"""Plain records describing tables and snapshots."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mirae.lake._lineage import Lineage


@dataclass(frozen=True)
class SnapshotInfo:
    """One committed version of a table.

    Attributes
    ----------
    snapshot_id : int
        Iceberg snapshot id; pass it as ``snapshot=`` to read this version.
    committed_at : datetime
        When the snapshot was committed (UTC).
    operation : str
        Iceberg operation: ``append`` or ``overwrite``.
    mode : str
        How mirae wrote it: ``create``, ``append`` or ``replace``.
    rows_added, rows_deleted, total_rows : int
        Row counts from the snapshot summary.
    source : str
        Where the rows came from (file, URL, query or ``python``).
    user : str
        Who wrote it (``MIRAE_USER`` or the login name).
    parent_id : int or None
        The snapshot this one follows.
    lineage : Lineage or None
        What the snapshot was made from, as data (see :meth:`Workspace.lineage`).
    """

    snapshot_id: int
    committed_at: datetime
    operation: str
    mode: str
    rows_added: int
    rows_deleted: int
    total_rows: int
    source: str
    user: str
    parent_id: int | None = None
    lineage: Lineage | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        data = asdict(self)
        data["committed_at"] = self.committed_at.isoformat()
        data["lineage"] = None if self.lineage is None else self.lineage.to_dict()
        return data


@dataclass(frozen=True)
class ColumnInfo:
    """One column of a table schema."""

    name: str
    type: str
    nullable: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class TableInfo:
    """A table in the workspace, as listed by :meth:`Workspace.tables`."""

    name: str
    rows: int
    columns: int
    snapshots: int
    updated_at: datetime | None
    column_names: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        data = asdict(self)
        data["updated_at"] = self.updated_at.isoformat() if self.updated_at else None
        data["column_names"] = list(self.column_names)
        return data
