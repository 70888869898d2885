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


def test_numbers_stored_as_text_are_read_as_numbers(tmp_path: Path) -> None:
    # spreadsheet exports: a blank cell written as " " (telco's TotalCharges), "1,706" with separators
    path = tmp_path / "a.csv"
    path.write_text(
        'total,amount,zip,label\n29.85," 1,706",01234,x\n ,12,02345,y\n108.15,"2,001,500",03456,z\n',
        encoding="utf-8",
    )
    data = read_source(path)
    columns = data.table.to_pydict()
    assert columns["total"] == [29.85, None, 108.15] and columns["amount"] == [1706, 12, 2001500]
    assert columns["zip"] == ["01234", "02345", "03456"] and columns["label"] == [
        "x",
        "y",
        "z",
    ]  # codes stay text
    assert any("'total'" in n and "1 blank value(s) as missing" in n for n in data.notes)
    assert any("'amount'" in n and "2 value(s) with thousands separators" in n for n in data.notes)
    kept = read_source(path, dtypes={"total": "str"})
    assert kept.table.column("total").to_pylist()[1].strip() == ""  # a declared type wins


def test_telco_total_charges_is_a_number_in_quality_and_training(shared_data: Path, tmp_path: Path) -> None:
    from mirae import Workspace

    ws = Workspace(tmp_path / "ws")
    ws.ingest(shared_data / "telco_churn" / "churn.csv", "telco")
    column = ws.quality("telco").column("TotalCharges")
    assert column["kind"] == "numeric" and column["nulls"] == 11
