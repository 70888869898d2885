"""Forecasting and what-if on workspace tables, through the service layer and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app
from mirae.errors import ConfigError, NoPriceVariationError
from mirae.service import forecast_table, simulate_table
from mirae.service._demo import sample_path

runner = CliRunner()
FAST = ("ETS", "SeasonalNaive")


@pytest.fixture
def retail(workspace: Workspace) -> Workspace:
    """The bundled weekly Online Retail II sample (24 products, ~2 years)."""
    workspace.ingest(str(sample_path("retail_weekly.csv")), "retail", dtypes={"stock_code": "str"})
    return workspace


@pytest.fixture
def tourism(workspace: Workspace, shared_data: Path) -> Workspace:
    """Australian tourism, state/region/city, monthly: two states, last 6 years."""
    wide = pd.read_csv(shared_data / "tourism_hierarchy_monthly" / "Tourism.csv", index_col=0)
    wide = wide.loc[wide["state"].isin(["A", "B"])]
    long = wide.melt(id_vars=["state", "region", "city"], var_name="t", value_name="visits")
    long["month"] = pd.Timestamp("1998-01-01") + long["t"].astype(int).map(lambda k: pd.DateOffset(months=k))
    long = long.loc[long["month"] >= pd.Timestamp("2011-01-01")].drop(columns="t")
    workspace.write("tourism", long)
    return workspace


@pytest.mark.slow
def test_forecast_table_writes_forecasts_leaderboard_and_scores(retail: Workspace) -> None:
    run = forecast_table(
        retail,
        "retail",
        id="stock_code",
        time="week",
        target="quantity",
        h=6,
        into="retail_fc",
        fill="zero",
        models=FAST,
        n_windows=2,
    )
    fc = retail.to_pandas("retail_fc")
    assert run.series == 24 and len(fc) == 24 * 6 == run.rows
    assert {"stock_code", "week", "ETS", "SeasonalNaive", "SeasonalIndex", "forecast", "model"} <= set(
        fc.columns
    )
    # names SQL needs no quotes for
    assert {"forecast_lo_95", "forecast_hi_95", "forecast_lo_80", "forecast_hi_80"} <= set(fc.columns)
    assert (fc["forecast_lo_95"] <= fc["forecast_lo_80"] + 1e-9).all()
    assert (fc["forecast_hi_80"] <= fc["forecast_hi_95"] + 1e-9).all()
    assert retail.sql("select count(*) n from retail_fc where forecast_hi_95 >= forecast").to_pylist()[0][
        "n"
    ] == len(fc)
    assert (fc["forecast"] >= 0).all()
    last = retail.sql("select max(week) m from retail").to_pylist()[0]["m"]
    assert pd.Timestamp(fc["week"].min()) == pd.Timestamp(last) + pd.Timedelta(weeks=1)
    assert str(retail.arrow_schema("retail_fc").field("week").type) == str(
        retail.arrow_schema("retail").field("week").type
    )
    board = retail.to_pandas("retail_fc_leaderboard")
    assert set(board["model"]) >= {"ETS", "SeasonalNaive", "SeasonalIndex"}
    scores = retail.to_pandas("retail_fc_scores")
    assert scores["unique_id"].nunique() >= 20 and {"mase", "smape", "wape"} <= set(scores.columns)
    # lineage: the forecast snapshot names the input table's snapshot
    source_snapshot = retail.history("retail")[-1].snapshot_id
    assert retail.history("retail_fc")[-1].source == f"forecast of retail@{source_snapshot}"
    assert any("filled" in n for n in run.notes)


@pytest.mark.slow
def test_hierarchical_forecast_is_coherent(tourism: Workspace) -> None:
    forecast_table(
        tourism,
        "tourism",
        id="city",
        time="month",
        target="visits",
        hierarchy=("state", "region"),
        h=6,
        into="tourism_fc",
        models=FAST,
        n_windows=2,
    )
    fc = tourism.to_pandas("tourism_fc")
    assert "level" in fc.columns
    bottom = fc.loc[fc["level"] == fc["level"].iloc[-1]]
    top = fc.loc[fc["level"] == fc["level"].iloc[0]]
    assert len(top) == 6  # one total series x horizon
    np.testing.assert_allclose(
        top.sort_values("month")["forecast"].to_numpy(),
        bottom.groupby("month")["forecast"].sum().sort_index().to_numpy(),
        rtol=1e-6,
    )


@pytest.mark.slow
def test_forecast_with_prices_uses_them_and_logs_a_tracked_run(retail: Workspace) -> None:
    from mirae.track import Tracker

    hist = retail.to_pandas("retail")
    # each product's last price, for the 4 weeks after the table's last week (fill='zero' carries
    # products that stopped selling to that week)
    last = hist.sort_values("week").groupby("stock_code").tail(1)
    end = hist["week"].max()
    future = pd.concat(
        [last.assign(week=end + pd.Timedelta(weeks=k)) for k in range(1, 5)], ignore_index=True
    )[["stock_code", "week", "avg_price"]]
    retail.write("retail_prices_ahead", future)
    run = forecast_table(
        retail,
        "retail",
        id="stock_code",
        time="week",
        target="quantity",
        h=4,
        into="priced_fc",
        fill="zero",
        exog=("avg_price",),
        future="retail_prices_ahead",
        models=("ETS", "GlobalBoost"),
        n_windows=2,
    )
    fc = retail.to_pandas("priced_fc")
    assert {"ETS", "GlobalBoost", "SeasonalIndex", "Combination", "forecast"} <= set(fc.columns)
    assert fc["forecast"].notna().all() and len(fc) == 24 * 4
    assert run.group_choice and sum(g["series"] for g in run.group_choice) == 24
    # one MLflow run, tied to the input snapshot and the output table
    record = Tracker.for_workspace(retail.path).client.get_run(run.run_id)
    assert record.data.tags["mirae.task"] == "forecast"
    assert record.data.tags["mirae.snapshot_id"] == str(retail.history("retail")[-1].snapshot_id)
    assert record.data.tags["mirae.output_table"] == "priced_fc"
    assert record.data.params["exog"] == "avg_price" and record.data.params["h"] == "4"
    assert record.data.metrics["backtest_mase"] == pytest.approx(run.backtest_metrics["backtest_mase"])
    assert 0 < run.backtest_metrics["backtest_wape"] < 5


def test_forecast_rejects_unknown_models(retail: Workspace) -> None:
    with pytest.raises(ConfigError, match="unknown model.*Prophet.*GlobalBoost"):
        forecast_table(
            retail,
            "retail",
            id="stock_code",
            time="week",
            target="quantity",
            h=4,
            into="x",
            fill="zero",
            models=("Prophet",),
        )
    assert not retail.exists("x")


def test_forecast_rejects_a_zero_horizon(retail: Workspace) -> None:
    with pytest.raises(ConfigError, match="horizon"):
        forecast_table(retail, "retail", id="stock_code", time="week", target="quantity", h=0, into="x")
    assert not retail.exists("x")


@pytest.mark.slow
def test_simulate_item_discount_scenarios(retail: Workspace) -> None:
    run = simulate_table(
        retail,
        "retail",
        id="stock_code",
        time="week",
        target="quantity",
        price="avg_price",
        unit_cost=1.0,
        h=4,
        item="85123A",
        discounts=(0.0, 0.2, 0.3, 0.4),
        into="whatif",
    )
    table = run.scenarios
    assert list(table["discount"]) == [0.0, 0.2, 0.3, 0.4]
    assert run.elasticity < 0  # demand rises as the price falls
    assert table["units"].is_monotonic_increasing
    np.testing.assert_allclose(table["revenue"], table["units"] * table["price"])
    np.testing.assert_allclose(table["margin"], table["units"] * (table["price"] - 1.0))
    np.testing.assert_allclose(table["margin_rate"], table["margin"] / table["revenue"])
    assert table["best"].sum() == 1 and table.loc[table["best"], "margin"].iloc[0] == table["margin"].max()
    assert table["units"].iloc[0] == pytest.approx(run.baseline_units)
    stored = retail.to_pandas("whatif")
    assert len(stored) == 4 and retail.history("whatif")[-1].source.startswith("simulation on retail")


def test_simulate_refuses_when_price_never_changes(workspace: Workspace) -> None:
    weeks = pd.date_range("2023-01-02", periods=60, freq="W-MON")
    frame = pd.DataFrame({"item": "a", "week": weeks, "qty": np.arange(60) % 7 + 5.0, "price": 9.9})
    workspace.write("flat", frame)
    with pytest.raises(NoPriceVariationError, match="never changes"):
        simulate_table(
            workspace,
            "flat",
            id="item",
            time="week",
            target="qty",
            price="price",
            unit_cost=5,
            h=4,
        )


@pytest.mark.slow
def test_cli_forecast_and_simulate(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    Workspace(ws).ingest(str(sample_path("retail_weekly.csv")), "retail", dtypes={"stock_code": "str"})
    result = runner.invoke(
        app,
        [
            "forecast", "retail", "--id", "stock_code", "--time", "week", "--target", "quantity",
            "--h", "4", "--into", "fc", "--fill", "zero", "--models", "ETS,SeasonalNaive",
            "--windows", "2", "--holidays", "none", "--no-track", "--workspace", str(ws), "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["table"] == "fc" and out["rows"] == 24 * 4 and out["leaderboard"]
    assert out["run_id"] is None and out["group_choice"] and "backtest_mase" in out["backtest_metrics"]
    result = runner.invoke(
        app,
        [
            "simulate", "retail", "--id", "stock_code", "--time", "week", "--target", "quantity",
            "--price", "avg_price", "--cost", "1.2", "--item", "85123A", "--discounts", "0,20,30,40",
            "--workspace", str(ws),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "margin %" in result.stdout and "elasticity" in result.stdout and "* " in result.stdout
    result = runner.invoke(
        app,
        ["simulate", "retail", "--id", "stock_code", "--time", "week", "--target", "quantity",
         "--price", "avg_price", "--cost", "1", "--item", "nope", "--workspace", str(ws)],
    )  # fmt: skip
    assert result.exit_code == 2 and "no rows" in result.stderr


def test_a_hierarchy_with_exogenous_columns_forecasts(tmp_path: Path) -> None:
    # the seasonal-index candidate takes the exogenous columns of the data it is fitted on:
    # the bottom level has the price, the aggregated levels have none (no refusal)
    rng = np.random.default_rng(0)
    days = pd.date_range("2024-01-01", periods=70, freq="D")
    frames = []
    for item, cat in (("a1", "A"), ("a2", "A"), ("b1", "B")):
        price = 10 + rng.normal(size=len(days)).round(1)
        units = np.maximum(0, 20 - price + rng.normal(size=len(days)) + 3 * (days.dayofweek == 5))
        frames.append(pd.DataFrame({"cat": cat, "item": item, "day": days, "price": price, "units": units}))
    history = pd.concat(frames, ignore_index=True)
    future = history[history["day"] > days[-8]].assign(
        day=lambda f: f["day"] + pd.Timedelta(days=7), units=np.nan
    )
    ws = Workspace(tmp_path / "ws")
    ws.write("s", pd.concat([history, future], ignore_index=True))
    run = forecast_table(
        ws, "s", id="item", time="day", target="units", h=7, into="f", hierarchy="cat/item",
        exog="price", holidays="none", n_windows=1, models=("Naive",), track=False,
    )  # fmt: skip
    assert run.series == 3 and "SeasonalIndex" in {r["model"] for r in run.leaderboard}
    assert len(ws.to_pandas("f")) == 7 * (3 + 2 + 1)  # items, categories, total


def test_the_forecast_report_shows_every_level_and_the_leaderboard(tmp_path: Path) -> None:
    from mirae.evaluate._forecast_report import ForecastReport

    weeks = pd.date_range("2023-01-02", periods=60, freq="W-MON")
    rows = [
        {"group": g, "item": f"{g}{k}", "week": w, "units": float((i * (k + 2)) % 9 + 1)}
        for g in ("A", "B")
        for k in range(2)
        for i, w in enumerate(weeks)
    ]
    ws = Workspace(tmp_path / "ws")
    ws.write("s", pd.DataFrame(rows))
    run = forecast_table(
        ws, "s", id="item", time="week", target="units", h=4, into="f", hierarchy="group/item",
        models=("Naive",), n_windows=1, holidays="none", track=False, html=tmp_path / "fc.html", lang="en",
    )  # fmt: skip
    page = (tmp_path / "fc.html").read_text(encoding="utf-8")
    assert run.html == str(tmp_path / "fc.html") and isinstance(run.report, ForecastReport)
    assert "Forecast report — units" in page and "Leaderboard" in page and "coverage" in page
    assert set(run.report.levels.values()) == {"total", "group", "bottom"}
    for series in ("total", "A", "B", "A0", "B1"):
        assert f'"{series}"' in page  # each series is in its level's drop-down
    assert "Seasonal index" in page and "The steps over the last cycle" in page  # the method always runs
    assert run.report.seasonal_index is not None and len(run.report.seasonal_steps) == 52
    assert "수요 예측 보고서" in run.report.to_html(lang="ko")
    assert run.to_dict()["html"] == str(tmp_path / "fc.html")
