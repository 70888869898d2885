"""Ingest into a workspace: modes, one snapshot each, results, and failures that change nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mirae.errors import (
    EmptySourceError,
    EncodingError,
    MalformedRowsError,
    SchemaError,
    TableExistsError,
    TypeParseError,
)
from mirae.lake import IngestResult


def _state(ws: Any, name: str) -> tuple[Any, ...]:
    """Everything a failed ingest must leave as it was."""
    return (
        ws.read(name).to_pylist(),
        [s.to_dict() for s in ws.history(name)],
        [t.to_dict() for t in ws.tables()],
        ws.schema(name),
    )


def test_create_records_one_snapshot_with_source(workspace: Any, source_files: Path, korean: Any) -> None:
    result = workspace.ingest(source_files / "korean_cp949.csv", "sales")
    assert isinstance(result, IngestResult)
    assert (result.table, result.rows, result.format, result.encoding) == ("sales", 3, "csv", "cp949")
    assert result.columns == list(korean.header)
    assert result.column_types["수량"] == "int64"
    assert result.column_types["판매일"] == "date32[day]"
    history = workspace.history("sales")
    assert len(history) == 1
    assert history[0].snapshot_id == result.snapshot.snapshot_id
    assert history[0].mode == "create"
    assert history[0].source.endswith("korean_cp949.csv")
    korean.check(workspace.read("sales"))  # Korean names and values survive storage
    json.dumps(result.to_dict(), ensure_ascii=False)  # JSON-ready
    assert result.to_dict()["snapshot"]["rows_added"] == 3


def test_create_refuses_an_existing_table_before_reading(workspace: Any, source_files: Path) -> None:
    workspace.ingest(source_files / "korean.tsv", "sales")
    before = _state(workspace, "sales")
    with pytest.raises(TableExistsError, match="mode='append'"):
        workspace.ingest(source_files / "does-not-matter.csv", "sales")
    assert _state(workspace, "sales") == before


def test_append_evolves_schema_and_replace_swaps(workspace: Any, source_files: Path, tmp_path: Path) -> None:
    workspace.ingest(source_files / "korean_bom.csv", "sales")
    extra = tmp_path / "more.csv"
    extra.write_text("품목,지역,수량,단가,판매일,할인\n감,광주,7,500.0,2024-03-01,0.1\n", encoding="utf-8")
    appended = workspace.ingest(extra, "sales", mode="append")
    assert appended.snapshot.mode == "append"
    assert workspace.count("sales") == 4
    table = workspace.read("sales")
    assert table.column_names[-1] == "할인"
    assert table.column("할인").to_pylist() == [None, None, None, 0.1]
    assert table.column("품목").to_pylist()[-1] == "감"

    replaced = workspace.ingest(source_files / "book.xlsx", "sales", mode="replace", sheet="customers")
    assert replaced.snapshot.mode == "replace"
    assert workspace.read("sales").to_pylist() == [
        {"고객ID": "C001", "등급": "VIP"},
        {"고객ID": "C002", "등급": "일반"},
    ]
    history = workspace.history("sales")
    assert [s.mode for s in history] == ["create", "append", "replace"]
    assert workspace.count("sales", snapshot=history[1].snapshot_id) == 4


def test_append_with_incompatible_types_is_a_clear_error(workspace: Any, tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text("id,qty\n1,3\n", encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("id,qty\n2,많이\n", encoding="utf-8")
    workspace.ingest(first, "t")
    before = _state(workspace, "t")
    with pytest.raises(SchemaError, match="column 'qty'"):
        workspace.ingest(second, "t", mode="append")
    assert _state(workspace, "t") == before


def _broken_halfway(tmp_path: Path) -> Path:
    """A long file whose problem is far past the first rows (found only after reading much of it)."""
    path = tmp_path / "halfway.csv"
    rows = [f"{i},상품{i},{i % 7}" for i in range(20_000)]
    rows[12_000] = "12000,상품12000"
    path.write_text("id,name,qty\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _empty(tmp_path: Path) -> Path:
    (tmp_path / "empty.csv").write_bytes(b"")
    return tmp_path / "empty.csv"


def _bad_bytes(tmp_path: Path) -> Path:
    (tmp_path / "bad.csv").write_bytes(b"a,b\n1,\xff\xfe\n")
    return tmp_path / "bad.csv"


def _duplicate_header(tmp_path: Path) -> Path:
    (tmp_path / "dup.csv").write_text("a,a\n1,2\n", encoding="utf-8")
    return tmp_path / "dup.csv"


@pytest.mark.parametrize(
    ("make", "options", "error"),
    [
        (_broken_halfway, {}, MalformedRowsError),
        (_broken_halfway, {"dtypes": {"name": "int"}}, TypeParseError),
        (_empty, {}, EmptySourceError),
        (_bad_bytes, {"encoding": "utf-8"}, EncodingError),
        (_duplicate_header, {}, SchemaError),
    ],
)
@pytest.mark.parametrize("mode", ["append", "replace"])
def test_failed_ingest_changes_nothing(
    workspace: Any,
    source_files: Path,
    tmp_path: Path,
    make: Any,
    options: dict[str, Any],
    error: type,
    mode: str,
) -> None:
    workspace.ingest(source_files / "korean.tsv", "sales")
    workspace.ingest(source_files / "rows.jsonl", "other")
    before = _state(workspace, "sales")
    files_before = sorted(p.relative_to(workspace.path) for p in workspace.path.rglob("*") if p.is_file())
    with pytest.raises(error):
        workspace.ingest(make(tmp_path), "sales", mode=mode, **options)
    assert _state(workspace, "sales") == before
    assert [t.name for t in workspace.tables()] == ["other", "sales"]
    files_after = sorted(p.relative_to(workspace.path) for p in workspace.path.rglob("*") if p.is_file())
    assert [f for f in files_after if "lock" not in f.name] == [
        f for f in files_before if "lock" not in f.name
    ]


def test_failed_create_leaves_no_table(workspace: Any, tmp_path: Path) -> None:
    with pytest.raises(MalformedRowsError):
        workspace.ingest(_broken_halfway(tmp_path), "fresh")
    assert workspace.tables() == []
    assert not workspace.exists("fresh")


def test_skip_bad_lines_reported_in_result(workspace: Any, tmp_path: Path) -> None:
    result = workspace.ingest(_broken_halfway(tmp_path), "t", on_bad_lines="skip")
    assert result.skipped_rows == 1
    assert result.rows == 19_999
    assert result.to_dict()["skipped_examples"][0]["line"] == 12_002
    assert workspace.count("t") == 19_999


def test_progress_events(workspace: Any, source_files: Path) -> None:
    events: list[str] = []

    class Recorder:
        def start(self, task: str, total: float | None = None) -> None:
            events.append(f"start {task}")

        def advance(self, amount: float = 1.0) -> None:
            events.append("advance")

        def finish(self) -> None:
            events.append("finish")

    workspace.ingest(source_files / "records.json", "r", progress=Recorder())
    assert events[0].startswith("start reading")
    assert events[-2:] == ["start writing table r", "finish"]


def test_public_names_and_bad_mode(workspace: Any, source_files: Path) -> None:
    import mirae.lake
    import mirae.lake._ingest as ingest
    from mirae.errors import ConfigError

    assert sorted(ingest.__all__) == [
        "IngestResult",
        "SkippedLine",
        "SourceData",
        "ingest_into",
        "read_source",
    ]
    for name in ("IngestResult", "SourceData", "read_source"):
        assert getattr(mirae.lake, name) is getattr(ingest, name)
    with pytest.raises(ConfigError, match="mode must be one of"):
        workspace.ingest(source_files / "korean.tsv", "t", mode="upsert")
    assert workspace.tables() == []
