"""Workbench pages for tables: the start page, upload, a table's page, sign-in, language, static files."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from mirae.server._auth import UserStore, needs_token
from mirae.server._deps import TOKEN_COOKIE
from mirae.server._errors import ApiError
from mirae.server._jobs import JobsDep
from mirae.server._store import server_folder
from mirae.server.ui._common import MaybeUser, context, form_of, need, signed_in
from mirae.server.ui._render import LANG_COOKIE, check_csrf, page_lang, redirect, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: Static files of the workbench: name -> (package, path inside it, media type).
_STATIC = {
    "mirae.css": ("mirae.core", "templates/mirae.css", "text/css"),
    "ui.css": ("mirae.server", "static/ui.css", "text/css"),
    "ui.js": ("mirae.server", "static/ui.js", "text/javascript"),
}
_REPORT_NAME = re.compile(r"^[A-Za-z0-9가-힣_.-]{1,160}\.html$")
PREVIEW_ROWS = 50


def reports_folder(request: Request) -> Path:
    """Where the workbench's jobs write their HTML reports (inside the workspace)."""
    return server_folder(Path(request.app.state.settings.workspace)) / "reports"


def _safe_next(url: str | None) -> str:
    """Only a page of the workbench itself may be where a form sends the browser next."""
    if url and url.startswith("/ui/") and not url.startswith("//") and "\\" not in url:
        return url
    return "/ui/"


@router.get("/")
def root() -> Response:
    """The server's address opens the workbench."""
    return redirect("/ui/")


@router.get("/ui/static/{name}")
def static(name: str) -> Response:
    """The workbench's stylesheet, script and plotly.js (from the installed plotly package: no CDN)."""
    headers = {"Cache-Control": "public, max-age=86400"}
    if name == "plotly.min.js":
        import plotly

        path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        return FileResponse(path, media_type="text/javascript", headers=headers)
    if name not in _STATIC:
        raise ApiError(404, "not_found", f"no static file {name!r}.", "")
    package, inner, media = _STATIC[name]
    text = files(package).joinpath(inner).read_text(encoding="utf-8")
    return Response(text, media_type=media, headers=headers)


@router.get("/ui/lang/{lang}")
def set_lang(lang: str, next: Annotated[str | None, Query(max_length=500)] = None) -> Response:  # noqa: A002
    """The KO/EN toggle: remembered in a cookie for a year."""
    if lang not in ("ko", "en"):
        raise ApiError(404, "not_found", f"the workbench speaks ko and en; got {lang!r}.", "")
    response = redirect(_safe_next(next))
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/ui/signin", response_class=HTMLResponse)
def signin_page(
    request: Request,
    user: MaybeUser,
    next: Annotated[str | None, Query(max_length=500)] = None,  # noqa: A002
) -> Response:
    """Sign in with the token `mirae users add` printed (only on a server that needs tokens)."""
    return render(request, "signin.html", user=user, title="ui_signin", next=_safe_next(next), failed=False)


@router.post("/ui/signin", response_class=HTMLResponse)
async def signin(request: Request, user: MaybeUser) -> Response:
    """Check the token; on success keep it in an HttpOnly, SameSite=Strict cookie."""
    form = await form_of(request)
    target = _safe_next(form.get("next"))
    config = request.app.state.settings
    found = UserStore(config.workspace).authenticate(form.get("token", "").strip())
    if found is None:
        return render(
            request, "signin.html", user=None, title="ui_signin", next=target, failed=True, status_code=401
        )
    response = redirect(target)
    response.set_cookie(
        TOKEN_COOKIE, form["token"].strip(), httponly=True, samesite="strict", path="/", max_age=30 * 86400
    )
    return response


@router.post("/ui/signout")
async def signout(request: Request) -> Response:
    """Forget the token cookie."""
    await form_of(request)
    response = redirect("/ui/signin" if needs_token(request.app.state.settings.host) else "/ui/")
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response


@router.get("/ui/", response_class=HTMLResponse)
def home(request: Request, user: MaybeUser, jobs: JobsDep) -> Response:
    """The start page: tables, an upload box, models and the latest jobs."""
    from mirae.service import list_models

    user = signed_in(user)
    ctx = context(request, user)
    return render(
        request,
        "home.html",
        user=user,
        title="ui_home",
        tables=ctx.workspace.tables(),
        models=list_models(ctx),
        jobs=jobs.list()[:8],
    )


@router.post("/ui/upload")
async def upload(request: Request, user: MaybeUser, jobs: JobsDep) -> Response:
    """A file from the upload box (drag-and-drop or the file picker) into a table (analysts).

    The same saving and ingest as ``POST /api/tables``: a random file name,
    the size limit, ingest in the request up to 20 MB, else a job.
    """
    from mirae.server.routes.tables import ingest_upload

    user = need(user, "analyst")
    form = await request.form(max_files=1, max_fields=10)
    sent = form.get("csrf")
    if not check_csrf(request, sent if isinstance(sent, str) else None):
        await form.close()
        raise ApiError(403, "csrf", "the form's security token does not match.", "Reload the page.")
    name = str(form.get("name") or "")
    status, answer = await ingest_upload(form, request.app.state.settings, jobs, user)
    return redirect(f"/ui/jobs/{answer['id']}" if status == 202 else f"/ui/tables/{name}")


@router.get("/ui/tables/{name}", response_class=HTMLResponse)
def table_page(
    request: Request,
    name: str,
    user: MaybeUser,
    snapshot: Annotated[int | None, Query(ge=0)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """One table: preview with paging, columns, snapshots (time travel, drift), lineage, quality, EDA."""
    from mirae.server.routes.tables import page_rows

    user = signed_in(user)
    ws = context(request, user).workspace
    preview = page_rows(ws, name, offset=offset, limit=PREVIEW_ROWS, snapshot=snapshot)
    history = list(reversed(ws.history(name)))
    return render(
        request,
        "table.html",
        user=user,
        title=name,
        name=name,
        snapshot=snapshot,
        preview=preview,
        columns=ws.schema(name, snapshot=snapshot),
        history=history,
        lineage=ws.lineage(name, snapshot=snapshot),
        page_lang=page_lang(request),
    )


@router.get("/ui/reports/{file}", response_class=HTMLResponse)
def report_file(request: Request, file: str, user: MaybeUser) -> Response:
    """An HTML report a workbench job wrote (a name from the reports folder, never a path)."""
    signed_in(user)
    if not _REPORT_NAME.match(file):
        raise ApiError(404, "not_found", f"no report {file!r}.", "")
    path = reports_folder(request) / file
    if not path.is_file():
        raise ApiError(404, "not_found", f"no report {file!r} (yet).", "Run the job that writes it.")
    return FileResponse(
        path, media_type="text/html", headers={"Content-Security-Policy": "frame-ancestors 'self'"}
    )
