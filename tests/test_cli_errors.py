"""No traceback on the command line: every failure is one line and an exit status; --debug shows the rest."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import mirae.lake._workspace as workspace_module
from mirae import Workspace
from mirae.cli import app
from mirae.errors import WorkspaceError

runner = CliRunner()


@pytest.fixture
def sales(workspace: Workspace, tmp_path: Path) -> tuple[Workspace, Path]:
    workspace.write("sales", pd.DataFrame({"qty": [1, 2, 3]}))
    csv = tmp_path / "more.csv"
    csv.write_text("qty\n4\n5\n", encoding="utf-8")
    return workspace, csv


def _files(ws: Workspace) -> set[Path]:
    return {p for p in (ws.path / "warehouse").rglob("*") if p.is_file()}


def test_a_damaged_catalog_is_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    Workspace(folder)
    (folder / "catalog.db").write_bytes(b"not a database at all" * 10)
    result = runner.invoke(app, ["tables", "-w", str(folder)])
    assert result.exit_code == 2
    assert "catalog.db cannot be read (file is not a database)" in result.output
    assert "Traceback" not in result.output

    debug = runner.invoke(app, ["--debug", "tables", "-w", str(folder)])
    assert isinstance(debug.exception, WorkspaceError)  # raised through, so Python prints the traceback
    env = runner.invoke(app, ["tables", "-w", str(folder)], env={"MIRAE_DEBUG": "1"})
    assert isinstance(env.exception, WorkspaceError)


def test_disk_full_while_writing_keeps_the_table_as_it_was(
    sales: tuple[Workspace, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, csv = sales
    before, history = _files(ws), ws.history("sales")
    real = workspace_module.atomic_write

    def disk_full_after_staging(folder: Path, stage: Any, commit: Any) -> None:
        def staged() -> Any:
            stage()  # the data files are on disk when the disk fills up
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder / "data"))

        real(folder, staged, commit)

    monkeypatch.setattr(workspace_module, "atomic_write", disk_full_after_staging)
    result = runner.invoke(
        app, ["ingest", str(csv), "--name", "sales", "--mode", "append", "-w", str(ws.path)]
    )
    assert result.exit_code == 2, result.output
    assert "the disk is full" in result.output and "mirae maintain" in result.output
    assert "Traceback" not in result.output
    fresh = Workspace(ws.path)
    assert fresh.history("sales") == history and fresh.count("sales") == 3
    assert _files(fresh) == before  # the staged files were removed


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (ZeroDivisionError("division by zero"), 2, "internal error (ZeroDivisionError: division by zero)"),
        (KeyboardInterrupt(), 130, "interrupted"),
        (PermissionError(errno.EACCES, "Permission denied", "/x/y"), 2, "permission denied (/x/y)"),
        (MemoryError(), 2, "out of memory"),
    ],
)
def test_unexpected_errors_are_one_line(
    sales: tuple[Workspace, Path],
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    code: int,
    words: str,
) -> None:
    ws, _ = sales

    def broken(self: Workspace) -> list[str]:
        raise error

    monkeypatch.setattr(Workspace, "tables", broken)
    result = runner.invoke(app, ["tables", "-w", str(ws.path)])
    assert result.exit_code == code and words in result.output
    assert "Traceback" not in result.output
    if isinstance(error, ZeroDivisionError):
        assert "--debug" in result.output


def test_tracking_store_failures_are_one_line(
    sales: tuple[Workspace, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlflow.exceptions import MlflowException

    from mirae.track import Registry

    def broken(self: Registry) -> list[Any]:
        raise MlflowException("database is locked")

    monkeypatch.setattr(Registry, "models", broken)
    ws, _ = sales
    result = runner.invoke(app, ["models", "-w", str(ws.path)])
    assert result.exit_code == 2
    assert "the MLflow tracking store failed: database is locked" in result.output


def test_brackets_in_a_message_are_printed_as_they_are(sales: tuple[Workspace, Path]) -> None:
    ws, _ = sales
    result = runner.invoke(app, ["show", "[bold]x[/]", "-w", str(ws.path)])
    assert result.exit_code == 2 and "[bold]x[/]" in result.output


def test_with_json_an_error_is_json_on_stderr(tmp_path: Path) -> None:
    import json

    result = runner.invoke(app, ["show", "nope", "--json", "-w", str(tmp_path / "ws")])
    assert result.exit_code == 2 and result.stdout == ""
    error = json.loads(result.stderr)
    assert error["error"] == "TableNotFoundError" and "no table named 'nope'" in error["detail"]


def test_version_and_the_horizon_flag(tmp_path: Path) -> None:
    from mirae import __version__

    assert runner.invoke(app, ["--version"]).stdout.strip() == f"mirae {__version__}"
    result = runner.invoke(
        app,
        ["forecast", "t", "--id", "i", "--time", "d", "--target", "y", "--horizon", "0", "--into", "f",
         "-w", str(tmp_path / "ws")],
    )  # fmt: skip
    assert result.exit_code == 2 and "h (horizon in periods) must be at least 1" in result.output
