"""Backtests that keep each series' model form, and the group-level model choice, on real data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mirae.forecast import (
    AutoForecaster,
    ForecastData,
    GlobalBoostForecaster,
    StatisticalForecaster,
    backtest,
)
from mirae.forecast._fixed_form import fixed_form_model
from mirae.forecast._selection import aggregate_scores, choose_for_group


@pytest.fixture(scope="module")
def quarterly(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five M3 quarterly series of at least 40 quarters, with their lengths."""
    raw = json.loads((shared_data / "m3" / "m3_data.json").read_text())
    ids = sorted(k for k, v in raw.items() if v["period"] == ["QUARTERLY"] and v["n"][0] >= 40)[::60][:5]
    train = []
    for k in ids:
        x = np.asarray(raw[k]["x"], float)
        ds = pd.date_range("1980-01-01", periods=len(x), freq="QS")
        train.append(pd.DataFrame({"unique_id": k, "ds": ds, "y": x}))
    frame = pd.concat(train, ignore_index=True)
    return frame, frame.groupby("unique_id").size().rename("n").reset_index()


def test_fixed_form_backtest_estimates_at_the_first_cut_and_updates_state(
    quarterly: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    frame, _ = quarterly
    h, n_windows = 4, 3
    model = StatisticalForecaster(models=["ETS", "ARIMA"], intermittent_models=()).fit(frame)
    cv = model._fitted_backtest(model.data_, h=h, n_windows=n_windows, step_size=h, min_train=h)
    assert cv is not None and set(cv["window"]) == {0, 1, 2}
    for uid, series in frame.groupby("unique_id"):
        y = series["y"].to_numpy()
        fitted_ets, fitted_arima = model.fitted_[uid][:2]
        for fitted, alias in ((fitted_ets, "ETS"), (fitted_arima, "ARIMA")):
            form = fixed_form_model(fitted, 4)
            first_cut = len(y) - h * n_windows
            # window 0: the full-history form, its parameters estimated on the history before the cut only
            estimated = form.new().fit(y=y[:first_cut])
            got = cv.loc[(cv["unique_id"] == uid) & (cv["window"] == 0), alias].to_numpy()
            np.testing.assert_allclose(got, estimated.predict(h=h)["mean"], rtol=1e-8)
            # window 2: the same parameters, state updated with the later observations
            later = cv.loc[(cv["unique_id"] == uid) & (cv["window"] == 2), alias].to_numpy()
            np.testing.assert_allclose(later, estimated.forward(y=y[: len(y) - h], h=h)["mean"], rtol=1e-8)
        # the form is the one the full-history search chose
        assert fixed_form_model(fitted_ets, 4).model == fitted_ets.model_["components"][:3]
        p, q, _, _, _, d, _ = fitted_arima.model_["arma"]
        assert fixed_form_model(fitted_arima, 4).order == (p, d, q)
    # the actuals and cut-offs are those of a window-by-window backtest
    slow = backtest(StatisticalForecaster(models=["ETS"], intermittent_models=(), refit="full"), frame, h=h)
    keys = ["unique_id", "window", "ds"]
    pd.testing.assert_frame_equal(
        cv.sort_values(keys)[[*keys, "cutoff", "step", "y"]].reset_index(drop=True),
        slow.sort_values(keys)[[*keys, "cutoff", "step", "y"]].reset_index(drop=True),
        check_dtype=False,
    )


def test_processes_give_the_same_fit_and_backtest_as_one(
    quarterly: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    frame, _ = quarterly
    # one series too short for two seasonal cycles, so two groups are spread over the processes
    frame = pd.concat(
        [frame, frame.loc[frame["unique_id"] == frame["unique_id"].iloc[0]].head(6).assign(unique_id="short")]
    )
    runs = []
    for n_jobs in (1, 2):
        model = StatisticalForecaster(models=["ETS", "Theta", "SeasonalNaive"], n_jobs=n_jobs).fit(frame)
        cv = model._fitted_backtest(model.data_, h=4, n_windows=2, step_size=4, min_train=4)
        runs.append(
            (model.predict(4, level=[80]).sort_values(["unique_id", "ds"]).reset_index(drop=True), cv)
        )
    assert set(runs[1][0]["unique_id"]) == set(frame["unique_id"])
    pd.testing.assert_frame_equal(runs[0][0], runs[1][0])
    pd.testing.assert_frame_equal(runs[0][1], runs[1][1])


def test_refit_setting_is_validated(quarterly: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    from mirae.errors import ConfigError

    with pytest.raises(ConfigError, match="refit must be"):
        StatisticalForecaster(refit="sometimes").fit(quarterly[0])  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="max_history"):
        StatisticalForecaster(max_history=1).fit(quarterly[0])


def test_max_history_fits_on_the_latest_periods(airline: pd.DataFrame) -> None:
    model = StatisticalForecaster(models=["Naive", "HistoricAverage"], max_history=24).fit(airline)
    fc = model.predict(1)
    assert fc["HistoricAverage"].iloc[0] == pytest.approx(airline["y"].tail(24).mean())
    assert len(model.history_) == 24


def test_ces_is_available(airline: pd.DataFrame) -> None:
    fc = StatisticalForecaster(models=["CES"]).fit(airline).predict(12)
    assert fc["CES"].notna().all() and fc["CES"].std() > 0  # seasonal forecasts, not flat


def test_aggregate_scores_sum_series_per_node() -> None:
    ds = pd.date_range("2024-01-01", periods=2, freq="MS")
    cv = pd.DataFrame(
        {
            "unique_id": ["a", "a", "b", "b"],
            "window": 0,
            "ds": list(ds) * 2,
            "y": [1.0, 2.0, 3.0, 4.0],
            "m": [1.0, 2.0, 3.0, 6.0],  # only b's second period is off, by 2
        }
    )
    train = pd.DataFrame({"unique_id": ["a"] * 3 + ["b"] * 3, "ds": list(pd.date_range("2023-10-01", periods=3, freq="MS")) * 2,
                          "y": [0.0, 1.0, 2.0, 0.0, 2.0, 4.0]})  # fmt: skip
    statics = pd.DataFrame({"group": ["G", "G"]}, index=pd.Index(["a", "b"], name="unique_id"))
    group_level, total = aggregate_scores(cv, train, ["m"], metric="mase", season_length=1, statics=statics)
    # node G = a + b: actual [4, 6], forecast [4, 8]; MASE = mean |e| / mean |diff of history| = 1 / 3
    assert group_level.loc["G", "m"] == pytest.approx(1 / 3)
    assert total.loc["total", "m"] == pytest.approx(1 / 3)


def test_choice_between_combination_and_challengers() -> None:
    items = pd.DataFrame({"Combination": [1.0, 1.0, 1.0], "Global": [1.0, 1.02, 0.99]}, index=list("abc"))
    total = pd.DataFrame({"Combination": [0.30], "Global": [0.12]}, index=["total"])
    # as good item by item, much better on the total: the global model wins with levels weighed equally
    model, ratio = choose_for_group([items, total], "Combination", ["Global"], 0.05)
    assert model == "Global" and ratio == pytest.approx((1.0033333 + 0.4) / 2, rel=1e-4)
    # item by item alone it is within the margin: the combination stays
    assert choose_for_group([items], "Combination", ["Global"], 0.05) == ("Combination", 1.0)


def test_auto_selection_keeps_the_combination_unless_clearly_beaten(airline: pd.DataFrame) -> None:
    stat = StatisticalForecaster(models=["Naive", "SeasonalNaive", "ETS"])
    # the combination of Naive alone is far worse than SeasonalNaive on the airline series: replaced
    naive = StatisticalForecaster(models=["Naive", "SeasonalNaive"])
    auto = AutoForecaster(forecasters=[naive], combine=["Naive"], h=12, n_windows=2).fit(airline)
    assert auto.choice_["airline"] == "SeasonalNaive"
    row = auto.group_choice_.iloc[0]
    assert row["group"] == "regular" and row["model"] == "SeasonalNaive" and row["relative_error"] < 0.95
    # with a margin no challenger can clear, the combination stays and is the forecast
    keep = AutoForecaster(forecasters=[stat], combine=["Naive", "ETS"], h=12, n_windows=2, switch_margin=0.99)
    fc = keep.fit(airline).predict(12)
    assert keep.choice_["airline"] == "Combination"
    np.testing.assert_allclose(fc["forecast"], ((fc["Naive"] + fc["ETS"]) / 2).clip(lower=0))
    # ETS is a member whose backtest kept its form: it never replaces the combination, however good
    assert "ETS" not in set(keep.group_choice_["model"])


@pytest.mark.slow
def test_auto_selection_on_retail_items_weighs_the_hierarchy(
    m5_priced: Callable[[int], ForecastData],
) -> None:
    data = m5_priced(14)
    h = 14
    auto = AutoForecaster(
        forecasters=[
            StatisticalForecaster(models=["ETS", "SeasonalNaive"], max_history=200),
            GlobalBoostForecaster(n_estimators=60, country="US"),
        ],
        h=h,
        n_windows=2,
    ).fit(data)
    groups = auto.group_choice_.set_index("group")
    assert set(groups.index) <= {"regular", "intermittent", "short"}
    assert groups["series"].sum() == len(data.ids)
    assert set(groups["model"]) <= {
        "Combination",
        "GlobalBoost",
        "SeasonalNaive",
        "Croston",
        "ADIDA",
        "IMAPA",
        "TSB",
    }
    # the combination averages ETS (fitted on intermittent items too) and the global model
    fc = auto.predict(h)
    assert fc["ETS"].notna().all() and fc.loc[fc["Croston"].notna(), "id"].nunique() > 0
    member_cols = ["ETS", "GlobalBoost"]
    expected = fc[member_cols].mean(axis=1, skipna=True).clip(lower=0)
    np.testing.assert_allclose(fc["Combination"], expected, rtol=1e-9)
    # every item's forecast is its group's choice
    for item, g in fc.groupby("id"):
        chosen = groups.loc[auto.series_group_[item], "model"]
        np.testing.assert_allclose(g["forecast"], g[chosen], rtol=1e-9)


def test_ets_model_limits_the_forms_searched(airline: pd.DataFrame) -> None:
    from mirae.errors import ConfigError

    fitted = StatisticalForecaster(models=["ETS"], ets_model="ANA").fit(airline)
    assert fitted.fitted_["airline"][0].model_["components"][:3] == "ANA"
    searched = StatisticalForecaster(models=["ETS"]).fit(airline)
    assert searched.fitted_["airline"][0].model_["components"][:3] != "ANA"  # multiplicative fits better
    with pytest.raises(ConfigError, match="ets_model"):
        StatisticalForecaster(ets_model="XYZ").fit(airline)


def test_a_model_scored_on_few_series_is_not_ranked_first() -> None:
    import pandas as pd

    from mirae.forecast._auto import METRICS, _leaderboard

    ids = [f"s{i}" for i in range(21)]
    rows = [{"unique_id": u, "model": "ETS", **dict.fromkeys(METRICS, 1.0)} for u in ids]
    rows += [{"unique_id": u, "model": "Croston", **dict.fromkeys(METRICS, 0.2)} for u in ids[:2]]
    board = _leaderboard(pd.DataFrame(rows), pd.Series(["ETS"] * 21, index=ids), "mase")
    assert board["model"].tolist() == ["ETS", "Croston"]
    assert board.set_index("model")["coverage"].to_dict() == {"ETS": 1.0, "Croston": round(2 / 21, 3)}
