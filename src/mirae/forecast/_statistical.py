"""Statistical models per series through statsforecast, with intermittent demand handled apart.

Every series is put in one of three groups before fitting:

- ``intermittent``: at least ``intermittent_threshold`` of its history is zero;
  fitted with the Croston family (CrostonOptimized, ADIDA, IMAPA, TSB);
- ``short``: fewer than two seasonal cycles (or fewer than ``min_length``
  periods); fitted with the smooth models without seasonality;
- ``regular``: everything else; fitted with the smooth models (AutoETS,
  AutoARIMA, AutoTheta, SeasonalNaive, Naive, HistoricAverage).

Output columns are named by alias (``ETS``, ``ARIMA``, ``Theta``,
``SeasonalNaive``, ``Naive``, ``HistoricAverage``, ``Croston``, ``ADIDA``,
``IMAPA``, ``TSB``); a model not run on a series is NaN there. When a model
fails on a series, the ``fallback`` model's forecast is used under its alias.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mirae.errors import ConfigError
from mirae.forecast._base import Forecaster
from mirae.forecast._data import ForecastData

__all__ = ["INTERMITTENT_MODELS", "SMOOTH_MODELS", "StatisticalForecaster", "classify_series"]

SMOOTH_MODELS = ("ETS", "ARIMA", "Theta", "SeasonalNaive", "Naive", "HistoricAverage")
INTERMITTENT_MODELS = ("Croston", "ADIDA", "IMAPA", "TSB")


def _make_model(name: str, season_length: int) -> Any:
    """A statsforecast model object for ``name`` (aliased so columns use mirae names)."""
    from statsforecast import models as m

    makers: dict[str, Any] = {
        "ETS": lambda: m.AutoETS(season_length=season_length, alias="ETS"),
        "ARIMA": lambda: m.AutoARIMA(season_length=season_length, alias="ARIMA"),
        "Theta": lambda: m.AutoTheta(season_length=season_length, alias="Theta"),
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
    season_length : int, optional
        Default: from the frequency (7 daily, 52 weekly, 12 monthly, 4 quarterly).
    min_length : int, optional
        Series shorter than this are fitted without seasonality; default two cycles.
    fallback : str
        Model used when another fails on a series.
    n_jobs : int
        Processes for statsforecast.
    refit : bool
        In backtests, re-estimate the models at every window (default) or
        estimate them once at the first cut-off and only update their state
        with later data (statsforecast's ``refit=False``; faster, slightly
        different scores).

    Attributes
    ----------
    series_group_ : Series
        ``regular`` / ``short`` / ``intermittent`` per series.

    Examples
    --------
    >>> ds = pd.date_range("2020-01-01", periods=36, freq="MS")
    >>> df = pd.DataFrame({"unique_id": "a", "ds": ds, "y": np.arange(36.0) % 12 + 10})
    >>> fc = StatisticalForecaster(models=["SeasonalNaive", "Naive"]).fit(df).predict(3)
    >>> fc[["SeasonalNaive", "Naive"]].to_numpy().tolist()
    [[10.0, 21.0], [11.0, 21.0], [12.0, 21.0]]
    """

    probabilistic: ClassVar[bool] = True
    handles_missing: ClassVar[bool] = True  # gaps left missing are interpolated before fitting

    def __init__(
        self,
        *,
        models: Sequence[str] = ("ETS", "ARIMA", "Theta", "SeasonalNaive"),
        intermittent_models: Sequence[str] = INTERMITTENT_MODELS,
        intermittent_threshold: float = 0.5,
        season_length: int | None = None,
        min_length: int | None = None,
        fallback: str = "Naive",
        n_jobs: int = 1,
        refit: bool = True,
    ) -> None:
        self.models = models
        self.intermittent_models = intermittent_models
        self.intermittent_threshold = intermittent_threshold
        self.season_length = season_length
        self.min_length = min_length
        self.fallback = fallback
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

    def _fit(self, data: ForecastData) -> None:
        self._check_settings()
        self.season_length_ = self.season_length or data.season_length
        hist = data.interpolated()[["unique_id", "ds", "y"]]
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

    def _specs(self) -> list[tuple[str, list[Any]]]:
        specs = []
        if (self.series_group_ == "regular").any():
            specs.append(("regular", [_make_model(m, self.season_length_) for m in self.models]))
        if (self.series_group_ == "short").any():
            specs.append(("short", [_make_model(m, 1) for m in self.models]))
        if (self.series_group_ == "intermittent").any():
            specs.append(("intermittent", [_make_model(m, 1) for m in self.intermittent_models]))
        return specs

    def _predict(self, h: int, future: pd.DataFrame, level: list[int]) -> pd.DataFrame:
        from statsforecast import StatsForecast

        data = self._check_fitted()
        parts = []
        for group, models in self._specs():
            ids = self.series_group_.index[self.series_group_ == group]
            hist = self.history_.loc[self.history_["unique_id"].isin(set(ids))]
            sf = StatsForecast(
                models=models,
                freq=data.freq.offset,
                n_jobs=self.n_jobs,
                fallback_model=_make_model(self.fallback, 1),
            )
            fc = sf.forecast(h=h, df=hist, level=level or None)
            parts.append(fc)
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
    hist = data.interpolated()[["unique_id", "ds", "y"]]
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
    for group, names in (
        ("regular", forecaster.models),
        ("short", forecaster.models),
        ("intermittent", forecaster.intermittent_models),
    ):
        ids = groups.index[groups == group]
        if len(ids) == 0:
            continue
        sl = season if group == "regular" else 1
        sf = StatsForecast(
            models=[_make_model(m, sl) for m in names],
            freq=data.freq.offset,
            n_jobs=forecaster.n_jobs,
            fallback_model=_make_model(forecaster.fallback, 1),
        )
        part = sf.cross_validation(
            h=h,
            df=hist.loc[hist["unique_id"].isin(set(ids))],
            n_windows=n_windows,
            step_size=step_size,
            refit=forecaster.refit,
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
