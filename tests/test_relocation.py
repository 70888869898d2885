"""A workspace is a folder you can copy or move: a copy is independent, a moved one keeps working."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from mirae import Workspace
from mirae.errors import WorkspaceError
from mirae.service import predict_table, train_table

pytestmark = pytest.mark.filterwarnings("ignore:.*Any type hint is inferred as AnyType:UserWarning")


def _customers(n: int = 120) -> pd.DataFrame:
    frame = pd.DataFrame({"spend": range(n), "plan": ["a", "b", "c"] * (n // 3)})
    frame["churn"] = (frame["spend"] % 5 > 2).map({True: "yes", False: "no"})
    return frame


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> Path:
    """A workspace folder with a table (two snapshots) and a registered model, made once."""
    ws = Workspace(tmp_path_factory.mktemp("original") / "ws")
    shutil.copy(mlflow_db_template, ws.path / "mlflow.db")
    ws.write("customers", _customers())
    ws.write("customers", _customers(30), mode="append")
    train_table(ws, "customers", target="churn", models=["linear"], cv=3, explain=False)
    return ws.path


def _digest(folder: Path) -> dict[str, str]:
    """Every file of a folder with its content hash (what 'unchanged' means)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".mirae.lock"
    }


def test_a_copied_workspace_reads_writes_and_drops_only_its_own_files(trained: Path, tmp_path: Path) -> None:
    original = tmp_path / "a"
    shutil.copytree(trained, original)
    before = _digest(original)
    copy = tmp_path / "b"
    shutil.copytree(original, copy)

    ws = Workspace(copy)
    assert ws.count("customers") == 150
    ws.write("customers", _customers(9), mode="append")
    ws.write("more", _customers(6))
    scored = predict_table(ws, "customers/1", "customers", into="scored")
    assert scored.rows == 159
    ws.drop("customers")
    ws.drop("more")

    assert _digest(original) == before  # not one byte of the original changed
    again = Workspace(original)
    assert again.count("customers") == 150 and again.table_names() == ["customers"]
    assert len(again.history("customers")) == 2
    assert predict_table(again, "customers/1", "customers", into="scored").rows == 150


def test_a_moved_workspace_reads_writes_and_loads_its_models(trained: Path, tmp_path: Path) -> None:
    start = tmp_path / "before"
    shutil.copytree(trained, start)
    moved = tmp_path / "elsewhere" / "after"
    moved.parent.mkdir()
    shutil.move(start, moved)
    assert not start.exists()

    ws = Workspace(moved)
    first = ws.history("customers")[0].snapshot_id
    assert ws.count("customers", snapshot=first) == 120  # time travel after the move
    ws.write("customers", _customers(3), mode="append")
    assert ws.count("customers") == 153
    run = predict_table(ws, "customers/1", "customers", into="scored")
    assert run.rows == 153 and ws.count("scored") == 153
    assert not start.exists()  # nothing was written at the old place


def test_new_tables_store_locations_relative_to_the_workspace(workspace: Workspace) -> None:
    workspace.write("t", pd.DataFrame({"x": [1, 2]}))
    table = workspace.catalog.load_table("default.t")
    assert table.location() == "workspace:warehouse/default/t"
    assert table.metadata_location.startswith("workspace:warehouse/default/t/metadata/")
    assert str(workspace.path) not in (workspace.path / "catalog.db").read_bytes().decode("latin-1")


def test_no_write_or_delete_outside_the_workspace_folder(workspace: Workspace, tmp_path: Path) -> None:
    from mirae.lake._fileio import WorkspaceFileIO

    io = workspace.catalog.load_table("default.t").io if workspace.exists("t") else None
    assert io is None
    workspace.write("t", pd.DataFrame({"x": [1]}))
    io = workspace.catalog.load_table("default.t").io
    assert isinstance(io, WorkspaceFileIO)
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    with pytest.raises(WorkspaceError, match="outside the workspace folder"):
        io.new_output(outside.as_uri())
    with pytest.raises(WorkspaceError, match="outside the workspace folder"):
        io.delete(str(outside))
    with pytest.raises(WorkspaceError, match="outside the workspace folder"):
        io.new_output("workspace:../outside.txt")
    assert outside.read_text() == "keep me"
