"""DuckDB views over a table's Parquet files at a snapshot, read from the Iceberg manifests."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from mirae.errors import WorkspaceError
from mirae.lake._locations import ROOT_PROPERTY, resolve

if TYPE_CHECKING:
    import duckdb
    from pyiceberg.table import Table as IcebergTable


def register_view(
    con: duckdb.DuckDBPyConnection, name: str, table: IcebergTable, snapshot: int | None
) -> list[str]:
    """Create a DuckDB view ``name`` over a table's Parquet files at a snapshot.

    Columns are matched to the Parquet files by Iceberg field id, not by name:
    PyIceberg stores names such as ``a b`` as ``a_x20b`` inside the files, and
    a column added later is missing from older files (it reads as NULL).
    Returns the files the view reads (the only files a confined connection may open).
    """
    import pyarrow as pa

    snap = table.snapshot_by_id(snapshot) if snapshot is not None else table.current_snapshot()
    schema = _schema_at(table, snap.snapshot_id if snap else None)
    from mirae.lake._arrow import plain_schema

    arrow = plain_schema(schema.as_arrow())
    root = Path(table.io.properties[ROOT_PROPERTY])
    files = [str(resolve(f.file_path, root)) for f in data_files(table, snap)]
    if not files:
        con.register(f"__empty_{name}", pa.Table.from_pylist([], schema=arrow))
        con.execute(f"CREATE OR REPLACE VIEW {_quote(name)} AS SELECT * FROM {_quote('__empty_' + name)}")
        return []
    duck_types = con.from_arrow(pa.Table.from_pylist([], schema=arrow)).types
    entries = ", ".join(
        f"{field.field_id}: {{name: {_literal(field.name)}, type: {_literal(str(dtype))}, default_value: NULL}}"
        for field, dtype in zip(schema.fields, duck_types, strict=True)
    )
    file_list = ", ".join(_literal(f) for f in files)
    con.execute(
        f"CREATE OR REPLACE VIEW {_quote(name)} AS SELECT * "
        f"FROM read_parquet([{file_list}], schema = MAP {{{entries}}})"
    )
    return files


def data_files(table: IcebergTable, snap: Any) -> list[Any]:
    """Return a snapshot's live data files in the order they were written."""
    from pyiceberg.manifest import ManifestContent, ManifestEntryStatus

    if snap is None:
        return []
    entries = []
    for manifest in snap.manifests(table.io):
        if manifest.content == ManifestContent.DELETES:
            msg = (
                f"table '{table.name()[-1]}' has row-level delete files, which mirae does not "
                "read; rewrite it with an engine that compacts deletes (e.g. Spark rewrite_data_files)."
            )
            raise WorkspaceError(msg)
        for position, entry in enumerate(manifest.fetch_manifest_entry(table.io, discard_deleted=True)):
            if entry.status != ManifestEntryStatus.DELETED:
                entries.append(
                    (entry.sequence_number or 0, entry.data_file.file_path, position, entry.data_file)
                )
    entries.sort(key=lambda e: (e[0], e[2]))
    return [e[3] for e in entries]


def _schema_at(table: IcebergTable, snapshot_id: int | None) -> Any:
    if snapshot_id is None:
        return table.schema()
    snap = table.snapshot_by_id(snapshot_id)
    if snap is not None and snap.schema_id is not None:
        for schema in table.schemas().values():
            if schema.schema_id == snap.schema_id:
                return schema
    return table.schema()


def confine(
    con: duckdb.DuckDBPyConnection, files: list[str], allow_read: list[Path] | tuple[Path, ...] = ()
) -> None:
    """Lock a connection to the files of its views (and folders the user allowed).

    After this the connection cannot open any other file, write a file,
    install or load an extension, or change its configuration back. Which
    *statements* run is decided before (see :mod:`mirae.lake._query`); this is
    the floor that holds whatever SQL gets through.
    """
    paths = ", ".join(_literal(f) for f in files)
    folders = ", ".join(_literal(str(Path(p).resolve()).rstrip("/") + "/") for p in allow_read)
    con.execute(f"SET allowed_paths = [{paths}]")
    con.execute(f"SET allowed_directories = [{folders}]")
    for statement in (
        "SET autoinstall_known_extensions = false",
        "SET autoload_known_extensions = false",
        "SET enable_external_access = false",
        "SET lock_configuration = true",
    ):
        con.execute(statement)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
