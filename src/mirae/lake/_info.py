"""Plain records describing tables and snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from mirae.core._result import Result

if TYPE_CHECKING:
    from mirae.lake._lineage import Lineage


@dataclass(frozen=True)
class SnapshotInfo(Result):
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


@dataclass(frozen=True)
class ColumnInfo(Result):
    """One column of a table schema."""

    name: str
    type: str
    nullable: bool = True


@dataclass(frozen=True)
class TableInfo(Result):
    """A table in the workspace, as listed by :meth:`Workspace.tables`."""

    name: str
    rows: int
    columns: int
    snapshots: int
    updated_at: datetime | None
    column_names: tuple[str, ...] = field(default=())
