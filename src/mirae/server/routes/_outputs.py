"""What the task routers share: finding the outputs a use case wrote, and the shapes they answer in.

A use case's output is a workspace table whose latest snapshot records (in
its lineage) the operation that wrote it and the spec it ran with; the
routers read the spec back to know the output's columns (the id, the time,
the user column) without asking the client again.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Query
from pydantic import BaseModel, Field

from mirae.server._auth import User
from mirae.server._deps import require
from mirae.server._errors import ApiError

__all__ = [
    "ERRORS",
    "Analyst",
    "ErrorOut",
    "Limit",
    "Offset",
    "OutputName",
    "Viewer",
    "job_fields",
    "output_spec",
    "require_table",
]

Viewer = Annotated[User, Depends(require("viewer"))]
Analyst = Annotated[User, Depends(require("analyst"))]
OutputName = Annotated[
    str, Path(description="The output table (the use case's `into`).", max_length=200, examples=["sales_fc"])
]
Offset = Annotated[int, Query(ge=0, le=10**12, description="Rows to skip.")]
Limit = Annotated[int, Query(ge=1, le=10_000, description="Rows to return.")]


class ErrorOut(BaseModel):
    """Every error the API answers: what went wrong and how to fix it."""

    error: str = Field(description="A short code: not_found, forbidden, invalid_request, ...")
    detail: Any = Field(description="What was wrong.")
    hint: str = Field(default="", description="How to fix it.")


#: The errors every task route can answer, in the one error shape (for the OpenAPI schema).
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid token (servers beyond 127.0.0.1)."},
    403: {"model": ErrorOut, "description": "The user's role may not do this."},
    404: {"model": ErrorOut, "description": "No such output (the hint says how to make one)."},
    422: {"model": ErrorOut, "description": "Invalid fields or parameters."},
}


class RowsOut(BaseModel):
    """One page of an output's rows: ``rows`` from ``offset``, ``total`` rows in all (after the filters)."""

    table: str
    offset: int
    limit: int
    total: int
    columns: list[str]
    rows: list[dict[str, Any]]
    filters: dict[str, Any] = Field(default_factory=dict, description="The filters applied.")


def job_fields(spec: Any) -> dict[str, Any]:
    """The fields a client sent for ``spec`` (as a job's fields): what was set, under the wire names."""
    fields: dict[str, Any] = spec.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return fields


def require_table(ws: Any, name: str, what: str, hint: str) -> None:
    """404 (``what`` ``name`` is missing, ``hint`` says how to make it) unless table ``name`` exists."""
    if not ws.exists(name):
        raise ApiError(
            404, "not_found", f"there is no table {name!r} in the workspace ({what} wanted).", hint
        )


def output_spec(ctx: Any, name: str, operations: tuple[str, ...], what: str, hint: str) -> dict[str, Any]:
    """The spec that wrote output table ``name``, which must come from one of ``operations``.

    Parameters
    ----------
    ctx : Context
        The request's service context.
    name : str
        The output table (the use case's ``into``).
    operations : tuple of str
        Lineage operations that make this kind of output (``forecast``; ``detect``, ``detect-logs``).
    what : str
        The kind of output in words (``forecast``), for the error.
    hint : str
        How to create one, for the error.

    Returns
    -------
    dict
        The use case's spec as recorded (``{}`` when the record was cut), with
        ``operation`` added.

    Raises
    ------
    ApiError
        404 when the table is missing or another operation wrote it.
    """
    ws = ctx.workspace
    require_table(ws, name, what, hint)
    history = ws.history(name)
    lineage = history[-1].lineage if history else None
    made_by = lineage.operation if lineage is not None else "a plain write"
    if lineage is None or lineage.operation not in operations:
        raise ApiError(
            404,
            "not_found",
            f"table {name!r} is no {what} output: it was made by {made_by}.",
            hint,
        )
    spec = lineage.spec or {}
    into = spec.get("into")
    if into is not None and into != name:  # a side table ({into}_scores) carries its output's lineage
        raise ApiError(
            404,
            "not_found",
            f"table {name!r} is a side table of the {what} output {into!r}, not the output itself.",
            f"Ask for {into!r} instead (its sub-resources include this table).",
        )
    return {**spec, "operation": lineage.operation}


def page(
    ws: Any,
    table: str,
    *,
    offset: int,
    limit: int,
    where: dict[str, Any] | None = None,
    order_by: list[str] | None = None,
) -> RowsOut:
    """A page of ``table`` with ``where``'s filters (equal values; None: no filter) in ``order_by`` order."""
    from mirae.server.routes.tables import page_rows

    filters = {k: v for k, v in (where or {}).items() if v is not None}
    rows = page_rows(ws, table, offset=offset, limit=limit, where=filters, order_by=order_by)
    return RowsOut(
        table=table,
        offset=rows.offset,
        limit=rows.limit,
        total=rows.total,
        columns=rows.columns,
        rows=rows.rows,
        filters=filters,
    )
