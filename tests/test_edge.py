"""Environment variables are read at the command line only; the library takes explicit values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app


def test_the_author_is_what_the_caller_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIRAE_USER", "from-the-environment")
    ws = Workspace(tmp_path / "ws", user="kim")
    ws.write("t", pd.DataFrame({"a": [1]}))
    assert ws.history("t")[-1].user == "kim"
    plain = Workspace(tmp_path / "ws")  # no user given: the login name, never the environment
    plain.write("t", pd.DataFrame({"a": [2]}), mode="append")
    assert plain.history("t")[-1].user != "from-the-environment"


def test_the_command_line_reads_mirae_user_and_user(tmp_path: Path) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("a\n1\n", encoding="utf-8")
    folder = str(tmp_path / "ws")
    runner = CliRunner()
    assert (
        runner.invoke(app, ["ingest", str(csv), "-n", "t", "-w", folder], env={"MIRAE_USER": "lee"}).exit_code
        == 0
    )
    assert (
        runner.invoke(
            app, ["--user", "park", "ingest", str(csv), "-n", "t", "--mode", "append", "-w", folder]
        ).exit_code
        == 0
    )
    assert [s.user for s in Workspace(folder).history("t")] == ["lee", "park"]
