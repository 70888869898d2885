"""The ``mirae`` command line, driven as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app

runner = CliRunner()


def _run(ws: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--workspace", str(ws)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def sales_csv(tmp_path: Path) -> Path:
    path = tmp_path / "판매.csv"
    pd.DataFrame(
        {
            "주차": ["2024-01-01", "2024-01-08", "2024-01-15"],
            "품목": ["냉장고", "세탁기", "냉장고"],
            "수량": [3, 5, 7],
        }
    ).to_csv(path, index=False)
    return path


def test_ingest_tables_history_show_sql_round_trip(tmp_path: Path, sales_csv: Path) -> None:
    ws = tmp_path / "ws"
    code, out, _ = _run(ws, "ingest", str(sales_csv), "--name", "sales", "--json")
    assert code == 0, out
    ingested = json.loads(out)
    assert ingested["rows"] == 3 and ingested["snapshot"]["mode"] == "create"

    code, out, _ = _run(ws, "ingest", str(sales_csv), "--name", "sales", "--mode", "append", "--json")
    assert code == 0 and json.loads(out)["snapshot"]["total_rows"] == 6

    code, out, _ = _run(ws, "tables", "--json")
    assert code == 0
    assert [(t["name"], t["rows"], t["snapshots"]) for t in json.loads(out)] == [("sales", 6, 2)]

    code, out, _ = _run(ws, "history", "sales", "--json")
    history = json.loads(out)
    assert [h["mode"] for h in history] == ["create", "append"]
    assert history[0]["source"].endswith("판매.csv")

    code, out, _ = _run(ws, "show", "sales", "--json", "--limit", "2")
    shown = json.loads(out)
    assert shown["rows"] == 6 and [c["name"] for c in shown["columns"]] == ["주차", "품목", "수량"]
    assert shown["head"][0]["품목"] == "냉장고"

    code, out, _ = _run(ws, "sql", "select 품목, sum(수량) as n from sales group by 1 order by 1", "--json")
    assert json.loads(out) == [{"품목": "냉장고", "n": 20}, {"품목": "세탁기", "n": 10}]

    code, out, _ = _run(ws, "show", "sales", "--snapshot", str(history[0]["snapshot_id"]), "--json")
    assert json.loads(out)["rows"] == 3


def test_human_output_has_tables(tmp_path: Path, sales_csv: Path) -> None:
    ws = tmp_path / "ws"
    code, out, _ = _run(ws, "ingest", str(sales_csv), "--name", "sales")
    assert code == 0 and "3 rows" in out and "table 'sales'" in out
    code, out, _ = _run(ws, "tables")
    assert "sales" in out and "snapshots" in out
    code, out, _ = _run(ws, "history", "sales")
    assert "create" in out


def test_errors_are_one_clear_line_and_exit_2(tmp_path: Path, sales_csv: Path) -> None:
    ws = tmp_path / "ws"
    code, _, err = _run(ws, "show", "missing")
    assert code == 2
    assert "error:" in err and "no table named 'missing'" in err and "Traceback" not in err
    _run(ws, "ingest", str(sales_csv), "--name", "sales")
    code, _, err = _run(ws, "ingest", str(sales_csv), "--name", "sales")
    assert code == 2 and "already exists" in err
    code, _, err = _run(ws, "ingest", str(tmp_path / "nope.csv"), "--name", "x")
    assert code == 2 and "nope.csv" in err
    code, _, err = _run(ws, "sql", "select * from nothing")
    assert code == 2 and "Workspace tables: sales" in err


def test_quality_exits_1_when_a_declared_check_fails(tmp_path: Path, sales_csv: Path) -> None:
    ws = tmp_path / "ws"
    _run(ws, "ingest", str(sales_csv), "--name", "sales")
    checks = tmp_path / "checks.yaml"
    checks.write_text(
        "checks:\n  - column: 수량\n    rule: max\n    threshold: 4\n    severity: fail\n", encoding="utf-8"
    )
    code, out, _ = _run(ws, "quality", "sales", "--checks", str(checks), "--json")
    assert code == 1
    assert json.loads(out)["status"] == "fail"
    checks.write_text(
        "checks:\n  - column: 수량\n    rule: max\n    threshold: 100\n    severity: fail\n", encoding="utf-8"
    )
    code, out, _ = _run(ws, "quality", "sales", "--checks", str(checks), "--json")
    assert code == 0 and json.loads(out)["status"] in {"pass", "warn"}


def test_quality_against_previous_snapshot_and_profile_html(tmp_path: Path, sales_csv: Path) -> None:
    ws = tmp_path / "ws"
    _run(ws, "ingest", str(sales_csv), "--name", "sales")
    _run(ws, "ingest", str(sales_csv), "--name", "sales", "--mode", "append")
    code, out, _ = _run(ws, "quality", "sales", "--against", "previous", "--json")
    assert code in (0, 1)
    assert json.loads(out)["drift"] is not None
    html = tmp_path / "profile.html"
    code, out, _ = _run(ws, "profile", "sales", "--html", str(html), "--lang", "en")
    assert code == 0, out
    text = html.read_text(encoding="utf-8")
    assert "<html" in text.lower() and '<script src="http' not in text


def test_bad_dtype_option_is_explained(tmp_path: Path, sales_csv: Path) -> None:
    code, _, err = _run(tmp_path / "ws", "ingest", str(sales_csv), "--name", "s", "--dtype", "수량")
    assert code == 2 and "COLUMN=TYPE" in err


def test_drop_asks_unless_yes(tmp_path: Path, sales_csv: Path) -> None:
    ws = tmp_path / "ws"
    _run(ws, "ingest", str(sales_csv), "--name", "sales")
    result = runner.invoke(app, ["drop", "sales", "--workspace", str(ws)], input="n\n")
    assert result.exit_code == 1 and Workspace(ws).table_names() == ["sales"]
    code, out, _ = _run(ws, "drop", "sales", "--yes")
    assert code == 0 and Workspace(ws).table_names() == []


@pytest.mark.slow
def test_demo_from_the_installed_command(tmp_path: Path) -> None:
    mirae = Path(sys.executable).with_name("mirae")
    out = subprocess.run(
        [
            str(mirae),
            "demo",
            "--workspace",
            str(tmp_path / "ws"),
            "--out",
            str(tmp_path / "reports"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    result = json.loads(out.stdout)
    tables = {t["table"]: t for t in result["tables"]}
    assert tables["retail_weekly"]["rows"] == 2031 and tables["retail_weekly"]["columns"] == 8
    assert tables["german_credit"]["rows"] == 1000 and tables["german_credit"]["columns"] == 21
    for table in tables.values():
        html = Path(table["report"]).read_text(encoding="utf-8")
        assert '<script src="http' not in html and "plotly" in html.lower()
    ws = Workspace(tmp_path / "ws")
    assert ws.sql("select count(distinct stock_code) n from retail_weekly").to_pylist() == [{"n": 24}]
    assert result["model"]["name"] == "german_credit" and result["model"]["version"] == 1
    assert Path(result["model"]["report"]).exists()
    forecast = result["forecast"]
    assert forecast["series"] == 24 and forecast["horizon"] == 8 and forecast["rows"] == 24 * 8
    assert ws.count("retail_weekly_forecast") == 24 * 8
    page = Path(forecast["report"]).read_text(encoding="utf-8")  # the forecast report, sharing plotly.js
    assert '<script src="plotly-' in page and len(list((tmp_path / "reports").glob("plotly-*.js"))) == 1
    # running it again replaces the sample tables and keeps their history
    subprocess.run(
        [
            str(mirae),
            "demo",
            "--workspace",
            str(tmp_path / "ws"),
            "--out",
            str(tmp_path / "reports"),
            "--json",
        ],
        capture_output=True,
        check=True,
        cwd=tmp_path,
    )
    assert [s.mode for s in ws.history("retail_weekly")] == ["create", "replace"]


def test_a_wide_table_is_shown_one_record_at_a_time(tmp_path: Path) -> None:
    from mirae import Workspace

    ws = Workspace(tmp_path / "ws")
    wide = pd.DataFrame({f"column_{i:02d}": [i * 1.5, 1889.5] for i in range(20)})
    ws.write("wide", wide)
    result = runner.invoke(app, ["show", "wide", "-w", str(ws.path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "-[ record 1 ]" in result.output and "column_19" in result.output
    assert "1,889.5" in result.output  # numbers keep their digits
    narrow = runner.invoke(
        app, ["sql", "select column_00, column_01 from wide", "-w", str(ws.path)], env={"COLUMNS": "80"}
    )
    assert "-[ record" not in narrow.output and "column_01" in narrow.output


def test_every_command_says_what_it_does_in_korean_too() -> None:
    import re

    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert re.search(r"[가-힣]", command.help or ""), f"`mirae {name} --help` has no Korean line"
