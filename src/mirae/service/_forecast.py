"""Forecast and what-if use cases over workspace tables (shared by CLI and server)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result
from mirae.errors import ConfigError
from mirae.lake._lineage import Lineage
from mirae.service._context import Context
from mirae.service._outputs import check_outputs
from mirae.service._specs import ForecastSpec

if TYPE_CHECKING:
    import pandas as pd

    from mirae.core._progress import Progress
    from mirae.lake import SnapshotInfo, Workspace


@dataclass
class ForecastRun(Result):
    """What :func:`forecast_table` wrote.

    Attributes
    ----------
    table : str
        The forecasts: one row per id (and hierarchy level) and future time, a
        column per model and interval, the chosen forecast in ``forecast``.
    leaderboard_table, scores_table : str
        Backtest leaderboard (per model) and per-series metrics.
    snapshot : SnapshotInfo
        The forecast table's new snapshot.
    source_snapshot : int or None
        Snapshot of the input table the forecast was made from (lineage).
    run_id : str or None
        The MLflow run (None when ``track=False``).
    model_name, version : str, int
        The registered forecaster (task ``forecast``; None when not registered).
    """

    table: str
    leaderboard_table: str
    scores_table: str
    snapshot: SnapshotInfo
    source_table: str
    source_snapshot: int | None
    rows: int
    series: int
    horizon: int
    leaderboard: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    run_id: str | None = None
    backtest_metrics: dict[str, float] = field(default_factory=dict)
    group_choice: list[dict[str, Any]] = field(default_factory=list)
    model_name: str | None = None
    version: int | None = None
    html: str | None = None
    report: Any = None

    @property
    def model_ref(self) -> str | None:
        """``name/version`` of the registered forecaster."""
        return None if self.version is None else f"{self.model_name}/{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "table": self.table,
            "leaderboard_table": self.leaderboard_table,
            "scores_table": self.scores_table,
            "snapshot": self.snapshot.to_dict(),
            "source_table": self.source_table,
            "source_snapshot": self.source_snapshot,
            "rows": self.rows,
            "series": self.series,
            "horizon": self.horizon,
            "leaderboard": self.leaderboard,
            "notes": self.notes,
            "run_id": self.run_id,
            "backtest_metrics": self.backtest_metrics,
            "group_choice": self.group_choice,
            "model_ref": self.model_ref,
            "html": self.html,
        }


def forecast_table(
    ws: Workspace,
    table: str,
    *,
    tracking_uri: str | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> ForecastRun:
    """Forecast from Python: :func:`forecast` with ``ForecastSpec(table=table, **settings)``.

    ``settings`` are the fields of :class:`~mirae.service.ForecastSpec` (``id``,
    ``time``, ``target``, ``h``, ``into``, ``hierarchy``, ``exog``, ...).
    """
    spec = ForecastSpec(table=table, **settings)
    return forecast(Context(ws, tracking_uri=tracking_uri), spec, progress=progress)


def forecast(ctx: Context, spec: ForecastSpec, *, progress: Progress | None = None) -> ForecastRun:
    """Forecast every series of a workspace table, store the results and log an MLflow run.

    Parameters
    ----------
    ctx : Context
        The workspace (holds the input table, receives the outputs) and its tracking store.
    spec : ForecastSpec
        What to forecast; its fields are described below.

    Spec fields
    -----------
    table : str
        Long-format history: ``id``, ``time``, ``target`` and any
        hierarchy / exogenous columns. Rows after a series' last observed
        target (target empty) carry the future exogenous values.
    id, time, target : str
        Column names.
    h : int
        Horizon in periods.
    into : str
        Name of the forecast table; ``{into}_leaderboard`` and ``{into}_scores``
        are written beside it.
    mode : {'create', 'replace', 'append'}
        How the output tables are written: ``create`` refuses existing tables
        (checked before any work); ``replace`` keeps their old snapshots in
        the history. An output may never be one of the inputs.
    hierarchy : sequence of str
        Static columns from the top level down to (but excluding) ``id``,
        e.g. ``['group', 'product']``; forecasts are made and reconciled at
        every level.
    exog : sequence of str
        Dynamic columns known in the future (price, promotion, events): the
        global model uses them as features and the seasonal-index method as
        factor terms.
    future : str, optional
        A table with future exogenous values (``id``, ``time``, ``exog``).
    freq, fill : str, optional
        Frequency (``D``, ``W``, ``M``, ``Q``, ``Y``; inferred when omitted) and gap
        handling (``zero`` or ``missing``).
    negative : {'error', 'keep', 'zero'}
        Negative targets (returns, adjustments): refused, kept, or floored at zero.
    models : sequence of str, optional
        Models to try: statistical aliases (``ETS``, ``ARIMA``, ``Theta``,
        ``CES``, ``SeasonalNaive``, ``Naive``, ``HistoricAverage``) and
        ``GlobalBoost``; the seasonal-index method always runs. Default: what
        :class:`~mirae.forecast.AutoForecaster` picks for the data (the
        global model with exogenous columns or many daily/weekly series).
    level : sequence of int
        Prediction-interval levels.
    n_windows : int
        Rolling-origin backtest windows used to choose models.
    reconcile : {'mint_shrink', 'bottom_up', 'top_down'}
        Reconciliation method when ``hierarchy`` is given.
    holidays : str or None
        Country whose public holidays enter the global model's calendar
        features (``'KR'``: Seollal, Chuseok and substitute days included);
        ``None`` for none.
    events : str, optional
        A table of user events (columns ``date`` and ``event``) for the global model.
    n_jobs : int
        Processes for the statistical models, threads for the global model.
    track : bool
        Log an MLflow run (parameters, backtest metrics, leaderboard, lineage).
    progress : Progress, optional
        Receives progress events.

    Returns
    -------
    ForecastRun
    """
    from mirae.core._progress import NullProgress, reporting
    from mirae.forecast import ForecastData, HierarchicalForecaster

    ws, table, h, into, mode = ctx.workspace, spec.table, spec.h, spec.into, spec.mode
    hierarchy, exog, future, events, models = spec.hierarchy, spec.exog, spec.future, spec.events, spec.models
    level, n_windows, reconcile, holidays, fill = (
        spec.level,
        spec.n_windows,
        spec.reconcile,
        spec.holidays,
        spec.fill,
    )
    progress = progress or NullProgress()
    lb_name, sc_name = f"{into}_leaderboard", f"{into}_scores"
    inputs = [name for name in (table, future, events) if name]
    check_outputs(ws, [into, lb_name, sc_name], inputs=inputs, mode=mode)
    tracker = ctx.tracker().open() if spec.track else None  # fails now, not after the backtests
    progress.start(f"reading {table}")
    source_snapshot = ws.current_snapshot_id(table)
    history = ws.to_pandas(table, snapshot=source_snapshot)
    future_frame = ws.to_pandas(future) if future else None
    events_frame = ws.to_pandas(events) if events else None
    data = ForecastData.from_frame(
        history,
        id_col=spec.id,
        time_col=spec.time,
        target_col=spec.target,
        freq=spec.freq,
        hierarchy=hierarchy,
        exog=exog,
        future=future_frame,
        fill=fill,
        negative=spec.negative,
    )
    auto = _auto_forecaster(models, h, n_windows, holidays, events_frame, spec.n_jobs)
    model: Any = HierarchicalForecaster(base=auto, method=reconcile) if hierarchy else auto
    progress.start(f"fitting and backtesting {len(data.ids):,} series")
    with reporting(progress):  # the estimators report series fitted of total
        model.fit(data)
    progress.start("forecasting")
    forecast = model.predict(h, future=future_frame, level=list(level))
    forecast = _as_stored(forecast, ws, table, spec.time)
    fitted_auto = model.base_ if hierarchy and hasattr(model, "base_") else model
    leaderboard = getattr(fitted_auto, "leaderboard_", None)
    scores = getattr(fitted_auto, "scores_", None)
    board = None if leaderboard is None else leaderboard.reset_index(drop=leaderboard.index.name is None)
    read = [Lineage.table(table, source_snapshot)] + [
        Lineage.table(name, ws.current_snapshot_id(name)) for name in (future, events) if name
    ]
    with ExitStack() as stack:
        logger = None
        if tracker is not None:  # the run exists before the writes: the tables record its id
            tags = {"mirae.table": table, "mirae.snapshot_id": source_snapshot, "mirae.task": "forecast"}
            logger = stack.enter_context(
                tracker.start_run(
                    f"forecast:{into}",
                    run_name=f"{spec.target} of {table}",
                    tags={**tags, "mirae.output_table": into, "mirae.workspace": str(ws.path)},
                )
            )
        lineage = Lineage(
            "forecast",
            inputs=tuple(read),
            spec=spec.to_dict(),
            run_id=None if logger is None else logger.run_id,
        )
        progress.start(f"writing {into}")
        source = f"forecast of {table}@{source_snapshot}"
        snapshot = ws.write(into, forecast, mode=mode, source=source, lineage=lineage)
        if board is not None:
            ws.write(lb_name, board, mode=mode, source=source, lineage=lineage)
        if scores is not None:
            ws.write(sc_name, scores, mode=mode, source=source, lineage=lineage)
        run = _forecast_run(spec, data, fitted_auto, forecast, board, snapshot, source_snapshot)
        if logger is not None:
            progress.start("logging the run to MLflow")
            logger.set_tags({"mirae.output_snapshot_id": snapshot.snapshot_id})
            _log_run(logger, run, fitted_auto, board, spec, data)
            run.run_id = str(logger.run_id)
            if spec.register_:
                logger.log_model(model, metadata={"mirae_task": "forecast", "target": spec.target, "h": h})
    if tracker is not None and spec.register_ and run.run_id:
        progress.start("registering the forecaster")
        name = spec.model_name or into
        tags = {"mirae.table": table, "mirae.snapshot_id": source_snapshot, "mirae.target": spec.target}
        info = tracker.registry.register(
            name, run.run_id, tags={**tags, "mirae.task": "forecast"}, alias=spec.alias
        )
        run.model_name, run.version = name, info.version
    if spec.html:
        progress.start("writing the forecast report")
        run.report = _report(spec, data, forecast, board, run, fitted_auto)
        run.report.to_html(spec.html, lang=spec.lang)
        run.html = spec.html
    progress.finish()
    return run


def _auto_forecaster(
    models: Sequence[str] | None,
    h: int,
    n_windows: int,
    holidays: str | None,
    events: pd.DataFrame | None,
    n_jobs: int,
) -> Any:
    """The AutoForecaster of a table: the default candidates, or the ``models`` asked for."""
    from mirae.forecast import (
        STATISTICAL_MODELS,
        AutoForecaster,
        GlobalBoostForecaster,
        SeasonalIndexForecaster,
        StatisticalForecaster,
    )

    settings: dict[str, Any] = {
        "h": h,
        "n_windows": n_windows,
        "n_jobs": n_jobs,
        "country": holidays,
        "events": events,
    }
    if not models:  # AutoForecaster picks the candidates for the data it is fitted on
        return AutoForecaster(**settings)
    choices = [*STATISTICAL_MODELS, "GlobalBoost", "SeasonalIndex"]
    unknown = [m for m in models if m not in choices]
    if unknown:
        msg = f"unknown model(s) {unknown}; choose from {choices} (the seasonal-index method always runs)."
        raise ConfigError(msg)
    statistical = [m for m in models if m in STATISTICAL_MODELS]
    candidates: list[Any] = []
    if statistical:
        candidates.append(StatisticalForecaster(models=tuple(statistical), n_jobs=n_jobs))
    candidates.append(SeasonalIndexForecaster(factors="exog"))
    if "GlobalBoost" in models:
        candidates.append(GlobalBoostForecaster(num_threads=n_jobs, country=holidays, events=events))
    return AutoForecaster(forecasters=candidates, **settings)


def _backtest_metrics(auto: Any, data: Any) -> dict[str, float]:
    """Mean backtest metrics of the chosen ``forecast`` over the scored series."""
    import numpy as np

    from mirae.forecast import score_series

    cv = getattr(auto, "backtest_", None)
    if cv is None or "forecast" not in cv.columns:
        return {}
    base = auto.data_ if hasattr(auto, "data_") else data
    train = base.interpolated()[["unique_id", "ds", "y"]]
    first = cv.groupby("unique_id")["cutoff"].min()
    scores = score_series(
        cv, train.loc[train["ds"] <= train["unique_id"].map(first)], ["forecast"], base.season_length
    )
    means = scores.drop(columns=["unique_id", "model"]).mean()
    return {f"backtest_{k}": float(v) for k, v in means.items() if np.isfinite(v)}


def _forecast_run(
    spec: ForecastSpec,
    data: Any,
    fitted_auto: Any,
    forecast: pd.DataFrame,
    board: pd.DataFrame | None,
    snapshot: SnapshotInfo,
    source_snapshot: int | None,
) -> ForecastRun:
    notes = _data_notes(data.report) + list(getattr(fitted_auto, "notes_", []))
    fallback = list(getattr(fitted_auto, "fallback_series_", []))
    if fallback:
        notes.append(
            f"{len(fallback):,} series too short to backtest got their group's model (e.g. {', '.join(fallback[:3])})"
        )
    groups = getattr(fitted_auto, "group_choice_", None)
    return ForecastRun(
        table=spec.into,
        leaderboard_table=f"{spec.into}_leaderboard",
        scores_table=f"{spec.into}_scores",
        snapshot=snapshot,
        source_table=spec.table,
        source_snapshot=source_snapshot,
        rows=len(forecast),
        series=len(data.ids),
        horizon=spec.h,
        leaderboard=[]
        if board is None
        else [{str(k): v for k, v in r.items()} for r in board.to_dict("records")],
        notes=notes,
        backtest_metrics=_backtest_metrics(fitted_auto, data),
        group_choice=[] if groups is None else groups.to_dict("records"),
    )


def _log_run(
    logger: Any, run: ForecastRun, auto: Any, board: pd.DataFrame | None, spec: ForecastSpec, data: Any
) -> None:
    logger.log_params(
        {
            "h": spec.h,
            "freq": data.freq.code,
            "n_windows": spec.n_windows,
            "models": list(spec.models) if spec.models else "auto",
            "hierarchy": "/".join(spec.hierarchy) or None,
            "exog": ",".join(spec.exog) or None,
            "reconcile": spec.reconcile if spec.hierarchy else None,
            "holidays": spec.holidays,
            "events": spec.events,
            "level": ",".join(str(v) for v in spec.level),
            "fill": spec.fill,
            "table": run.source_table,
            "snapshot_id": run.source_snapshot,
            "series": run.series,
        }
    )
    logger.log_metrics(run.backtest_metrics)
    if board is not None:
        logger.log_frame(board, "leaderboard")
    groups = getattr(auto, "group_choice_", None)
    if groups is not None:
        logger.log_frame(groups, "group_choice")
    logger.log_dict({"notes": run.notes}, "notes.json")


def _report(
    spec: ForecastSpec,
    data: Any,
    forecast: pd.DataFrame,
    board: pd.DataFrame | None,
    run: ForecastRun,
    auto: Any,
) -> Any:
    """The forecast report of this run: every level's history beside its forecasts."""
    import pandas as pd

    from mirae.evaluate._forecast_report import ForecastReport
    from mirae.forecast import aggregate_history, summing_matrix

    bottom = data.history[["unique_id", "ds", "y"]]
    if spec.hierarchy:
        S, levels = summing_matrix(data.statics()[list(spec.hierarchy)])
        history = aggregate_history(bottom, S)
        level_of = {str(k): str(v) for k, v in levels.items()}
    else:
        history = bottom
        level_of = {str(i): "bottom" for i in data.ids}
    stored = forecast.rename(columns={spec.id: "unique_id", spec.time: "ds"})
    stored["ds"] = pd.to_datetime(stored["ds"])
    index, steps, used = _seasonal_parts(auto, data)
    return ForecastReport(
        target=spec.target,
        history=history,
        forecast=stored,
        levels=level_of,
        leaderboard=board,
        notes=list(run.notes),
        provenance={
            "model": run.model_ref,
            "table": spec.table,
            "snapshot": run.source_snapshot,
            "run": run.run_id,
        },
        seasonal_index=index,
        seasonal_steps=steps,
        seasonal_used=used,
    )


def _seasonal_parts(auto: Any, data: Any) -> tuple[Any, Any, int]:
    """The fitted seasonal-index method's table, its last cycle of steps, and how many series used it."""
    method = next(
        (f for f in getattr(auto, "forecasters_", []) if type(f).__name__ == "SeasonalIndexForecaster"), None
    )
    if method is None:
        return None, None, 0
    choice = getattr(auto, "choice_", None)
    used = 0 if choice is None else int((choice.astype(str) == "SeasonalIndex").sum())
    steps = method.components_
    first = steps["group"].iloc[0]
    last_cycle = steps[steps["group"] == first].tail(int(data.season_length))
    return method.seasonal_index_, last_cycle.round(3), used


def _as_stored(forecast: pd.DataFrame, ws: Workspace, table: str, time: str) -> pd.DataFrame:
    """Column names SQL needs no quotes for (``forecast_hi_95``), and dates back as dates."""
    import pandas as pd
    import pyarrow as pa

    out = forecast.rename(columns=lambda c: str(c).replace("-", "_"))
    field = ws.arrow_schema(table).field(time)
    if pa.types.is_date(field.type) and time in out.columns:
        out[time] = pd.to_datetime(out[time]).dt.date
    return out


def _data_notes(report: dict[str, Any]) -> list[str]:
    notes = [str(report["time_note"])] if report.get("time_note") else []
    gaps = report.get("gaps_filled")
    if isinstance(gaps, dict) and gaps:
        total = sum(int(v) for v in gaps.values())
        notes.append(f"filled {total:,} missing periods in {len(gaps):,} series with {report.get('fill')}")
    filled = report.get("exog_filled")
    if isinstance(filled, dict):
        notes.extend(f"{column}: {what}" for column, what in filled.items())
    negatives = int(report.get("negative_handled") or 0)
    if negatives:
        notes.append(f"{negatives:,} negative target values handled")
    return notes
