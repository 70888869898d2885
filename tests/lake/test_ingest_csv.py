"""Delimited text: detection, encodings, compression, real files and bad input."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from mirae.errors import (
    ConfigError,
    EmptySourceError,
    EncodingError,
    MalformedRowsError,
    SchemaError,
    TypeParseError,
)
from mirae.lake import read_source


def test_cp949_korean_excel_export_is_detected_and_transcoded(source_files: Path, korean: Any) -> None:
    data = read_source(source_files / "korean_cp949.csv")
    assert data.encoding == "cp949"
    assert data.delimiter == ","
    assert data.format == "csv"
    korean.check(data.table)
    assert any("cp949" in note for note in data.notes)


def test_euc_kr_given_explicitly(tmp_path: Path, korean: Any) -> None:
    path = tmp_path / "euc.csv"
    path.write_bytes(korean.text().encode("euc-kr"))
    data = read_source(path, encoding="EUC-KR")
    assert data.encoding == "euc_kr"
    korean.check(data.table)


def test_utf8_bom_is_stripped_from_first_column_name(source_files: Path, korean: Any) -> None:
    data = read_source(source_files / "korean_bom.csv")
    assert data.encoding == "utf-8-sig"
    assert data.table.column_names[0] == "품목"
    assert not data.table.column_names[0].startswith("\ufeff")
    korean.check(data.table)


@pytest.mark.parametrize(("name", "delimiter"), [("korean.tsv", "\t"), ("korean.txt", ";")])
def test_delimiter_detected(source_files: Path, name: str, delimiter: str, korean: Any) -> None:
    data = read_source(source_files / name)
    assert data.delimiter == delimiter
    korean.check(data.table)


def test_delimiter_detection_survives_commas_in_tsv_fields(tmp_path: Path) -> None:
    path = tmp_path / "addr.txt"
    path.write_text("이름\t주소\t수량\n가게\t서울, 강남구\t3\n나게\t부산, 해운대구\t4\n", encoding="utf-8")
    data = read_source(path)
    assert data.delimiter == "\t"
    assert data.table.column("주소").to_pylist() == ["서울, 강남구", "부산, 해운대구"]


def test_header_and_delimiter_and_dtypes_overrides(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("001|2024-01-05|1\n002|2024-01-06|0\n", encoding="utf-8")
    data = read_source(path, delimiter="|", header=False, dtypes={"column0": "str", "column2": "bool"})
    assert data.table.column_names == ["column0", "column1", "column2"]
    assert data.table.column("column0").to_pylist() == ["001", "002"]  # leading zeros kept
    assert data.table.column("column2").to_pylist() == [True, False]
    assert pa.types.is_date(data.table.schema.field("column1").type)
    typed = read_source(path, header=False, dtypes={"column1": "datetime", "column2": "float"})
    assert pa.types.is_timestamp(typed.table.schema.field("column1").type)
    assert typed.table.column("column2").to_pylist() == [1.0, 0.0]


def test_value_beyond_the_sniffer_sample_widens_the_column(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    lines = ["id,code"] + [f"{i},{i}" for i in range(30_000)] + ["30000,A-17"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = read_source(path)
    assert data.table.num_rows == 30_001
    assert data.table.schema.field("code").type == pa.string()
    assert data.table.column("code")[-1].as_py() == "A-17"
    assert any("code" in note and "A-17" in note for note in data.notes)


@pytest.mark.parametrize(("suffix", "opener"), [(".gz", gzip.open), (".xz", lzma.open), (".bz2", bz2.open)])
def test_compressed_csv(tmp_path: Path, suffix: str, opener: object, korean: Any) -> None:
    path = tmp_path / f"sales.csv{suffix}"
    with opener(path, "wb") as handle:  # type: ignore[operator]
        handle.write(korean.text().encode("cp949"))
    data = read_source(path)
    assert data.encoding == "cp949"
    korean.check(data.table)


def test_online_retail_slice_from_xz(shared_data: Path) -> None:
    path = shared_data / "online_retail_ii" / "online_retail.csv.xz"
    data = read_source(path, nrows=2000, timestamp_format="%m/%d/%Y %H:%M")
    table = data.table
    assert table.num_rows == 2000
    assert table.column_names == [
        "Invoice",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "Price",
        "Customer ID",
        "Country",
    ]
    assert pa.types.is_integer(table.schema.field("Quantity").type)
    assert pa.types.is_floating(table.schema.field("Price").type)
    assert pa.types.is_timestamp(table.schema.field("InvoiceDate").type)
    assert table.column("Country")[0].as_py() == "United Kingdom"
    assert str(table.column("InvoiceDate")[0].as_py()) == "2009-12-01 07:45:00"
    assert table.column("StockCode")[1].as_py() == "79323P"
    # without the layout the dates stay text rather than being guessed
    plain = read_source(path, nrows=50)
    assert plain.table.schema.field("InvoiceDate").type == pa.string()


def test_german_credit_real_file(shared_data: Path) -> None:
    data = read_source(shared_data / "german_credit" / "germancredit.csv")
    assert data.table.num_rows == 1000
    assert data.table.num_columns == 21
    assert data.table.column_names[-1] == "creditability"
    assert set(data.table.column("creditability").to_pylist()) == {"good", "bad"}
    assert pa.types.is_integer(data.table.schema.field("credit_amount").type)


# -- bad input -------------------------------------------------------------------------


def _malformed_file(tmp_path: Path) -> Path:
    path = tmp_path / "broken.csv"
    rows = ["id,name,qty"] + [f"{i},item{i},{i * 2}" for i in range(1, 40)]
    rows[5] = "5,item5"  # missing a field: line 6
    rows[12] = "12,item12,24,extra"  # one field too many: line 13
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_malformed_rows_fail_with_line_numbers(tmp_path: Path) -> None:
    path = _malformed_file(tmp_path)
    with pytest.raises(MalformedRowsError) as info:
        read_source(path)
    message = str(info.value)
    assert "broken.csv" in message
    assert "lines 6, 13" in message
    assert "on_bad_lines='skip'" in message


def test_malformed_rows_skipped_when_asked(tmp_path: Path) -> None:
    data = read_source(_malformed_file(tmp_path), on_bad_lines="skip")
    assert data.skipped_rows == 2
    assert [s.line for s in data.skipped_examples] == [6, 13]
    assert data.skipped_examples[0].text == "5,item5"
    assert data.table.num_rows == 37
    assert 5 not in data.table.column("id").to_pylist()


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(EmptySourceError, match="empty.csv is empty"):
        read_source(path)


def test_header_only_file(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("a,b,c\n", encoding="utf-8")
    with pytest.raises(EmptySourceError, match="no data rows"):
        read_source(path)


def test_duplicate_header_names(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("금액,지역,금액\n1,서울,2\n3,부산,4\n", encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        read_source(path)
    assert "'금액' (columns [1, 3])" in str(info.value)
    assert "dup.csv" in str(info.value)


def test_declared_type_that_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "typed.csv"
    path.write_text("id,qty\n1,3\n2,4\n3,세개\n4,5\n", encoding="utf-8")
    with pytest.raises(TypeParseError) as info:
        read_source(path, dtypes={"qty": "int"})
    message = str(info.value)
    assert "column 'qty'" in message
    assert "'세개'" in message
    assert "line 4" in message
    assert "dtypes={'qty': 'str'}" in message


def test_unknown_dtype_and_unknown_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="dtypes\\['a'\\] must be"):
        read_source(path, dtypes={"a": "money"})
    with pytest.raises(ConfigError, match="does not have"):
        read_source(path, dtypes={"zz": "int"})


def test_broken_utf8_bytes_name_line_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "broken_utf8.csv"
    good = "이름,수량\n" + "".join(f"상품{i},{i}\n" for i in range(5))
    path.write_bytes(good.encode("utf-8") + b"\xff\xfe\xfa,9\n" + "끝,1\n".encode())
    with pytest.raises(EncodingError) as info:
        read_source(path)
    message = str(info.value)
    assert "line 7" in message
    assert f"byte offset {len(good.encode('utf-8'))}" in message
    assert "encoding=" in message


def test_bad_bytes_beyond_the_sample_are_found(tmp_path: Path) -> None:
    path = tmp_path / "late_bad.csv"
    body = "".join(f"{i},상품{i}\n" for i in range(20_000))
    path.write_bytes(("id,name\n" + body).encode("utf-8") + b"20000,\xc3\x28\n")
    with pytest.raises(EncodingError, match="line 20002"):
        read_source(path)


def test_wrong_encoding_given(source_files: Path) -> None:
    with pytest.raises(EncodingError, match="not valid utf-8"):
        read_source(source_files / "korean_cp949.csv", encoding="utf-8")
    with pytest.raises(EncodingError, match="unknown encoding"):
        read_source(source_files / "korean_cp949.csv", encoding="klingon")


def test_bad_on_bad_lines_value(source_files: Path) -> None:
    with pytest.raises(ConfigError, match="on_bad_lines"):
        read_source(source_files / "korean.tsv", on_bad_lines="warn")  # type: ignore[arg-type]
