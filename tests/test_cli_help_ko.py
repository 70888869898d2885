"""``--help`` speaks the terminal's language: every option's help has its Korean in the one catalogue."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer import _click
from typer.testing import CliRunner

from mirae.cli import app
from mirae.cli._help import help_lang, help_params
from mirae.core._i18n import option_help
from mirae.core._i18n_cli import OPTION_HELP_KO

runner = CliRunner()
HANGUL = re.compile(r"[가-힣]")
#: what stays as written inside the Korean: option names, environment variables, code literals
LITERALS = re.compile(r"--[a-z][a-z-]*|\$[A-Z_]+|\b[a-z_]+\|[a-z_ |]+|\.[a-z]{3,7}\b")


def _helps() -> dict[str, list[str]]:
    """English help text: the options and arguments (``command.param``) showing it."""
    root = typer.main.get_command(app)
    ctx = _click.Context(root)
    used: dict[str, list[str]] = {}
    for param in help_params(root, ctx):
        if param.help:
            used.setdefault(param.help, []).append(str(param.name))
    return used


def test_every_option_and_argument_help_has_korean_and_no_entry_is_stale() -> None:
    used = _helps()
    assert len(used) > 150 and sum(map(len, used.values())) > 250  # the walk reached every command
    missing = sorted(text for text in used if text not in OPTION_HELP_KO)
    assert not missing, f"add the Korean of these option helps to mirae.core._i18n_cli: {missing}"
    stale = sorted(text for text in OPTION_HELP_KO if text not in used)
    assert not stale, f"no option's help reads like this any more; remove or update: {stale}"


@pytest.mark.parametrize("english", sorted(OPTION_HELP_KO))
def test_korean_help_is_korean_and_keeps_the_literals(english: str) -> None:
    korean = OPTION_HELP_KO[english]
    assert HANGUL.search(korean) and korean != english, english
    assert sorted(LITERALS.findall(korean)) == sorted(LITERALS.findall(english)), english


def test_option_help_falls_back_to_the_text_as_written() -> None:
    assert option_help("Horizon in periods.", "ko") == OPTION_HELP_KO["Horizon in periods."]
    assert option_help("Horizon in periods.", "en") == "Horizon in periods."
    assert option_help("not an option's help", "ko") == "not an option's help"


def _env(**extra: str) -> dict[str, str]:
    return {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8", "MIRAE_LANG": "", "COLUMNS": "250", **extra}


def _flat(text: str) -> str:
    """Help output without the boxes' borders and line breaks (long help wraps)."""
    return " ".join(text.replace("│", " ").split())


HORIZON_KO = OPTION_HELP_KO["Horizon in periods."]
FOLDS_KO = OPTION_HELP_KO["Cross-validation folds."]


def test_help_follows_the_option_the_environment_and_the_locale() -> None:
    by_option = runner.invoke(app, ["--lang", "ko", "train", "--help"], env=_env())
    assert by_option.exit_code == 0 and FOLDS_KO in _flat(by_option.stdout)
    assert "Cross-validation folds." not in by_option.stdout
    by_env = runner.invoke(app, ["forecast", "--help"], env=_env(MIRAE_LANG="ko"))
    assert by_env.exit_code == 0 and HORIZON_KO in _flat(by_env.stdout)
    by_locale = runner.invoke(app, ["forecast", "--help"], env=_env(LANG="ko_KR.UTF-8"))
    assert HORIZON_KO in _flat(by_locale.stdout)
    english = runner.invoke(app, ["--lang", "en", "forecast", "--help"], env=_env(MIRAE_LANG="ko"))
    assert english.exit_code == 0 and "Horizon in periods." in _flat(english.stdout)
    assert HORIZON_KO not in _flat(english.stdout)
    plain = runner.invoke(app, ["forecast", "--help"], env=_env())
    assert "Horizon in periods." in _flat(plain.stdout) and HORIZON_KO not in _flat(plain.stdout)


def test_the_root_and_a_group_without_its_command_show_korean_help() -> None:
    root = runner.invoke(app, ["--help"], env=_env(MIRAE_LANG="ko"))
    assert root.exit_code == 0
    assert OPTION_HELP_KO["Print mirae's version and exit."] in _flat(root.stdout)
    assert OPTION_HELP_KO["Show this message and exit."] in _flat(root.stdout)
    bare = runner.invoke(app, [], env=_env(MIRAE_LANG="ko"))
    assert OPTION_HELP_KO["Print mirae's version and exit."] in _flat(bare.stdout + bare.stderr)
    users = runner.invoke(app, ["users"], env=_env(LANG="ko_KR.UTF-8"))
    assert OPTION_HELP_KO["Show this message and exit."] in _flat(users.stdout + users.stderr)


def test_a_command_s_own_lang_and_an_invalid_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIRAE_LANG", "")
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert help_lang(["report", "--lang=ko", "--help"]) == "ko"
    assert help_lang(["--lang", "ko", "x", "--lang", "en"]) == "en"
    assert help_lang(["--", "--lang", "ko"]) == "en"  # after --, a value: the locale decides
    monkeypatch.setenv("MIRAE_LANG", "ko")
    assert help_lang(["--lang", "xx"]) == "ko"  # not a language: the next choice
    # `mirae --lang xx --help` shows help (eager) in the next choice; before a command it is an error
    shown = runner.invoke(app, ["--lang", "xx", "--help"], env=_env(MIRAE_LANG="ko"))
    assert shown.exit_code == 0 and OPTION_HELP_KO["Show this message and exit."] in _flat(shown.stdout)
    refused = runner.invoke(app, ["--lang", "xx", "train", "--help"], env=_env(MIRAE_LANG="ko"))
    assert refused.exit_code == 2 and "--lang" in refused.stderr


def test_usage_errors_keep_their_exit_status_in_korean() -> None:
    result = runner.invoke(app, ["--lang", "ko", "train"], env=_env())
    assert result.exit_code == 2
    result = runner.invoke(app, ["--lang", "ko", "no-such-command", "--help"], env=_env())
    assert result.exit_code == 2


def test_typer_s_own_words_follow_the_language_and_come_back_in_english() -> None:
    korean = _flat(runner.invoke(app, ["--lang", "ko", "train", "--help"], env=_env()).stdout)
    for word in ("사용법: mirae train", "인자", "옵션", "[기본값: 5]", "[필수]"):
        assert word in korean, word
    for word in ("Usage:", "Arguments", "Options", "[default:", "[required]"):
        assert word not in korean, word
    group = _flat(runner.invoke(app, ["--help"], env=_env(MIRAE_LANG="ko")).stdout)
    assert "사용법: mirae" in group and "명령" in group and "Commands" not in group
    english = _flat(runner.invoke(app, ["train", "--help"], env=_env()).stdout)  # same process after
    for word in ("Usage: mirae train", "Arguments", "Options", "[default: 5]", "[required]"):
        assert word in english, word
    assert "사용법" not in english and "[기본값" not in english
