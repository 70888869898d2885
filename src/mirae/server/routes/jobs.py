"""Background jobs: start one, follow its progress, read its log, cancel it.

Analysts (and admins) start jobs and cancel their own (admins anyone's);
viewers see every job of the workspace, as they see every table: a job's
fields hold no secret (database passwords are masked when it is stored).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from mirae.server._auth import User
from mirae.server._deps import require
from mirae.server._jobs import JobsDep

__all__ = ["JobOut", "JobRequest", "router"]

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

Viewer = Annotated[User, Depends(require("viewer"))]
Analyst = Annotated[User, Depends(require("analyst"))]
JobId = Annotated[str, Path(description="The job's id (from POST /api/jobs).", max_length=40)]


class JobRequest(BaseModel):
    """A job to start: a use case and that use case's spec fields."""

    kind: str = Field(
        min_length=1,
        max_length=40,
        description="A use case: ingest, quality, profile, export, train, evaluate, predict, forecast, "
        "simulate, segment, detect, detect-logs, recommend, similar.",
        examples=["quality"],
    )
    fields: dict[str, Any] = Field(
        default_factory=dict,
        description="The use case's settings, as the CLI takes them (see the spec's JSON schema).",
        examples=[{"table": "credit"}],
    )


class JobProgress(BaseModel):
    """How far a job is: the current task, units done of total, seconds left."""

    task: str = ""
    done: float = 0.0
    total: float | None = None
    eta_s: float | None = None


class JobError(BaseModel):
    """Why a job failed, in the shape of every API error."""

    error: str
    detail: Any
    hint: str = ""


class JobOut(BaseModel):
    """One job's record."""

    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    user: str
    fields: dict[str, Any]
    progress: JobProgress
    result: dict[str, Any] | None = Field(default=None, description="The use case's result when done.")
    error: JobError | None = None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None


class JobLogs(BaseModel):
    """A job's log lines, oldest first."""

    id: str
    lines: list[str]


def _out(record: Any) -> JobOut:
    return JobOut.model_validate(record.to_dict())


@router.post("", status_code=202, response_model=JobOut)
def start_job(body: JobRequest, jobs: JobsDep, user: Analyst) -> JobOut:
    """Start a job (analysts): 202 with the queued record; invalid fields are a 422 and nothing runs."""
    return _out(jobs.submit(body.kind, body.fields, user))


@router.get("", response_model=list[JobOut])
def list_jobs(
    jobs: JobsDep,
    user: Viewer,
    mine: Annotated[bool, Query(description="Only the jobs the caller started.")] = False,
    status: Annotated[
        Literal["queued", "running", "done", "failed", "cancelled"] | None, Query(description="Only these.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[JobOut]:
    """The workspace's jobs, newest first."""
    records = jobs.list(user=user if mine else None)
    if status is not None:
        records = [r for r in records if r.status == status]
    return [_out(r) for r in records[:limit]]


@router.get("/{job_id}", response_model=JobOut)
def get_job(job_id: JobId, jobs: JobsDep, user: Viewer) -> JobOut:
    """One job: status, progress, and its result or error."""
    return _out(jobs.get(job_id))


@router.post("/{job_id}/cancel", response_model=JobOut)
def cancel_job(job_id: JobId, jobs: JobsDep, user: Analyst) -> JobOut:
    """Cancel a queued or running job (your own; admins any): the tables stay as they were."""
    return _out(jobs.cancel(job_id, by=user))


@router.get("/{job_id}/logs", response_model=JobLogs)
def job_logs(
    job_id: JobId,
    jobs: JobsDep,
    user: Viewer,
    tail: Annotated[int | None, Query(ge=1, le=100_000, description="Only the last N lines.")] = None,
) -> JobLogs:
    """The job's log: the server's notes, the use case's log lines and a failure's traceback."""
    lines = jobs.logs(job_id)
    return JobLogs(id=job_id, lines=lines[-tail:] if tail else lines)
