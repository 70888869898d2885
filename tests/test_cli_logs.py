"""``mirae detect-logs`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mirae.cli import app

runner = CliRunner()


def test_detect_logs_writes_both_tables_and_prints_json(tmp_path: Path, shared_data: Path) -> None:
    ws = tmp_path / "ws"
    log = shared_data / "loghub_2k" / "Linux_2k.log"
    args = [
        "detect-logs",
        str(log),
        "--into",
        "linux",
        "--window",
        "1h",
        "--year",
        "2005",
        "--no-track",
        "-w",
        str(ws),
    ]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["table"] == "linux" and data["lines_table"] == "linux_lines" and data["format"] == "syslog"
    assert data["metrics"]["lines"] == 2000
    shown = runner.invoke(app, ["tables", "-w", str(ws)])
    assert "linux_lines" in shown.output and "linux" in shown.output


def test_bad_log_input_is_one_line_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_text("")
    result = runner.invoke(
        app, ["detect-logs", str(empty), "--into", "x", "--no-track", "-w", str(tmp_path / "ws")]
    )
    assert result.exit_code == 2 and "is empty" in result.output and "Traceback" not in result.output
    log = tmp_path / "short.log"
    log.write_text("2024-01-01T00:00:00 a\n2024-01-01T00:01:00 b\n")
    result = runner.invoke(
        app,
        ["detect-logs", str(log), "--into", "x", "--window", "1h", "--no-track", "-w", str(tmp_path / "ws")],
    )
    assert result.exit_code == 2 and "less than one window" in result.output
