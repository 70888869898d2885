"""The model zoo: each family's estimator, defaults, search space and size limits.

Every family is tried first with sensible defaults; the Optuna search then
samples from ``space``. Families whose cost grows badly with rows (SVM,
k-NN) train on a capped subsample and are skipped on very large tables, so
memory and time stay bounded on million-row tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sklearn.base import BaseEstimator

from mirae.errors import ConfigError
from mirae.prep import PreprocessStyle
from mirae.supervised._boosting import BoostedClassifier, BoostedRegressor
from mirae.supervised._metrics import Task

__all__ = ["MODEL_FAMILIES", "ModelSpec", "get_spec"]

Params = dict[str, Any]


@dataclass(frozen=True)
class ModelSpec:
    """One family of the zoo.

    Attributes
    ----------
    name : str
        Name in the leaderboard and in ``models=``.
    style : {"linear", "tree"}
        Preprocessing it wants (see :class:`~mirae.prep.TablePreprocessor`).
    make : callable
        ``make(task, params, random_state, n_jobs) -> estimator``.
    defaults : callable
        ``defaults(task) -> params`` tried before any search.
    space : callable
        ``space(trial, task) -> params`` sampled by Optuna; parameter names are
        prefixed with the family name so families never share one.
    train_rows : int or None
        Rows it trains on at most (a seeded subsample above that).
    max_rows : int or None
        Tables larger than this skip the family with a notice.
    sample_weight : bool
        Whether it accepts ``sample_weight`` (class weights).
    """

    name: str
    style: PreprocessStyle
    make: Callable[[Task, Params, int, int], BaseEstimator]
    defaults: Callable[[Task], Params]
    space: Callable[[Any, Task], Params]
    train_rows: int | None = None
    max_rows: int | None = None
    sample_weight: bool = True


def _is_clf(task: Task) -> bool:
    return task != "regression"


# -- linear ---------------------------------------------------------------------


def _make_linear(task: Task, params: Params, seed: int, n_jobs: int) -> BaseEstimator:
    if _is_clf(task):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=params.get("C", 1.0), max_iter=1000, random_state=seed)
    from sklearn.linear_model import Ridge

    return Ridge(alpha=params.get("alpha", 1.0))


def _space_linear(trial: Any, task: Task) -> Params:
    if _is_clf(task):
        return {"C": trial.suggest_float("linear__C", 1e-3, 1e2, log=True)}
    return {"alpha": trial.suggest_float("linear__alpha", 1e-3, 1e3, log=True)}


# -- decision tree --------------------------------------------------------------


def _make_tree(task: Task, params: Params, seed: int, n_jobs: int) -> BaseEstimator:
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    cls = DecisionTreeClassifier if _is_clf(task) else DecisionTreeRegressor
    return cls(random_state=seed, **params)


def _space_tree(trial: Any, task: Task) -> Params:
    return {
        "max_depth": trial.suggest_int("decision_tree__max_depth", 2, 16),
        "min_samples_leaf": trial.suggest_int("decision_tree__min_samples_leaf", 1, 100, log=True),
    }


# -- SVM ------------------------------------------------------------------------


def _make_svm(task: Task, params: Params, seed: int, n_jobs: int) -> BaseEstimator:
    from sklearn.svm import SVC, SVR

    if _is_clf(task):
        from sklearn.calibration import CalibratedClassifierCV

        # SVC has no probabilities of its own: Platt scaling over 3 internal folds.
        return CalibratedClassifierCV(
            SVC(random_state=seed, **params), method="sigmoid", cv=3, ensemble=False
        )
    return SVR(**params)


def _space_svm(trial: Any, task: Task) -> Params:
    return {
        "C": trial.suggest_float("svm__C", 1e-2, 1e2, log=True),
        "gamma": trial.suggest_float("svm__gamma", 1e-4, 1.0, log=True),
    }


# -- k-NN -----------------------------------------------------------------------


def _make_knn(task: Task, params: Params, seed: int, n_jobs: int) -> BaseEstimator:
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

    cls = KNeighborsClassifier if _is_clf(task) else KNeighborsRegressor
    return cls(n_jobs=n_jobs, **params)


def _space_knn(trial: Any, task: Task) -> Params:
    return {
        "n_neighbors": trial.suggest_int("knn__n_neighbors", 3, 100, log=True),
        "weights": trial.suggest_categorical("knn__weights", ["uniform", "distance"]),
    }


# -- random forest and extra trees ----------------------------------------------


def _forest(kind: str) -> Callable[[Task, Params, int, int], BaseEstimator]:
    def make(task: Task, params: Params, seed: int, n_jobs: int) -> BaseEstimator:
        from sklearn import ensemble

        prefix = "RandomForest" if kind == "random_forest" else "ExtraTrees"
        cls = getattr(ensemble, prefix + ("Classifier" if _is_clf(task) else "Regressor"))
        settings = {"n_estimators": 200, **params}
        return cls(random_state=seed, n_jobs=n_jobs, **settings)

    return make


def _forest_defaults(task: Task) -> Params:
    return {"max_features": "sqrt" if _is_clf(task) else 0.5, "min_samples_leaf": 1}


def _forest_space(kind: str) -> Callable[[Any, Task], Params]:
    def space(trial: Any, task: Task) -> Params:
        return {
            "n_estimators": trial.suggest_int(f"{kind}__n_estimators", 100, 400, step=50),
            "max_features": trial.suggest_float(f"{kind}__max_features", 0.1, 1.0),
            "min_samples_leaf": trial.suggest_int(f"{kind}__min_samples_leaf", 1, 30, log=True),
        }

    return space


# -- boosting -------------------------------------------------------------------


def _boosted(library: str) -> Callable[[Task, Params, int, int], BaseEstimator]:
    def make(task: Task, params: Params, seed: int, n_jobs: int) -> BaseEstimator:
        cls = BoostedClassifier if _is_clf(task) else BoostedRegressor
        return cls(library=library, params=dict(params), random_state=seed, n_jobs=n_jobs)  # type: ignore[arg-type]

    return make


def _lightgbm_defaults(task: Task) -> Params:
    return {"learning_rate": 0.05, "num_leaves": 31, "min_child_samples": 20}


def _lightgbm_space(trial: Any, task: Task) -> Params:
    return {
        "learning_rate": trial.suggest_float("lightgbm__learning_rate", 0.01, 0.3, log=True),
        "num_leaves": trial.suggest_int("lightgbm__num_leaves", 4, 256, log=True),
        "min_child_samples": trial.suggest_int("lightgbm__min_child_samples", 2, 100, log=True),
        "subsample": trial.suggest_float("lightgbm__subsample", 0.5, 1.0),
        "subsample_freq": 1,
        "colsample_bytree": trial.suggest_float("lightgbm__colsample_bytree", 0.3, 1.0),
        "reg_lambda": trial.suggest_float("lightgbm__reg_lambda", 1e-3, 10.0, log=True),
    }


def _xgboost_defaults(task: Task) -> Params:
    return {"learning_rate": 0.05, "max_depth": 6}


def _xgboost_space(trial: Any, task: Task) -> Params:
    return {
        "learning_rate": trial.suggest_float("xgboost__learning_rate", 0.01, 0.3, log=True),
        "max_depth": trial.suggest_int("xgboost__max_depth", 2, 10),
        "min_child_weight": trial.suggest_float("xgboost__min_child_weight", 0.5, 20.0, log=True),
        "subsample": trial.suggest_float("xgboost__subsample", 0.5, 1.0),
        "colsample_bytree": trial.suggest_float("xgboost__colsample_bytree", 0.3, 1.0),
        "reg_lambda": trial.suggest_float("xgboost__reg_lambda", 1e-3, 10.0, log=True),
    }


def _catboost_defaults(task: Task) -> Params:
    return {"learning_rate": 0.08, "depth": 6}


def _catboost_space(trial: Any, task: Task) -> Params:
    return {
        "learning_rate": trial.suggest_float("catboost__learning_rate", 0.02, 0.3, log=True),
        "depth": trial.suggest_int("catboost__depth", 3, 8),
        "l2_leaf_reg": trial.suggest_float("catboost__l2_leaf_reg", 0.5, 20.0, log=True),
    }


# -- MLP ------------------------------------------------------------------------

_MLP_LAYERS = {"64": (64,), "128": (128,), "64x64": (64, 64), "128x64": (128, 64)}


def _make_mlp(task: Task, params: Params, seed: int, n_jobs: int) -> BaseEstimator:
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    settings = dict(params)
    layers = _MLP_LAYERS[settings.pop("layers", "128")]
    cls = MLPClassifier if _is_clf(task) else MLPRegressor
    return cls(hidden_layer_sizes=layers, early_stopping=True, max_iter=200, random_state=seed, **settings)


def _space_mlp(trial: Any, task: Task) -> Params:
    return {
        "layers": trial.suggest_categorical("mlp__layers", list(_MLP_LAYERS)),
        "alpha": trial.suggest_float("mlp__alpha", 1e-6, 1e-1, log=True),
        "learning_rate_init": trial.suggest_float("mlp__learning_rate_init", 1e-4, 1e-2, log=True),
    }


def _none(task: Task) -> Params:
    return {}


#: Every family, in the order defaults are tried: strong for their cost first, so a
#: tight time budget still sees the boosting libraries.
MODEL_FAMILIES: tuple[ModelSpec, ...] = (
    ModelSpec("linear", "linear", _make_linear, _none, _space_linear, train_rows=500_000),
    ModelSpec("lightgbm", "tree", _boosted("lightgbm"), _lightgbm_defaults, _lightgbm_space),
    ModelSpec("xgboost", "tree", _boosted("xgboost"), _xgboost_defaults, _xgboost_space),
    ModelSpec("catboost", "tree", _boosted("catboost"), _catboost_defaults, _catboost_space),
    ModelSpec(
        "decision_tree",
        "tree",
        _make_tree,
        lambda task: {"max_depth": 8, "min_samples_leaf": 5},
        _space_tree,
    ),
    ModelSpec(
        "random_forest",
        "tree",
        _forest("random_forest"),
        _forest_defaults,
        _forest_space("random_forest"),
        train_rows=300_000,
    ),
    ModelSpec(
        "extra_trees",
        "tree",
        _forest("extra_trees"),
        _forest_defaults,
        _forest_space("extra_trees"),
        train_rows=300_000,
    ),
    ModelSpec("mlp", "linear", _make_mlp, _none, _space_mlp, train_rows=200_000),
    ModelSpec(
        "knn",
        "linear",
        _make_knn,
        lambda task: {"n_neighbors": 15, "weights": "distance"},
        _space_knn,
        train_rows=50_000,
        max_rows=500_000,
        sample_weight=False,
    ),
    ModelSpec(
        "svm",
        "linear",
        _make_svm,
        lambda task: {"C": 1.0, "gamma": "scale"},
        _space_svm,
        train_rows=5_000,
        max_rows=200_000,
    ),
)


def get_spec(name: str) -> ModelSpec:
    """Return the family called ``name``.

    Examples
    --------
    >>> get_spec("lightgbm").style
    'tree'
    """
    for spec in MODEL_FAMILIES:
        if spec.name == name:
            return spec
    msg = f"unknown model family {name!r}; choose from {[s.name for s in MODEL_FAMILIES]}."
    raise ConfigError(msg)
