"""Use cases shared by the CLI and the server: they tie estimators to the workspace."""

from mirae.service._demo import DemoResult, DemoTable, run_demo
from mirae.service._forecast import ForecastRun, forecast_table
from mirae.service._simulate import SimulationRun, simulate_table

__all__ = [
    "DemoResult",
    "DemoTable",
    "ForecastRun",
    "SimulationRun",
    "forecast_table",
    "run_demo",
    "simulate_table",
]
