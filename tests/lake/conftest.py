"""Fixtures for ingestion tests: source files written by the tests, a local HTTP
server, and a real throwaway PostgreSQL on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

KOREAN_ROWS = [
    ("사과", "서울", 3, 1200.5, "2024-01-02"),
    ("배", "부산", 5, 800.0, "2024-01-03"),
    ("딸기", "대구", 12, 15000.0, "2024-02-29"),
]
KOREAN_HEADER = ("품목", "지역", "수량", "단가", "판매일")


def korean_csv_text(delimiter: str = ",") -> str:
    """A small Korean sales table, as a Korean Excel export would write it (CRLF)."""
    lines = [delimiter.join(KOREAN_HEADER)]
    lines += [delimiter.join(str(v) for v in row) for row in KOREAN_ROWS]
    return "\r\n".join(lines) + "\r\n"


class KoreanSales:
    """The Korean sales table the source files hold, and a check that a table matches it."""

    header = KOREAN_HEADER
    rows = KOREAN_ROWS
    text = staticmethod(korean_csv_text)

    def check(self, table: pa.Table) -> None:
        """Assert names, values and types survived (Korean text unchanged)."""
        assert table.column_names == list(KOREAN_HEADER)
        for index, name in enumerate(KOREAN_HEADER[:4]):
            assert table.column(name).to_pylist() == [row[index] for row in KOREAN_ROWS]
        assert pa.types.is_integer(table.schema.field("수량").type)
        assert pa.types.is_floating(table.schema.field("단가").type)
        days = [str(v)[:10] for v in table.column("판매일").to_pylist()]
        assert days == [row[4] for row in KOREAN_ROWS]


@pytest.fixture(scope="session")
def korean() -> KoreanSales:
    """The Korean sales table written into the test source files."""
    return KoreanSales()


@pytest.fixture(scope="session")
def source_files() -> Iterator[Path]:
    """A folder of source files in every format the ingest tests read."""
    folder = Path(tempfile.mkdtemp(prefix="mirae-ingest-files-"))
    (folder / "korean_cp949.csv").write_bytes(korean_csv_text().encode("cp949"))
    (folder / "korean_bom.csv").write_bytes(korean_csv_text().encode("utf-8-sig"))
    (folder / "korean.tsv").write_text(korean_csv_text("\t"), encoding="utf-8")
    (folder / "korean.txt").write_text(korean_csv_text(";"), encoding="utf-8")

    records = [dict(zip(KOREAN_HEADER, row, strict=True)) for row in KOREAN_ROWS]
    (folder / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    (folder / "wrapped.json").write_text(
        json.dumps({"meta": {"count": 3}, "data": {"items": records}}, ensure_ascii=False), encoding="utf-8"
    )
    (folder / "rows.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
    )
    pq.write_table(
        pa.table({name: [row[i] for row in KOREAN_ROWS] for i, name in enumerate(KOREAN_HEADER)}),
        folder / "sales.parquet",
    )
    _write_workbook(folder / "book.xlsx")
    (folder / "page.html").write_text(_HTML, encoding="utf-8")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _write_workbook(path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "매출"
    first.append(list(KOREAN_HEADER))
    for name, region, qty, price, day in KOREAN_ROWS:
        first.append([name, region, qty, price, dt.date.fromisoformat(day)])
    second = book.create_sheet("customers")
    second.append(["고객ID", "등급"])
    second.append(["C001", "VIP"])
    second.append(["C002", "일반"])
    book.save(path)


_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>지점</title></head><body>
<table><tr><th>메뉴</th><th>링크</th></tr><tr><td>홈</td><td>/</td></tr></table>
<table id="stores"><thead><tr><th>지점</th><th>매출</th><th>직원수</th></tr></thead>
<tbody><tr><td>강남점</td><td>1500.5</td><td>12</td></tr>
<tr><td>부산점</td><td>980.0</td><td>7</td></tr></tbody></table>
</body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".jsonl": "application/x-ndjson",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""

    def do_GET(self) -> None:
        """Serve files, plus a paginated JSON API under /api/items."""
        if self.path.startswith("/api/items"):
            self._api()
            return
        if self.path.startswith("/checked/"):
            self._checked(self.path.removeprefix("/checked/"))
            return
        super().do_GET()

    def _checked(self, how: str) -> None:
        """A CSV cut short of its Content-Length, or with a right or wrong declared checksum."""
        body = b"a,b\n1,2\n3,4\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()  # noqa: S324 - what servers send
        if how == "digest.csv":
            self.send_header("Digest", f"sha-256={sha}")
            self.send_header("Content-MD5", md5)
        elif how == "content-digest.csv":
            self.send_header("Content-Digest", f"sha-256=:{sha}:")
        elif how == "damaged.csv":
            self.send_header("Content-Digest", f"sha-256=:{sha}:")
            body = body.replace(b"4", b"5")
        self.end_headers()
        self.wfile.write(body[:-3] if how == "cut.csv" else body)

    def _api(self) -> None:
        page = int(self.path.rsplit("page=", 1)[1]) if "page=" in self.path else 1
        items = [{"id": i, "이름": f"상품{i}"} for i in range((page - 1) * 2 + 1, page * 2 + 1)]
        body = {"results": items, "next": f"/api/items?page={page + 1}" if page < 3 else None}
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="session")
def http_base(source_files: Path) -> Iterator[str]:
    """Base URL of a local HTTP server (127.0.0.1) serving ``source_files``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(source_files)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent  # /usr/local/bin links into the versioned folder
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a real PostgreSQL: ``MIRAE_TEST_POSTGRES_URL``, or a throwaway server on 127.0.0.1."""
    given = os.environ.get("MIRAE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    if os.geteuid() != 0:
        pytest.skip("PostgreSQL tests need root (to run initdb as user postgres) or MIRAE_TEST_POSTGRES_URL")
    pg_bin = _pg_bin()
    if pg_bin is None:
        pytest.fail("PostgreSQL binaries not found; apt-get install -y postgresql (CI's .ci/run does)")
    root = Path(tempfile.mkdtemp(prefix="mirae-pg-"))
    data = root / "data"
    port = _free_port()
    shutil.chown(root, "postgres", "postgres")

    def as_postgres(*args: str) -> None:
        subprocess.run(["su", "postgres", "-c", " ".join(args)], check=True, capture_output=True, timeout=120)

    as_postgres(
        str(pg_bin / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    as_postgres(
        str(pg_bin / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(root / "server.log"),
        "-w",
        "-o",
        f"'-c listen_addresses=127.0.0.1 -p {port} -k /tmp'",
        "start",
    )
    try:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE ci")
        yield f"postgresql://postgres@127.0.0.1:{port}/ci"
    finally:
        as_postgres(str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
