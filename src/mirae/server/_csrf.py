"""Cross-site request forgery: a browser may change the workspace only from this server's own pages.

On 127.0.0.1 the server needs no login, and on a shared address the web UI's
sign-in is a cookie: either way another web site open in the same browser
could send a form (a multipart upload, a job start) to the server. Browsers
say where a request comes from (``Origin``, ``Sec-Fetch-Site``), so a
state-changing request (POST, PUT, PATCH, DELETE) that says it comes from
another site is refused with a 403 before any route runs. Clients that are
not browsers (curl, scripts, the tests) send neither header and pass; the web
UI's forms also carry a double-submit token (:mod:`mirae.server.ui._render`).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

__all__ = ["SameOriginGuard", "cross_site"]

_SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def cross_site(method: str, headers: dict[str, str], scheme: str) -> bool:
    """Whether a request is a state change sent by another site's page.

    Examples
    --------
    >>> cross_site("POST", {"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"}, "http")
    False
    >>> cross_site("POST", {"host": "127.0.0.1:8000", "origin": "http://evil.example"}, "http")
    True
    >>> cross_site("POST", {"host": "127.0.0.1:8000", "sec-fetch-site": "same-site"}, "http")
    True
    >>> cross_site("GET", {"host": "127.0.0.1:8000", "origin": "http://evil.example"}, "http")
    False
    >>> cross_site("POST", {"host": "127.0.0.1:8000"}, "http")
    False
    """
    if method.upper() in _SAFE:
        return False
    site = headers.get("sec-fetch-site", "").lower()
    if site in ("cross-site", "same-site"):
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc.lower()) != (scheme, headers.get("host", "").lower())


class SameOriginGuard:
    """ASGI middleware: a 403 JSON error for state-changing requests from another site."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            if cross_site(scope["method"], headers, scope.get("scheme", "http")):
                body = json.dumps(
                    {
                        "error": "cross_site_request",
                        "detail": "this request comes from another web site's page; mirae accepts changes "
                        "only from its own pages.",
                        "hint": "Use the workbench itself, or call the API from a script (no browser).",
                    }
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 403,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
