"""What-if simulation: units, revenue and margin under price, discount and promotion scenarios.

The price response is a **log-log elasticity with controls**, estimated from
the history by least squares::

    log(1 + units) = a_series + b_season + elasticity * log(price) + uplift * promo

with a fixed effect per series (by demeaning within series) and per seasonal
position. Scenario units scale the baseline forecast (made at the reference
price, no promotion) by ``(price / reference) ** elasticity * exp(uplift * promo)``.
Without price variation in the history the elasticity cannot be learned and
:class:`~mirae.errors.NoPriceVariationError` is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mirae.errors import ConfigError, NoPriceVariationError
from mirae.forecast._data import ForecastData

__all__ = ["PriceResponse", "fit_price_response", "simulate_scenarios"]

#: Two-sided 95 % normal quantile.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class PriceResponse:
    """A fitted log-log price response: ``elasticity``, promotion ``uplift`` (log scale), rows used.

    ``elasticity_se`` is the standard error of the estimate (None for an
    elasticity given rather than estimated).
    """

    elasticity: float
    uplift: float
    n_obs: int
    elasticity_se: float | None = None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95 % interval of the elasticity (None when it was given)."""
        if self.elasticity_se is None:
            return None
        spread = Z_95 * self.elasticity_se
        return (self.elasticity - spread, self.elasticity + spread)

    @property
    def distinguishable(self) -> bool:
        """Whether the estimate is told apart from zero at 95 % (a given elasticity always is)."""
        low_high = self.interval
        return low_high is None or not (low_high[0] <= 0.0 <= low_high[1])


def fit_price_response(data: ForecastData, *, price: str, promo: str | None = None) -> PriceResponse:
    """Estimate the price elasticity (and promotion uplift) from the history.

    Parameters
    ----------
    data : ForecastData
        Must have ``price`` (and ``promo``) among its exogenous columns.
    price, promo : str
        Column names.

    Raises
    ------
    NoPriceVariationError
        When no series' price changes over its history.
    """
    for col in (price, promo):
        if col is not None and col not in data.exog:
            msg = f"column {col!r} must be an exogenous column of the data (exog={list(data.exog)}); build the data with exog=[...]."
            raise ConfigError(msg)
    hist = data.history.dropna(subset=["y", price])
    hist = hist.loc[hist[price] > 0]
    logp = pd.Series(np.log(hist[price].to_numpy(dtype=float)), index=hist.index)
    within = logp - logp.groupby(hist["unique_id"]).transform("mean")
    if len(hist) == 0 or float(np.abs(within).max()) < 1e-9:
        msg = (
            f"cannot estimate a price response: {price!r} never changes within a series in the history "
            f"({hist['unique_id'].nunique()} series, {len(hist)} rows). Use data with past price changes "
            "or discounts, or give the elasticity yourself (elasticity=-1.5 for 1.5 % fewer units per "
            "1 % higher price; on the command line --elasticity -1.5)."
        )
        raise NoPriceVariationError(msg)
    y = pd.Series(np.log1p(hist["y"].clip(lower=0).to_numpy(dtype=float)), index=hist.index)
    season = pd.Series(data.freq.season_position(hist["ds"]), index=hist.index)
    columns: dict[str, pd.Series] = {"logp": logp}
    if promo is not None:
        columns["promo"] = hist[promo].astype(float).fillna(0.0)
    X = pd.DataFrame(columns)
    dummies = pd.get_dummies(season, prefix="s", drop_first=True, dtype=float)
    X = pd.concat([X, dummies], axis=1)
    keys = hist["unique_id"]
    Xd = X - X.groupby(keys).transform("mean")
    yd = y - y.groupby(keys).transform("mean")
    design, target = Xd.to_numpy(), yd.to_numpy()
    coef, _, rank, _ = np.linalg.lstsq(design, target, rcond=None)
    dof = len(hist) - int(rank) - int(keys.nunique())  # the series means are parameters too
    residual = target - design @ coef
    se = float("inf")
    if dof > 0:
        sigma2 = float(residual @ residual) / dof
        covariance = sigma2 * np.linalg.pinv(design.T @ design)
        se = float(np.sqrt(max(covariance[0, 0], 0.0)))
    return PriceResponse(
        elasticity=float(coef[0]),
        uplift=float(coef[1]) if promo is not None else 0.0,
        n_obs=len(hist),
        elasticity_se=se,
    )


def simulate_scenarios(
    baseline_units: float,
    *,
    reference_price: float,
    unit_cost: float,
    response: PriceResponse,
    discounts: Sequence[float] = (0.0,),
    prices: Sequence[float] = (),
    promo: Sequence[bool] = (False,),
) -> pd.DataFrame:
    """Scenario table: units, revenue, margin and margin rate, best scenario marked.

    Parameters
    ----------
    baseline_units : float
        Forecast units over the horizon at ``reference_price`` without promotion
        (e.g. the sum of an item's or group's forecast).
    reference_price : float
        Current regular price.
    unit_cost : float
        Cost per unit.
    response : PriceResponse
        From :func:`fit_price_response`.
    discounts : sequence of float
        Discount rates off the reference price, e.g. ``[0, 0.2, 0.3, 0.4]``.
    prices : sequence of float
        Explicit price points (added to the discount scenarios).
    promo : sequence of bool
        Promotion off/on states to cross with the prices.

    Returns
    -------
    DataFrame
        ``scenario``, ``price``, ``discount``, ``promo``, ``units``, ``revenue``,
        ``margin``, ``margin_rate``, ``best`` (highest margin).

    Examples
    --------
    >>> r = PriceResponse(elasticity=-2.0, uplift=0.0, n_obs=100)
    >>> t = simulate_scenarios(100.0, reference_price=10.0, unit_cost=6.0, response=r, discounts=[0, 0.2])
    >>> t[["discount", "units", "margin", "best"]].round(2).values.tolist()
    [[0.0, 100.0, 400.0, True], [0.2, 156.25, 312.5, False]]
    """
    if reference_price <= 0 or unit_cost < 0 or baseline_units < 0:
        msg = f"reference_price must be > 0, unit_cost and baseline_units >= 0; got {reference_price}, {unit_cost}, {baseline_units}."
        raise ConfigError(msg)
    if any(not 0 <= d < 1 for d in discounts):
        msg = f"discounts are rates in [0, 1), e.g. 0.2 for 20% off; got {list(discounts)}."
        raise ConfigError(msg)
    points = [(reference_price * (1 - d), d) for d in discounts] + [
        (p, 1 - p / reference_price) for p in prices
    ]
    rows = []
    for on in promo:
        for price, discount in points:
            units = (
                baseline_units
                * (price / reference_price) ** response.elasticity
                * np.exp(response.uplift * on)
            )
            revenue = units * price
            margin = revenue - units * unit_cost
            rows.append(
                {
                    "scenario": f"{'promo' if on else 'no promo'}, price {price:g} ({discount:.0%} off)",
                    "price": price,
                    "discount": discount,
                    "promo": bool(on),
                    "units": units,
                    "revenue": revenue,
                    "margin": margin,
                    "margin_rate": margin / revenue if revenue > 0 else float("nan"),
                }
            )
    table = pd.DataFrame(rows)
    # an elasticity indistinguishable from zero cannot rank prices: no scenario is called best
    table["best"] = (table["margin"] == table["margin"].max()) & response.distinguishable
    return table
