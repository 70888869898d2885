"""Choose the decision threshold that minimises expected cost, given costs per outcome.

A row is flagged positive when its score is at or above the threshold. Every
distinct score is a candidate, plus one just above the highest score (flag no
row), so the minimum found is the exact minimum over all thresholds on these
rows. When several thresholds cost the same, the highest wins (fewest rows
flagged).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mirae.core._json import frame_from_dict, frame_to_dict, to_jsonable
from mirae.errors import EvaluationError
from mirae.evaluate._classification import thin
from mirae.evaluate._inputs import as_1d, check_lengths, resolve_classes, resolve_pos_label


@dataclass(frozen=True)
class ThresholdChoice:
    """The cost-minimising threshold and the cost curve it was read from.

    Attributes
    ----------
    threshold : float
        Flag a row positive when its score >= threshold.
    expected_cost : float
        Mean cost per row at ``threshold``.
    costs : dict
        Cost of each outcome: ``fp``, ``fn``, ``tp``, ``tn`` (negative = benefit).
    counts : dict
        ``tp``, ``fp``, ``tn``, ``fn`` at ``threshold``.
    cost_at_half : float
        Mean cost per row at the usual threshold 0.5, for comparison.
    bayes_threshold : float or None
        ``(c_fp - c_tn) / (c_fp - c_tn + c_fn - c_tp)``: the best threshold if the
        scores were calibrated probabilities; None when undefined.
    curve : pandas.DataFrame
        ``threshold`` and ``expected_cost``, ascending threshold (thinned for charts,
        the best point always kept).
    """

    threshold: float
    expected_cost: float
    costs: dict[str, float]
    counts: dict[str, int]
    cost_at_half: float
    bayes_threshold: float | None
    pos_label: Any
    curve: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` reads it back."""
        data = {k: to_jsonable(getattr(self, k)) for k in self.__dataclass_fields__ if k != "curve"}
        data["curve"] = frame_to_dict(self.curve)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ThresholdChoice:
        """The choice written by :meth:`to_dict`."""
        values = dict(data)
        values["curve"] = frame_from_dict(values["curve"])
        return cls(**values)


def cost_threshold(
    y_true: Any,
    score: Any,
    *,
    fp_cost: float,
    fn_cost: float,
    tp_cost: float = 0.0,
    tn_cost: float = 0.0,
    pos_label: Any | None = None,
) -> ThresholdChoice:
    """The threshold on ``score`` that minimises the mean cost per row.

    Parameters
    ----------
    y_true : array-like
        True labels.
    score : array-like
        Higher means more likely positive (e.g. the positive-class probability).
    fp_cost, fn_cost : float
        Cost of a false positive (a needless action) and a false negative (a miss).
    tp_cost, tn_cost : float
        Cost of the correct outcomes; negative for a benefit. Default 0.
    pos_label : optional
        The positive class; by default the larger of two labels.

    Examples
    --------
    A miss costs five times a false alarm, so flagging the 0.3 row pays:

    >>> choice = cost_threshold([0, 1, 0, 1], [0.1, 0.3, 0.6, 0.8], fp_cost=1, fn_cost=5)
    >>> choice.threshold, choice.expected_cost
    (0.3, 0.25)
    """
    truth = as_1d(y_true, "y_true")
    scores = as_1d(score, "score").astype(float)
    n = check_lengths(y_true=truth, score=scores)
    if not np.all(np.isfinite(scores)):
        msg = "score has NaN or infinite values; pass finite scores."
        raise EvaluationError(msg)
    for name, value in (
        ("fp_cost", fp_cost),
        ("fn_cost", fn_cost),
        ("tp_cost", tp_cost),
        ("tn_cost", tn_cost),
    ):
        if not np.isfinite(value):
            msg = f"{name} must be a finite number; got {value!r}."
            raise EvaluationError(msg)
    if pos_label is None:
        classes = resolve_classes(truth, None, None)
        pos_label = 1 if len(classes) == 1 and classes[0] in (0, 1) else resolve_pos_label(classes, None)
    positive = truth == pos_label

    order = np.argsort(-scores, kind="stable")
    sorted_score = scores[order]
    ends = np.r_[np.flatnonzero(np.diff(sorted_score) != 0), n - 1]
    tp = np.r_[0, np.cumsum(positive[order])[ends]]
    flagged = np.r_[0, ends + 1]
    fp = flagged - tp
    n_pos = int(positive.sum())
    fn = n_pos - tp
    tn = (n - n_pos) - fp
    thresholds = np.r_[np.nextafter(sorted_score[0], np.inf), sorted_score[ends]]
    cost = (fp_cost * fp + fn_cost * fn + tp_cost * tp + tn_cost * tn) / n
    best = int(np.argmin(cost))  # first minimum = highest threshold

    at_half = scores >= 0.5
    half_cost = (
        fp_cost * np.sum(at_half & ~positive)
        + fn_cost * np.sum(~at_half & positive)
        + tp_cost * np.sum(at_half & positive)
        + tn_cost * np.sum(~at_half & ~positive)
    ) / n
    denominator = (fp_cost - tn_cost) + (fn_cost - tp_cost)
    bayes = (fp_cost - tn_cost) / denominator if denominator > 0 else None
    ascending = np.arange(len(thresholds))[::-1]
    keep = ascending[thin(len(ascending))]
    keep = np.unique(np.r_[keep, best])[::-1]
    curve = pd.DataFrame({"threshold": thresholds[keep], "expected_cost": cost[keep]})
    return ThresholdChoice(
        threshold=float(thresholds[best]),
        expected_cost=float(cost[best]),
        costs={"fp": float(fp_cost), "fn": float(fn_cost), "tp": float(tp_cost), "tn": float(tn_cost)},
        counts={"tp": int(tp[best]), "fp": int(fp[best]), "tn": int(tn[best]), "fn": int(fn[best])},
        cost_at_half=float(half_cost),
        bayes_threshold=None if bayes is None else float(bayes),
        pos_label=pos_label.item() if isinstance(pos_label, np.generic) else pos_label,
        curve=curve.reset_index(drop=True),
    )
