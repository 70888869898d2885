"""AutoML for regression: numeric targets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import RegressorMixin

from mirae.base import Tags
from mirae.errors import TargetError
from mirae.supervised._base import AutoModel
from mirae.supervised._cv import CvStrategy
from mirae.supervised._metrics import Task

__all__ = ["AutoRegressor"]


class AutoRegressor(RegressorMixin, AutoModel):
    """Find, tune and ensemble the best regressor for a table.

    The same search as :class:`AutoClassifier` (zoo defaults, Optuna search,
    greedy ensemble, refit on all rows) for a numeric target.

    Parameters
    ----------
    metric : {"rmse", "mae", "r2", "mape"}, optional
        What to optimise (``rmse`` by default).
    models, n_folds, cv, time_column, time_budget, n_trials, search_families, \
ensemble, ensemble_iterations, check_leakage, screen, n_jobs, random_state
        As in :class:`AutoClassifier` (``cv="auto"`` is shuffled k-fold).

    Attributes
    ----------
    leaderboard_ : DataFrame
        One row per candidate with mean and standard deviation over folds.
    best_model_ : str
    models_ : dict of str to Pipeline
    weights_ : dict of str to float
    notices_ : list of str
    metric_ : str
    candidates_ : dict of str to Candidate
        Every candidate with its per-fold scores.

    Examples
    --------
    >>> import pandas as pd
    >>> from mirae.supervised import AutoRegressor
    >>> frame = pd.DataFrame({"size": range(40), "rooms": [1, 2, 3, 4] * 10})
    >>> frame["price"] = frame["rooms"] * 10.0 + frame["size"] * 0.5
    >>> model = AutoRegressor(models=["linear"], n_folds=3).fit(frame, "price")
    >>> model.best_model_, bool(model.leaderboard_.loc[0, "r2_mean"] > 0.99)
    ('linear', True)
    >>> model.predict(frame.head(2)).shape
    (2,)
    """

    tags: ClassVar[Tags] = Tags(task="regression", probabilistic=False, handles_missing=True)

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

    def fit(self, X: Any, y: Any = None, groups: Any = None) -> AutoRegressor:
        """Search for the best regressor of ``y`` given ``X``.

        Parameters
        ----------
        X : DataFrame, Arrow table or 2-D array
        y : array-like or str
            Numeric target, or the name of the target column of ``X``; rows
            with a missing value are dropped (see ``notices_``).
        groups : array-like or str, optional
            Group of each row; rows of one group stay in one fold.

        Returns
        -------
        AutoRegressor
            ``self``, fitted.
        """
        self._fit(X, y, groups)
        return self

    def _encode_target(self, y: pd.Series) -> tuple[np.ndarray, Task, int]:
        if pd.api.types.is_bool_dtype(y) or not pd.api.types.is_numeric_dtype(y):
            values = pd.to_numeric(y, errors="coerce")
            bad = values.isna().to_numpy()
            if bad.any():
                first = y[bad].iloc[0]
                msg = (
                    f"the target must be numeric for AutoRegressor; got {first!r} in {int(bad.sum())} "
                    "row(s). Use AutoClassifier for labels."
                )
                raise TargetError(msg)
            y = values
        return np.asarray(y.to_numpy(dtype=np.float64)), "regression", 0

    def predict(self, X: Any) -> np.ndarray:
        """Predicted value of each row of ``X`` (columns matched by name)."""
        return self._predict_output(X)
