"""Which columns drive a model: permutation importance, SHAP and partial dependence.

All three work on the columns the user passes (a Pipeline's raw inputs).
SHAP runs on the final estimator after preprocessing; the values of features
made from one column (its one-hot columns) are summed per row, so importance is
reported per original column. Every method runs on a bounded, seeded sample of
rows so a large table costs the same as a small one.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from mirae.errors import EvaluationError
from mirae.evaluate._features import describe_features, estimator_input, split_model


def _sample(X: Any, y: Any, max_samples: int, random_state: int) -> tuple[Any, Any]:
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

    if scoring == "auto":
        scoring = default_scoring(model, y)
    Xs, ys = _sample(X, y, max_samples, random_state)
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


def _import_shap() -> Any:
    with warnings.catch_warnings():
        # shap 0.51 imports matplotlib colormaps with a call matplotlib marks as pending deprecation
        # (Colormap.set_bad); nothing mirae can change. Checked 2025-06.
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning, module="shap")
        warnings.filterwarnings("ignore", message="The set_bad function", category=PendingDeprecationWarning)
        import shap

    return shap


def shap_values_by_column(
    model: Any,
    X: Any,
    *,
    max_samples: int = 300,
    background_size: int = 50,
    random_state: int = 0,
) -> tuple[pd.DataFrame, str]:
    """SHAP values per row and original column, and the explainer used.

    The explainer is ``tree`` (shap's exact TreeExplainer), ``linear`` (a model
    with ``coef_``: LinearExplainer, which explains the margin, e.g. log-odds) or
    ``permutation`` (any other model; shap compiles its numba kernels on the first
    call in a process, which takes several seconds).

    For a classifier the values explain the positive-class score of a binary
    model, or are averaged in absolute value over classes for more classes.
    """
    from sklearn.base import is_classifier

    shap = _import_shap()
    preprocessing, estimator = split_model(model)
    Xs, _ = _sample(X, None, max_samples, random_state)
    features = describe_features(preprocessing, Xs)
    data = estimator_input(estimator, preprocessing, Xs)
    dense = np.asarray(data, dtype=float)
    classifier = is_classifier(estimator)
    background = dense[np.random.default_rng(random_state).permutation(len(dense))[:background_size]]
    try:
        explainer = shap.TreeExplainer(estimator)
        values = explainer.shap_values(data, check_additivity=False)
        kind = "tree"
    except Exception:  # noqa: BLE001 - shap signals "not a tree model" with several exception types
        kind = "linear" if hasattr(estimator, "coef_") and hasattr(estimator, "intercept_") else "permutation"
    if kind == "linear":
        values = shap.LinearExplainer(estimator, background).shap_values(dense)
    elif kind == "permutation":
        names = getattr(estimator, "feature_names_in_", None)

        def predict(rows: np.ndarray) -> np.ndarray:
            frame = pd.DataFrame(rows, columns=list(names)) if names is not None else rows
            if classifier and hasattr(estimator, "predict_proba"):
                proba = np.asarray(estimator.predict_proba(frame))
                return proba[:, 1] if proba.shape[1] == 2 else proba
            return np.asarray(estimator.predict(frame), dtype=float)

        masker = shap.maskers.Independent(background, max_samples=background_size)
        permutation = shap.PermutationExplainer(predict, masker, seed=random_state)
        values = permutation(dense, max_evals=2 * dense.shape[1] + 1, silent=True).values
    matrix = _per_row_matrix(values, classifier)
    if matrix.shape != dense.shape:
        msg = f"SHAP returned values of shape {np.shape(values)} for {dense.shape} inputs; cannot attribute them."
        raise EvaluationError(msg)
    columns = [f.column if f.kind != "other" else f.name for f in features]
    by_feature = pd.DataFrame(matrix, columns=[f.name for f in features])
    grouped = by_feature.T.groupby(pd.Index(columns), sort=False).sum().T
    return grouped, kind


def _per_row_matrix(values: Any, classifier: bool) -> np.ndarray:
    if isinstance(values, list):
        values = np.stack(values, axis=-1)
    array = np.asarray(values, dtype=float)
    if array.ndim == 3:
        # (rows, features, classes): the positive class of two, else mean |value| over classes
        return array[:, :, 1] if array.shape[2] == 2 else np.abs(array).mean(axis=2)
    return array


def shap_importance(
    model: Any, X: Any, *, max_samples: int = 300, background_size: int = 50, random_state: int = 0
) -> pd.DataFrame:
    """Mean absolute SHAP value per original column, largest first.

    Tree models (scikit-learn trees and forests, LightGBM, XGBoost, CatBoost)
    use shap's exact TreeExplainer, linear models its LinearExplainer, other
    models a PermutationExplainer; all on at most ``max_samples`` rows, with
    ``background_size`` background rows where one is needed.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> X = pd.DataFrame({"a": np.arange(40.0), "b": np.zeros(40)})
    >>> table = shap_importance(DecisionTreeRegressor(max_depth=2).fit(X, X["a"] > 20), X)
    >>> table.index.tolist(), float(table.loc["b", "mean_abs_shap"])
    (['a', 'b'], 0.0)
    """
    values, _ = shap_values_by_column(
        model, X, max_samples=max_samples, background_size=background_size, random_state=random_state
    )
    table = pd.DataFrame({"mean_abs_shap": values.abs().mean(axis=0)})
    table.index.name = "feature"
    return table.sort_values("mean_abs_shap", ascending=False, kind="stable")


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
    more classes one curve per class (``average_by_class``). A column that is
    not numeric is treated as categorical.

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

    if not isinstance(X, pd.DataFrame):
        msg = "partial dependence needs a DataFrame with named columns; wrap X in pandas.DataFrame."
        raise EvaluationError(msg)
    Xs, _ = _sample(X, None, max_samples, random_state)
    curves = []
    for feature in features:
        column = Xs[feature]
        categorical = not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)
        if pd.api.types.is_integer_dtype(column) and not categorical:
            # scikit-learn refuses integer columns here (the grid would be rounded); use floats
            Xs = Xs.assign(**{feature: column.astype("float64")})
        result = partial_dependence(
            model,
            Xs,
            [feature],
            categorical_features=[feature] if categorical else None,
            grid_resolution=grid_resolution,
            kind="average",
        )
        grid = [v.item() if isinstance(v, np.generic) else v for v in result["grid_values"][0]]
        average = np.asarray(result["average"], dtype=float)
        curve: dict[str, Any] = {
            "feature": feature,
            "kind": "categorical" if categorical else "numeric",
            "grid": grid,
        }
        if is_classifier(model) and average.shape[0] > 1:
            curve["average_by_class"] = {str(c): average[i].tolist() for i, c in enumerate(model.classes_)}
        else:
            curve["average"] = average[0].tolist()
        curves.append(curve)
    return curves
