"""Statistical models per series through statsforecast, with intermittent demand handled apart.

Every series is put in one of three groups before fitting:

- ``intermittent``: at least ``intermittent_threshold`` of its history is zero;
  fitted with the Croston family (CrostonOptimized, ADIDA, IMAPA, TSB);
- ``short``: fewer than two seasonal cycles (or fewer than ``min_length``
  periods); fitted with the smooth models without seasonality;
- ``regular``: everything else; fitted with the smooth models (AutoETS,
  AutoARIMA, AutoTheta, AutoCES, SeasonalNaive, Naive, HistoricAverage).

Output columns are named by alias (``ETS``, ``ARIMA``, ``Theta``,
``CES``, ``SeasonalNaive``, ``Naive``, ``HistoricAverage``, ``Croston``,
``ADIDA``, ``IMAPA``, ``TSB``); a model not run on a series is NaN there. When
a model fails on a series, the ``fallback`` model's forecast is used under its
alias.

Models are fitted once in ``fit`` and kept (``fitted_``), so backtests can
reuse each series' chosen form (see :mod:`mirae.forecast._fixed_form`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from mirae.base import Tags
from mirae.core._progress import current as current_progress
from mirae.errors import ConfigError
from mirae.forecast._arima_budget import MAX_ARIMA_COST, arima_searches, make_arima, quiet_css_search
from mirae.forecast._base import Forecaster
from mirae.forecast._data import ForecastData
from mirae.forecast._pool import CHUNKS_PER_JOB, balanced_chunks, run_chunks, worth_parallel

__all__ = ["INTERMITTENT_MODELS", "SMOOTH_MODELS", "StatisticalForecaster", "classify_series"]

SMOOTH_MODELS = ("ETS", "ARIMA", "Theta", "CES", "SeasonalNaive", "Naive", "HistoricAverage")
#: Longest season AutoARIMA searches seasonal terms for. A seasonal ARIMA search at season 52
#: (weekly data) fits models with 52-lag polynomials: minutes per series (20 minutes for 27
#: weekly M5 series on 2 cores). Above it ARIMA models the series without the season, and
#: ETS/Theta/SeasonalNaive and the seasonal index carry the yearly cycle.
MAX_ARIMA_SEASON = 24
INTERMITTENT_MODELS = ("Croston", "ADIDA", "IMAPA", "TSB")


def _arima_season(season_length: int) -> int:
    """Season length ARIMA is given: none above :data:`MAX_ARIMA_SEASON`."""
    return season_length if season_length <= MAX_ARIMA_SEASON else 1


def _make_model(name: str, season_length: int, ets_model: str = "ZZZ", arima_search: str = "full") -> Any:
    """A statsforecast model object for ``name`` (aliased so columns use mirae names).

    ``arima_search`` is ``'full'`` (AutoARIMA's own search) or ``'bounded'`` (see :mod:`._arima_budget`).
    """
    from statsforecast import models as m

    makers: dict[str, Any] = {
        "ETS": lambda: m.AutoETS(season_length=season_length, model=ets_model, alias="ETS"),
        "ARIMA": lambda: make_arima(_arima_season(season_length), arima_search),
        "Theta": lambda: m.AutoTheta(season_length=season_length, alias="Theta"),
        "CES": lambda: m.AutoCES(season_length=season_length, alias="CES"),
        "SeasonalNaive": lambda: m.SeasonalNaive(season_length=season_length, alias="SeasonalNaive"),
        "Naive": lambda: m.Naive(alias="Naive"),
        "HistoricAverage": lambda: m.HistoricAverage(alias="HistoricAverage"),
        "Croston": lambda: m.CrostonOptimized(alias="Croston"),
        "ADIDA": lambda: m.ADIDA(alias="ADIDA"),
        "IMAPA": lambda: m.IMAPA(alias="IMAPA"),
        "TSB": lambda: m.TSB(alpha_d=0.1, alpha_p=0.1, alias="TSB"),
    }
    if name not in makers:
        msg = f"unknown statistical model {name!r}; choose from {sorted(makers)}."
        raise ConfigError(msg)
    return makers[name]()


def classify_series(
    history: pd.DataFrame,
    season_length: int,
    *,
    intermittent_threshold: float = 0.5,
    min_length: int | None = None,
) -> pd.Series:
    """Group each series as ``'intermittent'``, ``'short'`` or ``'regular'``.

    Parameters
    ----------
    history : DataFrame
        ``unique_id``, ``y``.
    season_length : int
        Periods per seasonal cycle.
    intermittent_threshold : float
        Share of zero periods from which a series counts as intermittent.
    min_length : int, optional
        Series shorter than this are ``short``; default two seasonal cycles.

    Examples
    --------
    >>> h = pd.DataFrame({"unique_id": ["a"] * 4 + ["b"] * 20, "y": [0, 0, 3, 0] + list(range(1, 21))})
    >>> classify_series(h, 12).to_dict()
    {'a': 'intermittent', 'b': 'short'}
    """
    min_length = 2 * season_length if min_length is None else min_length
    stats = history.groupby("unique_id")["y"].agg(zero_share=lambda s: float((s == 0).mean()), n="size")
    kind = np.where(
        stats["zero_share"] >= intermittent_threshold,
        "intermittent",
        np.where(stats["n"] < min_length, "short", "regular"),
    )
    return pd.Series(kind, index=stats.index, name="series_group")


class StatisticalForecaster(Forecaster):
    """Per-series statistical models (statsforecast), Croston family for intermittent series.

    Parameters
    ----------
    models : sequence of str
        Smooth models among ``ETS``, ``ARIMA``, ``Theta``, ``SeasonalNaive``,
        ``Naive``, ``HistoricAverage``.
    intermittent_models : sequence of str
        Models for intermittent series among ``Croston``, ``ADIDA``, ``IMAPA``, ``TSB``.
    intermittent_threshold : float
        Share of zeros from which a series is intermittent.
    smooth_intermittent : bool
        Fit the smooth models on intermittent series too (seasonal when they
        span two cycles), beside the Croston family. Item by item the
        Croston family is often as good, but its flat forecasts add up to
        totals without the weekly or yearly pattern: on the M5 CA_1 store,
        forecasting its intermittent items by Croston-family means instead
        of the global model gave WRMSSE 0.653 against 0.561.
    season_length : int, optional
        Default: from the frequency (7 daily, 52 weekly, 12 monthly, 4 quarterly).
    min_length : int, optional
        Series shorter than this are fitted without seasonality; default two cycles.
    max_history : int, optional
        Fit on only the latest ``max_history`` periods of each series (all by
        default).
    ets_model : str
        Forms AutoETS searches, as error/trend/season letters (``Z`` any,
        ``A`` additive, ``M`` multiplicative, ``N`` none): ``'ZZZ'`` (all,
        default), ``'ANA'`` (level and additive season, no trend).
    fallback : str
        Model used when another fails on a series.
    arima_search : {'auto', 'bounded', 'full'}
        How ARIMA orders are searched (see :mod:`mirae.forecast._arima_budget`).
        ``'full'``: statsforecast's AutoARIMA defaults (orders up to 5, seasonal
        up to 2, exact likelihood). ``'bounded'``: orders and seasonal orders up
        to 1, candidates compared by conditional sums of squares, the chosen
        one fitted exactly; 7x (M3 monthly) to 34x (Tourism monthly) cheaper
        with monthly data, as accurate in the combination on held-out data.
        ``'auto'`` (default): full where a series' length times the season
        length is at most 600 (short or non-seasonal series), bounded above.
    max_arima_cost : int or None
        Series whose length times ARIMA's season length exceeds this get no
        ARIMA (the other models carry them; said in ``notes_``). ``None``:
        never skipped.
    n_jobs : int
        Processes for statsforecast (``-1``, default: all cores); small panels
        (under 2,000 observations) are fitted in this process, where forking
        costs more than it saves.
    refit : {'parameters', 'full', 'none'}
        What a backtest re-estimates at each cut-off. ``'parameters'``
        (default): each series keeps the model form chosen on its full
        history (ETS components, ARIMA orders, Theta variant) and its
        parameters are estimated afresh on the history before every cut-off;
        the form search runs once, so a backtest costs a fraction of a fit.
        ``'full'`` (or ``True``): search the form again at every cut-off
        (fully out of sample, several times slower). ``'none'`` (or
        ``False``): estimate once at the first cut-off and only update the
        state with later data (statsforecast's ``refit=False``; not available
        for the Croston family, which is then refitted per window).

    Attributes
    ----------
    series_group_ : Series
        ``regular`` / ``short`` / ``intermittent`` per series.
    notes_ : list of str
        What was changed from the settings and why (ARIMA without a season longer than 24).
    fitted_ : dict
        Series id -> its fitted statsforecast models, one per alias of its group.

    Examples
    --------
    >>> ds = pd.date_range("2020-01-01", periods=36, freq="MS")
    >>> df = pd.DataFrame({"unique_id": "a", "ds": ds, "y": np.arange(36.0) % 12 + 10})
    >>> fc = StatisticalForecaster(models=["SeasonalNaive", "Naive"]).fit(df).predict(3)
    >>> fc[["SeasonalNaive", "Naive"]].to_numpy().tolist()
    [[10.0, 21.0], [11.0, 21.0], [12.0, 21.0]]
    """

    # handles_missing: gaps left missing are interpolated before fitting
    tags: ClassVar[Tags] = Forecaster.tags.but(probabilistic=True, handles_missing=True)

    def __init__(
        self,
        *,
        models: Sequence[str] = ("ETS", "ARIMA", "Theta", "SeasonalNaive"),
        intermittent_models: Sequence[str] = INTERMITTENT_MODELS,
        intermittent_threshold: float = 0.5,
        smooth_intermittent: bool = True,
        season_length: int | None = None,
        min_length: int | None = None,
        max_history: int | None = None,
        ets_model: str = "ZZZ",
        fallback: str = "Naive",
        arima_search: Literal["auto", "bounded", "full"] = "auto",
        max_arima_cost: int | None = MAX_ARIMA_COST,
        n_jobs: int = -1,
        refit: Literal["parameters", "full", "none"] | bool = "parameters",
    ) -> None:
        self.models = models
        self.intermittent_models = intermittent_models
        self.intermittent_threshold = intermittent_threshold
        self.smooth_intermittent = smooth_intermittent
        self.season_length = season_length
        self.min_length = min_length
        self.max_history = max_history
        self.ets_model = ets_model
        self.fallback = fallback
        self.arima_search = arima_search
        self.max_arima_cost = max_arima_cost
        self.n_jobs = n_jobs
        self.refit = refit

    @property
    def aliases(self) -> tuple[str, ...]:
        """Smooth model names, then intermittent ones."""
        return tuple(dict.fromkeys([*self.models, *self.intermittent_models]))

    def _check_settings(self) -> None:
        bad = [m for m in self.models if m not in SMOOTH_MODELS]
        bad += [m for m in self.intermittent_models if m not in INTERMITTENT_MODELS]
        if bad or not self.models:
            msg = (
                f"models must be a non-empty subset of {SMOOTH_MODELS} and intermittent_models of "
                f"{INTERMITTENT_MODELS}; got unknown {bad or 'an empty models list'}."
            )
            raise ConfigError(msg)
        if not 0 < self.intermittent_threshold <= 1:
            msg = f"intermittent_threshold must be in (0, 1]; got {self.intermittent_threshold}."
            raise ConfigError(msg)
        form = str(self.ets_model).upper()
        if len(form) != 3 or form[0] not in "ZAM" or form[1] not in "ZANM" or form[2] not in "ZANM":
            msg = f"ets_model must be three letters error/trend/season from Z, A, M, N (e.g. 'ZZZ', 'ANA'); got {self.ets_model!r}."
            raise ConfigError(msg)
        if self.max_history is not None and self.max_history < 2:
            msg = f"max_history must be at least 2 periods (or None for all); got {self.max_history}."
            raise ConfigError(msg)
        if self.arima_search not in ("auto", "bounded", "full"):
            msg = f"arima_search must be 'auto', 'bounded' or 'full'; got {self.arima_search!r}."
            raise ConfigError(msg)
        if self.max_arima_cost is not None and self.max_arima_cost < 1:
            msg = f"max_arima_cost must be a positive number of period x season units or None; got {self.max_arima_cost}."
            raise ConfigError(msg)
        if self.refit not in ("parameters", "full", "none", True, False):
            msg = f"refit must be 'parameters', 'full' or 'none'; got {self.refit!r}."
            raise ConfigError(msg)

    def _recent(self, data: ForecastData) -> pd.DataFrame:
        """``unique_id``, ``ds``, ``y`` of the latest ``max_history`` periods (gaps interpolated)."""
        hist = data.interpolated()[["unique_id", "ds", "y"]]
        if self.max_history is None:
            return hist
        return hist.loc[hist.groupby("unique_id").cumcount(ascending=False) < self.max_history]

    @property
    def _refit_mode(self) -> str:
        if isinstance(self.refit, bool):
            return "full" if self.refit else "none"
        return str(self.refit)

    def _fit(self, data: ForecastData) -> None:
        self._check_settings()
        self.season_length_ = self.season_length or data.season_length
        hist = self._recent(data)
        groups = classify_series(
            hist,
            self.season_length_,
            intermittent_threshold=self.intermittent_threshold,
            min_length=self.min_length,
        )
        if not self.intermittent_models:
            groups = groups.replace("intermittent", "regular")
        self.series_group_ = groups
        self.history_ = hist
        self.notes_: list[str] = []
        if "ARIMA" in self.models and self.season_length_ > MAX_ARIMA_SEASON:
            self.notes_.append(
                f"ARIMA searched without its {self.season_length_}-period season (a seasonal ARIMA search "
                f"that long takes minutes per series); ETS, Theta and the seasonal naive and seasonal-index "
                "models carry the season"
            )
        specs = _group_specs(self, self.series_group_, self.history_, self.season_length_)
        skipped = [uid for _, _, ids, search in specs if search == "skip" for uid in ids]
        if skipped:
            from mirae.core._i18n import message

            self.notes_.append(
                message(
                    "fc_note_arima_skipped",
                    "en",
                    series=len(skipped),
                    limit=self.max_arima_cost,
                    examples=", ".join(map(str, skipped[:3])),
                )
            )
        self._fit_models(data.freq.offset)

    def _specs(self) -> list[tuple[int, list[Any], pd.Index]]:
        """(season length, models, series ids) of every group of series present."""
        specs = _group_specs(self, self.series_group_, self.history_, self.season_length_)
        return [
            (season, [_make_model(n, season, self.ets_model, search) for n in names], ids)
            for season, names, ids, search in specs
        ]

    def _fit_models(self, offset: str) -> None:
        self.fitted_: dict[str, list[Any]] = {}
        self.engines_: list[Any] = []
        self.season_of_: dict[str, int] = {}
        lengths = self.history_.groupby("unique_id").size()
        n_jobs = worth_parallel(self.n_jobs, len(self.history_))
        jobs = []
        for season, models, ids in self._specs():
            n_chunks = n_jobs * CHUNKS_PER_JOB if n_jobs > 1 else 1
            for chunk in balanced_chunks(list(ids), lengths.reindex(ids).tolist(), n_chunks):
                hist = self.history_.loc[self.history_["unique_id"].isin(set(chunk))]
                jobs.append((season, hist, models))
        fit = partial(_fit_engine, offset=offset, fallback=self.fallback)
        report = current_progress()
        report.start(f"fitting {', '.join(self.models)} on {len(lengths):,} series", total=len(lengths))
        sizes = [j[1]["unique_id"].nunique() for j in jobs]
        fitted_engines = run_chunks(fit, jobs, n_jobs, done=lambda k: report.advance(sizes[k]))
        for (season, _, _), sf in zip(jobs, fitted_engines, strict=True):
            for uid, row in zip(sf.uids, sf.fitted_, strict=True):
                self.fitted_[str(uid)] = list(row)
                self.season_of_[str(uid)] = season
            self.engines_.append(sf)

    def _fitted_backtest(
        self, data: ForecastData, *, h: int, n_windows: int, step_size: int, min_train: int
    ) -> pd.DataFrame | None:
        """Backtest of this fitted forecaster keeping every series' model form (``refit='parameters'``)."""
        from mirae.forecast._fixed_form import fixed_form_backtest

        if self._refit_mode != "parameters":
            return None
        return fixed_form_backtest(
            self.history_,
            self.fitted_,
            season_lengths=self.season_of_,
            fallback=_make_model(self.fallback, 1),
            h=h,
            n_windows=n_windows,
            step_size=step_size,
            min_train=min_train,
            aliases=self.aliases,
            n_jobs=self.n_jobs,
        )

    def _predict(self, h: int, future: pd.DataFrame, level: list[int]) -> pd.DataFrame:
        self._check_fitted()
        parts = [sf.predict(h=h, level=level or None) for sf in self.engines_]
        out = pd.concat(parts, ignore_index=True)
        out["unique_id"] = out["unique_id"].astype(str)
        cols = [c for a in self.aliases for c in _with_levels(a, level) if c in out.columns]
        merged = future[["unique_id", "ds", "step"]].merge(
            out[["unique_id", "ds", *cols]], on=["unique_id", "ds"], how="left"
        )
        for a in self.aliases:
            for c in _with_levels(a, level):
                if c not in merged.columns:
                    merged[c] = np.nan
        return merged


def _group_specs(
    forecaster: StatisticalForecaster, groups: pd.Series, history: pd.DataFrame, season: int
) -> list[tuple[int, list[str], pd.Index, str]]:
    """(season length, model names, series ids, ARIMA search) of every non-empty group of series.

    Regular series get the smooth models with the season, short ones without
    it; intermittent ones the Croston family (and the smooth models when
    ``smooth_intermittent``), seasonal only with two cycles of history.
    Groups with ARIMA are split by the search each series gets
    (:func:`._arima_budget.arima_searches`); ``'skip'`` ones lose ARIMA.
    """
    lengths = history.groupby("unique_id").size().reindex(groups.index)
    smooth = list(forecaster.models)
    sparse = [*(smooth if forecaster.smooth_intermittent else []), *forecaster.intermittent_models]
    sparse_ids = groups == "intermittent"
    specs = [
        (season, smooth, groups.index[groups == "regular"]),
        (1, smooth, groups.index[groups == "short"]),
        (season, sparse, groups.index[sparse_ids & (lengths >= 2 * season)]),
        (1, sparse, groups.index[sparse_ids & (lengths < 2 * season)]),
    ]
    out = []
    for sl, names, ids in specs:
        if not len(ids):
            continue
        if "ARIMA" not in names:
            out.append((sl, names, ids, "full"))
            continue
        searches = arima_searches(
            lengths.reindex(ids), _arima_season(sl), forecaster.arima_search, forecaster.max_arima_cost
        )
        if names == ["ARIMA"]:  # nothing else would forecast them: the cheaper search instead of none
            searches = searches.replace("skip", "bounded")
        for search in ("full", "bounded", "skip"):
            part = ids[(searches == search).to_numpy()]
            kept = [n for n in names if n != "ARIMA"] if search == "skip" else names
            if len(part):
                out.append((sl, kept, part, search))
    return out


def _fit_engine(job: tuple[int, pd.DataFrame, list[Any]], *, offset: str, fallback: str) -> Any:
    """A fitted single-process ``StatsForecast`` for one chunk of series of one group."""
    from statsforecast import StatsForecast

    _, hist, models = job
    sf = StatsForecast(models=models, freq=offset, n_jobs=1, fallback_model=_make_model(fallback, 1))
    with quiet_css_search():
        return sf.fit(df=hist)


def _with_levels(alias: str, level: Sequence[int]) -> list[str]:
    cols = [alias]
    for lv in level:
        cols += [f"{alias}-lo-{lv}", f"{alias}-hi-{lv}"]
    return cols


def cross_validate(
    forecaster: StatisticalForecaster,
    data: ForecastData,
    *,
    h: int,
    n_windows: int,
    step_size: int,
    min_train: int,
) -> pd.DataFrame:
    """Every backtest window of the series long enough for all of them, in one statsforecast pass.

    Series are grouped (regular / short / intermittent) on their history
    before the first cut-off, as the per-window backtest would see it, then
    each group goes through ``StatsForecast.cross_validation`` once instead of
    a fit per window. Series too short for every window are left out (the
    caller backtests them window by window).

    Returns
    -------
    DataFrame
        ``unique_id``, ``ds``, ``cutoff``, ``step``, ``window``, ``y`` and the aliases.
    """
    from statsforecast import StatsForecast

    forecaster._check_settings()
    season = forecaster.season_length or data.season_length
    hist = forecaster._recent(data)
    span = h + (n_windows - 1) * step_size
    sizes = hist.groupby("unique_id").size()
    long_ids = sizes.index[sizes >= span + min_train]
    hist = hist.loc[hist["unique_id"].isin(set(long_ids))]
    columns = ["unique_id", "ds", "cutoff", "step", "window", "y", *forecaster.aliases]
    if hist.empty:
        return pd.DataFrame(columns=columns)
    first_train = hist.loc[hist.groupby("unique_id").cumcount(ascending=False) >= span]
    groups = classify_series(
        first_train,
        season,
        intermittent_threshold=forecaster.intermittent_threshold,
        min_length=forecaster.min_length,
    )
    if not forecaster.intermittent_models:
        groups = groups.replace("intermittent", "regular")
    parts = []
    for sl, names, ids, search in _group_specs(forecaster, groups, first_train, season):
        sf = StatsForecast(
            models=[_make_model(m, sl, forecaster.ets_model, search) for m in names],
            freq=data.freq.offset,
            n_jobs=worth_parallel(forecaster.n_jobs, len(first_train)),
            fallback_model=_make_model(forecaster.fallback, 1),
        )
        with quiet_css_search():
            part = sf.cross_validation(
                h=h,
                df=hist.loc[hist["unique_id"].isin(set(ids))],
                n_windows=n_windows,
                step_size=step_size,
                # the Croston family cannot update a fitted state, so its groups refit per window
                refit=forecaster._refit_mode != "none" or any(n in INTERMITTENT_MODELS for n in names),
            )
        parts.append(part)
    cv = pd.concat(parts, ignore_index=True)
    cv["unique_id"] = cv["unique_id"].astype(str)
    cv = cv.sort_values(["unique_id", "cutoff", "ds"]).reset_index(drop=True)
    cv["window"] = cv.groupby("unique_id")["cutoff"].rank(method="dense").astype(int) - 1
    cv["window"] += n_windows - 1 - cv.groupby("unique_id")["window"].transform("max")
    cv["step"] = cv.groupby(["unique_id", "cutoff"]).cumcount() + 1
    for a in forecaster.aliases:
        if a not in cv.columns:
            cv[a] = np.nan
    return cv[columns]
