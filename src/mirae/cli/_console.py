"""Console output shared by the commands: Rich tables, JSON, progress bars, errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from mirae.core._i18n import check_lang, label, message
from mirae.core._json import dumps

console = Console()
err_console = Console(stderr=True)

#: The terminal's language: set by ``--lang`` / ``MIRAE_LANG`` (global or a command's),
#: else the locale's (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: Korean for ``ko_KR...``), else English.
_terminal: dict[str, str | None] = {"lang": None}


def set_terminal_lang(lang: str | None) -> None:
    """Print the terminal's messages in ``lang`` (``ko`` or ``en``; None: follow the locale)."""
    _terminal["lang"] = None if lang is None else check_lang(lang)


def terminal_lang() -> str:
    """The language the terminal's messages are printed in."""
    chosen = _terminal["lang"]
    return chosen if chosen is not None else locale_lang()


def locale_lang() -> str:
    """The locale's language (``LC_ALL``, ``LC_MESSAGES``, ``LANG``): ko for ``ko_KR...``, else en."""
    import os

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    return "en"


def say(key: str, **params: Any) -> str:
    """The catalogue's sentence ``key`` in the terminal's language."""
    return message(key, terminal_lang(), **params)


def headers(*keys: str, **params: Any) -> list[str]:
    """Table headers (catalogue keys ``cli_col_<key>``) in the terminal's language."""
    lang = terminal_lang()
    return [label(f"cli_col_{key}", lang).format(**params) for key in keys]


def print_json(data: Any) -> None:
    """Write ``data`` as JSON to stdout (for scripts)."""
    sys.stdout.write(dumps(data, indent=2) + "\n")


def print_json_stream(reader: Any) -> None:
    """Write the rows of an Arrow record-batch reader to stdout as one JSON array, batch by batch."""
    out = sys.stdout
    out.write("[")
    first = True
    for batch in reader:
        for row in batch.to_pylist():
            out.write(("\n  " if first else ",\n  ") + dumps(row))
            first = False
    out.write("\n]\n" if not first else "]\n")


def first_rows(reader: Any, limit: int) -> tuple[Any, bool]:
    """The first ``limit`` rows of a record-batch reader, and whether more follow (reads no further)."""
    import pyarrow as pa

    batches, count, more = [], 0, False
    for batch in reader:
        if count >= limit:
            more = batch.num_rows > 0 or more
            if more:
                break
            continue
        take = batch.slice(0, limit - count)
        batches.append(take)
        count += take.num_rows
        if take.num_rows < batch.num_rows:
            more = True
            break
    return pa.Table.from_batches(batches, schema=reader.schema), more


#: Narrowest a column may be drawn before a wide table is shown one record at a time.
MIN_CELL = 8
#: Longest cell text shown in the vertical view (longer text is cut with an ellipsis).
MAX_CELL = 200


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Draw a Rich table; a table too wide for the terminal is shown one record at a time."""
    cells = [["" if v is None else _cell(v) for v in row] for row in rows]
    if _too_wide(columns, cells, console.width):
        _print_vertical(title, columns, cells)
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(str(column), overflow="fold")
    for row in cells:
        table.add_row(*row)
    console.print(table)


def _too_wide(columns: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> bool:
    """Whether drawing every column would squeeze some below :data:`MIN_CELL` characters."""
    needed = [
        min(max([len(str(c)), *(len(row[i]) for row in cells)]), MIN_CELL) for i, c in enumerate(columns)
    ]
    return sum(needed) + 3 * len(columns) + 1 > width


def _print_vertical(title: str | None, columns: Sequence[str], cells: Sequence[Sequence[str]]) -> None:
    """``column  value`` per line, a record after another (psql's expanded display)."""
    from rich.text import Text

    if title:
        console.print(Text(title, style="bold"))
    label = max((len(str(c)) for c in columns), default=0)
    for k, row in enumerate(cells, start=1):
        console.print(Text(f"-[ record {k} ]" + "-" * max(0, label - 8), style="dim"))
        for column, value in zip(columns, row, strict=True):
            shown = value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"
            console.print(Text(f"{str(column):<{label}}  {shown}"), soft_wrap=True)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


class RichProgress:
    """A :class:`mirae.core.Progress` drawn as a Rich progress bar on stderr."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: Any = None

    def start(self, task: str, total: float | None = None) -> None:
        """Show a new bar (a spinner when the total is unknown)."""
        self.finish()
        self._task = self._progress.add_task(task, total=total)

    def advance(self, amount: float = 1.0) -> None:
        """Move the current bar."""
        if self._task is not None:
            self._progress.advance(self._task, amount)

    def finish(self) -> None:
        """Complete and hide the current bar."""
        if self._task is not None:
            task = self._progress.tasks[-1]
            self._progress.update(self._task, completed=task.total or task.completed, visible=False)
            self._task = None


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[RichProgress | None]:
    """Yield a progress receiver drawing on stderr (None when disabled)."""
    if not enabled:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),  # pulses while the total is unknown: never a frozen "0%"
        MofNCompleteColumn(),  # "12/27" when the work is counted
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        receiver = RichProgress(progress)
        yield receiver
        receiver.finish()
