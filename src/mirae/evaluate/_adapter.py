"""Let scikit-learn's inspection tools take any fitted model with ``predict``.

scikit-learn's permutation importance, partial dependence and scorers ask
whether a model is a classifier (its estimator tags) and whether it is fitted
(``__sklearn_is_fitted__`` or learned attributes). A model that only exposes
``predict`` (and ``predict_proba`` and ``classes_`` for a classifier), such as
a user's wrapper class, answers neither. :func:`sklearn_compatible` wraps such
a model in a thin adapter that does; scikit-learn estimators, Pipelines and
mirae's AutoML models are returned unchanged.
"""

from __future__ import annotations

from typing import Any

from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier, is_regressor
from sklearn.utils.metaestimators import available_if

from mirae.errors import EvaluationError


def _has_proba(adapter: Any) -> bool:
    return hasattr(adapter.model, "predict_proba")


class _Fitted(BaseEstimator):
    """Delegates ``predict`` to a fitted model; refuses to be fitted again."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def fit(self, X: Any, y: Any = None) -> Any:
        msg = "this adapter only evaluates an already fitted model; fit the model itself."
        raise EvaluationError(msg)

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict(self, X: Any) -> Any:
        return self.model.predict(X)


class ClassifierAdapter(ClassifierMixin, _Fitted):
    """A fitted classifier with ``classes_`` seen by scikit-learn as one."""

    @property
    def classes_(self) -> Any:
        return self.model.classes_

    @available_if(_has_proba)
    def predict_proba(self, X: Any) -> Any:
        return self.model.predict_proba(X)


class RegressorAdapter(RegressorMixin, _Fitted):
    """A fitted regressor seen by scikit-learn as one."""


def sklearn_compatible(model: Any) -> Any:
    """``model`` itself when scikit-learn knows its task, else an adapter.

    A model with ``classes_`` is taken for a classifier, any other for a regressor.
    """
    if not hasattr(model, "predict"):
        msg = f"expected a fitted model with a predict method; got {type(model).__name__}."
        raise EvaluationError(msg)
    if hasattr(model, "__sklearn_tags__") and (is_classifier(model) or is_regressor(model)):
        return model
    return ClassifierAdapter(model) if hasattr(model, "classes_") else RegressorAdapter(model)
