"""Getting data out: `mirae export` and `sql --out` write CSV (any encoding), Parquet or Excel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app
from mirae.errors import ConfigError
from mirae.service import Context, ExportSpec, export

runner = CliRunner()


@pytest.fixture
def sales(tmp_path: Path) -> Workspace:
    ws = Workspace(tmp_path / "ws")
    ws.write(
        "sales",
        pd.DataFrame(
            {"품목": ["사과", "배"], "수량": [3, 5], "day": pd.to_datetime(["2026-01-01", "2026-01-02"])}
        ),
    )
    return ws


def test_cp949_csv_for_korean_excel(sales: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "sales.csv"
    result = runner.invoke(app, ["export", "sales", str(out), "--encoding", "cp949", "-w", str(sales.path)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().decode("cp949").splitlines()[:2] == ["품목,수량,day", "사과,3,2026-01-01"]
    assert "2 rows x 3 columns" in result.output


def test_parquet_and_excel_round_trip(sales: Workspace, tmp_path: Path) -> None:
    ctx = Context(sales)
    export(ctx, ExportSpec(table="sales", path=tmp_path / "s.parquet"))
    export(ctx, ExportSpec(table="sales", path=tmp_path / "s.xlsx"))
    assert pd.read_parquet(tmp_path / "s.parquet")["품목"].tolist() == ["사과", "배"]
    assert pd.read_excel(tmp_path / "s.xlsx")["수량"].tolist() == [3, 5]
    default = export(ctx, ExportSpec(table="sales", path=tmp_path / "s.csv"))
    assert default.encoding == "utf-8-sig" and (tmp_path / "s.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_refusals_say_what_to_do(sales: Workspace, tmp_path: Path) -> None:
    ctx = Context(sales)
    (tmp_path / "there.csv").write_text("keep", encoding="utf-8")
    with pytest.raises(ConfigError, match="already exists; pass --overwrite"):
        export(ctx, ExportSpec(table="sales", path=tmp_path / "there.csv"))
    assert (tmp_path / "there.csv").read_text(encoding="utf-8") == "keep"  # untouched
    with pytest.raises(ConfigError, match=r"end the file name with \.csv"):
        export(ctx, ExportSpec(table="sales", path=tmp_path / "s.txt"))
    sales.write("emoji", pd.DataFrame({"name": ["ok", "커피☕"]}))
    with pytest.raises(ConfigError, match=r"'☕' in column 'name', row 2 cannot be written in cp949"):
        export(ctx, ExportSpec(table="emoji", path=tmp_path / "e.csv", encoding="cp949"))
    assert not (tmp_path / "e.csv").exists() and not list(tmp_path.glob(".e.*"))  # no half-written file


def test_sql_out_writes_the_query_result(sales: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "big.parquet"
    result = runner.invoke(
        app, ["sql", 'SELECT "품목" FROM sales WHERE "수량" > 3', "--out", str(out), "-w", str(sales.path)]
    )
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(out)["품목"].tolist() == ["배"]
