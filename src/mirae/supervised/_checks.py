"""Checks on the training data: the target, class sizes and target leakage."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from mirae.errors import ConstantTargetError, TargetError, TargetNotFoundError, TooFewRowsPerClassError
from mirae.prep import infer_schema
from mirae.supervised._metrics import Task, binary_auc

__all__ = ["LEAKAGE_THRESHOLD", "check_class_counts", "clean_target", "find_leaks", "split_target"]

#: A feature alone explaining this share of the target (see :func:`find_leaks`) is reported.
LEAKAGE_THRESHOLD = 0.98
_LEAK_ROWS = 100_000
_LEAK_BINS = 20


def split_target(frame: pd.DataFrame, y: Any) -> tuple[pd.DataFrame, pd.Series]:
    """Return the feature table and the target as a Series aligned with it.

    ``y`` may be the name of a column of ``frame`` (it is then removed from the
    features) or an array-like with one value per row.
    """
    if y is None:
        msg = (
            "mirae requires y to be passed, but the target y is None: pass y as the target values "
            "or the name of the target column."
        )
        raise TargetNotFoundError(msg)
    if isinstance(y, str):
        if y not in frame.columns:
            msg = f"target column {y!r} is not in the table; its columns are {list(frame.columns)[:20]}."
            raise TargetNotFoundError(msg)
        return frame.drop(columns=[y]), frame[y]
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            msg = f"expected one target column; got a table with {y.shape[1]} columns."
            raise TargetError(msg)
        y = y.iloc[:, 0]
    if isinstance(y, pd.Series):
        values = y
    elif isinstance(y, list | tuple):  # a list keeps its values' own types (no common dtype forced)
        values = pd.Series(list(y))
    else:  # arrays and array-likes (anything numpy can read)
        array = np.asarray(y)
        if array.ndim > 1:
            from sklearn.exceptions import DataConversionWarning

            warnings.warn(
                "A column-vector y was passed when a 1d array was expected; mirae reads it as one "
                "column (pass y.ravel() to avoid this warning).",
                DataConversionWarning,
                stacklevel=4,
            )
        values = pd.Series(array.ravel() if array.ndim > 1 else array)
    if len(values) != len(frame):
        msg = f"the target has {len(values)} values but the table has {len(frame)} rows; pass one per row."
        raise TargetError(msg)
    return frame, values.set_axis(frame.index)


def clean_target(frame: pd.DataFrame, y: pd.Series) -> tuple[pd.DataFrame, pd.Series, np.ndarray, list[str]]:
    """Drop rows whose target is missing (with a notice); fail on an empty or constant target.

    Returns the kept rows of ``frame`` and ``y``, the boolean mask of kept
    positions and the notices.
    """
    notices: list[str] = []
    missing = y.isna().to_numpy()
    if missing.all():
        msg = (
            "the target has no rows to learn from (the table is empty)."
            if len(y) == 0
            else f"the target has no values: it is empty in all {len(y):,} rows. Pass a filled target column."
        )
        raise TargetError(msg)
    if missing.any():
        n_missing = int(missing.sum())
        notices.append(f"dropped {n_missing} of {len(y)} rows whose target is missing.")
        frame, y = frame.loc[~missing], y.loc[~missing]
    if len(y) < 2:
        msg = f"a model needs at least 2 rows to learn from; got 1 sample (n_samples = {len(y)})."
        raise TargetError(msg)
    if y.nunique() < 2:
        msg = (
            f"the target has a single value ({y.iloc[0]!r}) in all {len(y)} rows (only one class): "
            "there is nothing to learn. Check the target column or the rows selected."
        )
        raise ConstantTargetError(msg)
    return frame, y, ~missing, notices


def check_class_counts(classes: np.ndarray, counts: np.ndarray, n_folds: int) -> None:
    """Fail when a class has fewer rows than cross-validation folds."""
    small = [(c, int(n)) for c, n in zip(classes, counts, strict=True) if n < n_folds]
    if small:
        listed = ", ".join(f"{c!r} ({n} rows)" for c, n in small)
        msg = (
            f"every class needs at least {n_folds} rows for {n_folds}-fold cross-validation; "
            f"too few in {listed}. Merge rare classes, drop their rows or lower n_folds."
        )
        raise TooFewRowsPerClassError(msg)


def _groups(series: pd.Series, numeric: bool) -> np.ndarray:
    if numeric:
        values = pd.to_numeric(series, errors="coerce")
        ranks = values.rank(method="dense")
        scaled = (ranks - 1) / max(float(ranks.max()), 1.0) * _LEAK_BINS
        return np.asarray(np.floor(scaled.fillna(-1).to_numpy(dtype=np.float64)), dtype=np.int64)
    codes, _ = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


def _explained(groups: np.ndarray, y: np.ndarray, task: Task) -> float:
    """Share of the target a feature's groups explain: purity gain or eta squared."""
    frame = pd.DataFrame({"g": groups, "y": y})
    if task == "regression":
        total = float(np.var(y))
        if total == 0:
            return 0.0
        within = float(frame.groupby("g")["y"].transform("mean").sub(frame["y"]).pow(2).mean())
        return 1.0 - within / total
    base = float(frame["y"].value_counts(normalize=True).iloc[0])
    if base >= 1.0:
        return 0.0
    majority = frame.groupby("g")["y"].agg(lambda s: s.value_counts().iloc[0]).sum()
    purity = float(majority) / len(frame)
    return (purity - base) / (1.0 - base)


def _single_feature_auc(series: pd.Series, y: np.ndarray) -> float:
    """ROC-AUC of a number used alone as the score, whichever direction is better."""
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    known = values.notna().to_numpy()
    if known.sum() < 2 or len(np.unique(y[known])) < 2:
        return 0.0
    auc = binary_auc(y[known], values.to_numpy()[known])
    return max(auc, 1.0 - auc) * float(known.mean())


def find_leaks(frame: pd.DataFrame, y: np.ndarray, task: Task, random_state: int) -> list[tuple[str, float]]:
    """Features that alone explain at least :data:`LEAKAGE_THRESHOLD` of the target.

    A number is cut into 20 quantile bins, a category used as is (when it has
    at most one value per 20 rows, so identifiers do not count); the score is
    the purity gain over the majority class (classification) or the share of
    variance between groups (regression); for a binary target a number's own
    ROC-AUC (either direction) counts too. At most 100,000 rows are read.

    Returns
    -------
    list of (column, score)
        Highest score first.
    """
    if len(frame) > _LEAK_ROWS:
        take = np.sort(np.random.default_rng(random_state).choice(len(frame), _LEAK_ROWS, replace=False))
        frame, y = frame.iloc[take], y[take]
    schema = infer_schema(frame)
    leaks: list[tuple[str, float]] = []
    for column in schema.numeric + schema.categorical:
        numeric = column in schema.numeric
        if not numeric and schema.cardinality.get(column, 0) > len(frame) / _LEAK_BINS:
            continue
        score = _explained(_groups(frame[column], numeric), y, task)
        if numeric and task == "binary":
            score = max(score, _single_feature_auc(frame[column], y))
        if score >= LEAKAGE_THRESHOLD:
            leaks.append((column, round(score, 4)))
    return sorted(leaks, key=lambda item: -item[1])
