"""Fold stability: a metric's mean ± standard deviation over cross-validation folds.

The label reads the coefficient of variation ``std / |mean|`` (sample standard
deviation, ``ddof=1``): ``stable`` up to ``stable_below`` (default 5%),
``moderate`` up to ``unstable_above`` (default 15%), ``unstable`` beyond, and
``insufficient`` with one fold. A mean of 0 with spread is ``unstable``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from mirae.core._i18n import label
from mirae.core._json import to_jsonable
from mirae.errors import EvaluationError


@dataclass(frozen=True)
class FoldStability:
    """Mean, spread and a stability label of one metric over folds."""

    mean: float
    std: float
    cv: float
    n_folds: int
    label: str
    values: tuple[float, ...]

    def __str__(self) -> str:
        return self.format()

    def format(self, digits: int = 3, lang: str = "en") -> str:
        """``mean ± std (label)``, e.g. ``0.812 ± 0.021 (stable)``.

        Examples
        --------
        >>> fold_stability([0.80, 0.82, 0.81]).format(lang="ko")
        '0.810 ± 0.010 (안정)'
        """
        spread = "nan" if np.isnan(self.std) else f"{self.std:.{digits}f}"
        return f"{self.mean:.{digits}f} ± {spread} ({label(self.label, lang)})"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data: dict[str, Any] = to_jsonable(asdict(self))
        return data


def fold_stability(
    values: Iterable[float], *, stable_below: float = 0.05, unstable_above: float = 0.15
) -> FoldStability:
    """Summarise per-fold values of one metric as mean ± std with a stability label.

    Examples
    --------
    >>> s = fold_stability([0.80, 0.82, 0.81])
    >>> round(s.mean, 3), round(s.std, 3), s.label
    (0.81, 0.01, 'stable')
    >>> fold_stability([0.5, 0.9]).label
    'unstable'
    """
    array = np.asarray(list(values), dtype=float)
    if array.size == 0 or not np.all(np.isfinite(array)):
        msg = f"fold values must be finite numbers, at least one; got {array.tolist()!r}."
        raise EvaluationError(msg)
    if not 0 <= stable_below <= unstable_above:
        msg = f"need 0 <= stable_below <= unstable_above; got {stable_below} and {unstable_above}."
        raise EvaluationError(msg)
    mean = float(array.mean())
    if array.size == 1:
        return FoldStability(mean, float("nan"), float("nan"), 1, "insufficient", (mean,))
    std = float(array.std(ddof=1))
    if mean == 0:
        cv = 0.0 if std == 0 else float("inf")
    else:
        cv = std / abs(mean)
    name = "stable" if cv <= stable_below else "moderate" if cv <= unstable_above else "unstable"
    return FoldStability(mean, std, cv, int(array.size), name, tuple(float(v) for v in array))
