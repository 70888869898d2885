"""Messages say what was wrong and what to type instead, and options are checked before any work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app
from mirae.errors import ConfigError, NoPriceVariationError, SchemaError, TargetError, TargetValueError
from mirae.forecast import ForecastData
from mirae.service import forecast_table, simulate_table, train_table

runner = CliRunner()


def _weekly(prices: list[float] | None = None) -> pd.DataFrame:
    weeks = pd.date_range("2023-01-02", periods=30, freq="W-MON")
    units = np.random.default_rng(1).poisson(30, len(weeks)).astype(float)
    frame = pd.DataFrame({"item": "a", "week": weeks, "units": units})
    frame["price"] = prices if prices is not None else 10.0
    return frame


def test_integer_periods_are_refused_in_plain_words() -> None:
    frame = pd.DataFrame({"item": "a", "t": range(1, 25), "y": 1.0})
    with pytest.raises(SchemaError, match=r"time column 't' holds numbers \(1 to 24\), not dates"):
        ForecastData.from_frame(frame, id_col="item", time_col="t", target_col="y")


def test_numbers_written_as_dates_are_read_as_dates() -> None:
    months = [202301 + i for i in range(12)] + [202401 + i for i in range(12)]
    frame = pd.DataFrame({"item": "a", "t": months, "y": 1.0})
    data = ForecastData.from_frame(frame, id_col="item", time_col="t", target_col="y")
    assert data.freq.offset == "MS" and data.history["ds"].iloc[0] == pd.Timestamp("2023-01-01")
    assert data.report["time_note"] == "time column 't' holds numbers, read as YYYYMM dates"


@pytest.mark.parametrize(
    ("option", "words"),
    [({"fill": "maybe"}, r"fill \(--fill\) must be one of none, 'zero', 'missing'; got 'maybe'"),
     ({"negative": "drop"}, r"negative \(--negative\) must be one of 'error', 'keep', 'zero'")],
)  # fmt: skip
def test_unknown_choices_are_refused(option: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        ForecastData.from_frame(_weekly(), id_col="item", time_col="week", target_col="units", **option)  # type: ignore[arg-type]


def test_negative_targets_say_what_to_pass_on_the_command_line() -> None:
    frame = _weekly()
    frame.loc[3, "units"] = -2.0
    with pytest.raises(TargetValueError, match="--negative keep or --negative zero"):
        ForecastData.from_frame(frame, id_col="item", time_col="week", target_col="units")


def test_forecast_checks_reconcile_before_reading(workspace: Workspace) -> None:
    workspace.write("w", _weekly())
    with pytest.raises(
        ConfigError, match=r"reconcile must be 'mint_shrink', 'bottom_up' or 'top_down'; got 'sum'"
    ):
        forecast_table(workspace, "w", id="item", time="week", target="units", h=2, into="f", reconcile="sum")


def test_a_target_empty_in_every_row_names_the_rows(workspace: Workspace) -> None:
    workspace.write("t", pd.DataFrame({"x": range(100), "y": pd.Series([None] * 100, dtype="float64")}))
    with pytest.raises(TargetError, match="'y' is empty in all 100 rows of table 't'"):
        train_table(workspace, "t", target="y")


def test_unknown_language_and_task_are_refused_before_training(workspace: Workspace) -> None:
    workspace.write("t", pd.DataFrame({"x": range(40), "y": [0, 1] * 20}))
    with pytest.raises(ConfigError, match="lang must be 'ko' or 'en'; got 'fr'"):
        train_table(workspace, "t", target="y", lang="fr")
    result = runner.invoke(
        app, ["train", "t", "--target", "y", "--task", "cluster", "-w", str(workspace.path)]
    )
    assert (
        result.exit_code == 2
        and "task must be 'auto', 'classification' or 'regression'; got 'cluster'" in result.output
    )


def test_continuous_target_for_classification_names_the_cli_option(workspace: Workspace) -> None:
    rng = np.random.default_rng(0)
    workspace.write("t", pd.DataFrame({"x": rng.normal(size=60), "y": rng.normal(size=60)}))
    with pytest.raises(TargetError, match="--task regression"):
        train_table(workspace, "t", target="y", task="classification", models=["linear"], cv=2)


def test_a_known_elasticity_replaces_the_estimate_when_price_never_changes(workspace: Workspace) -> None:
    workspace.write("w", _weekly())
    options = {
        "id": "item",
        "time": "week",
        "target": "units",
        "price": "price",
        "unit_cost": 4.0,
    }
    with pytest.raises(NoPriceVariationError, match="--elasticity -1.5"):
        simulate_table(workspace, "w", h=2, **options)  # type: ignore[arg-type]
    run = simulate_table(workspace, "w", h=2, elasticity=-1.5, **options)  # type: ignore[arg-type]
    assert run.elasticity == -1.5 and run.method == "given elasticity"
    assert run.notes == ["price elasticity -1.5 given, not estimated"]
    by_discount = run.scenarios.set_index("discount")["units"]
    assert by_discount[0.2] == pytest.approx(by_discount[0.0] * 0.8**-1.5, rel=1e-6)
