"""Decision-grade evaluation and explanation of fitted models.

Works on any fitted model with ``predict`` (and ``predict_proba`` for
probabilities) and its rows, raw text, date and missing values included, or on
arrays of truths, predictions and probabilities. One report object per task
(:class:`ClassificationReport`, :class:`RegressionReport`) holds every number
as Python attributes, turns into JSON (``to_dict`` / ``to_json``) and into a
standalone HTML page with Plotly charts in Korean or English (``to_html``).
The building blocks are public too: :func:`per_segment_errors`,
:func:`lift_table`, :func:`cost_threshold`, :func:`tree_rules`,
:func:`permutation_importance`, :func:`shap_importance`,
:func:`partial_dependence_curves`, :func:`fold_stability`.

scikit-learn, shap and plotly load on first use, not on import.

Examples
--------
>>> from mirae.evaluate import ClassificationReport
>>> report = ClassificationReport.from_predictions([0, 1, 1, 0], [0, 1, 0, 0])
>>> report.metrics["accuracy"]
0.75
"""

from mirae.core._i18n import label
from mirae.evaluate._importance import partial_dependence_curves, permutation_importance
from mirae.evaluate._lift import lift_at, lift_table
from mirae.evaluate._regression import regression_metrics
from mirae.evaluate._report import (
    ClassificationReport,
    RegressionReport,
    evaluate_classifier,
    evaluate_regressor,
)
from mirae.evaluate._rules import Condition, Rule, TreeRules, tree_rules
from mirae.evaluate._segments import per_segment_errors, regression_errors_by_segment
from mirae.evaluate._shap import shap_importance
from mirae.evaluate._stability import FoldStability, fold_stability
from mirae.evaluate._threshold import ThresholdChoice, cost_threshold

__all__ = [
    "ClassificationReport",
    "Condition",
    "FoldStability",
    "RegressionReport",
    "Rule",
    "ThresholdChoice",
    "TreeRules",
    "cost_threshold",
    "evaluate_classifier",
    "evaluate_regressor",
    "fold_stability",
    "label",
    "lift_at",
    "lift_table",
    "partial_dependence_curves",
    "per_segment_errors",
    "permutation_importance",
    "regression_errors_by_segment",
    "regression_metrics",
    "shap_importance",
    "tree_rules",
]
