"""Check and align truths, predictions, probabilities and the positive class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mirae.errors import EvaluationError


def as_1d(values: Any, name: str) -> np.ndarray:
    """``values`` as a one-dimensional numpy array (a column of one is flattened).

    Examples
    --------
    >>> as_1d([[1], [2]], "y_true")
    array([1, 2])
    """
    array = np.asarray(values.to_numpy() if isinstance(values, pd.Series | pd.DataFrame) else values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        msg = f"{name} must be one-dimensional; got an array of shape {array.shape}. Pass one column."
        raise EvaluationError(msg)
    return array


def check_lengths(**arrays: Any) -> int:
    """The common length of ``arrays``; raise EvaluationError naming any that differ.

    Examples
    --------
    >>> check_lengths(y_true=[1, 0], y_pred=[0, 0])
    2
    """
    lengths = {name: len(values) for name, values in arrays.items() if values is not None}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name}={n}" for name, n in lengths.items())
        msg = f"inputs must have the same number of rows; got {shown}. Align them before evaluating."
        raise EvaluationError(msg)
    n = next(iter(lengths.values()), 0)
    if n == 0:
        msg = "nothing to evaluate: got 0 rows. Pass at least one row of truths and predictions."
        raise EvaluationError(msg)
    return n


def resolve_classes(
    y_true: np.ndarray, y_pred: np.ndarray | None, classes: Sequence[Any] | None
) -> list[Any]:
    """The class labels: ``classes`` when given, else the sorted union of the labels seen."""
    if classes is not None:
        found = list(classes)
        seen = set(pd.unique(y_true).tolist()) | (
            set(pd.unique(y_pred).tolist()) if y_pred is not None else set()
        )
        unknown = sorted(map(str, seen - set(found)))
        if unknown:
            msg = f"labels {unknown[:5]} are not among classes {found}. Pass every class in classes=."
            raise EvaluationError(msg)
        return found
    values = y_true if y_pred is None else np.concatenate([y_true.astype(object), y_pred.astype(object)])
    try:
        return sorted(pd.unique(values).tolist())
    except TypeError:
        return sorted(pd.unique(values).tolist(), key=str)


def resolve_pos_label(classes: Sequence[Any], pos_label: Any | None, *, required: bool = True) -> Any | None:
    """The positive class: ``pos_label`` if it is a class, else the second class of two.

    Examples
    --------
    >>> resolve_pos_label(["No", "Yes"], None)
    'Yes'
    >>> resolve_pos_label([0, 1, 2], 2)
    2
    """
    if pos_label is not None:
        if pos_label not in list(classes):
            msg = f"pos_label {pos_label!r} is not a class; classes are {list(classes)}. Pass one of them."
            raise EvaluationError(msg)
        return pos_label
    if len(classes) == 2:
        return classes[1]
    if required:
        msg = (
            f"with {len(classes)} classes {list(classes)[:10]} a positive class is needed for one-vs-rest "
            "rates. Pass pos_label=<class>."
        )
        raise EvaluationError(msg)
    return None


def proba_matrix(proba: Any, classes: Sequence[Any], n: int) -> np.ndarray:
    """Probabilities as an ``(n, n_classes)`` array; a binary 1-D score becomes two columns."""
    matrix = np.asarray(
        proba.to_numpy() if isinstance(proba, pd.Series | pd.DataFrame) else proba, dtype=float
    )
    if matrix.ndim == 1:
        if len(classes) != 2:
            msg = (
                f"a one-dimensional proba is the positive-class probability of a binary problem; there are "
                f"{len(classes)} classes. Pass an (n_rows, n_classes) array."
            )
            raise EvaluationError(msg)
        matrix = np.column_stack([1.0 - matrix, matrix])
    if matrix.shape != (n, len(classes)):
        msg = (
            f"proba must have shape ({n}, {len(classes)}) for classes {list(classes)[:10]}; got {matrix.shape}. "
            "Pass classes= in the order of the proba columns."
        )
        raise EvaluationError(msg)
    if not np.all(np.isfinite(matrix)):
        msg = "proba has NaN or infinite values; pass finite probabilities."
        raise EvaluationError(msg)
    return matrix
