"""Remove files that no snapshot of any table references (left by a killed write).

A write that is killed with ``kill -9`` (or loses power) after staging its
files and before its commit leaves those files behind: no snapshot names
them, so no reader ever sees them, but they take space. :func:`maintain`
walks every table's metadata — every metadata file in its log, every
snapshot's manifest list, every manifest and every data file any snapshot
references — and removes the other files under the warehouse folder,
including folders of tables that were never committed. It holds the
workspace's writer lock, so no write is staging files meanwhile, and it
never removes a file an earlier snapshot still needs (time travel keeps
working).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result
from mirae.lake._catalog import NAMESPACE, WAREHOUSE_DIR, writer_lock
from mirae.lake._locations import inside, resolve

if TYPE_CHECKING:
    from mirae.lake._workspace import Workspace

__all__ = ["MaintenanceReport", "maintain"]


@dataclass
class MaintenanceReport(Result):
    """What :func:`maintain` found and removed.

    Attributes
    ----------
    removed : list of str
        Files removed (or, with ``dry_run``, that would be), relative to the workspace.
    bytes_removed : int
        Their total size.
    referenced : int
        Files kept because a snapshot references them.
    dry_run : bool
        True when nothing was deleted.
    """

    removed: list[str] = field(default_factory=list)
    bytes_removed: int = 0
    referenced: int = 0
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "removed": list(self.removed),
            "files_removed": len(self.removed),
            "bytes_removed": self.bytes_removed,
            "referenced": self.referenced,
            "dry_run": self.dry_run,
        }


def referenced_files(ws: Workspace) -> set[Path]:
    """Every file any snapshot of any table of ``ws`` needs, as absolute paths."""
    keep: set[Path] = set()
    for name in ws.table_names():
        table = ws.catalog.load_table(f"{NAMESPACE}.{name}")
        metadata = table.metadata
        keep.add(resolve(table.metadata_location, ws.path))
        keep.update(resolve(entry.metadata_file, ws.path) for entry in metadata.metadata_log)
        for snapshot in metadata.snapshots:
            keep.add(resolve(snapshot.manifest_list, ws.path))
            for manifest in snapshot.manifests(table.io):
                keep.add(resolve(manifest.manifest_path, ws.path))
                for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=False):
                    keep.add(resolve(entry.data_file.file_path, ws.path))
    return {Path(os.path.realpath(p)) for p in keep}


def maintain(ws: Workspace, *, dry_run: bool = False) -> MaintenanceReport:
    """Remove every file under the warehouse that no snapshot references.

    Parameters
    ----------
    ws : Workspace
    dry_run : bool
        Only report what would be removed.

    Returns
    -------
    MaintenanceReport

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mirae import Workspace
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> _ = ws.write("t", pd.DataFrame({"x": [1]}))
    >>> maintain(ws).removed
    []
    """
    report = MaintenanceReport(dry_run=dry_run)
    warehouse = ws.path / WAREHOUSE_DIR
    with writer_lock(ws.path):
        keep = referenced_files(ws)
        if not warehouse.is_dir():
            return report
        for path in sorted(warehouse.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            real = Path(os.path.realpath(path))
            if real in keep:
                report.referenced += 1
                continue
            if not inside(real, ws.path):  # pragma: no cover - rglob stays inside
                continue
            report.removed.append(path.relative_to(ws.path).as_posix())
            report.bytes_removed += path.stat().st_size
            if not dry_run:
                path.unlink()
        if not dry_run:
            _remove_empty_folders(warehouse)
    return report


def _remove_empty_folders(warehouse: Path) -> None:
    for folder in sorted((p for p in warehouse.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()
