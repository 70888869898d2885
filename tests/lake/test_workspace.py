"""The workspace: Iceberg tables, snapshots, time travel, SQL, atomic writes, two writers."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from mirae import Workspace
from mirae.errors import (
    ConfigError,
    QueryError,
    SchemaError,
    SnapshotNotFoundError,
    TableExistsError,
    TableNotFoundError,
)


def _sales(n: int = 3, start: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "품목": [f"item{i}" for i in range(start, start + n)],
            "수량": list(range(start, start + n)),
            "단가": [1.5 * i for i in range(start, start + n)],
        }
    )


def _files(ws: Workspace) -> set[Path]:
    return {p for p in (ws.path / "warehouse").rglob("*") if p.is_file()}


def test_write_then_read_back_keeps_korean_names_values_and_order(workspace: Workspace) -> None:
    frame = pd.DataFrame({"지역": ["서울", "부산", "대구"], "매출": [10, 20, 30]})
    snap = workspace.write("매출표", frame, source="손으로")
    back = workspace.to_pandas("매출표")
    pd.testing.assert_frame_equal(back, frame)
    assert snap.mode == "create"
    assert snap.rows_added == 3 and snap.total_rows == 3
    assert snap.source == "손으로"
    assert [c.name for c in workspace.schema("매출표")] == ["지역", "매출"]
    assert workspace.table_names() == ["매출표"]


def test_tables_lists_rows_columns_and_snapshots(workspace: Workspace) -> None:
    workspace.write("a", _sales(3))
    workspace.write("a", _sales(2, start=3), mode="append")
    workspace.write("b", pd.DataFrame({"x": [1.0]}))
    infos = {t.name: t for t in workspace.tables()}
    assert infos["a"].rows == 5 and infos["a"].columns == 3 and infos["a"].snapshots == 2
    assert infos["b"].rows == 1 and infos["b"].snapshots == 1
    assert infos["a"].updated_at is not None


def test_create_over_existing_table_is_refused_and_changes_nothing(workspace: Workspace) -> None:
    workspace.write("t", _sales(3))
    with pytest.raises(TableExistsError, match="mode='append'"):
        workspace.write("t", _sales(5))
    assert workspace.count("t") == 3
    assert len(workspace.history("t")) == 1


def test_append_evolves_schema_and_old_rows_get_nulls(workspace: Workspace) -> None:
    workspace.write("t", _sales(2))
    extra = _sales(1, start=2).assign(할인율=[0.3])
    workspace.write("t", extra, mode="append")
    back = workspace.to_pandas("t")
    assert list(back.columns) == ["품목", "수량", "단가", "할인율"]
    assert back["할인율"].isna().tolist() == [True, True, False]
    assert back["수량"].tolist() == [0, 1, 2]


def test_append_with_missing_columns_fills_nulls(workspace: Workspace) -> None:
    workspace.write("t", _sales(2))
    workspace.write("t", pd.DataFrame({"품목": ["z"]}), mode="append")
    back = workspace.to_pandas("t")
    assert back["품목"].tolist() == ["item0", "item1", "z"]
    assert pd.isna(back["수량"].iloc[2])


def test_append_widens_int32_column_to_int64(workspace: Workspace) -> None:
    workspace.write("t", pa.table({"n": pa.array([1, 2], type=pa.int32())}))
    workspace.write("t", pa.table({"n": pa.array([2**40], type=pa.int64())}), mode="append")
    assert workspace.read("t").column("n").to_pylist() == [1, 2, 2**40]
    assert workspace.schema("t")[0].type == "int64"


def test_append_incompatible_type_is_a_clear_error_and_changes_nothing(workspace: Workspace) -> None:
    workspace.write("t", _sales(3))
    before = (workspace.history("t"), _files(workspace))
    bad = pd.DataFrame({"품목": ["x"], "수량": ["많이"], "단가": [1.0]})
    with pytest.raises(SchemaError, match="'수량' is int64 .* but string"):
        workspace.write("t", bad, mode="append")
    assert (workspace.history("t"), _files(workspace)) == before
    assert workspace.count("t") == 3


def test_replace_is_one_snapshot_and_history_keeps_old_versions(workspace: Workspace) -> None:
    first = workspace.write("t", _sales(3))
    second = workspace.write("t", pd.DataFrame({"수량": ["문자"], "new": [1]}), mode="replace")
    history = workspace.history("t")
    assert [s.mode for s in history] == ["create", "replace"]
    assert second.total_rows == 1 and second.rows_deleted == 3
    assert workspace.to_pandas("t").to_dict("list") == {"수량": ["문자"], "new": [1]}
    old = workspace.to_pandas("t", snapshot=first.snapshot_id)
    pd.testing.assert_frame_equal(old, _sales(3))
    assert workspace.count("t", snapshot=first.snapshot_id) == 3
    assert [c.name for c in workspace.schema("t", snapshot=first.snapshot_id)] == ["품목", "수량", "단가"]


def test_earlier_snapshot_reads_exactly_the_rows_of_that_time(workspace: Workspace) -> None:
    snaps = [workspace.write("t", _sales(2, start=0))]
    for k in range(1, 4):
        snaps.append(workspace.write("t", _sales(2, start=2 * k), mode="append"))
    for k, snap in enumerate(snaps):
        rows = workspace.read("t", snapshot=snap.snapshot_id).column("수량").to_pylist()
        assert rows == list(range(2 * (k + 1)))
    assert [s.total_rows for s in workspace.history("t")] == [2, 4, 6, 8]
    assert [s.parent_id for s in workspace.history("t")][1:] == [s.snapshot_id for s in snaps[:-1]]


def test_sql_joins_tables_by_name(workspace: Workspace) -> None:
    workspace.write("orders", pd.DataFrame({"item": ["a", "b", "a"], "qty": [1, 2, 3]}))
    workspace.write("items", pd.DataFrame({"item": ["a", "b"], "price": [10.0, 5.0]}))
    result = workspace.sql(
        "select o.item, sum(o.qty * i.price) as revenue from orders o join items i using (item) "
        "group by o.item order by o.item"
    )
    assert result.to_pylist() == [{"item": "a", "revenue": 40.0}, {"item": "b", "revenue": 10.0}]


def test_sql_over_an_earlier_snapshot(workspace: Workspace) -> None:
    first = workspace.write("t", pd.DataFrame({"x": [1, 2]}))
    workspace.write("t", pd.DataFrame({"x": [3]}), mode="append")
    assert workspace.sql("select sum(x) s from t").to_pylist() == [{"s": 6}]
    then = workspace.sql("select sum(x) s from t", snapshots={"t": first.snapshot_id})
    assert then.to_pylist() == [{"s": 3}]


def test_sql_error_names_the_tables(workspace: Workspace) -> None:
    workspace.write("t", pd.DataFrame({"x": [1]}))
    with pytest.raises(QueryError, match="Workspace tables: t"):
        workspace.sql("select * from nope")


def test_missing_table_and_snapshot_errors_say_what_exists(workspace: Workspace) -> None:
    snap = workspace.write("t", pd.DataFrame({"x": [1]}))
    with pytest.raises(TableNotFoundError, match="no table named 'u'.*Tables: t"):
        workspace.count("u")
    with pytest.raises(SnapshotNotFoundError, match=str(snap.snapshot_id)):
        workspace.read("t", snapshot=123)


@pytest.mark.parametrize("name", ["1abc", "a-b", "a b", "", "x" * 200, "drop;table"])
def test_invalid_table_names_are_refused(workspace: Workspace, name: str) -> None:
    with pytest.raises(ConfigError, match="not valid"):
        workspace.write(name, pd.DataFrame({"x": [1]}))


def test_duplicate_columns_are_refused(workspace: Workspace) -> None:
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(SchemaError, match="duplicate column names: 'a'"):
        workspace.write("t", frame)
    assert workspace.table_names() == []


def test_drop_removes_table_and_files(workspace: Workspace) -> None:
    workspace.write("t", _sales(3))
    workspace.write("keep", _sales(1))
    folder = workspace.path / "warehouse" / "default" / "t"
    assert any(folder.rglob("*.parquet"))
    workspace.drop("t")
    assert workspace.table_names() == ["keep"]
    assert not folder.exists()
    with pytest.raises(TableNotFoundError):
        workspace.drop("t")


def test_empty_frame_makes_an_empty_table_with_its_schema(workspace: Workspace) -> None:
    workspace.write("t", pa.table({"a": pa.array([], type=pa.int64()), "b": pa.array([], type=pa.string())}))
    assert workspace.count("t") == 0
    assert workspace.read("t").schema.names == ["a", "b"]
    assert workspace.sql("select count(*) n from t").to_pylist() == [{"n": 0}]


def test_types_iceberg_lacks_are_stored_widened(workspace: Workspace) -> None:
    frame = pd.DataFrame(
        {
            "small": pd.Series([1, 2], dtype="int8"),
            "unsigned": pd.Series([1, 2], dtype="uint32"),
            "when": pd.to_datetime(["2024-01-01 10:00", "2024-02-01 11:30"]),
            "cat": pd.Categorical(["x", "y"]),
        }
    )
    workspace.write("t", frame)
    back = workspace.to_pandas("t")
    assert back["small"].tolist() == [1, 2]
    assert back["unsigned"].tolist() == [1, 2]
    assert back["when"].tolist() == list(frame["when"])
    assert back["cat"].tolist() == ["x", "y"]


def test_failure_half_way_through_a_commit_changes_nothing(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pyiceberg.catalog.sql import SqlCatalog

    workspace.write("t", _sales(3))
    before = (workspace.history("t"), workspace.tables(), _files(workspace))

    def crash(self: SqlCatalog, *args: object, **kwargs: object) -> None:
        raise OSError("disk full while committing")

    # data and manifest files are written, then the catalog commit fails
    monkeypatch.setattr(SqlCatalog, "commit_table", crash)
    with pytest.raises(OSError, match="disk full"):
        workspace.write("t", _sales(4, start=3).assign(extra=1), mode="append")
    with pytest.raises(OSError, match="disk full"):
        workspace.write("t", _sales(1), mode="replace")
    with pytest.raises(OSError, match="disk full"):
        workspace.write("new_table", _sales(1))
    monkeypatch.undo()

    assert (workspace.history("t"), workspace.tables(), _files(workspace)) == before
    assert workspace.table_names() == ["t"]
    pd.testing.assert_frame_equal(workspace.to_pandas("t"), _sales(3))


_WRITER = """
import sys
import pandas as pd
from mirae import Workspace

import time
from pathlib import Path

path, worker, batches, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ws = Workspace(path)
ws.count("events")  # catalog open and table loaded before the start signal
Path(path, f"ready{worker}").touch()
while not Path(path, "go").exists():
    time.sleep(0.01)
for b in range(batches):
    frame = pd.DataFrame({"worker": [worker] * rows, "batch": [b] * rows, "i": range(rows)})
    ws.write("events", frame, mode="append", source=f"worker{worker}")
"""


@pytest.mark.slow
def test_two_processes_appending_at_once_lose_no_commit(tmp_path: Path) -> None:
    path = str(tmp_path / "shared-ws")
    Workspace(path).write("events", pd.DataFrame({"worker": [0], "batch": [0], "i": [0]}))
    batches, rows = 8, 50
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, path, str(w), str(batches), str(rows)])
        for w in (1, 2)
    ]
    deadline = time.monotonic() + 120
    while not all((tmp_path / "shared-ws" / f"ready{w}").exists() for w in (1, 2)):
        assert time.monotonic() < deadline, "writer processes did not start"
        assert all(p.poll() is None for p in procs), "a writer process died at start"
        time.sleep(0.05)
    (tmp_path / "shared-ws" / "go").touch()  # both writers begin at once
    assert [p.wait(timeout=300) for p in procs] == [0, 0]

    ws = Workspace(path)
    assert ws.count("events") == 1 + 2 * batches * rows
    counts = ws.sql("select worker, count(*) n, count(distinct batch) b from events group by 1 order by 1")
    assert counts.to_pylist() == [
        {"worker": 0, "n": 1, "b": 1},
        {"worker": 1, "n": batches * rows, "b": batches},
        {"worker": 2, "n": batches * rows, "b": batches},
    ]
    history = ws.history("events")
    assert len(history) == 1 + 2 * batches
    assert [s.total_rows for s in history] == list(range(1, 2 + 2 * batches * rows, rows))


def test_replace_takes_the_new_column_order(workspace: Workspace) -> None:
    workspace.write("t", pd.DataFrame({"a": [1], "b": ["x"], "c": [1.0]}))
    workspace.write("t", pd.DataFrame({"c": [2.0], "d": [True], "a": [5]}), mode="replace")
    assert workspace.read("t").to_pylist() == [{"c": 2.0, "d": True, "a": 5}]
    assert [c.name for c in workspace.schema("t")] == ["c", "d", "a"]


def test_column_names_with_spaces_and_symbols_read_back(workspace: Workspace) -> None:
    # PyIceberg stores 'a b' as 'a_x20b' inside Parquet; reads must map by field id
    frame = pd.DataFrame({"a b": [1, 2], "x-y": ["p", "q"], "it's": [0.5, 1.5], "Customer ID": [7, 8]})
    workspace.write("t", frame)
    workspace.write("t", pd.DataFrame({"a b": [3], "new.col": [True]}), mode="append")
    back = workspace.to_pandas("t")
    assert back["a b"].tolist() == [1, 2, 3]
    assert back["x-y"].tolist()[:2] == ["p", "q"]
    assert back["it's"].tolist()[:2] == [0.5, 1.5]
    assert back["Customer ID"].tolist()[:2] == [7, 8]
    assert back["new.col"].tolist()[2] is True
    assert workspace.sql('select sum("a b") s from t').to_pylist() == [{"s": 6}]


def test_current_snapshot_id_follows_writes(workspace: Workspace) -> None:
    first = workspace.write("t", pd.DataFrame({"x": [1]}))
    assert workspace.current_snapshot_id("t") == first.snapshot_id
    second = workspace.write("t", pd.DataFrame({"x": [2]}), mode="append")
    assert workspace.current_snapshot_id("t") == second.snapshot_id == workspace.history("t")[-1].snapshot_id


def test_names_that_differ_only_in_case_are_refused(workspace: Workspace) -> None:
    workspace.write("Sales", _sales(2))
    with pytest.raises(TableExistsError, match="differs only in case from the existing table 'Sales'"):
        workspace.write("sales", _sales(3))
    assert workspace.table_names() == ["Sales"]
    assert workspace.sql('select count(*) as n from "sales"').to_pylist() == [{"n": 2}]
    workspace.write("Sales", _sales(1), mode="append")  # the table's own name still writes
    assert workspace.count("Sales") == 3


def test_listing_tables_and_history_reads_no_data_library(tmp_path: Path) -> None:
    # mirae tables / history answer from the catalog file and the metadata JSON: no Iceberg,
    # Arrow or pandas import on their path, so they answer in well under half a second
    import subprocess
    import sys

    import pandas as pd

    from mirae import Workspace

    ws = Workspace(tmp_path / "ws")
    ws.write("sales", pd.DataFrame({"qty": [1, 2]}))
    ws.write("sales", pd.DataFrame({"qty": [3]}), mode="append")
    code = (
        "import sys; from mirae.lake import Workspace; ws = Workspace(sys.argv[1]); "
        "t = ws.tables()[0]; h = ws.history('sales'); "
        "print(t.name, t.rows, t.snapshots, len(h), h[-1].mode, ws.current_snapshot_id('sales') == h[-1].snapshot_id); "
        "print(','.join(m for m in ('pyiceberg', 'pyarrow', 'pandas', 'duckdb') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ws.path)], capture_output=True, text=True, check=True
    )
    listed, heavy = out.stdout.splitlines()
    assert listed == "sales 3 2 2 append True" and heavy == ""
