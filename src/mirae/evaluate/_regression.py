"""Regression metrics and the residual data behind the residual charts.

MAPE is the mean of ``|actual - predicted| / |actual|`` over rows whose actual
value is not 0 (a zero actual has no percentage error); ``mape_zero_rows``
says how many rows were left out, and MAPE is NaN when every actual is 0.
MAPE is a fraction: 0.12 means 12%.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mirae.errors import EvaluationError
from mirae.evaluate._inputs import as_1d, check_lengths

MAX_SCATTER_POINTS = 2000


def regression_arrays(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    """Truths and predictions as finite float arrays of one length."""
    truth = as_1d(y_true, "y_true").astype(float)
    predicted = as_1d(y_pred, "y_pred").astype(float)
    check_lengths(y_true=truth, y_pred=predicted)
    for name, values in (("y_true", truth), ("y_pred", predicted)):
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            msg = f"{name} has {len(bad)} NaN or infinite values (first: row {bad[0]}). Drop or fill those rows."
            raise EvaluationError(msg)
    return truth, predicted


def regression_metrics(y_true: Any, y_pred: Any) -> dict[str, float]:
    """RMSE, MAE, MAPE (zeros left out), R², median absolute error and bias.

    Examples
    --------
    >>> m = regression_metrics([0.0, 2.0, 4.0], [1.0, 2.0, 2.0])
    >>> m["mae"], m["mape"], m["mape_zero_rows"], m["bias"]
    (1.0, 0.25, 1.0, 0.3333333333333333)
    >>> round(m["rmse"], 4), m["r2"]
    (1.291, 0.375)
    """
    from sklearn.metrics import mean_absolute_error, median_absolute_error, r2_score, root_mean_squared_error

    truth, predicted = regression_arrays(y_true, y_pred)
    nonzero = truth != 0
    residual = truth - predicted
    constant = len(truth) < 2 or np.all(truth == truth[0])
    return {
        "rmse": float(root_mean_squared_error(truth, predicted)),
        "mae": float(mean_absolute_error(truth, predicted)),
        "mape": float(np.mean(np.abs(residual[nonzero] / truth[nonzero]))) if nonzero.any() else float("nan"),
        "mape_zero_rows": float(np.sum(~nonzero)),
        "r2": float("nan") if constant else float(r2_score(truth, predicted)),
        "median_ae": float(median_absolute_error(truth, predicted)),
        "bias": float(residual.mean()),
    }


def residual_summary(
    y_true: Any, y_pred: Any, *, n_bins: int = 30, max_points: int = MAX_SCATTER_POINTS, random_state: int = 0
) -> dict[str, Any]:
    """Residuals (actual - predicted) for charts: a bounded sample of points and a histogram.

    ``predicted``/``residual`` hold at most ``max_points`` rows drawn at random
    (seeded by ``random_state``); the histogram counts every row.

    Examples
    --------
    >>> s = residual_summary([1.0, 2.0, 3.0], [1.5, 2.0, 2.0], n_bins=2)
    >>> s["residual"], s["hist_counts"]
    ([-0.5, 0.0, 1.0], [2, 1])
    """
    truth, predicted = regression_arrays(y_true, y_pred)
    residual = truth - predicted
    rows = np.arange(len(truth))
    if len(rows) > max_points:
        rows = np.sort(np.random.default_rng(random_state).choice(len(truth), size=max_points, replace=False))
    counts, edges = np.histogram(residual, bins=n_bins)
    return {
        "predicted": predicted[rows].tolist(),
        "residual": residual[rows].tolist(),
        "n_shown": len(rows),
        "hist_counts": counts.astype(int).tolist(),
        "hist_edges": edges.tolist(),
    }
