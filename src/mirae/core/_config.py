"""Where things live: the workspace folder and the user recorded in history."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

DEFAULT_WORKSPACE = "mirae-workspace"


def default_workspace_path() -> Path:
    """Return the workspace folder used when none is given.

    ``MIRAE_HOME`` wins when set; otherwise ``./mirae-workspace``.

    Returns
    -------
    Path
        An absolute path (the folder may not exist yet).
    """
    home = os.environ.get("MIRAE_HOME")
    return Path(home or DEFAULT_WORKSPACE).expanduser().resolve()


def current_user() -> str:
    """Return the name recorded as the author of a snapshot.

    ``MIRAE_USER`` wins when set, so a server can record who asked.
    """
    user = os.environ.get("MIRAE_USER")
    if user:
        return user
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"
