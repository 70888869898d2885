"""Optuna search over the hyperparameters of the most promising families.

One study with a seeded TPE sampler samples a family and then that
family's parameters; each trial is a full cross-validation, reported fold by
fold so that a median pruner stops hopeless trials early. With a trial
budget and a seed the sequence of trials, and so the result, is repeatable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mirae.core._progress import current as current_progress
from mirae.supervised._cv import Candidate, OutOfTime
from mirae.supervised._metrics import Metric, Task
from mirae.supervised._zoo import ModelSpec

__all__ = ["Evaluate", "search"]

#: ``evaluate(name, spec, params, report, source) -> Candidate``; see ``_base``.
Evaluate = Callable[[str, ModelSpec, dict[str, Any], Callable[[int, float], None] | None, str], Candidate]


def search(
    evaluate: Evaluate,
    families: list[ModelSpec],
    *,
    task: Task,
    metric: Metric,
    n_trials: int | None,
    deadline: float | None,
    random_state: int,
) -> tuple[list[Candidate], list[str]]:
    """Run the search; return the completed candidates and notices about the rest.

    Parameters
    ----------
    evaluate : callable
        Cross-validates one configuration (it raises ``OutOfTime`` past the
        deadline).
    families : list of ModelSpec
        The families to search.
    task : {"binary", "multiclass", "regression"}
    metric : Metric
        The primary metric; its ``sign * mean`` is maximised.
    n_trials : int, optional
        Trials to run; ``None`` runs until ``deadline``.
    deadline : float, optional
        A ``time.perf_counter`` value at which no new trial starts.
    random_state : int
        Seed of the sampler.
    """
    import optuna

    completed: list[Candidate] = []
    notices: list[str] = []
    by_name = {spec.name: spec for spec in families}

    def objective(trial: optuna.Trial) -> float:
        family = (
            trial.suggest_categorical("family", list(by_name)) if len(by_name) > 1 else next(iter(by_name))
        )
        spec = by_name[str(family)]
        params = spec.space(trial, task)

        def report(step: int, value: float) -> None:
            trial.report(value, step)
            if trial.should_prune():
                raise optuna.TrialPruned

        name = f"{spec.name}/trial-{trial.number}"
        try:
            candidate = evaluate(name, spec, params, report, "search")
        except OutOfTime:
            notices.append(f"search trial {name} stopped: the time budget ran out.")
            raise optuna.TrialPruned from None
        except optuna.TrialPruned:
            raise
        except Exception as error:  # a bad corner of a search space must not end the search
            notices.append(f"search trial {name} failed and was skipped: {type(error).__name__}: {error}")
            raise optuna.TrialPruned from None
        completed.append(candidate)
        return candidate.utility(metric)

    timeout = None if deadline is None else max(deadline - time.perf_counter(), 0.0)
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # restored below; trials are in the leaderboard
    try:
        sampler = optuna.samplers.TPESampler(seed=random_state)
        pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1)
        study = optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)
        if timeout is None or timeout > 0:
            report = current_progress()
            what = f"{n_trials} search trials" if n_trials else "search trials within the time budget"
            report.start(f"searching: {what}", total=n_trials)
            study.optimize(
                objective,
                n_trials=n_trials,
                timeout=timeout,
                catch=(),
                callbacks=[lambda *_: report.advance()],
            )
    finally:
        optuna.logging.set_verbosity(verbosity)
    pruned = sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials)
    if pruned:
        notices.append(f"search: {len(completed)} trials completed, {pruned} stopped early (pruned).")
    return completed, notices
