"""How much ARIMA search each series gets: the full stepwise search, a bounded one, or none.

statsforecast's AutoARIMA searches orders up to ``p, q <= 5`` and ``P, Q <= 2``
by exact (Kalman filter) likelihood. With a yearly season of monthly data a
model with ``P = 2`` carries 24-lag polynomials, and the search cost grows
much faster than the series: 0.4 s for a 144-month series, 6.8 s for a
333-month one (one core), where ETS and Theta together take about 0.1 s. It
was most of the time of mirae's default monthly forecast (8x the
AutoETS + AutoTheta pair on M3 monthly, 30x on Tourism monthly).

The bounded search keeps AutoARIMA's stepwise search, its unit-root tests
and its final exact-likelihood fit, but searches ``p, q, P, Q <= 1`` and
compares candidates by conditional sums of squares (``approximation=True``,
which R's ``auto.arima`` also uses for long series): 0.13-0.14 s for both
series above, and about linear in the length after that (0.43 s for 3,000
months). Measured on held-out data, the ETS/ARIMA/Theta combination loses
nothing by it: on 80 M3 monthly series (fixed random sample) sMAPE 13.84
against 14.06 with the full search, on 60 Tourism monthly series 18.03
against 18.00, for 9 s against 60 s and 8 s against 277 s of ARIMA time.

The cost of a series is estimated as its length times the season length
ARIMA is given. ``'auto'`` runs the full search where that is small (short
or non-seasonal series, where it is cheap and was the measured default) and
the bounded one above; a series whose cost is over ``max_cost`` gets no
ARIMA at all, and the forecaster says so in its notes.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

__all__ = [
    "FULL_SEARCH_COST",
    "MAX_ARIMA_COST",
    "arima_cost",
    "arima_searches",
    "make_arima",
    "quiet_css_search",
]

#: Largest cost (length x season length) the full search runs on with ``arima_search='auto'``:
#: 50 months, 150 quarters, any non-seasonal series up to 600 periods.
FULL_SEARCH_COST = 600
#: Default cost above which ARIMA is skipped on a series (about 3,300 months or 5,700 days).
MAX_ARIMA_COST = 40_000
#: Orders of the bounded search.
_BOUNDED: dict[str, Any] = {"max_p": 1, "max_q": 1, "max_P": 1, "max_Q": 1, "approximation": True}


def arima_cost(length: int, season_length: int) -> int:
    """Estimated cost of an ARIMA search on a series: periods times season length.

    Examples
    --------
    >>> arima_cost(144, 12), arima_cost(40, 1)
    (1728, 40)
    """
    return int(length) * max(int(season_length), 1)


def arima_searches(lengths: pd.Series, season_length: int, search: str, max_cost: int | None) -> pd.Series:
    """``'full'``, ``'bounded'`` or ``'skip'`` per series (index of ``lengths``).

    Parameters
    ----------
    lengths : Series
        Periods per series.
    season_length : int
        Season length ARIMA is given (1: none).
    search : {'auto', 'bounded', 'full'}
        ``'auto'``: full where the cost is at most :data:`FULL_SEARCH_COST`, bounded above.
    max_cost : int or None
        Series costing more get ``'skip'``; ``None``: never skip.

    Examples
    --------
    >>> lengths = pd.Series({"short": 40, "long": 144, "huge": 5000})
    >>> arima_searches(lengths, 12, "auto", 40_000).to_dict()
    {'short': 'full', 'long': 'bounded', 'huge': 'skip'}
    """
    cost = lengths.astype("int64") * max(int(season_length), 1)
    if search == "auto":
        out = pd.Series("bounded", index=lengths.index).where(cost > FULL_SEARCH_COST, "full")
    else:
        out = pd.Series(search, index=lengths.index)
    if max_cost is not None:
        out = out.where(cost <= max_cost, "skip")
    return out.rename("arima_search")


def make_arima(season_length: int, search: str, alias: str = "ARIMA") -> Any:
    """statsforecast's AutoARIMA with the full (its defaults) or the bounded search."""
    from statsforecast.models import AutoARIMA

    extra = _BOUNDED if search == "bounded" else {}
    return AutoARIMA(season_length=season_length, alias=alias, **extra)


@contextmanager
def quiet_css_search() -> Iterator[None]:
    """Silence statsforecast's "possible convergence problem" warning of conditional-sum-of-squares fits.

    The bounded search compares candidates by CSS, where scipy's BFGS often
    stops on a loss of precision near the optimum (code 2) and statsforecast
    warns for every such candidate; the chosen model is fitted again by exact
    likelihood, so the warning says nothing about the result. Other warnings pass.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="possible convergence problem", category=UserWarning)
        yield
