"""The workspace's Iceberg catalog, its folders and the lock that serialises writers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirae.errors import ConfigError, WorkspaceError
from mirae.lake._locations import PREFIX, ROOT_PROPERTY

if TYPE_CHECKING:
    from pyiceberg.catalog.sql import SqlCatalog

NAMESPACE = "default"
CATALOG_FILE = "catalog.db"
WAREHOUSE_DIR = "warehouse"
LOCK_FILE = ".mirae.lock"
#: seconds a writer waits for another writer before giving up
LOCK_TIMEOUT = 120.0

_NAME = re.compile(r"^[^\W\d]\w{0,127}$")


def check_table_name(name: str) -> str:
    """Return ``name`` when it is a valid table name, else raise :class:`ConfigError`.

    A name starts with a letter or underscore and has letters, digits and
    underscores (Korean letters included), at most 128 characters.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        msg = (
            f"table name {name!r} is not valid: use letters, digits and underscores, "
            "starting with a letter (for example 'weekly_sales' or '판매_주간')."
        )
        raise ConfigError(msg)
    return name


def open_catalog(root: Path) -> SqlCatalog:
    """Open (creating on first use) the SQLite Iceberg catalog under ``root``."""
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.exceptions import NamespaceAlreadyExistsError
    from sqlalchemy.exc import SQLAlchemyError

    warehouse = root / WAREHOUSE_DIR
    warehouse.mkdir(parents=True, exist_ok=True)
    with writer_lock(root):
        try:
            catalog = SqlCatalog(
                "mirae",
                uri=f"sqlite:///{root / CATALOG_FILE}?timeout=60",
                # locations are stored relative to the workspace (see _fileio): a copied or
                # moved workspace reads and writes its own files
                warehouse=f"{PREFIX}{WAREHOUSE_DIR}",
                **{"py-io-impl": "mirae.lake._fileio.WorkspaceFileIO", ROOT_PROPERTY: str(root)},
            )
            try:
                catalog.create_namespace(NAMESPACE)
            except NamespaceAlreadyExistsError:
                pass
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            msg = (
                f"the workspace catalog {root / CATALOG_FILE} cannot be read ({reason}); it is damaged "
                "or not a mirae catalog. Restore it from a backup or a copy of the workspace; the table "
                f"files under {warehouse} are untouched."
            )
            raise WorkspaceError(msg) from None
    return catalog


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """Hold the workspace's writer lock (one writer at a time across processes)."""
    from filelock import Timeout

    lock = _lock_for(root)
    try:
        with lock:
            yield
    except Timeout as exc:
        msg = (
            f"another process has held the workspace {root} for over {LOCK_TIMEOUT:.0f} s; "
            "wait for it to finish, or remove the stale lock file "
            f"{root / LOCK_FILE} if no mirae process is running."
        )
        raise WorkspaceError(msg) from exc


_LOCKS: dict[Path, Any] = {}


def _lock_for(root: Path) -> Any:
    """One re-entrant lock object per workspace folder in this process."""
    from filelock import FileLock

    if root not in _LOCKS:
        _LOCKS[root] = FileLock(str(root / LOCK_FILE), timeout=LOCK_TIMEOUT)
    return _LOCKS[root]
