"""Build the scikit-learn ColumnTransformer that a :class:`TableSchema` calls for.

Two styles, because models want different inputs:

- ``"linear"`` (linear models, SVM, k-NN, MLP): numbers are imputed with the
  median plus a missing-indicator, Yeo-Johnson transformed when skewed and
  standardised; categories are one-hot encoded up to ``max_onehot`` values and
  target encoded above it (ordinal-free, so distances mean something).
- ``"tree"`` (trees and boosting): numbers imputed, never scaled; categories
  ordinal encoded, target encoded above ``target_encode_min`` values.

Text columns arrive with missing values already replaced by
:data:`MISSING_CATEGORY` (see :class:`~mirae.prep.TablePreprocessor`).
Unseen categories at predict time never fail: one-hot gives all zeros,
ordinal gives ``-1`` and target encoding gives the overall target mean.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    OneHotEncoder,
    OrdinalEncoder,
    PowerTransformer,
    StandardScaler,
    TargetEncoder,
)

from mirae.prep._schema import TableSchema

__all__ = ["MISSING_CATEGORY", "PreprocessStyle", "build_column_transformer"]

PreprocessStyle = Literal["linear", "tree"]

#: The category that stands in for a missing value in a text column.
MISSING_CATEGORY = "__missing__"


def build_column_transformer(
    schema: TableSchema,
    *,
    numeric: list[str],
    style: PreprocessStyle = "linear",
    supervised: bool = False,
    max_onehot: int = 10,
    target_encode_min: int = 50,
    skewness: dict[str, float] | None = None,
    skew_threshold: float = 1.0,
    random_state: int | None = None,
) -> ColumnTransformer:
    """Return an unfitted ColumnTransformer for the roles in ``schema``.

    Parameters
    ----------
    schema : TableSchema
        Roles of the columns (from :func:`~mirae.prep.infer_schema`).
    numeric : list of str
        The numeric columns after date parts were added.
    style : {"linear", "tree"}
        Which kind of model the output feeds (see the module docstring).
    supervised : bool
        Whether a target is available at fit time; target encoding needs one.
    max_onehot : int
        Most distinct values one-hot encoded (``"linear"`` style).
    target_encode_min : int
        Fewest distinct values target encoded in the ``"tree"`` style.
    skewness : dict of str to float, optional
        Skewness of numeric columns; above ``skew_threshold`` in absolute value a
        column is Yeo-Johnson transformed (``"linear"`` style).
    skew_threshold : float
        See ``skewness``.
    random_state : int, optional
        Seed of the folds target encoding cross-fits on.

    Returns
    -------
    ColumnTransformer
        Outputs a dense float64 array.

    Examples
    --------
    >>> from mirae.prep import TableSchema
    >>> ct = build_column_transformer(TableSchema(numeric=["a"], categorical=["b"],
    ...                               cardinality={"b": 3}), numeric=["a"])
    >>> [name for name, _, _ in ct.transformers]
    ['num', 'onehot']
    """
    skewness = skewness or {}
    transformers: list[tuple[str, object, list[str]]] = []
    if numeric:
        if style == "linear":
            skewed = [c for c in numeric if abs(skewness.get(c, 0.0)) > skew_threshold]
            plain = [c for c in numeric if c not in skewed]
            if plain:
                transformers.append(
                    (
                        "num",
                        Pipeline(
                            [
                                ("impute", SimpleImputer(strategy="median", add_indicator=True)),
                                ("scale", StandardScaler()),
                            ]
                        ),
                        plain,
                    )
                )
            if skewed:
                transformers.append(
                    (
                        "skewed",
                        Pipeline(
                            [
                                ("impute", SimpleImputer(strategy="median", add_indicator=True)),
                                ("yeo_johnson", PowerTransformer(method="yeo-johnson", standardize=True)),
                            ]
                        ),
                        skewed,
                    )
                )
        else:
            transformers.append(("num", SimpleImputer(strategy="median", add_indicator=True), numeric))

    low: list[str] = []
    high: list[str] = []
    cutoff = max_onehot if style == "linear" else target_encode_min
    for column in schema.categorical:
        (low if schema.cardinality.get(column, 0) <= cutoff else high).append(column)
    if style == "linear":
        if low:
            onehot = OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=np.float64)
            transformers.append(("onehot", onehot, low))
        if high and not supervised:  # no target: one-hot of the frequent values only
            capped = OneHotEncoder(
                handle_unknown="infrequent_if_exist",
                max_categories=max_onehot + 1,
                sparse_output=False,
                dtype=np.float64,
            )
            transformers.append(("onehot_capped", capped, high))
    else:
        ordinal_columns = low if supervised else low + high
        if ordinal_columns:
            ordinal = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, dtype=np.float64)
            transformers.append(("ordinal", ordinal, ordinal_columns))
    if high and supervised:
        folds = KFold(n_splits=5, shuffle=True, random_state=random_state)
        steps: list[tuple[str, object]] = [("encode", TargetEncoder(cv=folds))]
        if style == "linear":
            steps.append(("scale", StandardScaler()))
        transformers.append(("target", Pipeline(steps), high))
    return ColumnTransformer(
        transformers, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=True
    )
