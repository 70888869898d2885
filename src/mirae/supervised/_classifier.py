"""AutoML for classification: binary and multiclass."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.metrics import balanced_accuracy_score, f1_score
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from mirae.base import Tags
from mirae.errors import ConfigError, TargetError
from mirae.supervised._base import AutoModel
from mirae.supervised._checks import check_class_counts
from mirae.supervised._cv import CvStrategy
from mirae.supervised._metrics import Task

__all__ = ["AutoClassifier"]

ThresholdRule = Literal["f1", "balanced_accuracy"]


class AutoClassifier(ClassifierMixin, AutoModel):
    """Find, tune and ensemble the best classifier for a table.

    Every family of the zoo (linear, decision tree, SVM, k-NN, random forest,
    extra trees, LightGBM, XGBoost, CatBoost, MLP) is cross-validated with its
    defaults (those clearly behind the leader after the first fold stop
    there, see ``screen``); an Optuna search then tunes the best ``search_families``
    families under ``n_trials`` or ``time_budget``; a greedy ensemble of the
    best candidates is kept when it beats the best single model; the winner is
    refitted on all rows. Preprocessing (:class:`~mirae.prep.TablePreprocessor`)
    is inside every model's pipeline.

    Parameters
    ----------
    metric : str, optional
        What to optimise: binary ``roc_auc`` (default), ``average_precision``,
        ``log_loss``, ``accuracy``, ``balanced_accuracy``, ``f1``; multiclass
        ``log_loss`` (default), ``accuracy``, ``balanced_accuracy``,
        ``f1_macro``, ``roc_auc_ovr``.
    models : sequence of str, optional
        Families to try (all by default), e.g. ``["linear", "lightgbm"]``.
    n_folds : int, default=5
        Cross-validation folds.
    cv : {"auto", "stratified", "kfold", "group", "time"}, default="auto"
        Stratified folds, grouped when ``fit`` gets ``groups``, or
        time-ordered (past trains, next block validates; ordered by
        ``time_column`` or the row order).
    time_column : str, optional
        Column ordering the rows for ``cv="time"``.
    time_budget : float, optional
        Seconds for the whole fit; the search runs until it is spent (results
        then depend on the machine's speed).
    n_trials : int, optional
        Search trials; with a seed, the result is reproducible. Without
        ``n_trials`` and ``time_budget`` only the defaults are tried.
    search_families : int, default=3
        How many of the best families the search tunes.
    ensemble : bool, default=True
        Whether to try a greedy ensemble of the best candidates.
    ensemble_iterations : int, default=25
        Models added (with replacement) by the greedy selection.
    check_leakage : bool, default=True
        Warn (:class:`~mirae.errors.TargetLeakageWarning`) about features
        that alone predict the target.
    screen : bool, default=True
        After the first fold, stop cross-validating the families whose score
        is clearly below the leader's on the same rows (by more than two
        standard errors of a paired bootstrap of those rows); the four best
        always run every fold, and the stopped ones stay in the leaderboard
        with their one fold, below the others. ``False`` runs every fold of
        every family.
    class_weight : {"balanced"} or dict, optional
        ``"balanced"`` weighs rows inversely to their class frequency (for
        imbalanced classes); a dict ``{class: weight}`` gives each class its
        weight (1 for classes not named). Families without sample weights
        train unweighted.
    decision_threshold : {"f1", "balanced_accuracy"} or float, optional
        Binary only: the probability above which the positive class (the
        second of ``classes_``) is predicted, chosen on out-of-fold predictions
        to maximise the named metric, or given. Default: the likelier class.
    n_jobs : int, default=1
        Threads per model.
    random_state : int, default=0
        Seed of the folds, the models and the search.

    Attributes
    ----------
    classes_ : ndarray
        Class labels, sorted.
    leaderboard_ : DataFrame
        One row per candidate (and the ensemble): mean and standard deviation
        over folds of each metric, mean fit and predict seconds per fold,
        parameters, and ``chosen``.
    best_model_ : str
        The model used to predict (``"ensemble"`` or a leaderboard name).
    models_ : dict of str to Pipeline
        The refitted pipelines (preprocessing + model) behind ``best_model_``.
    weights_ : dict of str to float
        Their weights in the blend.
    threshold_ : float or None
        The decision threshold of a binary classifier, when one was asked for.
    notices_ : list of str
        Rows dropped, columns dropped, models skipped, and why.
    metric_ : str
        The metric optimised.
    candidates_ : dict of str to Candidate
        Every candidate with its per-fold scores (``candidates_[name].scores``).
    task_ : {"binary", "multiclass"}

    Examples
    --------
    >>> import pandas as pd
    >>> from mirae.supervised import AutoClassifier
    >>> frame = pd.DataFrame({"spend": range(60), "plan": ["a", "b", "c"] * 20})
    >>> frame["churn"] = (frame["spend"] % 7 > 3).map({True: "yes", False: "no"})
    >>> model = AutoClassifier(models=["linear", "decision_tree"], n_folds=3).fit(frame, "churn")
    >>> model.classes_.tolist()
    ['no', 'yes']
    >>> model.predict(frame.head(2)).shape
    (2,)
    """

    tags: ClassVar[Tags] = Tags(task="classification", probabilistic=True, handles_missing=True)

    def __init__(
        self,
        *,
        metric: str | None = None,
        models: Sequence[str] | None = None,
        n_folds: int = 5,
        cv: CvStrategy = "auto",
        time_column: str | None = None,
        time_budget: float | None = None,
        n_trials: int | None = None,
        search_families: int = 3,
        ensemble: bool = True,
        ensemble_iterations: int = 25,
        check_leakage: bool = True,
        screen: bool = True,
        class_weight: Literal["balanced"] | Mapping[Any, float] | None = None,
        decision_threshold: ThresholdRule | float | None = None,
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        super().__init__(
            metric=metric,
            models=models,
            n_folds=n_folds,
            cv=cv,
            time_column=time_column,
            time_budget=time_budget,
            n_trials=n_trials,
            search_families=search_families,
            ensemble=ensemble,
            ensemble_iterations=ensemble_iterations,
            check_leakage=check_leakage,
            screen=screen,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.class_weight = class_weight
        self.decision_threshold = decision_threshold

    def fit(self, X: Any, y: Any = None, groups: Any = None) -> AutoClassifier:
        """Search for the best classifier of ``y`` given ``X``.

        Parameters
        ----------
        X : DataFrame, Arrow table or 2-D array
            Features (may include the target column when ``y`` names it).
        y : array-like or str
            Class labels, one per row, or the name of the target column of ``X``.
            Rows with a missing label are dropped (see ``notices_``).
        groups : array-like or str, optional
            Group of each row (or a column name, then not used as a feature);
            rows of one group stay in one fold.

        Returns
        -------
        AutoClassifier
            ``self``, fitted.
        """
        self._fit(X, y, groups)
        return self

    def _encode_target(self, y: pd.Series) -> tuple[np.ndarray, Task, int]:
        if pd.api.types.is_float_dtype(y) and not np.all(np.mod(y.to_numpy(dtype=np.float64), 1) == 0):
            msg = (
                f"the target has {y.nunique()} distinct non-integer values; it looks continuous. "
                "Use AutoRegressor for numeric targets (task='regression'; on the command line "
                "--task regression), or bin the target into classes."
            )
            raise TargetError(msg)
        values = y.to_numpy()
        if values.dtype == object:
            kinds = {type(v) for v in values}
            if len(kinds) > 1:
                values = values.astype(str)
        classes, codes = np.unique(values, return_inverse=True)
        counts = np.bincount(codes)
        check_class_counts(classes, counts, self.n_folds)
        self.classes_ = classes
        self.class_counts_ = dict(zip(classes.tolist(), counts.tolist(), strict=True))
        task: Task = "binary" if len(classes) == 2 else "multiclass"
        if self.decision_threshold is not None and task != "binary":
            msg = f"decision_threshold applies to binary targets only; this one has {len(classes)} classes."
            raise ConfigError(msg)
        rule = self.decision_threshold
        if isinstance(rule, int | float) and not 0.0 < float(rule) < 1.0:
            msg = f"a numeric decision_threshold must lie between 0 and 1; got {rule!r}."
            raise ConfigError(msg)
        if isinstance(rule, str) and rule not in ("f1", "balanced_accuracy"):
            msg = f"decision_threshold must be 'f1', 'balanced_accuracy' or a number; got {rule!r}."
            raise ConfigError(msg)
        weights = self.class_weight
        if not (weights is None or weights == "balanced" or isinstance(weights, Mapping)):
            msg = f"class_weight must be None, 'balanced' or a dict {{class: weight}}; got {weights!r}."
            raise ConfigError(msg)
        if isinstance(weights, Mapping):
            unknown = [c for c in weights if c not in set(classes.tolist())]
            if unknown:
                msg = f"class_weight names classes the target does not have: {unknown}; its classes are {list(classes)}."
                raise ConfigError(msg)
        return np.asarray(codes, dtype=np.int64), task, len(classes)

    def _sample_weight(self, y: np.ndarray) -> np.ndarray | None:
        if self.class_weight == "balanced":
            return np.asarray(compute_sample_weight("balanced", y), dtype=np.float64)
        if isinstance(self.class_weight, Mapping):  # y holds class codes: weight of each code
            per_code = np.asarray([float(self.class_weight.get(c, 1.0)) for c in self.classes_.tolist()])
            return per_code[y]
        return None

    def _after_fit(self, oof: np.ndarray, y: np.ndarray, rows: np.ndarray) -> None:
        rule = self.decision_threshold
        self.threshold_: float | None = None
        if rule is None:
            return
        if isinstance(rule, int | float):
            self.threshold_ = float(rule)
            return
        score = oof[rows, 1]
        truth = y[rows]
        grid = np.unique(np.quantile(score, np.linspace(0.01, 0.99, 99)))
        measure = f1_score if rule == "f1" else balanced_accuracy_score
        results = [float(measure(truth, (score >= t).astype(int))) for t in grid]
        self.threshold_ = float(grid[int(np.argmax(results))])

    def _n_outputs(self) -> int:
        return len(self.classes_)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each class of ``classes_`` for each row of ``X``.

        Columns are matched by name; extra columns are ignored and missing ones
        raise :class:`~mirae.errors.MissingColumnsError`.
        """
        return self._predict_output(X)

    def predict(self, X: Any) -> np.ndarray:
        """The predicted class of each row (using ``threshold_`` when set)."""
        check_is_fitted(self, "models_")
        return self.classes_from_proba(self.predict_proba(X))

    def classes_from_proba(self, proba: np.ndarray) -> np.ndarray:
        """The class :meth:`predict` gives for rows with probabilities ``proba`` (from :meth:`predict_proba`).

        Lets a caller that needs both compute the model once.
        """
        check_is_fitted(self, "models_")
        proba = np.asarray(proba, dtype=float)
        if self.threshold_ is not None:
            return np.asarray(self.classes_[(proba[:, 1] >= self.threshold_).astype(int)])
        return np.asarray(self.classes_[np.argmax(proba, axis=1)])
