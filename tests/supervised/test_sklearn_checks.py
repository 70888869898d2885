"""scikit-learn's own estimator checks pass on AutoClassifier and AutoRegressor.

The estimators declare (``__sklearn_tags__``) what they accept: missing values
and text columns (both are handled by the preprocessing), which is why
scikit-learn skips its NaN-refusal checks for them.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from mirae.supervised import AutoClassifier, AutoRegressor

SMALL: dict[str, Any] = {"models": ["linear"], "n_folds": 2, "n_trials": 1, "ensemble": False}


@parametrize_with_checks([AutoClassifier(**SMALL), AutoRegressor(**SMALL)])
def test_scikit_learn_estimator_checks(estimator: Any, check: Callable[[Any], None]) -> None:
    with warnings.catch_warnings():
        # the checks provoke warnings on purpose (tiny tables, constant columns); their
        # assertions, not the warnings, are the test
        warnings.simplefilter("ignore")
        check(estimator)


def test_predict_checks_the_number_of_features() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), np.repeat([0, 1], 30)
    model = AutoClassifier(**SMALL).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but AutoClassifier is expecting 3 features"):
        model.predict(X[:, :2])


def test_class_weight_as_a_dict_shifts_predictions() -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] + rng.normal(scale=2.0, size=200) > 0).astype(int)
    plain = AutoClassifier(**SMALL).fit(X, y).predict(X)
    heavy = AutoClassifier(**SMALL, class_weight={0: 1000.0, 1: 0.001}).fit(X, y).predict(X)
    assert (heavy == 0).mean() > (plain == 0).mean()
    with pytest.raises(ValueError, match="class_weight names classes the target does not have"):
        AutoClassifier(**SMALL, class_weight={5: 2.0}).fit(X, y)
