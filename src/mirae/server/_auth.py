"""Users, roles and tokens: who may call what.

Bound to the loopback address 127.0.0.1 (or ``localhost``, ``::1``), the
server needs no login: every request acts as the local user with the admin
role, as a desktop tool does. Bound to any other address — ``0.0.0.0``, a LAN
address, or another loopback address such as ``127.0.0.2`` — every request
needs a token: ``Authorization: Bearer <token>`` (API clients) or the
``mirae_token`` cookie the web UI's sign-in sets. Tokens are printed once by
``mirae users add`` and stored only as SHA-256 digests (they are 256-bit
random values, so a plain digest is as strong as a slow hash).

Roles, each including the ones before it:

- ``viewer``: read tables, reports, models and predictions;
- ``analyst``: also ingest, train, forecast, segment, detect and run jobs;
- ``admin``: also manage users and model aliases.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from mirae.errors import ConfigError
from mirae.server._store import read_json, server_folder, write_json

__all__ = ["LOCAL_HOSTS", "ROLES", "Role", "User", "UserStore", "needs_token"]

Role = Literal["viewer", "analyst", "admin"]
#: The roles, weakest first: each may do what the ones before it may.
ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
#: Addresses a server may bind to without asking for tokens.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_NAME = re.compile(r"^[A-Za-z0-9가-힣][A-Za-z0-9가-힣._-]{0,63}$")


def needs_token(host: str) -> bool:
    """Whether a server bound to ``host`` asks every request for a token."""
    return host not in LOCAL_HOSTS


def role_at_least(role: str, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may."""
    return ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True)
class User:
    """Who a request acts for."""

    name: str
    role: str

    def may(self, needed: str) -> bool:
        """Whether this user has ``needed``'s rights."""
        return role_at_least(self.role, needed)


#: The user of a server bound to 127.0.0.1 (no login: the person at the machine).
LOCAL_USER = User("local", "admin")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class UserStore:
    """The users of one workspace (``WORKSPACE/server/users.json``)."""

    def __init__(self, workspace: Path) -> None:
        self.path = server_folder(workspace) / "users.json"

    def _load(self) -> dict[str, dict[str, Any]]:
        data: dict[str, dict[str, Any]] = read_json(self.path, {})
        return data

    def add(self, name: str, role: str) -> str:
        """Add user ``name`` with ``role`` and return their new token (shown once, stored hashed)."""
        if not _NAME.match(name):
            msg = (
                f"user name {name!r} is not allowed; use 1-64 letters, digits, '.', '_' or '-' "
                "(starting with a letter or digit)."
            )
            raise ConfigError(msg)
        if role not in ROLES:
            msg = f"role {role!r} is not one of {', '.join(ROLES)}."
            raise ConfigError(msg)
        users = self._load()
        if name in users:
            msg = f"user {name!r} already exists; remove it first (mirae users remove {name}) to issue a new token."
            raise ConfigError(msg)
        token = secrets.token_urlsafe(32)
        users[name] = {
            "role": role,
            "token_sha256": _digest(token),
            "created_at": datetime.now(UTC).isoformat(),
        }
        write_json(self.path, users)
        return token

    def remove(self, name: str) -> None:
        """Remove user ``name`` (their token stops working at once)."""
        users = self._load()
        if name not in users:
            msg = f"no user {name!r}; the users are: {', '.join(sorted(users)) or 'none yet'}."
            raise ConfigError(msg)
        del users[name]
        write_json(self.path, users)

    def list(self) -> list[dict[str, Any]]:
        """Every user's name, role and creation time (never the token)."""
        return [
            {"name": name, "role": entry["role"], "created_at": entry.get("created_at")}
            for name, entry in sorted(self._load().items())
        ]

    def authenticate(self, token: str) -> User | None:
        """The user holding ``token``, or None."""
        wanted = _digest(token)
        for name, entry in self._load().items():
            if hmac.compare_digest(str(entry.get("token_sha256", "")), wanted):
                return User(name, str(entry["role"]))
        return None
