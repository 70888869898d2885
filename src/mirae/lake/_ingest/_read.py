"""Read any supported source into Arrow, and ingest it into a workspace table."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from mirae.core._progress import NullProgress, Progress
from mirae.errors import ConfigError, TableExistsError
from mirae.lake._arrow import iceberg_type
from mirae.lake._ingest import _http, _sql
from mirae.lake._ingest._result import IngestResult, SourceData
from mirae.lake._lineage import Lineage

if TYPE_CHECKING:
    from mirae.lake._workspace import Workspace, WriteMode


def read_source(
    source: str | os.PathLike[str],
    *,
    format: str | None = None,
    delimiter: str | None = None,
    header: bool | None = None,
    dtypes: Mapping[str, str] | None = None,
    encoding: str | None = None,
    on_bad_lines: Literal["error", "skip"] = "error",
    nrows: int | None = None,
    date_format: str | None = None,
    timestamp_format: str | None = None,
    thousands: str | None = None,
    sheet: str | int | None = None,
    record_path: str | list[str] | None = None,
    table: str | None = None,
    query: str | None = None,
    schema: str | None = None,
    match: str | None = None,
    table_index: int | None = None,
    paginate: bool = False,
    next_key: str = "next",
    max_pages: int = 1000,
    timeout: float = _http.TIMEOUT_S,
    chunk_rows: int = _sql.CHUNK_ROWS,
    progress: Progress | None = None,
) -> SourceData:
    """Read a file, URL or database into an Arrow table, without storing it.

    Parameters
    ----------
    source : str or path
        A file path (``.csv``, ``.tsv``, ``.txt``, optionally ``.gz``/``.xz``/``.bz2``;
        ``.parquet``; ``.xlsx``; ``.json``; ``.jsonl``/``.ndjson``; ``.html``), an
        ``http(s)://`` URL of such a file, or a SQLAlchemy database URL
        (``postgresql://user@host/db``, ``sqlite:///file.db``).
    format : str, optional
        ``csv``, ``parquet``, ``excel``, ``json``, ``jsonl``, ``html`` or ``sql``;
        detected from the suffix, the URL or its Content-Type when omitted.
    delimiter, header : optional
        CSV field separator and whether the first row names the columns;
        detected when omitted.
    dtypes : dict, optional
        ``{column: 'str' | 'int' | 'float' | 'date' | 'datetime' | 'bool'}``;
        a value that does not parse raises :class:`~mirae.errors.TypeParseError`.
    encoding : str, optional
        Text encoding; detected when omitted (UTF-8, UTF-8 with BOM, CP949/EUC-KR...).
    on_bad_lines : {'error', 'skip'}
        Malformed CSV/JSON Lines lines fail the read (listing their line
        numbers), or are left out and counted in ``skipped_rows``.
    nrows : int, optional
        Read only the first ``nrows`` rows.
    date_format, timestamp_format : str, optional
        CSV date/time layouts in strftime codes, e.g. ``'%m/%d/%Y %H:%M'``, for
        dates the detector does not recognise.
    thousands : str, optional
        The thousands separator of numbers stored as text: ``","`` (1,706.5;
        what is detected when omitted), ``"."`` (1.706,5, with a decimal comma),
        ``" "``, ``"'"`` or ``"_"``; ``"none"`` reads only plain numbers.
    sheet : str or int, optional
        Excel sheet name or 0-based index (default: the first sheet).
    record_path : str, optional
        Dotted key of the record list in a JSON document (``"data.items"``).
    table, query, schema : str, optional
        For database URLs: a table (optionally ``schema.table``) or a SQL query.
    match, table_index : optional
        For HTML pages: text the table must contain, and which matching table.
    paginate, next_key, max_pages : optional
        For JSON APIs: follow the ``next_key`` link (or a ``Link: rel=next``
        header) page after page.
    timeout : float
        Seconds to wait for an HTTP server.
    chunk_rows : int
        Rows fetched from a database at a time.
    progress : Progress, optional
        Receives progress events.

    Returns
    -------
    SourceData
        The table plus what was detected (encoding, delimiter, skipped lines, notes).

    Raises
    ------
    SourceNotFoundError, EmptySourceError, EncodingError, MalformedRowsError,
    TypeParseError, SchemaError, IngestError, ConfigError

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sales.csv"
    >>> _ = path.write_text("품목,수량\\n사과,3\\n배,5\\n", encoding="utf-8")
    >>> data = read_source(path)
    >>> data.table.to_pylist()
    [{'품목': '사과', '수량': 3}, {'품목': '배', '수량': 5}]
    >>> data.delimiter, data.encoding
    (',', 'utf-8')
    """
    from mirae.lake._ingest._connectors import ReadOptions, connector_for

    options = ReadOptions(
        format=format,
        delimiter=delimiter,
        header=header,
        dtypes=dtypes,
        encoding=encoding,
        on_bad_lines=on_bad_lines,
        nrows=nrows,
        date_format=date_format,
        timestamp_format=timestamp_format,
        thousands=thousands,
        sheet=sheet,
        record_path=record_path,
        table=table,
        query=query,
        schema=schema,
        match=match,
        table_index=table_index,
        paginate=paginate,
        next_key=next_key,
        max_pages=max_pages,
        timeout=timeout,
        chunk_rows=chunk_rows,
    )
    return connector_for(source, options).read(progress)


def ingest_into(
    ws: Workspace,
    source: str | os.PathLike[str],
    name: str,
    *,
    mode: WriteMode = "create",
    progress: Progress | None = None,
    **options: Any,
) -> IngestResult:
    """Read ``source`` completely, then store it as one new snapshot of table ``name``.

    The workspace is written once, after the whole source was read and
    checked, so a failed ingest changes nothing.

    Parameters
    ----------
    ws : Workspace
        Where to store the table.
    source : str or path
        As in :func:`read_source`.
    name : str
        The table name.
    mode : {'create', 'append', 'replace'}
        As in :meth:`Workspace.write`.
    progress : Progress, optional
        Receives progress events.
    **options
        Passed to :func:`read_source` (``format``, ``delimiter``, ``dtypes``...).

    Returns
    -------
    IngestResult
        The snapshot committed, rows, columns and types, and what was detected.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from mirae import Workspace
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("id,qty\\n1,3\\n2,5\\n")
    >>> result = Workspace(folder / "ws").ingest(folder / "a.csv", "orders")
    >>> result.rows, result.column_types
    (2, {'id': 'int64', 'qty': 'int64'})
    """
    from mirae.lake._catalog import check_table_name

    check_table_name(name)
    if mode not in ("create", "append", "replace"):
        msg = f"mode must be one of create, append, replace; got {mode!r}."
        raise ConfigError(msg)
    if mode == "create" and ws.exists(name):
        msg = (
            f"table '{name}' already exists; use mode='append' to add rows, "
            "mode='replace' to overwrite it, or drop it first."
        )
        raise TableExistsError(msg)
    progress = progress or NullProgress()
    data = read_source(source, progress=progress, **options)
    progress.start(f"writing table {name}")
    try:
        origin = {"source": data.source, "format": data.format}
        settings = {k: v for k, v in options.items() if k not in ("progress",)}
        lineage = Lineage("ingest", inputs=(origin,), spec={"mode": mode, **settings})
        snapshot = ws.write(name, data.table, mode=mode, source=data.source, lineage=lineage)
    finally:
        progress.finish()
    return IngestResult(
        table=name,
        snapshot=snapshot,
        rows=data.table.num_rows,
        columns=list(data.table.column_names),
        column_types={f.name: str(iceberg_type(f.type)) for f in data.table.schema},
        source=data.source,
        format=data.format,
        encoding=data.encoding,
        delimiter=data.delimiter,
        skipped_rows=data.skipped_rows,
        skipped_examples=list(data.skipped_examples),
        notes=list(data.notes),
    )
