"""Keep a workspace's MLflow store pointing into the workspace after a copy or a move.

MLflow records absolute artifact locations (``file:///…/mlartifacts/…``) for
every experiment and run. When a workspace folder is copied or moved, those
still name the old folder: a copy would log into, and load from, the
original's artifacts, and a moved workspace could not load its models.
:func:`relocate_store` rewrites the old folder's prefix to the current one in
the workspace's own SQLite store. It only ever touches ``<workspace>/mlflow.db``
(never a store a user points at with a tracking URI) and is run under the
workspace's writer lock when a tracker first connects.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = ["relocate_store"]

_ARTIFACTS = "/mlartifacts"
#: (table, column) pairs holding artifact locations in MLflow 3's SQL schema.
_LOCATION_COLUMNS = (
    ("experiments", "artifact_location"),
    ("runs", "artifact_uri"),
    ("model_versions", "storage_location"),
    ("logged_models", "artifact_location"),
)
#: Tags whose value is the workspace folder (lineage written by mirae).
_FOLDER_TAGS = (("tags", "key", "value"), ("model_version_tags", "key", "value"))
_WORKSPACE_TAG = "mirae.workspace"


def relocate_store(db: Path, workspace: Path) -> int:
    """Point the store's artifact locations at ``workspace`` when they name another folder.

    Parameters
    ----------
    db : Path
        The workspace's ``mlflow.db`` (nothing happens when it does not exist yet).
    workspace : Path
        The workspace folder as opened now (absolute).

    Returns
    -------
    int
        The number of rows rewritten (0 when the store was already in place).

    Examples
    --------
    >>> import tempfile
    >>> relocate_store(Path(tempfile.mkdtemp()) / "mlflow.db", Path("/ws"))
    0
    """
    if not db.is_file():
        return 0
    new_prefix = workspace.resolve().as_uri()
    con = sqlite3.connect(db, timeout=60)
    try:
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        old_prefixes = _old_prefixes(con, tables, new_prefix)
        if not old_prefixes:
            return 0
        changed = 0
        with con:
            for old in old_prefixes:
                changed += _rewrite(con, tables, old, new_prefix)
        return changed
    finally:
        con.close()


def _old_prefixes(con: sqlite3.Connection, tables: set[str], new_prefix: str) -> list[str]:
    """Workspace-folder URIs the stored locations use other than the current one."""
    if "experiments" not in tables:
        return []
    found = set()
    for (location,) in con.execute("SELECT artifact_location FROM experiments"):
        text = str(location or "")
        if text.startswith("file://") and _ARTIFACTS in text:
            prefix = text[: text.index(_ARTIFACTS)]
            if prefix != new_prefix:
                found.add(prefix)
    return sorted(found, key=len, reverse=True)


def _rewrite(con: sqlite3.Connection, tables: set[str], old: str, new: str) -> int:
    changed = 0
    head = old + _ARTIFACTS
    for table, column in _LOCATION_COLUMNS:
        if table not in tables or column not in _columns(con, table):
            continue
        cursor = con.execute(
            f"UPDATE {table} SET {column} = ? || substr({column}, ?) WHERE substr({column}, 1, ?) = ?",  # noqa: S608
            (new + _ARTIFACTS, len(head) + 1, len(head), head),
        )
        changed += cursor.rowcount
    old_folder, new_folder = _uri_path(old), _uri_path(new)
    for table, key, value in _FOLDER_TAGS:
        if table in tables:
            cursor = con.execute(
                f"UPDATE {table} SET {value} = ? WHERE {key} = ? AND {value} = ?",  # noqa: S608
                (new_folder, _WORKSPACE_TAG, old_folder),
            )
            changed += cursor.rowcount
    return changed


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in con.execute(f"PRAGMA table_info({table})")}


def _uri_path(uri: str) -> str:
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(uri).path)
