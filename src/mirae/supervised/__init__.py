"""Supervised AutoML: :class:`AutoClassifier` and :class:`AutoRegressor`.

Importing this package is cheap: LightGBM, XGBoost, CatBoost and Optuna load
when a model that needs them is fitted.

Examples
--------
>>> from mirae.supervised import MODEL_FAMILIES
>>> [spec.name for spec in MODEL_FAMILIES][:3]
['linear', 'lightgbm', 'xgboost']
"""

from mirae.supervised._boosting import BoostedClassifier, BoostedRegressor
from mirae.supervised._classifier import AutoClassifier
from mirae.supervised._ensemble import greedy_ensemble
from mirae.supervised._metrics import Metric, resolve_metric
from mirae.supervised._regressor import AutoRegressor
from mirae.supervised._zoo import MODEL_FAMILIES, ModelSpec

__all__ = [
    "MODEL_FAMILIES",
    "AutoClassifier",
    "AutoRegressor",
    "BoostedClassifier",
    "BoostedRegressor",
    "Metric",
    "ModelSpec",
    "greedy_ensemble",
    "resolve_metric",
]
