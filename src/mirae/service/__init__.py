"""Use cases shared by the CLI and the server: one spec in, one result out.

Each use case is a function ``name(ctx, spec, *, progress=None)``: a
:class:`Context` built at the edge (workspace, tracking store, user) and a
validated spec (:class:`TrainSpec`, :class:`ForecastSpec`, ...). The
``*_table(ws, table, **settings)`` functions are the same use cases for Python
callers, with the spec's fields as keyword arguments.
"""

from mirae.service._context import Context
from mirae.service._demo import DemoResult, DemoTable, run_demo
from mirae.service._detect import DetectRun, detect, detect_table
from mirae.service._detect_logs import DetectLogsRun, detect_logs, detect_logs_file
from mirae.service._forecast import ForecastRun, forecast, forecast_table
from mirae.service._models import list_models, model_versions, set_alias
from mirae.service._recommend import RecommendRun, SimilarRun, recommend, recommend_table, similar
from mirae.service._score import EvaluationRun, PredictRun, evaluate, evaluate_table, predict, predict_table
from mirae.service._segment import SegmentRun, segment, segment_table
from mirae.service._simulate import SimulationRun, simulate, simulate_table
from mirae.service._specs import (
    SPECS,
    DetectLogsSpec,
    DetectSpec,
    EvaluateSpec,
    ExportSpec,
    ForecastSpec,
    IngestSpec,
    PredictSpec,
    ProfileSpec,
    QualitySpec,
    RecommendSpec,
    SegmentSpec,
    SimilarSpec,
    SimulateSpec,
    Spec,
    TrainSpec,
)
from mirae.service._tables import export, ingest, profile, quality
from mirae.service._train import TrainRun, train, train_table

__all__ = [
    "SPECS",
    "Context",
    "DemoResult",
    "DemoTable",
    "DetectLogsRun",
    "DetectRun",
    "DetectLogsSpec",
    "DetectSpec",
    "EvaluateSpec",
    "EvaluationRun",
    "ExportSpec",
    "ForecastRun",
    "ForecastSpec",
    "IngestSpec",
    "PredictRun",
    "PredictSpec",
    "ProfileSpec",
    "QualitySpec",
    "RecommendRun",
    "RecommendSpec",
    "SegmentRun",
    "SegmentSpec",
    "SimilarRun",
    "SimilarSpec",
    "SimulateSpec",
    "SimulationRun",
    "Spec",
    "TrainRun",
    "TrainSpec",
    "detect",
    "detect_logs",
    "detect_logs_file",
    "detect_table",
    "evaluate",
    "evaluate_table",
    "export",
    "forecast",
    "forecast_table",
    "ingest",
    "list_models",
    "model_versions",
    "predict",
    "predict_table",
    "profile",
    "quality",
    "recommend",
    "recommend_table",
    "run_demo",
    "segment",
    "segment_table",
    "set_alias",
    "similar",
    "simulate",
    "simulate_table",
    "train",
    "train_table",
]
