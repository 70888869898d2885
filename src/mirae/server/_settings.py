"""How one server runs: its workspace, address, limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["ServerSettings"]


@dataclass(frozen=True)
class ServerSettings:
    """The settings of one ``mirae serve`` process.

    Parameters
    ----------
    workspace : Path
        The workspace served (tables, models, jobs, users).
    host : str
        Address the server binds to; any other than 127.0.0.1 / localhost / ::1
        makes every request need a token.
    port : int
        TCP port.
    models_only : bool
        Serve only the prediction API (production scoring): no UI, no tables, no jobs.
    max_upload_mb : float
        Largest upload accepted; a larger one gets a 413.
    tracking_uri : str, optional
        MLflow tracking store (default: the workspace's).
    workers : int
        Processes that run background jobs.
    """

    workspace: Path
    host: str = "127.0.0.1"
    port: int = 8000
    models_only: bool = False
    max_upload_mb: float = 200.0
    tracking_uri: str | None = None
    workers: int = 2

    @property
    def max_upload_bytes(self) -> int:
        """The upload limit in bytes."""
        return int(self.max_upload_mb * 1024 * 1024)
