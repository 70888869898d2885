"""Progress reporting that library code can call without knowing the UI.

Long work takes a :class:`Progress` and calls ``start``/``advance``/``finish``.
The CLI passes one drawn with Rich; the server passes one that a job polls;
library callers get :class:`NullProgress`.

Estimators keep scikit-learn's signatures (no ``progress=`` in ``fit``): a
use case runs them inside :func:`reporting`, and they report counts (series
fitted of total, candidates, trials) to :func:`current`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol


class Progress(Protocol):
    """Receiver of progress events from long-running work."""

    def start(self, task: str, total: float | None = None) -> None:
        """Begin a task, with ``total`` units of work when known."""

    def advance(self, amount: float = 1.0) -> None:
        """Report ``amount`` more units done."""

    def finish(self) -> None:
        """End the current task."""


class NullProgress:
    """A :class:`Progress` that ignores every event."""

    def start(self, task: str, total: float | None = None) -> None:
        """Ignore the start of a task."""

    def advance(self, amount: float = 1.0) -> None:
        """Ignore progress."""

    def finish(self) -> None:
        """Ignore the end of a task."""


_CURRENT: ContextVar[Progress | None] = ContextVar("mirae_progress", default=None)


def current() -> Progress:
    """The progress receiver of the use case running now (a :class:`NullProgress` outside one)."""
    return _CURRENT.get() or NullProgress()


@contextmanager
def reporting(progress: Progress) -> Iterator[Progress]:
    """Make ``progress`` the receiver of what estimators report while the block runs."""
    token = _CURRENT.set(progress)
    try:
        yield progress
    finally:
        _CURRENT.reset(token)
