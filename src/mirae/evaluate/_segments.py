"""Where a model is wrong: error rates for each value (or bin) of one column.

Rates and their denominators (binary, or one-vs-rest for a chosen positive
class; ``P``/``N`` actual positives/negatives, ``PP``/``PN`` predicted ones)::

    prevalence  = P / n               accuracy    = (TP + TN) / n
    tpr         = TP / P              fnr         = FN / P
    specificity = TN / N              fpr         = FP / N
    precision   = TP / PP             fdr         = FP / PP
    npv         = TN / PN             for         = FN / PN

A rate whose denominator is zero (a segment with no actual negatives has no
specificity) is NaN, never 0 or 1: the data say nothing about it. For
multiclass input ``accuracy`` is the share of exact matches, the other rates
are one-vs-rest for ``pos_label``.

A numeric column with more than ``max_levels`` distinct values is cut into
``bins`` quantile bins; missing values form their own segment, ``(missing)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mirae.evaluate._inputs import as_1d, check_lengths, resolve_classes, resolve_pos_label

MISSING = "(missing)"

RATE_COLUMNS = (
    "prevalence",
    "accuracy",
    "tpr",
    "precision",
    "specificity",
    "npv",
    "fpr",
    "fdr",
    "fnr",
    "for",
)


def segment_labels(values: Any, *, bins: int = 5, max_levels: int = 12, name: str | None = None) -> pd.Series:
    """The segment of each row: the value itself, or its quantile bin for a many-valued number.

    Examples
    --------
    >>> segment_labels([1, 2, 2, None], name="k").astype(str).tolist()
    ['1', '2', '2', '(missing)']
    >>> segment_labels(list(range(100)), bins=2).astype(str).unique().tolist()
    ['[0, 49.5)', '[49.5, 99]']
    """
    series = (
        values.reset_index(drop=True)
        if isinstance(values, pd.Series)
        else pd.Series(as_1d(values, "segments"))
    )
    label_name = str(name if name is not None else (series.name if series.name is not None else "segment"))
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if numeric and series.nunique(dropna=True) > max_levels:
        edges = np.unique(np.nanquantile(series.to_numpy(dtype=float), np.linspace(0, 1, bins + 1)))
        codes = np.clip(
            np.searchsorted(edges, series.to_numpy(dtype=float), side="right") - 1, 0, len(edges) - 2
        )
        names = [
            f"[{_short(lo)}, {_short(hi)}{']' if i == len(edges) - 2 else ')'}"
            for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True))
        ]
        labels: pd.Series = pd.Series(
            pd.Categorical.from_codes(codes, categories=pd.Index(names), validate=False)
        )
        if series.isna().any():
            codes = np.where(series.isna().to_numpy(), len(names), codes)
            labels = pd.Series(
                pd.Categorical.from_codes(codes, categories=pd.Index([*names, MISSING]), validate=False)
            )
        return labels.rename(label_name)
    present = pd.unique(series.dropna())
    try:
        order = sorted(present.tolist())
    except TypeError:
        order = sorted(present.tolist(), key=str)
    categories = [*order, MISSING] if series.isna().any() else order
    labels = pd.Series(
        pd.Categorical(series.astype(object).where(series.notna(), MISSING), categories=categories)
    )
    return labels.rename(label_name)


def _short(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def per_segment_errors(
    y_true: Any,
    y_pred: Any,
    segments: Any,
    *,
    pos_label: Any | None = None,
    bins: int = 5,
    max_levels: int = 12,
) -> pd.DataFrame:
    """Error rates of a classifier for each value (or quantile bin) of a column.

    Parameters
    ----------
    y_true, y_pred : array-like
        True and predicted labels.
    segments : array-like or pandas.Series
        The column to split by, one value per row (its name names the index).
    pos_label : optional
        The positive class; by default the larger of two labels. Required for
        multiclass input (rates are then one-vs-rest).
    bins, max_levels : int
        A numeric column with more than ``max_levels`` distinct values is cut into
        ``bins`` quantile bins.

    Returns
    -------
    pandas.DataFrame
        One row per segment: ``n``, ``prevalence``, ``accuracy``, ``tpr``,
        ``precision``, ``specificity``, ``npv``, ``fpr``, ``fdr``, ``fnr``,
        ``for``, and the counts ``tp``, ``fp``, ``tn``, ``fn``. A rate with a
        zero denominator is NaN (see the module notes).

    Examples
    --------
    >>> table = per_segment_errors([1, 1, 0, 0, 1, 1], [1, 0, 0, 1, 1, 1], ["a", "a", "a", "a", "b", "b"])
    >>> table.loc["a", ["n", "prevalence", "tpr", "precision", "fpr"]].tolist()
    [4.0, 0.5, 0.5, 0.5, 0.5]

    Segment ``b`` has no actual negatives, so its specificity is undefined:

    >>> table.loc["b", ["prevalence", "tpr", "specificity"]].tolist()
    [1.0, 1.0, nan]
    """
    truth = as_1d(y_true, "y_true")
    predicted = as_1d(y_pred, "y_pred")
    segment_values = segments if isinstance(segments, pd.Series) else as_1d(segments, "segments")
    check_lengths(y_true=truth, y_pred=predicted, segments=segment_values)
    classes = resolve_classes(truth, predicted, None)
    if pos_label is None and len(classes) == 1 and classes[0] in (0, 1):
        pos_label = 1
    positive_label = resolve_pos_label(classes, pos_label) if pos_label is None else pos_label
    labels = segment_labels(segment_values, bins=bins, max_levels=max_levels)
    frame = pd.DataFrame(
        {
            "segment": labels,
            "tp": (truth == positive_label) & (predicted == positive_label),
            "fp": (truth != positive_label) & (predicted == positive_label),
            "tn": (truth != positive_label) & (predicted != positive_label),
            "fn": (truth == positive_label) & (predicted != positive_label),
            "correct": truth == predicted,
        }
    )
    counts = frame.groupby("segment", observed=True, sort=True).sum().astype(int)
    tp, fp, tn, fn = (counts[c].to_numpy() for c in ("tp", "fp", "tn", "fn"))
    n = tp + fp + tn + fn
    actual_pos, actual_neg, pred_pos, pred_neg = tp + fn, fp + tn, tp + fp, tn + fn
    table = pd.DataFrame(
        {
            "n": n,
            "prevalence": _divide(actual_pos, n),
            "accuracy": _divide(counts["correct"].to_numpy(), n),
            "tpr": _divide(tp, actual_pos),
            "precision": _divide(tp, pred_pos),
            "specificity": _divide(tn, actual_neg),
            "npv": _divide(tn, pred_neg),
            "fpr": _divide(fp, actual_neg),
            "fdr": _divide(fp, pred_pos),
            "fnr": _divide(fn, actual_pos),
            "for": _divide(fn, pred_neg),
            "tp": tp,
            "fp": fp,
            "tn": tn,
            "fn": fn,
        },
        index=pd.Index(counts.index.astype(object), name=labels.name),
    )
    return table


def regression_errors_by_segment(
    y_true: Any, y_pred: Any, segments: Any, *, bins: int = 5, max_levels: int = 12
) -> pd.DataFrame:
    """Regression errors for each value (or quantile bin) of a column.

    Columns: ``n``, ``mean_actual``, ``mean_predicted``, ``bias`` (mean of actual
    - predicted), ``rmse``, ``mae``, ``mape`` (rows with actual 0 left out; NaN
    when all are 0) and ``r2`` (NaN for fewer than two rows or a constant actual).

    Examples
    --------
    >>> table = regression_errors_by_segment([1.0, 3.0, 10.0, 20.0], [2.0, 3.0, 12.0, 18.0], ["a", "a", "b", "b"])
    >>> table.loc["a", ["n", "bias", "mae"]].tolist()
    [2.0, -0.5, 0.5]
    >>> float(table.loc["b", "rmse"])
    2.0
    """
    truth = as_1d(y_true, "y_true").astype(float)
    predicted = as_1d(y_pred, "y_pred").astype(float)
    segment_values = segments if isinstance(segments, pd.Series) else as_1d(segments, "segments")
    check_lengths(y_true=truth, y_pred=predicted, segments=segment_values)
    labels = segment_labels(segment_values, bins=bins, max_levels=max_levels)
    rows = {}
    for key, index in labels.groupby(labels, observed=True, sort=True).groups.items():
        positions = np.asarray(index)
        actual, guess = truth[positions], predicted[positions]
        residual = actual - guess
        nonzero = actual != 0
        total = float(np.sum((actual - actual.mean()) ** 2))
        rows[key] = {
            "n": len(positions),
            "mean_actual": float(actual.mean()),
            "mean_predicted": float(guess.mean()),
            "bias": float(residual.mean()),
            "rmse": float(np.sqrt(np.mean(residual**2))),
            "mae": float(np.mean(np.abs(residual))),
            "mape": float(np.mean(np.abs(residual[nonzero] / actual[nonzero])))
            if nonzero.any()
            else float("nan"),
            "r2": 1.0 - float(np.sum(residual**2)) / total
            if len(positions) > 1 and total > 0
            else float("nan"),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index = pd.Index(table.index.astype(object), name=labels.name)
    return table
