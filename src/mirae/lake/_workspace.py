"""The workspace: an embedded lakehouse of Iceberg tables queried with DuckDB."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mirae.core._config import current_user, default_workspace_path
from mirae.errors import (
    ConfigError,
    QueryError,
    SnapshotNotFoundError,
    TableExistsError,
    TableNotFoundError,
    WorkspaceError,
)
from mirae.lake._atomic import atomic_write
from mirae.lake._catalog import (
    NAMESPACE,
    check_table_name,
    open_catalog,
    writer_lock,
)
from mirae.lake._info import ColumnInfo, SnapshotInfo, TableInfo
from mirae.lake._lineage import PROP_LINEAGE, Lineage
from mirae.lake._listing import PROP_MODE, PROP_SOURCE, PROP_USER
from mirae.lake._locations import inside, require_inside, resolve
from mirae.lake._views import _schema_at, confine, data_files, register_view

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow as pa
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.table import Table as IcebergTable

    from mirae.core._progress import Progress
    from mirae.lake._ingest import IngestResult
    from mirae.lake._lineage import LineageGraph
    from mirae.lake._maintain import MaintenanceReport
    from mirae.lake._profile import Profile
    from mirae.lake._quality import QualityReport

WriteMode = Literal["create", "append", "replace"]
_MODES = ("create", "append", "replace")


class Workspace:
    """A folder of versioned tables: Iceberg storage, DuckDB queries.

    Parameters
    ----------
    path : str or Path, optional
        The workspace folder. Defaults to ``./mirae-workspace``. Created on
        first use.
    user : str, optional
        Recorded as the author of the snapshots this object writes (default:
        the login name). A server opens the workspace with the user who asked.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> ws = Workspace(tempfile.mkdtemp())
    >>> _ = ws.write("sales", pd.DataFrame({"item": ["a", "b"], "qty": [3, 5]}))
    >>> ws.sql("select item, qty * 2 as double_qty from sales order by item").to_pylist()
    [{'item': 'a', 'double_qty': 6}, {'item': 'b', 'double_qty': 10}]
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, user: str | None = None) -> None:
        self.path = Path(path).expanduser().resolve() if path else default_workspace_path()
        self.user = user or current_user()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            msg = f"cannot create the workspace folder {self.path}: {exc}. Choose a writable path."
            raise WorkspaceError(msg) from exc
        self._catalog: SqlCatalog | None = None

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # -- catalog -----------------------------------------------------------------
    @property
    def catalog(self) -> SqlCatalog:
        """The PyIceberg SQL catalog (SQLite file inside the workspace)."""
        if self._catalog is None:
            self._catalog = open_catalog(self.path)
        return self._catalog

    def _identifier(self, name: str) -> str:
        return f"{NAMESPACE}.{check_table_name(name)}"

    def _load(self, name: str) -> IcebergTable:
        from pyiceberg.exceptions import NoSuchTableError

        try:
            return self.catalog.load_table(self._identifier(name))
        except NoSuchTableError:
            known = self.table_names()
            hint = f" Tables: {', '.join(known)}." if known else " The workspace has no tables yet."
            msg = f"no table named '{name}' in workspace {self.path}.{hint}"
            raise TableNotFoundError(msg) from None

    def exists(self, name: str) -> bool:
        """Return True when a table called ``name`` exists."""
        return self.catalog.table_exists(self._identifier(name))

    # -- listing -----------------------------------------------------------------
    def table_names(self) -> list[str]:
        """Return the names of all tables, sorted."""
        from mirae.lake._listing import table_locations

        return sorted(table_locations(self.path))

    def tables(self) -> list[TableInfo]:
        """List tables with row count, column count, snapshots and last update."""
        from mirae.lake._listing import table_infos

        return table_infos(self.path)

    def _metadata(self, name: str) -> dict[str, Any]:
        """A table's current metadata JSON, read without opening the Iceberg catalog."""
        from mirae.lake._listing import metadata, table_locations

        check_table_name(name)
        locations = table_locations(self.path)
        if name not in locations:
            known = sorted(locations)
            hint = f" Tables: {', '.join(known)}." if known else " The workspace has no tables yet."
            msg = f"no table named '{name}' in workspace {self.path}.{hint}"
            raise TableNotFoundError(msg)
        return metadata(locations[name])

    def schema(self, name: str, *, snapshot: int | None = None) -> list[ColumnInfo]:
        """Return the columns of a table (at ``snapshot`` when given)."""
        arrow = self.arrow_schema(name, snapshot=snapshot)
        return [ColumnInfo(f.name, str(f.type), f.nullable) for f in arrow]

    def arrow_schema(self, name: str, *, snapshot: int | None = None) -> pa.Schema:
        """Return the Arrow schema of a table (at ``snapshot`` when given)."""
        table = self._load(name)
        from mirae.lake._arrow import plain_schema

        return plain_schema(_schema_at(table, self._snapshot(table, snapshot)).as_arrow())

    def count(self, name: str, *, snapshot: int | None = None) -> int:
        """Return the number of rows (at ``snapshot`` when given)."""
        table = self._load(name)
        snap = self._snapshot_obj(table, snapshot)
        return _total_rows(snap)

    def current_snapshot_id(self, name: str) -> int | None:
        """Return the id of a table's latest snapshot (None for a table with none).

        Read a table at this id to be sure every step of a job sees the same rows
        even if another process appends meanwhile.
        """
        snapshot_id = self._metadata(name).get("current-snapshot-id")
        return None if snapshot_id in (None, -1) else int(snapshot_id)

    def history(self, name: str) -> list[SnapshotInfo]:
        """Return every snapshot of a table, oldest first."""
        from mirae.lake._listing import snapshot_infos

        return snapshot_infos(self._metadata(name))

    def _snapshot(self, table: IcebergTable, snapshot: int | None) -> int | None:
        snap = self._snapshot_obj(table, snapshot)
        return snap.snapshot_id if snap else None

    def _snapshot_obj(self, table: IcebergTable, snapshot: int | None) -> Any:
        if snapshot is None:
            return table.current_snapshot()
        snap = table.snapshot_by_id(int(snapshot))
        if snap is None:
            ids = [s.snapshot_id for s in table.metadata.snapshots]
            msg = (
                f"table '{table.name()[-1]}' has no snapshot {snapshot}; "
                f"its snapshots are {ids}. See `mirae history {table.name()[-1]}`."
            )
            raise SnapshotNotFoundError(msg)
        return snap

    # -- reading -----------------------------------------------------------------
    def read(
        self,
        name: str,
        *,
        snapshot: int | None = None,
        columns: list[str] | None = None,
        limit: int | None = None,
    ) -> pa.Table:
        """Read a table (the latest snapshot, or ``snapshot``) as an Arrow table."""
        con = self.connect(snapshots={name: snapshot} if snapshot is not None else None, only=[name])
        cols = "*" if not columns else ", ".join(_quote(c) for c in columns)
        query = f"SELECT {cols} FROM {_quote(name)}"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        try:
            return con.sql(query).to_arrow_table()
        except Exception as exc:
            msg = f"cannot read table '{name}': {exc}"
            raise QueryError(msg) from exc
        finally:
            con.close()

    def to_pandas(self, name: str, **kwargs: Any) -> pd.DataFrame:
        """Read a table as a pandas DataFrame; keywords as :meth:`read`."""
        return self.read(name, **kwargs).to_pandas()

    def connect(
        self,
        *,
        snapshots: dict[str, int | None] | None = None,
        only: list[str] | None = None,
        allow_read: Sequence[str | os.PathLike[str]] = (),
    ) -> duckdb.DuckDBPyConnection:
        """Open an in-memory DuckDB connection with workspace tables as views.

        The connection is confined: it reads the Parquet files of its views
        and nothing else (no other file, no extension, no network), writes no
        file, and its configuration is locked.

        Parameters
        ----------
        snapshots : dict, optional
            ``{table: snapshot_id}`` to view an earlier version of some tables.
        only : list of str, optional
            Register just these tables (faster with many tables).
        allow_read : sequence of paths
            Folders (or files) whose files SQL may also read, e.g. with ``read_csv``.

        Returns
        -------
        duckdb.DuckDBPyConnection
            Close it when done.
        """
        import duckdb

        snapshots = snapshots or {}
        con = duckdb.connect(":memory:")
        names = only if only is not None else self.table_names()
        files: list[str] = []
        try:
            for name in names:
                table = self._load(name)
                files += register_view(con, name, table, self._snapshot(table, snapshots.get(name)))
            confine(con, files, [Path(p) for p in allow_read])
        except BaseException:
            con.close()
            raise
        return con

    def sql(
        self,
        query: str,
        *,
        snapshots: dict[str, int | None] | None = None,
        allow_read: Sequence[str | os.PathLike[str]] = (),
    ) -> pa.Table:
        """Run SQL over the workspace tables (by name) and return an Arrow table.

        Queries read workspace tables only; ``allow_read`` names folders whose
        files they may also read. ``CREATE [OR REPLACE] TABLE name AS SELECT ...``
        and ``INSERT INTO name SELECT ...`` write workspace tables (one snapshot
        each; the result says what was written). Every other statement that
        would change something — ``COPY``, ``ATTACH``, ``INSTALL``, ``SET``,
        ``UPDATE``, ``DELETE``, ``DROP``, ... — is refused with a
        :class:`~mirae.errors.QueryError` saying what to do instead.

        Parameters
        ----------
        query : str
            DuckDB SQL; workspace tables are views named after the tables.
        snapshots : dict, optional
            ``{table: snapshot_id}`` to query earlier versions of some tables.
        allow_read : sequence of paths
            Folders whose files the query may read (``read_csv('data/x.csv')``).

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> ws = Workspace(tempfile.mkdtemp())
        >>> first = ws.write("sales", pd.DataFrame({"qty": [3, 5]}))
        >>> _ = ws.write("sales", pd.DataFrame({"qty": [7]}), mode="append")
        >>> ws.sql("select count(*) as n from sales").to_pylist()
        [{'n': 3}]
        >>> ws.sql("select count(*) as n from sales", snapshots={"sales": first.snapshot_id}).to_pylist()
        [{'n': 2}]
        >>> ws.sql("create table big as select qty from sales where qty > 4").column("rows").to_pylist()
        [2]
        """
        from mirae.lake._query import run_sql

        return run_sql(self, query, snapshots=snapshots, allow_read=allow_read)

    def sql_reader(
        self,
        query: str,
        *,
        snapshots: dict[str, int | None] | None = None,
        allow_read: Sequence[str | os.PathLike[str]] = (),
        batch_rows: int = 10_000,
    ) -> AbstractContextManager[pa.RecordBatchReader]:
        """Stream the result of a read-only query in record batches (for large results).

        Use it as ``with ws.sql_reader(query) as reader: for batch in reader: ...``;
        the query runs as it is read, so memory stays bounded. Statements that
        write are refused here (run them with :meth:`sql`).
        """
        from mirae.lake._query import stream_sql

        return stream_sql(self, query, snapshots=snapshots, allow_read=allow_read, batch_rows=batch_rows)

    # -- writing -----------------------------------------------------------------
    def write(
        self,
        name: str,
        data: Any,
        *,
        mode: WriteMode = "create",
        source: str = "python",
        lineage: Lineage | None = None,
    ) -> SnapshotInfo:
        """Store a frame as a new snapshot of table ``name``.

        Parameters
        ----------
        name : str
            Table name.
        data : pandas.DataFrame or pyarrow.Table
            The rows to store.
        mode : {'create', 'append', 'replace'}
            ``create`` fails when the table exists; ``append`` adds rows (new
            columns extend the schema; a missing table is created); ``replace``
            swaps the rows and schema for these (history is kept).
        source : str
            Recorded in the snapshot history (a short human-readable label).
        lineage : Lineage, optional
            What the rows were made from, as data (inputs at their snapshot
            ids, operation, spec, MLflow run); default: a Python ``write``.

        Returns
        -------
        SnapshotInfo
            The snapshot just committed.

        Raises
        ------
        TableExistsError, SchemaError
            Nothing is changed when either is raised.
        """
        if mode not in _MODES:
            msg = f"mode must be one of {', '.join(_MODES)}; got {mode!r}."
            raise ConfigError(msg)
        check_table_name(name)
        from mirae.lake._arrow import normalize_for_iceberg, to_arrow

        arrow = normalize_for_iceberg(to_arrow(data))
        record = lineage or Lineage(operation="write")
        props = {PROP_SOURCE: str(source)[:900], PROP_USER: self.user, PROP_LINEAGE: record.to_property()}
        with writer_lock(self.path):
            ident = self._identifier(name)
            exists = self.catalog.table_exists(ident)
            if exists and mode == "create":
                msg = (
                    f"table '{name}' already exists; use mode='append' to add rows, "
                    f"mode='replace' to overwrite it, or drop it first."
                )
                raise TableExistsError(msg)
            if not exists:
                self._refuse_case_clash(name)
                return self._create(ident, arrow, {**props, PROP_MODE: "create"})
            table = self.catalog.load_table(ident)
            if mode == "append":
                return self._append(table, arrow, {**props, PROP_MODE: "append"})
            return self._replace(table, arrow, {**props, PROP_MODE: "replace"})

    def _refuse_case_clash(self, name: str) -> None:
        """Refuse a new name that differs from an existing table's only in case.

        SQL does not tell ``Sales`` from ``sales``, and on macOS and Windows the
        two tables would share one folder.
        """
        clash = [t for t in self.table_names() if t.lower() == name.lower() and t != name]
        if clash:
            msg = (
                f"table name '{name}' differs only in case from the existing table '{clash[0]}'; SQL "
                f"treats them as one name. Use '{clash[0]}' (with mode='append' or 'replace'), "
                "or choose another name."
            )
            raise TableExistsError(msg)

    def _create(self, ident: str, arrow: pa.Table, props: dict[str, str]) -> SnapshotInfo:
        tx = self.catalog.create_table_transaction(ident, schema=arrow.schema)

        def stage() -> Any:
            tx.append(arrow, snapshot_properties=props)
            return tx

        atomic_write(self._folder(tx.table_metadata.location), stage, lambda t: t.commit_transaction())
        return self._latest(ident)

    def _append(self, table: IcebergTable, arrow: pa.Table, props: dict[str, str]) -> SnapshotInfo:
        from mirae.lake._arrow import align_to_schema, plain_schema

        current = plain_schema(table.schema().as_arrow())
        aligned, target = align_to_schema(arrow, current, table_name=table.name()[-1])

        def stage() -> Any:
            tx = table.transaction()
            if not target.equals(current, check_metadata=False):
                with tx.update_schema() as update:
                    update.union_by_name(target)
            tx.append(aligned, snapshot_properties=props)
            return tx

        atomic_write(self._folder(table.location()), stage, lambda tx: tx.commit_transaction())
        return self._latest(".".join(table.name()))

    def _replace(self, table: IcebergTable, arrow: pa.Table, props: dict[str, str]) -> SnapshotInfo:
        from mirae.lake._arrow import plain_schema

        current = plain_schema(table.schema().as_arrow())
        incoming = {f.name: f.type for f in arrow.schema}
        dropped = [f.name for f in current if f.name not in incoming or f.type != incoming[f.name]]

        def stage() -> Any:
            tx = table.transaction()
            if dropped:
                with tx.update_schema(allow_incompatible_changes=True) as update:
                    for column in dropped:
                        update.delete_column(column)
            with tx.update_schema() as update:
                update.union_by_name(arrow.schema)
            order = [f.name for f in arrow.schema]
            if tx.table_metadata.schema().column_names != order:
                with tx.update_schema() as update:
                    for column in reversed(order):
                        update.move_first(column)
            _overwrite_in_one_snapshot(tx, table, arrow, props)
            return tx

        atomic_write(self._folder(table.location()), stage, lambda tx: tx.commit_transaction())
        return self._latest(".".join(table.name()))

    def _latest(self, ident: str) -> SnapshotInfo:
        from mirae.lake._listing import current_snapshot

        snap = current_snapshot(self._metadata(ident.split(".", 1)[1]))
        if snap is None:  # pragma: no cover - every write commits a snapshot
            msg = f"table {ident} has no snapshot after a write"
            raise WorkspaceError(msg)
        return snap

    def lineage(self, name: str, *, snapshot: int | None = None) -> LineageGraph:
        """Where table ``name`` (at ``snapshot``, default the latest) came from, back to the ingested files.

        Examples
        --------
        >>> import tempfile, pandas as pd
        >>> ws = Workspace(tempfile.mkdtemp())
        >>> _ = ws.write("a", pd.DataFrame({"x": [1]}))
        >>> _ = ws.sql("CREATE TABLE b AS SELECT x + 1 AS y FROM a")
        >>> [(s.table, s.operation, s.depth) for s in ws.lineage("b")]
        [('b', 'sql', 0), ('a', 'write', 1)]
        """
        from mirae.lake._lineage import trace

        return trace(self, name, snapshot)

    def drop(self, name: str) -> None:
        """Delete a table, its history and its files."""
        with writer_lock(self.path):
            table = self._load(name)
            folder = resolve(table.location(), self.path)
            self.catalog.drop_table(self._identifier(name))
            if inside(folder, self.path):  # never delete another folder's files
                shutil.rmtree(folder, ignore_errors=True)

    def maintain(self, *, dry_run: bool = False) -> MaintenanceReport:
        """Remove files no snapshot references (left by a killed write); see :func:`mirae.lake._maintain.maintain`."""
        from mirae.lake._maintain import maintain

        return maintain(self, dry_run=dry_run)

    def _folder(self, location: str) -> Path:
        """A table's folder, which must lie inside this workspace (it is written or deleted)."""
        folder = resolve(location, self.path)
        require_inside(folder, self.path, "write or delete")
        return folder

    # -- ingestion, quality and profile (implemented in their own modules) --------
    def ingest(
        self,
        source: Any,
        name: str,
        *,
        mode: WriteMode = "create",
        progress: Progress | None = None,
        **options: Any,
    ) -> IngestResult:
        """Read a file, URL or database into table ``name`` as one snapshot.

        See :func:`mirae.lake.read_source` for sources and options. A failed
        ingest changes nothing.
        """
        from mirae.lake._ingest import ingest_into

        return ingest_into(self, source, name, mode=mode, progress=progress, **options)

    def quality(self, name: str, **options: Any) -> QualityReport:
        """Compute the data-quality report of a table; see :func:`mirae.lake.quality`."""
        from mirae.lake._quality import quality

        return quality(self, name, **options)

    def profile(self, name: str, **options: Any) -> Profile:
        """Compute the EDA profile of a table; see :func:`mirae.lake.profile`."""
        from mirae.lake._profile import profile

        return profile(self, name, **options)


def _overwrite_in_one_snapshot(tx: Any, table: IcebergTable, arrow: pa.Table, props: dict[str, str]) -> None:
    """Swap every data file for ``arrow``'s in a single ``overwrite`` snapshot.

    PyIceberg's ``overwrite`` commits a delete and an append (two snapshots);
    a replace in mirae is one version of the table.
    """
    from pyiceberg.io.pyarrow import _dataframe_to_data_files

    old_files = data_files(table, table.current_snapshot())
    with tx.update_snapshot(snapshot_properties=props).overwrite() as producer:
        for data_file in old_files:
            producer.delete_data_file(data_file)
        if arrow.num_rows:
            for data_file in _dataframe_to_data_files(
                table_metadata=tx.table_metadata, write_uuid=producer.commit_uuid, df=arrow, io=table.io
            ):
                producer.append_data_file(data_file)


def _total_rows(snap: Any) -> int:
    if snap is None or snap.summary is None:
        return 0
    return int(snap.summary.additional_properties.get("total-records", 0))


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
