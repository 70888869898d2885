"""The conformance suite every mirae estimator passes (run in CI over :func:`shipped_cases`).

A new estimator registers a :class:`Case` with :func:`register_case` and is
checked like the rest: settings stored unchanged, get/set params round
trip, clone, a clear error before fit, learned attributes ending in ``_``,
inputs not mutated, same seed → same output, pickle and no-pickle storage
round trips, batch == row by row.
"""

from mirae.testing._checks import CHECKS, Case, check_estimator, estimator_checks, fit, output
from mirae.testing._registry import register_case, shipped_cases

__all__ = [
    "CHECKS",
    "Case",
    "check_estimator",
    "estimator_checks",
    "fit",
    "output",
    "register_case",
    "shipped_cases",
]
