"""Anomaly detection: metric series, multivariate rows and logs (templates and per-template counts).

Metrics: :class:`MetricDetector` runs one detector per series (grouped by a
column such as host) and returns every row scored plus one row per alert.
The one-metric detectors (:class:`BandDetector` — the normal range,
정상 범위 —, :class:`SubPCADetector`, :class:`PolyDetector`, and
:class:`AutoDetector`, which picks one by a written rule) take a frame with
the metric column and an optional time column; the multi-metric ones
(:class:`MultivariateDetector`, :class:`CorrelationBreakDetector`) a frame of
metric columns. Every score is a robust z-score: higher = more anomalous.
"""

from mirae.anomaly._auto import AUTO_RULE, AutoDetector
from mirae.anomaly._band import BandDetector, seasonal_strength
from mirae.anomaly._events import flag_runs
from mirae.anomaly._frame import METHODS, MULTI_METRIC_METHODS, Detection, MetricDetector
from mirae.anomaly._logs_analysis import LogAnalysis, detect_log_anomalies
from mirae.anomaly._logs_counts import LogAnomalyDetector, count_windows
from mirae.anomaly._logs_lines import LOG_FORMATS, LogFormat, ParsedLines, parse_lines, read_log_lines
from mirae.anomaly._logs_report import LogReport
from mirae.anomaly._logs_templates import (
    DEFAULT_MASKS,
    LogTemplateMiner,
    grouping_accuracy,
    parsing_accuracy,
)
from mirae.anomaly._metrics import (
    detection_delay,
    evaluate_detection,
    event_metrics,
    label_events,
    point_metrics,
    range_pr_auc,
)
from mirae.anomaly._multivariate import CorrelationBreakDetector, MultivariateDetector
from mirae.anomaly._window import PolyDetector, SubPCADetector

__all__ = [
    "AUTO_RULE",
    "DEFAULT_MASKS",
    "LOG_FORMATS",
    "METHODS",
    "MULTI_METRIC_METHODS",
    "AutoDetector",
    "BandDetector",
    "CorrelationBreakDetector",
    "Detection",
    "LogAnalysis",
    "LogAnomalyDetector",
    "LogFormat",
    "LogReport",
    "LogTemplateMiner",
    "MetricDetector",
    "MultivariateDetector",
    "ParsedLines",
    "PolyDetector",
    "SubPCADetector",
    "count_windows",
    "detect_log_anomalies",
    "detection_delay",
    "evaluate_detection",
    "event_metrics",
    "flag_runs",
    "grouping_accuracy",
    "label_events",
    "parse_lines",
    "parsing_accuracy",
    "point_metrics",
    "range_pr_auc",
    "read_log_lines",
    "seasonal_strength",
]
