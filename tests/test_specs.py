"""One validated spec per use case: the same fields and rules from Python, the CLI and (later) REST."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae.cli import app
from mirae.errors import ConfigError
from mirae.service import (
    SPECS,
    Context,
    ForecastSpec,
    IngestSpec,
    QualitySpec,
    SimulateSpec,
    TrainSpec,
    ingest,
    quality,
)

runner = CliRunner()


def test_every_use_case_has_a_spec_with_a_json_schema() -> None:
    assert set(SPECS) >= {
        "ingest",
        "quality",
        "profile",
        "train",
        "evaluate",
        "predict",
        "forecast",
        "simulate",
    }
    for name, spec in SPECS.items():
        schema = spec.json_schema()
        assert schema["type"] == "object" and schema["properties"], name
        json.dumps(schema)  # serialisable as it is
    assert "register" in TrainSpec.json_schema()["properties"]  # the public name, not the Python attribute


def test_one_name_per_concept_across_specs() -> None:
    fields = {
        name: set(spec.model_fields) | {f.alias for f in spec.model_fields.values() if f.alias}
        for name, spec in SPECS.items()
    }
    for old in (
        "target_col",
        "id_col",
        "time_col",
        "random_state",
        "n_folds",
        "country",
        "num_threads",
        "horizon",
    ):
        assert not any(old in f for f in fields.values()), old
    assert {"target", "time"} <= fields["train"] and {"id", "time", "target", "h"} <= fields["forecast"]


def test_the_rules_the_command_line_held_live_in_the_spec() -> None:
    spec = ForecastSpec(
        table="t", id="item", time="d", target="y", h=4, into="f",
        hierarchy="group/product/item", exog="price, promo", holidays="none", level="80,95",
    )  # fmt: skip
    assert spec.hierarchy == ("group", "product")  # the id ending the hierarchy is dropped
    assert spec.exog == ("price", "promo") and spec.holidays is None and spec.level == (80, 95)
    assert (
        ForecastSpec(table="t", id="i", time="d", target="y", h=1, into="f", holidays="us").holidays == "US"
    )
    sim = SimulateSpec(
        table="t",
        id="i",
        time="d",
        target="y",
        price="p",
        unit_cost=2,
        discounts="0,10,25",
        where=["group=REF"],
    )
    assert sim.discounts == (0.0, 0.1, 0.25) and sim.where == {"group": "REF"}  # text is percents
    assert SimulateSpec(
        table="t", id="i", time="d", target="y", price="p", unit_cost=2, discounts=[0.2]
    ).discounts == (0.2,)
    assert TrainSpec(table="t", target="y", models="linear, lightgbm").models == ("linear", "lightgbm")
    assert QualitySpec(table="t", against="12").against == 12
    assert IngestSpec(source=Path("a.csv"), name="a", dtypes=["qty=int"]).dtypes == {"qty": "int"}


@pytest.mark.parametrize(
    ("spec", "fields", "words"),
    [
        (TrainSpec, {"table": "t", "target": "y", "time_budget": 5, "n_trials": 3}, "either time_budget"),
        (TrainSpec, {"table": "t", "target": "y", "holdout": 0.95}, r"holdout \(share of rows held out for the report\) must be less than 0.9"),
        (TrainSpec, {"table": "t", "target": "y", "task": "cluster"}, "task must be 'auto', 'classification' or 'regression'; got 'cluster'"),
        (TrainSpec, {"table": "t", "target": "y", "folds": 3}, r"unknown setting\(s\) folds \(the settings of train are: .*cv"),
        (ForecastSpec, {"table": "t", "id": "i", "time": "d", "target": "y", "h": 0, "into": "f"}, r"h \(horizon in periods\) must be at least 1; got 0"),
        (ForecastSpec, {"table": "t", "id": "i", "time": "d", "target": "y", "h": 2}, r"into \(table to write the forecasts to\): required"),
        (SimulateSpec, {"table": "t", "id": "i", "time": "d", "target": "y", "price": "p", "unit_cost": 1, "discounts": "0,150"}, "0 to 99 percent"),
        (QualitySpec, {"table": "t", "against": "last"}, "snapshot id"),
        (IngestSpec, {"source": "a.csv", "name": "a", "dtypes": ["qty"]}, "COLUMN=TYPE"),
    ],
)  # fmt: skip
def test_a_bad_setting_is_one_plain_config_error(spec: type, fields: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        spec(**fields)


def test_a_spec_is_data_that_round_trips() -> None:
    spec = TrainSpec(table="t", target="y", n_trials=3, register=False, models=["linear"])
    data = json.loads(json.dumps(spec.to_dict()))
    assert TrainSpec(**data) == spec and data["register"] is False
    assert spec.but(n_trials=5).n_trials == 5 and spec.n_trials == 3  # frozen: changes make a copy
    with pytest.raises(ConfigError, match="either time_budget"):
        spec.but(time_budget=10)


def test_the_cli_reports_spec_errors_in_one_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "forecast",
            "t",
            "--id",
            "i",
            "--time",
            "d",
            "--target",
            "y",
            "--h",
            "0",
            "--into",
            "f",
            "-w",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2 and "h (horizon in periods) must be at least 1" in result.output
    assert "Traceback" not in result.output


def test_services_take_a_context_and_a_spec(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("day,units\n2026-01-01,3\n2026-01-02,\n", encoding="utf-8")
    ctx = Context.open(tmp_path / "ws", user="choi")
    result = ingest(ctx, IngestSpec(source=csv, name="sales", dtypes={"units": "float"}))
    assert result.rows == 2 and ctx.workspace.history("sales")[-1].user == "choi"
    report = quality(ctx, QualitySpec(table="sales", html=tmp_path / "q.html", lang="en"))
    assert report.rows == 2 and (tmp_path / "q.html").read_text(encoding="utf-8").startswith(
        "<!DOCTYPE html>"
    )
    assert ctx.tracker() is ctx.tracker()  # one tracker per context
    assert pd.api.types.is_float_dtype(ctx.workspace.to_pandas("sales")["units"])


def test_explanations_typed_as_text_switch_them_off_or_name_them() -> None:
    """A form sends text: "false" must turn explanations off, not ask for one called 'false'."""
    from mirae.service import TrainSpec

    assert TrainSpec.parse(table="t", target="y", explain="false").explain is False
    assert TrainSpec.parse(table="t", target="y", explain="no").explain is False
    assert TrainSpec.parse(table="t", target="y", explain="true").explain is True
    assert TrainSpec.parse(table="t", target="y", explain="shap, rules").explain == ("shap", "rules")


def test_a_filter_that_is_not_column_value_pairs_is_a_config_error() -> None:
    """where=5 (a JSON number) was a TypeError inside the parser: a 500 for an API client."""
    from mirae.errors import ConfigError
    from mirae.service import SimulateSpec

    with pytest.raises(ConfigError, match="where: expected COLUMN=VALUE; got 5"):
        SimulateSpec.parse(table="t", id="i", time="m", target="u", price="p", unit_cost=1, where=5)
