"""The checks every mirae estimator passes, whatever its task.

Each check takes a :class:`Case` (an unfitted estimator and data to fit it
on) and raises ``AssertionError`` saying what is wrong. The task decides how
an estimator is fitted and what its output is (:func:`fit` and
:func:`output`), from its tags.
"""

from __future__ import annotations

import copy
import functools
import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CHECKS", "Case", "check_estimator", "estimator_checks", "fit", "output"]


@dataclass
class Case:
    """An estimator to check and the data to check it on.

    Attributes
    ----------
    name : str
        How the case is shown in test ids.
    make : callable
        Returns a new, unfitted estimator (small settings: checks fit it several times).
    data : callable
        Returns the data for the estimator's task: ``{"X": frame, "y": series}``
        (classification, regression), ``{"data": ForecastData, "h": int}``
        (forecast), ``{"X": frame}`` (clustering, anomaly) or
        ``{"interactions": frame, "users": [...]}`` (recommendation).
    skip : dict
        Check name → the documented reason it does not apply.
    """

    name: str
    make: Callable[[], Any]
    data: Callable[[], dict[str, Any]]
    skip: dict[str, str] = field(default_factory=dict)


def _task(estimator: Any) -> str:
    return str(estimator.tags.task)


def fit(estimator: Any, data: dict[str, Any]) -> Any:
    """Fit ``estimator`` on ``data`` as its task does; return what ``fit`` returned."""
    task = _task(estimator)
    if task in ("classification", "regression"):
        return estimator.fit(data["X"], data["y"])
    if task == "forecast":
        return estimator.fit(data["data"])
    if task == "recommendation":
        return estimator.fit(data["interactions"])
    return estimator.fit(data["X"])


def output(estimator: Any, data: dict[str, Any], rows: slice | list[int] | None = None) -> Any:
    """What a fitted estimator answers: probabilities, predictions, forecasts, segments, scores, rankings."""
    task = _task(estimator)
    if task == "forecast":
        return estimator.predict(data["h"])
    if task == "recommendation":
        return [estimator.recommend(user, k=5) for user in data["users"]]
    X = data["X"] if rows is None else data["X"].iloc[rows]
    if task == "classification" and hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)
    if task == "anomaly":
        return estimator.anomaly_score(X)
    return estimator.predict(X)


def _assert_same(a: Any, b: Any, what: str) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=what)
    elif isinstance(a, list) and a and isinstance(a[0], pd.DataFrame):
        for x, y in zip(a, b, strict=True):
            pd.testing.assert_frame_equal(x, y, obj=what)
    else:
        np.testing.assert_allclose(
            np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-9, err_msg=what
        )


def _inputs(data: dict[str, Any]) -> dict[str, Any]:
    """Deep copies of the data, to tell whether fitting or predicting changed it."""
    return {key: copy.deepcopy(value) for key, value in data.items()}


def _assert_unchanged(before: dict[str, Any], after: dict[str, Any], step: str) -> None:
    for key, value in before.items():
        now = after[key]
        if isinstance(value, pd.DataFrame | pd.Series):
            assert value.equals(now), f"{step} changed its input {key!r}"
        elif hasattr(value, "history"):  # ForecastData
            assert value.history.equals(now.history), f"{step} changed the history it was given"


def _fitted_names(estimator: Any) -> set[str]:
    return {name for name in vars(estimator) if name.endswith("_") and not name.startswith("__")}


# -- the checks ------------------------------------------------------------------------------------


def check_init_stores_settings(case: Case) -> None:
    """``__init__`` stores every setting unchanged under its own name, and nothing learned."""
    estimator = case.make()
    params = estimator.get_params(deep=False)
    assert set(params) == set(type(estimator)._get_param_names()), (
        "get_params does not list the __init__ settings"
    )
    again = type(estimator)(**params)
    for name, value in params.items():
        assert getattr(again, name) is value, f"__init__ changed or copied the setting {name!r}"
    assert not _fitted_names(estimator), f"__init__ set learned attributes {sorted(_fitted_names(estimator))}"


def check_params_round_trip(case: Case) -> None:
    """``set_params(**get_params())`` changes nothing; unknown settings are refused."""
    estimator = case.make()
    before = estimator.get_params(deep=False)
    estimator.set_params(**before)
    assert estimator.get_params(deep=False).keys() == before.keys()
    try:
        estimator.set_params(no_such_setting=1)
    except ValueError:
        return
    msg = "set_params accepted an unknown setting"
    raise AssertionError(msg)


def check_clone(case: Case, fitted: Any) -> None:
    """A clone has the same settings, shares none of them, and has learned nothing."""
    copy_ = fitted.clone()
    assert type(copy_) is type(fitted)
    assert copy_.get_params(deep=False).keys() == fitted.get_params(deep=False).keys()
    assert repr(copy_) == repr(case.make()), "the clone's settings differ from the original's"
    assert not _fitted_names(copy_), f"the clone kept learned attributes {sorted(_fitted_names(copy_))}"


def check_not_fitted_error(case: Case) -> None:
    """Asking an unfitted estimator for an answer raises an error that says to fit it first."""
    estimator = case.make()
    try:
        output(estimator, case.data())
    except Exception as exc:  # noqa: BLE001 - any error that says what to do (NotFittedError is an AttributeError)
        assert "fit" in str(exc).lower(), f"the error before fit does not say to fit first: {exc!r}"
        return
    msg = "an unfitted estimator answered"
    raise AssertionError(msg)


def check_fit_returns_self_and_learned_names(case: Case, fitted: Any) -> None:
    """``fit`` returns the estimator; what it learned ends in ``_``; settings are untouched."""
    estimator = case.make()
    settings = repr(estimator)
    data = case.data()
    assert fit(estimator, data) is estimator, "fit did not return self"
    added = set(vars(estimator)) - set(estimator.get_params(deep=False))
    odd = sorted(n for n in added if not n.endswith("_") and not n.startswith("_"))
    assert not odd, f"fit set attributes that do not end in '_': {odd}"
    assert repr(estimator) == settings, "fit changed the estimator's settings"


def check_no_input_mutation(case: Case) -> None:
    """Neither ``fit`` nor the answer changes the data given."""
    data = case.data()
    before = _inputs(data)
    estimator = case.make()
    fit(estimator, data)
    _assert_unchanged(before, data, "fit")
    output(estimator, data)
    _assert_unchanged(before, data, "predicting")


def check_same_seed_same_output(case: Case, fitted: Any) -> None:
    """Two fits with the same settings (and seed) give the same answer."""
    if not fitted.tags.deterministic:
        return
    data = case.data()
    again = case.make()
    fit(again, data)
    _assert_same(output(again, data), output(fitted, data), "a second fit with the same seed")


def check_pickle_round_trip(case: Case, fitted: Any) -> None:
    """A pickled and restored estimator answers exactly as the original."""
    data = case.data()
    restored = pickle.loads(pickle.dumps(fitted))  # noqa: S301 - our own object
    _assert_same(output(restored, data), output(fitted, data), "the pickled estimator")


def check_safe_storage_round_trip(case: Case, fitted: Any) -> None:
    """Stored in mirae's no-pickle layout (skops + native files) and loaded back, it answers the same."""
    from mirae.track._model_files import load_model_folder, save_model_folder

    data = case.data()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "model"
        folder.mkdir()
        digest = save_model_folder(fitted, folder)
        restored = load_model_folder(folder, digest=digest)
    _assert_same(output(restored, data), output(fitted, data), "the stored and loaded estimator")


def check_batch_equals_row_by_row(case: Case, fitted: Any) -> None:
    """Answering many rows at once equals answering them one by one."""
    if _task(fitted) in ("forecast", "recommendation"):
        return  # one answer for the whole panel / per user: no rows to split
    data = case.data()
    n = min(20, len(data["X"]))
    batch = np.asarray(output(fitted, data, slice(0, n)), dtype=float)
    rows = np.concatenate([np.asarray(output(fitted, data, [i]), dtype=float) for i in range(n)])
    np.testing.assert_allclose(
        rows, batch, rtol=1e-9, atol=1e-12, err_msg="row by row differs from the batch"
    )


#: Checks on an unfitted estimator (name → check).
UNFITTED: dict[str, Callable[[Case], None]] = {
    "init_stores_settings": check_init_stores_settings,
    "params_round_trip": check_params_round_trip,
    "not_fitted_error": check_not_fitted_error,
    "no_input_mutation": check_no_input_mutation,
}
#: Checks that reuse one fitted estimator.
FITTED: dict[str, Callable[[Case, Any], None]] = {
    "clone": check_clone,
    "fit_returns_self_and_learned_names": check_fit_returns_self_and_learned_names,
    "same_seed_same_output": check_same_seed_same_output,
    "pickle_round_trip": check_pickle_round_trip,
    "safe_storage_round_trip": check_safe_storage_round_trip,
    "batch_equals_row_by_row": check_batch_equals_row_by_row,
}
#: Every check's name.
CHECKS: tuple[str, ...] = (*UNFITTED, *FITTED)


def estimator_checks(case: Case, fitted: Callable[[], Any]) -> Iterator[tuple[str, Callable[[], None]]]:
    """The checks of ``case`` as (name, run) pairs, skipping those the case documents as not applying.

    ``fitted`` returns the case's estimator fitted once (a test fixture can share it).
    """
    for name, unfitted_check in UNFITTED.items():
        if name not in case.skip:
            yield name, functools.partial(unfitted_check, case)
    for name, fitted_check in FITTED.items():
        if name not in case.skip:
            yield name, functools.partial(_with_fitted, fitted_check, case, fitted)


def _with_fitted(check: Callable[[Case, Any], None], case: Case, fitted: Callable[[], Any]) -> None:
    check(case, fitted())


def check_estimator(case: Case) -> None:
    """Run every check on ``case``; the first failure raises ``AssertionError`` naming the check.

    Examples
    --------
    >>> from mirae.testing import shipped_cases
    >>> case = next(c for c in shipped_cases() if c.name == "SeasonalIndexForecaster")
    >>> check_estimator(case)
    """
    estimator = case.make()
    fit(estimator, case.data())
    for name, run in estimator_checks(case, lambda: estimator):
        try:
            run()
        except AssertionError as exc:
            msg = f"{case.name}: check {name!r} failed: {exc}"
            raise AssertionError(msg) from exc
