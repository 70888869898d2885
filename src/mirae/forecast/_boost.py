"""A global LightGBM forecaster: one model across all series, with lag, calendar and price features.

Why mirae builds its own features rather than using mlforecast: the price
features (price change against the series' own recent mean), the holiday and
event features of :mod:`mirae.forecast._calendar`, a per-series mean scaling
that feeds the level back as a static feature, and the direct strategy all
had to share one definition between training and prediction. Laying the
series out as a right-aligned numpy panel (:mod:`._boost_features`) gives
exactly that in ~150 lines, vectorised over series, with the no-leakage rule
(target features of period ``t`` only read periods before ``t``) visible in
one place and tested. mlforecast stays the reference it is benchmarked
against (``benchmarks/forecast_m5.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from mirae.base import Tags
from mirae.errors import ConfigError
from mirae.forecast._base import Forecaster
from mirae.forecast._boost_features import (
    DEFAULT_LAGS,
    DEFAULT_WINDOWS,
    PRICE_WINDOW,
    Panel,
    exog_features,
    target_features,
)
from mirae.forecast._calendar import calendar_features
from mirae.forecast._data import ForecastData

__all__ = ["GlobalBoostForecaster"]

Transform = Literal["mean", "log1p", "none"]
#: Training periods kept per series by default (features still look further back).
_MAX_HISTORY = {"D": 730, "W": 260}


class GlobalBoostForecaster(Forecaster):
    """One LightGBM model over every series: lags, rolling stats, calendar, holidays, price, promotion.

    Parameters
    ----------
    lags : sequence of int, optional
        Target lags; default per frequency: daily 1, 2, 3, 7, 14, 21, 28;
        weekly 1, 2, 3, 4, 52; monthly 1, 2, 3, 6, 12; quarterly 1, 2, 3, 4, 8.
    windows : sequence of int, optional
        Rolling mean and standard deviation windows over the target, ending at
        the smallest lag; default daily 7, 28; weekly 4, 13; monthly 3, 12;
        quarterly 4.
    strategy : {'recursive', 'direct'}
        Recursive: one model, each step's forecast feeds the next step's lags.
        Direct: one model per step ``s`` whose lags start at ``s`` (needs
        ``horizon``; costs ``horizon`` fits).
    horizon : int, optional
        Steps the direct strategy trains for.
    target_transform : {'mean', 'log1p', 'none'}
        ``'mean'`` divides each series by its mean absolute value over the
        training history (and adds ``log1p`` of that level as a feature) so
        series of every size share one model; ``'log1p'`` for non-negative
        skewed data; ``'none'``.
    country : str or None
        Public holidays for the calendar features (``'KR'`` default).
    events : DataFrame, optional
        User events (``date``, ``event``), see :func:`calendar_features`.
    calendar : bool
        Add calendar and holiday features.
    price_cols : sequence of str, optional
        Exogenous columns treated as prices (get a ``<col>_change`` feature vs
        their recent mean); default every exogenous column whose name contains
        ``price``. Other exogenous columns (promotion flags and rates, events)
        enter as they are. Future values of all of them are used when forecasting.
    max_history : int, optional
        Latest periods per series used as training rows; default 730 daily,
        260 weekly, everything otherwise.
    n_estimators, learning_rate, num_leaves, min_child_samples : LightGBM settings
    objective : str
        LightGBM objective (``'l2'``; ``'tweedie'`` suits counts with many zeros).
    lgbm_params : dict, optional
        Further LightGBM settings.
    random_state : int
        Seed; with ``deterministic=True`` and fixed ``num_threads`` the same seed gives the same forecasts.
    num_threads : int
        LightGBM threads.
    alias : str
        Forecast column name.

    Attributes
    ----------
    model_ : lightgbm.LGBMRegressor or list of them (direct)
    models_ : list of lightgbm.LGBMRegressor
        One model (recursive) or one per step (direct).
    feature_names_ : list of str
    scale_ : Series
        Per-series scale of the ``'mean'`` transform.

    Examples
    --------
    >>> ds = pd.date_range("2021-01-03", periods=104, freq="W-SUN")
    >>> y = 50 + 20 * np.sin(np.arange(104) * 2 * np.pi / 52)
    >>> df = pd.DataFrame({"unique_id": np.repeat(["a", "b"], 104), "ds": np.tile(ds, 2), "y": np.r_[y, 2 * y]})
    >>> fc = GlobalBoostForecaster(n_estimators=20).fit(df).predict(4)
    >>> fc.shape, list(fc.columns)
    ((8, 3), ['unique_id', 'ds', 'GlobalBoost'])
    """

    # handles_missing: missing targets are interpolated before the panel is built
    tags: ClassVar[Tags] = Forecaster.tags.but(supports_exog=True, handles_missing=True)

    def __init__(
        self,
        *,
        lags: Sequence[int] | None = None,
        windows: Sequence[int] | None = None,
        strategy: Literal["recursive", "direct"] = "recursive",
        horizon: int | None = None,
        target_transform: Transform = "mean",
        country: str | None = "KR",
        events: pd.DataFrame | None = None,
        calendar: bool = True,
        price_cols: Sequence[str] | None = None,
        max_history: int | None = None,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        objective: str = "l2",
        lgbm_params: dict[str, Any] | None = None,
        random_state: int = 0,
        num_threads: int = 1,
        alias: str = "GlobalBoost",
    ) -> None:
        self.lags = lags
        self.windows = windows
        self.strategy = strategy
        self.horizon = horizon
        self.target_transform = target_transform
        self.country = country
        self.events = events
        self.calendar = calendar
        self.price_cols = price_cols
        self.max_history = max_history
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.objective = objective
        self.lgbm_params = lgbm_params
        self.random_state = random_state
        self.num_threads = num_threads
        self.alias = alias

    @property
    def aliases(self) -> tuple[str, ...]:
        """The single forecast column."""
        return (self.alias,)

    # -- settings ------------------------------------------------------------------------------

    def _check_settings(self, data: ForecastData) -> None:
        code = data.freq.code
        self.lags_ = tuple(sorted({int(k) for k in (self.lags or DEFAULT_LAGS[code])}))
        self.windows_ = tuple(
            int(w) for w in (self.windows if self.windows is not None else DEFAULT_WINDOWS[code])
        )
        if not self.lags_ or min(self.lags_) < 1 or any(w < 1 for w in self.windows_):
            msg = f"lags and windows must be positive integers; got lags={self.lags}, windows={self.windows}."
            raise ConfigError(msg)
        if self.strategy not in ("recursive", "direct"):
            msg = f"strategy must be 'recursive' or 'direct'; got {self.strategy!r}."
            raise ConfigError(msg)
        if self.strategy == "direct" and (self.horizon is None or self.horizon < 1):
            msg = "strategy='direct' trains one model per step; pass horizon=<steps>, e.g. horizon=12."
            raise ConfigError(msg)
        if self.target_transform not in ("mean", "log1p", "none"):
            msg = f"target_transform must be 'mean', 'log1p' or 'none'; got {self.target_transform!r}."
            raise ConfigError(msg)
        if self.target_transform == "log1p" and bool((data.history["y"] < 0).any()):
            msg = "target_transform='log1p' needs a non-negative target; the history has negative values. Use 'mean' or 'none'."
            raise ConfigError(msg)
        prices = (
            self.price_cols if self.price_cols is not None else [c for c in data.exog if "price" in c.lower()]
        )
        unknown = [c for c in prices if c not in data.exog]
        if unknown:
            msg = f"price_cols {unknown} are not exogenous columns of the data ({list(data.exog)})."
            raise ConfigError(msg)
        self.price_cols_ = tuple(prices)
        self.max_history_ = self.max_history if self.max_history is not None else _MAX_HISTORY.get(code)

    # -- transforms ----------------------------------------------------------------------------

    def _transform(self, y: np.ndarray, scale: np.ndarray) -> np.ndarray:
        if self.target_transform == "mean":
            return y / scale
        if self.target_transform == "log1p":
            return np.log1p(y)
        return y

    def _inverse(self, z: np.ndarray, scale: np.ndarray) -> np.ndarray:
        if self.target_transform == "mean":
            return z * scale
        if self.target_transform == "log1p":
            return np.expm1(z)
        return z

    # -- features ------------------------------------------------------------------------------

    def _design(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        dates: pd.Series,
        offset: int,
        target: np.ndarray,
        exog: dict[str, np.ndarray],
        calendar: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """Feature frame of panel cells (rows, cols) whose dates are ``dates``.

        ``calendar``: calendar features indexed by date, computed once for
        every date of a forecast instead of once per step.
        """
        feats: dict[str, Any] = target_features(
            target, rows, cols, lags=self.lags_, windows=self.windows_, offset=offset
        )
        feats |= exog_features(
            exog,
            rows,
            cols,
            price_cols=self.price_cols_,
            price_window=PRICE_WINDOW[self.freq_.code],
        )
        frame = pd.DataFrame(feats)
        if self.calendar:
            cal = calendar if calendar is not None else self._calendar(dates)
            frame = pd.concat(
                [frame, cal.reindex(pd.DatetimeIndex(dates.to_numpy())).reset_index(drop=True)], axis=1
            )
        for col, cats in self.statics_.items():
            frame[col] = pd.Categorical(cats.to_numpy()[rows], categories=self.categories_[col])
        if self.target_transform == "mean":
            frame["series_level"] = np.log1p(self.scale_.to_numpy()[rows])
        return frame

    def _calendar(self, dates: pd.Series) -> pd.DataFrame:
        uniq = pd.DatetimeIndex(pd.unique(dates.to_numpy()))
        cal = calendar_features(uniq, self.freq_, country=self.country, events=self.events)
        cal.index = uniq
        return cal

    def features(self, data: ForecastData | pd.DataFrame) -> pd.DataFrame:
        """The training design matrix for ``data``: ``unique_id``, ``ds``, ``y`` (transformed) and every feature.

        Fits nothing; useful to inspect what the model sees.

        Examples
        --------
        >>> df = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2024-01-01", periods=6, freq="MS"),
        ...                    "y": [1.0, 2, 3, 4, 5, 6]})
        >>> f = GlobalBoostForecaster(lags=[1, 2], windows=[2], target_transform="none").features(df)
        >>> f[["ds", "y", "lag_1", "lag_2", "roll_mean_2"]].tail(2).astype({"ds": str}).values.tolist()
        [['2024-05-01', 5.0, 4.0, 3.0, 3.5], ['2024-06-01', 6.0, 5.0, 4.0, 4.5]]
        """
        from mirae.forecast._base import as_forecast_data

        fd = as_forecast_data(data)
        self._prepare(fd)
        return self._training_frame(fd, offset=0)

    def _prepare(self, data: ForecastData) -> None:
        self._check_settings(data)
        self.freq_ = data.freq
        hist = data.interpolated()
        self.history_ = hist
        self.panel_ = Panel.from_history(hist)
        y = hist["y"].to_numpy(dtype=float)
        scale = pd.Series(np.abs(y)).groupby(self.panel_.row).mean().to_numpy()
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        self.scale_ = pd.Series(scale, index=self.panel_.ids, name="scale")
        self.target_panel_ = self.panel_.matrix(self._transform(y, scale[self.panel_.row]))
        self.exog_panel_ = {c: self.panel_.matrix(hist[c].to_numpy(dtype=float)) for c in data.exog}
        first = hist.groupby("unique_id", sort=True)[list(data.hierarchy)].first()
        self.statics_ = {c: first[c].astype(str) for c in data.hierarchy}
        self.categories_ = {c: sorted(v.unique()) for c, v in self.statics_.items()}
        self.nonnegative_ = bool((y[~np.isnan(y)] >= 0).all())

    def _training_frame(self, data: ForecastData, offset: int) -> pd.DataFrame:
        panel, hist = self.panel_, self.history_
        z = self.target_panel_[panel.row, panel.col]
        starts = pd.Series(panel.col).groupby(panel.row).transform("min").to_numpy()
        keep = ~np.isnan(z) & (panel.col - min(self.lags_) - offset >= starts)
        if self.max_history_ is not None:
            keep &= panel.col >= panel.width - self.max_history_
        rows, cols = panel.row[keep], panel.col[keep]
        design = self._design(
            rows,
            cols,
            hist["ds"].loc[keep].reset_index(drop=True),
            offset,
            self.target_panel_,
            self.exog_panel_,
        )
        head = pd.DataFrame({"unique_id": panel.ids[rows], "ds": hist["ds"].to_numpy()[keep], "y": z[keep]})
        return pd.concat([head, design], axis=1)

    # -- fit / predict ------------------------------------------------------------------------

    def _regressor(self) -> Any:
        import lightgbm as lgb

        params: dict[str, Any] = {
            "n_estimators": self.n_estimators,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_child_samples": self.min_child_samples,
            "objective": self.objective,
            "subsample": 0.8,
            "subsample_freq": 1,
            "colsample_bytree": 0.8,
            "random_state": self.random_state,
            "n_jobs": self.num_threads,
            "deterministic": True,
            "force_row_wise": True,
            "verbose": -1,
        }
        params |= self.lgbm_params or {}
        return lgb.LGBMRegressor(**params)

    def _fit(self, data: ForecastData) -> None:
        self._prepare(data)
        steps = range(self.horizon or 1) if self.strategy == "direct" else range(1)
        models = []
        for offset in steps:
            train = self._training_frame(data, offset)
            X = train.drop(columns=["unique_id", "ds", "y"])
            if len(X) == 0:
                msg = f"no training rows: every series is shorter than the smallest lag ({min(self.lags_)}) + 1. Use smaller lags."
                raise ConfigError(msg)
            models.append(self._regressor().fit(X, train["y"].to_numpy()))
            self.feature_names_ = list(X.columns)
        self.models_ = models
        self.model_ = models[0] if self.strategy == "recursive" else models

    def _predict(self, h: int, future: pd.DataFrame, level: list[int]) -> pd.DataFrame:
        if self.strategy == "direct" and h > len(self.models_):
            msg = f"this direct-strategy model was trained for {len(self.models_)} steps; got h={h}. Refit with horizon>={h}."
            raise ConfigError(msg)
        panel = self.panel_
        fut = future.sort_values(["step", "unique_id"]).reset_index(drop=True)
        rows, cols = panel.future_rows(fut)
        target = np.concatenate([self.target_panel_, np.full((len(panel.ids), h), np.nan)], axis=1)
        exog = {}
        for name, matrix in self.exog_panel_.items():
            ext = np.concatenate([matrix, np.full((len(panel.ids), h), np.nan)], axis=1)
            if name in fut.columns:
                ext[rows, cols] = fut[name].to_numpy(dtype=float)
            exog[name] = ext
        pred = np.empty(len(fut))
        direct = self.strategy == "direct"
        calendar = self._calendar(fut["ds"]) if self.calendar else None
        for step in range(1, h + 1):
            at = (fut["step"] == step).to_numpy()
            r_at, c_at = rows[at], cols[at]
            dates = fut["ds"].loc[at].reset_index(drop=True)
            source = self.target_panel_ if direct else target
            X = self._design(r_at, c_at, dates, step - 1 if direct else 0, source, exog, calendar)
            z = self.models_[step - 1 if direct else 0].predict(X[self.feature_names_])
            target[r_at, c_at] = z
            pred[at] = z
        values = self._inverse(pred, self.scale_.to_numpy()[rows])
        if self.nonnegative_:
            values = np.maximum(values, 0.0)
        fut[self.alias] = values
        out = future[["unique_id", "ds", "step"]].merge(
            fut[["unique_id", "ds", self.alias]], on=["unique_id", "ds"], how="left"
        )
        return out
