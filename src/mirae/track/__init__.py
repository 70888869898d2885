"""Experiment tracking and the model registry on MLflow, with no global state.

A :class:`Tracker` holds an ``MlflowClient`` for one explicit tracking URI (by
default ``sqlite:///<workspace>/mlflow.db`` with artifacts in
``<workspace>/mlartifacts``; ``MIRAE_TRACKING_URI`` or an argument points it
anywhere else). Runs are opened with :meth:`Tracker.start_run` and written
through a :class:`RunLogger`; :class:`Registry` registers versions, moves
aliases and loads models by ``name``, ``name@alias`` or ``name/version``.
MLflow loads on first use, not on import.

Examples
--------
>>> from mirae.track import parse_model_ref
>>> parse_model_ref("churn@champion").alias
'champion'
"""

from mirae.track._registry import (
    ModelRef,
    ModelVersionInfo,
    RegisteredModelInfo,
    Registry,
    parse_model_ref,
)
from mirae.track._tracker import TRACKING_URI_ENV, RunLogger, Tracker, workspace_tracking_uri

__all__ = [
    "TRACKING_URI_ENV",
    "ModelRef",
    "ModelVersionInfo",
    "RegisteredModelInfo",
    "Registry",
    "RunLogger",
    "Tracker",
    "parse_model_ref",
    "workspace_tracking_uri",
]
