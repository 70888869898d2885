"""A forecast registers its fitted forecaster (task 'forecast'); scoring reads the task, never guesses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mirae import Workspace
from mirae.errors import ConfigError
from mirae.service import Context, ForecastSpec, forecast, model_versions, predict_table


def _weekly(ws: Workspace) -> None:
    weeks = pd.date_range("2025-01-06", periods=30, freq="W-MON")
    rows = [
        {"week": w, "item": item, "units": float((i * 5 + k * 3) % 11 + 2)}
        for k, item in enumerate(("a", "b"))
        for i, w in enumerate(weeks)
    ]
    ws.write("sales", pd.DataFrame(rows))


def test_the_registered_forecaster_loads_back_and_forecasts_the_same(tmp_path: Path) -> None:
    ctx = Context.open(tmp_path / "ws")
    _weekly(ctx.workspace)
    spec = ForecastSpec(
        table="sales", id="item", time="week", target="units", h=3, into="f",
        models=("ETS", "Naive"), n_windows=1, holidays="none", alias="champion",
    )  # fmt: skip
    run = forecast(ctx, spec)
    assert run.model_ref == "f/1"
    (version,) = model_versions(ctx, "f")
    assert version.tags["mirae.task"] == "forecast" and version.aliases == ("champion",)
    assert version.tags["mirae.table"] == "sales"
    model, info = ctx.tracker().registry.load("f@champion")
    again = model.predict(3)
    stored = ctx.workspace.to_pandas("f")
    pd.testing.assert_series_equal(
        again["forecast"].reset_index(drop=True), stored["forecast"].reset_index(drop=True), check_names=False
    )
    with pytest.raises(ConfigError, match="is a forecaster"):
        predict_table(ctx.workspace, "f", "sales", into="p")
    assert not ctx.workspace.exists("p")


def test_register_off_leaves_the_registry_empty(tmp_path: Path) -> None:
    ctx = Context.open(tmp_path / "ws")
    _weekly(ctx.workspace)
    spec = ForecastSpec(
        table="sales", id="item", time="week", target="units", h=2, into="f",
        models=("Naive",), n_windows=1, holidays="none", register=False,
    )  # fmt: skip
    assert forecast(ctx, spec).model_ref is None
    assert ctx.tracker().registry.models() == []
