"""The task contracts: what goes in, what comes out, and what it means.

Each task package implements one of these; the service layer, the REST API
and the conformance suite (:func:`mirae.testing.check_estimator`) rely only
on what is written here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar, Self

from mirae.base._estimator import Estimator, Tags

__all__ = ["AnomalyDetector", "Clusterer", "Forecaster", "Recommender"]


class Forecaster(Estimator, ABC):
    """Forecasts many series at once from their history.

    - ``fit(data)`` learns from the history of every series (a
      ``ForecastData`` or a long frame with ``unique_id``/``ds``/``y``) and
      returns ``self``.
    - ``predict(h, future=None, level=None)`` returns one row per series and
      future period, with the caller's id and time column names and one
      column per model alias; with ``level=[80, 95]`` probabilistic models add
      ``<alias>-lo-95`` / ``<alias>-hi-95``.
    - ``aliases`` names the forecast columns.
    """

    tags: ClassVar[Tags] = Tags(task="forecast")

    @property
    @abstractmethod
    def aliases(self) -> tuple[str, ...]:
        """Names of the forecast columns this forecaster writes."""

    @abstractmethod
    def fit(self, data: Any) -> Self:
        """Learn from the history of every series; return ``self``."""

    @abstractmethod
    def predict(self, h: int, *, future: Any = None, level: Sequence[int] | None = None) -> Any:
        """Forecast ``h`` periods past each series' history."""


class Clusterer(Estimator, ABC):
    """Groups rows (customers, stores, students) into segments.

    - ``fit(X)`` learns the segments from a table of features; ``labels_``
      holds each training row's segment (integers ``0..n_segments_-1``).
    - ``predict(X)`` assigns new rows (same columns) to the learned segments,
      one integer per row, without refitting.
    - ``fit_predict(X)`` is ``fit(X).labels_``.
    """

    tags: ClassVar[Tags] = Tags(task="clustering")
    labels_: Any  # set by fit

    @abstractmethod
    def fit(self, X: Any, y: Any = None) -> Self:
        """Learn the segments; return ``self``."""

    @abstractmethod
    def predict(self, X: Any) -> Any:
        """The segment of each row."""

    def fit_predict(self, X: Any, y: Any = None) -> Any:
        """Fit and return the training rows' segments."""
        return self.fit(X).labels_


class AnomalyDetector(Estimator, ABC):
    """Scores how unusual each point (or row) is.

    - ``fit(X)`` learns what normal looks like.
    - ``anomaly_score(X)`` returns one number per row: **higher score = more
      anomalous**; scores are comparable within one fitted detector. (The
      name avoids scikit-learn's ``score_samples``, where higher means more
      normal, and PyOD's ``decision_function``.)
    - ``predict(X)`` returns 1 for rows flagged as anomalies, 0 otherwise
      (the score above ``threshold_``).
    """

    tags: ClassVar[Tags] = Tags(task="anomaly")
    threshold_: float  # set by fit

    @abstractmethod
    def fit(self, X: Any, y: Any = None) -> Self:
        """Learn the normal behaviour; return ``self``."""

    @abstractmethod
    def anomaly_score(self, X: Any) -> Any:
        """Anomaly score per row: higher = more anomalous."""

    def predict(self, X: Any) -> Any:
        """1 where the score is above ``threshold_``, else 0."""
        import numpy as np

        return (np.asarray(self.anomaly_score(X)) > self.threshold_).astype(int)


class Recommender(Estimator, ABC):
    """Ranks items for users from their interactions (and item content).

    - ``fit(interactions)`` learns from a table of (user, item[, weight]).
    - ``recommend(user, k)`` returns up to ``k`` items the user has not
      interacted with, best first, with a score (higher = better) and a
      reason; unknown users get the cold-start answer, never an error.
    - ``similar_items(item, k)`` returns the ``k`` items most like ``item``.
    """

    tags: ClassVar[Tags] = Tags(task="recommendation")

    @abstractmethod
    def fit(self, interactions: Any, y: Any = None) -> Self:
        """Learn from the interactions; return ``self``."""

    @abstractmethod
    def recommend(self, user: Any, k: int = 10) -> Any:
        """Up to ``k`` new items for ``user``, best first."""

    @abstractmethod
    def similar_items(self, item: Any, k: int = 10) -> Any:
        """The ``k`` items most like ``item``."""
