"""Model choice by rolling-origin backtest: per group of series, per series, or weighted.

:class:`AutoForecaster` fits several forecasters on the full history,
backtests each on rolling origins, adds ``Combination`` (the equal-weight
mean of the statistical models, the combination that won the M3
competition's lessons), scores every model on every series and chooses what
``forecast`` is. By default (``selection='auto'``) the choice is made per
*group* of series (regular, short, intermittent): the combination stays
unless another candidate's mean backtest error over the group is lower by
``switch_margin``, because choices made per series from a few backtest
windows follow noise (on M3 they lose to the plain combination), while a
clearly better model for a whole group, such as a global LightGBM on retail
data, is found reliably. Conformal prediction intervals come from the
backtest residuals. The output has a column per model alias, plus
``forecast`` (the chosen model or combination) and ``model`` (what
``forecast`` is, per series).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from mirae.base import Tags
from mirae.errors import ConfigError
from mirae.forecast._backtest import backtest, conformal_intervals
from mirae.forecast._base import Forecaster, _check_horizon
from mirae.forecast._boost import GlobalBoostForecaster
from mirae.forecast._data import ForecastData
from mirae.forecast._metrics import METRICS, score_series
from mirae.forecast._seasonal_index import SeasonalIndexForecaster
from mirae.forecast._selection import aggregate_scores, choose_for_group
from mirae.forecast._statistical import StatisticalForecaster, classify_series

__all__ = ["COMBINED_MODELS", "AutoForecaster"]

#: Aliases averaged into ``Combination`` when a candidate provides them. The Croston family is
#: left out: its flat forecasts compete with the combination for intermittent groups instead.
COMBINED_MODELS = ("ETS", "ARIMA", "Theta", "CES", "GlobalBoost")
COMBINATION = "Combination"


class AutoForecaster(Forecaster):
    """Backtest candidate forecasters, choose per group or series, forecast with conformal intervals.

    Parameters
    ----------
    forecasters : sequence of Forecaster, optional
        Candidates. Default, decided from the data at ``fit``: a
        :class:`StatisticalForecaster` (ETS, ARIMA, Theta, SeasonalNaive;
        Croston family for intermittent series; for daily data
        ETS(A,N,A) and SeasonalNaive: on the 3,049 M5 CA_1 items the
        level-plus-weekly-season form gave WRMSSE 0.534 in 76 s where the
        full AutoETS search gave 0.538 in 616 s, and AutoARIMA takes seconds
        per long daily series), a
        :class:`SeasonalIndexForecaster`, and a :class:`GlobalBoostForecaster`
        when ``global_model`` says so.
    global_model : {'auto', 'always', 'never'}
        Add the global LightGBM model to the default candidates. ``'auto'``
        adds it when the data has exogenous columns (price, promotion: only it
        uses them) or is daily or weekly with at least ``global_min_series``
        series (a global model learns across many long series: on M5 store
        data it is the most accurate candidate, while on 200 M3 monthly
        series it was 13 % worse in sMAPE than ETS). Ignored when
        ``forecasters`` is given.
    global_min_series : int
        Series count from which ``'auto'`` adds the global model.
    random_state : int
        Seed of the global model.
    n_jobs : int
        Processes of the default statistical candidate and threads of the global model
        (``-1``, default: all cores; small panels stay in this process).
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
    selection : {'auto', 'best', 'ensemble'}
        ``'auto'`` (default): per group of series (``regular``, ``short``,
        ``intermittent``, see :func:`classify_series`) keep ``Combination``
        unless another candidate (the seasonal index, a naive model, the
        global model alone; not a statistical member, whose backtest keeps
        the form chosen on the full history and so flatters it) has a mean
        backtest error at least ``switch_margin`` lower. With a hierarchy the error is averaged
        over levels: the series, their sums per node of each hierarchy
        column, and the group's total (see :mod:`._selection`). Series too
        short to backtest get their group's choice. Without a combination,
        the candidate with the lowest mean error per group. ``'best'``: the best model per series.
        ``'ensemble'``: inverse-error weighted mean of the ``top_k`` best
        models per series.
    switch_margin : float
        Relative improvement over ``Combination`` a candidate needs to be
        chosen for a group (``selection='auto'``).
    combine : sequence of str, optional
        Aliases averaged (equal weights, those present on each series) into
        the ``Combination`` candidate; default those among ETS, ARIMA,
        Theta, CES and GlobalBoost (the Croston family competes with it on
        intermittent series). ``()`` adds no combination.
    top_k : int
        Models in a per-series ensemble.
    fallback : str, optional
        Model alias used for series with no backtest score (too short to
        backtest) when no group choice applies; it must be an alias of a
        candidate or ``Combination``. Default: ``Combination`` when present,
        else the first of ``SeasonalIndex``, ``SeasonalNaive``, ``Naive``
        among the candidates, else the first alias.
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
    group_choice_ : DataFrame
        With ``selection='auto'``: per group, the ``model`` chosen, its
        ``series`` (and how many were ``scored``) and its ``relative_error``
        (backtest error relative to ``Combination``, averaged over the
        levels of the hierarchy; 1.0 when the combination stays).
    series_group_ : Series
        ``regular`` / ``short`` / ``intermittent`` per series.
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
    >>> auto = AutoForecaster(forecasters=[StatisticalForecaster(models=["SeasonalNaive", "Naive"])], h=6)
    >>> fc = auto.fit(df).predict(6, level=[80])
    >>> auto.choice_["a"], list(fc.columns[:3])
    ('SeasonalNaive', ['unique_id', 'ds', 'SeasonalNaive'])
    """

    tags: ClassVar[Tags] = Forecaster.tags.but(probabilistic=True, supports_exog=True)

    def __init__(
        self,
        *,
        forecasters: Sequence[Forecaster] | None = None,
        h: int = 12,
        n_windows: int = 3,
        step_size: int | None = None,
        metric: Literal["mase", "rmsse", "smape", "wape"] = "mase",
        selection: Literal["auto", "best", "ensemble"] = "auto",
        switch_margin: float = 0.05,
        combine: Sequence[str] | None = None,
        top_k: int = 3,
        fallback: str | None = None,
        nonnegative: bool = True,
        global_model: Literal["auto", "always", "never"] = "auto",
        global_min_series: int = 200,
        random_state: int = 0,
        n_jobs: int = -1,
        country: str | None = "KR",
        events: pd.DataFrame | None = None,
    ) -> None:
        self.forecasters = forecasters
        self.h = h
        self.n_windows = n_windows
        self.step_size = step_size
        self.metric = metric
        self.selection = selection
        self.switch_margin = switch_margin
        self.combine = combine
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
        out: list[Forecaster] = [
            _default_statistical(data, self.n_jobs),
            SeasonalIndexForecaster(factors="exog"),
        ]
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
        many = len(data.ids) >= self.global_min_series and data.freq.code in ("D", "W")
        return bool(data.exog) or many

    def _combined(self) -> tuple[str, ...]:
        """Aliases averaged into ``Combination`` (empty: no combination)."""
        names = [a for f in self._candidates() for a in f.aliases]
        wanted = COMBINED_MODELS if self.combine is None else tuple(self.combine)
        members = tuple(a for a in wanted if a in names)
        return members if self.combine is not None or len(members) > 1 else ()

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every candidate alias, ``Combination`` when there is one, then ``forecast``."""
        names = [a for f in self._candidates() for a in f.aliases]
        extra = [COMBINATION] if self._combined() else []
        return (*dict.fromkeys(names), *extra, "forecast")

    def _check_settings(self, data: ForecastData) -> list[str]:
        self.candidates_ = self._candidates(data)
        _check_horizon(self.h)
        if self.metric not in ("mase", "rmsse", "smape", "wape"):
            msg = f"metric must be 'mase', 'rmsse', 'smape' or 'wape'; got {self.metric!r}."
            raise ConfigError(msg)
        if self.selection not in ("auto", "best", "ensemble"):
            msg = f"selection must be 'auto', 'best' or 'ensemble'; got {self.selection!r}."
            raise ConfigError(msg)
        if not 0 <= self.switch_margin < 1:
            msg = f"switch_margin must be in [0, 1); got {self.switch_margin}."
            raise ConfigError(msg)
        names = [a for f in self._candidates() for a in f.aliases]
        if len(set(names)) != len(names) or COMBINATION in names:
            msg = (
                f"candidate forecasters must have distinct aliases other than {COMBINATION!r}; "
                f"got {[f.aliases for f in self._candidates()]}."
            )
            raise ConfigError(msg)
        unknown = [a for a in (self.combine or ()) if a not in names]
        if unknown:
            msg = f"combine names {unknown}, which are not aliases of the candidates {names}."
            raise ConfigError(msg)
        models = list(self.aliases[:-1])
        if self.fallback is not None and self.fallback not in models:
            msg = f"fallback {self.fallback!r} is not an alias of the candidates {models}. Pass one of them."
            raise ConfigError(msg)
        preferred = [m for m in (COMBINATION, "SeasonalIndex", "SeasonalNaive", "Naive") if m in models]
        self.fallback_ = self.fallback or (preferred or models)[0]
        return models

    def _fit(self, data: ForecastData) -> None:
        models = self._check_settings(data)
        step = self.h if self.step_size is None else self.step_size
        fitted, parts = [], []
        self._form_kept: set[str] = set()
        for candidate in self.candidates_:
            model = candidate.clone().fit(data)
            cv = model._fitted_backtest(
                data, h=self.h, n_windows=self.n_windows, step_size=step, min_train=self.h
            )
            if cv is None or cv.empty:
                cv = backtest(candidate, data, h=self.h, n_windows=self.n_windows, step_size=self.step_size)
            else:
                self._form_kept.update(model.aliases)
            fitted.append(model)
            parts.append(cv)
        keys = ["unique_id", "ds", "cutoff", "step", "window", "y"]
        cv = parts[0]
        for part in parts[1:]:
            cv = cv.merge(part, on=keys, how="outer")
        self._add_combination(cv)
        self.notes_ = list(dict.fromkeys(n for model in fitted for n in getattr(model, "notes_", [])))
        train = data.interpolated()[["unique_id", "ds", "y"]]
        self.series_group_ = _series_groups(fitted, train, data.season_length)
        # scale of scaled metrics: history before the first backtest cut-off
        first_cut = cv.groupby("unique_id")["cutoff"].min()
        scale_train = train.loc[train["ds"] <= train["unique_id"].map(first_cut)]
        scores = score_series(cv, scale_train, models, data.season_length)
        if self.selection == "auto":
            weights = self._group_weights(scores, models, cv, scale_train, data)
        else:
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
        self.forecasters_ = fitted
        self.nonnegative_ = self.nonnegative and bool((train["y"].dropna() >= 0).all())

    def _add_combination(self, frame: pd.DataFrame) -> None:
        members = [m for m in self._combined() if m in frame.columns]
        if members:
            frame[COMBINATION] = frame[members].mean(axis=1, skipna=True)

    def _group_weights(
        self,
        scores: pd.DataFrame,
        models: list[str],
        cv: pd.DataFrame,
        train: pd.DataFrame,
        data: ForecastData,
    ) -> pd.DataFrame:
        """One model per group of series: ``Combination`` unless a candidate outside it is clearly better."""
        table = scores.pivot_table(index="unique_id", columns="model", values=self.metric, aggfunc="first")
        table = table.where(np.isfinite(table))
        prior = COMBINATION if COMBINATION in models else None
        members = set(self._combined())
        statics = data.statics() if data.hierarchy else None
        rows, summary = [], []
        for group, ids in self.series_group_.groupby(self.series_group_):
            names = [str(i) for i in ids.index]
            sub = table.reindex([n for n in names if n in table.index])
            present = [m for m in models if m in sub.columns and sub[m].notna().any()]
            ratio = float("nan")
            if not present:
                model = prior or self.fallback_
            elif prior in present:
                tables = [sub]
                if statics is not None:
                    scored = set(sub.index)
                    tables += aggregate_scores(
                        cv.loc[cv["unique_id"].isin(scored)],
                        train.loc[train["unique_id"].isin(scored)],
                        present,
                        metric=self.metric,
                        season_length=data.season_length,
                        statics=statics.loc[statics.index.isin(scored)],
                    )
                # a member whose backtest kept the form chosen on the full history does not replace the
                # combination: that backtest flatters the most flexible form (ARIMA on M3 yearly: 5 %
                # better than the combination in the backtest, 2 % worse on the held-out years)
                kept = members & self._form_kept
                challengers = [m for m in present if m != prior and m not in kept]
                model, ratio = choose_for_group(tables, str(prior), challengers, self.switch_margin)
            else:
                means = sub[present].mean()
                model = str(means.idxmin())
            rows.append(pd.DataFrame({"unique_id": names, "model": model, "weight": 1.0}))
            summary.append(
                {
                    "group": group,
                    "model": model,
                    "series": len(names),
                    "scored": len(sub),
                    "relative_error": ratio,
                }
            )
        self.group_choice_ = pd.DataFrame(summary)
        return pd.concat(rows, ignore_index=True)

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
        self._add_combination(out)
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
    """Mean backtest metrics per model, ranked so that a mean over a few series never tops the table.

    Models are ranked by ``metric`` within their coverage (the share of the
    scored series they have a backtest for), the widest coverage first: a
    model that ran on 2 of 21 series is listed after those that ran on all.
    """
    board = scores.groupby("model")[list(METRICS)].mean()
    board["series"] = scores.groupby("model").size()
    total = scores["unique_id"].nunique() if "unique_id" in scores else int(board["series"].max())
    board["coverage"] = (board["series"] / max(total, 1)).round(3)
    board["wins"] = choice.value_counts().reindex(board.index).fillna(0).astype(int)
    board = board.assign(_wide=-board["coverage"]).sort_values(["_wide", metric], kind="stable")
    return board.drop(columns="_wide").reset_index()


def _default_statistical(data: ForecastData | None, n_jobs: int) -> StatisticalForecaster:
    """The default statistical candidate: lighter for daily data."""
    if data is not None and data.freq.code == "D":
        return StatisticalForecaster(models=("ETS", "SeasonalNaive"), ets_model="ANA", n_jobs=n_jobs)
    return StatisticalForecaster(n_jobs=n_jobs)


def _series_groups(fitted: list[Forecaster], train: pd.DataFrame, season_length: int) -> pd.Series:
    """Series groups of the statistical candidate (it knows which models ran where), else from the history."""
    for model in fitted:
        groups = getattr(model, "series_group_", None)
        if isinstance(groups, pd.Series):
            full = classify_series(train, season_length)
            return groups.reindex(full.index).fillna(full).rename("series_group")
    return classify_series(train, season_length)
