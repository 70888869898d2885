"""The terminal speaks Korean or English: ``--lang`` / ``MIRAE_LANG`` / the locale, one catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import mirae
from mirae.cli import app
from mirae.core._i18n import LABELS, MESSAGES

runner = CliRunner()
CLI = Path(mirae.__file__).parent / "cli"


def _sentences_and_headers() -> tuple[set[str], set[str]]:
    said, heads = set(), set()
    for path in CLI.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        said |= set(re.findall(r"""\bsay\(\s*["']([a-z0-9_]+)["']""", text))
        said |= set(re.findall(r"""["'](cli_[a-z0-9_]+)["']\s+if\b""", text))  # say("a" if x else "b")
        for call in re.findall(r"\bheaders\(([^)]*)\)", text):
            heads |= set(re.findall(r"""["']([a-z0-9_]+)["']""", call))
    return said, heads


def test_every_terminal_sentence_and_header_is_in_the_catalogue_in_both_languages() -> None:
    said, heads = _sentences_and_headers()
    assert len(said) > 40 and len(heads) > 30  # the scan found the commands' output
    missing = sorted(k for k in said if k not in MESSAGES) + sorted(
        f"cli_col_{k}" for k in heads if f"cli_col_{k}" not in LABELS
    )
    assert not missing, f"not in the catalogue: {missing}"
    for key in [*said, *(f"cli_col_{k}" for k in heads)]:
        ko, en = MESSAGES.get(key) or LABELS[key]
        assert ko.strip() and en.strip() and ko != en, key


def _env(**extra: str) -> dict[str, str]:
    return {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8", "MIRAE_LANG": "", **extra}


def test_messages_follow_the_option_the_environment_and_the_locale(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    english = runner.invoke(app, ["tables", "--workspace", ws], env=_env())
    assert english.exit_code == 0 and "No tables yet" in english.stdout
    korean = runner.invoke(app, ["--lang", "ko", "tables", "--workspace", ws], env=_env())
    assert "아직 테이블이 없습니다" in korean.stdout
    by_env = runner.invoke(app, ["tables", "--workspace", ws], env=_env(MIRAE_LANG="ko"))
    assert "아직 테이블이 없습니다" in by_env.stdout
    by_locale = runner.invoke(app, ["tables", "--workspace", ws], env=_env(LANG="ko_KR.UTF-8"))
    assert "아직 테이블이 없습니다" in by_locale.stdout
    back = runner.invoke(app, ["--lang", "en", "tables", "--workspace", ws], env=_env(LANG="ko_KR.UTF-8"))
    assert "No tables yet" in back.stdout


def test_errors_table_headers_and_notes_are_korean_too(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    csv = tmp_path / "sales.csv"
    pd.DataFrame({"week": ["2024-01-01", "2024-01-08"], "qty": ["1,706", "2,010"]}).to_csv(csv, index=False)
    done = runner.invoke(
        app, ["--lang", "ko", "ingest", str(csv), "--name", "sales", "--workspace", ws], env=_env()
    )
    assert done.exit_code == 0, done.output
    assert "행 x 2열 -> 테이블 'sales'" in done.stdout and "참고:" in done.stdout
    listed = runner.invoke(app, ["--lang", "ko", "tables", "--workspace", ws], env=_env())
    assert "스냅샷 수" in listed.stdout and "행 수" in listed.stdout
    failed = runner.invoke(app, ["--lang", "ko", "show", "nope", "--workspace", ws], env=_env())
    assert failed.exit_code == 2 and failed.stderr.startswith("오류:")


def test_a_command_lang_sets_its_report_and_its_messages(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    csv = tmp_path / "t.csv"
    pd.DataFrame({"a": [1, 2, 3, 4], "b": ["x", "y", "x", "y"]}).to_csv(csv, index=False)
    assert (
        runner.invoke(app, ["ingest", str(csv), "--name", "t", "--workspace", ws], env=_env()).exit_code == 0
    )
    html = tmp_path / "q.html"
    done = runner.invoke(
        app, ["quality", "t", "--html", str(html), "--lang", "ko", "--workspace", ws], env=_env()
    )
    assert done.exit_code == 0, done.output
    assert "상태:" in done.stdout and 'lang="ko"' in html.read_text(encoding="utf-8")
    english = runner.invoke(
        app, ["--lang", "en", "quality", "t", "--html", str(html), "--workspace", ws], env=_env()
    )
    assert "status:" in english.stdout and 'lang="en"' in html.read_text(encoding="utf-8")


@pytest.mark.parametrize("where", [["--lang", "fr", "tables"], ["quality", "t", "--lang", "fr"]])
def test_an_unknown_language_is_a_usage_error(tmp_path: Path, where: list[str]) -> None:
    result = runner.invoke(app, [*where, "--workspace", str(tmp_path / "ws")], env=_env())
    assert result.exit_code == 2
    assert "ko" in result.output and "en" in result.output and "Traceback" not in result.output
