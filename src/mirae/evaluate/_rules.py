"""Decision-tree leaves as readable IF-THEN rules with each leaf's rate and size.

When the model is a decision tree (alone or as the last step of a Pipeline) its
own leaves are used. Otherwise a shallow surrogate tree is fit to the model's
predictions (its predicted probabilities for a classifier with
``predict_proba``, else its predictions) and its *fidelity* is stated: the share
of rows where the surrogate's class agrees with ``model.predict`` for a
classifier, the R² of the surrogate against ``model.predict`` for a regressor
(in-sample, so in [0, 1]).

A model that is not a Pipeline (an AutoML model, a wrapper around one, any
object with ``predict``) gets its surrogate fit on :class:`FrameEncoding` of
the raw frame: numbers as they are (missing values routed by the tree), dates
as days, text and categories as one indicator per frequent value plus one for
any other value. The rules then read in the user's columns
(``purpose = radio/tv AND age >= 36``).

Conditions on the same column along a path are merged (``a < x <= b``);
thresholds are turned back into the column's own units through scalers;
one-hot features read ``col = value`` / ``col not in {...}``; a column whose
values are all whole numbers reads ``x >= 4`` rather than ``x > 3.5``; a date
column reads ``opened <= 2021-03-05``. Where the tree saw a column's missing
values (no Pipeline in between) and ``X`` has some, a range says which side
they took: ``age >= 36 (or missing)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mirae.core._i18n import check_lang, label
from mirae.core._json import to_jsonable
from mirae.errors import EvaluationError
from mirae.evaluate._encoding import FrameEncoding, column_numbers
from mirae.evaluate._features import (
    FeatureInfo,
    describe_features,
    estimator_input,
    split_model,
    transform_dense,
)
from mirae.evaluate._rule_text import (
    class_statement,
    class_target,
    date_columns,
    integral_columns,
    number_text,
    render_condition,
)


@dataclass(frozen=True)
class Condition:
    """One merged condition on a column, in the column's own units.

    ``kind`` is ``range`` (``lower < x <= upper``; either bound may be None;
    for a date column the bounds are days since 1970-01-01), ``missing``
    (only missing values), ``in`` or ``not_in`` (``values``). ``missing`` says
    whether a missing value meets a range (``not_in`` always takes it, ``in``
    never).
    """

    column: str
    kind: str
    lower: float | None = None
    upper: float | None = None
    values: tuple[Any, ...] = ()
    missing: bool = False

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of ``frame`` meet the condition."""
        if self.column not in frame.columns:
            msg = f"column {self.column!r} is not in the frame; pass the frame the rules were made from."
            raise EvaluationError(msg)
        column = frame[self.column]
        if self.kind == "missing":
            return column.isna().to_numpy()
        if self.kind == "range":
            values = column_numbers(column)
            keep = ~np.isnan(values)
            if self.lower is not None:
                keep &= values > self.lower
            if self.upper is not None:
                keep &= values <= self.upper
            return keep | (np.isnan(values) & self.missing)
        inside = column.isin(list(self.values)).to_numpy()
        return inside if self.kind == "in" else ~inside


@dataclass(frozen=True)
class Rule:
    """One leaf: its conditions, the rate (or value) it predicts and its size."""

    leaf: int
    conditions: tuple[Condition, ...]
    value: float
    prediction: Any
    n: int
    share: float
    observed: float | None
    text: str

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of ``frame`` fall in this rule."""
        keep = np.ones(len(frame), dtype=bool)
        for condition in self.conditions:
            keep &= condition.mask(frame)
        return keep


@dataclass(frozen=True)
class TreeRules:
    """The rules of a tree, highest value first.

    Attributes
    ----------
    rules : list of Rule
    surrogate : bool
        True when the rules come from a surrogate tree, not the model itself.
    fidelity : float or None
        Agreement of the surrogate with the model (None for the model's own tree).
    target : str
        What ``value`` is, e.g. ``P(Churn = Yes)``.
    n : int
        Rows the sizes were counted on.
    lang : str
    """

    rules: list[Rule]
    surrogate: bool
    fidelity: float | None
    target: str
    n: int
    lang: str
    _tree: Any = field(default=None, repr=False, compare=False)
    _preprocessing: Any = field(default=None, repr=False, compare=False)

    def __str__(self) -> str:
        return "\n".join(rule.text for rule in self.rules)

    def to_frame(self) -> pd.DataFrame:
        """One row per rule: ``rule`` (text), ``value``, ``prediction``, ``n``, ``share``, ``observed``."""
        return pd.DataFrame(
            [
                {
                    "leaf": r.leaf,
                    "rule": r.text,
                    "value": r.value,
                    "prediction": r.prediction,
                    "n": r.n,
                    "share": r.share,
                    "observed": np.nan if r.observed is None else r.observed,
                }
                for r in self.rules
            ]
        )

    def assign(self, X: Any) -> np.ndarray:
        """The leaf id of each row of ``X`` (the ``leaf`` of its rule)."""
        if self._tree is None:
            msg = "these rules were read from JSON and hold no tree; use Rule.mask on a frame instead."
            raise EvaluationError(msg)
        return np.asarray(self._tree.apply(estimator_input(self._tree, self._preprocessing, X)))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` reads it back."""
        return {
            "surrogate": self.surrogate,
            "fidelity": to_jsonable(self.fidelity),
            "target": self.target,
            "n": self.n,
            "lang": self.lang,
            "rules": [
                {
                    "leaf": r.leaf,
                    "text": r.text,
                    "value": to_jsonable(r.value),
                    "prediction": to_jsonable(r.prediction),
                    "n": r.n,
                    "share": to_jsonable(r.share),
                    "observed": to_jsonable(r.observed),
                    "conditions": [
                        {
                            "column": c.column,
                            "kind": c.kind,
                            "lower": to_jsonable(c.lower),
                            "upper": to_jsonable(c.upper),
                            "values": to_jsonable(list(c.values)),
                            "missing": c.missing,
                        }
                        for c in r.conditions
                    ],
                }
                for r in self.rules
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TreeRules:
        """The rules written by :meth:`to_dict` (without the tree: ``assign`` is unavailable)."""
        rules = [
            Rule(
                leaf=r["leaf"],
                conditions=tuple(
                    Condition(
                        c["column"],
                        c["kind"],
                        c["lower"],
                        c["upper"],
                        tuple(c["values"]),
                        bool(c.get("missing", False)),
                    )
                    for c in r["conditions"]
                ),
                value=float("nan") if r["value"] is None else r["value"],
                prediction=r["prediction"],
                n=r["n"],
                share=float("nan") if r["share"] is None else r["share"],
                observed=r["observed"],
                text=r["text"],
            )
            for r in data["rules"]
        ]
        return cls(rules, data["surrogate"], data["fidelity"], data["target"], data["n"], data["lang"])


def tree_rules(
    model_or_tree: Any,
    X: Any,
    y: Any = None,
    *,
    target_class: Any | None = None,
    target_name: str | None = None,
    feature_names: list[str] | None = None,
    max_depth: int = 3,
    min_samples_leaf: int | float = 0.02,
    formatters: Mapping[str, Callable[[float], str]] | None = None,
    lang: str = "en",
    random_state: int = 0,
) -> TreeRules:
    """The leaves of a decision tree as IF-THEN rules with their rate and size.

    Parameters
    ----------
    model_or_tree : fitted estimator
        A decision tree, a Pipeline ending in one, or any fitted model with
        ``predict`` (and ``classes_``, ``predict_proba`` for a classifier); then
        a surrogate tree of depth ``max_depth`` is fit to its predictions on ``X``.
    X : DataFrame or array
        Rows to count leaf sizes on (and to fit a surrogate on): the model's
        inputs, raw text, date and missing values included.
    y : array-like, optional
        True targets; gives each rule its ``observed`` rate (or mean).
    target_class : optional
        The class whose probability rules state; by default the second of two
        classes. For more classes, by default each rule names its likeliest class.
    target_name : str, optional
        Name of the target in the text (defaults to ``y.name``).
    formatters : mapping, optional
        Column name -> function formatting a threshold, e.g. ``"{:.2%}".format``.
    lang : {'en', 'ko'}

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X = pd.DataFrame({"amount": [10, 20, 30, 40, 50, 60]})
    >>> y = pd.Series([0, 0, 0, 1, 1, 1], name="prepay")
    >>> rules = tree_rules(DecisionTreeClassifier(random_state=0).fit(X, y), X, y)
    >>> print(rules)
    IF amount >= 36 THEN P(prepay = 1) = 100.0% (n = 3)
    IF amount <= 35 THEN P(prepay = 1) = 0.0% (n = 3)
    >>> print(tree_rules(DecisionTreeClassifier(random_state=0).fit(X, y), X, y, lang="ko").rules[0].text)
    만약 amount >= 36 이면 P(prepay = 1) = 100.0% (n = 3)
    """
    from sklearn.base import is_classifier

    from mirae.evaluate._adapter import sklearn_compatible

    lang = check_lang(lang)
    model_or_tree = sklearn_compatible(model_or_tree)
    preprocessing, estimator = split_model(model_or_tree)
    surrogate = not hasattr(estimator, "tree_")
    if surrogate and preprocessing is None and isinstance(X, pd.DataFrame):
        preprocessing = FrameEncoding().fit(X)
        features = preprocessing.features_
    else:
        features = describe_features(preprocessing, X, feature_names)
    data = transform_dense(preprocessing, X)
    # the tree sees the raw values (NaN included) only without a Pipeline in between
    with_missing = _missing_columns(X) if isinstance(preprocessing, FrameEncoding | None) else set()
    if target_name is None and isinstance(y, pd.Series) and y.name is not None:
        target_name = str(y.name)
    fidelity: float | None = None
    if surrogate:
        tree, fidelity, classes = _fit_surrogate(
            model_or_tree,
            X,
            data,
            max_depth=max_depth,
            min_samples_leaf=min_samples_leaf,
            random_state=random_state,
        )
        is_classification = classes is not None
    else:
        tree = estimator
        is_classification = is_classifier(estimator)
        classes = list(estimator.classes_) if is_classification else None
        if is_classification and np.ndim(estimator.classes_[0]) > 0:
            msg = "multi-output trees are not supported; pass a tree with one target."
            raise EvaluationError(msg)
    if classes is not None:
        classes = [c.item() if isinstance(c, np.generic) else c for c in classes]
        if target_class is None and len(classes) == 2:
            target_class = classes[1]
        if target_class is not None and target_class not in classes:
            msg = f"target_class {target_class!r} is not a class; classes are {classes}."
            raise EvaluationError(msg)

    leaves = np.asarray(tree.apply(data if surrogate else estimator_input(tree, preprocessing, X)))
    truth = None if y is None else np.asarray(y)
    integral = integral_columns(X, features)
    dates = date_columns(X, features)
    structure = tree.tree_
    rules = []
    for leaf, path in _leaf_paths(structure):
        in_leaf = leaves == leaf
        count = int(in_leaf.sum())
        raw = np.asarray(structure.value[leaf], dtype=float)
        if classes is not None:
            probabilities = (
                raw.ravel()
            )  # (1, n_classes) for a classifier, (n_classes, 1) for a proba surrogate
            probabilities = probabilities / probabilities.sum() if probabilities.sum() > 0 else probabilities
            likeliest = classes[int(np.argmax(probabilities))]
            shown = target_class if target_class is not None else likeliest
            value = float(probabilities[classes.index(shown)])
            prediction: Any = likeliest
            observed = float(np.mean(truth[in_leaf] == shown)) if truth is not None and count else None
            statement = class_statement(target_name, shown, value, target_class is None)
        else:
            value = float(raw.ravel()[0])
            prediction = value
            observed = float(np.mean(truth[in_leaf].astype(float))) if truth is not None and count else None
            statement = f"{target_name or label('predicted', lang)} = {number_text(value)}"
        conditions = _merge(path, features, with_missing)
        rendered = [render_condition(c, integral, dates, formatters or {}, lang) for c in conditions] or [
            label("all_rows", lang)
        ]
        joined = f" {label('and', lang)} ".join(rendered)
        text = f"{label('if', lang)} {joined} {label('then', lang)} {statement} (n = {count:,})"
        rules.append(
            Rule(int(leaf), tuple(conditions), value, prediction, count, count / len(data), observed, text)
        )
    rules.sort(key=lambda r: (-r.value, r.leaf))
    target = class_target(target_name, target_class) if classes is not None else (target_name or "prediction")
    return TreeRules(rules, surrogate, fidelity, target, len(data), lang, tree, preprocessing)


def _fit_surrogate(
    model: Any, X: Any, data: np.ndarray, *, max_depth: int, min_samples_leaf: int | float, random_state: int
) -> tuple[Any, float, list[Any] | None]:
    from sklearn.base import is_classifier
    from sklearn.metrics import r2_score
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

    predicted = np.asarray(model.predict(X))
    settings = {"max_depth": max_depth, "min_samples_leaf": min_samples_leaf, "random_state": random_state}
    if is_classifier(model):
        classes = list(model.classes_)
        if hasattr(model, "predict_proba"):
            tree = DecisionTreeRegressor(**settings).fit(
                data, np.asarray(model.predict_proba(X), dtype=float)
            )
            leaf_proba = tree.predict(data).reshape(len(data), -1)
            agreed = np.asarray(classes, dtype=object)[np.argmax(leaf_proba, axis=1)] == predicted.astype(
                object
            )
        else:
            tree = DecisionTreeClassifier(**settings).fit(data, predicted)
            agreed = tree.predict(data) == predicted
        return tree, float(np.mean(agreed)), classes
    tree = DecisionTreeRegressor(**settings).fit(data, predicted.astype(float))
    constant = np.all(predicted == predicted[0])
    fidelity = 1.0 if constant else float(min(1.0, max(0.0, r2_score(predicted, tree.predict(data)))))
    return tree, fidelity, None


Split = tuple[int, bool, float, bool]  # feature, went right, threshold, missing values went this way


def _leaf_paths(structure: Any) -> list[tuple[int, list[Split]]]:
    """Each leaf with its path: one :data:`Split` per node above it."""
    out = []
    missing_left = getattr(structure, "missing_go_to_left", None)  # scikit-learn >= 1.3
    stack: list[tuple[int, list[Split]]] = [(0, [])]
    while stack:
        node, path = stack.pop()
        left, right = structure.children_left[node], structure.children_right[node]
        if left == right:
            out.append((node, path))
            continue
        feature, threshold = int(structure.feature[node]), float(structure.threshold[node])
        nan_left = bool(missing_left[node]) if missing_left is not None else False
        stack.append((right, [*path, (feature, True, threshold, not nan_left)]))
        stack.append((left, [*path, (feature, False, threshold, nan_left)]))
    return out


def _merge(path: list[Split], features: list[FeatureInfo], with_missing: set[str]) -> list[Condition]:
    """The path's splits as one condition per column (two for a column split both ways).

    ``with_missing`` names the columns whose missing values the tree saw as such;
    a range on one of them states whether missing values take that path.
    """
    ranges: dict[str, list[float | None]] = {}
    missing: dict[str, bool] = {}
    sets: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for index, right, threshold, nan_here in path:
        info = features[index]
        if info.column not in order:
            order.append(info.column)
        if info.kind == "rare":  # 1 for a value outside the frequent ones (missing included)
            entry = sets.setdefault(info.column, {"in": None, "out": set()})
            frequent = set(info.categories)
            if right:
                entry["out"] |= frequent
            else:
                entry["in"] = frequent if entry["in"] is None else entry["in"] & frequent
            continue
        if info.kind in ("onehot", "ordinal"):
            entry = sets.setdefault(info.column, {"in": None, "out": set()})
            if info.kind == "onehot":
                if right:
                    entry["in"] = {info.category} if entry["in"] is None else entry["in"] & {info.category}
                else:
                    entry["out"].add(info.category)
            else:
                cut = math.floor(threshold) + 1
                chosen = set(info.categories[cut:] if right else info.categories[:cut])
                entry["in"] = chosen if entry["in"] is None else entry["in"] & chosen
            continue
        original = threshold * info.scale + info.offset if info.kind == "numeric" else threshold
        is_lower = right if info.scale > 0 or info.kind != "numeric" else not right
        bounds = ranges.setdefault(info.column, [None, None])
        missing[info.column] = missing.get(info.column, True) and nan_here
        if is_lower:
            bounds[0] = original if bounds[0] is None else max(bounds[0], original)
        else:
            bounds[1] = original if bounds[1] is None else min(bounds[1], original)
    conditions = []
    for column in order:
        if column in ranges:
            lower, upper = ranges[column]
            nan_too = column in with_missing and missing[column]
            if lower is not None and math.isinf(lower) and lower > 0:
                # scikit-learn splits "missing or not" at +inf: only missing values get past it
                conditions.append(
                    Condition(column, "missing") if nan_too else Condition(column, "range", lower)
                )
                continue
            upper = None if upper is not None and math.isinf(upper) and upper > 0 else upper
            if lower is not None or upper is not None or not nan_too:  # else every row meets it
                conditions.append(Condition(column, "range", lower, upper, missing=nan_too))
        if column in sets:
            entry = sets[column]
            if entry["in"] is not None:
                conditions.append(Condition(column, "in", values=tuple(_sorted(entry["in"] - entry["out"]))))
            else:
                conditions.append(Condition(column, "not_in", values=tuple(_sorted(entry["out"]))))
    return conditions


def _sorted(values: set[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=str)


def _missing_columns(X: Any) -> set[str]:
    if not isinstance(X, pd.DataFrame):
        return set()
    return {str(c) for c in X.columns[X.isna().any().to_numpy()]}
