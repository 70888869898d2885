"""What-if use case: discount, price and promotion scenarios for an item or a group."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result
from mirae.errors import ConfigError
from mirae.lake._lineage import Lineage
from mirae.service._context import Context
from mirae.service._outputs import check_outputs
from mirae.service._specs import SimulateSpec

if TYPE_CHECKING:
    import pandas as pd

    from mirae.core._progress import Progress
    from mirae.lake import SnapshotInfo, Workspace


@dataclass
class SimulationRun(Result):
    """The scenario table planners use in a pricing meeting, and how it was made."""

    scenarios: pd.DataFrame
    selection: str
    series: int
    horizon: int
    baseline_units: float
    reference_price: float
    unit_cost: float
    elasticity: float
    uplift: float
    n_obs: int
    method: str = "log-log elasticity with series and season controls"
    elasticity_interval: tuple[float, float] | None = None
    table: str | None = None
    snapshot: SnapshotInfo | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "selection": self.selection,
            "series": self.series,
            "horizon": self.horizon,
            "baseline_units": self.baseline_units,
            "reference_price": self.reference_price,
            "unit_cost": self.unit_cost,
            "price_response": {
                "method": self.method,
                "elasticity": self.elasticity,
                "elasticity_interval_95": None
                if self.elasticity_interval is None
                else list(self.elasticity_interval),
                "promotion_uplift": self.uplift,
                "observations": self.n_obs,
            },
            "scenarios": self.scenarios.to_dict("records"),
            "table": self.table,
            "snapshot": self.snapshot.to_dict() if self.snapshot else None,
            "notes": self.notes,
        }


def simulate_table(
    ws: Workspace, table: str, *, progress: Progress | None = None, **settings: Any
) -> SimulationRun:
    """Simulate from Python: :func:`simulate` with ``SimulateSpec(table=table, **settings)``."""
    return simulate(Context(ws), SimulateSpec(table=table, **settings), progress=progress)


def simulate(ctx: Context, spec: SimulateSpec, *, progress: Progress | None = None) -> SimulationRun:
    """Units, revenue, margin and margin rate per discount / price / promotion scenario.

    The baseline is the statistical forecast of the selected series over
    ``h`` periods at the reference price (the last observed price, weighted by
    units across a group) without promotion; the price response is a log-log
    elasticity estimated on the selected series' history with series and
    season controls (:func:`mirae.forecast.fit_price_response`).

    Parameters
    ----------
    ctx : Context
        The workspace: holds ``table``, receives ``into`` when given.
    spec : SimulateSpec
        The scenarios; its fields are described below.

    Spec fields
    -----------
    table : str
        Long-format sales history with a price column.
    id, time, target, price : str
        Column names.
    unit_cost : float
        Cost of one unit.
    h : int
        Periods the scenario covers.
    item : str, optional
        One series id.
    where : dict, optional
        Select a group instead, e.g. ``{"group": "REF"}``; all rows when both
        ``item`` and ``where`` are omitted.
    promo : str, optional
        0/1 promotion column; scenarios are crossed with promotion off/on.
    discounts, prices : sequence of float
        Discount rates (0.2 = 20% off) and explicit price points.
    elasticity : float, optional
        A known price elasticity (``-1.5``: 1.5 % fewer units per 1 % higher
        price) used instead of estimating one, e.g. when the history never
        changes price; the promotion uplift is then still estimated where the
        history allows, and taken as none otherwise (said in the notes).
    into : str, optional
        Also store the scenario table under this name (never ``table`` itself).
    mode : {'create', 'replace', 'append'}
        How ``into`` is written; ``create`` refuses an existing table before any work.

    Raises
    ------
    NoPriceVariationError
        When the selected history never changes price.
    """
    import numpy as np

    from mirae.core._progress import NullProgress
    from mirae.forecast import (
        AutoForecaster,
        ForecastData,
        StatisticalForecaster,
        fit_price_response,
        simulate_scenarios,
    )

    ws, table, id_col, time_col, target_col = ctx.workspace, spec.table, spec.id, spec.time, spec.target
    price, unit_cost, h, item, where, promo = (
        spec.price,
        spec.unit_cost,
        spec.h,
        spec.item,
        spec.where,
        spec.promo,
    )
    discounts, prices, freq, fill, elasticity = (
        spec.discounts,
        spec.prices,
        spec.freq,
        spec.fill,
        spec.elasticity,
    )
    into, mode = spec.into, spec.mode
    progress = progress or NullProgress()
    if into:
        check_outputs(ws, [into], inputs=[table], mode=mode)
    progress.start(f"reading {table}")
    source_snapshot = ws.current_snapshot_id(table)
    frame = ws.to_pandas(table, snapshot=source_snapshot)
    selection = "all series"
    if item is not None:
        frame = frame.loc[frame[id_col].astype(str) == str(item)]
        selection = f"{id_col} = {item}"
    for column, value in (where or {}).items():
        if column not in frame.columns:
            msg = f"column {column!r} is not in table {table!r}; columns: {list(frame.columns)}."
            raise ConfigError(msg)
        frame = frame.loc[frame[column].astype(str) == str(value)]
        selection = f"{column} = {value}" if selection == "all series" else f"{selection}, {column} = {value}"
    if frame.empty:
        msg = f"no rows in {table!r} where {selection}; check the id or group value."
        raise ConfigError(msg)
    exog = (price,) if promo is None else (price, promo)
    observed = frame.dropna(subset=[target_col])
    data = ForecastData.from_frame(
        observed,
        id_col=id_col,
        time_col=time_col,
        target_col=target_col,
        freq=freq,
        exog=exog,
        fill=fill,
    )
    progress.start("estimating the price response")
    notes: list[str] = []
    if elasticity is None:
        response = fit_price_response(data, price=price, promo=promo)
    else:
        response, note = _given_response(data, elasticity, price=price, promo=promo)
        notes.append(note)
    progress.start("forecasting the baseline")
    baseline_model = AutoForecaster(
        forecasters=[StatisticalForecaster(models=("ETS", "Theta", "SeasonalNaive"))], h=h, n_windows=2
    )
    sales_only = ForecastData.from_frame(
        observed,
        id_col=id_col,
        time_col=time_col,
        target_col=target_col,
        freq=freq,
        fill=fill,
    )
    forecast = baseline_model.fit(sales_only).predict(h)
    baseline_units = float(forecast["forecast"].sum())
    last = observed.sort_values(time_col).groupby(id_col).tail(1)
    weights = observed.groupby(id_col)[target_col].sum().reindex(last[id_col]).to_numpy(dtype=float)
    last_prices = last[price].to_numpy(dtype=float)
    if weights.sum() > 0:
        reference_price = float(np.average(last_prices, weights=weights))
    else:
        reference_price = float(np.mean(last_prices))
    scenarios = simulate_scenarios(
        baseline_units,
        reference_price=reference_price,
        unit_cost=unit_cost,
        response=response,
        discounts=discounts,
        prices=prices,
        promo=(False, True) if promo else (False,),
    )
    run = SimulationRun(
        scenarios=scenarios,
        selection=selection,
        series=len(data.ids),
        horizon=h,
        baseline_units=baseline_units,
        reference_price=reference_price,
        unit_cost=unit_cost,
        elasticity=response.elasticity,
        uplift=response.uplift,
        n_obs=response.n_obs,
        method="log-log elasticity with series and season controls"
        if elasticity is None
        else "given elasticity",
        elasticity_interval=response.interval,
        notes=notes,
    )
    if not response.distinguishable and response.interval is not None:
        low, high = response.interval
        notes.append(
            f"the price elasticity {response.elasticity:.2f} (95 % interval {low:.2f} to {high:.2f}) cannot be "
            "told apart from zero: the history does not show how price moves units, so no scenario is marked "
            "best. Use a longer history with price changes, or give a known elasticity (--elasticity)."
        )
    if into:
        run.table = into
        lineage = Lineage("simulate", inputs=(Lineage.table(table, source_snapshot),), spec=spec.to_dict())
        run.snapshot = ws.write(
            into, scenarios, mode=mode, source=f"simulation on {table} ({selection})", lineage=lineage
        )
    progress.finish()
    return run


def _given_response(data: Any, elasticity: float, *, price: str, promo: str | None) -> tuple[Any, str]:
    """The response with the user's elasticity; the promotion uplift estimated when the history allows."""
    import math

    from mirae.errors import NoPriceVariationError
    from mirae.forecast import PriceResponse, fit_price_response

    if not math.isfinite(elasticity):
        msg = f"the elasticity must be a number (e.g. -1.5); got {elasticity!r}."
        raise ConfigError(msg)
    note = f"price elasticity {elasticity:g} given, not estimated"
    if promo is None:
        return PriceResponse(elasticity=elasticity, uplift=0.0, n_obs=0), note
    try:
        fitted = fit_price_response(data, price=price, promo=promo)
    except NoPriceVariationError:
        return PriceResponse(elasticity=elasticity, uplift=0.0, n_obs=0), (
            f"{note}; the promotion uplift could not be estimated from a history without price changes "
            "and is taken as none"
        )
    return PriceResponse(
        elasticity=elasticity, uplift=fitted.uplift, n_obs=fitted.n_obs, elasticity_se=None
    ), (f"{note}; promotion uplift estimated from {fitted.n_obs:,} rows")
