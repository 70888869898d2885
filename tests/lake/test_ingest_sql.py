"""Databases through SQLAlchemy URLs: a real PostgreSQL, and SQLite files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from mirae.errors import ConfigError, EmptySourceError, IngestError, SourceNotFoundError
from mirae.lake import read_source


@pytest.fixture(scope="module")
def pg_sales(postgres_url: str) -> str:
    """A PostgreSQL table ``판매`` with Korean text and typed columns; returns the URL."""
    import sqlalchemy as sa

    from mirae.lake._ingest._sql import engine_for

    engine, _ = engine_for(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text('DROP TABLE IF EXISTS "판매"'))
        conn.execute(
            sa.text(
                'CREATE TABLE "판매" (id integer PRIMARY KEY, "품목" text NOT NULL, "수량" bigint, '
                '"단가" numeric(10, 2), "비율" double precision, "판매일" date, "시각" timestamp, '
                '"반품" boolean, "메모" varchar(40))'
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO \"판매\" SELECT g, '상품' || g, g * 10, g + 0.25, g / 4.0, "
                "DATE '2024-01-01' + g, TIMESTAMP '2024-01-01 09:00' + g * INTERVAL '1 hour', "
                "g % 2 = 0, NULL FROM generate_series(1, 2500) AS g"
            )
        )
    engine.dispose()
    return postgres_url


@pytest.mark.postgres
def test_postgres_table_streams_in_chunks_with_database_types(pg_sales: str) -> None:
    data = read_source(pg_sales, table="판매", chunk_rows=1000)
    table = data.table
    assert data.format == "sql"
    assert "table=판매" in data.source
    assert "3 chunk(s) fetched" in data.notes
    assert table.num_rows == 2500
    assert table.column_names == ["id", "품목", "수량", "단가", "비율", "판매일", "시각", "반품", "메모"]
    types = {f.name: f.type for f in table.schema}
    assert types["id"] == pa.int32()
    assert types["수량"] == pa.int64()
    assert types["단가"] == pa.decimal128(10, 2)
    assert types["비율"] == pa.float64()
    assert types["판매일"] == pa.date32()
    assert types["시각"] == pa.timestamp("us")
    assert types["반품"] == pa.bool_()
    assert types["메모"] == pa.string()  # all null, type still from the database
    first = table.slice(0, 1).to_pylist()[0]
    assert first["품목"] == "상품1"
    assert first["단가"] == Decimal("1.25")
    assert first["판매일"] == dt.date(2024, 1, 2)


@pytest.mark.postgres
def test_postgres_query_into_workspace(pg_sales: str, workspace: Any) -> None:
    query = 'SELECT "품목", "단가", "수량" * 2 AS "두배" FROM "판매" WHERE id <= 3 ORDER BY id'
    result = workspace.ingest(pg_sales, "pg", query=query)
    assert result.rows == 3
    assert result.column_types == {"품목": "string", "단가": "decimal128(10, 2)", "두배": "int64"}
    assert workspace.read("pg").column("품목").to_pylist() == ["상품1", "상품2", "상품3"]
    assert "query=SELECT" in workspace.history("pg")[0].source
    again = workspace.ingest(pg_sales, "pg", mode="append", query=query.replace("<= 3", "BETWEEN 4 AND 5"))
    assert again.snapshot.total_rows == 5


@pytest.mark.postgres
def test_postgres_errors(pg_sales: str) -> None:
    with pytest.raises(SourceNotFoundError, match="no table 'missing'") as info:
        read_source(pg_sales, table="missing")
    assert "판매" in str(info.value)
    with pytest.raises(IngestError, match="rejected the query"):
        read_source(pg_sales, query="SELECT nope FROM 판매")
    with pytest.raises(EmptySourceError, match="no rows"):
        read_source(pg_sales, query='SELECT * FROM "판매" WHERE false')
    with pytest.raises(ConfigError, match="exactly one"):
        read_source(pg_sales)


def test_sqlite_table_and_query(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE 고객 (id INTEGER, 이름 TEXT, 점수 REAL)")
        conn.executemany("INSERT INTO 고객 VALUES (?, ?, ?)", [(1, "김철수", 3.5), (2, "이영희", None)])
    conn.close()
    data = read_source(f"sqlite:///{path}", table="고객")
    assert data.table.to_pylist() == [
        {"id": 1, "이름": "김철수", "점수": 3.5},
        {"id": 2, "이름": "이영희", "점수": None},
    ]
    query = read_source(f"sqlite:///{path}", query="SELECT 이름, 점수 * 2 AS 두배 FROM 고객 ORDER BY id")
    assert query.table.column("두배").to_pylist() == [7.0, None]


def test_sqlite_real_movies_database(shared_data: Path) -> None:
    url = f"sqlite:///{shared_data / 'movies_wikidata' / 'movies.db'}"
    data = read_source(url, query="SELECT Title, Year FROM omdb ORDER BY ID LIMIT 100")
    assert data.table.num_rows == 100
    assert data.table.column_names == ["Title", "Year"]


def test_unreachable_database() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(IngestError, match="cannot connect"):
        read_source(f"postgresql://nobody@127.0.0.1:{port}/x", table="t")
