"""Forecast and what-if use cases over workspace tables (shared by CLI and server)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from mirae.core._progress import Progress
    from mirae.lake import SnapshotInfo, Workspace

DEFAULT_LEVELS = (80, 95)


@dataclass
class ForecastRun:
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
        }


def _write(ws: Workspace, name: str, frame: pd.DataFrame, source: str) -> SnapshotInfo:
    return ws.write(name, frame, mode="replace", source=source)


def forecast_table(
    ws: Workspace,
    table: str,
    *,
    id_col: str,
    time_col: str,
    target_col: str,
    h: int,
    into: str,
    hierarchy: Sequence[str] = (),
    exog: Sequence[str] = (),
    future: str | None = None,
    freq: str | None = None,
    fill: str | None = None,
    models: Sequence[str] | None = None,
    level: Sequence[int] = DEFAULT_LEVELS,
    n_windows: int = 3,
    reconcile: str = "mint_shrink",
    progress: Progress | None = None,
) -> ForecastRun:
    """Forecast every series of a workspace table and store the results.

    Parameters
    ----------
    ws : Workspace
        Holds the input table and receives the outputs.
    table : str
        Long-format history: ``id_col``, ``time_col``, ``target_col`` and any
        hierarchy / exogenous columns. Rows after a series' last observed
        target (target empty) carry the future exogenous values.
    id_col, time_col, target_col : str
        Column names.
    h : int
        Horizon in periods.
    into : str
        Name of the forecast table; ``{into}_leaderboard`` and ``{into}_scores``
        are written beside it. Existing tables are replaced (history kept).
    hierarchy : sequence of str
        Static columns from the top level down to (but excluding) ``id_col``,
        e.g. ``['group', 'product']``; forecasts are made and reconciled at
        every level.
    exog : sequence of str
        Dynamic columns known in the future (price, promotion, events).
    future : str, optional
        A table with future exogenous values (``id_col``, ``time_col``, ``exog``).
    freq, fill : str, optional
        Frequency (``D``, ``W``, ``M``, ``Q``; inferred when omitted) and gap
        handling (``zero`` or ``missing``).
    models : sequence of str, optional
        Statistical model aliases to try (default: ETS, ARIMA, Theta,
        SeasonalNaive, plus the seasonal-index method).
    level : sequence of int
        Prediction-interval levels.
    n_windows : int
        Rolling-origin backtest windows used to choose models.
    reconcile : {'mint_shrink', 'bottom_up', 'top_down'}
        Reconciliation method when ``hierarchy`` is given.
    progress : Progress, optional
        Receives progress events.

    Returns
    -------
    ForecastRun
    """
    from mirae.core._progress import NullProgress
    from mirae.forecast import (
        AutoForecaster,
        ForecastData,
        HierarchicalForecaster,
        SeasonalIndexForecaster,
        StatisticalForecaster,
    )

    progress = progress or NullProgress()
    if h < 1:
        msg = f"the horizon h must be at least 1; got {h}."
        raise ConfigError(msg)
    progress.start(f"reading {table}")
    source_snapshot = ws.current_snapshot_id(table)
    history = ws.to_pandas(table, snapshot=source_snapshot)
    future_frame = ws.to_pandas(future) if future else None
    data = ForecastData.from_frame(
        history,
        id_col=id_col,
        time_col=time_col,
        target_col=target_col,
        freq=freq,
        hierarchy=tuple(hierarchy),
        exog=tuple(exog),
        future=future_frame,
        fill=fill,  # type: ignore[arg-type]
    )
    candidates = [
        StatisticalForecaster(models=tuple(models)) if models else StatisticalForecaster(),
        SeasonalIndexForecaster(),
    ]
    auto = AutoForecaster(forecasters=candidates, h=h, n_windows=n_windows)
    model: Any = (
        HierarchicalForecaster(base=auto, method=reconcile) if hierarchy else auto  # type: ignore[arg-type]
    )
    progress.start(f"backtesting and fitting {len(data.ids):,} series")
    model.fit(data)
    progress.start("forecasting")
    forecast = model.predict(h, future=future_frame, level=list(level))
    fitted_auto = model.base_ if hierarchy and hasattr(model, "base_") else model
    leaderboard = getattr(fitted_auto, "leaderboard_", None)
    scores = getattr(fitted_auto, "scores_", None)
    progress.start(f"writing {into}")
    source = f"forecast of {table}@{source_snapshot}"
    snapshot = _write(ws, into, forecast, source)
    lb_name, sc_name = f"{into}_leaderboard", f"{into}_scores"
    if leaderboard is not None:
        _write(ws, lb_name, leaderboard.reset_index(drop=leaderboard.index.name is None), source)
    if scores is not None:
        _write(ws, sc_name, scores, source)
    progress.finish()
    notes = _data_notes(data.report)
    return ForecastRun(
        table=into,
        leaderboard_table=lb_name,
        scores_table=sc_name,
        snapshot=snapshot,
        source_table=table,
        source_snapshot=source_snapshot,
        rows=len(forecast),
        series=len(data.ids),
        horizon=h,
        leaderboard=[]
        if leaderboard is None
        else leaderboard.reset_index(drop=leaderboard.index.name is None).to_dict("records"),
        notes=notes,
    )


def _data_notes(report: dict[str, Any]) -> list[str]:
    notes = []
    gaps = report.get("gaps_filled")
    if isinstance(gaps, dict) and gaps:
        total = sum(int(v) for v in gaps.values())
        notes.append(f"filled {total:,} missing periods in {len(gaps):,} series with {report.get('fill')}")
    negatives = int(report.get("negative_handled") or 0)
    if negatives:
        notes.append(f"{negatives:,} negative target values handled")
    return notes
