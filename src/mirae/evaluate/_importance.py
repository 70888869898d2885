"""Which columns drive a model: permutation importance and partial dependence.

Both work on the columns the user passes (a Pipeline's raw inputs, or the raw
frame of any model with ``predict``) and run on a bounded, seeded sample of
rows, so a large table costs the same as a small one. SHAP is in ``_shap``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mirae.errors import EvaluationError
from mirae.evaluate._encoding import column_numbers, date_days, is_number_column


def sample_rows(X: Any, y: Any, max_samples: int, random_state: int) -> tuple[Any, Any]:
    n = len(X)
    if n <= max_samples:
        return X, y
    rows = np.sort(np.random.default_rng(random_state).choice(n, size=max_samples, replace=False))
    pick = (lambda d: d.iloc[rows]) if isinstance(X, pd.DataFrame) else (lambda d: np.asarray(d)[rows])
    picked_y = None if y is None else (y.iloc[rows] if isinstance(y, pd.Series) else np.asarray(y)[rows])
    return pick(X), picked_y


def default_scoring(model: Any, y: Any) -> str | None:
    """``roc_auc`` for a binary classifier with probabilities, ``neg_log_loss`` for more
    classes, the model's own ``score`` (None) otherwise."""
    from sklearn.base import is_classifier

    if is_classifier(model) and hasattr(model, "predict_proba"):
        return (
            "roc_auc" if len(model.classes_) == 2 and len(pd.unique(np.asarray(y))) == 2 else "neg_log_loss"
        )
    return None


def permutation_importance(
    model: Any,
    X: Any,
    y: Any,
    *,
    scoring: str | None = "auto",
    n_repeats: int = 5,
    max_samples: int = 2000,
    random_state: int = 0,
) -> pd.DataFrame:
    """How much the score drops when each column is shuffled (scikit-learn's permutation importance).

    Parameters
    ----------
    model : fitted estimator
    X, y : the rows to score on (held-out rows give the honest answer).
    scoring : str or None
        A scikit-learn scorer name; ``"auto"`` picks :func:`default_scoring`.
    n_repeats : int
        Shuffles per column.
    max_samples : int
        At most this many rows (a seeded random sample) are used.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``feature``: ``importance_mean`` and ``importance_std``, largest first.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"signal": rng.normal(size=200), "noise": rng.normal(size=200)})
    >>> y = 3 * X["signal"]
    >>> permutation_importance(LinearRegression().fit(X, y), X, y).index.tolist()
    ['signal', 'noise']
    """
    from sklearn.inspection import permutation_importance as sklearn_permutation_importance

    from mirae.evaluate._adapter import sklearn_compatible

    model = sklearn_compatible(model)
    if scoring == "auto":
        scoring = default_scoring(model, y)
    Xs, ys = sample_rows(X, y, max_samples, random_state)
    result = sklearn_permutation_importance(
        model, Xs, ys, scoring=scoring, n_repeats=n_repeats, random_state=random_state
    )
    names = (
        [str(c) for c in X.columns] if isinstance(X, pd.DataFrame) else [f"x{i}" for i in range(Xs.shape[1])]
    )
    table = pd.DataFrame(
        {"importance_mean": result.importances_mean, "importance_std": result.importances_std},
        index=pd.Index(names, name="feature"),
    )
    return table.sort_values("importance_mean", ascending=False, kind="stable")


def partial_dependence_curves(
    model: Any,
    X: pd.DataFrame,
    features: list[str],
    *,
    grid_resolution: int = 20,
    max_samples: int = 1000,
    random_state: int = 0,
) -> list[dict[str, Any]]:
    """Average prediction as each feature varies over its range (scikit-learn's partial dependence).

    For a binary classifier the curve is the positive-class probability; for
    more classes one curve per class (``average_by_class``). A date column
    (kind ``date``) varies over a grid of days, given as ``YYYY-MM-DD``; the
    grid of a number or date column leaves its missing values out. Any other
    column that is not numeric is treated as categorical.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    >>> curve = partial_dependence_curves(LinearRegression().fit(X, 2 * X["a"]), X, ["a"], grid_resolution=3)[0]
    >>> curve["grid"], [round(v, 6) for v in curve["average"]]
    ([0.0, 1.5, 3.0], [0.0, 3.0, 6.0])
    """
    from sklearn.base import is_classifier
    from sklearn.inspection import partial_dependence

    from mirae.evaluate._adapter import sklearn_compatible

    if not isinstance(X, pd.DataFrame):
        msg = "partial dependence needs a DataFrame with named columns; wrap X in pandas.DataFrame."
        raise EvaluationError(msg)
    model = sklearn_compatible(model)
    Xs, _ = sample_rows(X, None, max_samples, random_state)
    curves = []
    for feature in features:
        column = Xs[feature]
        days = date_days(column)
        categorical = days is None and not is_number_column(column)
        if pd.api.types.is_integer_dtype(column) and not categorical:
            # scikit-learn refuses integer columns here (the grid would be rounded); use floats
            Xs = Xs.assign(**{feature: column.astype("float64")})
        custom = None
        if days is not None:
            day_grid = np.round(_numeric_grid(days, grid_resolution))
            custom = {feature: np.unique(day_grid).astype("datetime64[D]").astype("datetime64[ns]")}
            if isinstance(column.dtype, pd.DatetimeTZDtype):  # the grid is naive (UTC)
                Xs = Xs.assign(**{feature: column.dt.tz_convert("UTC").dt.tz_localize(None)})
        elif not categorical and column.isna().any():
            # scikit-learn's own grid would be NaN: build it from the values present
            custom = {feature: _numeric_grid(column_numbers(column), grid_resolution)}
        result = partial_dependence(
            model,
            Xs,
            [feature],
            categorical_features=[feature] if categorical else None,
            grid_resolution=grid_resolution,
            custom_values=custom,
            kind="average",
        )
        values = result["grid_values"][0]
        grid = (
            [str(np.datetime_as_string(v, unit="D")) for v in values]
            if days is not None
            else [v.item() if isinstance(v, np.generic) else v for v in values]
        )
        average = np.asarray(result["average"], dtype=float)
        curve: dict[str, Any] = {
            "feature": feature,
            "kind": "date" if days is not None else ("categorical" if categorical else "numeric"),
            "grid": grid,
        }
        if is_classifier(model) and average.shape[0] > 1:
            curve["average_by_class"] = {str(c): average[i].tolist() for i, c in enumerate(model.classes_)}
        else:
            curve["average"] = average[0].tolist()
        curves.append(curve)
    return curves


def _numeric_grid(values: np.ndarray, grid_resolution: int) -> np.ndarray:
    """scikit-learn's grid on the values present: each distinct value when there are few,
    else evenly spaced between the 5th and 95th percentiles."""
    present = np.unique(values[~np.isnan(values)])
    if len(present) == 0:
        msg = "partial dependence needs some values in the column; every value is missing."
        raise EvaluationError(msg)
    if len(present) < grid_resolution:
        return present
    low, high = np.percentile(values[~np.isnan(values)], [5, 95])
    return np.linspace(low, high, grid_resolution)
