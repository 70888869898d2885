"""Every estimator mirae ships passes the public conformance suite (mirae.testing)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from mirae.testing import Case, estimator_checks, fit, shipped_cases

CASES = {case.name: case for case in shipped_cases()}
_fitted: dict[str, Any] = {}


def _fitted_once(case: Case) -> Callable[[], Any]:
    def get() -> Any:
        if case.name not in _fitted:
            estimator = case.make()
            fit(estimator, case.data())
            _fitted[case.name] = estimator
        return _fitted[case.name]

    return get


PAIRS = [
    (name, check) for name, case in CASES.items() for check, _ in estimator_checks(case, _fitted_once(case))
]


@pytest.mark.parametrize(("name", "check"), PAIRS, ids=[f"{n}-{c}" for n, c in PAIRS])
def test_conformance(name: str, check: str) -> None:
    case = CASES[name]
    runs = dict(estimator_checks(case, _fitted_once(case)))
    runs[check]()


def test_every_shipped_estimator_is_in_the_suite() -> None:
    import mirae.anomaly as anomaly
    import mirae.forecast as forecast
    import mirae.segment as segment
    import mirae.supervised as supervised
    from mirae.base import Estimator

    shipped = {
        name
        for module in (forecast, supervised, segment, anomaly)
        for name in module.__all__
        if isinstance(getattr(module, name), type)
        and issubclass(getattr(module, name), Estimator)
        and not getattr(getattr(module, name), "__abstractmethods__", None)
    }
    assert shipped <= set(CASES), f"estimators missing from mirae.testing: {sorted(shipped - set(CASES))}"


def _careless_case() -> Case:
    """A clusterer that breaks the rules the suite checks."""
    import numpy as np
    import pandas as pd

    from mirae.base import Clusterer

    class Careless(Clusterer):
        def __init__(self, *, columns: list[str] | None = None) -> None:
            self.columns = list(columns or [])  # a copy: clone and grid searches lose the original

        def fit(self, X: pd.DataFrame, y: object = None) -> Careless:
            X["seen"] = 1  # writes into the caller's frame
            self.labels_ = np.zeros(len(X), dtype=int)
            self.centre = 0.0  # learned, but not named with a trailing '_'
            return self

        def predict(self, X: pd.DataFrame) -> np.ndarray:
            return np.zeros(len(X), dtype=int)

    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    return Case("Careless", lambda: Careless(columns=["x"]), lambda: {"X": frame.copy()})


@pytest.mark.parametrize(
    ("check", "words"),
    [
        ("init_stores_settings", "__init__ changed or copied the setting 'columns'"),
        ("no_input_mutation", "fit changed its input 'X'"),
        ("fit_returns_self_and_learned_names", "do not end in '_': ['centre']"),
        ("not_fitted_error", "an unfitted estimator answered"),
    ],
)
def test_the_suite_catches_an_estimator_that_breaks_the_rules(check: str, words: str) -> None:
    case = _careless_case()
    runs = dict(estimator_checks(case, lambda: fit(case.make(), case.data()) or None))
    with pytest.raises(AssertionError, match=re.escape(words)):
        runs[check]()
