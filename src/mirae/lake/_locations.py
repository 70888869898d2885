"""Workspace-relative file locations for the Iceberg catalog (no heavy imports here).

Iceberg stores every location (table root, metadata files, manifest lists,
manifests, data files) as an absolute URI. mirae writes them relative to the
workspace folder instead, as ``workspace:warehouse/default/sales/data/….parquet``,
and resolves them against the folder the workspace is opened from. A copied
workspace therefore reads and writes its own files, and a moved one keeps
working in its new place.

:class:`WorkspaceFileIO` is the PyIceberg ``FileIO`` that does the resolving
(the catalog loads it through its ``py-io-impl`` property). It also refuses
to write or delete any file outside the workspace folder, whatever location
a table's metadata names (tables written by mirae 0.1 stored absolute paths;
those still read, but a copy of such a workspace cannot write into the
original's folders).
"""

from __future__ import annotations

import os
from pathlib import Path

from mirae.errors import WorkspaceError

#: Prefix of a location relative to the workspace folder.
PREFIX = "workspace:"
#: Catalog property holding the absolute workspace folder.
ROOT_PROPERTY = "mirae.workspace"


def resolve(location: str, root: Path) -> Path:
    """The filesystem path of an Iceberg location of the workspace at ``root``.

    Examples
    --------
    >>> str(resolve("workspace:warehouse/default/t", Path("/data/ws")))
    '/data/ws/warehouse/default/t'
    >>> str(resolve("file:///old/ws/warehouse/default/t", Path("/data/ws")))
    '/old/ws/warehouse/default/t'
    """
    if location.startswith(PREFIX):
        return root / location[len(PREFIX) :]
    if location.startswith("file://"):
        return Path(location[len("file://") :])
    return Path(location)


def inside(path: Path, root: Path) -> bool:
    """True when ``path`` lies in the folder ``root`` (after resolving ``..`` and links)."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True


def require_inside(path: Path, root: Path, action: str) -> None:
    """Raise :class:`WorkspaceError` unless ``path`` is inside the workspace ``root``."""
    if not inside(path, root):
        msg = (
            f"refusing to {action} {path}: it is outside the workspace folder {root}. "
            "The table's metadata points elsewhere (a workspace copied or moved from an older "
            "mirae that stored absolute paths); re-ingest the table into this workspace."
        )
        raise WorkspaceError(msg)
