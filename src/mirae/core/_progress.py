"""Progress reporting that library code can call without knowing the UI.

Long work takes a :class:`Progress` and calls ``start``/``advance``/``finish``.
The CLI passes one drawn with Rich; the server passes one that a job polls;
library callers get :class:`NullProgress`.
"""

from __future__ import annotations

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
