"""The report objects: everything a user needs to judge a model, in Python, JSON and HTML.

``evaluate_classifier`` / ``evaluate_regressor`` run a fitted model on rows and
build a :class:`ClassificationReport` / :class:`RegressionReport`;
``from_predictions`` builds the same report from arrays. ``to_dict`` gives
plain JSON values (tables as ``{"index_name", "index", "columns", "data"}``,
NaN as null) and ``from_dict`` reads them back.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from mirae.core._json import frame_from_dict, frame_to_dict, to_jsonable
from mirae.core._result import Report
from mirae.errors import ConfigError, EvaluationError
from mirae.evaluate._classification import (
    calibration_curves,
    class_report_table,
    confusion_table,
    pr_curves,
    roc_curves,
    summary_metrics,
)
from mirae.evaluate._importance import partial_dependence_curves, permutation_importance
from mirae.evaluate._inputs import as_1d, check_lengths, proba_matrix, resolve_classes, resolve_pos_label
from mirae.evaluate._lift import lift_at, lift_table
from mirae.evaluate._regression import regression_arrays, regression_metrics, residual_summary
from mirae.evaluate._rules import TreeRules, tree_rules
from mirae.evaluate._segments import per_segment_errors, regression_errors_by_segment
from mirae.evaluate._shap import importance_table, shap_values_by_column
from mirae.evaluate._threshold import ThresholdChoice, cost_threshold

EXPLANATIONS = ("permutation", "shap", "partial_dependence", "rules")
_TABLES = ("confusion_matrix", "class_report", "lift", "permutation_importance", "shap_importance")


@dataclass
class _Explained(Report):
    """Explanation fields shared by both reports (filled by ``evaluate_*``)."""

    permutation_importance: pd.DataFrame | None = None
    shap_importance: pd.DataFrame | None = None
    shap_explainer: str | None = None
    partial_dependence: list[dict[str, Any]] = field(default_factory=list)
    rules: TreeRules | None = None
    notes: list[str] = field(default_factory=list)
    #: Where the model comes from (model, version, MLflow run, table and snapshot, leaderboard),
    #: set by the use case that registered it; shown at the top of the page.
    provenance: dict[str, Any] = field(default_factory=dict)

    kind: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain JSON values; :meth:`from_dict` reads it back."""
        out: dict[str, Any] = {"kind": self.kind, "version": 1}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, pd.DataFrame):
                out[spec.name] = frame_to_dict(value)
            elif isinstance(value, TreeRules | ThresholdChoice):
                out[spec.name] = value.to_dict()
            elif spec.name == "segments":
                out[spec.name] = {str(k): frame_to_dict(v) for k, v in value.items()}
            else:
                out[spec.name] = to_jsonable(value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        """The report written by :meth:`to_dict`."""
        if data.get("kind") != cls.kind:
            msg = f"expected a {cls.kind!r} dict; got kind={data.get('kind')!r}."
            raise EvaluationError(msg)
        values: dict[str, Any] = {}
        for spec in fields(cls):
            value = data.get(spec.name)
            if value is not None and spec.name in _TABLES:
                value = frame_from_dict(value)
            elif value is not None and spec.name == "segments":
                value = {k: frame_from_dict(v) for k, v in value.items()}
            elif value is not None and spec.name == "rules":
                value = TreeRules.from_dict(value)
            elif value is not None and spec.name == "threshold":
                value = ThresholdChoice.from_dict(value)
            elif value is None and spec.name in ("partial_dependence", "notes", "segments", "provenance"):
                value = {} if spec.name in ("segments", "provenance") else []
            values[spec.name] = value
        for key in ("metrics",):
            if key in values:
                values[key] = {k: float("nan") if v is None else v for k, v in values[key].items()}
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> Any:
        """The report written by :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

    def to_html(
        self, path: str | os.PathLike[str] | None = None, *, lang: str = "ko", shared_js: bool = False
    ) -> str:
        """The standalone HTML page (Plotly charts, no network needed); written to ``path`` when given.

        ``shared_js`` writes plotly.js once beside ``path`` and loads it from there.
        """
        from mirae.core._page import finish_page
        from mirae.evaluate._html import render_report_html

        return finish_page(render_report_html(self, lang=lang), path, shared_js=shared_js)


@dataclass
class ClassificationReport(_Explained):
    """Decision-grade evaluation of a classifier.

    Attributes
    ----------
    n, classes, pos_label, target_name
        Rows, class labels, positive class (None for multiclass unless given).
    metrics : dict
        ``accuracy``, ``balanced_accuracy``, ``f1_macro``, ``f1_weighted`` and,
        with probabilities, ``roc_auc``, ``log_loss`` (binary: also
        ``average_precision`` and ``brier``).
    confusion_matrix, class_report : DataFrame
    roc, pr, calibration : list of dict
        One curve for the positive class (binary) or per class one-vs-rest.
    lift : DataFrame or None
        Lift and cumulative gains by decile (:func:`lift_table`).
    lift_at_20 : float or None
    threshold : ThresholdChoice or None
        The cost-minimising threshold when costs were given.
    segments : dict of DataFrame
        :func:`per_segment_errors` per chosen column.
    """

    n: int = 0
    classes: list[Any] = field(default_factory=list)
    pos_label: Any = None
    target_name: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    confusion_matrix: pd.DataFrame | None = None
    class_report: pd.DataFrame | None = None
    roc: list[dict[str, Any]] = field(default_factory=list)
    pr: list[dict[str, Any]] = field(default_factory=list)
    calibration: list[dict[str, Any]] = field(default_factory=list)
    lift: pd.DataFrame | None = None
    lift_at_20: float | None = None
    threshold: ThresholdChoice | None = None
    segments: dict[str, pd.DataFrame] = field(default_factory=dict)

    kind: ClassVar[str] = "classification_report"

    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        y_pred: Any = None,
        proba: Any = None,
        *,
        classes: Sequence[Any] | None = None,
        pos_label: Any | None = None,
        segments: Mapping[str, Any] | pd.DataFrame | None = None,
        costs: Mapping[str, float] | None = None,
        target_name: str | None = None,
        n_groups: int = 10,
        calibration_bins: int = 10,
        bins: int = 5,
    ) -> ClassificationReport:
        """Build the report from truths, predicted labels and/or class probabilities.

        ``proba`` is ``(n, n_classes)`` in the order of ``classes`` (or a 1-D
        positive-class probability for two classes); without ``y_pred`` the
        likeliest class is predicted. ``costs`` maps ``fp``/``fn`` (and optionally
        ``tp``/``tn``) to costs and adds the cost-based threshold.

        Examples
        --------
        >>> r = ClassificationReport.from_predictions([0, 1, 1, 0], proba=[0.2, 0.9, 0.4, 0.6])
        >>> r.metrics["accuracy"], r.metrics["roc_auc"], r.confusion_matrix.to_numpy().tolist()
        (0.5, 0.75, [[1, 1], [1, 1]])
        """
        truth = as_1d(y_true, "y_true")
        predicted = None if y_pred is None else as_1d(y_pred, "y_pred")
        if predicted is None and proba is None:
            msg = "pass y_pred, proba or both; got neither."
            raise EvaluationError(msg)
        n = check_lengths(y_true=truth, y_pred=predicted, proba=proba)
        if classes is None and proba is not None and np.ndim(proba) == 2 and predicted is None:
            seen = resolve_classes(truth, None, None)
            if len(seen) != np.shape(proba)[1]:
                msg = f"proba has {np.shape(proba)[1]} columns but y_true has classes {seen}; pass classes=."
                raise EvaluationError(msg)
        labels = resolve_classes(truth, predicted, classes)
        if len(labels) == 1 and labels[0] in (0, 1):
            labels = [0, 1]
        matrix = None if proba is None else proba_matrix(proba, labels, n)
        if predicted is None:
            assert matrix is not None
            predicted = np.asarray(labels, dtype=object)[np.argmax(matrix, axis=1)]
            predicted = predicted.astype(truth.dtype) if truth.dtype != object else predicted
        positive = resolve_pos_label(labels, pos_label, required=False)
        report = cls(
            n=n, classes=[_plain(c) for c in labels], pos_label=_plain(positive), target_name=target_name
        )
        report.metrics = summary_metrics(truth, predicted, matrix, labels, positive)
        report.confusion_matrix = confusion_table(truth, predicted, labels)
        report.class_report = class_report_table(truth, predicted, labels)
        if matrix is not None:
            report.roc = roc_curves(truth, matrix, labels, positive)
            report.pr = pr_curves(truth, matrix, labels, positive)
            report.calibration = calibration_curves(truth, matrix, labels, positive, n_bins=calibration_bins)
            if positive is not None:
                score = matrix[:, labels.index(positive)]
                report.lift = lift_table(truth, score, pos_label=positive, n_groups=n_groups)
                report.lift_at_20 = lift_at(truth, score, 0.2, pos_label=positive)
                report.metrics["lift_at_20"] = report.lift_at_20
        if costs is not None:
            if matrix is None or positive is None:
                msg = "a cost-based threshold needs probabilities and a positive class; pass proba and pos_label."
                raise EvaluationError(msg)
            unknown = sorted(set(costs) - {"fp", "fn", "tp", "tn"})
            if unknown or not {"fp", "fn"} <= set(costs):
                msg = f"costs must give 'fp' and 'fn' (optionally 'tp', 'tn'); got keys {sorted(costs)}."
                raise ConfigError(msg)
            report.threshold = cost_threshold(
                truth,
                matrix[:, labels.index(positive)],
                fp_cost=costs["fp"],
                fn_cost=costs["fn"],
                tp_cost=costs.get("tp", 0.0),
                tn_cost=costs.get("tn", 0.0),
                pos_label=positive,
            )
        for name, values in _segment_columns(segments, n).items():
            report.segments[name] = per_segment_errors(
                truth, predicted, values, pos_label=positive, bins=bins
            )
        return report


@dataclass
class RegressionReport(_Explained):
    """Decision-grade evaluation of a regressor.

    Attributes
    ----------
    n, target_name
    metrics : dict
        ``rmse``, ``mae``, ``mape`` (rows with actual 0 left out, counted in
        ``mape_zero_rows``), ``r2``, ``median_ae``, ``bias``.
    residuals : dict
        Residual sample and histogram for the charts (:func:`residual_summary`).
    segments : dict of DataFrame
        :func:`regression_errors_by_segment` per chosen column.
    """

    n: int = 0
    target_name: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    residuals: dict[str, Any] = field(default_factory=dict)
    segments: dict[str, pd.DataFrame] = field(default_factory=dict)

    kind: ClassVar[str] = "regression_report"

    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        y_pred: Any,
        *,
        segments: Mapping[str, Any] | pd.DataFrame | None = None,
        target_name: str | None = None,
        bins: int = 5,
        random_state: int = 0,
    ) -> RegressionReport:
        """Build the report from truths and predictions.

        Examples
        --------
        >>> r = RegressionReport.from_predictions([0.0, 2.0, 4.0], [1.0, 2.0, 2.0])
        >>> r.metrics["mae"], r.metrics["mape_zero_rows"], r.notes
        (1.0, 1.0, ['MAPE leaves out 1 row(s) whose actual value is 0.'])
        """
        truth, predicted = regression_arrays(y_true, y_pred)
        report = cls(n=len(truth), target_name=target_name)
        report.metrics = regression_metrics(truth, predicted)
        report.residuals = residual_summary(truth, predicted, random_state=random_state)
        zeros = int(report.metrics["mape_zero_rows"])
        if zeros:
            report.notes.append(f"MAPE leaves out {zeros} row(s) whose actual value is 0.")
        for name, values in _segment_columns(segments, len(truth)).items():
            report.segments[name] = regression_errors_by_segment(truth, predicted, values, bins=bins)
        return report


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _segment_columns(segments: Mapping[str, Any] | pd.DataFrame | None, n: int) -> dict[str, pd.Series]:
    if segments is None:
        return {}
    items = segments.items() if isinstance(segments, pd.DataFrame | Mapping) else []
    out = {}
    for name, values in items:
        series = (
            values.reset_index(drop=True)
            if isinstance(values, pd.Series)
            else pd.Series(as_1d(values, str(name)))
        )
        check_lengths(y_true=range(n), **{f"segment {name!r}": series})
        out[str(name)] = series.rename(str(name))
    return out


def _explain_set(explain: bool | Iterable[str]) -> set[str]:
    if explain is True:
        return set(EXPLANATIONS)
    if explain is False:
        return set()
    chosen = set(explain)
    unknown = sorted(chosen - set(EXPLANATIONS))
    if unknown:
        msg = f"unknown explanations {unknown}; choose from {list(EXPLANATIONS)} (or True / False)."
        raise ConfigError(msg)
    return chosen


def _segments_from_X(X: Any, segment_by: str | Sequence[str] | None) -> dict[str, Any]:
    if segment_by is None:
        return {}
    names = [segment_by] if isinstance(segment_by, str) else list(segment_by)
    if not isinstance(X, pd.DataFrame):
        msg = "segment_by names columns, so X must be a pandas DataFrame."
        raise ConfigError(msg)
    missing = [c for c in names if c not in X.columns]
    if missing:
        msg = f"segment_by columns {missing} are not in X; columns are {list(X.columns)[:20]}."
        raise ConfigError(msg)
    return {c: X[c] for c in names}


def _add_explanations(
    report: _Explained,
    model: Any,
    X: Any,
    y: Any,
    chosen: set[str],
    *,
    target_class: Any | None,
    top_features: int,
    rules_depth: int,
    max_samples: int,
    random_state: int,
    deadline: float | None = None,
) -> None:
    def due(name: str) -> bool:
        """Whether explanation ``name`` is asked for and fits the time left (else say it was skipped)."""
        if name not in chosen:
            return False
        if deadline is not None and time.perf_counter() > deadline:
            report.notes.append(f"{name.replace('_', ' ')} skipped: the time budget ran out.")
            return False
        return True

    if due("permutation"):
        # 3 repeats on at most 1,000 rows: the ranking is stable and a report answers in seconds
        report.permutation_importance = permutation_importance(
            model, X, y, n_repeats=3, max_samples=min(max_samples, 1000), random_state=random_state
        )
    if top_features > 0 and isinstance(X, pd.DataFrame) and due("partial_dependence"):
        ranking = (
            report.permutation_importance
            if report.permutation_importance is not None
            else report.shap_importance
        )
        names = list(ranking.index[:top_features]) if ranking is not None else list(X.columns[:top_features])
        report.partial_dependence = partial_dependence_curves(
            model, X, [str(n) for n in names], max_samples=min(max_samples, 1000), random_state=random_state
        )
    if due("rules"):
        report.rules = tree_rules(
            model, X, y, target_class=target_class, max_depth=rules_depth, random_state=random_state
        )
        if report.rules.surrogate:
            report.notes.append(
                f"IF-THEN rules come from a surrogate tree with fidelity {report.rules.fidelity:.1%}."
            )

    if due("shap"):
        shap = shap_values_by_column(
            model, X, max_samples=min(max_samples, 300), background_size=20, random_state=random_state
        )
        report.shap_explainer = shap.explainer
        report.shap_importance = importance_table(shap.values)
        report.notes.append(f"SHAP ({shap.explainer} explainer) on {len(shap.values)} sampled rows.")


def evaluate_classifier(
    model: Any,
    X: Any,
    y: Any,
    *,
    segment_by: str | Sequence[str] | None = None,
    costs: Mapping[str, float] | None = None,
    pos_label: Any | None = None,
    explain: bool | Iterable[str] = True,
    top_features: int = 3,
    rules_depth: int = 3,
    max_samples: int = 2000,
    n_groups: int = 10,
    deadline: float | None = None,
    bins: int = 5,
    random_state: int = 0,
) -> ClassificationReport:
    """Evaluate a fitted classifier on ``X``, ``y`` (held-out rows give honest numbers).

    Parameters
    ----------
    model : fitted classifier
        A scikit-learn classifier or Pipeline, or any object with ``classes_``,
        ``predict`` and ``predict_proba`` that takes ``X`` as given (an AutoML
        model, a wrapper); SHAP and rules then work on the raw columns.
    X : DataFrame
    y : array-like
    segment_by : str or list of str, optional
        Columns of ``X`` for the per-segment error table.
    costs : mapping, optional
        ``{"fp": ..., "fn": ...}`` (optionally ``tp``, ``tn``) for the cost-based threshold.
    pos_label : optional
        Positive class; by default the second of two classes.
    explain : bool or iterable of str
        Which of ``permutation``, ``shap``, ``partial_dependence``, ``rules`` to add.
    top_features : int
        Partial dependence for this many most important columns.
    rules_depth : int
        Depth of the surrogate tree (the model's own tree is used as is).
    max_samples : int
        Bound on the rows the explanations use (seeded sample).
    deadline : float, optional
        A ``time.perf_counter()`` value: explanations not started by then are
        skipped, each with a note; they run cheapest first (permutation
        importance, partial dependence, rules, SHAP last).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = pd.DataFrame({"amount": [10, 20, 30, 40, 50, 60], "region": list("ababab")})
    >>> y = pd.Series([0, 0, 0, 1, 1, 1], name="prepay")
    >>> model = DecisionTreeClassifier(random_state=0).fit(X[["amount"]], y)
    >>> r = evaluate_classifier(model, X[["amount"]], y, explain=["rules"])
    >>> r.metrics["accuracy"], r.rules.rules[0].text
    (1.0, 'IF amount >= 36 THEN P(prepay = 1) = 100.0% (n = 3)')
    """
    classes = list(getattr(model, "classes_", []))
    if not classes:
        msg = "model has no classes_: pass a fitted classifier."
        raise EvaluationError(msg)
    predicted = np.asarray(model.predict(X))
    proba = np.asarray(model.predict_proba(X)) if hasattr(model, "predict_proba") else None
    target_name = str(y.name) if isinstance(y, pd.Series) and y.name is not None else None
    report = ClassificationReport.from_predictions(
        y,
        predicted,
        proba,
        classes=classes,
        pos_label=pos_label,
        segments=_segments_from_X(X, segment_by),
        costs=costs,
        target_name=target_name,
        n_groups=n_groups,
        bins=bins,
    )
    _add_explanations(
        report,
        model,
        X,
        y,
        _explain_set(explain),
        target_class=report.pos_label,
        top_features=top_features,
        rules_depth=rules_depth,
        max_samples=max_samples,
        random_state=random_state,
        deadline=deadline,
    )
    return report


def evaluate_regressor(
    model: Any,
    X: Any,
    y: Any,
    *,
    segment_by: str | Sequence[str] | None = None,
    explain: bool | Iterable[str] = True,
    top_features: int = 3,
    rules_depth: int = 3,
    max_samples: int = 2000,
    bins: int = 5,
    random_state: int = 0,
    deadline: float | None = None,
) -> RegressionReport:
    """Evaluate a fitted regressor on ``X``, ``y``; parameters as :func:`evaluate_classifier`.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> X = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    >>> r = evaluate_regressor(LinearRegression().fit(X, 2 * X["x"]), X, 2 * X["x"], explain=False)
    >>> round(r.metrics["rmse"], 9), r.metrics["r2"]
    (0.0, 1.0)
    """
    predicted = np.asarray(model.predict(X), dtype=float)
    target_name = str(y.name) if isinstance(y, pd.Series) and y.name is not None else None
    report = RegressionReport.from_predictions(
        y,
        predicted,
        segments=_segments_from_X(X, segment_by),
        target_name=target_name,
        bins=bins,
        random_state=random_state,
    )
    _add_explanations(
        report,
        model,
        X,
        y,
        _explain_set(explain),
        target_class=None,
        top_features=top_features,
        rules_depth=rules_depth,
        max_samples=max_samples,
        random_state=random_state,
        deadline=deadline,
    )
    return report
