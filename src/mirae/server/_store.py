"""Small JSON records the server keeps in the workspace (users, jobs): written whole or not at all."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mirae.core._json import dumps

__all__ = ["read_json", "server_folder", "write_json"]


def server_folder(workspace: Path) -> Path:
    """``WORKSPACE/server``: the server's own records (created when missing)."""
    folder = workspace / "server"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_json(path: Path, default: Any) -> Any:
    """The JSON in ``path``, or ``default`` when the file does not exist yet."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` to ``path`` atomically: a reader sees the old file or the new one, never half."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    staging.write_text(dumps(data, indent=2), encoding="utf-8")
    os.replace(staging, path)
