"""What a route depends on: the settings, the user and their role, a service context."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request

from mirae.server._auth import LOCAL_USER, User, UserStore, needs_token
from mirae.server._errors import ApiError
from mirae.server._settings import ServerSettings

__all__ = ["Ctx", "CurrentUser", "Settings", "check_role", "context_for", "current_user", "require"]

#: Cookie the web UI's sign-in sets (HttpOnly, SameSite=Strict).
TOKEN_COOKIE = "mirae_token"  # noqa: S105 - a cookie name, not a secret


async def settings(request: Request) -> ServerSettings:
    """The settings of this server (async: a dependency this cheap never needs a worker thread)."""
    value: ServerSettings = request.app.state.settings
    return value


Settings = Annotated[ServerSettings, Depends(settings)]


def current_user(request: Request) -> User:
    """The user of this request: the local user on 127.0.0.1, else the holder of the request's token."""
    config: ServerSettings = request.app.state.settings
    if not needs_token(config.host):
        return LOCAL_USER
    header = request.headers.get("authorization", "")
    token = (
        header[7:].strip() if header.lower().startswith("bearer ") else request.cookies.get(TOKEN_COOKIE, "")
    )
    if not token:
        raise ApiError(
            401,
            "unauthorized",
            f"this server is bound to {config.host} and every request needs a token.",
            "Send 'Authorization: Bearer <token>'; `mirae users add NAME --role viewer` prints one.",
        )
    user = UserStore(config.workspace).authenticate(token)
    if user is None:
        raise ApiError(401, "unauthorized", "the token is not valid.", "Ask an admin for a new token.")
    return user


async def _request_user(request: Request) -> User:
    # the dependency form of current_user: run on the event loop, not in a thread of the pool (each
    # thread hop costs a served prediction more than the user check itself)
    return current_user(request)


CurrentUser = Annotated[User, Depends(_request_user)]


def check_role(user: User, role: str) -> User:
    """``user`` when they have ``role``'s rights, else a 403 naming the role needed."""
    if not user.may(role):
        raise ApiError(
            403,
            "forbidden",
            f"user {user.name!r} has the role {user.role!r}; this needs {role!r}.",
            "Ask an admin to give you that role.",
        )
    return user


def require(role: str) -> Callable[..., Coroutine[Any, Any, User]]:
    """A dependency that lets a request through only when its user has ``role``'s rights."""

    async def check(user: CurrentUser) -> User:
        return check_role(user, role)

    return check


def context_for(config: ServerSettings, user: User) -> Any:
    """A :class:`~mirae.service.Context` for one request: the workspace written as ``user``."""
    from mirae.service import Context

    return Context.open(config.workspace, user=user.name, tracking_uri=config.tracking_uri)


def _context(config: Settings, user: CurrentUser) -> Any:
    return context_for(config, user)


Ctx = Annotated[Any, Depends(_context)]
