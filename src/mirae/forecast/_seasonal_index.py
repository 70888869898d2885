"""The seasonal-index method planners know, every step kept as a column.

For each series at the index level (a hierarchy level such as product group,
or each series itself)::

    trend      = moving average of actual            (trend_window, 13 for weekly)
    volatility = rolling standard deviation of trend (volatility_window, 5)
    lower/upper= trend -/+ volatility                (the normal range)
    refined    = actual clipped into [lower, upper]  (unclipped where the range is undefined)
    smoothed   = moving average of refined           (smoothing_window, 3)
    index      = refined / smoothed                  (or actual / smoothed)

The index of a seasonal position (ISO week, month, quarter, weekday) is the
mean of ``index`` over the years, normalised to average 1 over the cycle.
Items below the index level get their group's index:

    forecast = base level x seasonal index x factor terms

where the base level is the mean de-seasonalised actual of the item's last
``base_window`` periods and factor terms (price, promotion, event columns) are
multiplicative effects estimated by least squares on log(actual / (trend x index)).

Moving averages are *centred* by default (``center=True``): the worked
example of the method shows trend and volatility values in the first and last
weeks of a year, which a centred window over adjacent years gives, and a
centred average does not lag seasonal peaks. ``center=False`` uses trailing
windows. Standard deviations use ``ddof=1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal, cast

import numpy as np
import pandas as pd

from mirae.base import Tags
from mirae.errors import ConfigError, HierarchyError
from mirae.forecast._base import Forecaster
from mirae.forecast._data import ForecastData

__all__ = ["SeasonalIndexForecaster", "seasonal_index_components"]

_DEFAULT_TREND = {"D": 7, "W": 13, "M": 13, "Q": 5, "Y": 3}


def seasonal_index_components(
    actual: pd.Series,
    *,
    trend_window: int = 13,
    volatility_window: int = 5,
    smoothing_window: int = 3,
    center: bool = True,
    index_from: Literal["refined", "actual"] = "refined",
) -> pd.DataFrame:
    """Every step of the seasonal-index arithmetic for one series.

    Parameters
    ----------
    actual : Series
        Values in time order.
    trend_window, volatility_window, smoothing_window : int
        Window lengths of the trend moving average, the rolling standard
        deviation of the trend and the moving average of refined values.
    center : bool
        Centred (default) or trailing windows.
    index_from : {'refined', 'actual'}
        Numerator of the index.

    Returns
    -------
    DataFrame
        Columns ``actual``, ``trend``, ``volatility``, ``lower``, ``upper``,
        ``refined``, ``smoothed``, ``index`` on the index of ``actual``.

    Examples
    --------
    >>> c = seasonal_index_components(pd.Series([10.0, 12, 20, 11, 9]), trend_window=3,
    ...                               volatility_window=2, smoothing_window=3, center=False)
    >>> c["trend"].round(2).tolist()[2:]
    [14.0, 14.33, 13.33]
    """
    frame = _components_by_group(
        actual,
        pd.Series(0, index=actual.index),
        trend_window=trend_window,
        volatility_window=volatility_window,
        smoothing_window=smoothing_window,
        center=center,
        index_from=index_from,
    )
    return frame.set_axis(actual.index)


class SeasonalIndexForecaster(Forecaster):
    """Explainable seasonal-index baseline: base level x seasonal index x factor terms.

    Parameters
    ----------
    index_level : str, optional
        Hierarchy column at which the index is estimated (e.g. ``"group"``);
        series below it share their group's index. Default: the top hierarchy
        column, or each series itself when the data has no hierarchy.
    trend_window : int, optional
        Trend moving-average window; default 13 for weekly and monthly, 7 daily, 5 quarterly.
    volatility_window : int
        Window of the rolling standard deviation of the trend.
    smoothing_window : int
        Moving-average window of refined values.
    center : bool
        Centred (default) or trailing moving windows.
    index_from : {'refined', 'actual'}
        Index numerator: refined (default) or actual values.
    base_window : int, optional
        Trailing periods of each series averaged (de-seasonalised) for the base
        level; default ``smoothing_window``.
    factors : sequence of str or "exog"
        Exogenous columns used as multiplicative factor terms. 0/1 columns
        (promotion, event) get a multiplier ``exp(b)`` when on; other numeric
        columns (price) an elasticity ``(x / median x) ** b``. ``"exog"``: the
        numeric exogenous columns of whatever data it is fitted on (none at
        a hierarchy level that has none).
    alias : str
        Forecast column name.

    Attributes
    ----------
    components_ : DataFrame
        Every step per index-level group and period (``group``, ``ds``,
        ``position``, ``actual``, ``trend``, ... ``index``).
    seasonal_index_ : DataFrame
        ``group``, ``position``, ``index`` (mean over years, normalised).
    base_level_ : Series
        Base level per series.
    factors_ : DataFrame
        ``factor``, ``kind``, ``coefficient`` of each factor term.
    group_of_ : Series
        The index-level group of each series.

    Examples
    --------
    A +30 spike in ISO week 51 of three years: the index from actual values
    shows it; the default (refined values) clips it as an outlier.

    >>> ds = pd.date_range("2021-01-01", periods=156, freq="W-FRI")
    >>> y = 100 + 30 * (ds.isocalendar().week.to_numpy() == 51)
    >>> df = pd.DataFrame({"unique_id": "a", "ds": ds, "y": y.astype(float)})
    >>> m = SeasonalIndexForecaster(index_from="actual").fit(df)
    >>> m.seasonal_index_.set_index("position")["index"].round(2)[[50, 51, 52]].tolist()
    [0.95, 1.27, 0.98]
    >>> len(m.predict(4))
    4
    """

    tags: ClassVar[Tags] = Forecaster.tags.but(supports_exog=True)

    def __init__(
        self,
        *,
        index_level: str | None = None,
        trend_window: int | None = None,
        volatility_window: int = 5,
        smoothing_window: int = 3,
        center: bool = True,
        index_from: Literal["refined", "actual"] = "refined",
        base_window: int | None = None,
        factors: Sequence[str] | Literal["exog"] = (),
        alias: str = "SeasonalIndex",
    ) -> None:
        self.index_level = index_level
        self.trend_window = trend_window
        self.volatility_window = volatility_window
        self.smoothing_window = smoothing_window
        self.center = center
        self.index_from = index_from
        self.base_window = base_window
        self.factors = factors
        self.alias = alias

    @property
    def aliases(self) -> tuple[str, ...]:
        """The forecast column."""
        return (self.alias,)

    def _needs_future(self, data: ForecastData) -> bool:
        """Future values are needed only for the factor columns."""
        return bool(self._factor_names(data))

    def _factor_names(self, data: ForecastData) -> tuple[str, ...]:
        """The factor columns for ``data``: the given ones, or its numeric exogenous columns."""
        if self.factors != "exog":
            return tuple(self.factors)
        history = data.history
        return tuple(
            c
            for c in data.exog
            if pd.api.types.is_numeric_dtype(history[c]) or pd.api.types.is_bool_dtype(history[c])
        )

    def _groups(self, data: ForecastData) -> pd.Series:
        level = self.index_level
        if level is None:
            level = data.hierarchy[0] if data.hierarchy else None
        if level is None:
            return pd.Series(data.ids, index=data.ids, name="group")
        if level not in data.hierarchy:
            msg = (
                f"index_level {level!r} is not a hierarchy column; the data has hierarchy={list(data.hierarchy)}. "
                f"Pass one of those, or build the data with hierarchy=[..., {level!r}]."
            )
            raise HierarchyError(msg)
        return data.statics()[level].astype(str).rename("group")

    def _fit(self, data: ForecastData) -> None:
        self.factor_columns_ = self._factor_names(data)
        unknown = [f for f in self.factor_columns_ if f not in data.exog]
        if unknown:
            msg = f"factors {unknown} are not exogenous columns of the data (exog={list(data.exog)}). Build the data with exog=[...]."
            raise ConfigError(msg)
        trend_window = self.trend_window or _DEFAULT_TREND[data.freq.code]
        hist = data.interpolated()
        groups = self._groups(data)
        hist = hist.assign(group=hist["unique_id"].map(groups))
        summed = hist.groupby(["group", "ds"], as_index=False)["y"].sum()
        agg = pd.DataFrame(summed).sort_values(["group", "ds"]).reset_index(drop=True)
        comp = _components_by_group(
            agg["y"],
            agg["group"],
            trend_window=trend_window,
            volatility_window=self.volatility_window,
            smoothing_window=self.smoothing_window,
            center=self.center,
            index_from=self.index_from,
        )
        comp.insert(0, "position", data.freq.season_position(agg["ds"]))
        comp.insert(0, "ds", agg["ds"].to_numpy())
        comp.insert(0, "group", agg["group"].to_numpy())
        components = comp
        positions = np.arange(1, data.season_length + 1)
        table = components.groupby(["group", "position"])["index"].mean().unstack("position")
        table = table.reindex(columns=positions)
        raw = table.to_numpy(dtype=float)
        known = ~np.isnan(raw)
        counts = known.sum(axis=1, keepdims=True)
        means = np.where(
            counts > 0, np.where(known, raw, 0.0).sum(axis=1, keepdims=True) / np.maximum(counts, 1), 1.0
        )
        normalised = np.where(known, raw / np.where(means > 0, means, 1.0), 1.0)
        table = pd.DataFrame(normalised, index=table.index, columns=positions)
        seasonal = cast(pd.Series, table.stack()).rename("index").reset_index()
        seasonal.columns = pd.Index(["group", "position", "index"])

        hist["position"] = data.freq.season_position(hist["ds"])
        hist["season"] = _lookup(table, hist["group"], hist["position"])
        hist["deseasonalised"] = hist["y"] / hist["season"]
        base_window = self.base_window or self.smoothing_window
        recent = hist.groupby("unique_id").cumcount(ascending=False) < base_window
        base = hist.loc[recent].groupby("unique_id")["deseasonalised"].mean()
        self.factors_ = self._fit_factors(hist, trend_window)
        self.components_ = components
        self.seasonal_index_ = seasonal
        self.base_level_ = base.rename("base_level")
        self.group_of_ = groups
        self.index_table_ = table
        self.short_groups_ = sorted(str(g) for g in table.index[~known.any(axis=1)])

    def _fit_factors(self, hist: pd.DataFrame, trend_window: int) -> pd.DataFrame:
        rows: list[dict[str, object]] = []
        if not self.factor_columns_:
            return pd.DataFrame(rows, columns=["factor", "kind", "coefficient", "reference"])
        trend = hist.groupby("unique_id")["y"].transform(
            lambda s: s.rolling(trend_window, center=self.center, min_periods=1).mean()
        )
        ratio = hist["y"] / (trend * hist["season"])
        ok = np.isfinite(ratio) & (ratio > 0)
        columns, meta = [], []
        for f in self.factor_columns_:
            x = pd.to_numeric(hist[f], errors="coerce").astype(float)
            values = set(np.unique(x[np.isfinite(x)]))
            if values <= {0.0, 1.0}:
                columns.append(x.fillna(0.0))
                meta.append((f, "multiplier", 0.0))
            else:
                ref = x.groupby(hist["unique_id"]).transform("median")
                logx = pd.Series(np.log((x / ref).to_numpy(dtype=float)), index=x.index)
                ok &= np.isfinite(logx)
                columns.append(logx)
                meta.append((f, "elasticity", 1.0))
        X = np.column_stack([np.ones(len(hist)), *[c.to_numpy() for c in columns]])[ok.to_numpy()]
        target = np.log(ratio[ok].to_numpy())
        coef = np.linalg.lstsq(X, target, rcond=None)[0] if len(target) > X.shape[1] else np.zeros(X.shape[1])
        for (f, kind, reference), b in zip(meta, coef[1:], strict=True):
            rows.append({"factor": f, "kind": kind, "coefficient": float(b), "reference": reference})
        self._factor_refs = {
            f: hist.groupby("unique_id")[f].median() for f, kind, _ in meta if kind == "elasticity"
        }
        return pd.DataFrame(rows)

    def _predict(self, h: int, future: pd.DataFrame, level: list[int]) -> pd.DataFrame:
        data = self._check_fitted()
        out = future[["unique_id", "ds", "step"]].copy()
        group = out["unique_id"].map(self.group_of_)
        season = _lookup(self.index_table_, group, data.freq.season_position(out["ds"]))
        fc = out["unique_id"].map(self.base_level_).to_numpy(dtype=float) * season
        for factor, kind, coefficient in zip(
            self.factors_["factor"], self.factors_["kind"], self.factors_["coefficient"], strict=True
        ):
            x = pd.to_numeric(future[factor], errors="coerce").to_numpy(dtype=float)
            b = float(coefficient)
            if kind == "multiplier":
                fc = fc * np.exp(b * x)
            else:
                ref = out["unique_id"].map(self._factor_refs[str(factor)]).to_numpy(dtype=float)
                fc = fc * (x / ref) ** b
        out[self.alias] = fc
        return out


def _components_by_group(
    actual: pd.Series,
    groups: pd.Series,
    *,
    trend_window: int,
    volatility_window: int,
    smoothing_window: int,
    center: bool,
    index_from: str,
) -> pd.DataFrame:
    """:func:`seasonal_index_components` of every group at once (rows sorted by group and time)."""
    for name, w in (
        ("trend_window", trend_window),
        ("volatility_window", volatility_window),
        ("smoothing_window", smoothing_window),
    ):
        if w < 1:
            msg = f"{name} must be >= 1; got {w}."
            raise ConfigError(msg)
    if index_from not in ("refined", "actual"):
        msg = f"index_from must be 'refined' or 'actual'; got {index_from!r}."
        raise ConfigError(msg)
    a = actual.astype(float)

    def rolling(values: pd.Series, window: int, min_periods: int) -> Any:
        return values.groupby(groups.to_numpy(), sort=False).rolling(
            window, center=center, min_periods=min_periods
        )

    trend = rolling(a, trend_window, trend_window).mean().reset_index(level=0, drop=True)
    vol = rolling(trend, volatility_window, max(volatility_window, 2)).std().reset_index(level=0, drop=True)
    lower, upper = trend - vol, trend + vol
    refined = a.clip(lower=lower, upper=upper)
    smoothed = rolling(refined, smoothing_window, smoothing_window).mean().reset_index(level=0, drop=True)
    numerator = refined if index_from == "refined" else a
    index = numerator / smoothed.where(smoothed != 0)
    frame = pd.DataFrame(
        {
            "actual": a,
            "trend": trend,
            "volatility": vol,
            "lower": lower,
            "upper": upper,
            "refined": refined,
            "smoothed": smoothed,
            "index": index,
        }
    )
    return frame.reset_index(drop=True)


def _lookup(
    table: pd.DataFrame, groups: pd.Series | np.ndarray, positions: pd.Series | np.ndarray
) -> np.ndarray:
    """Index of each (group, position), 1.0 where unknown."""
    rows = table.index.get_indexer(pd.Index(np.asarray(groups)))
    cols = table.columns.get_indexer(pd.Index(np.asarray(positions)))
    values = table.to_numpy(dtype=float)
    out = np.ones(len(rows))
    ok = (rows >= 0) & (cols >= 0)
    out[ok] = values[rows[ok], cols[ok]]
    return out
