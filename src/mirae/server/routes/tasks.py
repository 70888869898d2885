"""Segments, anomalies and recommendations: run one (a job), then read what it wrote.

Each ``POST`` takes the fields of the use case's spec (what the CLI command
takes: :class:`~mirae.service.SegmentSpec`, :class:`~mirae.service.DetectSpec`,
:class:`~mirae.service.DetectLogsSpec`, :class:`~mirae.service.RecommendSpec`)
and starts it as a background job (202 with the job record; analysts). The
``GET`` routes read the outputs, found by their lineage:

- ``segment`` writes ``{into}`` (one row per customer or input row with
  ``segment``) and ``{into}_profiles`` (one row per segment);
- ``detect`` writes ``{into}`` (every row scored, ``is_anomaly``) and
  ``{into}_events`` (one row per alert); ``detect-logs`` writes ``{into}``
  (counts per template and window) and ``{into}_lines`` (the parsed lines);
- ``recommend`` writes ``{into}`` (one row per user and rank).

The data access is plain functions of ``(ctx, name, ...)`` that the web
pages call too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from mirae.server._deps import Ctx
from mirae.server._jobs import JobsDep
from mirae.server.routes._outputs import (
    ERRORS,
    Analyst,
    Limit,
    Offset,
    OutputName,
    RowsOut,
    Viewer,
    job_fields,
    output_spec,
    page,
    require_table,
)
from mirae.server.routes.jobs import JobOut, _out
from mirae.service import DetectLogsSpec, DetectSpec, RecommendSpec, SegmentSpec, SimilarSpec

__all__ = [
    "anomaly_events",
    "anomaly_lines",
    "anomaly_rows",
    "recommendation_rows",
    "routers",
    "segment_profiles",
    "segment_rows",
]

segments = APIRouter(prefix="/api/segments", tags=["segments"], responses=ERRORS)
anomalies = APIRouter(prefix="/api/anomalies", tags=["anomalies"], responses=ERRORS)
recommendations = APIRouter(prefix="/api/recommendations", tags=["recommendations"], responses=ERRORS)
#: The routers of this module, to mount.
routers = (segments, anomalies, recommendations)

HOW_TO_SEGMENT = (
    "Start one with POST /api/segments (fields table, into and rfm or features) "
    "or `mirae segment TABLE --features a,b --into NAME`."
)
HOW_TO_DETECT = (
    "Start one with POST /api/anomalies (fields table, into, value) or POST /api/anomalies/logs "
    "(fields source, into), or `mirae detect TABLE --into NAME`."
)
HOW_TO_RECOMMEND = (
    "Start one with POST /api/recommendations (fields table, user, item, into) "
    "or `mirae recommend TABLE --user U --item I --into NAME`."
)

SegmentQuery = Annotated[int | None, Query(ge=-1, le=10_000, description="Only this segment.")]
OnlyAnomalies = Annotated[bool, Query(description="Only the rows flagged as anomalies.")]


class SimilarOut(BaseModel):
    """The items most like one item, from a registered recommender."""

    model: str = Field(description="The recommender's NAME/VERSION.")
    item: Any = Field(description="The item, as the model knows it.")
    known: bool = Field(description="Whether the model knows the item (else: popular items).")
    rows: list[dict[str, Any]] = Field(description="item, rank, score, reason.")


# -- data access (the web pages call these too) ---------------------------------------------------
def segment_rows(
    ctx: Any, name: str, *, segment: int | None = None, offset: int = 0, limit: int = 100
) -> RowsOut:
    """A page of segmentation ``name``: each customer (or row) with its segment; one segment when given."""
    output_spec(ctx, name, ("segment",), "segmentation", HOW_TO_SEGMENT)
    return page(ctx.workspace, name, offset=offset, limit=limit, where={"segment": segment})


def segment_profiles(ctx: Any, name: str) -> RowsOut:
    """The profiles of segmentation ``name``: per segment its size, share and each feature's mean and median."""
    output_spec(ctx, name, ("segment",), "segmentation", HOW_TO_SEGMENT)
    profiles = f"{name}_profiles"
    require_table(ctx.workspace, profiles, "segment profile table", HOW_TO_SEGMENT)
    return page(ctx.workspace, profiles, offset=0, limit=10_000, order_by=["segment"])


def anomaly_rows(
    ctx: Any, name: str, *, only_anomalies: bool = False, offset: int = 0, limit: int = 100
) -> RowsOut:
    """A page of detection ``name``'s scored rows (metric detection or log counts); only flagged ones when asked."""
    output_spec(ctx, name, ("detect", "detect-logs"), "anomaly detection", HOW_TO_DETECT)
    where = {"is_anomaly": "true" if only_anomalies else None}
    return page(ctx.workspace, name, offset=offset, limit=limit, where=where)


def anomaly_events(ctx: Any, name: str, *, offset: int = 0, limit: int = 100) -> RowsOut:
    """The alerts of metric detection ``name``: one row per event (start, end, rows, peak, direction)."""
    output_spec(ctx, name, ("detect",), "metric anomaly detection", HOW_TO_DETECT)
    events = f"{name}_events"
    require_table(ctx.workspace, events, "event table", HOW_TO_DETECT)
    return page(ctx.workspace, events, offset=offset, limit=limit)


def anomaly_lines(ctx: Any, name: str, *, offset: int = 0, limit: int = 100) -> RowsOut:
    """The parsed lines of log detection ``name``: line number, time, template, parameters, reason."""
    output_spec(ctx, name, ("detect-logs",), "log anomaly detection", HOW_TO_DETECT)
    lines = f"{name}_lines"
    require_table(ctx.workspace, lines, "log line table", HOW_TO_DETECT)
    return page(ctx.workspace, lines, offset=offset, limit=limit, order_by=["line"])


def recommendation_rows(
    ctx: Any, name: str, *, user: str | None = None, offset: int = 0, limit: int = 100
) -> RowsOut:
    """A page of recommendations ``name`` by user and rank; one user's when ``user`` is given."""
    spec = output_spec(ctx, name, ("recommend",), "recommendation", HOW_TO_RECOMMEND)
    user_col = str(spec.get("user") or ctx.workspace.schema(name)[0].name)
    return page(
        ctx.workspace, name, offset=offset, limit=limit, where={user_col: user}, order_by=[user_col, "rank"]
    )


# -- segments ------------------------------------------------------------------------------------
@segments.post("", status_code=202, response_model=JobOut)
def start_segmentation(spec: SegmentSpec, jobs: JobsDep, user: Analyst) -> JobOut:
    """Segment customers (``rfm``) or rows (``features``) (analysts): 202 with the job."""
    return _out(jobs.submit("segment", job_fields(spec), user))


@segments.get("/{name}", response_model=RowsOut)
def get_segments(
    name: OutputName,
    ctx: Ctx,
    user: Viewer,
    segment: SegmentQuery = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> RowsOut:
    """A page of a segmentation: each customer or row with its ``segment`` (one segment when given)."""
    return segment_rows(ctx, name, segment=segment, offset=offset, limit=limit)


@segments.get("/{name}/profiles", response_model=RowsOut)
def get_segment_profiles(name: OutputName, ctx: Ctx, user: Viewer) -> RowsOut:
    """Every segment's size, share and each feature's mean and median."""
    return segment_profiles(ctx, name)


# -- anomalies -----------------------------------------------------------------------------------
@anomalies.post("", status_code=202, response_model=JobOut)
def start_detection(spec: DetectSpec, jobs: JobsDep, user: Analyst) -> JobOut:
    """Score metric series for anomalies (analysts): 202 with the job."""
    return _out(jobs.submit("detect", job_fields(spec), user))


@anomalies.post("/logs", status_code=202, response_model=JobOut)
def start_log_detection(spec: DetectLogsSpec, jobs: JobsDep, user: Analyst) -> JobOut:
    """Mine a log file's templates and flag anomalous windows (analysts): 202 with the job.

    On a shared server the log file must lie inside the workspace.
    """
    return _out(jobs.submit("detect-logs", job_fields(spec), user))


@anomalies.get("/{name}", response_model=RowsOut)
def get_anomalies(
    name: OutputName,
    ctx: Ctx,
    user: Viewer,
    only_anomalies: OnlyAnomalies = False,
    offset: Offset = 0,
    limit: Limit = 100,
) -> RowsOut:
    """A page of a detection's scored rows (``score``, ``is_anomaly``, the normal range)."""
    return anomaly_rows(ctx, name, only_anomalies=only_anomalies, offset=offset, limit=limit)


@anomalies.get("/{name}/events", response_model=RowsOut)
def get_anomaly_events(
    name: OutputName, ctx: Ctx, user: Viewer, offset: Offset = 0, limit: Limit = 100
) -> RowsOut:
    """The alerts of a metric detection, one row per event."""
    return anomaly_events(ctx, name, offset=offset, limit=limit)


@anomalies.get("/{name}/lines", response_model=RowsOut)
def get_anomaly_lines(
    name: OutputName, ctx: Ctx, user: Viewer, offset: Offset = 0, limit: Limit = 100
) -> RowsOut:
    """The parsed lines of a log detection with their templates (and why a line was not parsed)."""
    return anomaly_lines(ctx, name, offset=offset, limit=limit)


# -- recommendations -----------------------------------------------------------------------------
@recommendations.post("", status_code=202, response_model=JobOut)
def start_recommendation(spec: RecommendSpec, jobs: JobsDep, user: Analyst) -> JobOut:
    """Recommend items to every user of an interactions table (analysts): 202 with the job."""
    return _out(jobs.submit("recommend", job_fields(spec), user))


@recommendations.post("/similar", response_model=SimilarOut)
def similar_items(spec: SimilarSpec, ctx: Ctx, user: Viewer) -> SimilarOut:
    """The items most like one item, from a registered recommender (its reasons in ``lang``)."""
    from mirae.core._json import to_jsonable
    from mirae.service import similar

    run = similar(ctx, spec)
    return SimilarOut.model_validate(to_jsonable(run.to_dict()))


@recommendations.get("/{name}", response_model=RowsOut)
def get_recommendations(
    name: OutputName,
    ctx: Ctx,
    user: Viewer,
    for_user: Annotated[
        str | None, Query(alias="user", max_length=500, description="Only this user's recommendations.")
    ] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> RowsOut:
    """A page of recommendations by user and rank (item, score, reason); one user's when given."""
    return recommendation_rows(ctx, name, user=for_user, offset=offset, limit=limit)
