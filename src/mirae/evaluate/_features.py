"""Name the features a model's final estimator sees after the columns the user gave.

A fitted scikit-learn ``Pipeline`` is split into its preprocessing and its final
estimator. Walking the preprocessing (``Pipeline``, ``ColumnTransformer``,
``OneHotEncoder``, ``OrdinalEncoder``, the standard/min-max/robust scalers and
imputers) maps every output feature back to an input column: a scaled number
keeps the affine map to its original units, a one-hot column becomes
``column = category``. Any other transformer yields its own output names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

Kind = Literal["numeric", "onehot", "ordinal", "rare", "other"]


@dataclass(frozen=True)
class FeatureInfo:
    """One feature the final estimator sees and where it came from.

    ``original = transformed * scale + offset`` for numeric features; a
    ``rare`` feature is 1 for any value of ``column`` outside ``categories``
    (missing included).
    """

    name: str
    column: str
    kind: Kind = "numeric"
    category: Any = None
    categories: tuple[Any, ...] = ()
    scale: float = 1.0
    offset: float = 0.0


def split_model(model: Any) -> tuple[Any | None, Any]:
    """``(preprocessing, final_estimator)`` of a Pipeline; ``(None, model)`` otherwise."""
    from sklearn.pipeline import Pipeline

    if isinstance(model, Pipeline) and len(model.steps) > 1:
        return model[:-1], model[-1]
    if isinstance(model, Pipeline):
        return None, model[-1]
    return None, model


def transform_dense(preprocessing: Any | None, X: Any) -> np.ndarray:
    """``X`` through ``preprocessing`` as a dense float array."""
    data = X if preprocessing is None else preprocessing.transform(X)
    if hasattr(data, "toarray"):
        data = data.toarray()
    return np.asarray(data.to_numpy() if isinstance(data, pd.DataFrame) else data, dtype=float)


def input_features(X: Any, feature_names: list[str] | None = None) -> list[FeatureInfo]:
    """One numeric FeatureInfo per column of ``X`` (its names, ``feature_names``, or ``x0``...)."""
    if feature_names is not None:
        names = [str(n) for n in feature_names]
    elif isinstance(X, pd.DataFrame):
        names = [str(c) for c in X.columns]
    else:
        names = [f"x{i}" for i in range(np.asarray(X).shape[1])]
    return [FeatureInfo(name=n, column=n) for n in names]


def describe_features(
    preprocessing: Any | None, X: Any, feature_names: list[str] | None = None
) -> list[FeatureInfo]:
    """The features after ``preprocessing``, each traced back to an input column of ``X``."""
    inputs = input_features(X, feature_names)
    if preprocessing is None:
        return inputs
    infos = _walk(preprocessing, inputs)
    try:
        names = [str(n) for n in preprocessing.get_feature_names_out()]
    except (AttributeError, ValueError, TypeError):
        names = [info.name for info in infos]
    if len(names) != len(infos):
        return [FeatureInfo(name=n, column=n, kind="other") for n in names]
    return [replace(info, name=name) for info, name in zip(infos, names, strict=True)]


def _walk(transformer: Any, inputs: list[FeatureInfo]) -> list[FeatureInfo]:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import (
        MinMaxScaler,
        OneHotEncoder,
        OrdinalEncoder,
        RobustScaler,
        StandardScaler,
    )

    if transformer in ("passthrough", None):
        return inputs
    if isinstance(transformer, Pipeline):
        for _, step in transformer.steps:
            inputs = _walk(step, inputs)
        return inputs
    if isinstance(transformer, ColumnTransformer):
        return _walk_columns(transformer, inputs)
    if isinstance(transformer, OneHotEncoder):
        return _one_hot(transformer, inputs)
    if isinstance(transformer, OrdinalEncoder) and len(transformer.categories_) == len(inputs):
        return [
            replace(info, kind="ordinal", categories=tuple(cats))
            for info, cats in zip(inputs, transformer.categories_, strict=True)
        ]
    if isinstance(transformer, StandardScaler | RobustScaler):
        center = getattr(transformer, "mean_", None) if isinstance(transformer, StandardScaler) else None
        center = transformer.center_ if isinstance(transformer, RobustScaler) else center
        scale = transformer.scale_
        return [
            _affine(
                info,
                1.0 if scale is None else float(scale[i]),
                0.0 if center is None or not getattr(transformer, "with_mean", True) else float(center[i]),
            )
            for i, info in enumerate(inputs)
        ]
    if isinstance(transformer, MinMaxScaler):
        return [
            _affine(
                info,
                1.0 / float(transformer.scale_[i]),
                -float(transformer.min_[i]) / float(transformer.scale_[i]),
            )
            for i, info in enumerate(inputs)
        ]
    if isinstance(transformer, SimpleImputer):
        outputs = _output_names(transformer, inputs)
        if len(outputs) == len(inputs):
            return inputs
        return [FeatureInfo(name=n, column=n, kind="other") for n in outputs]
    return [FeatureInfo(name=n, column=n, kind="other") for n in _output_names(transformer, inputs)]


def _affine(info: FeatureInfo, scale: float, offset: float) -> FeatureInfo:
    if info.kind != "numeric":
        return replace(info, kind="other")
    # transformed t: previous = t * scale + offset; original = previous * info.scale + info.offset
    return replace(info, scale=info.scale * scale, offset=info.scale * offset + info.offset)


def _output_names(transformer: Any, inputs: list[FeatureInfo]) -> list[str]:
    try:
        return [str(n) for n in transformer.get_feature_names_out([i.name for i in inputs])]
    except (AttributeError, ValueError, TypeError):
        return [i.name for i in inputs]


def _one_hot(encoder: Any, inputs: list[FeatureInfo]) -> list[FeatureInfo]:
    outputs: list[FeatureInfo] = []
    drop_idx = getattr(encoder, "drop_idx_", None)
    infrequent = getattr(encoder, "infrequent_categories_", None)
    for i, (info, categories) in enumerate(zip(inputs, encoder.categories_, strict=True)):
        if infrequent is not None and infrequent[i] is not None:
            return [FeatureInfo(name=n, column=n, kind="other") for n in _output_names(encoder, inputs)]
        for j, category in enumerate(categories):
            if drop_idx is not None and drop_idx[i] is not None and j == drop_idx[i]:
                continue
            value = category.item() if isinstance(category, np.generic) else category
            outputs.append(
                FeatureInfo(name=f"{info.column}_{value}", column=info.column, kind="onehot", category=value)
            )
    return outputs


def _walk_columns(transformer: Any, inputs: list[FeatureInfo]) -> list[FeatureInfo]:
    by_name = {info.name: i for i, info in enumerate(inputs)}
    outputs: list[FeatureInfo] = []
    for _, step, columns in transformer.transformers_:
        if step == "drop":
            continue
        positions = _positions(columns, by_name, len(inputs))
        outputs.extend(_walk(step, [inputs[p] for p in positions]))
    return outputs


def _positions(columns: Any, by_name: dict[str, int], n: int) -> list[int]:
    if isinstance(columns, slice):
        return list(range(n))[columns]
    values = np.atleast_1d(np.asarray(columns))
    if values.dtype == bool:
        return [int(i) for i in np.flatnonzero(values)]
    if values.dtype.kind in "iu":
        return [int(i) for i in values]
    return [by_name[str(c)] for c in values]


def estimator_input(estimator: Any, preprocessing: Any | None, X: Any) -> Any:
    """``X`` through ``preprocessing``, dense, named as ``estimator`` was fitted (if it was)."""
    dense = transform_dense(preprocessing, X)
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None and len(names) == dense.shape[1]:
        return pd.DataFrame(dense, columns=list(names))
    return dense
