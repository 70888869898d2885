"""Use cases shared by the CLI and the server: they tie estimators to the workspace."""

from mirae.service._demo import DemoResult, DemoTable, run_demo
from mirae.service._forecast import ForecastRun, forecast_table
from mirae.service._score import EvaluationRun, PredictRun, evaluate_table, predict_table
from mirae.service._simulate import SimulationRun, simulate_table
from mirae.service._train import TrainRun, train_table

__all__ = [
    "DemoResult",
    "DemoTable",
    "EvaluationRun",
    "ForecastRun",
    "PredictRun",
    "SimulationRun",
    "TrainRun",
    "evaluate_table",
    "forecast_table",
    "predict_table",
    "run_demo",
    "simulate_table",
    "train_table",
]
