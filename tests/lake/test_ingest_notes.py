"""What an ingest changes in the data is said in its notes: renamed columns, yes/no booleans, NUL characters."""

from __future__ import annotations

import json
from pathlib import Path

from mirae.lake import read_source


def test_csv_names_that_differ_only_in_case_are_renamed_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("A,a,b\n1,2,3\n", encoding="utf-8")
    data = read_source(path)
    assert data.table.column_names == ["A", "a_1", "b"]
    assert any("'A' and 'a' differ only in case" in n and "'a_1'" in n for n in data.notes)


def test_json_names_that_differ_only_in_case_are_renamed_too(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"Sales": 1, "sales": 2, "SALES": 3}]), encoding="utf-8")
    data = read_source(path)
    assert data.table.column_names == ["Sales", "sales_1", "SALES_2"]
    assert sum("differ only in case" in n for n in data.notes) == 2


def test_yes_no_read_as_booleans_is_noted_and_can_be_kept_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,flag,ok\n1,yes,true\n2,no,false\n", encoding="utf-8")
    data = read_source(path)
    assert data.table.column("flag").to_pylist() == [True, False]
    flagged = [n for n in data.notes if "read as true/false" in n]
    assert len(flagged) == 1 and "'flag'" in flagged[0] and "yes, no" in flagged[0]  # 'ok' said true/false
    kept = read_source(path, dtypes={"flag": "str"})
    assert kept.table.column("flag").to_pylist() == ["yes", "no"]
    assert not any("read as true/false" in n for n in kept.notes)


def test_nul_characters_are_removed_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"id,text\n1,he\x00llo\n2,ok\n")
    data = read_source(path)
    assert data.table.column("text").to_pylist() == ["hello", "ok"]
    assert any("removed NUL characters" in n and "1 value(s)" in n for n in data.notes)
