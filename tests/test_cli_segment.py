"""``mirae segment`` driven as a user would: RFM from transactions, JSON for scripts, one-line errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app

runner = CliRunner()
RFM = "Customer ID,InvoiceDate,Quantity*Price"


def _env() -> dict[str, str]:
    return {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8", "MIRAE_LANG": ""}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, shared_data: Path, mlflow_db_template: Path) -> Path:
    workspace = Workspace(tmp_path_factory.mktemp("cli-segment") / "ws")
    shutil.copy(mlflow_db_template, workspace.path / "mlflow.db")
    tx = pd.read_csv(
        shared_data / "online_retail_ii" / "online_retail.csv.xz", nrows=50_000, dtype={"Invoice": str}
    )
    workspace.write("tx", tx)
    return workspace.path


def _run(ws: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--workspace", str(ws)], env=_env())
    return result.exit_code, result.stdout, result.stderr


def test_segment_rfm_json_and_report(ws: Path, tmp_path: Path) -> None:
    html = tmp_path / "rfm.html"
    code, out, err = _run(
        ws, "segment", "tx", "--rfm", RFM, "--invoice", "Invoice", "--method", "quantile",
        "--into", "rfm", "--html", str(html), "--lang", "ko", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["table"] == "rfm" and data["method"] == "quantile" and data["model_ref"] == "rfm/1"
    assert sum(s["size"] for s in data["segments"]) == data["rows"] == Workspace(ws).count("rfm")
    assert {s["name"] for s in data["segments"]} >= {"champions", "lost"}
    page = html.read_text(encoding="utf-8")
    assert 'lang="ko"' in page and "최우수 고객" in page


def test_segment_prints_the_choice_of_k_in_the_terminal_language(ws: Path) -> None:
    code, out, err = _run(
        ws, "--lang", "ko", "segment", "tx", "--rfm", RFM, "--k-range", "2..5", "--stability", "2",
        "--into", "km", "--no-register",
    )  # fmt: skip
    assert code == 0, err
    assert re.search(r"행을 \d개 세그먼트로 나눴습니다 \(k-평균\) -> 테이블 'km'", out)
    assert "실루엣 계수이(가) 가장 좋습니다" in out and "조정 랜드 지수" in out and "참고:" in out
    assert "MLflow" in out and "세그먼트 모델" not in out  # --no-register: logged, not registered
    # the report stays Korean by default; the terminal's notes follow the terminal's language
    code, out, err = _run(
        ws, "segment", "tx", "--rfm", RFM, "--method", "quantile", "--into", "q", "--no-track"
    )  # an English terminal (LANG=C.UTF-8), the report in its default Korean
    assert code == 0, err
    assert "note: " in out and "return/cancellation rows" in out and "반품" not in out


def test_segment_errors_are_one_line(ws: Path) -> None:
    code, _, err = _run(ws, "segment", "tx", "--features", "Quantity,Country", "--into", "bad", "--no-track")
    assert code == 2 and "must be numeric; got Country" in err and "Traceback" not in err
    code, _, err = _run(ws, "segment", "tx", "--into", "bad")
    assert code == 2 and "give rfm (--rfm customer,date,amount)" in err
    code, _, err = _run(
        ws, "segment", "tx", "--rfm", RFM, "--returns", "error", "--into", "bad", "--no-track"
    )
    assert code == 2 and "are returns" in err and "--returns net" in err


def test_segment_help_has_a_korean_line() -> None:
    result = runner.invoke(app, ["segment", "--help"], env=_env())
    assert result.exit_code == 0 and "세그먼트" in result.stdout and "--rfm" in result.stdout
