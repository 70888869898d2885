"""Every error as JSON ``{"error", "detail", "hint"}`` with the status that fits; never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mirae import errors

__all__ = ["ApiError", "error_body", "install_error_handlers", "status_of"]

_log = logging.getLogger("mirae.server")

#: mirae's errors -> (HTTP status, hint); the first matching class wins (most specific first)
_STATUS: list[tuple[type[BaseException], int, str]] = [
    (errors.TableNotFoundError, 404, "GET /api/tables lists the workspace's tables."),
    (errors.SnapshotNotFoundError, 404, "GET /api/tables/{name}/snapshots lists a table's snapshots."),
    (errors.ModelNotFoundError, 404, "GET /api/models lists the registered models and their aliases."),
    (errors.TableExistsError, 409, "Choose another name, or write with mode=replace."),
    (errors.ModelIntegrityError, 409, "The model's files changed since they were logged; register it again."),
    (errors.QueryError, 400, "Check the SQL against the tables' schemas."),
    (errors.IngestError, 400, "Check the file's format, encoding and columns."),
    (errors.SchemaError, 422, "Compare the columns with the table's or the model's schema."),
    (errors.ConfigError, 422, "Check the request's fields against the schema at /docs."),
    (errors.MiraeError, 400, "See the detail for what to change."),
]


class ApiError(Exception):
    """An error a route raises on purpose, with its status and hint."""

    def __init__(self, status: int, error: str, detail: str, hint: str = "") -> None:
        super().__init__(detail)
        self.status, self.error, self.detail, self.hint = status, error, detail, hint


def error_body(error: str, detail: Any, hint: str = "") -> dict[str, Any]:
    """The one JSON shape of every error response."""
    return {"error": error, "detail": detail, "hint": hint}


def status_of(exc: BaseException) -> tuple[int, str]:
    """The HTTP status and hint for one of mirae's errors."""
    for kind, status, hint in _STATUS:
        if isinstance(exc, kind):
            return status, hint
    return 500, ""


def _for_page(request: Request) -> bool:
    """Whether the request is for a workbench page (errors as a page, not JSON)."""
    return request.url.path.startswith("/ui/") or request.url.path == "/ui"


def _respond(request: Request, status: int, error: str, detail: Any, hint: str, headers: Any = None) -> Any:
    if _for_page(request):
        from mirae.server.ui._common import error_page

        return error_page(request, status, error, detail, hint)
    return JSONResponse(error_body(error, detail, hint), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Make every failure a JSON error with a fitting status (a page of the same words for the workbench)."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> Any:
        return _respond(request, exc.status, exc.error, exc.detail, exc.hint)

    @app.exception_handler(errors.MiraeError)
    async def _mirae(request: Request, exc: errors.MiraeError) -> Any:
        status, hint = status_of(exc)
        return _respond(request, status, type(exc).__name__, str(exc), hint)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Any:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        shown = "; ".join(f"{p['where']}: {p['problem']}" for p in problems[:5])
        return _respond(request, 422, "invalid_request", shown, "See the request schema at /docs.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        names = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
        }
        error = names.get(exc.status_code, "http_error")
        return _respond(request, exc.status_code, error, str(exc.detail), "", getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Any:  # the last line of defence
        _log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _respond(
            request,
            500,
            "internal_error",
            f"{type(exc).__name__}: mirae could not complete the request.",
            "This is a bug in mirae; the server log has the details.",
        )
