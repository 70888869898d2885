"""The child side of a background job: run one service function in its own process.

A job runs in a process started with the ``spawn`` context (never ``fork``:
the server has threads, DuckDB and MLflow clients), in its own process group
so that cancelling it also stops the processes it started (joblib workers).
Its stdout and stderr, logging and warnings go to the job's log file; what the
server learns comes back as messages over a pipe:

- ``{"type": "progress", "task", "done", "total", "eta_s"}`` at most
  :data:`PROGRESS_PER_S` times a second (and at every new task);
- ``{"type": "done", "result": {...}}``: the service result's ``to_dict()``;
- ``{"type": "failed", "error": {"error", "detail", "hint"}}``: the same shape
  as an API error; the traceback goes to the log only.
"""

from __future__ import annotations

import inspect
import logging
import os
import sys
import time
import traceback
from typing import Any

__all__ = ["PROGRESS_PER_S", "JobCancelled", "PipeProgress", "error_of", "run_job"]

#: Most progress messages a job sends per second (a new task is always sent).
PROGRESS_PER_S = 4.0


class JobCancelled(BaseException):  # noqa: N818 - it is not an error: the user stopped the job
    """Raised in a job's process when the server cancels it (SIGTERM), so open runs end as FAILED."""


def _cancelled(signum: int, frame: Any) -> None:
    raise JobCancelled


class PipeProgress:
    """A :class:`mirae.core.Progress` that sends counts (task, done, total, eta) to the server.

    Parameters
    ----------
    send : callable
        Called with one JSON-ready message dict.
    log : logging.Logger
        Where each task's start and end are written (the job's log).

    Examples
    --------
    >>> sent = []
    >>> progress = PipeProgress(sent.append, logging.getLogger("doctest"))
    >>> progress.start("fitting", total=4)
    >>> progress.advance(2)
    >>> progress.finish()
    >>> sent[0]["task"], sent[-1]["done"], sent[-1]["total"]
    ('fitting', 4.0, 4.0)
    """

    def __init__(self, send: Any, log: logging.Logger) -> None:
        self._send = send
        self._log = log
        self._task = ""
        self._total: float | None = None
        self._done = 0.0
        self._started = time.monotonic()
        self._last_sent = 0.0
        self._parent = os.getppid()

    def start(self, task: str, total: float | None = None) -> None:
        """Begin ``task`` with ``total`` units (None: not counted)."""
        self._task, self._done = str(task), 0.0
        self._total = None if total is None else float(total)
        self._started = time.monotonic()
        counted = f" ({self._total:g} steps)" if self._total is not None else ""
        self._log.info("step: %s%s", self._task, counted)
        self._report(force=True)

    def advance(self, amount: float = 1.0) -> None:
        """Count ``amount`` more units done."""
        self._done += float(amount)
        self._report()

    def finish(self) -> None:
        """End the current task (its count is complete)."""
        if self._total is not None:
            self._done = self._total
        elapsed = time.monotonic() - self._started
        if self._task:
            self._log.info("step done: %s in %.1f s", self._task, elapsed)
        self._report(force=True)

    def eta_s(self) -> float | None:
        """Seconds left at the rate so far (None until something is counted or when uncounted)."""
        if self._total is None or self._done <= 0:
            return None
        elapsed = time.monotonic() - self._started
        return max(0.0, (self._total - self._done) * elapsed / self._done)

    def _report(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_sent < 1.0 / PROGRESS_PER_S:
            return
        if os.getppid() != self._parent:  # the server died: nobody will read the result
            os._exit(3)
        self._last_sent = now
        self._send(
            {
                "type": "progress",
                "task": self._task,
                "done": self._done,
                "total": self._total,
                "eta_s": self.eta_s(),
            }
        )


def error_of(exc: BaseException) -> dict[str, Any]:
    """The API error body for a job that raised ``exc`` (never a traceback).

    Examples
    --------
    >>> from mirae.errors import TableNotFoundError
    >>> error_of(TableNotFoundError("no table 'x'"))["error"]
    'TableNotFoundError'
    >>> error_of(ZeroDivisionError("x"))["error"]
    'internal_error'
    """
    from mirae.errors import MiraeError
    from mirae.server._errors import error_body, status_of

    if isinstance(exc, MiraeError):
        _, hint = status_of(exc)
        return error_body(type(exc).__name__, str(exc), hint)
    return error_body(
        "internal_error",
        f"{type(exc).__name__}: the job could not complete.",
        "This is a bug in mirae; the job's log has the details.",
    )


def _redirect_output(log_path: str) -> logging.Logger:
    """Send this process's stdout, stderr, logging and warnings to the job's log file."""
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115 - lives as long as the process
    sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
        force=True,
    )
    logging.captureWarnings(True)
    for noisy in ("alembic", "urllib3", "matplotlib", "numba", "pyiceberg"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return logging.getLogger("mirae.job")


def run_job(
    conn: Any,
    kind: str,
    fields: dict[str, Any],
    user: str,
    workspace: str,
    tracking_uri: str | None,
    log_path: str,
) -> None:
    """Entry point of a job's process: run service ``kind`` with ``fields`` for ``user``.

    Parameters
    ----------
    conn : multiprocessing.connection.Connection
        Write end of the pipe to the server.
    kind : str
        A key of :data:`mirae.service.SPECS`.
    fields : dict
        The spec's fields (validated by the server before the job was queued).
    user : str
        Author of the snapshots and runs the job writes.
    workspace, tracking_uri : str
        Where the job reads and writes.
    log_path : str
        The job's log file (appended to).
    """
    import signal

    if hasattr(os, "setsid"):
        os.setsid()  # own process group: cancel stops this job's helpers too
    signal.signal(signal.SIGTERM, _cancelled)
    log = _redirect_output(log_path)

    def send(message: dict[str, Any]) -> None:
        from mirae.core._json import dumps

        try:
            conn.send_bytes(dumps(message).encode("utf-8"))
        except OSError:  # the server closed the pipe (cancelled, or it stopped): nobody is listening
            raise JobCancelled from None

    try:
        import mirae.service as service
        from mirae.core._progress import reporting

        spec = service.SPECS[kind].parse(**fields)
        ctx = service.Context.open(workspace, user=user, tracking_uri=tracking_uri)
        function = getattr(service, kind.replace("-", "_"))
        progress = PipeProgress(send, log)
        log.info("running %s as %s", kind, user)
        with reporting(progress):
            if "progress" in inspect.signature(function).parameters:
                result = function(ctx, spec, progress=progress)
            else:
                result = function(ctx, spec)
        data = result.to_dict() if hasattr(result, "to_dict") else {"value": result}
        send({"type": "done", "result": data})
    except JobCancelled:
        log.warning("job cancelled: stopped before it finished; nothing it was writing was committed")
    except BaseException as exc:  # noqa: BLE001 - every failure becomes the job's error record
        log.error("job failed:\n%s", "".join(traceback.format_exception(exc)))
        try:
            send({"type": "failed", "error": error_of(exc)})
        except JobCancelled:
            pass
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        conn.close()
