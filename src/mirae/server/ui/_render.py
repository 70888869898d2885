"""How a workbench page is drawn: its language, its signed-in user, its CSRF token, its template.

Language: the ``mirae_lang`` cookie the KO/EN toggle sets, else the browser's
``Accept-Language`` (the first visit), else English for a browser that asks
for neither Korean nor English.

Forms are CSRF-safe twice over: every state-changing request from a browser
must come from this server's own pages (its ``Origin`` / ``Sec-Fetch-Site``,
checked for the whole app by :class:`mirae.server._csrf.SameOriginGuard`), and
every workbench form carries the token of the ``mirae_csrf`` cookie
(double submit), checked by :func:`check_csrf`.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from mirae.server._auth import User

__all__ = [
    "CSRF_COOKIE",
    "LANG_COOKIE",
    "check_csrf",
    "csrf_token",
    "page_lang",
    "redirect",
    "render",
]

#: Cookie of the language toggle (a year).
LANG_COOKIE = "mirae_lang"
#: Cookie of the double-submit CSRF token.
CSRF_COOKIE = "mirae_csrf"


def page_lang(request: Request) -> str:
    """The language of a page: the toggle's cookie, else the browser's preference (ko or en).

    Examples
    --------
    >>> from starlette.requests import Request
    >>> def req(header):
    ...     return Request({"type": "http", "headers": [(b"accept-language", header.encode())]})
    >>> page_lang(req("ko-KR,ko;q=0.9,en;q=0.8")), page_lang(req("en-US,en;q=0.9,ko;q=0.5"))
    ('ko', 'en')
    >>> page_lang(req("fr-FR,fr;q=0.9")), page_lang(req("fr;q=0.9,ko;q=0.3"))
    ('en', 'ko')
    """
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in ("ko", "en"):
        return chosen
    best, best_q = "en", -1.0
    for order, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        base = tag.strip().lower().split("-")[0]
        if base not in ("ko", "en"):
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q - order * 1e-6 > best_q:
            best, best_q = base, q - order * 1e-6
    return best


def csrf_token(request: Request) -> str:
    """This browser's CSRF token (the cookie's, or a new one :func:`render` sets)."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) != 43:
        token = getattr(request.state, "new_csrf", "") or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def check_csrf(request: Request, sent: str | None) -> bool:
    """Whether a form's token matches this browser's cookie (double submit)."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie and sent) and hmac.compare_digest(cookie, str(sent))


@functools.cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mirae.server", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlpart"] = lambda value: quote(str(value), safe="")
    env.filters["number"] = _number
    env.tests["endswith"] = lambda value, suffix: str(value).endswith(suffix)
    return env


def _number(value: Any) -> str:
    """A number as a person reads it: thousands separated, 4 significant digits for fractions."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def render(
    request: Request,
    template: str,
    *,
    user: User | None,
    title: str,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    """The page ``template`` (under ``server/templates/ui``) in the request's language."""
    from mirae import __version__
    from mirae.core._i18n import LABELS, label, message

    lang = page_lang(request)
    token = csrf_token(request)
    page = (
        _environment()
        .get_template(f"ui/{template}")
        .render(
            lang=lang,
            t=lambda key: label(key, lang),
            msg=lambda key, **params: message(key, lang, **params),
            title=title,
            title_text=label(title, lang) if title in LABELS else title,
            user=user,
            csrf=token,
            path=request.url.path,
            query=request.url.query,
            version=__version__,
            **values,
        )
    )
    response = HTMLResponse(
        page,
        status_code=status_code,
        headers={
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' "
            "'unsafe-inline'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; frame-ancestors 'self'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
        },
    )
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


def redirect(url: str) -> RedirectResponse:
    """See-other to a page of the workbench (after a form: the browser then GETs it)."""
    return RedirectResponse(url, status_code=303)
