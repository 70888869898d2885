"""What a workspace holds, read from the catalog file and the tables' metadata JSON (standard library only).

Listing tables, their history, row counts and schemas needs no data file and
no Iceberg library: the catalog (``catalog.db``, SQLite) names each table's
current metadata file, and that JSON file holds the snapshots with their
summaries (rows, mirae's source, user and lineage) and the schemas. Reading
it directly keeps ``mirae tables`` and ``mirae history`` under half a second
(opening PyIceberg's SQL catalog alone imports for 0.3 s). The file a catalog
row names is written before the row is committed, so a reader sees a whole
version of every table.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mirae.errors import WorkspaceError
from mirae.lake._catalog import CATALOG_FILE, NAMESPACE
from mirae.lake._info import SnapshotInfo, TableInfo
from mirae.lake._lineage import PROP_LINEAGE, Lineage
from mirae.lake._locations import resolve

__all__ = ["current_snapshot", "metadata", "snapshot_infos", "table_infos", "table_locations"]

#: Snapshot properties mirae writes beside Iceberg's own (the lineage record is PROP_LINEAGE).
PROP_SOURCE, PROP_USER, PROP_MODE = "mirae.source", "mirae.user", "mirae.mode"


def table_locations(root: Path) -> dict[str, Path]:
    """Each table's current metadata file, by table name (empty for a new workspace)."""
    path = root / CATALOG_FILE
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60) as con:
            rows = con.execute(
                "SELECT table_name, metadata_location FROM iceberg_tables WHERE table_namespace = ?",
                (NAMESPACE,),
            ).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # the catalog exists but no table was ever created
            return {}
        msg = f"the workspace catalog {path} cannot be read ({exc}); run `mirae maintain` or restore it."
        raise WorkspaceError(msg) from None
    except sqlite3.DatabaseError as exc:
        msg = f"the workspace catalog {path} cannot be read ({exc}); it is damaged. Restore it from a copy."
        raise WorkspaceError(msg) from None
    return {str(name): resolve(str(location), root) for name, location in rows if location}


def metadata(path: Path) -> dict[str, Any]:
    """A table's metadata JSON."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _schema(meta: dict[str, Any]) -> list[dict[str, Any]]:
    current = meta.get("current-schema-id")
    for schema in meta.get("schemas", []):
        if schema.get("schema-id") == current:
            return list(schema.get("fields", []))
    return []


def _current(meta: dict[str, Any]) -> dict[str, Any] | None:
    wanted = meta.get("current-snapshot-id")
    return next((s for s in meta.get("snapshots", []) if s.get("snapshot-id") == wanted), None)


def table_infos(root: Path) -> list[TableInfo]:
    """Every table with rows, columns, snapshots and last update, sorted by name."""
    infos = []
    for name, path in sorted(table_locations(root).items()):
        meta = metadata(path)
        snap = _current(meta)
        columns = _schema(meta)
        summary = (snap or {}).get("summary", {})
        infos.append(
            TableInfo(
                name=name,
                rows=int(summary.get("total-records", 0)),
                columns=len(columns),
                snapshots=len(meta.get("snapshots", [])),
                updated_at=_utc(snap["timestamp-ms"]) if snap else None,
                column_names=tuple(str(f["name"]) for f in columns),
            )
        )
    return infos


def snapshot_infos(meta: dict[str, Any]) -> list[SnapshotInfo]:
    """Every snapshot of a table's metadata, oldest first."""
    return [_snapshot_info(s) for s in sorted(meta.get("snapshots", []), key=lambda s: s["timestamp-ms"])]


def current_snapshot(meta: dict[str, Any]) -> SnapshotInfo | None:
    """The table's current snapshot (None for a table without one)."""
    snap = _current(meta)
    return None if snap is None else _snapshot_info(snap)


def _snapshot_info(snap: dict[str, Any]) -> SnapshotInfo:
    summary = snap.get("summary", {})
    operation = str(summary.get("operation", "unknown"))
    return SnapshotInfo(
        snapshot_id=int(snap["snapshot-id"]),
        parent_id=snap.get("parent-snapshot-id"),
        committed_at=_utc(snap["timestamp-ms"]),
        operation=operation,
        mode=str(summary.get(PROP_MODE, operation)),
        rows_added=int(summary.get("added-records", 0)),
        rows_deleted=int(summary.get("deleted-records", 0)),
        total_rows=int(summary.get("total-records", 0)),
        source=str(summary.get(PROP_SOURCE, "")),
        user=str(summary.get(PROP_USER, "")),
        lineage=Lineage.from_property(summary.get(PROP_LINEAGE)),
    )


def _utc(timestamp_ms: int) -> datetime:
    return datetime.fromtimestamp(timestamp_ms / 1000, tz=UTC)
