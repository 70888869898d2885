"""Per-series model selection (or weighted ensemble) by rolling-origin backtest.

:class:`AutoForecaster` backtests several forecasters, scores every model on
every series, picks per series the model with the lowest backtest error (or
weights the best few by inverse error), refits on the full history and adds
conformal prediction intervals from the backtest residuals. Its output has a
column per model alias, plus ``forecast`` (the chosen model or ensemble) and
``model`` (what ``forecast`` is, per series).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from mirae.errors import ConfigError
from mirae.forecast._backtest import backtest, conformal_intervals
from mirae.forecast._base import Forecaster, _check_horizon
from mirae.forecast._boost import GlobalBoostForecaster
from mirae.forecast._data import ForecastData
from mirae.forecast._metrics import METRICS, score_series
from mirae.forecast._seasonal_index import SeasonalIndexForecaster
from mirae.forecast._statistical import StatisticalForecaster

__all__ = ["AutoForecaster"]


class AutoForecaster(Forecaster):
    """Backtest candidate forecasters, choose per series, forecast with conformal intervals.

    Parameters
    ----------
    forecasters : sequence of Forecaster, optional
        Candidates. Default, decided from the data at ``fit``: a
        :class:`StatisticalForecaster` (ETS, ARIMA, Theta, SeasonalNaive;
        Croston family for intermittent series), a
        :class:`SeasonalIndexForecaster`, and a :class:`GlobalBoostForecaster`
        when ``global_model`` says so.
    global_model : {'auto', 'always', 'never'}
        Add the global LightGBM model to the default candidates. ``'auto'``
        adds it when the data has exogenous columns (price, promotion: only it
        uses them) or at least ``global_min_series`` series (a global model
        learns across series; on M5 store data it is the most accurate
        candidate). Ignored when ``forecasters`` is given.
    global_min_series : int
        Series count from which ``'auto'`` adds the global model.
    random_state : int
        Seed of the global model.
    n_jobs : int
        Processes of the default statistical candidate and threads of the global model.
    country : str or None
        Public holidays of the global model's calendar features (``'KR'``).
    events : DataFrame, optional
        User events (``date``, ``event``) for the global model.
    h : int
        Backtest horizon (the horizon you plan to forecast).
    n_windows : int
        Rolling-origin windows.
    step_size : int, optional
        Periods between windows; default ``h``.
    metric : {'mase', 'rmsse', 'smape', 'wape'}
        Selection metric (lower is better).
    selection : {'ensemble', 'best'}
        Inverse-error weighted mean of the ``top_k`` best models per series
        (default; more accurate on an M3 monthly sample), or the best model per series.
    top_k : int
        Models in a per-series ensemble.
    fallback : str, optional
        Model alias used for series with no backtest score (too short to
        backtest); it must be an alias of a candidate. Default: the first of
        ``SeasonalIndex``, ``SeasonalNaive``, ``Naive`` among the candidates,
        else the first alias.
    nonnegative : bool
        Clip forecasts and interval bounds at zero when the history has no
        negative values.

    Attributes
    ----------
    backtest_ : DataFrame
        Backtest forecasts of every alias plus ``forecast`` (the selection
        applied to the backtest, in-sample for the choice).
    scores_ : DataFrame
        Per series and model: ``mase``, ``rmsse``, ``smape``, ``wape``, ``bias``.
    leaderboard_ : DataFrame
        Per model: mean metrics over scored series and ``wins`` (series where it was best).
    choice_ : Series
        Chosen model per series (``ensemble`` when weighted).
    weights_ : DataFrame
        ``unique_id``, ``model``, ``weight`` of the chosen combination.
    fallback_series_ : list of str
        Series without a backtest score, forecast by ``fallback``.
    forecasters_ : list of Forecaster
        Candidates refitted on the full history.

    Examples
    --------
    >>> ds = pd.date_range("2020-01-01", periods=48, freq="MS")
    >>> y = 10 + np.tile([0, 1, 3, 2, 0, 1, 5, 4, 2, 1, 0, 0], 4) + np.arange(48) * 0.1
    >>> df = pd.DataFrame({"unique_id": "a", "ds": ds, "y": y})
    >>> auto = AutoForecaster(forecasters=[StatisticalForecaster(models=["SeasonalNaive", "Naive"])], h=6,
    ...                       selection="best")
    >>> fc = auto.fit(df).predict(6, level=[80])
    >>> auto.choice_["a"], list(fc.columns[:3])
    ('SeasonalNaive', ['unique_id', 'ds', 'SeasonalNaive'])
    """

    probabilistic: ClassVar[bool] = True
    supports_exog: ClassVar[bool] = True

    def __init__(
        self,
        *,
        forecasters: Sequence[Forecaster] | None = None,
        h: int = 12,
        n_windows: int = 3,
        step_size: int | None = None,
        metric: Literal["mase", "rmsse", "smape", "wape"] = "mase",
        selection: Literal["best", "ensemble"] = "ensemble",
        top_k: int = 3,
        fallback: str | None = None,
        nonnegative: bool = True,
        global_model: Literal["auto", "always", "never"] = "auto",
        global_min_series: int = 200,
        random_state: int = 0,
        n_jobs: int = 1,
        country: str | None = "KR",
        events: pd.DataFrame | None = None,
    ) -> None:
        self.forecasters = forecasters
        self.h = h
        self.n_windows = n_windows
        self.step_size = step_size
        self.metric = metric
        self.selection = selection
        self.top_k = top_k
        self.fallback = fallback
        self.nonnegative = nonnegative
        self.global_model = global_model
        self.global_min_series = global_min_series
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.country = country
        self.events = events

    def _candidates(self, data: ForecastData | None = None) -> list[Forecaster]:
        """Candidate forecasters: the given ones, the fitted choice, or the default for ``data``."""
        if self.forecasters is not None:
            return list(self.forecasters)
        if data is None and hasattr(self, "candidates_"):
            return list(self.candidates_)
        out: list[Forecaster] = [StatisticalForecaster(n_jobs=self.n_jobs), SeasonalIndexForecaster()]
        if self._wants_global(data):
            out.append(
                GlobalBoostForecaster(
                    random_state=self.random_state,
                    num_threads=self.n_jobs,
                    country=self.country,
                    events=self.events,
                )
            )
        return out

    def _wants_global(self, data: ForecastData | None) -> bool:
        if self.global_model not in ("auto", "always", "never"):
            msg = f"global_model must be 'auto', 'always' or 'never'; got {self.global_model!r}."
            raise ConfigError(msg)
        if self.global_model != "auto" or data is None:
            return self.global_model == "always"
        return bool(data.exog) or len(data.ids) >= self.global_min_series

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every candidate alias, then ``forecast``."""
        names = [a for f in self._candidates() for a in f.aliases]
        return (*dict.fromkeys(names), "forecast")

    def _check_settings(self, data: ForecastData) -> list[str]:
        self.candidates_ = self._candidates(data)
        _check_horizon(self.h)
        if self.metric not in ("mase", "rmsse", "smape", "wape"):
            msg = f"metric must be 'mase', 'rmsse', 'smape' or 'wape'; got {self.metric!r}."
            raise ConfigError(msg)
        if self.selection not in ("best", "ensemble"):
            msg = f"selection must be 'best' or 'ensemble'; got {self.selection!r}."
            raise ConfigError(msg)
        models = list(self.aliases[:-1])
        if len(models) != len([a for f in self._candidates() for a in f.aliases]):
            msg = f"candidate forecasters must have distinct aliases; got {[f.aliases for f in self._candidates()]}."
            raise ConfigError(msg)
        if self.fallback is not None and self.fallback not in models:
            msg = f"fallback {self.fallback!r} is not an alias of the candidates {models}. Pass one of them."
            raise ConfigError(msg)
        preferred = [m for m in ("SeasonalIndex", "SeasonalNaive", "Naive") if m in models]
        self.fallback_ = self.fallback or (preferred or models)[0]
        return models

    def _fit(self, data: ForecastData) -> None:
        models = self._check_settings(data)
        parts = [
            backtest(f, data, h=self.h, n_windows=self.n_windows, step_size=self.step_size)
            for f in self.candidates_
        ]
        keys = ["unique_id", "ds", "cutoff", "step", "window", "y"]
        cv = parts[0]
        for part in parts[1:]:
            cv = cv.merge(part, on=keys, how="outer")
        train = data.interpolated()[["unique_id", "ds", "y"]]
        # scale of scaled metrics: history before the first backtest cut-off
        first_cut = cv.groupby("unique_id")["cutoff"].min()
        scale_train = train.loc[train["ds"] <= train["unique_id"].map(first_cut)]
        scores = score_series(cv, scale_train, models, data.season_length)
        weights = self._weights(scores, models)
        scored = set(weights["unique_id"])
        fallback_series = sorted(set(data.ids) - scored)
        if fallback_series:
            weights = pd.concat(
                [
                    weights,
                    pd.DataFrame({"unique_id": fallback_series, "model": self.fallback_, "weight": 1.0}),
                ],
                ignore_index=True,
            )
        self.weights_ = weights
        self.choice_ = self._choice(weights)
        cv["forecast"] = self._combine(cv, weights)
        self.backtest_ = cv
        self.scores_ = scores
        self.fallback_series_ = fallback_series
        self.leaderboard_ = _leaderboard(scores, self.choice_, self.metric)
        self.forecasters_ = [f.clone().fit(data) for f in self.candidates_]
        self.nonnegative_ = self.nonnegative and bool((train["y"].dropna() >= 0).all())

    def _weights(self, scores: pd.DataFrame, models: list[str]) -> pd.DataFrame:
        s = scores[["unique_id", "model", self.metric]].dropna()
        s = s.loc[np.isfinite(s[self.metric])]
        order = {m: i for i, m in enumerate(models)}
        s = s.assign(_order=s["model"].map(order)).sort_values(["unique_id", self.metric, "_order"])
        if self.selection == "best":
            best = s.groupby("unique_id", sort=True).head(1)
            return best[["unique_id", "model"]].assign(weight=1.0).reset_index(drop=True)
        top = s.groupby("unique_id", sort=True).head(self.top_k).copy()
        inv = 1.0 / np.maximum(top[self.metric].to_numpy(), 1e-9)
        top["weight"] = inv / top.assign(_inv=inv).groupby("unique_id")["_inv"].transform("sum").to_numpy()
        return top[["unique_id", "model", "weight"]].reset_index(drop=True)

    @staticmethod
    def _choice(weights: pd.DataFrame) -> pd.Series:
        counts = weights.groupby("unique_id")["model"].agg(list)
        return counts.map(lambda ms: ms[0] if len(ms) == 1 else "ensemble").rename("model")

    @staticmethod
    def _combine(frame: pd.DataFrame, weights: pd.DataFrame) -> np.ndarray:
        out = np.zeros(len(frame))
        for model, w in weights.groupby("model"):
            wmap = dict(zip(w["unique_id"], w["weight"], strict=True))
            share = frame["unique_id"].map(wmap).fillna(0.0).to_numpy()
            values = frame[model].to_numpy(dtype=float) if model in frame else np.full(len(frame), np.nan)
            out += np.where(share > 0, share * values, 0.0)
        return out

    def _needs_future(self, data: ForecastData) -> bool:
        """Future values are needed when any candidate needs them."""
        return any(f._needs_future(data) for f in self._candidates(data))

    def _predict(self, h: int, future: pd.DataFrame, level: list[int]) -> pd.DataFrame:
        out = future[["unique_id", "ds", "step"]].copy()
        for model in self.forecasters_:
            fut = future if model._needs_future(self.data_) else future[["unique_id", "ds", "step"]]
            fc = model._predict(h, fut, [])
            out = out.merge(fc[["unique_id", "ds", *model.aliases]], on=["unique_id", "ds"], how="left")
        out["forecast"] = self._combine(out, self.weights_)
        out["model"] = out["unique_id"].map(self.choice_)
        models = [*self.aliases]
        if level:
            out = conformal_intervals(out, self.backtest_, models, level)
        if self.nonnegative_:
            cols = [c for c in out.columns if c.split("-lo-")[0].split("-hi-")[0] in models]
            out[cols] = out[cols].clip(lower=0.0)
        ordered = ["unique_id", "ds", "step"]
        for m in models:
            ordered += [m] + [f"{m}-{side}-{lv}" for lv in level for side in ("lo", "hi")]
        return out[[c for c in ordered if c in out.columns] + ["model"]]


def _leaderboard(scores: pd.DataFrame, choice: pd.Series, metric: str) -> pd.DataFrame:
    board = scores.groupby("model")[list(METRICS)].mean()
    board["series"] = scores.groupby("model").size()
    board["wins"] = choice.value_counts().reindex(board.index).fillna(0).astype(int)
    return board.sort_values(metric).reset_index()
