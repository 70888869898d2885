"""Use cases shared by the CLI and the server: they tie estimators to the workspace."""

from mirae.service._demo import DemoResult, DemoTable, run_demo

__all__ = ["DemoResult", "DemoTable", "run_demo"]
