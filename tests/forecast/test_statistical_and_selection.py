"""Statistical models, intermittent handling, backtest, selection, leaderboard and conformal intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mirae.errors import ConfigError
from mirae.forecast import (
    AutoForecaster,
    ForecastData,
    SeasonalIndexForecaster,
    StatisticalForecaster,
    backtest,
    classify_series,
    mase,
    smape,
)


@pytest.fixture(scope="module")
def m5_data(m5_items: pd.DataFrame) -> ForecastData:
    return ForecastData.from_frame(
        m5_items, id_col="id", time_col="date", target_col="sales", hierarchy=["cat_id", "dept_id"]
    )


def test_every_smooth_model_on_airline(airline: pd.DataFrame) -> None:
    train, test = airline.iloc[:-12], airline.iloc[-12:]
    models = ["ETS", "ARIMA", "Theta", "SeasonalNaive", "Naive", "HistoricAverage"]
    sf = StatisticalForecaster(models=models, intermittent_models=()).fit(train)
    fc = sf.predict(12, level=[80, 95])
    assert list(fc.columns[:3]) == ["unique_id", "ds", "ETS"]
    assert {"ETS-lo-95", "ARIMA-hi-80", "Theta-lo-80"} <= set(fc.columns)
    errors = {m: smape(test["y"], fc[m]) for m in models}
    # seasonal models beat the flat ones on a strongly seasonal series
    assert max(errors["ETS"], errors["ARIMA"], errors["Theta"]) < errors["Naive"] < errors["HistoricAverage"]
    assert errors["ARIMA"] < 10
    assert (fc["ETS-lo-95"] < fc["ETS-lo-80"]).all() and (fc["ETS-hi-80"] < fc["ETS-hi-95"]).all()
    seasonal_naive = train["y"].to_numpy()[-12:]
    np.testing.assert_allclose(fc["SeasonalNaive"], seasonal_naive)


def test_intermittent_series_get_the_croston_family(m5_data: ForecastData) -> None:
    groups = classify_series(m5_data.history, 7)
    assert {"intermittent", "regular"} <= set(groups)
    sf = StatisticalForecaster(models=["SeasonalNaive", "Naive"]).fit(m5_data)
    fc = sf.predict(7)
    assert sf.series_group_.equals(groups)
    inter = fc["unique_id" if "unique_id" in fc else "id"].map(groups) == "intermittent"
    assert fc.loc[inter, ["Croston", "ADIDA", "IMAPA", "TSB"]].notna().all().all()
    assert fc.loc[~inter, "Croston"].isna().all() and fc.loc[~inter, "Naive"].notna().all()
    assert (fc.loc[inter, ["Croston", "TSB"]] >= 0).all().all()
    # the smooth models run on intermittent series too (seasonal: they span two weeks)
    assert fc["Naive"].notna().all() and fc["SeasonalNaive"].notna().all()
    only = StatisticalForecaster(models=["SeasonalNaive", "Naive"], smooth_intermittent=False).fit(m5_data)
    fc_only = only.predict(7)
    assert fc_only.loc[inter, "Naive"].isna().all() and fc_only.loc[inter, "Croston"].notna().all()


def test_short_series_are_fitted_without_seasonality(m3_monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    train, _ = m3_monthly
    short = train.groupby("unique_id").head(15)
    sf = StatisticalForecaster(models=["ETS", "SeasonalNaive"], intermittent_models=()).fit(short)
    assert (sf.series_group_ == "short").all()
    fc = sf.predict(3)
    last = short.groupby("unique_id")["y"].last()
    # season 1: seasonal naive repeats the last value
    np.testing.assert_allclose(fc.groupby("unique_id")["SeasonalNaive"].first().to_numpy(), last.to_numpy())
    assert fc["ETS"].notna().all()


def test_bad_model_names() -> None:
    df = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=5, freq="MS"), "y": 1.0})
    with pytest.raises(ConfigError, match="'Prophet'"):
        StatisticalForecaster(models=["Prophet"]).fit(df)


def test_backtest_windows_and_actuals(airline: pd.DataFrame) -> None:
    cv = backtest(StatisticalForecaster(models=["SeasonalNaive"]), airline, h=12, n_windows=3)
    assert cv.groupby("window").size().tolist() == [12, 12, 12]
    assert cv["cutoff"].drop_duplicates().astype(str).tolist() == ["1957-12-01", "1958-12-01", "1959-12-01"]
    merged = cv.merge(airline, on=["unique_id", "ds"], suffixes=("", "_true"))
    np.testing.assert_array_equal(merged["y"], merged["y_true"])
    # seasonal naive of window 2 is the 12 values before its cut-off
    last = cv.loc[cv["window"] == 2, "SeasonalNaive"].to_numpy()
    np.testing.assert_array_equal(last, airline["y"].to_numpy()[-24:-12])


def test_auto_selection_leaderboard_and_intervals(m3_monthly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    train, test = m3_monthly
    h = 18
    auto = AutoForecaster(
        forecasters=[
            StatisticalForecaster(models=["ETS", "Theta", "SeasonalNaive", "Naive"]),
            SeasonalIndexForecaster(),
        ],
        h=h,
        n_windows=2,
        selection="best",
    ).fit(train)
    fc = auto.predict(h, level=[80, 95])
    assert {"ETS", "ETS-lo-95", "forecast", "forecast-lo-80", "forecast-hi-95", "model"} <= set(fc.columns)
    # the forecast column is the chosen model, per series
    for sid, g in fc.groupby("unique_id"):
        chosen = auto.choice_[sid]
        np.testing.assert_allclose(g["forecast"], g[chosen].clip(lower=0))
        assert (g["model"] == chosen).all()
    # chosen = lowest backtest MASE of the series
    best = auto.scores_.sort_values("mase").groupby("unique_id").head(1).set_index("unique_id")["model"]
    assert auto.choice_.loc[best.index].equals(best.rename("model"))
    board = auto.leaderboard_
    assert board["mase"].is_monotonic_increasing and board["wins"].sum() == len(auto.choice_)
    assert set(board["model"]) == {"ETS", "Theta", "SeasonalNaive", "Naive", "SeasonalIndex", "Combination"}
    # the combination is the equal-weight mean of the statistical models
    np.testing.assert_allclose(fc["Combination"], ((fc["ETS"] + fc["Theta"]) / 2).clip(lower=0))
    # accuracy on the held-out M3 test set: better than the naive forecast
    res = test.merge(fc, on=["unique_id", "ds"])
    hist = {k: g.to_numpy() for k, g in train.groupby("unique_id")["y"]}
    score = {
        c: np.mean([mase(g["y"], g[c], hist[k], 12) for k, g in res.groupby("unique_id")])
        for c in ("forecast", "Naive")
    }
    assert score["forecast"] < score["Naive"]
    # conformal coverage sanity on the held-out data: nested and covering most points
    inside95 = ((res["y"] >= res["forecast-lo-95"]) & (res["y"] <= res["forecast-hi-95"])).mean()
    inside80 = ((res["y"] >= res["forecast-lo-80"]) & (res["y"] <= res["forecast-hi-80"])).mean()
    assert inside80 <= inside95 and inside95 > 0.6
    assert (
        (res["forecast-hi-95"] - res["forecast-lo-95"]) >= (res["forecast-hi-80"] - res["forecast-lo-80"])
    ).all()


def test_ensemble_weights_and_fallback_for_short_series(
    m3_monthly: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    train, _ = m3_monthly
    ids = train["unique_id"].unique()
    cut = pd.concat(
        [train.loc[train["unique_id"] != ids[0]], train.loc[train["unique_id"] == ids[0]].head(10)]
    )
    auto = AutoForecaster(
        forecasters=[
            StatisticalForecaster(models=["Theta", "SeasonalNaive", "Naive"], intermittent_models=())
        ],
        h=12,
        n_windows=1,
        selection="ensemble",
        top_k=2,
    ).fit(cut)
    assert auto.fallback_series_ == [ids[0]] and auto.choice_[ids[0]] == "SeasonalNaive"
    w = auto.weights_.loc[auto.weights_["unique_id"] == ids[1]]
    assert len(w) == 2 and w["weight"].sum() == pytest.approx(1.0)
    scores = auto.scores_.set_index(["unique_id", "model"])["mase"]
    inv = np.array([1 / scores[(ids[1], m)] for m in w["model"]])
    np.testing.assert_allclose(w["weight"], inv / inv.sum())
    fc = auto.predict(12)
    g = fc.loc[fc["unique_id"] == ids[1]]
    expected = sum(wt * g[m].to_numpy() for m, wt in zip(w["model"], w["weight"], strict=True))
    np.testing.assert_allclose(g["forecast"], np.clip(expected, 0, None))


def test_auto_settings_are_validated(airline: pd.DataFrame) -> None:
    with pytest.raises(ConfigError, match="metric"):
        AutoForecaster(metric="r2").fit(airline)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="fallback 'ETS'"):
        AutoForecaster(forecasters=[SeasonalIndexForecaster()], fallback="ETS").fit(airline)
    with pytest.raises(ConfigError, match="h must be"):
        StatisticalForecaster().fit(airline).predict(0)


def test_estimator_contract(airline: pd.DataFrame) -> None:
    original = airline.copy()
    model = StatisticalForecaster(models=["ETS"], season_length=12)
    assert model.get_params()["season_length"] == 12
    clone = model.clone()
    assert clone is not model and clone.get_params() == model.get_params()
    assert "season_length=12" in repr(model)
    a = model.fit(airline).predict(6)
    pd.testing.assert_frame_equal(airline, original)  # input not mutated
    import pickle

    b = pickle.loads(pickle.dumps(model)).predict(6)
    pd.testing.assert_frame_equal(a, b)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        clone.predict(3)


def test_weekly_arima_skips_the_52_week_seasonal_search_and_says_so() -> None:
    # a seasonal ARIMA search at season 52 takes minutes per series; the default keeps ARIMA
    # without the yearly season and notes it (ETS, Theta and seasonal naive carry the season)
    import pandas as pd

    from mirae.forecast._statistical import MAX_ARIMA_SEASON, _make_model

    weeks = pd.date_range("2020-01-06", periods=120, freq="W-MON")
    frame = pd.DataFrame(
        {"unique_id": "a", "ds": weeks, "y": [float(10 + (i % 52 == 0) * 20 + i % 3) for i in range(120)]}
    )
    model = StatisticalForecaster(models=("ARIMA", "SeasonalNaive"), intermittent_models=()).fit(frame)
    assert model.season_length_ == 52 > MAX_ARIMA_SEASON
    assert any("ARIMA searched without its 52-period season" in n for n in model.notes_)
    assert _make_model("ARIMA", 52).season_length == 1 and _make_model("ARIMA", 12).season_length == 12
    assert len(model.predict(4)) == 4
