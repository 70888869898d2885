"""What every workbench page needs: who is signed in, the page's context, role checks, error pages."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from mirae.server._auth import User
from mirae.server._deps import check_role, context_for, current_user
from mirae.server._errors import ApiError
from mirae.server.ui._render import check_csrf, redirect, render

__all__ = ["MaybeUser", "SignInNeeded", "context", "error_page", "form_of", "need", "signed_in"]


class SignInNeeded(Exception):  # noqa: N818 - a page flow, not an error: the browser is sent to sign in
    """The page needs a signed-in user: the browser is sent to the sign-in page."""


def _maybe_user(request: Request) -> User | None:
    try:
        return current_user(request)
    except ApiError as exc:
        if exc.status == 401:
            return None
        raise


MaybeUser = Annotated[User | None, Depends(_maybe_user)]


def signed_in(user: User | None) -> User:
    """``user``, or a redirect to the sign-in page when nobody is signed in."""
    if user is None:
        raise SignInNeeded
    return user


def need(user: User | None, role: str) -> User:
    """``user`` when signed in with ``role``'s rights; else sign-in, or a 403 page naming the role."""
    return check_role(signed_in(user), role)


def context(request: Request, user: User) -> Any:
    """The service context of this request (the workspace, written as ``user``)."""
    return context_for(request.app.state.settings, user)


async def form_of(request: Request) -> dict[str, str]:
    """A submitted form's text fields, after its CSRF token is checked (a 403 when it does not match)."""
    form = await request.form(max_files=0, max_fields=200)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not check_csrf(request, fields.get("csrf")):
        raise ApiError(
            403,
            "csrf",
            "the form's security token does not match this browser's; the form may have come from another page.",
            "Reload the page and submit the form again.",
        )
    return fields


def error_page(request: Request, status: int, error: str, detail: Any, hint: str) -> Response:
    """An error as a workbench page (a sign-in redirect for 401)."""
    if status == 401:
        return redirect(f"/ui/signin?next={quote(request.url.path)}")
    try:
        user = _maybe_user(request)
    except ApiError:
        user = None
    response: HTMLResponse = render(
        request,
        "error.html",
        user=user,
        title=str(status),
        status_code=status,
        status=status,
        error=error,
        detail=detail,
        hint=hint,
    )
    return response
