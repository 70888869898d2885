"""SHAP values per original column, for Pipelines, trees and any model with ``predict``.

Three routes, all on a bounded, seeded sample of rows:

- a Pipeline (or a model taking numbers) whose final estimator is a tree or a
  linear model: shap's exact TreeExplainer or its LinearExplainer on the
  features after preprocessing; the values of features made from one column
  (its one-hot columns) are summed per row;
- a Pipeline ending in any other estimator: the permutation estimate below on
  those features;
- any other model (an AutoML model, a wrapper, anything that takes the raw
  frame, text and dates included): the permutation estimate on the raw
  frame, on at most :data:`MODEL_AGNOSTIC_ROWS` rows. Each column's values
  are replaced by integer codes (equal codes for equal values); the estimate
  masks the codes and the model sees a frame rebuilt from them with the
  original values and dtypes, so a masked cell holds a value of a background
  row, exactly as for numbers.

The permutation estimate is the method of shap's PermutationExplainer at its
smallest budget (one antithetic permutation per row against the background
rows; a row's values add up exactly to its output minus the background's
mean), computed by mirae with many rows per model call: shap's explainer
makes one call per row and spends most of its time in its own bookkeeping
(13 s of 15 s for 60 rows of an AutoML model on telco churn).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from mirae.errors import EvaluationError
from mirae.evaluate._features import describe_features, estimator_input, split_model
from mirae.evaluate._importance import sample_rows

#: The raw-frame route explains at most this many of the sampled rows: each row costs
#: (2 x columns + 1) x background rows of model input, through the model's own preprocessing.
MODEL_AGNOSTIC_ROWS = 60

#: The permutation estimate hands the model at most about this many rows per call (whole
#: explained rows at a time, at least one): few calls, bounded memory.
MAX_BATCH_ROWS = 40_000


class ShapValues(NamedTuple):
    """SHAP values (one row per explained row, indexed like ``X`` on the raw-frame route; one
    column per original column) and the explainer used."""

    values: pd.DataFrame
    explainer: str


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
    background: Any | None = None,
) -> ShapValues:
    """SHAP values per row and original column, and the explainer used.

    The explainer is ``tree`` (shap's exact TreeExplainer), ``linear`` (a model
    with ``coef_``: LinearExplainer, which explains the margin, e.g. log-odds)
    or ``permutation`` (any other model: :func:`permutation_attribution`; on
    the raw frame, and on at most :data:`MODEL_AGNOSTIC_ROWS` rows, when the
    model is not a Pipeline).

    For a classifier the values explain the positive-class probability of a
    binary model, or are averaged in absolute value over classes for more
    classes.

    ``background`` (rows like ``X``, e.g. a sample of the training table)
    stands in for the background rows otherwise drawn from ``X`` itself; give
    it to explain a few rows, or one, against the data the model learned from.
    """
    from sklearn.base import is_classifier

    from mirae.evaluate._adapter import sklearn_compatible

    model = sklearn_compatible(model)
    preprocessing, estimator = split_model(model)
    Xs, _ = sample_rows(X, None, max_samples, random_state)
    raw_frame = preprocessing is None and isinstance(Xs, pd.DataFrame)
    if raw_frame and not _numbers_only(Xs):
        return _explain_raw_frame(model, Xs, background_size, random_state, background)
    features = describe_features(preprocessing, Xs)
    data = estimator_input(estimator, preprocessing, Xs)
    dense = np.asarray(data, dtype=float)
    classifier = is_classifier(estimator)
    pool = (
        dense
        if background is None
        else np.asarray(estimator_input(estimator, preprocessing, background), float)
    )
    encoded_background = pool[np.random.default_rng(random_state).permutation(len(pool))[:background_size]]
    shap = _import_shap()
    try:
        explainer = shap.TreeExplainer(estimator)
        values = explainer.shap_values(data, check_additivity=False)
        kind = "tree"
    except Exception:  # noqa: BLE001 - shap signals "not a tree model" with several exception types
        kind = "linear" if hasattr(estimator, "coef_") and hasattr(estimator, "intercept_") else "permutation"
    if kind == "permutation" and raw_frame:
        return _explain_raw_frame(model, Xs, background_size, random_state, background)
    if kind == "linear":
        values = shap.LinearExplainer(estimator, encoded_background).shap_values(dense)
    elif kind == "permutation":
        names = getattr(estimator, "feature_names_in_", None)

        def predict(rows: np.ndarray) -> np.ndarray:
            frame = pd.DataFrame(rows, columns=list(names)) if names is not None else rows
            return _model_output(estimator, frame, classifier)

        values = permutation_attribution(predict, dense, encoded_background, random_state=random_state)
    matrix = _per_row_matrix(values)
    if matrix.shape != dense.shape:
        msg = f"SHAP returned values of shape {np.shape(values)} for {dense.shape} inputs; cannot attribute them."
        raise EvaluationError(msg)
    columns = [f.column if f.kind != "other" else f.name for f in features]
    by_feature = pd.DataFrame(matrix, columns=[f.name for f in features])
    grouped = by_feature.T.groupby(pd.Index(columns), sort=False).sum().T
    return ShapValues(grouped, kind)


def _numbers_only(frame: pd.DataFrame) -> bool:
    return all(isinstance(d, np.dtype) and d.kind in "biuf" for d in frame.dtypes)


def _model_output(model: Any, frame: Any, classifier: bool) -> np.ndarray:
    """What SHAP explains: positive-class probability (binary), class probabilities, or the prediction."""
    if classifier:
        if hasattr(model, "predict_proba"):
            scores = np.asarray(model.predict_proba(frame), dtype=float)
        else:  # labels only: an indicator per class
            predicted = np.asarray(model.predict(frame), dtype=object)
            scores = (predicted[:, None] == np.asarray(model.classes_, dtype=object)[None, :]).astype(float)
        return scores[:, 1] if scores.shape[1] == 2 else scores
    return np.asarray(model.predict(frame), dtype=float)


class _ValueCodes:
    """Each column's values as integer codes, and a frame rebuilt from codes.

    Equal values share a code (so shap sees which masked cells do not change);
    a code turns back into the value of the first pooled row holding it, with
    the column's dtype (text, category, dates, nullable numbers, NaN).
    """

    def __init__(self, pool: pd.DataFrame) -> None:
        self.pool = pool.reset_index(drop=True)
        self.codes = np.empty(pool.shape, dtype=float)
        self.first_rows: list[np.ndarray] = []
        for j in range(pool.shape[1]):
            try:
                codes, _ = pd.factorize(self.pool.iloc[:, j], use_na_sentinel=False)
            except TypeError:  # unhashable values: every row its own code
                codes = np.arange(len(pool))
            _, first = np.unique(codes, return_index=True)  # codes run 0..k-1
            self.codes[:, j] = codes
            self.first_rows.append(first)

    def frame(self, codes: np.ndarray) -> pd.DataFrame:
        picks = np.asarray(codes).astype(np.intp)
        columns = [
            self.pool.iloc[self.first_rows[j][picks[:, j]], j].reset_index(drop=True)
            for j in range(picks.shape[1])
        ]
        return pd.concat(columns, axis=1, keys=self.pool.columns)


def _explain_raw_frame(
    model: Any, rows: pd.DataFrame, background_size: int, random_state: int, background: Any | None = None
) -> ShapValues:
    from sklearn.base import is_classifier

    order = np.random.default_rng(random_state).permutation(len(rows))
    if background is None:
        background = rows.iloc[order[: max(1, background_size)]]
    else:
        pool = pd.DataFrame(background)[list(rows.columns)]
        picks = np.random.default_rng(random_state).permutation(len(pool))[: max(1, background_size)]
        background = pool.iloc[np.sort(picks)]
    rows = rows.iloc[np.sort(order[:MODEL_AGNOSTIC_ROWS])]
    coder = _ValueCodes(pd.concat([rows, background], ignore_index=True))
    explained, base = coder.codes[: len(rows)], coder.codes[len(rows) :]
    classifier = is_classifier(model)

    def predict(codes: np.ndarray) -> np.ndarray:
        return _model_output(model, coder.frame(codes), classifier)

    values = permutation_attribution(predict, explained, base, random_state=random_state)
    matrix = _per_row_matrix(values)
    if matrix.shape != rows.shape:
        msg = f"SHAP returned values of shape {np.shape(values)} for {rows.shape} inputs; cannot attribute them."
        raise EvaluationError(msg)
    values_by_column = pd.DataFrame(matrix, index=rows.index, columns=[str(c) for c in rows.columns])
    return ShapValues(values_by_column, "permutation")


def permutation_attribution(
    predict: Callable[[np.ndarray], np.ndarray],
    explained: np.ndarray,
    background: np.ndarray,
    *,
    random_state: int = 0,
    max_batch_rows: int = MAX_BATCH_ROWS,
) -> np.ndarray:
    """Shapley values estimated from one antithetic permutation per row (shap's permutation method).

    For each row, the features are switched from background values to the
    row's values one at a time in a random order, then back in the same order;
    a feature's value is the mean change in the output (averaged over the
    background rows) when it was switched. The values of a row add up to its
    output minus the background's mean output.

    Several rows go to ``predict`` in one call, up to about ``max_batch_rows``
    rows of model input (``2 x features + 1`` per background row and explained
    row); the result does not depend on it.

    Returns an array ``(rows, features)``, or ``(rows, features, outputs)``
    for a model with several outputs.

    Examples
    --------
    >>> predict = lambda rows: rows[:, 0] * 2.0 + rows[:, 1]
    >>> values = permutation_attribution(predict, np.array([[1.0, 1.0]]), np.zeros((3, 2)))
    >>> values.tolist()
    [[2.0, 1.0]]
    """
    rng = np.random.default_rng(random_state)
    n_rows, n_features = explained.shape
    steps = 2 * n_features + 1
    orders = (
        np.stack([rng.permutation(n_features) for _ in range(n_rows)]) if n_rows else np.zeros((0, 0), int)
    )
    per_call = max(1, max_batch_rows // (steps * len(background)))
    chunks = []
    single_output = True
    for start in range(0, n_rows, per_call):
        block, block_orders = explained[start : start + per_call], orders[start : start + per_call]
        masks = _switch_masks(block_orders, n_features)  # (rows, steps, features)
        hybrid = np.where(masks[:, :, None, :], block[:, None, None, :], background[None, None, :, :])
        outputs = np.asarray(predict(hybrid.reshape(-1, n_features)), dtype=float)
        single_output = outputs.ndim == 1
        means = outputs.reshape(len(block), steps, len(background), -1).mean(axis=2)
        changes = np.diff(means, axis=1)  # (rows, steps - 1, outputs)
        switched = (changes[:, :n_features] - changes[:, n_features:]) / 2
        values = np.empty_like(switched)
        np.put_along_axis(values, block_orders[:, :, None], switched, axis=1)
        chunks.append(values)
    stacked = np.concatenate(chunks) if chunks else np.zeros((0, n_features, 1))
    return stacked[:, :, 0] if single_output else stacked


def _switch_masks(orders: np.ndarray, n_features: int) -> np.ndarray:
    """For each row's order: which features hold the row's value at each step (on one by one, then off)."""
    n_rows = len(orders)
    rank = np.empty_like(orders)
    np.put_along_axis(rank, orders, np.arange(n_features)[None, :].repeat(n_rows, axis=0), axis=1)
    step = np.arange(2 * n_features + 1)[None, :, None]
    on = rank[:, None, :] < step  # switched on by this step
    off = rank[:, None, :] < step - n_features  # and switched off again
    return on & ~off


def _per_row_matrix(values: Any) -> np.ndarray:
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
    models the permutation estimate of :func:`permutation_attribution` (on the
    raw frame, text and dates included, when the model is not a Pipeline: then
    on at most ``MODEL_AGNOSTIC_ROWS`` = 60 rows); all on at most ``max_samples`` rows, with
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
    result = shap_values_by_column(
        model, X, max_samples=max_samples, background_size=background_size, random_state=random_state
    )
    return importance_table(result.values)


def importance_table(values: pd.DataFrame) -> pd.DataFrame:
    """Mean absolute value per column of per-row SHAP values, largest first, indexed by ``feature``."""
    table = pd.DataFrame({"mean_abs_shap": values.abs().mean(axis=0)})
    table.index.name = "feature"
    return table.sort_values("mean_abs_shap", ascending=False, kind="stable")
