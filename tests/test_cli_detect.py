"""``mirae detect`` driven as a user would: the terminal summary, JSON for scripts, one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app

runner = CliRunner()


def _env() -> dict[str, str]:
    return {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8", "MIRAE_LANG": ""}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, shared_data: Path, mlflow_db_template: Path) -> Path:
    workspace = Workspace(tmp_path_factory.mktemp("cli-detect") / "ws")
    shutil.copy(mlflow_db_template, workspace.path / "mlflow.db")
    yahoo = pd.read_csv(shared_data / "anomaly_yahoo_like" / "yahoo.csv").rename(columns={"data": "requests"})
    yahoo.insert(0, "ts", pd.date_range("2024-01-01", periods=len(yahoo), freq="h"))
    workspace.write("traffic", yahoo)
    return workspace.path


def _run(ws: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--workspace", str(ws)], env=_env())
    return result.exit_code, result.stdout, result.stderr


def test_detect_json_and_report(ws: Path, tmp_path: Path) -> None:
    html = tmp_path / "traffic.html"
    code, out, err = _run(
        ws, "detect", "traffic", "--time", "ts", "--value", "requests", "--label", "label",
        "--into", "traffic_found", "--html", str(html), "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["table"] == "traffic_found" and data["events_table"] == "traffic_found_events"
    assert data["events"] == 7 and data["evaluation"]["event_recall"] == 1.0
    assert data["model_ref"] == "traffic_found/1" and data["run_id"]
    assert (
        data["series"][0]["method"] == "band"
        and data["series"][0]["reason"]["key"] == "anomaly_auto_seasonal"
    )
    assert Workspace(ws).count("traffic_found") == 1000
    page = html.read_text(encoding="utf-8")
    assert 'lang="ko"' in page and "정상 범위" in page  # reports default to Korean


def test_detect_prints_the_choice_in_the_terminal_language(ws: Path) -> None:
    code, out, err = _run(
        ws, "--lang", "ko", "detect", "traffic", "--time", "ts", "--value", "requests", "--method", "band",
        "--threshold", "20", "--into", "strict", "--no-track",
    )  # fmt: skip
    assert code == 0, err
    assert "1,000행" in out and "경보 7건" in out and "requests: band" in out
    code, out, _ = _run(
        ws, "detect", "traffic", "--time", "ts", "--value", "requests", "--into", "english", "--no-track"
    )
    assert code == 0 and "1,000 rows" in out and "seasonal strength 0.90 (hour of day) >= 0.6" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--value", "nope"], "column(s) ['nope'] are not in table 'traffic'"),
        (["--value", "requests", "--method", "magic"], "method"),
        (["--value", "requests", "--threshold", "3", "--contamination", "0.01"], "give one of them"),
        (["--value", "requests", "--duplicates", "drop"], "duplicates"),
    ],
)
def test_detect_errors_are_one_line(ws: Path, args: list[str], words: str) -> None:
    code, out, err = _run(ws, "detect", "traffic", "--time", "ts", *args, "--into", "bad", "--no-track")
    assert code != 0 and words in err and "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1, err


def test_detect_help_has_a_korean_line() -> None:
    result = runner.invoke(app, ["detect", "--help"], env=_env())
    assert result.exit_code == 0 and "이상 탐지" in result.stdout
