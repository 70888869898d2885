"""Every write records, as data, what it was made from; ws.lineage and `mirae lineage` follow it back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app
from mirae.lake import Lineage

runner = CliRunner()


def _sales_csv(folder: Path) -> Path:
    weeks = pd.date_range("2026-01-05", periods=12, freq="W-MON")
    rows = ["week,item,units"] + [
        f"{week.date()},{item},{(w * 3 + len(item)) % 7 + 1}"
        for item in ("a", "bb")
        for w, week in enumerate(weeks)
    ]
    path = folder / "sales.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_sql_and_python_writes_record_their_inputs(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.write("a", pd.DataFrame({"x": [1, 2]}))
    first = ws.current_snapshot_id("a")
    ws.sql("CREATE TABLE b AS SELECT x * 2 AS y FROM a")
    ws.write("a", pd.DataFrame({"x": [3]}), mode="append")  # a later snapshot of the input
    steps = list(ws.lineage("b"))
    assert [(s.table, s.operation, s.depth) for s in steps] == [("b", "sql", 0), ("a", "write", 1)]
    assert steps[1].snapshot_id == first  # the snapshot b was made from, not a's latest
    assert steps[0].spec == {"query": "CREATE TABLE b AS SELECT x * 2 AS y FROM a"}
    assert ws.history("b")[-1].lineage == Lineage(
        "sql", inputs=(Lineage.table("a", first),), spec=steps[0].spec
    )


def test_a_forecast_traces_back_to_the_ingested_file(tmp_path: Path) -> None:
    folder = str(tmp_path / "ws")
    csv = _sales_csv(tmp_path)
    assert runner.invoke(app, ["ingest", str(csv), "-n", "sales", "-w", folder]).exit_code == 0
    args = ["forecast", "sales", "--id", "item", "--time", "week", "--target", "units", "--h", "2"]
    args += ["--into", "f", "--models", "Naive", "--n-windows", "1", "--holidays", "none", "-w", folder]
    assert runner.invoke(app, args).exit_code == 0
    result = runner.invoke(app, ["lineage", "f", "--json", "-w", folder])
    assert result.exit_code == 0, result.output
    graph = json.loads(result.output)
    forecast, source = graph["steps"]
    assert forecast["operation"] == "forecast" and forecast["run_id"]  # the MLflow run that logged it
    assert forecast["spec"]["h"] == 2 and forecast["spec"]["models"] == ["Naive"]
    assert source["table"] == "sales" and source["operation"] == "ingest"
    assert graph["origins"] == [{"source": str(csv), "format": "csv"}]
    text = runner.invoke(app, ["lineage", "f_leaderboard", "-w", folder]).output
    assert "forecast" in text and "sales@" in text and str(csv) in text


def test_a_dropped_input_is_shown_as_gone(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ws.write("a", pd.DataFrame({"x": [1]}))
    ws.sql("CREATE TABLE b AS SELECT * FROM a")
    ws.drop("a")
    steps = list(ws.lineage("b"))
    assert steps[1].table == "a" and steps[1].missing
