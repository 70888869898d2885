"""Anomaly detection: metric series, multivariate rows and logs (templates and per-template counts)."""

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

__all__ = [
    "DEFAULT_MASKS",
    "LOG_FORMATS",
    "LogAnalysis",
    "LogAnomalyDetector",
    "LogFormat",
    "LogReport",
    "LogTemplateMiner",
    "ParsedLines",
    "count_windows",
    "detect_log_anomalies",
    "grouping_accuracy",
    "parse_lines",
    "parsing_accuracy",
    "read_log_lines",
]
