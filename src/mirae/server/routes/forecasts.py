"""Forecasts: run one (a job), read its rows per hierarchy level and series, its backtest, its report;
what-if scenarios (simulate).

``POST /api/forecasts`` takes the fields of :class:`~mirae.service.ForecastSpec`
(what ``mirae forecast`` takes) and starts the ``forecast`` use case as a
background job; its outputs are the tables ``{into}`` (the forecasts),
``{into}_leaderboard`` (the backtest per model) and ``{into}_scores`` (per
series and model). The reads below find the output by its lineage, so a
table that no forecast wrote is a 404 saying how to make one.

The data access is plain functions of ``(ctx, name, ...)`` (:func:`forecast_rows`,
:func:`forecast_levels`, :func:`backtest_leaderboard`, :func:`forecast_report_html`)
that the web pages call too.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from mirae.server._deps import Ctx
from mirae.server._errors import ApiError
from mirae.server._jobs import JobsDep
from mirae.server.routes._outputs import (
    ERRORS,
    Analyst,
    ErrorOut,
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
from mirae.service import ForecastSpec, SimulateSpec

__all__ = [
    "BacktestOut",
    "LevelOut",
    "SimulationOut",
    "backtest_leaderboard",
    "forecast_levels",
    "forecast_report_html",
    "forecast_rows",
    "router",
]

router = APIRouter(prefix="/api/forecasts", tags=["forecasts"], responses=ERRORS)

#: How to make a forecast, for the 404 of a name that is not one.
HOW_TO_FORECAST = (
    "Start one with POST /api/forecasts (fields table, id, time, target, h, into) "
    "or `mirae forecast TABLE --id ID --time TIME --target Y --h H --into NAME`."
)
#: The level of every series of a forecast made without a hierarchy.
BOTTOM = "bottom"


# -- response models ------------------------------------------------------------------------------
class LevelOut(BaseModel):
    """One hierarchy level of a forecast and its series, top level first."""

    level: str = Field(description="total, a hierarchy column, or bottom (the id column).")
    series: list[str]
    rows: int


class LevelsOut(BaseModel):
    """The levels of a forecast (one, ``bottom``, without a hierarchy)."""

    table: str
    id: str = Field(description="The column holding each series' id.")
    time: str
    hierarchy: list[str]
    levels: list[LevelOut]


class BacktestOut(BaseModel):
    """The rolling-origin backtest of a forecast: one row per model, best first."""

    table: str
    leaderboard_table: str
    interval_levels: list[float] = Field(
        description="Prediction-interval levels (coverage is measured at them)."
    )
    n_windows: int | None = None
    columns: list[str]
    leaderboard: list[dict[str, Any]] = Field(
        description="model, mase, rmsse, smape, wape, bias, series, coverage (of the intervals), wins."
    )


class ScenarioOut(BaseModel):
    """One what-if scenario: price, discount, promotion and what they bring."""

    scenario: str
    price: float | None = None
    discount: float | None = None
    promo: bool = False
    units: float | None = None
    revenue: float | None = None
    margin: float | None = None
    margin_rate: float | None = None
    best: bool = Field(default=False, description="The scenario with the highest margin (none when unclear).")


class PriceResponseOut(BaseModel):
    """How units answer price, as estimated (or given)."""

    method: str
    elasticity: float | None = None
    elasticity_interval_95: list[float | None] | None = None
    promotion_uplift: float | None = None
    observations: int = 0


class SimulationOut(BaseModel):
    """The scenario table of a what-if: baseline, price response, scenarios (the best marked)."""

    selection: str
    series: int
    horizon: int
    baseline_units: float | None = None
    reference_price: float | None = None
    unit_cost: float
    price_response: PriceResponseOut
    scenarios: list[ScenarioOut]
    table: str | None = Field(default=None, description="Where the scenarios were stored (into).")
    snapshot: dict[str, Any] | None = None
    notes: list[str] = Field(default_factory=list)


# -- data access (the web pages call these too) ---------------------------------------------------
def forecast_spec(ctx: Any, name: str) -> dict[str, Any]:
    """The spec forecast ``name`` was made with (404 when ``name`` is no forecast)."""
    return output_spec(ctx, name, ("forecast",), "forecast", HOW_TO_FORECAST)


def _id_column(ctx: Any, name: str, spec: dict[str, Any]) -> str:
    column = spec.get("id")
    return str(column) if column else ctx.workspace.schema(name)[0].name


def forecast_levels(ctx: Any, name: str) -> LevelsOut:
    """The hierarchy levels of forecast ``name`` and each level's series, in the stored order.

    Parameters
    ----------
    ctx : Context
        The request's service context.
    name : str
        A forecast table (the ``into`` of a forecast).

    Returns
    -------
    LevelsOut
        Without a hierarchy, one level ``bottom`` with every series.
    """
    spec = forecast_spec(ctx, name)
    ws = ctx.workspace
    id_col = _id_column(ctx, name, spec)
    has_level = "level" in {c.name for c in ws.schema(name)}
    columns = [id_col, "level"] if has_level else [id_col]
    data = ws.read(name, columns=columns).to_pydict()
    ids = [str(v) for v in data[id_col]]
    levels_of = [str(v) for v in data["level"]] if has_level else [BOTTOM] * len(ids)
    series: dict[str, dict[str, None]] = {}
    rows: dict[str, int] = {}
    for level, series_id in zip(levels_of, ids, strict=True):
        series.setdefault(level, {})[series_id] = None
        rows[level] = rows.get(level, 0) + 1
    return LevelsOut(
        table=name,
        id=id_col,
        time=str(spec.get("time") or ""),
        hierarchy=[str(h) for h in spec.get("hierarchy") or ()],
        levels=[LevelOut(level=lv, series=list(s), rows=rows[lv]) for lv, s in series.items()],
    )


def forecast_rows(
    ctx: Any,
    name: str,
    *,
    level: str | None = None,
    series: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> RowsOut:
    """A page of forecast ``name``'s rows: one level and/or one series, ordered by series and time.

    Parameters
    ----------
    ctx : Context
        The request's service context.
    name : str
        A forecast table.
    level : str, optional
        One hierarchy level (``total``, a hierarchy column, ``bottom``); 404 for another.
    series : str, optional
        One series id (as written in the id column).
    offset, limit : int
        The page.

    Returns
    -------
    RowsOut
    """
    spec = forecast_spec(ctx, name)
    ws = ctx.workspace
    id_col = _id_column(ctx, name, spec)
    columns = {c.name for c in ws.schema(name)}
    where: dict[str, Any] = {id_col: series}
    if level is not None:
        if "level" in columns:
            known = [lv.level for lv in forecast_levels(ctx, name).levels]
            where["level"] = level
        else:
            known = [BOTTOM]
        if level not in known:
            raise ApiError(
                404,
                "not_found",
                f"forecast {name!r} has no level {level!r}; its levels are {known}.",
                f"GET /api/forecasts/{name}/levels lists the levels and their series.",
            )
    time_col = spec.get("time")
    order = [id_col, *([str(time_col)] if time_col in columns else [])]
    return page(ws, name, offset=offset, limit=limit, where=where, order_by=order)


def backtest_leaderboard(ctx: Any, name: str) -> BacktestOut:
    """The backtest leaderboard of forecast ``name``: per model the errors, interval coverage and wins."""
    from mirae.core._json import to_jsonable

    spec = forecast_spec(ctx, name)
    ws = ctx.workspace
    board = f"{name}_leaderboard"
    require_table(
        ws,
        board,
        "backtest leaderboard",
        "This forecast stored no backtest (series too short to backtest); forecast again with more history.",
    )
    data = ws.read(board).to_pylist()
    return BacktestOut(
        table=name,
        leaderboard_table=board,
        interval_levels=[float(v) for v in spec.get("level") or ()],
        n_windows=spec.get("n_windows"),
        columns=[c.name for c in ws.schema(board)],
        leaderboard=to_jsonable(data),
    )


def forecast_scores(ctx: Any, name: str, *, series: str | None, offset: int, limit: int) -> RowsOut:
    """Per series and model, the backtest errors of forecast ``name`` (one series when given)."""
    forecast_spec(ctx, name)
    ws = ctx.workspace
    scores = f"{name}_scores"
    require_table(ws, scores, "backtest score table", "This forecast stored no per-series backtest scores.")
    return page(
        ws,
        scores,
        offset=offset,
        limit=limit,
        where={"unique_id": series},
        order_by=["unique_id", "model"],
    )


def forecast_report_html(ctx: Any, name: str) -> str:
    """The HTML report the forecast ``name`` wrote (its ``html`` field); 404 when it wrote none."""
    spec = forecast_spec(ctx, name)
    html = spec.get("html")
    path = FilePath(str(html)) if html else None
    if path is not None and not path.is_absolute():
        path = FilePath(ctx.workspace.path) / path
    if path is None or path.suffix.lower() not in (".html", ".htm") or not path.is_file():
        detail = (
            f"forecast {name!r} was made without a report."
            if html is None
            else f"the report of forecast {name!r} ({html}) is no longer there."
        )
        raise ApiError(
            404,
            "not_found",
            detail,
            "Forecast again with html set (e.g. reports/forecast.html inside the workspace), "
            "or `mirae forecast ... --html FILE`.",
        )
    return path.read_text(encoding="utf-8")


# -- routes --------------------------------------------------------------------------------------
@router.post("", status_code=202, response_model=JobOut)
def start_forecast(spec: ForecastSpec, jobs: JobsDep, user: Analyst) -> JobOut:
    """Forecast every series of a table (analysts): 202 with the job; the outputs land in ``into``.

    The body has the fields of ``mirae forecast`` (``table``, ``id``, ``time``,
    ``target``, ``h``, ``into``, ``hierarchy``, ``exog``, ``models``, ...).
    Follow the job at ``/api/jobs/{id}``; then read ``/api/forecasts/{into}``.
    """
    return _out(jobs.submit("forecast", job_fields(spec), user))


@router.post(
    "/simulate",
    response_model=SimulationOut,
    responses={
        400: {"model": ErrorOut, "description": "The history cannot answer (e.g. the price never changes)."},
        409: {"model": ErrorOut, "description": "``into`` exists already (mode create)."},
    },
)
def simulate_scenarios(spec: SimulateSpec, ctx: Ctx, user: Analyst) -> SimulationOut:
    """What-if (analysts): units, revenue and margin per discount / price / promotion scenario.

    The best scenario (highest margin) is marked, unless the price elasticity
    cannot be told apart from zero (then the notes say why). The elasticity
    comes with its 95 % interval. With ``into`` the scenarios are also stored.
    """
    from mirae.core._json import to_jsonable
    from mirae.service import simulate

    run = simulate(ctx, spec)
    return SimulationOut.model_validate(to_jsonable(run.to_dict()))


@router.get("/{name}", response_model=RowsOut)
def get_forecast(
    name: OutputName,
    ctx: Ctx,
    user: Viewer,
    level: Annotated[str | None, Query(max_length=200, description="Only this hierarchy level.")] = None,
    series: Annotated[str | None, Query(max_length=500, description="Only this series id.")] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> RowsOut:
    """A page of a forecast's rows (per series and future period: each model, the chosen
    ``forecast`` and its intervals), for one level and/or one series when given."""
    return forecast_rows(ctx, name, level=level, series=series, offset=offset, limit=limit)


@router.get("/{name}/levels", response_model=LevelsOut)
def get_forecast_levels(name: OutputName, ctx: Ctx, user: Viewer) -> LevelsOut:
    """The hierarchy levels of a forecast (top first) and the series of each."""
    return forecast_levels(ctx, name)


@router.get("/{name}/backtest", response_model=BacktestOut)
def get_forecast_backtest(name: OutputName, ctx: Ctx, user: Viewer) -> BacktestOut:
    """The backtest leaderboard of a forecast: errors, interval coverage and wins per model."""
    return backtest_leaderboard(ctx, name)


@router.get("/{name}/scores", response_model=RowsOut)
def get_forecast_scores(
    name: OutputName,
    ctx: Ctx,
    user: Viewer,
    series: Annotated[str | None, Query(max_length=500, description="Only this series id.")] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> RowsOut:
    """The backtest errors per series and model (one series when given)."""
    return forecast_scores(ctx, name, series=series, offset=offset, limit=limit)


@router.get("/{name}/report", response_class=HTMLResponse)
def get_forecast_report(name: OutputName, ctx: Ctx, user: Viewer) -> HTMLResponse:
    """The forecast's HTML report, when the forecast wrote one (``html``)."""
    from mirae.server.routes.tables import html_page

    return html_page(forecast_report_html(ctx, name))
