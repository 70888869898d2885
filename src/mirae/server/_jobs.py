"""Background jobs: long work (ingest, train, forecast, segment, detect, ...) off the request thread.

One :class:`JobManager` per server (``request.app.state.jobs``). A job is one
use case of :mod:`mirae.service` (a key of ``SPECS``) with that spec's fields,
run for the submitting user:

- ``submit`` validates the fields with the spec (a :class:`~mirae.errors.ConfigError`,
  a 422, before anything runs) and queues the job;
- at most ``settings.workers`` jobs run at once, each in its own child process
  (``spawn`` context), the rest wait in the order they came;
- a job's record lives in ``WORKSPACE/server/jobs/<id>.json`` (written
  atomically) and its log in ``<id>.log``, so jobs survive a page reload and a
  server restart;
- progress (task, done, total, eta) comes from the service's progress events,
  written to the record a few times a second;
- ``cancel`` stops the process (and the processes it started) and marks the
  job cancelled; workspace writes are atomic, so a cancelled job leaves the
  tables as they were;
- a failed job's ``error`` has the shape of an API error
  ``{"error", "detail", "hint"}``; the traceback is in its log only.

Restart rule: a record still ``queued`` or ``running`` whose server is gone
is marked ``failed`` ("the server stopped before the job finished"), not run
again — re-running a training or an ingest nobody is waiting for could write
tables and models behind the user's back; the job page says to start it again.

Files: on a shared server (any address but 127.0.0.1, so tokens are
needed) the files a job reads or writes (``source``, ``path``, ``html``,
``checks``) must lie inside the workspace; on 127.0.0.1 any file may be named,
as on the command line. The job's process is started with ``spawn``: a
program that creates a :class:`JobManager` in its main module needs the
``if __name__ == "__main__":`` guard (``mirae serve`` has it).

Labels for pages: ``label(f"job_status_{status}", lang)`` and
``label(f"job_kind_{kind}", lang)`` in :mod:`mirae.core._i18n` (Korean and
English for every status and every kind of ``SPECS``).

Passwords in database URLs are masked in the stored fields (``***``); the
worker gets the fields as submitted.
"""

from __future__ import annotations

import atexit
import builtins
import multiprocessing.util  # before our atexit hook: it joins live children at exit, so ours must run first
import os
import re
import secrets
import socket
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, Request

from mirae.errors import ConfigError
from mirae.server._auth import User
from mirae.server._errors import ApiError
from mirae.server._settings import ServerSettings
from mirae.server._store import read_json, server_folder, write_json

__all__ = ["STATUSES", "JobManager", "JobRecord", "JobsDep", "job_manager"]

Status = Literal["queued", "running", "done", "failed", "cancelled"]
#: Every status a job can have; the last three are final.
STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed", "cancelled")
FINAL = frozenset({"done", "failed", "cancelled"})
_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$")
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/:@\s]*:)(?P<password>[^@/\s]+)(?=@)", re.I)
#: Spec fields that name a file the job reads or writes.
_PATH_FIELDS = ("source", "path", "html", "checks")
#: Managers alive in this process (a record they own is not left over from a dead server).
_LIVE: set[str] = set()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _mask(value: Any) -> Any:
    """``value`` with the passwords of database URLs replaced by ``***``."""
    if isinstance(value, str):
        return _URL_PASSWORD.sub(r"\g<head>***", value)
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(v) for v in value]
    return value


@dataclass
class JobRecord:
    """One background job: what it runs, for whom, how far it is and how it ended.

    Examples
    --------
    >>> job = JobRecord(id="20260101-120000-abcdef", kind="quality", user="local",
    ...                 fields={"table": "sales"}, created_at="2026-01-01T12:00:00+00:00")
    >>> job.to_dict()["status"], job.to_dict()["progress"]["done"]
    ('queued', 0.0)
    >>> JobRecord.from_dict(job.to_dict()) == job
    True
    """

    id: str
    kind: str
    user: str
    fields: dict[str, Any]
    created_at: str
    status: Status = "queued"
    progress: dict[str, Any] = field(
        default_factory=lambda: {"task": "", "done": 0.0, "total": None, "eta_s": None}
    )
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    started_at: str | None = None
    finished_at: str | None = None
    owner: str = ""  # the manager that runs it: "host:pid:instance" (kept out of to_dict)

    @property
    def final(self) -> bool:
        """Whether the job has ended (done, failed or cancelled)."""
        return self.status in FINAL

    def to_dict(self) -> dict[str, Any]:
        """The record as the API returns it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "user": self.user,
            "fields": self.fields,
            "progress": dict(self.progress),
            "result": self.result,
            "error": self.error,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobRecord:
        """A record read back from its JSON file."""
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class _Running:
    record: JobRecord
    process: Any
    conn: Any
    started: float


class JobManager:
    """Queue, run, follow and cancel the background jobs of one workspace.

    Parameters
    ----------
    settings : ServerSettings
        ``workspace`` (where records live and jobs write), ``workers`` (jobs
        running at once), ``tracking_uri``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from mirae.server import ServerSettings
    >>> from mirae.server._auth import LOCAL_USER
    >>> jobs = JobManager(ServerSettings(workspace=Path(tempfile.mkdtemp())))
    >>> jobs.submit("quality", {"tabel": "sales"}, LOCAL_USER)
    Traceback (most recent call last):
    ...
    mirae.errors.ConfigError: quality settings are not valid — ...
    >>> jobs.list()
    []
    >>> jobs.close()
    """

    #: Seconds between two looks at the running jobs.
    poll_s = 0.1
    #: Seconds a cancelled process gets to stop before it is killed.
    grace_s = 3.0

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.folder = server_folder(Path(settings.workspace)) / "jobs"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._instance = secrets.token_hex(4)
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{self._instance}"
        _LIVE.add(self._instance)
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._queue: deque[tuple[JobRecord, dict[str, Any]]] = deque()
        self._running: dict[str, _Running] = {}
        self._thread: threading.Thread | None = None
        self._closed = False
        self._recover()
        atexit.register(_close_ref, weakref.ref(self))

    # -- records ---------------------------------------------------------------------------------
    def _record_path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"

    def _log_path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.log"

    def _save(self, record: JobRecord) -> None:
        data = record.to_dict()
        data["owner"] = record.owner
        write_json(self._record_path(record.id), data)

    def _log(self, job_id: str, line: str) -> None:
        stamp = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        with self._log_path(job_id).open("a", encoding="utf-8") as log:
            log.write(f"{stamp} {line}\n")

    def _load(self, path: Path) -> JobRecord | None:
        data = read_json(path, None)
        if not isinstance(data, dict) or "id" not in data:
            return None
        return JobRecord.from_dict(data)

    def _orphaned(self, record: JobRecord) -> bool:
        """Whether ``record`` is unfinished and no live manager will finish it."""
        if record.final or not record.owner:
            return not record.final
        host, _, rest = record.owner.partition(":")
        pid_text, _, instance = rest.partition(":")
        if host != socket.gethostname():
            return False  # another machine's server on a shared workspace: its business
        pid = int(pid_text) if pid_text.isdigit() else -1
        if pid == os.getpid():
            return instance not in _LIVE
        return not _alive(pid)

    def _recover(self) -> None:
        """Mark jobs a stopped server left queued or running as failed (see the module's restart rule)."""
        for path in sorted(self.folder.glob("*.json")):
            record = self._load(path)
            if record is None or not self._orphaned(record):
                continue
            was = record.status
            record.status = "failed"
            record.finished_at = _now()
            record.error = {
                "error": "server_stopped",
                "detail": f"the server stopped while this job was {was}; it did not finish.",
                "hint": "Start the job again (POST /api/jobs with the same kind and fields).",
            }
            self._save(record)
            self._log(record.id, f"marked failed: the server stopped while the job was {was}")

    # -- the interface ---------------------------------------------------------------------------
    def submit(self, kind: str, fields: dict[str, Any], user: User) -> JobRecord:
        """Validate ``fields`` for use case ``kind`` and queue the job for ``user``.

        Parameters
        ----------
        kind : str
            A key of :data:`mirae.service.SPECS` (``train``, ``forecast``, ``ingest``, ...).
        fields : dict
            That spec's fields, as a REST client or a form sends them.
        user : User
            Who the job runs for: the author of what it writes.

        Returns
        -------
        JobRecord
            The queued job (``status`` ``queued``; it starts when a worker is free).

        Raises
        ------
        ConfigError
            Unknown ``kind`` or invalid fields; nothing is queued.
        """
        from mirae.service import SPECS

        if kind not in SPECS:
            msg = f"job kind {kind!r} is not known; the kinds are: {', '.join(sorted(SPECS))}."
            raise ConfigError(msg)
        if not isinstance(fields, dict):
            msg = f"fields of a {kind} job must be an object of the spec's settings; got {type(fields).__name__}."
            raise ConfigError(msg)
        fields = self._confine_paths(kind, dict(fields))
        SPECS[kind].parse(**fields)  # ConfigError before anything runs
        with self._lock:
            if self._closed:
                raise ApiError(
                    503, "shutting_down", "the server is stopping; no new jobs.", "Try again shortly."
                )
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            record = JobRecord(
                id=f"{stamp}-{secrets.token_hex(3)}",
                kind=kind,
                user=user.name,
                fields=_mask(dict(fields)),
                created_at=_now(),
                owner=self._owner,
            )
            self._save(record)
            self._log(record.id, f"queued {kind} for {user.name}")
            self._queue.append((record, dict(fields)))
            self._ensure_thread()
        self._wake.set()
        return JobRecord.from_dict({**record.to_dict(), "owner": record.owner})

    def _confine_paths(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        """On a shared server (tokens needed), files a job reads or writes must be in the workspace.

        Relative paths are taken inside the workspace; an absolute path outside
        it (or one that climbs out with ``..``) is a ConfigError. URLs
        (``https://``, database URLs) pass; ``file://`` does not. On
        127.0.0.1 the person at the machine may name any file, as on the
        command line.
        """
        from mirae.server._auth import needs_token

        if not needs_token(self.settings.host):
            return fields
        root = Path(self.settings.workspace).resolve()
        for name in _PATH_FIELDS:
            value = fields.get(name)
            if not isinstance(value, str) or not value.strip():
                continue
            scheme = re.match(r"^([a-z][a-z0-9+.-]*)://", value.strip(), re.I)
            if scheme and scheme.group(1).lower() != "file" and name == "source":
                continue
            resolved = (root / value.strip()).resolve()
            if scheme or not resolved.is_relative_to(root):
                msg = (
                    f"{kind} job field {name!r} names {value!r}, outside the workspace; a shared server "
                    f"reads and writes files only inside its workspace ({root}). Upload the file first "
                    "(POST /api/tables) or give a path relative to the workspace."
                )
                raise ConfigError(msg)
            fields[name] = str(resolved)
        return fields

    def get(self, job_id: str) -> JobRecord:
        """The job ``job_id`` as stored now; an unknown id is a 404."""
        record = self._load(self._record_path(job_id)) if _ID.match(job_id) else None
        if record is None:
            raise ApiError(
                404, "job_not_found", f"no job {job_id!r} in this workspace.", "GET /api/jobs lists the jobs."
            )
        return record

    def list(self, *, user: User | None = None) -> list[JobRecord]:
        """Every job of the workspace, newest first (only ``user``'s when given)."""
        records = [r for p in self.folder.glob("*.json") if (r := self._load(p)) is not None]
        if user is not None:
            records = [r for r in records if r.user == user.name]
        return sorted(records, key=lambda r: (r.created_at, r.id), reverse=True)

    def cancel(self, job_id: str, *, by: User | None = None) -> JobRecord:
        """Stop job ``job_id`` (queued or running) and mark it cancelled.

        ``by``, when given, must have submitted the job or be an admin (else a
        403). A job that has already ended is a 409.
        """
        record = self.get(job_id)
        if by is not None and record.user != by.name and not by.may("admin"):
            raise ApiError(
                403,
                "forbidden",
                f"job {job_id} was started by {record.user!r}; {by.name!r} may cancel only their own jobs.",
                "Ask the user who started it, or an admin.",
            )
        with self._lock:
            running = self._running.pop(job_id, None)
            queued = next((q for q in self._queue if q[0].id == job_id), None)
            if queued is not None:
                self._queue.remove(queued)
                record = queued[0]
            elif running is not None:
                _terminate(running.process, self.grace_s)
                running.conn.close()
                record = running.record
            else:
                record = self.get(job_id)
                if record.final:
                    raise ApiError(
                        409,
                        "job_finished",
                        f"job {job_id} has already ended ({record.status}).",
                        "Only a queued or running job can be cancelled.",
                    )
                raise ApiError(
                    409,
                    "job_elsewhere",
                    f"job {job_id} is run by another server process ({record.owner}).",
                    "Cancel it on the server that runs it.",
                )
            record.status = "cancelled"
            record.finished_at = _now()
            record.progress = {**record.progress, "eta_s": None}
            self._save(record)
            self._log(job_id, f"cancelled by {by.name if by else 'the server'}")
        self._wake.set()
        return record

    def logs(self, job_id: str) -> builtins.list[str]:
        """The job's log lines (the server's notes, the service's log, and a failure's traceback)."""
        self.get(job_id)
        try:
            text = self._log_path(job_id).read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        return text.splitlines()

    def close(self) -> None:
        """Stop the scheduler; running and queued jobs end as failed ("the server stopped")."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._stop.set()
            self._wake.set()
            for job_id, running in list(self._running.items()):
                _terminate(running.process, self.grace_s)
                running.conn.close()
                self._fail(running.record, "server_stopped", "the server stopped while this job was running.")
                del self._running[job_id]
            while self._queue:
                record, _ = self._queue.popleft()
                self._fail(record, "server_stopped", "the server stopped before this job started.")
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        _LIVE.discard(self._instance)

    def wait(self, job_id: str, timeout: float = 60.0) -> JobRecord:
        """Block until job ``job_id`` has ended (or ``timeout`` seconds passed); its record."""
        deadline = time.monotonic() + timeout
        record = self.get(job_id)
        while not record.final and time.monotonic() < deadline:
            time.sleep(0.05)
            record = self.get(job_id)
        return record

    # -- the scheduler ---------------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="mirae-jobs", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            with self._lock:
                if self._stop.is_set():
                    return
                for running in list(self._running.values()):
                    self._follow(running)
                while self._queue and len(self._running) < max(1, self.settings.workers):
                    record, fields = self._queue.popleft()
                    self._start(record, fields)

    def _start(self, record: JobRecord, fields: dict[str, Any]) -> None:
        from mirae.server._jobs_worker import run_job

        spawn = multiprocessing.get_context("spawn")
        receive, send = spawn.Pipe(duplex=False)
        process = spawn.Process(
            target=run_job,
            args=(
                send,
                record.kind,
                fields,
                record.user,
                str(self.settings.workspace),
                self.settings.tracking_uri,
                str(self._log_path(record.id)),
            ),
            name=f"mirae-job-{record.id}",
        )
        try:
            process.start()
        except Exception as exc:  # noqa: BLE001 - no worker, the job fails with a clear record
            self._fail(record, "worker_failed", f"the worker process could not start: {exc}.")
            return
        finally:
            send.close()
        record.status = "running"
        record.started_at = _now()
        record.progress = {**record.progress, "task": "starting"}
        self._save(record)
        self._log(record.id, f"started in worker process {process.pid}")
        self._running[record.id] = _Running(record, process, receive, time.monotonic())

    def _follow(self, running: _Running) -> None:
        """Read what the job's process sent; finish the record when it is done or gone."""
        import json

        record = running.record
        changed, ended = False, False
        try:
            while running.conn.poll():
                message = json.loads(running.conn.recv_bytes().decode("utf-8"))
                kind = message.pop("type", "")
                if kind == "progress":
                    record.progress = message
                    changed = True
                elif kind == "done":
                    record.status, record.result = "done", message.get("result")
                    ended = True
                elif kind == "failed":
                    record.status, record.error = "failed", message.get("error")
                    ended = True
        except (EOFError, OSError):  # the process closed its end: it has exited or is exiting
            ended = True
        if not ended and not running.process.is_alive():
            ended = True
        if not ended:
            if changed:
                self._save(record)
            return
        running.process.join(timeout=self.grace_s)
        running.conn.close()
        del self._running[record.id]
        seconds = time.monotonic() - running.started
        if record.status == "running":  # the process died without a word (killed, out of memory)
            code = running.process.exitcode
            self._fail(
                record,
                "worker_died",
                f"the job's process stopped unexpectedly (exit code {code}).",
                "Its log may say why (e.g. out of memory); start the job again.",
            )
            return
        record.finished_at = _now()
        record.progress = {**record.progress, "eta_s": None}
        self._save(record)
        self._log(record.id, f"{record.status} after {seconds:.1f} s")

    def _fail(self, record: JobRecord, error: str, detail: str, hint: str = "") -> None:
        record.status = "failed"
        record.finished_at = _now()
        record.error = {"error": error, "detail": detail, "hint": hint or "Start the job again."}
        record.progress = {**record.progress, "eta_s": None}
        self._save(record)
        self._log(record.id, f"failed: {detail}")


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate(process: Any, grace_s: float) -> None:
    """Stop a job's process and the processes it started (its process group)."""
    import signal

    if process.pid is None or not process.is_alive():
        process.join(timeout=0.1)
        return
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGTERM)
        else:  # pragma: no cover - Windows
            process.terminate()
    except (ProcessLookupError, PermissionError):
        process.terminate()
    process.join(timeout=grace_s)
    if process.is_alive():
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, AttributeError):
            process.kill()
        process.join(timeout=grace_s)


def _close_ref(ref: weakref.ref[JobManager]) -> None:
    manager = ref()
    if manager is not None:
        manager.close()


_MANAGER_LOCK = threading.Lock()


def job_manager(request: Request) -> JobManager:
    """The app's :class:`JobManager` (``request.app.state.jobs``, created on first use)."""
    state = request.app.state
    with _MANAGER_LOCK:
        if getattr(state, "jobs", None) is None:
            state.jobs = JobManager(state.settings)
    manager: JobManager = state.jobs
    return manager


JobsDep = Annotated[JobManager, Depends(job_manager)]
