"""``--help`` in the terminal's language: the Korean help of every option when the terminal is Korean.

The help texts are written in English in the command modules; the Korean of
each is in the catalogue (:func:`mirae.core._i18n.option_help`). The root
group of ``mirae`` is a :class:`LocalisedHelpGroup`: before it parses a
command line that shows help (``--help`` anywhere, or a group named without a
command), it picks the language the way the ``--lang`` callback will
(``--lang``, ``MIRAE_LANG``, else the locale) and, for Korean, puts the Korean
help on every option and argument of the command tree that Typer has just
built for this run, and Typer's own words around them ("Usage", "Options",
"[default: ...]") in the same language. Other command lines pay nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

from typer import _click
from typer.core import TyperArgument, TyperGroup, TyperOption

from mirae.cli._console import locale_lang


def help_params(command: _click.Command, ctx: _click.Context) -> Iterator[TyperOption | TyperArgument]:
    """Every option and argument of ``command`` and the commands below it, ``--help`` included.

    Parameters
    ----------
    command : typer._click.Command
        A command or group as built by ``typer.main.get_command``.
    ctx : typer._click.Context
        The context whose ``help_option_names`` name the help options.

    Yields
    ------
    TyperOption or TyperArgument
        Each parameter, in the order of the tree (a group's own first).
    """
    for each in _commands(command, ctx):
        for param in [*each.params, each.get_help_option(ctx)]:
            if isinstance(param, (TyperOption, TyperArgument)):
                yield param


def localise_help(command: _click.Command, ctx: _click.Context, lang: str) -> None:
    """Put the ``lang`` help on every option and argument of the tree under ``command`` (in place).

    Typer's own words are set for ``lang`` too (English puts Typer's back), and
    every command of the tree writes its usage line with the ``lang`` prefix.
    """
    from mirae.core._i18n import option_help

    words = typer_words(lang)
    if lang != "en":
        for param in help_params(command, ctx):
            if param.help:
                param.help = option_help(param.help, lang)
        for each in _commands(command, ctx):
            each.format_usage = _usage_writer(each, words["USAGE"])  # type: ignore[method-assign]


#: Typer's English words, kept when they are first replaced.
_TYPER_WORDS: dict[str, str] = {}


def typer_words(lang: str) -> dict[str, str]:
    """Set Typer's help words (panel titles, ``[default: ...]``) for ``lang``; return them.

    Typer reads them from module constants of ``typer.rich_utils`` when it
    draws the help, so they are set for this process; English restores Typer's own.
    """
    from typer import rich_utils

    from mirae.core._i18n_cli import HELP_WORDS_KO

    if not _TYPER_WORDS:
        _TYPER_WORDS.update({name: getattr(rich_utils, name) for name in HELP_WORDS_KO if name != "USAGE"})
        _TYPER_WORDS["USAGE"] = "Usage: "
    words = HELP_WORDS_KO if lang == "ko" else _TYPER_WORDS
    for name, text in words.items():
        if name != "USAGE":
            setattr(rich_utils, name, text)
    return dict(words)


def _commands(command: _click.Command, ctx: _click.Context) -> Iterator[_click.Command]:
    """``command`` and every command below it, a group before its commands."""
    yield command
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None:
                yield from _commands(sub, ctx)


def _usage_writer(command: _click.Command, prefix: str) -> Any:
    def format_usage(ctx: _click.Context, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)), prefix=prefix)

    return format_usage


def help_lang(args: Sequence[str]) -> str:
    """The language help is shown in: the last ``--lang`` on the line, else ``MIRAE_LANG``, else the locale.

    A value that is not a language is passed over here (the ``--lang`` option reports it).
    """
    from mirae.core._i18n import LANGS

    words = _words(args)
    chosen: str | None = None
    for i, word in enumerate(words):
        if word == "--lang" and i + 1 < len(words):
            chosen = words[i + 1]
        elif word.startswith("--lang="):
            chosen = word.partition("=")[2]
    for value in (chosen, os.environ.get("MIRAE_LANG")):
        if value in LANGS:
            return str(value)
    return locale_lang()


def _words(args: Sequence[str]) -> list[str]:
    """The command line up to ``--`` (after it, words are values, never options)."""
    words = list(args)
    return words[: words.index("--")] if "--" in words else words


class LocalisedHelpGroup(TyperGroup):
    """The ``mirae`` group: its ``--help`` and its commands' are shown in the terminal's language."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        """Localise the help of the whole tree first when this command line shows help."""
        if not ctx.resilient_parsing and self._shows_help(ctx, args):
            localise_help(self, ctx, help_lang(args))
        return super().parse_args(ctx, args)

    def _shows_help(self, ctx: _click.Context, args: Sequence[str]) -> bool:
        words = _words(args)
        if not words:
            return self.no_args_is_help
        if any(word in ctx.help_option_names for word in words):
            return True
        # `mirae users`: a group named without one of its commands shows its help
        for word in words:
            sub = self.get_command(ctx, word)
            if sub is not None:
                return isinstance(sub, TyperGroup) and sub.no_args_is_help and word == words[-1]
        return False
