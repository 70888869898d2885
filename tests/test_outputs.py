"""Jobs never overwrite a table silently, and never their own input: checked before any work."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app
from mirae.errors import ConfigError, TableExistsError
from mirae.service import forecast_table, predict_table, simulate_table

runner = CliRunner()


@pytest.fixture
def sales(workspace: Workspace) -> Workspace:
    weeks = pd.date_range("2023-01-02", periods=40, freq="W-MON")
    rng = np.random.default_rng(0)
    frames = [
        pd.DataFrame({"item": item, "week": weeks, "units": rng.poisson(20, len(weeks)).astype(float)})
        for item in ("a", "b")
    ]
    frames[0]["price"] = np.where(np.arange(len(weeks)) % 5 == 0, 8.0, 10.0)
    frames[1]["price"] = 10.0
    workspace.write("sales", pd.concat(frames, ignore_index=True))
    return workspace


def _forecast(ws: Workspace, **options: object) -> object:
    defaults: dict[str, object] = {
        "id": "item",
        "time": "week",
        "target": "units",
        "h": 2,
        "models": ("Naive",),
        "n_windows": 1,
        "track": False,
    }
    return forecast_table(ws, "sales", **{**defaults, **options})  # type: ignore[arg-type]


def test_forecast_into_its_own_input_is_refused_and_the_input_kept(sales: Workspace) -> None:
    history = sales.history("sales")
    with pytest.raises(ConfigError, match="'sales' is an input of this job"):
        _forecast(sales, into="sales", mode="replace")
    with pytest.raises(ConfigError, match="is an input"):
        _forecast(sales, into="SALES", mode="replace")  # SQL does not tell the two apart
    assert sales.history("sales") == history


def test_an_existing_side_table_needs_an_explicit_mode(sales: Workspace) -> None:
    sales.write("fc_scores", pd.DataFrame({"keep": [1]}))
    with pytest.raises(TableExistsError, match=r"'fc_scores' already exist.*--mode replace"):
        _forecast(sales, into="fc")
    assert "fc" not in sales.table_names()  # refused before any table was written
    assert sales.to_pandas("fc_scores")["keep"].tolist() == [1]

    run = _forecast(sales, into="fc", mode="replace")
    assert sales.count("fc") == 4 == run.rows  # type: ignore[attr-defined]
    assert len(sales.history("fc_scores")) == 2  # the old snapshot stays in the history
    _forecast(sales, into="fc", mode="append")
    assert sales.count("fc") == 8


def test_predict_checks_its_output_before_loading_the_model(sales: Workspace) -> None:
    sales.write("scored", pd.DataFrame({"keep": [1]}))
    # the model does not exist: the output check must come first
    with pytest.raises(TableExistsError, match="'scored' already exist"):
        predict_table(sales, "no_such_model", "sales", into="scored")
    with pytest.raises(ConfigError, match="is an input"):
        predict_table(sales, "no_such_model", "sales", into="sales", mode="replace")
    with pytest.raises(
        ConfigError,
        match=r"mode must be 'create', 'replace' or 'append'; got 'overwrite'",
    ):
        predict_table(sales, "no_such_model", "sales", into="new", mode="overwrite")  # type: ignore[arg-type]


def test_simulate_into_its_input_is_refused(sales: Workspace) -> None:
    with pytest.raises(ConfigError, match="is an input"):
        simulate_table(
            sales, "sales", id="item", time="week", target="units", price="price",
            unit_cost=5.0, h=2, item="a", into="sales", mode="replace",
        )  # fmt: skip


def test_cli_forecast_into_the_input_is_one_line(sales: Workspace) -> None:
    args = ["forecast", "sales", "--id", "item", "--time", "week", "--target", "units", "--h", "2"]
    result = runner.invoke(app, [*args, "--into", "sales", "-w", str(sales.path)])
    assert result.exit_code == 2
    assert "is an input of this job" in result.output and "Traceback" not in result.output
    sales.write("fc", pd.DataFrame({"keep": [1]}))
    result = runner.invoke(app, [*args, "--into", "fc", "-w", str(sales.path)])
    assert result.exit_code == 2 and "--mode replace" in result.output
