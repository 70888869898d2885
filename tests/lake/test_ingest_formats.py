"""Parquet, Excel, JSON, JSON Lines and HTML files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from mirae.errors import (
    ConfigError,
    EmptySourceError,
    IngestError,
    MalformedRowsError,
    SchemaError,
    SourceNotFoundError,
    TypeParseError,
)
from mirae.lake import read_source


def test_parquet_written_by_the_test(source_files: Path, korean: Any) -> None:
    data = read_source(source_files / "sales.parquet")
    assert data.format == "parquet"
    korean.check(data.table)


def test_parquet_real_brotli_file(shared_data: Path) -> None:
    data = read_source(shared_data / "adult_census" / "adult.parquet.brotli")
    assert data.format == "parquet"
    assert data.table.num_rows == 48842
    assert "income" in data.table.column_names


def test_excel_first_sheet_by_default(source_files: Path, korean: Any) -> None:
    data = read_source(source_files / "book.xlsx")
    assert data.format == "excel"
    assert data.source.endswith("book.xlsx#매출")
    korean.check(data.table)
    assert pa.types.is_timestamp(data.table.schema.field("판매일").type)


@pytest.mark.parametrize("sheet", ["customers", 1])
def test_excel_sheet_by_name_or_index(source_files: Path, sheet: str | int) -> None:
    data = read_source(source_files / "book.xlsx", sheet=sheet)
    assert data.table.to_pylist() == [{"고객ID": "C001", "등급": "VIP"}, {"고객ID": "C002", "등급": "일반"}]


def test_excel_missing_sheet_lists_the_sheets(source_files: Path) -> None:
    with pytest.raises(SourceNotFoundError) as info:
        read_source(source_files / "book.xlsx", sheet="재고")
    assert "['매출', 'customers']" in str(info.value)
    with pytest.raises(SourceNotFoundError, match="index 5"):
        read_source(source_files / "book.xlsx", sheet=5)


def test_excel_bad_declared_type_names_the_row(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["코드", "수량"])
    sheet.append(["a", 1])
    sheet.append(["b", "많음"])
    book.save(tmp_path / "q.xlsx")
    with pytest.raises(TypeParseError) as info:
        read_source(tmp_path / "q.xlsx", dtypes={"수량": "int"})
    assert "row 3" in str(info.value)  # the spreadsheet's own row number
    assert "'많음'" in str(info.value)


def test_excel_duplicate_headers_and_empty_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["a", "a"])
    book.active.append([1, 2])
    book.create_sheet("빈시트")
    book.save(tmp_path / "d.xlsx")
    with pytest.raises(SchemaError, match="duplicate column names"):
        read_source(tmp_path / "d.xlsx")
    with pytest.raises(EmptySourceError, match="빈시트"):
        read_source(tmp_path / "d.xlsx", sheet="빈시트")


def test_json_records(source_files: Path, korean: Any) -> None:
    data = read_source(source_files / "records.json", dtypes={"판매일": "date"})
    assert data.format == "json"
    korean.check(data.table)
    assert pa.types.is_date(data.table.schema.field("판매일").type)


def test_json_record_path(source_files: Path, korean: Any) -> None:
    data = read_source(source_files / "wrapped.json", record_path="data.items")
    korean.check(data.table)
    with pytest.raises(IngestError, match="not a list of records"):
        read_source(source_files / "wrapped.json")
    with pytest.raises(IngestError, match="'data.rows' not found"):
        read_source(source_files / "wrapped.json", record_path="data.rows")


def test_json_records_with_different_keys_and_mixed_values(tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps([{"a": 1, "b": "x"}, {"a": "둘", "c": [1, 2]}]), encoding="utf-8")
    data = read_source(path)
    assert data.table.column_names == ["a", "b", "c"]
    assert data.table.column("a").to_pylist() == ["1", "둘"]
    assert data.table.column("b").to_pylist() == ["x", None]
    assert any("'a'" in note for note in data.notes)


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n{"a": 1},\n{"a": 2,,}\n]', encoding="utf-8")
    with pytest.raises(MalformedRowsError, match="line 3, column 9"):
        read_source(path)


def test_jsonl(source_files: Path, korean: Any) -> None:
    data = read_source(source_files / "rows.jsonl")
    assert data.format == "jsonl"
    korean.check(data.table)


def test_jsonl_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.ndjson"
    path.write_text('{"a": 1}\n{"a": 2\n\n{"a": 3}\nnot json\n', encoding="utf-8")
    with pytest.raises(MalformedRowsError, match="lines 2, 5"):
        read_source(path)
    data = read_source(path, on_bad_lines="skip")
    assert data.table.column("a").to_pylist() == [1, 3]
    assert data.skipped_rows == 2
    assert [s.line for s in data.skipped_examples] == [2, 5]


def test_html_table_by_match_and_index(source_files: Path) -> None:
    data = read_source(source_files / "page.html", match="강남점")
    assert data.format == "html"
    assert data.table.to_pylist() == [
        {"지점": "강남점", "매출": 1500.5, "직원수": 12},
        {"지점": "부산점", "매출": 980.0, "직원수": 7},
    ]
    first = read_source(source_files / "page.html", table_index=0)
    assert first.table.column_names == ["메뉴", "링크"]
    with pytest.raises(SourceNotFoundError, match="table_index=4"):
        read_source(source_files / "page.html", table_index=4)
    with pytest.raises(SourceNotFoundError, match="no HTML table"):
        read_source(source_files / "page.html", match="없는 글자")


def test_empty_json_and_parquet(tmp_path: Path) -> None:
    (tmp_path / "e.json").write_text("[]", encoding="utf-8")
    with pytest.raises(EmptySourceError):
        read_source(tmp_path / "e.json")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"a": pa.array([], type=pa.int64())}), tmp_path / "e.parquet")
    with pytest.raises(EmptySourceError, match="no rows"):
        read_source(tmp_path / "e.parquet")


def test_missing_file_unknown_format_and_misplaced_options(tmp_path: Path, source_files: Path) -> None:
    with pytest.raises(SourceNotFoundError, match="does not exist"):
        read_source(tmp_path / "nope.csv")
    (tmp_path / "data.bin").write_bytes(b"a,b\n1,2\n")
    with pytest.raises(ConfigError, match="pass format="):
        read_source(tmp_path / "data.bin")
    assert read_source(tmp_path / "data.bin", format="csv").table.to_pylist() == [{"a": 1, "b": 2}]
    with pytest.raises(ConfigError, match="sheet= applies to excel"):
        read_source(source_files / "records.json", sheet="x")
    with pytest.raises(ConfigError, match="format must be one of"):
        read_source(source_files / "records.json", format="yaml")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(ConfigError, match=r"\.xlsx"):
        read_source(tmp_path / "old.xls")
