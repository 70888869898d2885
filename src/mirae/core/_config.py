"""Where things live: the workspace folder and the user recorded in history."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

DEFAULT_WORKSPACE = "mirae-workspace"


def default_workspace_path() -> Path:
    """Return the workspace folder used when none is given.

    ``./mirae-workspace``. The command line reads ``MIRAE_HOME``; the
    library reads no environment variable (a server passes paths explicitly).

    Returns
    -------
    Path
        An absolute path (the folder may not exist yet).
    """
    return Path(DEFAULT_WORKSPACE).resolve()


def current_user() -> str:
    """Return the login name, recorded as a snapshot's author unless a workspace is opened with ``user=``.

    The command line passes ``--user`` / ``MIRAE_USER``; a server passes who asked.
    """
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def cpu_jobs(n_jobs: int) -> int:
    """Workers for ``n_jobs``: itself when positive; ``-1`` all cores, ``-2`` all but one (joblib's rule).

    Examples
    --------
    >>> cpu_jobs(3), cpu_jobs(-1) == (os.cpu_count() or 1)
    (3, True)
    """
    if n_jobs >= 1:
        return n_jobs
    cores = os.cpu_count() or 1
    return max(1, cores + 1 + n_jobs)
