"""Forecasts at every level of a product hierarchy, reconciled to be coherent.

:class:`HierarchicalForecaster` sums the bottom series to every level of the
data's hierarchy (total, each hierarchy column, bottom), fits a base
forecaster on all of them, and reconciles every forecast column. Intervals
are shifted with their point forecast (widths kept from the base model).
"""

from __future__ import annotations

from typing import ClassVar, get_args

import numpy as np
import pandas as pd

from mirae.base import Tags
from mirae.core._choices import check_choice
from mirae.errors import HierarchyError
from mirae.forecast._auto import AutoForecaster
from mirae.forecast._backtest import backtest
from mirae.forecast._base import Forecaster
from mirae.forecast._data import ForecastData
from mirae.forecast._reconcile import Method, aggregate_history, reconcile, summing_matrix

__all__ = ["HierarchicalForecaster"]


class HierarchicalForecaster(Forecaster):
    """Forecast every level of the hierarchy and reconcile.

    Parameters
    ----------
    base : Forecaster, optional
        Forecaster fitted on every level's series; default :class:`AutoForecaster`.
    method : {'mint_shrink', 'bottom_up', 'top_down'}
        Reconciliation. MinT uses the base's backtest residuals (an
        :class:`AutoForecaster` has them; other forecasters are backtested).
    n_windows : int
        Backtest windows for MinT residuals when ``base`` has none.

    Attributes
    ----------
    S_ : DataFrame
        Summing matrix.
    levels_ : Series
        Level of each series (``total``, a hierarchy column, ``bottom``).

    Examples
    --------
    >>> from mirae.forecast import StatisticalForecaster
    >>> ds = pd.date_range("2020-01-01", periods=24, freq="MS")
    >>> df = pd.DataFrame({"unique_id": np.repeat(["a", "b"], 24), "ds": np.tile(ds, 2),
    ...                    "y": np.r_[np.arange(24.0), np.arange(24.0) * 2], "g": "G"})
    >>> data = ForecastData.from_frame(df, hierarchy=["g"])
    >>> m = HierarchicalForecaster(base=StatisticalForecaster(models=["Naive"]), method="bottom_up")
    >>> m.fit(data).predict(1)[["unique_id", "Naive"]].values.tolist()
    [['total', 69.0], ['G', 69.0], ['a', 23.0], ['b', 46.0]]
    """

    tags: ClassVar[Tags] = Forecaster.tags.but(probabilistic=True)

    def __init__(
        self, *, base: Forecaster | None = None, method: Method = "mint_shrink", n_windows: int = 2
    ) -> None:
        self.base = base
        self.method = method
        self.n_windows = n_windows

    def _base(self) -> Forecaster:
        return self.base if self.base is not None else AutoForecaster()

    @property
    def aliases(self) -> tuple[str, ...]:
        """The base forecaster's aliases."""
        return self._base().aliases

    def _fit(self, data: ForecastData) -> None:
        check_choice(self.method, get_args(Method), what="reconciliation method (--reconcile)")
        if not data.hierarchy:
            msg = "HierarchicalForecaster needs hierarchy columns; build the data with hierarchy=['group', ...]."
            raise HierarchyError(msg)
        S, levels = summing_matrix(data.statics())
        bottom = data.interpolated()[["unique_id", "ds", "y"]]
        all_levels = data.with_history(aggregate_history(bottom, S), hierarchy=())
        base = self._base().clone().fit(all_levels)
        residuals = None
        if self.method == "mint_shrink":
            cv = getattr(base, "backtest_", None)
            column = "forecast" if cv is not None else base.aliases[0]
            if cv is None:
                cv = backtest(base, all_levels, h=max(1, data.season_length), n_windows=self.n_windows)
            residuals = cv.assign(
                residual=cv[column] - cv["y"], ds=cv["ds"].astype(str) + "@" + cv["window"].astype(str)
            )
        self.S_, self.levels_ = S, levels
        self.base_ = base
        self.residuals_ = residuals
        self.bottom_history_ = bottom

    def _predict(self, h: int, future: pd.DataFrame, level: list[int]) -> pd.DataFrame:
        grid = self.base_.data_.future_frame(h, exog=False)
        fc = self.base_._predict(h, grid, level)
        points = [c for c in fc.columns if c in self.base_.aliases and fc[c].dtype.kind == "f"]
        rec = reconcile(
            fc,
            self.S_,
            columns=points,
            method=self.method,
            residuals=self.residuals_,
            history=self.bottom_history_,
        )
        for col in points:
            shift = rec[col].to_numpy() - fc[col].to_numpy()
            for lv in level:
                for side in ("lo", "hi"):
                    name = f"{col}-{side}-{lv}"
                    if name in rec.columns:
                        rec[name] = rec[name].to_numpy() + shift
        rec["level"] = rec["unique_id"].map(self.levels_)
        order = {sid: i for i, sid in enumerate(self.S_.index)}
        rec = rec.assign(_o=rec["unique_id"].map(order)).sort_values(["_o", "ds"]).drop(columns="_o")
        return rec.reset_index(drop=True)

    def coherence_error(self, forecast: pd.DataFrame, column: str) -> float:
        """Largest absolute gap between each aggregate and the sum of its bottom series.

        Parameters
        ----------
        forecast : DataFrame
            Output of :meth:`predict` (the caller's id and time column names).
        column : str
            Forecast column to check.
        """
        data = self._check_fitted()
        wide = forecast.pivot(index=data.time_col, columns=data.id_col, values=column).reindex(
            columns=self.S_.index
        )
        bottom = wide[self.S_.columns].to_numpy()
        return float(np.max(np.abs(bottom @ self.S_.to_numpy().T - wide.to_numpy())))
