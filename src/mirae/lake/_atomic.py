"""What makes a write atomic: staged files, a commit no signal can cut, and a rollback.

A write stages its new files (data files, manifests, metadata), then commits
them to the catalog in one step. :func:`atomic_write` wraps both:

- while staging, SIGTERM raises ``SystemExit`` like SIGINT raises
  ``KeyboardInterrupt``, so a terminated process removes what it staged
  (without this, SIGTERM's default action kills the process on the spot);
- while committing, SIGINT and SIGTERM are held back and delivered right
  after (with the handlers that were in place), so the catalog never sees half a commit and a rollback never removes
  files a commit just published;
- anything that stops the write before its commit removes the staged files.

``kill -9`` cannot be caught: it can leave staged files that no snapshot
references, which :func:`mirae.lake._maintain.maintain` removes.
"""

from __future__ import annotations

import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["FolderGuard", "atomic_write"]

T = TypeVar("T")
#: Exit status of a process ended by SIGTERM (128 + 15), as a shell reports it.
SIGTERM_STATUS = 143


class FolderGuard:
    """Remember a folder's files so a failed write can remove what it added."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.existed = folder.exists()
        self.before = set(folder.rglob("*")) if self.existed else set()

    def rollback(self) -> None:
        """Delete files that appeared since the guard was made."""
        if not self.folder.exists():
            return
        if not self.existed:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        for path in sorted(set(self.folder.rglob("*")) - self.before, reverse=True):
            if path.is_file():
                path.unlink(missing_ok=True)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def _raise_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(SIGTERM_STATUS)


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Make SIGTERM raise ``SystemExit`` in this block (main thread, default handler only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is not signal.SIG_DFL:  # someone else handles it (a server, a test runner)
        yield
        return
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back in this block; they are delivered when it ends.

    Python runs signal handlers in the main thread, whichever thread the
    operating system hands the signal to (Arrow's worker threads included), so
    swapping the handlers for ones that only take note defers them reliably;
    a thread mask would not, since another thread would take the signal.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = (signal.SIGINT, signal.SIGTERM)
    arrived: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in held}

    def note(signum: int, frame: Any) -> None:
        arrived.append(signum)

    for signum in held:
        signal.signal(signum, note)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for number in dict.fromkeys(arrived):
            signal.raise_signal(number)


def atomic_write(folder: Path, stage: Callable[[], T], commit: Callable[[T], None]) -> None:
    """Run ``stage()`` then ``commit(staged)``; remove the staged files unless the commit happened.

    Parameters
    ----------
    folder : Path
        The table folder the write adds files to.
    stage : callable
        Writes the new files and returns what ``commit`` needs (a transaction).
    commit : callable
        Publishes the staged files in one catalog commit.
    """
    guard = FolderGuard(folder)
    committed = False
    try:
        with _sigterm_raises():
            staged = stage()
            with _signals_held():
                commit(staged)
                committed = True
    except BaseException:
        if not committed:
            guard.rollback()
        raise
