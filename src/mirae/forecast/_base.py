"""The :class:`Forecaster` interface every forecasting model implements.

Meaning, written down (river-style):

- ``fit(data)`` learns from the history of every series in ``data`` (a
  :class:`~mirae.forecast.ForecastData` or a long frame in ``unique_id``/``ds``/``y``
  columns) and returns ``self``. Settings live in ``__init__``; learned state
  ends in ``_``; randomness comes only from ``random_state``.
- ``predict(h)`` returns one row per series and future period, with the caller's
  id and time column names and one column per model alias (``ETS``); with
  ``level=[80, 95]`` probabilistic models add ``ETS-lo-95``/``ETS-hi-95``.
- Capabilities are class data, :attr:`tags` (:class:`mirae.base.Tags`):
  ``supports_exog`` (uses dynamic exogenous columns and their future values),
  ``probabilistic`` (gives its own prediction intervals), ``handles_missing``
  (fits on series with NaN targets).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import ClassVar, Self

import pandas as pd

from mirae.base import Forecaster as ForecasterContract
from mirae.base import Tags
from mirae.errors import ConfigError
from mirae.forecast._data import ForecastData

__all__ = ["Forecaster", "as_forecast_data"]


def as_forecast_data(data: ForecastData | pd.DataFrame) -> ForecastData:
    """``data`` as :class:`ForecastData`; a frame must use ``unique_id``/``ds``/``y`` columns.

    Examples
    --------
    >>> df = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2024-01-01", periods=3, freq="MS"),
    ...                    "y": [1.0, 2.0, 3.0]})
    >>> as_forecast_data(df).freq.code
    'M'
    """
    if isinstance(data, ForecastData):
        return data
    if isinstance(data, pd.DataFrame):
        return ForecastData.from_frame(data)
    msg = f"expected a ForecastData or a pandas DataFrame; got {type(data).__name__}. Build one with ForecastData.from_frame(df, ...)."
    raise ConfigError(msg)


class Forecaster(ForecasterContract):
    """Base of mirae's forecasters: the :class:`mirae.base.Forecaster` contract on :class:`ForecastData`.

    Settings, ``get_params`` / ``set_params`` / ``clone`` and the printed form
    come from :class:`mirae.base.Estimator` (scikit-learn's protocol);
    capabilities are :attr:`tags`. Subclasses implement ``_fit(data)`` and
    ``_predict(h, future, level)`` on canonical columns; this class validates
    input, keeps the fitted data and renames outputs to the caller's column
    names.
    """

    tags: ClassVar[Tags] = Tags(task="forecast")

    # -- public API ------------------------------------------------------------------------------

    @property
    @abstractmethod
    def aliases(self) -> tuple[str, ...]:
        """Names of the forecast columns this forecaster writes."""

    def fit(self, data: ForecastData | pd.DataFrame) -> Self:
        """Learn from the history of every series.

        Parameters
        ----------
        data : ForecastData or DataFrame
            Long-format data; a frame must use ``unique_id``/``ds``/``y``.

        Returns
        -------
        self
        """
        fd = as_forecast_data(data)
        self._fit(fd)
        self.data_ = fd
        return self

    def predict(
        self, h: int, *, future: pd.DataFrame | None = None, level: Sequence[int] | None = None
    ) -> pd.DataFrame:
        """Forecast ``h`` periods past each series' history.

        Parameters
        ----------
        h : int
            Horizon in periods of the data's frequency.
        future : DataFrame, optional
            Future exogenous values (caller's column names), overriding those
            given with the data.
        level : sequence of int, optional
            Prediction-interval levels in percent, e.g. ``[80, 95]``.

        Returns
        -------
        DataFrame
            The caller's id and time columns, then one column per alias (and
            ``-lo-``/``-hi-`` columns per level when supported).
        """
        data = self._check_fitted()
        h = _check_horizon(h)
        level = _check_level(level)
        fut = data.future_frame(h, future, exog=self._needs_future(data))
        return data.to_output(self._predict(h, fut, level).drop(columns="step", errors="ignore"))

    # -- for subclasses and the backtest ---------------------------------------------------------

    @abstractmethod
    def _fit(self, data: ForecastData) -> None:
        """Learn from ``data`` (canonical columns)."""

    @abstractmethod
    def _predict(self, h: int, future: pd.DataFrame, level: list[int]) -> pd.DataFrame:
        """Forecast on canonical columns; ``future`` has ``unique_id``, ``ds``, ``step`` (+ exog)."""

    def _fitted_backtest(
        self, data: ForecastData, *, h: int, n_windows: int, step_size: int, min_train: int
    ) -> pd.DataFrame | None:
        """A backtest that reuses this fitted forecaster (cheaper than refitting per window), or ``None``.

        Forecasters that can evaluate themselves without a full refit per
        cut-off return the frame :func:`~mirae.forecast.backtest` returns;
        the default says they cannot.
        """
        return None

    def _needs_future(self, data: ForecastData) -> bool:
        """Whether predicting needs future exogenous values (capable and the data has exog)."""
        return self.tags.supports_exog and bool(data.exog)

    def _check_fitted(self) -> ForecastData:
        data = getattr(self, "data_", None)
        if data is None:
            from sklearn.exceptions import NotFittedError

            msg = f"this {type(self).__name__} is not fitted yet; call fit(data) before predict."
            raise NotFittedError(msg)
        return data


def _check_horizon(h: int) -> int:
    if isinstance(h, bool) or not isinstance(h, int) or h < 1:
        msg = f"h must be a positive integer (periods ahead); got {h!r}."
        raise ConfigError(msg)
    return h


def _check_level(level: Sequence[int] | None) -> list[int]:
    if level is None:
        return []
    out = sorted({int(lv) for lv in level})
    if any(not 0 < lv < 100 for lv in out):
        msg = f"level must hold percentages strictly between 0 and 100, e.g. [80, 95]; got {list(level)}."
        raise ConfigError(msg)
    return out
