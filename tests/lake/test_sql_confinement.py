"""Workspace SQL reads workspace tables only, writes no file, and DDL writes real tables."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app
from mirae.errors import QueryError


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    workspace.write("sales", pd.DataFrame({"item": ["a", "b", "a"], "qty": [3, 5, 7]}))
    return workspace


def _table_files(ws: Workspace) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (ws.path / "warehouse").rglob("*")
        if p.is_file()
    }


@pytest.mark.parametrize(
    "query",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/etc/hostname')",
        "select count(*) from glob('/*')",
        "select * from read_blob('{catalog}')",
    ],
)
def test_files_outside_the_tables_cannot_be_read(ws: Workspace, query: str) -> None:
    with pytest.raises(QueryError, match="--allow-read"):
        ws.sql(query.format(catalog=ws.path / "catalog.db"))


def test_copy_cannot_write_anywhere_not_even_over_a_table_file(ws: Workspace, tmp_path: Path) -> None:
    before = _table_files(ws)
    [data_file] = [p for p in before if p.endswith(".parquet")]
    for target in (tmp_path / "out.csv", Path(data_file)):
        with pytest.raises(QueryError, match="SQL cannot write files"):
            ws.sql(f"copy (select 1 as qty) to '{target}' (format parquet)")
    with pytest.raises(QueryError, match="cannot write files"):
        ws.sql(f"export database '{tmp_path / 'dump'}'")
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "dump").exists()
    assert _table_files(ws) == before and ws.count("sales") == 3


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("attach 'other.db' (type sqlite)", "cannot open other databases"),
        ("install httpfs", "cannot install or load"),
        ("load httpfs", "cannot install or load"),
        ("set enable_external_access = true", "cannot change settings"),
        ("pragma enable_profiling", "cannot change settings"),
        ("update sales set qty = 0", "new snapshots"),
        ("delete from sales", "new snapshots"),
        ("drop table sales", "mirae drop"),
        ("create view v as select 1", "only CREATE"),
        ("create table t (x int)", "only CREATE"),
        ("insert into sales (qty) values (1)", "without a column list"),
    ],
)
def test_statements_that_would_change_or_reach_out_are_refused(
    ws: Workspace, query: str, reason: str
) -> None:
    with pytest.raises(QueryError, match=reason):
        ws.sql(query)
    assert ws.count("sales") == 3 and ws.table_names() == ["sales"]


def test_allow_read_opens_one_folder_only(ws: Workspace, tmp_path: Path) -> None:
    inside = tmp_path / "inbox"
    inside.mkdir()
    (inside / "extra.csv").write_text("item,qty\nc,11\n")
    (tmp_path / "secret.csv").write_text("item,qty\nz,99\n")
    got = ws.sql(f"select * from read_csv('{inside / 'extra.csv'}')", allow_read=[inside])
    assert got.to_pylist() == [{"item": "c", "qty": 11}]
    with pytest.raises(QueryError, match="disabled by configuration"):
        ws.sql(f"select * from read_csv('{tmp_path / 'secret.csv'}')", allow_read=[inside])
    with pytest.raises(QueryError, match="disabled by configuration"):
        ws.sql(f"select * from read_csv('{inside}/../secret.csv')", allow_read=[inside])


def test_create_table_as_writes_a_real_table_with_lineage(ws: Workspace) -> None:
    source = ws.current_snapshot_id("sales")
    result = ws.sql("create table big as select item, qty from sales where qty > 4")
    assert result.to_pylist()[0]["rows"] == 2 and result.to_pylist()[0]["mode"] == "create"
    assert ws.to_pandas("big")["qty"].tolist() == [5, 7]
    [snap] = ws.history("big")
    assert f"sales@{source}" in snap.source and "create table big" in snap.source
    ws.sql("insert into big values ('z', 1)")
    ws.sql("insert into big by name select 2 as qty, 'y' as item")
    assert sorted(ws.to_pandas("big")["qty"].tolist()) == [1, 2, 5, 7]
    ws.sql("create or replace table big as select * from big where qty > 1")
    assert ws.count("big") == 3 and len(ws.history("big")) == 4
    with pytest.raises(QueryError, match="already exists"):
        ws.sql("create table big as select 1 as x")
    assert ws.sql("create table if not exists big as select 1 as x").to_pylist()[0]["mode"] == "unchanged"


def test_queries_register_only_the_tables_they_name(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ws.write("wide", pd.DataFrame({f"c{i}": [i] for i in range(50)}))
    loaded: list[str] = []
    real_load = Workspace._load

    def spy(self: Workspace, name: str):  # type: ignore[no-untyped-def]
        loaded.append(name)
        return real_load(self, name)

    monkeypatch.setattr(Workspace, "_load", spy)
    assert ws.sql("select sum(qty) as n from SALES").to_pylist() == [{"n": 15}]
    assert loaded == ["sales"]


def test_the_cli_streams_json_and_shows_a_page_of_rows(ws: Workspace) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["sql", "select range as n from range(25000)", "--json", "-w", str(ws.path)])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 25000 and rows[-1] == {"n": 24999}
    result = runner.invoke(
        app, ["sql", "select range as n from range(25000)", "--limit", "3", "-w", str(ws.path)]
    )
    assert result.exit_code == 0 and "more rows not shown" in result.stdout
    result = runner.invoke(app, ["sql", "create table t2 as select * from sales", "-w", str(ws.path)])
    assert result.exit_code == 0 and "table 't2': 3 rows" in result.stdout
    result = runner.invoke(app, ["sql", "copy sales to '/tmp/x.csv'", "-w", str(ws.path)])
    assert result.exit_code == 2 and "cannot write files" in result.stderr


def test_the_cli_allow_read_flag(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a\n1\n")
    args = ["sql", f"select * from read_csv('{tmp_path / 'x.csv'}')", "--json", "-w", str(ws.path)]
    assert CliRunner().invoke(app, args).exit_code == 2
    result = CliRunner().invoke(app, [*args, "--allow-read", str(tmp_path)])
    assert result.exit_code == 0 and json.loads(result.stdout) == [{"a": 1}]
