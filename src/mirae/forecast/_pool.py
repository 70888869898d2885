"""Per-series work spread over processes in balanced chunks.

statsforecast's own ``n_jobs`` cuts the series into ``n_jobs`` contiguous
blocks, so one block of long or hard series finishes last while the other
processes wait (on 100 M3 quarterly series the two halves differ by 14 %).
Here series are dealt, longest first, round-robin into several chunks per
process, and the chunks run on a pool of forked workers: forked workers
start with statsforecast imported and its numba code compiled, where a
fresh interpreter (joblib's default) spends ~2 s on imports and compilation
before its first series.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["balanced_chunks", "run_chunks"]

T = TypeVar("T")
R = TypeVar("R")

#: chunks per process: enough to even out uneven series, few enough to keep per-chunk overhead small
CHUNKS_PER_JOB = 4
#: Fewer observations than this are fitted in this process: forking a pool costs more than it saves.
#: A pool of 2 forked workers costs ~0.035 s; 2,000 monthly observations (20 series) take ~2 s to fit
#: (the earlier 20,000 kept 100 M3 monthly series, 20 s of work, on one core).
MIN_PARALLEL_OBS = 2_000


def worth_parallel(n_jobs: int, observations: int) -> int:
    """The processes to use for ``observations`` values: ``n_jobs`` (``-1``: all cores), 1 for small work."""
    from mirae.core._config import cpu_jobs

    return cpu_jobs(n_jobs) if observations >= MIN_PARALLEL_OBS else 1


def balanced_chunks(items: Sequence[T], sizes: Sequence[int], n_chunks: int) -> list[list[T]]:
    """Deal ``items`` into at most ``n_chunks`` lists, largest ``sizes`` first, round-robin.

    Examples
    --------
    >>> balanced_chunks(["a", "b", "c", "d"], [1, 4, 2, 3], 2)
    [['b', 'c'], ['d', 'a']]
    """
    order = sorted(range(len(items)), key=lambda i: -sizes[i])
    n = max(1, min(n_chunks, len(items)))
    return [[items[i] for i in order[k::n]] for k in range(n) if order[k::n]]


def run_chunks(
    func: Callable[[T], R], chunks: Sequence[T], n_jobs: int, *, done: Callable[[int], None] | None = None
) -> list[R]:
    """``[func(c) for c in chunks]``, on ``n_jobs`` processes when more than one.

    ``done(k)`` is called after each chunk with its position (for progress).
    """
    results: list[R] = []
    if n_jobs <= 1 or len(chunks) <= 1:
        for k, chunk in enumerate(chunks):
            results.append(func(chunk))
            if done is not None:
                done(k)
        return results
    methods = multiprocessing.get_all_start_methods()
    context: Any = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=min(n_jobs, len(chunks)), mp_context=context) as pool:
        for k, result in enumerate(pool.map(func, chunks)):  # in order, as they finish
            results.append(result)
            if done is not None:
                done(k)
    return results
