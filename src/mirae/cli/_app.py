"""The ``mirae`` application: global options, one-line errors, the context of a command.

The commands live in ``_tables`` (workspace tables), ``_train`` (models) and
``_forecast`` (forecasts and what-if); this module imports none of them.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.exceptions import TyperException

from mirae.cli._console import err_console, say, set_terminal_lang
from mirae.cli._help import LocalisedHelpGroup
from mirae.core._json import dumps
from mirae.errors import MiraeError

app = typer.Typer(
    name="mirae",
    cls=LocalisedHelpGroup,  # --help in the terminal's language (Korean option help from the catalogue)
    help="mirae (미래): predictive analytics on your business tables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: $MIRAE_HOME or ./mirae-workspace).",
        envvar="MIRAE_HOME",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]
TrackingOpt = Annotated[
    str | None,
    typer.Option(
        "--tracking-uri",
        help="MLflow tracking URI (default: $MIRAE_TRACKING_URI or the workspace's mlflow.db).",
        envvar="MIRAE_TRACKING_URI",
        show_default=False,
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        help="Language of the report and the messages: ko or en (default: mirae --lang, $MIRAE_LANG, else ko) "
        "/ 보고서와 메시지 언어.",
        show_default=False,
    ),
]
AliasOpt = Annotated[str | None, typer.Option(help="Move this alias (e.g. champion) to the new version.")]
RegisterOpt = Annotated[
    bool, typer.Option("--register/--no-register", help="Register the fitted model as a new version.")
]
ExplainOpt = Annotated[
    bool,
    typer.Option(
        "--explain/--no-explain",
        help="Compute explanations (importance, SHAP, partial dependence, rules); --no-explain: metrics only.",
    ),
]
WriteModeOpt = Annotated[
    str,
    typer.Option(
        "--mode",
        help="create (refuse existing tables) | replace (old snapshots stay in the history) | append.",
    ),
]


#: Exit statuses: any failure (input, setup, or a bug in mirae), and Ctrl-C (128 + SIGINT).
EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 2, 2, 130
#: What the global options set for this command: the command line is the only place
#: mirae reads environment variables (MIRAE_HOME, MIRAE_USER, MIRAE_TRACKING_URI, MIRAE_DEBUG).
_global: dict[str, Any] = {"on": False, "user": None, "lang": None}


def _print_version(value: bool) -> None:
    if value:
        from mirae import __version__

        typer.echo(f"mirae {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="MIRAE_DEBUG",
            help="Show the full Python traceback of an error (for bug reports).",
        ),
    ] = False,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            envvar="MIRAE_USER",
            help="Name recorded as the author of new snapshots (default: your login name).",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="MIRAE_LANG",
            help="Language of messages and reports: ko or en (default: the locale for messages, ko for "
            "reports) / 메시지와 보고서 언어.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print mirae's version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """mirae (미래): predictive analytics on your business tables."""
    from mirae.core._i18n import check_lang

    _global["on"] = debug
    _global["user"] = user
    try:
        _global["lang"] = None if lang is None else check_lang(lang)
    except MiraeError as exc:
        raise typer.BadParameter(str(exc), param_hint="--lang") from None
    set_terminal_lang(_global["lang"])


def report_lang(lang: str | None) -> str:
    """The language of a command's report: its ``--lang``, else ``mirae --lang`` / ``MIRAE_LANG``, else ko.

    A command's own ``--lang`` also switches the terminal's messages to that language.
    """
    from mirae.core._i18n import check_lang

    if lang is None:
        return str(_global["lang"] or "ko")
    chosen = check_lang(lang)
    set_terminal_lang(chosen)
    return chosen


def _fail(message: str, code: int, *, as_json: bool = False, kind: str = "error") -> typer.Exit:
    from rich.text import Text

    if as_json:  # scripts read errors the way they read results
        sys.stderr.write(dumps({"error": kind, "detail": message, "exit_code": code}) + "\n")
        return typer.Exit(code=code)
    # the message goes in as plain text: brackets in it (``factors [...]``) are not markup
    err_console.print(
        Text.assemble((say("cli_error"), "bold red"), " ", message), highlight=False, soft_wrap=True
    )
    return typer.Exit(code=code)


def _describe(exc: BaseException) -> tuple[str, int]:
    """One line for an error that is not mirae's own, and the exit status."""
    import errno

    if isinstance(exc, KeyboardInterrupt):
        return say("cli_interrupted"), EXIT_INTERRUPTED
    if isinstance(exc, MemoryError):
        return say("cli_out_of_memory"), EXIT_USAGE
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        reason = exc.strerror or str(exc)
        if exc.errno == errno.ENOSPC:
            return say("cli_disk_full", where=where), EXIT_USAGE
        if isinstance(exc, PermissionError):
            return say("cli_permission", where=where), EXIT_USAGE
        return say("cli_os_error", reason=reason, where=where), EXIT_USAGE
    if type(exc).__module__.startswith("mlflow"):
        detail = getattr(exc, "message", None) or str(exc)
        return say("cli_tracking_failed", detail=str(detail).strip().splitlines()[0]), EXIT_USAGE
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return say("cli_internal", kind=f"{type(exc).__name__}{': ' + text if text else ''}"), EXIT_INTERNAL


def friendly_errors(func: F) -> F:
    """Turn every error into a one-line message and an exit status; ``--debug`` shows the traceback.

    Every failure exits with 2 (mirae's own errors, disk, memory and
    tracking-store failures, and bugs, which ask for ``--debug``); Ctrl-C
    exits with 130.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json", False))
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, TyperException, SystemExit):  # usage errors and exits
            raise
        except MiraeError as exc:
            if _global["on"]:
                raise
            raise _fail(str(exc), EXIT_USAGE, as_json=as_json, kind=type(exc).__name__) from None
        except BaseException as exc:  # the last line of defence: no traceback for the user
            if _global["on"]:
                raise
            message, code = _describe(exc)
            kind = "interrupted" if code == EXIT_INTERRUPTED else type(exc).__name__
            raise _fail(message, code, as_json=as_json, kind=kind) from None

    return wrapper  # type: ignore[return-value]


def open_workspace(path: Path | None) -> Any:
    """Open the workspace named on the command line (or the default one)."""
    return open_context(path).workspace


def open_context(path: Path | None, tracking_uri: str | None = None) -> Any:
    """The :class:`~mirae.service.Context` of this command: workspace, user and tracking store."""
    from mirae.service import Context

    return Context.open(path, user=_global["user"], tracking_uri=tracking_uri)


def main() -> None:
    """Entry point of the ``mirae`` command."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    # MLflow logs store migrations and flavour notes at INFO/WARNING on every run;
    # on the command line only its errors are news (library callers keep its defaults,
    # and a user's own MLFLOW_LOGGING_LEVEL wins)
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "ERROR")
    # mirae loads models only from files that cannot run code (skops + native boosters, digest
    # checked); MLflow's own pickle loading stays off in this process, and its download bars
    # stay off the terminal
    os.environ.setdefault("MLFLOW_ALLOW_PICKLE_DESERIALIZATION", "false")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    app()
