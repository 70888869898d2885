"""Errors raised by mirae.

Every error mirae raises on purpose derives from :class:`MiraeError` and also
from the built-in type a caller would naturally catch, so ``except ValueError``
keeps working. Messages say what was expected, what was received and how to
fix it.

The tree::

    MiraeError
    ├── ConfigError (ValueError)           bad settings or options
    ├── WorkspaceError (RuntimeError)      the workspace folder or catalog
    │   ├── TableNotFoundError (KeyError)  no table with that name
    │   ├── TableExistsError (ValueError)  create over an existing table
    │   └── SnapshotNotFoundError (KeyError)
    ├── IngestError (ValueError)           a source cannot be read
    │   ├── SourceNotFoundError (FileNotFoundError)
    │   ├── EmptySourceError               no rows or no columns
    │   ├── EncodingError (UnicodeError)   bytes that do not decode
    │   ├── MalformedRowsError             rows with the wrong number of fields
    │   └── TypeParseError                 a value that does not parse as its type
    ├── SchemaError (ValueError)           columns that do not fit a table
    ├── QualityCheckError (ValueError)     a badly declared check
    └── QueryError (ValueError)            SQL that DuckDB rejects

Each task package's errors follow in their own section below, with their own
tree: supervised learning (``TargetError``, ``MissingColumnsError``, ...,
and the ``MiraeWarning`` family), forecasting (``ForecastError``),
evaluation (``EvaluationError``) and tracking (``TrackingError``).
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "EmptySourceError",
    "EncodingError",
    "IngestError",
    "MalformedRowsError",
    "MiraeError",
    "QualityCheckError",
    "QueryError",
    "SchemaError",
    "SnapshotNotFoundError",
    "SourceNotFoundError",
    "TableExistsError",
    "TableNotFoundError",
    "TypeParseError",
    "WorkspaceError",
]


class MiraeError(Exception):
    """Base class of every error mirae raises on purpose."""


class ConfigError(MiraeError, ValueError):
    """An option or setting has a value mirae cannot use."""


class WorkspaceError(MiraeError, RuntimeError):
    """The workspace folder or its catalog cannot be used."""


class TableNotFoundError(WorkspaceError, KeyError):
    """No table of that name exists in the workspace."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class TableExistsError(WorkspaceError, ValueError):
    """A table of that name already exists and the mode was ``create``."""


class SnapshotNotFoundError(WorkspaceError, KeyError):
    """The table has no snapshot with that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class IngestError(MiraeError, ValueError):
    """A source could not be read into a table."""


class SourceNotFoundError(IngestError, FileNotFoundError):
    """The file, URL or database object does not exist."""


class EmptySourceError(IngestError):
    """The source has no rows or no columns."""


class EncodingError(IngestError, UnicodeError):
    """The source has bytes that do not decode in the detected encoding."""


class MalformedRowsError(IngestError):
    """Some rows have a different number of fields than the header."""


class TypeParseError(IngestError):
    """A value does not parse as the type its column was given."""


class SchemaError(MiraeError, ValueError):
    """Columns that do not fit the table: duplicates, or incompatible types."""


class QualityCheckError(MiraeError, ValueError):
    """A data-quality check is declared wrongly."""


class QueryError(MiraeError, ValueError):
    """SQL that DuckDB could not run over the workspace tables."""


# -- supervised
# Errors and warnings of ``mirae.prep`` and ``mirae.supervised``::
#
#     MiraeError
#     ├── TargetError (ValueError)                  a target that cannot be learned
#     │   ├── TargetNotFoundError (KeyError)        no target given, or no such column
#     │   ├── ConstantTargetError                   one value only
#     │   └── TooFewRowsPerClassError               a class with fewer rows than folds
#     ├── SchemaError (ValueError)
#     │   ├── MissingColumnsError (KeyError)        columns seen at fit absent at predict
#     │   └── ColumnTypeError (TypeError)           a value of the wrong type at predict
#     └── NoModelFittedError (RuntimeError)         every candidate model failed or was skipped
#
#     MiraeWarning (UserWarning)
#     └── TargetLeakageWarning                      a feature that predicts the target alone

__all__ += [
    "ColumnTypeError",
    "ConstantTargetError",
    "MiraeWarning",
    "MissingColumnsError",
    "NoModelFittedError",
    "TargetError",
    "TargetLeakageWarning",
    "TargetNotFoundError",
    "TooFewRowsPerClassError",
]


class TargetError(MiraeError, ValueError):
    """The target cannot be learned: missing, constant or too thin per class."""


class TargetNotFoundError(TargetError, KeyError):
    """No target was given, or the named target column is not in the table."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ConstantTargetError(TargetError):
    """The target has a single distinct value (after dropping missing ones)."""


class TooFewRowsPerClassError(TargetError):
    """A class has fewer rows than cross-validation folds."""


class MissingColumnsError(SchemaError, KeyError):
    """Columns the model was fitted on are absent from the table to predict."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ColumnTypeError(SchemaError, TypeError):
    """A column holds values of a type other than the one seen at fit time."""


class NoModelFittedError(MiraeError, RuntimeError):
    """Every candidate model failed or was skipped, so there is nothing to predict with."""


class MiraeWarning(UserWarning):
    """Base class of the warnings mirae issues."""


class TargetLeakageWarning(MiraeWarning):
    """A single feature predicts the target almost perfectly: it may leak the answer."""


# -- forecasting
#
#   MiraeError
#   └── ForecastError (ValueError)             forecasting input or settings
#       ├── DuplicateObservationError          two rows for one (id, time)
#       ├── FrequencyError                     unknown or mixed time frequency
#       ├── GapError                           missing periods and no fill= given
#       ├── TargetValueError                   non-numeric or negative target
#       ├── HierarchyError                     hierarchy columns not constant per series
#       ├── MissingFutureError                 future exogenous values missing for the horizon
#       └── NoPriceVariationError              what-if without price variation to learn from

__all__ += [
    "DuplicateObservationError",
    "ForecastError",
    "FrequencyError",
    "GapError",
    "HierarchyError",
    "MissingFutureError",
    "NoPriceVariationError",
    "TargetValueError",
]


class ForecastError(MiraeError, ValueError):
    """Forecasting input or settings that mirae cannot use."""


class DuplicateObservationError(ForecastError):
    """More than one row for the same series and time."""


class FrequencyError(ForecastError):
    """The time column has an unknown or mixed frequency."""


class GapError(ForecastError):
    """Series have missing periods and no ``fill`` option was chosen."""


class TargetValueError(ForecastError):
    """The target column has non-numeric or (when not allowed) negative values."""


class HierarchyError(ForecastError):
    """Hierarchy columns are missing or not constant within a series."""


class MissingFutureError(ForecastError):
    """Exogenous columns have no values for some periods of the forecast horizon."""


class NoPriceVariationError(ForecastError):
    """A price response was asked for but the history has no price variation."""


# -- evaluation


class EvaluationError(MiraeError, ValueError):
    """Truths, predictions or a model that cannot be evaluated together.

    Raised for mismatched lengths, a positive class that is not among the
    labels, probabilities of the wrong shape, or a model that lacks what an
    evaluation needs (``predict_proba`` for ROC curves, a tree for rules).
    """


__all__ += ["EvaluationError"]


# -- tracking and registry
#
#   MiraeError
#   └── TrackingError (RuntimeError)           the MLflow tracking store or registry
#       ├── ModelNotFoundError (KeyError)      no registered model, version or alias by that reference
#       └── ModelIntegrityError                model files changed since they were logged, or unsafe


class TrackingError(MiraeError, RuntimeError):
    """The MLflow tracking store or model registry could not do what was asked."""


class ModelNotFoundError(TrackingError, KeyError):
    """No registered model, version or alias matches the reference."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ModelIntegrityError(TrackingError):
    """A model's files differ from those logged with it, or hold types mirae will not rebuild."""


__all__ += ["ModelIntegrityError", "ModelNotFoundError", "TrackingError"]


# -- segmentation
#
#   MiraeError
#   └── SegmentError (ValueError)              segmentation input or settings (too few rows, k too large, ...)


class SegmentError(MiraeError, ValueError):
    """Segmentation cannot run on this input or with these settings."""


__all__ += ["SegmentError"]


# -- recommendation
#


class RecommendError(MiraeError, ValueError):
    """Recommendation cannot run on this input or with these settings."""


__all__ += ["RecommendError"]


# -- anomaly detection
#
#   MiraeError
#   └── AnomalyError (ValueError)              anomaly-detection input or settings
#       └── LogParseError                      a log file that cannot be read as lines


class AnomalyError(MiraeError, ValueError):
    """Anomaly detection cannot run on this input or with these settings."""


class LogParseError(AnomalyError):
    """A log file is empty, binary, or its lines do not match the given format."""


__all__ += ["AnomalyError", "LogParseError"]
