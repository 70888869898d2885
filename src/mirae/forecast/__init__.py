"""Demand forecasting: long-format series, explainable and statistical models, backtests.

The estimator layer: plain objects that fit on a :class:`ForecastData` (or a
``unique_id``/``ds``/``y`` frame) and predict a long frame with one column per
model alias. Storage, tracking and the CLI live in ``mirae.service``.

Examples
--------
>>> import pandas as pd
>>> from mirae.forecast import ForecastData, StatisticalForecaster
>>> df = pd.DataFrame({"item": "a", "month": pd.date_range("2023-01-01", periods=24, freq="MS"),
...                    "qty": [float(i % 12) for i in range(24)]})
>>> data = ForecastData.from_frame(df, id_col="item", time_col="month", target_col="qty")
>>> StatisticalForecaster(models=["SeasonalNaive"], intermittent_models=()).fit(data).predict(2).columns.tolist()
['item', 'month', 'SeasonalNaive']
"""

from mirae.forecast._auto import AutoForecaster
from mirae.forecast._backtest import backtest, conformal_intervals
from mirae.forecast._base import Forecaster
from mirae.forecast._boost import GlobalBoostForecaster
from mirae.forecast._calendar import calendar_features, holiday_calendar
from mirae.forecast._data import ForecastData
from mirae.forecast._frequency import Frequency, infer_frequency
from mirae.forecast._hierarchical import HierarchicalForecaster
from mirae.forecast._metrics import bias, mase, rmsse, score_series, smape, wape, wrmsse
from mirae.forecast._reconcile import aggregate_history, reconcile, shrunk_covariance, summing_matrix
from mirae.forecast._seasonal_index import SeasonalIndexForecaster, seasonal_index_components
from mirae.forecast._simulate import PriceResponse, fit_price_response, simulate_scenarios
from mirae.forecast._statistical import SMOOTH_MODELS as STATISTICAL_MODELS
from mirae.forecast._statistical import StatisticalForecaster, classify_series

__all__ = [
    "STATISTICAL_MODELS",
    "AutoForecaster",
    "ForecastData",
    "Forecaster",
    "Frequency",
    "GlobalBoostForecaster",
    "HierarchicalForecaster",
    "PriceResponse",
    "SeasonalIndexForecaster",
    "StatisticalForecaster",
    "aggregate_history",
    "backtest",
    "bias",
    "calendar_features",
    "classify_series",
    "conformal_intervals",
    "fit_price_response",
    "holiday_calendar",
    "infer_frequency",
    "mase",
    "reconcile",
    "rmsse",
    "score_series",
    "seasonal_index_components",
    "shrunk_covariance",
    "simulate_scenarios",
    "smape",
    "summing_matrix",
    "wape",
    "wrmsse",
]
