"""Workspace tables: upload (ingest), list, schema, rows with paging, snapshots and time travel,
quality, profile (JSON and HTML report) and lineage.

Uploads are saved under a fresh random name with the file's (allow-listed)
suffix inside ``WORKSPACE/server/uploads`` — the name a browser sends is never
used as a path — then read by the same ingest service as ``mirae ingest``. A
file up to :data:`SYNC_INGEST_BYTES` is ingested in the request (201 with the
ingest result); a larger one becomes a background job (202 with the job).
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field, ValidationError

from mirae.server._auth import User
from mirae.server._deps import Ctx, Settings, context_for, require
from mirae.server._errors import ApiError
from mirae.server._jobs import JobsDep
from mirae.server._store import server_folder

__all__ = ["SYNC_INGEST_BYTES", "TablePage", "ingest_upload", "page_rows", "router"]

router = APIRouter(prefix="/api/tables", tags=["tables"])

Viewer = Annotated[User, Depends(require("viewer"))]
Analyst = Annotated[User, Depends(require("analyst"))]
TableName = Annotated[str, Path(description="A workspace table.", max_length=200, examples=["credit"])]
Snapshot = Annotated[
    int | None, Query(description="Read the table as of this snapshot id (time travel).", ge=0)
]
Offset = Annotated[int, Query(ge=0, le=10**12, description="Rows to skip.")]
Limit = Annotated[int, Query(ge=1, le=10_000, description="Rows to return.")]
LangQuery = Annotated[Literal["ko", "en"], Query(description="Language of the report.")]

#: Uploads up to this size are ingested in the request; larger ones run as a job.
SYNC_INGEST_BYTES = 20 * 1024 * 1024
#: File suffixes an upload may have (the format is read from them; compression suffixes may follow).
UPLOAD_SUFFIXES = frozenset(
    {
        ".csv",
        ".tsv",
        ".txt",
        ".tab",
        ".parquet",
        ".parq",
        ".pq",
        ".xlsx",
        ".xlsm",
        ".json",
        ".jsonl",
        ".ndjson",
    }
)
COMPRESSIONS = frozenset({".gz", ".xz", ".bz2"})
_TABLE_NAME = re.compile(r"^[A-Za-z_가-힣][A-Za-z0-9_가-힣]{0,127}$")


# -- response models ------------------------------------------------------------------------------
class TableOut(BaseModel):
    """A table as listed: size, snapshots, last update."""

    name: str
    rows: int
    columns: int
    snapshots: int
    updated_at: str | None = None
    column_names: list[str] = Field(default_factory=list)


class ColumnOut(BaseModel):
    """One column of a table's schema."""

    name: str
    type: str
    nullable: bool = True


class SchemaOut(BaseModel):
    """A table's columns (at a snapshot)."""

    table: str
    snapshot: int | None
    columns: list[ColumnOut]


class TablePage(BaseModel):
    """One page of a table's rows: ``rows`` from ``offset``, ``total`` rows in all."""

    table: str
    snapshot: int | None
    offset: int
    limit: int
    total: int
    columns: list[str]
    rows: list[dict[str, Any]]


class SnapshotOut(BaseModel):
    """One committed version of a table: pass ``snapshot_id`` as ``?snapshot=`` to read it."""

    snapshot_id: int
    committed_at: str
    operation: str
    mode: str
    rows_added: int
    rows_deleted: int
    total_rows: int
    source: str
    user: str
    parent_id: int | None = None
    lineage: dict[str, Any] | None = None


class IngestOut(BaseModel):
    """What an upload stored: the table, its new snapshot and how the file was read."""

    table: str
    snapshot: dict[str, Any]
    rows: int
    columns: list[str]
    column_types: dict[str, str]
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    skipped_rows: int = 0
    notes: list[str] = Field(default_factory=list)


class UploadForm(BaseModel):
    """The form fields of an upload besides the file."""

    name: str = Field(min_length=1, max_length=128, description="Table to write.")
    mode: Literal["create", "append", "replace"] = "create"
    encoding: str | None = Field(
        default=None, max_length=40, description="Text encoding (default: detected)."
    )
    sheet: str | None = Field(default=None, max_length=100, description="Excel sheet (default: the first).")


# -- helpers shared by the other resource routers -------------------------------------------------
def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def page_rows(
    ws: Any,
    table: str,
    *,
    offset: int = 0,
    limit: int = 100,
    snapshot: int | None = None,
    where: dict[str, Any] | None = None,
    order_by: list[str] | None = None,
) -> TablePage:
    """A page of ``table`` (at ``snapshot``), rows equal to ``where``'s values only, in ``order_by`` order."""
    from mirae.core._json import to_jsonable

    columns = [c.name for c in ws.schema(table, snapshot=snapshot)]
    filters = {k: v for k, v in (where or {}).items() if v is not None}
    unknown = [k for k in filters if k not in columns]
    if unknown:
        raise ApiError(
            422,
            "unknown_column",
            f"table {table!r} has no column(s) {unknown}; its columns are {columns}.",
            "Filter on one of the table's columns.",
        )
    clause = " AND ".join(f"CAST({_quote(k)} AS VARCHAR) = ?" for k in filters)
    where_sql = f" WHERE {clause}" if clause else ""
    order = [c for c in (order_by or []) if c in columns]
    order_sql = f" ORDER BY {', '.join(_quote(c) for c in order)}" if order else ""
    params = [str(v) for v in filters.values()]
    con = ws.connect(snapshots={table: snapshot} if snapshot is not None else None, only=[table])
    try:
        total = int(con.execute(f"SELECT count(*) FROM {_quote(table)}{where_sql}", params).fetchone()[0])  # noqa: S608 - names quoted, values bound
        cursor = con.execute(
            f"SELECT * FROM {_quote(table)}{where_sql}{order_sql} LIMIT {int(limit)} OFFSET {int(offset)}",  # noqa: S608
            params,
        )
        names = [d[0] for d in cursor.description]
        fetched = cursor.fetchall()
    finally:
        con.close()
    rows = to_jsonable([dict(zip(names, row, strict=True)) for row in fetched])
    return TablePage(
        table=table,
        snapshot=snapshot if snapshot is not None else ws.current_snapshot_id(table),
        offset=offset,
        limit=limit,
        total=total,
        columns=columns,
        rows=rows,
    )


def html_page(text: str) -> HTMLResponse:
    """A report page, framed by nothing else (the report brings its own stylesheet and scripts)."""
    return HTMLResponse(text, headers={"Content-Security-Policy": "frame-ancestors 'self'"})


def safe_suffix(filename: str | None) -> str:
    """The upload's format suffix (``.csv``, ``.csv.gz``, ``.xlsx``) from an allow-list; never a path."""
    name = FilePath((filename or "").replace("\\", "/")).name.lower()
    parts = [f".{p}" for p in name.split(".")[1:]]
    compression = parts.pop() if parts and parts[-1] in COMPRESSIONS else ""
    if not parts or parts[-1] not in UPLOAD_SUFFIXES:
        raise ApiError(
            400,
            "unsupported_file",
            f"an upload must be a CSV, TSV, text, Excel (.xlsx), Parquet or JSON file; got {name or 'no file name'!r}.",
            "Save the table as .csv or .xlsx (or .parquet) and upload that.",
        )
    return parts[-1] + compression


def _too_large(size: float, limit: int) -> ApiError:
    return ApiError(
        413,
        "too_large",
        f"the upload is {size / 1024 / 1024:.1f} MB; this server accepts at most {limit / 1024 / 1024:.1f} MB.",
        "Split the file, compress it (.csv.gz), or start the server with a larger --max-upload-mb.",
    )


# -- routes --------------------------------------------------------------------------------------
@router.get("", response_model=list[TableOut])
def list_tables(ctx: Ctx, user: Viewer) -> list[TableOut]:
    """Every table of the workspace with its rows, columns, snapshots and last update."""
    return [TableOut.model_validate(t.to_dict()) for t in ctx.workspace.tables()]


@router.post(
    "",
    status_code=201,
    response_model=IngestOut,
    responses={202: {"description": "A large file: the ingest runs as a job (the job record)."}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file", "name"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "name": {"type": "string", "minLength": 1, "maxLength": 128},
                            "mode": {"type": "string", "enum": ["create", "append", "replace"]},
                            "encoding": {"type": "string", "maxLength": 40},
                            "sheet": {"type": "string", "maxLength": 100},
                        },
                    }
                }
            },
        }
    },
)
async def upload_table(request: Request, config: Settings, jobs: JobsDep, user: Analyst) -> Any:
    """Upload a file (CSV incl. CP949, Excel, Parquet, JSON) into a table (analysts).

    Too large for the server's limit: 413 before the file is read. Up to 20 MB
    the ingest runs now (201); a larger file is ingested by a background job
    (202 with the job; follow it at ``/api/jobs/{id}``).
    """
    limit = config.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:  # the form's own bytes aside
        raise _too_large(int(declared), limit)
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception as exc:  # a body that is not a multipart form
        raise ApiError(
            400, "invalid_upload", f"the body is not a multipart form with a file: {exc}",
            "Send multipart/form-data with the fields file and name.",
        ) from None  # fmt: skip
    status, answer = await ingest_upload(form, config, jobs, user)
    return JSONResponse(answer, status_code=status)


async def ingest_upload(form: Any, config: Any, jobs: Any, user: User) -> tuple[int, dict[str, Any]]:
    """Save an uploaded form's file and ingest it: (201, the ingest result) up to
    :data:`SYNC_INGEST_BYTES`, else (202, the ingest job's record). The form is closed.
    """
    try:
        target, size, fields = await _save_upload(form, config)
    finally:
        await form.close()
    spec_fields: dict[str, Any] = {"source": str(target), "name": fields.name, "mode": fields.mode}
    options = {k: v for k, v in (("encoding", fields.encoding), ("sheet", fields.sheet)) if v}
    if options:
        spec_fields["options"] = options
    if size > SYNC_INGEST_BYTES:
        return 202, jobs.submit("ingest", spec_fields, user).to_dict()
    try:
        result = await run_in_threadpool(_ingest_now, config, user, spec_fields)
    finally:
        target.unlink(missing_ok=True)
    return 201, result


async def _save_upload(form: Any, config: Any) -> tuple[FilePath, int, UploadForm]:
    """The uploaded file saved under a random name with a safe suffix; its size; the form's fields."""
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise ApiError(
            422, "invalid_request", "file: a file is required.", "Send the table as the form field file."
        )
    try:
        fields = UploadForm.model_validate(
            {k: v for k, v in form.items() if k != "file" and isinstance(v, str)}
        )
    except ValidationError as exc:
        shown = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise ApiError(422, "invalid_request", shown, "See the request schema at /docs.") from None
    if not _TABLE_NAME.match(fields.name):
        raise ApiError(
            422,
            "invalid_request",
            f"name: table names are letters, digits and '_' (not starting with a digit); got {fields.name!r}.",
            "Choose a name such as sales_2024.",
        )
    suffix = safe_suffix(upload.filename)
    folder = server_folder(FilePath(config.workspace)) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    limit = config.max_upload_bytes
    target = folder / f"{secrets.token_hex(12)}{suffix}"
    size = 0
    try:
        with target.open("wb") as out:
            while chunk := await upload.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise _too_large(size, limit)
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if size == 0:
        target.unlink(missing_ok=True)
        raise ApiError(
            422, "empty_upload", "the uploaded file is empty.", "Upload a file with a header row and data."
        )
    return target, size, fields


def _ingest_now(config: Any, user: User, fields: dict[str, Any]) -> dict[str, Any]:
    from mirae.service import IngestSpec, ingest

    result = ingest(context_for(config, user), IngestSpec.parse(**fields))
    data: dict[str, Any] = IngestOut.model_validate(result.to_dict()).model_dump(mode="json")
    return data


@router.get("/{name}/schema", response_model=SchemaOut)
def table_schema(name: TableName, ctx: Ctx, user: Viewer, snapshot: Snapshot = None) -> SchemaOut:
    """The columns of a table (as of ``snapshot``) with their types."""
    ws = ctx.workspace
    columns = [ColumnOut.model_validate(c.to_dict()) for c in ws.schema(name, snapshot=snapshot)]
    return SchemaOut(
        table=name,
        snapshot=snapshot if snapshot is not None else ws.current_snapshot_id(name),
        columns=columns,
    )


@router.get("/{name}/rows", response_model=TablePage)
def table_rows(
    name: TableName, ctx: Ctx, user: Viewer, offset: Offset = 0, limit: Limit = 100, snapshot: Snapshot = None
) -> TablePage:
    """A page of a table's rows (``offset``, ``limit``), as of ``snapshot`` when given."""
    return page_rows(ctx.workspace, name, offset=offset, limit=limit, snapshot=snapshot)


@router.get("/{name}/snapshots", response_model=list[SnapshotOut])
def table_snapshots(name: TableName, ctx: Ctx, user: Viewer) -> list[SnapshotOut]:
    """Every snapshot of a table, oldest first: who wrote it, when, from what."""
    return [SnapshotOut.model_validate(s.to_dict()) for s in ctx.workspace.history(name)]


@router.get("/{name}/lineage")
def table_lineage(name: TableName, ctx: Ctx, user: Viewer, snapshot: Snapshot = None) -> dict[str, Any]:
    """Where a table (as of ``snapshot``) came from, step by step back to the ingested files."""
    data: dict[str, Any] = ctx.workspace.lineage(name, snapshot=snapshot).to_dict()
    return data


def _quality(ctx: Any, name: str, against: int | None) -> Any:
    from mirae.service import QualitySpec, quality

    return quality(ctx, QualitySpec(table=name, against=against))


Against = Annotated[int | None, Query(ge=0, description="Compare with this earlier snapshot (drift).")]


@router.get("/{name}/quality")
def table_quality(name: TableName, ctx: Ctx, user: Viewer, against: Against = None) -> dict[str, Any]:
    """The data-quality findings of a table (with drift against snapshot ``against`` when given)."""
    data: dict[str, Any] = _quality(ctx, name, against).to_dict()
    return data


@router.get("/{name}/quality/report", response_class=HTMLResponse)
def table_quality_report(
    name: TableName, ctx: Ctx, user: Viewer, against: Against = None, lang: LangQuery = "ko"
) -> HTMLResponse:
    """The data-quality report of a table as an HTML page (Korean or English)."""
    return html_page(_quality(ctx, name, against).to_html(lang=lang))


def _profile(ctx: Any, name: str) -> Any:
    from mirae.service import ProfileSpec, profile

    return profile(ctx, ProfileSpec(table=name))


@router.get("/{name}/profile")
def table_profile(name: TableName, ctx: Ctx, user: Viewer) -> dict[str, Any]:
    """The EDA profile of a table: per-column statistics, distributions, correlations."""
    data: dict[str, Any] = _profile(ctx, name).to_dict()
    return data


@router.get("/{name}/profile/report", response_class=HTMLResponse)
def table_profile_report(name: TableName, ctx: Ctx, user: Viewer, lang: LangQuery = "ko") -> HTMLResponse:
    """The EDA profile of a table as an HTML page with its charts (Korean or English)."""
    return html_page(_profile(ctx, name).to_html(lang=lang))
