"""``mirae recommend`` and ``mirae similar`` driven as a user would: JSON, tables, one-line errors."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app


def _load_movielens(root: Path) -> Any:
    spec = importlib.util.spec_from_file_location(
        "_movielens_loader", Path(__file__).parent / "recommend" / "movielens_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_module().load_movielens(root)


runner = CliRunner()


def _env() -> dict[str, str]:
    return {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8", "MIRAE_LANG": ""}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory, shared_data: Path, mlflow_db_template: Path) -> Path:
    workspace = Workspace(tmp_path_factory.mktemp("cli-recommend") / "ws")
    shutil.copy(mlflow_db_template, workspace.path / "mlflow.db")
    ratings, films = _load_movielens(shared_data)
    workspace.write("ratings", ratings[ratings["user"] <= 200])
    workspace.write("films", films)
    return workspace.path


def _run(ws: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--workspace", str(ws)], env=_env())
    return result.exit_code, result.stdout, result.stderr


def test_recommend_then_similar(ws: Path) -> None:
    code, out, err = _run(
        ws, "recommend", "ratings", "--user", "user", "--item", "item", "--time", "timestamp",
        "--text", "films:title,genres,director,cast", "--title", "title", "--k", "5", "--into", "recs", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["table"] == "recs" and data["model_ref"] == "recs/1" and data["users"] == 200
    assert data["rows"] == Workspace(ws).count("recs") == 1000
    assert data["metrics"]["ndcg"] > 0
    code, out, err = _run(ws, "--lang", "ko", "similar", "recs", "50", "--k", "5")
    assert code == 0, err
    assert "비슷한 아이템" in out and ("172" in out or "181" in out)
    code, out, err = _run(ws, "similar", "recs", "nope", "--k", "3")
    assert code == 0 and "does not know item 'nope'" in out


def test_recommend_prints_a_summary_in_korean(ws: Path) -> None:
    code, out, err = _run(
        ws, "--lang", "ko", "recommend", "ratings", "--user", "user", "--item", "item", "--method", "ease",
        "--k", "3", "--into", "ease_recs", "--no-track", "--no-evaluate",
    )  # fmt: skip
    assert code == 0, err
    assert "사용자 200명에게 최대 3개씩 추천 600행" in out and "보셨기 때문에" in out


def test_bad_input_exits_with_one_line(ws: Path) -> None:
    code, out, err = _run(
        ws, "recommend", "ratings", "--user", "user", "--item", "film", "--into", "bad", "--no-track"
    )
    assert code == 2
    text = (out + err).strip()
    assert "no item column 'film'" in text and "Traceback" not in text
    code, out, err = _run(
        ws, "recommend", "ratings", "--user", "user", "--item", "item", "--into", "bad2", "--diversity", "2"
    )
    assert code == 2 and "diversity" in (out + err)
    code, out, err = _run(ws, "similar", "nobody-registered-this", "1")
    assert code == 2 and "Traceback" not in out + err


def test_help_has_a_korean_line() -> None:
    for command in ("recommend", "similar"):
        result = runner.invoke(app, [command, "--help"], env=_env())
        assert result.exit_code == 0 and ("추천" in result.stdout or "비슷한" in result.stdout)
