"""Workspace SQL: what a statement may do, and running it on a confined connection.

Every statement is classified before it runs (DuckDB's own parser says what
kind it is):

- reads (``SELECT``, ``WITH``, ``FROM``, ``VALUES``, ``DESCRIBE``, ``SHOW``,
  ``SUMMARIZE``, ``EXPLAIN``) run on a connection that sees only the tables
  the statement names and can open only their Parquet files;
- ``CREATE [OR REPLACE] TABLE name AS <query>`` and ``INSERT INTO name <query>``
  run the query the same way and store its rows as a workspace table (one
  snapshot; the history records the SQL and the snapshots it read);
- everything else is refused before it runs, with what to do instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mirae.errors import QueryError
from mirae.lake._lineage import Lineage

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from mirae.lake._workspace import Workspace

__all__ = ["run_sql", "stream_sql"]

_NAME = r'(?P<name>"(?:[^"]|"")+"|[^\W\d][\w]*)'
_CTAS = re.compile(
    r"^\s*create\s+(?P<replace>or\s+replace\s+)?table\s+(?P<ifnot>if\s+not\s+exists\s+)?"
    + _NAME
    + r"\s+as\s+(?P<query>.+?)[\s;]*$",
    re.IGNORECASE | re.DOTALL,
)
_INSERT = re.compile(
    r"^\s*insert\s+into\s+"
    + _NAME
    + r"\s+(?P<byname>by\s+name\s+)?(?P<query>(?:\(\s*)?(?:select|with|from|values)\b.+?)[\s;]*$",
    re.IGNORECASE | re.DOTALL,
)
_READS = frozenset({"SELECT", "EXPLAIN"})

#: Why a kind of statement is refused, and what to do instead.
_REFUSED: dict[str, str] = {
    "COPY": "SQL cannot write files. Save results with `mirae sql QUERY --json`, or store them as a "
    "table with CREATE TABLE name AS SELECT ...",
    "EXPORT": "SQL cannot write files. Store results as a table with CREATE TABLE name AS SELECT ...",
    "ATTACH": "SQL cannot open other databases. Bring the data in with `mirae ingest SOURCE --name TABLE`.",
    "DETACH": "SQL cannot open or close other databases.",
    "LOAD": "SQL cannot install or load DuckDB extensions.",
    "SET": "SQL cannot change settings of the workspace's SQL engine.",
    "VARIABLE_SET": "SQL cannot change settings of the workspace's SQL engine.",
    "PRAGMA": "SQL cannot change settings of the workspace's SQL engine.",
    "CALL": "SQL cannot call engine procedures; SELECT from table functions instead.",
    "UPDATE": "tables change only by new snapshots: CREATE OR REPLACE TABLE name AS SELECT ... "
    "writes a corrected version (the old one stays in `mirae history`).",
    "DELETE": "tables change only by new snapshots: CREATE OR REPLACE TABLE name AS SELECT ... WHERE "
    "<rows to keep> writes the new version (the old one stays in `mirae history`).",
    "ALTER": "tables change only by new snapshots: CREATE OR REPLACE TABLE name AS SELECT ... "
    "with the columns you want.",
    "DROP": "drop a table with `mirae drop TABLE`.",
    "TRANSACTION": "each statement is its own transaction; BEGIN/COMMIT are not needed.",
    "VACUUM": "the workspace needs no VACUUM; `mirae maintain` removes unused files.",
    "CREATE": "only CREATE [OR REPLACE] TABLE name AS SELECT ... is supported (views, macros, "
    "secrets, sequences and tables without a query are not).",
    "INSERT": "only INSERT INTO name SELECT ... (or VALUES ...) into an existing table is supported, "
    "without a column list.",
}


WriteKind = Literal["create", "replace", "append", "append_by_name", "ifnot"]


@dataclass(frozen=True)
class _Statement:
    kind: str
    text: str
    write: WriteKind | None = None
    target: str | None = None
    query: str | None = None


def _kind(statement: Any) -> str:
    return str(statement.type).rsplit(".", 1)[-1].upper()


def plan(query: str) -> list[_Statement]:
    """Classify every statement of ``query`` (raising :class:`QueryError` for refused ones)."""
    import duckdb

    try:
        parsed = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        msg = f"the query does not parse: {exc}"
        raise QueryError(msg) from None
    if not parsed:
        msg = "the query is empty; write a SELECT over workspace tables (see `mirae tables`)."
        raise QueryError(msg)
    statements = []
    for statement in parsed:
        kind, text = _kind(statement), statement.query.strip()
        if kind in _READS:
            statements.append(_Statement(kind, text))
            continue
        if kind == "CREATE":
            found = _CTAS.match(text)
            if found:
                write: WriteKind = (
                    "replace" if found["replace"] else ("ifnot" if found["ifnot"] else "create")
                )
                statements.append(_Statement(kind, text, write, _unquote(found["name"]), found["query"]))
                continue
        if kind == "INSERT":
            found = _INSERT.match(text)
            if found:
                write = "append_by_name" if found["byname"] else "append"
                statements.append(_Statement(kind, text, write, _unquote(found["name"]), found["query"]))
                continue
        reason = _REFUSED.get(kind, "only queries that read workspace tables can run here.")
        msg = f"refused `{_short(text)}`: {reason}"
        raise QueryError(msg)
    return statements


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _named_tables(ws: Workspace, text: str) -> list[str]:
    """The workspace tables a statement names (DuckDB resolves names case-insensitively).

    Read from DuckDB's parse tree (``json_serialize_sql``), so nothing is bound
    yet; when the statement cannot be serialised every table is named, which
    is slower with many tables but never wrong.
    """
    import json

    import duckdb

    by_lower = {t.lower(): t for t in ws.table_names()}
    body = re.sub(r"^\s*explain\s+(analyze\s+)?", "", text, flags=re.IGNORECASE)
    con = duckdb.connect(":memory:")
    try:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [body]).fetchone()[0])  # type: ignore[index]
    except (duckdb.Error, TypeError, ValueError):
        tree = {"error": True}
    finally:
        con.close()
    if tree.get("error"):
        return sorted(by_lower.values())
    names: set[str] = set()
    _base_tables(tree, names)
    return sorted({by_lower[n.lower()] for n in names if n.lower() in by_lower})


def _base_tables(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and isinstance(node.get("table_name"), str):
            found.add(node["table_name"])
        for value in node.values():
            _base_tables(value, found)
    elif isinstance(node, list):
        for value in node:
            _base_tables(value, found)


def _connect(
    ws: Workspace, text: str, snapshots: dict[str, int | None] | None, allow_read: Sequence[Any]
) -> tuple[duckdb.DuckDBPyConnection, list[str]]:
    tables = _named_tables(ws, text)
    return ws.connect(snapshots=snapshots, only=tables, allow_read=allow_read), tables


def _failed(ws: Workspace, exc: Exception) -> QueryError:
    tables = ", ".join(ws.table_names()) or "none yet"
    msg = f"the query failed: {exc}\nWorkspace tables: {tables}."
    if "file system operations are disabled" in str(exc):
        msg += (
            "\nSQL reads workspace tables only; to read a local file pass its folder with "
            "--allow-read FOLDER (Python: allow_read=[...]), or ingest it with `mirae ingest`."
        )
    return QueryError(msg)


def run_sql(
    ws: Workspace,
    query: str,
    *,
    snapshots: dict[str, int | None] | None = None,
    allow_read: Sequence[str | os.PathLike[str]] = (),
) -> pa.Table:
    """Run every statement of ``query``; return the last one's result (see the module notes)."""
    result = None
    for statement in plan(query):
        source = statement.query if statement.write else statement.text
        assert source is not None
        con, tables = _connect(ws, source, snapshots, allow_read)
        try:
            try:
                relation = con.sql(source)
                result = relation.to_arrow_table() if relation is not None else None
            except Exception as exc:
                raise _failed(ws, exc) from exc
            if statement.write is not None:
                assert result is not None
                result = _store(ws, statement, result, tables, snapshots or {}, con)
        finally:
            con.close()
    if result is None:
        import pyarrow as pa

        return pa.table({})
    return result


def _store(
    ws: Workspace,
    statement: _Statement,
    rows: pa.Table,
    tables: list[str],
    snapshots: dict[str, int | None],
    con: duckdb.DuckDBPyConnection,
) -> pa.Table:
    """Write the rows of a CREATE TABLE AS / INSERT INTO as a snapshot; return a one-row summary."""
    import pyarrow as pa

    assert statement.target is not None and statement.write is not None
    name = statement.target
    exists = ws.exists(name)
    appending = statement.write in ("append", "append_by_name")
    if appending and not exists:
        msg = f"INSERT INTO {name}: no such table. Create it with CREATE TABLE {name} AS SELECT ..."
        raise QueryError(msg)
    if statement.write == "append":  # SQL's INSERT matches columns by position
        columns = [f.name for f in ws.arrow_schema(name)]
        if rows.num_columns > len(columns):
            msg = (
                f"INSERT INTO {name}: the query gives {rows.num_columns} columns but the table has "
                f"{len(columns)} ({', '.join(columns)}). Use INSERT INTO {name} BY NAME SELECT ... to add columns."
            )
            raise QueryError(msg)
        rows = rows.rename_columns(columns[: rows.num_columns])
    if statement.write == "create" and exists:
        msg = (
            f"CREATE TABLE {name}: the table already exists. Use CREATE OR REPLACE TABLE to write a new "
            f"version of it, INSERT INTO {name} SELECT ... to add rows, or another name."
        )
        raise QueryError(msg)
    if statement.write == "ifnot" and exists:
        return pa.table({"table": [name], "mode": ["unchanged"], "rows": [0], "snapshot_id": [None]})
    used = {t: snapshots.get(t) or ws.current_snapshot_id(t) for t in tables}
    read = [f"{t}@{snapshot_id}" for t, snapshot_id in used.items()]
    source = f"sql over {', '.join(read) or 'no table'}: {_short(statement.text, 700)}"
    lineage = Lineage(
        "sql", inputs=tuple(Lineage.table(t, i) for t, i in used.items()), spec={"query": statement.text}
    )
    mode: Literal["create", "append", "replace"] = (
        "append" if appending else ("replace" if exists else "create")
    )
    snapshot = ws.write(name, rows, mode=mode, source=source, lineage=lineage)
    return pa.table(
        {"table": [name], "mode": [mode], "rows": [rows.num_rows], "snapshot_id": [snapshot.snapshot_id]}
    )


@contextmanager
def stream_sql(
    ws: Workspace,
    query: str,
    *,
    snapshots: dict[str, int | None] | None = None,
    allow_read: Sequence[str | os.PathLike[str]] = (),
    batch_rows: int = 10_000,
) -> Iterator[pa.RecordBatchReader]:
    """Yield a record-batch reader over one read-only statement's result."""
    statements = plan(query)
    if len(statements) != 1 or statements[0].write is not None:
        msg = "stream one query that reads (a SELECT); run statements that write with Workspace.sql."
        raise QueryError(msg)
    con, _ = _connect(ws, statements[0].text, snapshots, allow_read)
    try:
        try:
            relation = con.sql(statements[0].text)
            reader = relation.to_arrow_reader(batch_rows) if relation is not None else None
        except Exception as exc:
            raise _failed(ws, exc) from exc
        if reader is None:
            import pyarrow as pa

            reader = pa.RecordBatchReader.from_batches(pa.schema([]), [])
        yield reader
    finally:
        con.close()
