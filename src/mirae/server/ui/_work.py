"""Workbench pages for work: a form per use case, jobs with live progress, models with what-if, forecasts."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from mirae.errors import ConfigError
from mirae.lake._sql import quote
from mirae.server._errors import ApiError
from mirae.server._jobs import JobsDep
from mirae.server.ui._common import MaybeUser, context, form_of, need, signed_in
from mirae.server.ui._forms import FORM_KINDS, form_fields, spec_fields
from mirae.server.ui._pages import reports_folder
from mirae.server.ui._render import page_lang, redirect, render

__all__ = ["router", "typical_inputs"]

router = APIRouter(include_in_schema=False)

_SAFE_PART = re.compile(r"[^A-Za-z0-9가-힣_-]+")
#: Use cases whose output table the job page links to (their `into`).
_WRITES_TABLE = frozenset(
    {"predict", "forecast", "simulate", "segment", "detect", "detect-logs", "recommend"}
)


def _kind(kind: str) -> str:
    if kind not in FORM_KINDS:
        raise ApiError(
            404, "not_found", f"the workbench has no form {kind!r}.", f"Forms: {', '.join(FORM_KINDS)}."
        )
    return kind


def _report_name(kind: str, fields: dict[str, Any]) -> str:
    """The file a job's HTML report is written to: made of the kind and the output's name, never a path."""
    stem = str(fields.get("into") or fields.get("table") or fields.get("model") or "report")
    return f"{kind}-{_SAFE_PART.sub('_', stem)[:100]}.html"


def _tables(request: Request, user: Any) -> list[str]:
    return [t.name for t in context(request, user).workspace.tables()]


def _models(request: Request, user: Any) -> list[str]:
    from mirae.service import list_models

    out = []
    for info in list_models(context(request, user)):
        out += [f"{info.name}@{alias}" for alias in sorted(info.aliases)]
        if info.latest_version is not None:
            out.append(f"{info.name}/{info.latest_version}")
    return out


@router.get("/ui/run/{kind}", response_class=HTMLResponse)
def run_form(request: Request, kind: str, user: MaybeUser) -> Response:
    """The form of use case ``kind`` (train, forecast, simulate, segment, detect, recommend, ...)."""
    user = need(user, "analyst")
    values = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
    return _form(request, _kind(kind), user, values, error=None)


def _form(request: Request, kind: str, user: Any, values: dict[str, str], error: str | None) -> Response:
    return render(
        request,
        "run.html",
        user=user,
        title=f"job_kind_{kind}",
        kind=kind,
        fields=form_fields(kind, values),
        tables=_tables(request, user),
        models=_models(request, user),
        error=error,
        status_code=422 if error else 200,
    )


@router.post("/ui/run/{kind}", response_class=HTMLResponse)
async def run_submit(request: Request, kind: str, user: MaybeUser, jobs: JobsDep) -> Response:
    """Start the job of a submitted form; an invalid field shows the form again with the reason."""
    user = need(user, "analyst")
    kind = _kind(kind)
    form = await form_of(request)
    report = None
    if kind in ("forecast", "segment", "detect", "detect-logs", "recommend"):
        folder = reports_folder(request)
        folder.mkdir(parents=True, exist_ok=True)
        report = str(folder / _report_name(kind, form))
    fields = spec_fields(kind, form, lang=page_lang(request), report=report)
    try:
        record = jobs.submit(kind, fields, user)
    except ConfigError as exc:
        return _form(request, kind, user, form, error=str(exc))
    return redirect(f"/ui/jobs/{record.id}")


@router.get("/ui/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, user: MaybeUser, jobs: JobsDep) -> Response:
    """Running and past jobs with their progress (refreshed while any runs)."""
    user = signed_in(user)
    return render(request, "jobs.html", user=user, title="ui_jobs", jobs=jobs.list()[:200])


@router.get("/ui/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, user: MaybeUser, jobs: JobsDep) -> Response:
    """One job: live progress and log, cancel, and what it produced once done."""
    user = signed_in(user)
    record = jobs.get(job_id)
    result = record.result or {}
    output = None
    if record.kind in _WRITES_TABLE:
        output = result.get("table") or record.fields.get("into")
    report = _report_name(record.kind, record.fields)
    has_report = (reports_folder(request) / report).is_file()
    edit = _edit_query(record.fields) if record.kind == "simulate" else ""
    return render(
        request,
        "job.html",
        user=user,
        title="ui_job",
        job=record,
        result=result,
        output=output,
        report=report if has_report else None,
        logs=jobs.logs(job_id)[-200:],
        edit_query=edit,
    )


def _edit_query(fields: dict[str, Any]) -> str:
    """A job's settings as the query of its form, typed as a person types them.

    A job keeps the fields as they were sent: text from a form stays as typed;
    discounts sent as numbers are rates (0.2) and go back as percents (20), since
    the form's text is read as percents.

    Examples
    --------
    >>> _edit_query({"table": "sales", "discounts": [0.0, 0.1, 0.25], "prices": [], "lang": "ko", "h": 4})
    'table=sales&discounts=0%2C10%2C25&h=4'
    >>> _edit_query({"table": "sales", "discounts": "0,10,20"})
    'table=sales&discounts=0%2C10%2C20'
    """
    from urllib.parse import urlencode

    pairs = []
    for name, value in fields.items():
        if value is None or name in ("lang", "html") or value in ([], (), {}):
            continue
        if name == "discounts" and isinstance(value, list | tuple):  # rates from an API client
            value = [f"{100 * float(v):g}" for v in value]
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ",".join(f"{k}={v}" for k, v in value.items())
        pairs.append((name, str(value)))
    return urlencode(pairs)


@router.get("/ui/models", response_class=HTMLResponse)
def models_page(request: Request, user: MaybeUser) -> Response:
    """Registered models with their versions and aliases."""
    from mirae.service import list_models

    user = signed_in(user)
    return render(
        request, "models.html", user=user, title="ui_models", models=list_models(context(request, user))
    )


def typical_inputs(ctx: Any, info: Any, schema: dict[str, str]) -> list[dict[str, Any]]:
    """One what-if input per feature, prefilled with its typical value in the training table.

    Numbers start at the median, text at the most frequent value (its frequent
    values offered as choices), dates at the latest; read from the snapshot
    the version was trained on. Without a readable training table the inputs
    start empty (missing), which every model accepts.
    """
    table = info.tags.get("mirae.table")
    snapshot = info.tags.get("mirae.snapshot_id")
    stats: dict[str, dict[str, Any]] = {}
    if table and ctx.workspace.exists(table):
        snap = int(snapshot) if snapshot and str(snapshot).isdigit() else None
        columns = {c.name for c in ctx.workspace.schema(table, snapshot=snap)}
        con = ctx.workspace.connect(snapshots={table: snap} if snap is not None else None, only=[table])
        try:
            for name, role in schema.items():
                if name not in columns:
                    continue
                quoted, source = quote(name), quote(table)
                if role == "numeric":
                    row = con.execute(
                        f"SELECT median({quoted}), min({quoted}), max({quoted}) FROM {source}"
                    ).fetchone()  # noqa: S608 - quoted names
                    stats[name] = {"value": row[0], "min": row[1], "max": row[2]}
                elif role == "datetime":
                    row = con.execute(f"SELECT max({quoted}) FROM {source}").fetchone()  # noqa: S608
                    stats[name] = {"value": row[0]}
                else:
                    top = con.execute(
                        f"SELECT CAST({quoted} AS VARCHAR) v, count(*) n FROM {source} WHERE {quoted} IS NOT NULL "  # noqa: S608
                        "GROUP BY 1 ORDER BY n DESC, v LIMIT 50"
                    ).fetchall()
                    stats[name] = {"value": top[0][0] if top else None, "choices": [v for v, _ in top]}
        finally:
            con.close()
    inputs = []
    for name, role in schema.items():
        found = stats.get(name, {})
        value = found.get("value")
        if role == "numeric" and isinstance(value, float) and value.is_integer():
            value = int(value)
        inputs.append(
            {
                "name": name,
                "role": role,
                "value": "" if value is None else str(value),
                "choices": found.get("choices", []),
                "min": found.get("min"),
                "max": found.get("max"),
            }
        )
    return inputs


@router.get("/ui/models/{name}/{version}", response_class=HTMLResponse)
def model_page(request: Request, name: str, version: int, user: MaybeUser) -> Response:
    """A model version: its evaluation report and a what-if form (prediction and what drove it)."""
    from mirae.server.routes.models import _warm
    from mirae.service import model_versions

    user = signed_in(user)
    ctx = context(request, user)
    versions = model_versions(ctx, name)
    info = next((v for v in versions if v.version == version), None)
    if info is None:
        raise ApiError(404, "not_found", f"model {name!r} has no version {version}.", "See the models page.")
    task = info.tags.get("mirae.task", "")
    inputs: list[dict[str, Any]] = []
    if task in ("binary", "multiclass", "regression"):
        warm = _warm(request)
        model, loaded = warm.get(ctx, f"{name}/{version}")
        inputs = typical_inputs(ctx, loaded, warm.schema(loaded.ref, model))
    examples = _frequent(ctx, info.tags, ("mirae.user", "mirae.item")) if task == "recommendation" else {}
    try:
        has_report = bool(info.run_id) and "report.html" in {
            a.path for a in ctx.tracker().client.list_artifacts(info.run_id)
        }
    except Exception:  # noqa: BLE001 - a run the store cannot list has no report to show
        has_report = False
    return render(
        request,
        "model.html",
        user=user,
        title=f"{name} v{version}",
        name=name,
        info=info,
        versions=versions,
        task=task,
        inputs=inputs,
        examples=examples,
        has_report=has_report,
        page_lang=page_lang(request),
    )


def _frequent(ctx: Any, tags: dict[str, str], columns: tuple[str, ...]) -> dict[str, list[str]]:
    """The most frequent values of some columns of a model's training table (examples to try)."""
    table = tags.get("mirae.table")
    out: dict[str, list[str]] = {}
    if not table or not ctx.workspace.exists(table):
        return out
    known = {c.name for c in ctx.workspace.schema(table)}
    con = ctx.workspace.connect(only=[table])
    try:
        for tag in columns:
            column = tags.get(tag)
            if not column or column not in known:
                continue
            quoted, source = quote(column), quote(table)
            rows = con.execute(
                f"SELECT CAST({quoted} AS VARCHAR), count(*) n FROM {source} GROUP BY 1 ORDER BY n DESC LIMIT 30"  # noqa: S608 - quoted names
            ).fetchall()
            out[tag.removeprefix("mirae.")] = [str(v) for v, _ in rows if v is not None]
    finally:
        con.close()
    return out


@router.get("/ui/forecasts/{into}", response_class=HTMLResponse)
def forecast_page(
    request: Request, into: str, user: MaybeUser, job: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    """A forecast: its report (history, forecast and intervals with drill-down by level), leaderboard."""
    from mirae.server.routes.forecasts import forecast_levels, forecast_report_html
    from mirae.server.routes.tables import page_rows

    user = signed_in(user)
    ctx = context(request, user)
    ws = ctx.workspace
    if not ws.exists(into):
        raise ApiError(404, "not_found", f"there is no forecast table {into!r}.", "Run a forecast first.")
    board_name = f"{into}_leaderboard"
    leaderboard = page_rows(ws, board_name, limit=50) if ws.exists(board_name) else None
    try:
        forecast_report_html(ctx, into)
        has_report = True
    except ApiError:
        has_report = False
    return render(
        request,
        "forecast.html",
        user=user,
        title=into,
        into=into,
        leaderboard=leaderboard,
        has_report=has_report,
        levels=forecast_levels(ctx, into),
        lineage=ws.lineage(into),
    )


def series_history(ctx: Any, spec: dict[str, Any], level: str, series: str) -> list[list[Any]]:
    """The history of one series of a forecast at one level: the target summed over its rows.

    ``total`` sums every row, a hierarchy level the rows of that group, the
    bottom level one id's rows — the same series the forecast was made for
    (before reconciliation).
    """
    from mirae.core._json import to_jsonable

    table, time, target, id_col = (str(spec[k]) for k in ("table", "time", "target", "id"))
    hierarchy = [str(h) for h in spec.get("hierarchy") or ()]

    if level == "total":
        where, params = "", []
    elif level in hierarchy:
        where, params = f" WHERE CAST({quote(level)} AS VARCHAR) = ?", [series]
    else:
        where, params = f" WHERE CAST({quote(id_col)} AS VARCHAR) = ?", [series]
    con = ctx.workspace.connect(only=[table])
    try:
        rows = con.execute(
            f"SELECT {quote(time)}, sum({quote(target)}) FROM {quote(table)}{where} GROUP BY 1 ORDER BY 1",  # noqa: S608 - names quoted, values bound
            params,
        ).fetchall()
    finally:
        con.close()
    data: list[list[Any]] = to_jsonable([[t, y] for t, y in rows])
    return data


@router.get("/ui/forecasts/{into}/chart.json")
def forecast_chart(
    request: Request,
    into: str,
    user: MaybeUser,
    level: Annotated[str, Query(max_length=200)],
    series: Annotated[str, Query(max_length=500)],
) -> dict[str, Any]:
    """History, forecast and intervals of one series at one level (the drill-down chart's data)."""
    from mirae.server.routes.forecasts import forecast_rows, forecast_spec

    user = signed_in(user)
    ctx = context(request, user)
    spec = forecast_spec(ctx, into)
    future = forecast_rows(ctx, into, level=level, series=series, limit=10_000)
    return {
        "level": level,
        "series": series,
        "time": spec["time"],
        "history": series_history(ctx, spec, level, series),
        "forecast": future.rows,
    }
