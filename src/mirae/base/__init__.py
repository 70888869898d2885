"""The contracts every mirae estimator follows: one base, capability tags as data, one per task.

The supervised estimators (``AutoClassifier``, ``AutoRegressor``) follow
scikit-learn's classifier/regressor contract on :class:`Estimator`; the
other tasks have their own abstract base here.
"""

from mirae.base._contracts import AnomalyDetector, Clusterer, Forecaster, Recommender
from mirae.base._estimator import Estimator, Tags, clone

__all__ = ["AnomalyDetector", "Clusterer", "Estimator", "Forecaster", "Recommender", "Tags", "clone"]
