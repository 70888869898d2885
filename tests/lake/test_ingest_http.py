"""HTTP sources, served by a local server on 127.0.0.1 (no outside network)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mirae.errors import IngestError, SourceNotFoundError
from mirae.lake import read_source

pytestmark = pytest.mark.network


def test_csv_over_http(http_base: str, korean: Any) -> None:
    data = read_source(f"{http_base}/korean_cp949.csv")
    assert data.source == f"{http_base}/korean_cp949.csv"
    assert data.encoding == "cp949"
    korean.check(data.table)


def test_json_and_jsonl_over_http(http_base: str, korean: Any) -> None:
    korean.check(read_source(f"{http_base}/records.json").table)
    korean.check(read_source(f"{http_base}/rows.jsonl").table)
    korean.check(read_source(f"{http_base}/wrapped.json", record_path="data.items").table)


def test_html_table_over_http(http_base: str) -> None:
    data = read_source(f"{http_base}/page.html", format="html", match="지점")
    assert data.table.column("지점").to_pylist() == ["강남점", "부산점"]


def test_format_from_content_type_when_the_url_has_no_suffix(http_base: str) -> None:
    data = read_source(f"{http_base}/api/items?page=3")
    assert data.format == "json"
    assert data.table.to_pylist() == [{"id": 5, "이름": "상품5"}, {"id": 6, "이름": "상품6"}]


def test_paginated_json_api_follows_next(http_base: str, workspace: Any) -> None:
    result = workspace.ingest(f"{http_base}/api/items", "items", paginate=True, record_path="results")
    assert result.rows == 6
    assert workspace.read("items").column("이름").to_pylist() == [f"상품{i}" for i in range(1, 7)]
    assert "3 page(s) fetched" in result.notes


def test_404_is_a_clear_error(http_base: str) -> None:
    with pytest.raises(SourceNotFoundError, match="HTTP 404"):
        read_source(f"{http_base}/missing.csv")


def test_unreachable_server(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(IngestError, match="cannot fetch"):
        read_source(f"http://127.0.0.1:{port}/x.csv", timeout=5)


def test_a_body_shorter_than_its_content_length_is_refused(http_base: str, workspace: Any) -> None:
    with pytest.raises(IngestError, match=r"incomplete: 9 of the 12 bytes"):
        workspace.ingest(f"{http_base}/checked/cut.csv", "cut")
    assert "cut" not in workspace.table_names()


def test_declared_checksums_are_checked(http_base: str, workspace: Any) -> None:
    for name in ("digest.csv", "content-digest.csv"):
        assert read_source(f"{http_base}/checked/{name}").table.to_pylist() == [
            {"a": 1, "b": 2},
            {"a": 3, "b": 4},
        ]
    with pytest.raises(IngestError, match="does not match the SHA256 checksum"):
        workspace.ingest(f"{http_base}/checked/damaged.csv", "damaged")
    assert "damaged" not in workspace.table_names()
