"""The AutoML fit shared by :class:`AutoClassifier` and :class:`AutoRegressor`.

``fit`` runs, in order: target checks, a leakage check, shared folds, every
zoo family with its defaults, an Optuna search over the best families, a
greedy ensemble of the best candidates, and a refit of the winner on all rows.
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from mirae.base import Estimator
from mirae.core._json import dumps
from mirae.core._progress import current as current_progress
from mirae.errors import (
    ConfigError,
    MissingColumnsError,
    NoModelFittedError,
    SchemaError,
    TargetLeakageWarning,
)
from mirae.prep import TablePreprocessor, infer_schema, to_frame
from mirae.supervised._checks import clean_target, find_leaks, split_target
from mirae.supervised._cv import (
    Candidate,
    CvStrategy,
    FoldCache,
    OutOfTime,
    Split,
    cross_validate,
    fit_quietly,
    make_splits,
    predict_output,
    subsample_rows,
)
from mirae.supervised._ensemble import blend, greedy_ensemble
from mirae.supervised._metrics import Metric, Task, leaderboard_metrics, resolve_metric
from mirae.supervised._screen import clearly_behind
from mirae.supervised._search import search
from mirae.supervised._zoo import MODEL_FAMILIES, ModelSpec, get_spec

__all__ = ["AutoModel", "search_deadline"]

#: Out-of-fold predictions kept for the ensemble (the best ones); the rest are freed.
KEEP_OOF = 10
#: Share of a time budget the defaults and the search may use; the rest is for the refit.
SEARCH_SHARE = 0.85
#: Share of that the defaults may use, so that the search always gets time.
DEFAULTS_SHARE = 0.5
#: Families that always run every fold, however far behind the leader after the first.
SCREEN_KEEP = 4
#: Candidates whose refit is reserved out of a time budget once the defaults are scored
#: (a greedy ensemble rarely keeps more), and how much longer a fit on all rows takes
#: than the mean fit on a training fold.
REFIT_MEMBERS = 4
REFIT_FACTOR = 1.5


class AutoModel(Estimator, BaseEstimator):
    """Base of the AutoML estimators; use :class:`AutoClassifier` or :class:`AutoRegressor`."""

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
        n_jobs: int = 1,
        random_state: int = 0,
    ) -> None:
        self.metric = metric
        self.models = models
        self.n_folds = n_folds
        self.cv = cv
        self.time_column = time_column
        self.time_budget = time_budget
        self.n_trials = n_trials
        self.search_families = search_families
        self.ensemble = ensemble
        self.ensemble_iterations = ensemble_iterations
        self.check_leakage = check_leakage
        self.screen = screen
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- hooks of the subclasses -----------------------------------------------

    def _encode_target(self, y: pd.Series) -> tuple[np.ndarray, Task, int]:
        """Return the target as model input, the task and the number of classes."""
        raise NotImplementedError

    def _sample_weight(self, y: np.ndarray) -> np.ndarray | None:
        return None

    def _after_fit(self, oof: np.ndarray, y: np.ndarray, rows: np.ndarray) -> None:
        """Subclass hook run with the winner's out-of-fold predictions."""

    # -- fit -------------------------------------------------------------------

    def _fit(self, X: Any, y: Any, groups: Any) -> AutoModel:
        started = time.perf_counter()
        self._validate_settings()
        frame = to_frame(X)
        frame, target = split_target(frame, y)
        group_values: np.ndarray | None = None
        if isinstance(groups, str):
            if groups not in frame.columns:
                msg = f"groups column {groups!r} is not in the table."
                raise ConfigError(msg)
            group_values = frame[groups].to_numpy()
            frame = frame.drop(columns=[groups])
        elif groups is not None:
            group_values = np.asarray(groups)
            if len(group_values) != len(frame):
                msg = f"groups has {len(group_values)} values but the table has {len(frame)} rows."
                raise ConfigError(msg)
        if frame.shape[1] == 0:
            msg = (
                f"0 feature(s) (shape={frame.shape}) while a minimum of 1 is required: "
                "the table has no columns to learn from besides the target."
            )
            raise SchemaError(msg)
        frame, target, kept, notices = clean_target(frame, target)
        if group_values is not None:
            group_values = group_values[kept]
        y_model, task, n_classes = self._encode_target(target)
        self.task_ = task
        self.n_features_in_ = frame.shape[1]
        self.feature_names_in_ = np.asarray([str(c) for c in frame.columns], dtype=object)
        primary = resolve_metric(self.metric, task, n_classes)
        metrics = leaderboard_metrics(primary, task, n_classes)
        self.metric_ = primary.name

        if self.check_leakage:
            leaks = find_leaks(frame, y_model, task, self.random_state)
            if leaks:
                listed = ", ".join(f"{c!r} ({s:.1%})" for c, s in leaks)
                message = (
                    f"feature(s) that alone explain nearly all of the target: {listed}. They may leak "
                    "the answer (known only after the outcome); drop them unless they are truly "
                    "available at prediction time."
                )
                notices.append(message)
                warnings.warn(message, TargetLeakageWarning, stacklevel=3)
        notices.extend(infer_schema(frame).notices)

        order = None
        if self.time_column is not None:
            if self.time_column not in frame.columns:
                msg = f"time_column {self.time_column!r} is not in the table."
                raise ConfigError(msg)
            order = np.argsort(frame[self.time_column].to_numpy(), kind="stable")
        splits = make_splits(
            self.cv,
            self.n_folds,
            task=task,
            y=y_model,
            groups=group_values,
            order=order,
            random_state=self.random_state,
        )
        covered = np.zeros(len(y_model), dtype=bool)
        for _, valid in splits:
            covered[valid] = True
        weight = self._sample_weight(y_model)
        cache = FoldCache()
        deadline = None if self.time_budget is None else started + SEARCH_SHARE * float(self.time_budget)

        def evaluate(
            name: str,
            spec: ModelSpec,
            params: dict[str, Any],
            report: Callable[[int, float], None] | None,
            source: str,
            *,
            folds: range | None = None,
            candidate: Candidate | None = None,
        ) -> Candidate:
            if candidate is None:
                candidate = Candidate(name=name, family=spec.name, params=params, source=source)
            return cross_validate(
                candidate,
                lambda: self._pipeline(spec, params, task),
                frame,
                y_model,
                splits=splits,
                weight=weight if spec.sample_weight else None,
                metrics=metrics,
                task=task,
                n_classes=n_classes,
                train_rows=spec.train_rows,
                random_state=self.random_state,
                report=report,
                deadline=deadline,
                folds=folds,
                cache=cache,
            )

        defaults_deadline = (
            None
            if self.time_budget is None
            else started + DEFAULTS_SHARE * SEARCH_SHARE * float(self.time_budget)
        )
        candidates = self._try_defaults(evaluate, task, y_model, splits, primary, defaults_deadline, notices)
        if not any(not c.screened_out for c in candidates):
            msg = "no model could be fitted: " + " ".join(notices[-5:])
            raise NoModelFittedError(msg)
        if deadline is not None:
            ranked = sorted(_complete(candidates), key=lambda c: -c.utility(primary))
            deadline = search_deadline(
                deadline,
                budget_end=started + float(self.time_budget or 0.0),
                fit_times=[c.fit_time for c in ranked],
                now=time.perf_counter(),
            )
        self._free_oof(candidates, primary)
        if self.n_trials or (self.n_trials is None and self.time_budget is not None):
            found, search_notices = search(
                evaluate,
                self._families_to_search(candidates, primary),
                task=task,
                metric=primary,
                n_trials=self.n_trials,
                deadline=deadline,
                random_state=self.random_state,
            )
            candidates.extend(found)
            notices.extend(search_notices)
            self._free_oof(candidates, primary)

        best = max(_complete(candidates), key=lambda c: c.utility(primary))  # first of equals wins
        chosen: dict[str, float] = {best.name: 1.0}
        final_oof = best.oof
        if self.ensemble:
            ensemble = self._ensemble(candidates, y_model, covered, splits, metrics, primary)
            if ensemble is not None:
                candidates.append(ensemble[0])  # in the leaderboard even when not chosen
                if ensemble[0].utility(primary) > best.utility(primary) + 1e-9:
                    _, chosen, final_oof = ensemble
                else:
                    notices.append("the ensemble did not beat the best single model; using the single model.")
        assert final_oof is not None
        self._after_fit(final_oof, y_model, covered)

        self.candidates_ = {c.name: c for c in candidates}
        self.models_ = self._refit(chosen, frame, y_model, weight, task)
        self.weights_ = chosen
        self.best_model_ = "ensemble" if len(chosen) > 1 else next(iter(chosen))
        self.leaderboard_ = self._leaderboard(candidates, metrics, primary)
        self.notices_ = notices
        for candidate in candidates:
            candidate.oof = None  # out-of-fold predictions are not needed after fit
        return self

    def _families_to_search(self, candidates: list[Candidate], primary: Metric) -> list[ModelSpec]:
        """The ``search_families`` best families by their best candidate so far."""
        families: list[ModelSpec] = []
        for candidate in sorted(_complete(candidates), key=lambda c: -c.utility(primary)):
            spec = get_spec(candidate.family)
            if spec not in families:
                families.append(spec)
        return families[: self.search_families]

    def _refit(
        self,
        chosen: dict[str, float],
        frame: pd.DataFrame,
        y: np.ndarray,
        weight: np.ndarray | None,
        task: Task,
    ) -> dict[str, Pipeline]:
        """Fit the chosen candidates on all rows (a seeded subsample for capped families).

        Members of one preprocessing style share one fit of it (each gets its own copy).
        """
        models: dict[str, Pipeline] = {}
        encoded: dict[tuple[str, int | None], tuple[TablePreprocessor, np.ndarray]] = {}
        for name in chosen:
            candidate = self.candidates_[name]
            spec = get_spec(candidate.family)
            rows = subsample_rows(np.arange(len(frame)), spec.train_rows, self.random_state)
            pipeline = self._pipeline(spec, candidate.params, task)
            key = (spec.style, spec.train_rows)
            if key not in encoded:
                prep = pipeline.steps[0][1]
                encoded[key] = (prep, np.asarray(prep.fit_transform(frame.iloc[rows], y[rows])))
            prep, features = encoded[key]
            model = fit_quietly(
                pipeline.steps[1][1],
                features,
                y[rows],
                None if weight is None or not spec.sample_weight else weight[rows],
            )
            models[name] = Pipeline([("prep", copy.deepcopy(prep)), ("model", model)])
        return models

    def _validate_settings(self) -> None:
        if not isinstance(self.n_folds, int) or self.n_folds < 2:
            msg = f"n_folds must be an integer of at least 2; got {self.n_folds!r}."
            raise ConfigError(msg)
        if self.time_budget is not None and self.time_budget <= 0:
            msg = f"time_budget must be a positive number of seconds; got {self.time_budget!r}."
            raise ConfigError(msg)
        if self.n_trials is not None and self.n_trials < 0:
            msg = f"n_trials must be zero or more; got {self.n_trials!r}."
            raise ConfigError(msg)
        for name in self.models or ():
            get_spec(name)

    def _pipeline(self, spec: ModelSpec, params: dict[str, Any], task: Task) -> Pipeline:
        prep = TablePreprocessor(style=spec.style, random_state=self.random_state)
        model = spec.make(task, params, self.random_state, self.n_jobs)
        return Pipeline([("prep", prep), ("model", model)])

    def _try_defaults(
        self,
        evaluate: Callable[..., Candidate],
        task: Task,
        y: np.ndarray,
        splits: list[Split],
        metric: Metric,
        deadline: float | None,
        notices: list[str],
    ) -> list[Candidate]:
        """Cross-validate every wanted family with its defaults (screened after the first fold)."""
        wanted = list(self.models) if self.models else [spec.name for spec in MODEL_FAMILIES]
        specs: list[ModelSpec] = []
        for spec in (get_spec(name) for name in wanted):
            if spec.max_rows is not None and len(y) > spec.max_rows:
                notices.append(
                    f"skipped {spec.name}: {len(y)} rows is more than it handles sensibly ({spec.max_rows})."
                )
                continue
            if spec.train_rows is not None and len(y) > spec.train_rows:
                notices.append(f"{spec.name} trains on a subsample of {spec.train_rows} rows.")
            specs.append(spec)
        screening = self.screen and len(splits) > 2 and len(specs) > SCREEN_KEEP
        report = current_progress()
        steps = len(specs) * len(splits)
        report.start(f"cross-validating {len(specs)} model families × {len(splits)} folds", total=steps)
        running: dict[str, Candidate] = {}
        for spec in specs:
            candidate = self._default_fold(
                evaluate, spec, task, deadline, notices, range(1) if screening else None
            )
            if candidate is not None:
                running[spec.name] = candidate
            report.advance(1 if screening else len(splits))
        if not screening:
            return list(running.values())
        valid = splits[0][1]
        behind = clearly_behind(
            {name: np.asarray(c.oof)[valid] for name, c in running.items()},
            y[valid],
            metric,
            keep=SCREEN_KEEP,
            classify=task != "regression",
            random_state=self.random_state,
        )
        for name in behind:
            running[name].screened_out = True
            running[name].oof = None
        if behind:
            notices.append(
                f"after the first fold, {len(behind)} famil{'y' if len(behind) == 1 else 'ies'} clearly "
                f"behind the leader ran no further folds: {', '.join(behind)} (screen=False runs every fold)."
            )
        candidates: list[Candidate] = []
        for spec in specs:
            candidate = running.get(spec.name)
            if candidate is None or candidate.screened_out:
                if candidate is not None:
                    candidates.append(candidate)
                report.advance(len(splits) - 1)
                continue
            finished = self._default_fold(
                evaluate, spec, task, deadline, notices, range(1, len(splits)), candidate
            )
            if finished is not None:
                candidates.append(finished)
            report.advance(len(splits) - 1)
        return candidates

    @staticmethod
    def _default_fold(
        evaluate: Callable[..., Candidate],
        spec: ModelSpec,
        task: Task,
        deadline: float | None,
        notices: list[str],
        folds: range | None,
        candidate: Candidate | None = None,
    ) -> Candidate | None:
        """Run ``folds`` of one family's defaults; ``None`` (with a notice) when it cannot."""
        if deadline is not None and time.perf_counter() > deadline:
            notices.append(f"skipped {spec.name}: the time budget ran out.")
            return None
        try:
            return evaluate(
                spec.name, spec, spec.defaults(task), None, "default", folds=folds, candidate=candidate
            )
        except OutOfTime:
            notices.append(f"skipped {spec.name}: the time budget ran out during its folds.")
        except Exception as error:  # one failing family must not sink the others
            notices.append(f"{spec.name} failed and was skipped: {type(error).__name__}: {error}")
        return None

    @staticmethod
    def _free_oof(candidates: list[Candidate], primary: Metric) -> None:
        ranked = sorted(candidates, key=lambda c: -c.utility(primary))
        for candidate in ranked[KEEP_OOF:]:
            candidate.oof = None

    def _ensemble(
        self,
        candidates: list[Candidate],
        y: np.ndarray,
        covered: np.ndarray,
        splits: list[Split],
        metrics: list[Metric],
        primary: Metric,
    ) -> tuple[Candidate, dict[str, float], np.ndarray] | None:
        pool = [c for c in sorted(candidates, key=lambda c: -c.utility(primary)) if c.oof is not None]
        if len(pool) < 2:
            return None
        predictions = [np.asarray(c.oof) for c in pool]
        weights, _ = greedy_ensemble(
            predictions, y, primary, rows=covered, iterations=self.ensemble_iterations
        )
        if np.count_nonzero(weights) < 2:
            return None
        oof = blend(predictions, weights)
        chosen = {c.name: float(w) for c, w in zip(pool, weights, strict=True) if w > 0}
        row = Candidate(
            name="ensemble",
            family="ensemble",
            params={"weights": {k: round(v, 4) for k, v in chosen.items()}},
            source="ensemble",
        )
        for _, valid in splits:
            for metric in metrics:
                row.scores.setdefault(metric.name, []).append(metric.score(y[valid], oof[valid]))
        members = [c for c in pool if c.name in chosen]
        row.fit_time = float(sum(c.fit_time for c in members))
        row.predict_time = float(sum(c.predict_time for c in members))
        row.oof = oof
        return row, chosen, oof

    def _leaderboard(
        self, candidates: list[Candidate], metrics: list[Metric], primary: Metric
    ) -> pd.DataFrame:
        records = []
        for candidate in candidates:
            record: dict[str, Any] = {
                "model": candidate.name,
                "family": candidate.family,
                "source": candidate.source,
            }
            for metric in metrics:
                values = np.asarray(candidate.scores[metric.name])
                record[f"{metric.name}_mean"] = float(values.mean())
                # one fold (a family screened out) has no spread to show
                record[f"{metric.name}_std"] = float(values.std(ddof=1)) if len(values) > 1 else np.nan
            record["n_folds"] = len(candidate.scores[primary.name])
            record["fit_time_s"] = candidate.fit_time
            record["predict_time_s"] = candidate.predict_time
            record["params"] = dumps(candidate.params, sort_keys=True)
            records.append(record)
        board = pd.DataFrame.from_records(records)
        # every fold first: a screened family's one-fold mean is not comparable with the others'
        board["_screened"] = [c.screened_out for c in candidates]
        board["_utility"] = primary.sign * board[f"{primary.name}_mean"]
        board = (
            board.sort_values(["_screened", "_utility"], ascending=[True, False], kind="stable")
            .drop(columns=["_screened", "_utility"])
            .reset_index(drop=True)
        )
        board.insert(0, "rank", np.arange(1, len(board) + 1))
        board["chosen"] = board["model"].isin([self.best_model_])
        return board

    # -- predict ---------------------------------------------------------------

    def _predict_output(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "models_")
        frame = self._check_input(X)
        outputs = [
            predict_output(model, frame, self.task_, self._n_outputs()) for model in self.models_.values()
        ]
        return blend(outputs, np.asarray(list(self.weights_.values())))

    def _n_outputs(self) -> int:
        return 0

    def _check_input(self, X: Any) -> pd.DataFrame:
        """The rows to predict, with the columns the model was trained on (extra named columns are ignored)."""
        frame = to_frame(X)
        named = isinstance(X, pd.DataFrame) or type(X).__module__.startswith("pyarrow")
        if not named and frame.shape[1] != self.n_features_in_:
            msg = (
                f"X has {frame.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
            raise ValueError(msg)
        present = {str(c) for c in frame.columns}
        missing = [c for c in self.feature_names_in_ if c not in present]
        if missing:
            msg = (
                f"the table lacks column(s) the model was trained on: {missing[:20]}; add them and try again."
            )
            raise MissingColumnsError(msg)
        return frame

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's tags: tables with missing values, text and categories are accepted."""
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        return tags


def _complete(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates that ran every fold (not screened out after the first)."""
    return [c for c in candidates if not c.screened_out]


def search_deadline(deadline: float, *, budget_end: float, fit_times: list[float], now: float) -> float:
    """Move the search's deadline so the final refit fits inside the time budget.

    The refit after the search fits the chosen models on all rows; a greedy
    ensemble rarely keeps more than the ``REFIT_MEMBERS`` best candidates, and a
    fit on all rows takes about ``REFIT_FACTOR`` times a fold's mean fit time.

    Parameters
    ----------
    deadline : float
        The search deadline from the budget's search share (``perf_counter`` time).
    budget_end : float
        When the whole budget runs out.
    fit_times : list of float
        Mean fold fit time of each candidate so far, best candidate first.
    now : float
        The current ``perf_counter`` time; the deadline never moves before it.

    Examples
    --------
    >>> search_deadline(85.0, budget_end=100.0, fit_times=[10.0, 2.0, 1.0, 1.0, 50.0], now=20.0)
    79.0
    >>> search_deadline(85.0, budget_end=100.0, fit_times=[0.5], now=20.0)
    85.0
    """
    refit_estimate = REFIT_FACTOR * sum(fit_times[:REFIT_MEMBERS])
    return max(min(deadline, budget_end - refit_estimate), now)
