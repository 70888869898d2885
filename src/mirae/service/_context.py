"""Who runs a use case, where: built once at the edge (CLI, server) and passed to every service."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mirae.lake import Workspace
    from mirae.track import Tracker

__all__ = ["Context"]


@dataclass
class Context:
    """The workspace, the tracking store and the user a use case runs for.

    The command line (and later the server, per request) builds one from its
    options; nothing below it reads an environment variable. A multi-user
    server builds one ``Context`` per request, with that user's name.

    Parameters
    ----------
    workspace : Workspace
        Holds the tables; its ``user`` is the author of every snapshot written.
    tracking_uri : str, optional
        MLflow tracking store; default: the workspace's own ``mlflow.db``.

    Examples
    --------
    >>> import tempfile
    >>> ctx = Context.open(tempfile.mkdtemp(), user="analyst")
    >>> ctx.user, ctx.tracker() is ctx.tracker()
    ('analyst', True)
    """

    workspace: Workspace
    tracking_uri: str | None = None
    _tracker: Any = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        user: str | None = None,
        tracking_uri: str | None = None,
    ) -> Context:
        """Open the workspace at ``path`` (created when missing) for ``user``."""
        from mirae.lake import Workspace

        return cls(Workspace(path, user=user), tracking_uri=tracking_uri)

    @property
    def user(self) -> str:
        """The author recorded on new snapshots and runs."""
        return str(self.workspace.user)

    def tracker(self) -> Tracker:
        """The tracking store of this context (one per context; opened on first use)."""
        if self._tracker is None:
            from mirae.track import Tracker

            self._tracker = Tracker.for_workspace(self.workspace.path, tracking_uri=self.tracking_uri)
        tracker: Tracker = self._tracker
        return tracker
