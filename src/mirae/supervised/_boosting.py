"""Gradient boosting (LightGBM, XGBoost, CatBoost) with early stopping.

The wrappers hold out ``validation_fraction`` of the rows they are given,
grow trees until the held-out loss stops improving for
``early_stopping_rounds`` rounds, and keep the best iteration. The held-out
rows come from the training fold only, so cross-validation scores stay honest.
The libraries are imported when a model is fitted, not when mirae is imported.
"""

from __future__ import annotations

import inspect
from typing import Any, ClassVar, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from mirae.base import Estimator, Tags

__all__ = ["BoostedClassifier", "BoostedRegressor", "BoostingLibrary"]

BoostingLibrary = Literal["lightgbm", "xgboost", "catboost"]

#: Fewest rows for which a validation split is held out; below, a fixed number of rounds.
MIN_ROWS_FOR_EARLY_STOPPING = 200
FIXED_ROUNDS = 200


def _make(library: str, task: str, params: dict[str, Any], rounds: int, seed: int, n_jobs: int) -> Any:
    if library == "lightgbm":
        import lightgbm as lgb

        lgb_cls = lgb.LGBMClassifier if task == "classification" else lgb.LGBMRegressor
        settings = {"verbose": -1, "deterministic": True, "force_row_wise": True, **params}
        return lgb_cls(n_estimators=rounds, random_state=seed, n_jobs=n_jobs, **settings)
    if library == "xgboost":
        import xgboost as xgb

        xgb_cls = xgb.XGBClassifier if task == "classification" else xgb.XGBRegressor
        return xgb_cls(n_estimators=rounds, random_state=seed, n_jobs=n_jobs, tree_method="hist", **params)
    if library == "catboost":
        import catboost as cb

        cb_cls = cb.CatBoostClassifier if task == "classification" else cb.CatBoostRegressor
        return cb_cls(
            iterations=rounds,
            random_seed=seed,
            thread_count=n_jobs,
            verbose=0,
            allow_writing_files=False,
            **params,
        )
    msg = f"unknown boosting library {library!r}; use 'lightgbm', 'xgboost' or 'catboost'."
    raise ValueError(msg)


class _Boosted(Estimator, BaseEstimator):
    """Shared fitting logic; see :class:`BoostedClassifier` and :class:`BoostedRegressor`."""

    _task = "regression"

    def __init__(
        self,
        *,
        library: BoostingLibrary = "lightgbm",
        params: dict[str, Any] | None = None,
        max_rounds: int = 2000,
        early_stopping_rounds: int = 50,
        validation_fraction: float = 0.1,
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.library = library
        self.params = params
        self.max_rounds = max_rounds
        self.early_stopping_rounds = early_stopping_rounds
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _split(self, X: np.ndarray, y: np.ndarray, weight: np.ndarray | None) -> tuple[Any, ...] | None:
        if len(y) < MIN_ROWS_FOR_EARLY_STOPPING:
            return None
        stratify = None
        if self._task == "classification":
            counts = np.bincount(y)
            if counts[counts > 0].min() < 2:
                return None
            stratify = y
        parts = [X, y] if weight is None else [X, y, weight]
        return tuple(
            train_test_split(
                *parts,
                test_size=self.validation_fraction,
                random_state=self.random_state,
                stratify=stratify,
            )
        )

    def _fit_fixed(
        self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, params: dict[str, Any]
    ) -> None:
        model = _make(self.library, self._task, params, FIXED_ROUNDS, int(self.random_state), self.n_jobs)
        model.fit(X, y, sample_weight=sample_weight)
        self.best_iteration_ = FIXED_ROUNDS
        self.model_ = model

    def _fit_encoded(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None) -> None:
        params = dict(self.params or {})
        split = self._split(X, y, sample_weight)
        seed = int(self.random_state)
        if split is None:
            self._fit_fixed(X, y, sample_weight, params)
            return
        if sample_weight is None:
            X_fit, X_val, y_fit, y_val = split
            w_fit = w_val = None
        else:
            X_fit, X_val, y_fit, y_val, w_fit, w_val = split
        if self._task == "classification" and len(np.unique(y_fit)) < len(np.unique(y)):
            self._fit_fixed(X, y, sample_weight, params)  # a rare class fell into the held-out rows
            return
        if self.library == "lightgbm":
            import lightgbm as lgb

            model = _make(self.library, self._task, params, self.max_rounds, seed, self.n_jobs)
            # LightGBM 4.7 renamed eval_set to eval_X/eval_y and warns on the old name.
            if "eval_X" in inspect.signature(model.fit).parameters:
                held_out: dict[str, Any] = {"eval_X": (X_val,), "eval_y": (y_val,)}
            else:
                held_out = {"eval_set": [(X_val, y_val)]}
            model.fit(
                X_fit,
                y_fit,
                sample_weight=w_fit,
                eval_sample_weight=None if w_val is None else [w_val],
                callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)],
                **held_out,
            )
            best = int(model.best_iteration_ or self.max_rounds)
        elif self.library == "xgboost":
            params.setdefault("early_stopping_rounds", self.early_stopping_rounds)
            model = _make(self.library, self._task, params, self.max_rounds, seed, self.n_jobs)
            model.fit(
                X_fit,
                y_fit,
                sample_weight=w_fit,
                eval_set=[(X_val, y_val)],
                sample_weight_eval_set=None if w_val is None else [w_val],
                verbose=False,
            )
            best = int(model.best_iteration) + 1
        else:
            params.setdefault("early_stopping_rounds", self.early_stopping_rounds)
            model = _make(self.library, self._task, params, self.max_rounds, seed, self.n_jobs)
            model.fit(X_fit, y_fit, sample_weight=w_fit, eval_set=(X_val, y_val))
            best = int(model.get_best_iteration()) + 1
        self.best_iteration_ = best
        self.model_ = model


class BoostedClassifier(ClassifierMixin, _Boosted):
    """A LightGBM, XGBoost or CatBoost classifier with early stopping.

    Parameters
    ----------
    library : {"lightgbm", "xgboost", "catboost"}
        Which library grows the trees.
    params : dict, optional
        Hyperparameters passed to the library's scikit-learn estimator.
    max_rounds : int
        Most boosting rounds.
    early_stopping_rounds : int
        Rounds without improvement on the held-out rows before stopping.
    validation_fraction : float
        Share of the rows held out for early stopping.
    random_state : int
        Seed of the split and of the library.
    n_jobs : int
        Threads the library may use.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(300, 3)); y = (X[:, 0] > 0).astype(int)
    >>> BoostedClassifier(library="lightgbm").fit(X, y).predict_proba(X[:2]).shape
    (2, 2)
    """

    tags: ClassVar[Tags] = Tags(task="classification", probabilistic=True, handles_missing=True)

    _task = "classification"

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BoostedClassifier:
        """Fit on ``X`` and class labels ``y``; returns ``self``."""
        X = np.asarray(X, dtype=np.float64)
        self.classes_, encoded = np.unique(np.asarray(y), return_inverse=True)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.n_features_in_ = X.shape[1]
        self._fit_encoded(X, encoded, weight)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each class in ``classes_``, one row per row of ``X``."""
        check_is_fitted(self, "model_")
        proba = np.asarray(self.model_.predict_proba(np.asarray(X, dtype=np.float64)), dtype=np.float64)
        if proba.ndim == 1:
            proba = np.column_stack([1.0 - proba, proba])
        return proba

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        return np.asarray(self.classes_[np.argmax(self.predict_proba(X), axis=1)])


class BoostedRegressor(RegressorMixin, _Boosted):
    """A LightGBM, XGBoost or CatBoost regressor with early stopping.

    Parameters are those of :class:`BoostedClassifier`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(300, 3)); y = X[:, 0] * 2
    >>> BoostedRegressor(library="xgboost").fit(X, y).predict(X[:2]).shape
    (2,)
    """

    tags: ClassVar[Tags] = Tags(task="regression", probabilistic=False, handles_missing=True)

    _task = "regression"

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> BoostedRegressor:
        """Fit on ``X`` and numeric ``y``; returns ``self``."""
        X = np.asarray(X, dtype=np.float64)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.n_features_in_ = X.shape[1]
        self._fit_encoded(X, np.asarray(y, dtype=np.float64), weight)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted value of each row."""
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict(np.asarray(X, dtype=np.float64)), dtype=np.float64)
