"""The web workbench: server-rendered pages (Jinja2) under ``/ui/``, Korean and English.

People who do not program upload a table, look at it, train a model or run a
forecast, follow the job and try "what if" — through the same service
functions and specs as the command line and the REST API (the pages call
them directly or through the job manager; no rule is written twice). Pages
are plain HTML with a little JavaScript and plotly.js from the installed
package: no CDN, no build step, works offline.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request

__all__ = ["install"]


def install(app: FastAPI) -> None:
    """Mount the workbench's pages on ``app`` (the sign-in redirect included)."""
    from urllib.parse import quote

    from mirae.server.ui import _pages, _work
    from mirae.server.ui._common import SignInNeeded
    from mirae.server.ui._render import redirect

    app.include_router(_pages.router)
    app.include_router(_work.router)

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, exc: SignInNeeded) -> Any:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(f"/ui/signin?next={quote(target)}")
