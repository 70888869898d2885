"""Numbers written with thousands separators: detected (1,706) or declared (--thousands .)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mirae.cli import app
from mirae.errors import ConfigError
from mirae.lake import read_source


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_decimal_comma_table_reads_with_thousands_dot(tmp_path: Path) -> None:
    path = _csv(tmp_path, "eu.csv", "item;price;qty\na;1.706,50;1.200\nb;3,25;17\nc;;2\n")
    data = read_source(path, thousands=".")
    assert data.table.to_pylist() == [
        {"item": "a", "price": 1706.5, "qty": 1200},
        {"item": "b", "price": 3.25, "qty": 17},
        {"item": "c", "price": None, "qty": 2},
    ]
    assert any("'price' holds numbers stored as text" in n for n in data.notes)
    # without the setting 1.200 would be one point two: the user's declaration decides
    assert read_source(path).table.column("qty").to_pylist() != [1200, 17, 2]


def test_other_separators_and_none(tmp_path: Path) -> None:
    swiss = _csv(tmp_path, "ch.csv", "item,qty\na,1'706.5\nb,12'000\n")
    assert read_source(swiss, thousands="'").table.column("qty").to_pylist() == [1706.5, 12000.0]
    korean = _csv(tmp_path, "kr.csv", 'item,qty\na,"1,706"\nb,"12,000"\n')
    assert read_source(korean).table.column("qty").to_pylist() == [1706, 12000]  # detected
    assert read_source(korean, thousands="none").table.column("qty").to_pylist() == ["1,706", "12,000"]


def test_an_unknown_separator_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"thousands='x'.*'none'"):
        read_source(tmp_path / "not-even-there.csv", thousands="x")


def test_the_cli_takes_thousands(tmp_path: Path) -> None:
    path = _csv(tmp_path, "eu.csv", "item;price\na;1.706,50\nb;3,25\n")
    ws = str(tmp_path / "ws")
    result = CliRunner().invoke(
        app, ["ingest", str(path), "--name", "eu", "--thousands", ".", "--workspace", ws, "--json"]
    )
    assert result.exit_code == 0, result.output
    shown = CliRunner().invoke(
        app, ["sql", "select sum(price) as total from eu", "--workspace", ws, "--json"]
    )
    assert '"total": 1709.75' in shown.stdout
    bad = CliRunner().invoke(app, ["ingest", str(path), "--name", "x", "--thousands", "x", "--workspace", ws])
    assert bad.exit_code == 2 and "thousands" in bad.stderr
