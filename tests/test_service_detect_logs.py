"""detect-logs through the service layer: both tables, one snapshot each, the MLflow run, the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from mirae.errors import LogParseError, TableExistsError
from mirae.service import detect_logs_file


def test_detect_logs_writes_counts_lines_run_and_report(
    tracked_workspace: object, shared_data: Path, tmp_path: Path
) -> None:
    ws = tracked_workspace
    report = tmp_path / "apache.html"
    run = detect_logs_file(
        ws, shared_data / "loghub_2k" / "Apache_2k.log", into="apache", window="1h", html=report, lang="en"
    )  # type: ignore[arg-type]
    counts, lines = ws.to_pandas("apache"), ws.to_pandas("apache_lines")  # type: ignore[attr-defined]
    assert len(lines) == 2000 and lines["line"].tolist() == list(range(1, 2001))
    assert {"line", "time", "template_id", "template", "parameters", "reason"} <= set(lines.columns)
    assert {"window_start", "template_id", "template", "count", "score", "is_anomaly"} <= set(counts.columns)
    assert counts["count"].sum() == 2000 and run.metrics["templates"] == 6 == lines["template_id"].nunique()
    assert len(ws.history("apache")) == 1 and len(ws.history("apache_lines")) == 1  # type: ignore[attr-defined]
    assert run.run_id and run.format == "apache" and run.metrics["lines_unparsed"] == 0
    text = report.read_text(encoding="utf-8")
    assert "Log anomaly report" in text and "Flagged windows" in text and '<script src="http' not in text
    with pytest.raises(TableExistsError):
        detect_logs_file(ws, shared_data / "loghub_2k" / "Apache_2k.log", into="apache", track=False)  # type: ignore[arg-type]


def test_unparsed_lines_are_counted_and_cp949_is_read(workspace: object, tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    rows = [f"2024-05-01 10:{m:02d}:00 로그인 성공 사용자 u{m}" for m in range(40)] + [
        "  이어지는 줄",
        "2024-05-01 10:45:00 로그인 실패 사용자 u1",
    ]
    log.write_bytes("\n".join(rows).encode("cp949"))
    run = detect_logs_file(workspace, log, into="app", track=False)  # type: ignore[arg-type]
    lines = workspace.to_pandas("app_lines")  # type: ignore[attr-defined]
    assert run.encoding == "cp949" and run.metrics["lines_unparsed"] == 1
    assert lines.loc[40, "reason"] == "does not match the iso format" and lines["time"].isna().sum() == 1
    assert run.unparsed_by_reason == {"does not match the iso format": 1}


def test_no_line_matching_the_format_names_the_first_line(workspace: object, tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    log.write_text("hello world\nsecond\n")
    with pytest.raises(LogParseError, match="the first line is 'hello world'"):
        detect_logs_file(workspace, log, into="x", format=r"(?P<time>\d+) (?P<message>.*)", track=False)  # type: ignore[arg-type]
    assert "x" not in workspace.table_names()  # type: ignore[attr-defined]
