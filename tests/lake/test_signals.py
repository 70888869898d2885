"""Killed and terminated writers: tables stay as they were, and maintain removes what kill -9 leaves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app
from mirae.lake._maintain import referenced_files

# The child appends rows; a wrapper around the write's two steps prints where it is and
# waits there, so the parent's real signal arrives at a known point of the write.
CHILD = textwrap.dedent(
    """
    import sys, time
    import pandas as pd
    import mirae.lake._workspace as workspace_module
    from mirae import Workspace

    where = sys.argv[2]
    real = workspace_module.atomic_write

    def paused(folder, stage, commit):
        def staged():
            result = stage()
            if where == "staged":
                print("staged", flush=True)
                time.sleep(60)
            return result

        def committing(tx):
            if where == "commit":
                print("committing", flush=True)
                time.sleep(2)  # the signal arrives now, while it is held back
            commit(tx)

        real(folder, staged, committing)

    workspace_module.atomic_write = paused
    ws = Workspace(sys.argv[1])
    ws.write("sales", pd.DataFrame({"qty": range(50_000)}), mode="append")
    print("done", flush=True)
    """
)


def _files(ws_path: Path) -> set[Path]:
    return {Path(os.path.realpath(p)) for p in (ws_path / "warehouse").rglob("*") if p.is_file()}


def _start(ws_path: Path, where: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ws_path), where],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _end(child: subprocess.Popen[str]) -> int:
    """Wait for the child, close its pipes and return its exit status."""
    child.communicate(timeout=30)
    return child.returncode


def _wait_for(child: subprocess.Popen[str], word: str) -> None:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line == word, (line, child.stderr.read() if child.stderr else "")


@pytest.fixture
def table(workspace: Workspace) -> Workspace:
    workspace.write("sales", pd.DataFrame({"qty": [1, 2, 3]}))
    return workspace


def test_kill_9_while_staging_changes_nothing_and_maintain_removes_the_leftovers(table: Workspace) -> None:
    before_files = _files(table.path)
    history = table.history("sales")
    child = _start(table.path, "staged")
    _wait_for(child, "staged")
    child.send_signal(signal.SIGKILL)
    _end(child)

    fresh = Workspace(table.path)
    assert fresh.history("sales") == history and fresh.count("sales") == 3
    leftovers = _files(table.path) - before_files
    assert leftovers, "the killed write staged files"
    assert not leftovers & referenced_files(fresh)

    dry = fresh.maintain(dry_run=True)
    assert len(dry.removed) == len(leftovers) and _files(table.path) - before_files == leftovers
    report = fresh.maintain()
    assert report.bytes_removed > 0 and _files(table.path) == before_files
    assert fresh.to_pandas("sales")["qty"].tolist() == [1, 2, 3]
    assert fresh.maintain().removed == []


def test_sigterm_while_staging_rolls_back(table: Workspace) -> None:
    before_files = _files(table.path)
    history = table.history("sales")
    child = _start(table.path, "staged")
    _wait_for(child, "staged")
    child.send_signal(signal.SIGTERM)
    assert _end(child) == 143
    fresh = Workspace(table.path)
    assert fresh.history("sales") == history and fresh.count("sales") == 3
    assert _files(table.path) == before_files  # the rollback removed every staged file


def test_sigterm_during_the_commit_waits_for_it(table: Workspace) -> None:
    child = _start(table.path, "commit")
    _wait_for(child, "committing")
    child.send_signal(signal.SIGTERM)
    assert _end(child) == 143
    fresh = Workspace(table.path)
    assert fresh.count("sales") == 50_003 and len(fresh.history("sales")) == 2
    assert _files(table.path) == referenced_files(fresh)  # nothing orphaned, nothing missing


def test_maintain_keeps_every_file_time_travel_needs(table: Workspace) -> None:
    first = table.history("sales")[0].snapshot_id
    table.write("sales", pd.DataFrame({"qty": [9]}), mode="append")
    table.write("sales", pd.DataFrame({"qty": [7, 8]}), mode="replace")
    stray = table.path / "warehouse" / "default" / "never_committed" / "data" / "x.parquet"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"PAR1")
    report = table.maintain()
    assert report.removed == ["warehouse/default/never_committed/data/x.parquet"]
    assert not stray.parent.parent.exists()
    assert table.count("sales", snapshot=first) == 3 and table.count("sales") == 2
    assert table.to_pandas("sales", snapshot=first)["qty"].tolist() == [1, 2, 3]


def test_maintain_command(table: Workspace) -> None:
    result = CliRunner().invoke(app, ["maintain", "--json", "-w", str(table.path)])
    assert result.exit_code == 0 and '"files_removed": 0' in result.stdout
