"""Quantile (RFM-score) segmentation: scores 1-5 per dimension and named segments.

Each of recency, frequency and monetary gets a score from 1 to ``n_bins``
by the quantile edges learned at fit (quintiles by default; a recent purchase
scores high, so recency is reversed). The ``FM`` score is the mean of the F
and M scores, rounded half up. A table of rules maps (R, FM) to a segment
name; the first rule that matches a cell wins, and the rules must name every
cell. The default table (:data:`DEFAULT_RFM_RULES`) is the usual R × FM grid:

====================  =========  ==========
segment               R score    FM score
====================  =========  ==========
champions             5          4-5
loyal                 3-4        4-5
potential_loyalist    4-5        2-3
new                   5          1
promising             4          1
need_attention        3          3
about_to_sleep        3          1-2
cant_lose             1-2        5
at_risk               1-2        3-4
hibernating           2          1-2
lost                  1          1-2
====================  =========  ==========
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self

from mirae.base import Clusterer, Tags
from mirae.errors import SegmentError
from mirae.segment._scaling import as_feature_frame

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["DEFAULT_RFM_RULES", "RFMScoreSegmenter"]

Rule = tuple[str, tuple[int, int], tuple[int, int]]

#: (segment name, (lowest, highest) R score, (lowest, highest) FM score); the first match wins.
DEFAULT_RFM_RULES: tuple[Rule, ...] = (
    ("champions", (5, 5), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potential_loyalist", (4, 5), (2, 3)),
    ("new", (5, 5), (1, 1)),
    ("promising", (4, 4), (1, 1)),
    ("need_attention", (3, 3), (3, 3)),
    ("about_to_sleep", (3, 3), (1, 2)),
    ("cant_lose", (1, 2), (5, 5)),
    ("at_risk", (1, 2), (3, 4)),
    ("hibernating", (2, 2), (1, 2)),
    ("lost", (1, 1), (1, 2)),
)


class RFMScoreSegmenter(Clusterer):
    """Named RFM segments from quantile scores of recency, frequency and monetary.

    Parameters
    ----------
    recency, frequency, monetary : str
        The feature columns (as :func:`~mirae.segment.rfm_features` names them).
    n_bins : int
        Scores run from 1 to ``n_bins`` (5: quintiles). Other than 5 needs ``rules``.
    rules : sequence of (name, (r_low, r_high), (fm_low, fm_high)), optional
        The rule table; default :data:`DEFAULT_RFM_RULES`. Every (R, FM) cell
        must match a rule.

    Attributes
    ----------
    edges_ : dict
        The inner quantile edges of each column (``n_bins - 1`` values).
    segment_names_ : tuple of str
        Segment ``i`` is ``segment_names_[i]`` (the rule order).
    labels_, n_segments_ : ndarray, int

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"recency": rng.integers(1, 365, 200), "frequency": rng.integers(1, 30, 200),
    ...                   "monetary": rng.gamma(2, 200, 200)})
    >>> model = RFMScoreSegmenter().fit(X)
    >>> model.segment_names_[model.predict(pd.DataFrame({"recency": [1], "frequency": [29],
    ...                                                  "monetary": [5000.0]}))[0]]
    'champions'
    """

    tags: ClassVar[Tags] = Clusterer.tags

    def __init__(
        self,
        *,
        recency: str = "recency",
        frequency: str = "frequency",
        monetary: str = "monetary",
        n_bins: int = 5,
        rules: Sequence[Rule] | None = None,
    ) -> None:
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
        self.n_bins = n_bins
        self.rules = rules

    def _columns(self) -> list[str]:
        return [self.recency, self.frequency, self.monetary]

    def _rules(self) -> list[Rule]:
        if self.rules is None:
            if self.n_bins != 5:
                msg = f"the default RFM rules are for scores 1-5; with n_bins={self.n_bins} pass your own rules."
                raise SegmentError(msg)
            return list(DEFAULT_RFM_RULES)
        rules = []
        for rule in self.rules:
            try:
                name, (r_low, r_high), (f_low, f_high) = rule
            except (TypeError, ValueError):
                msg = f"an RFM rule is (name, (r_low, r_high), (fm_low, fm_high)); got {rule!r}."
                raise SegmentError(msg) from None
            rules.append((str(name), (int(r_low), int(r_high)), (int(f_low), int(f_high))))
        names = [r[0] for r in rules]
        if len(set(names)) != len(names):
            msg = f"RFM rule names must be unique; got {names}."
            raise SegmentError(msg)
        return rules

    def _grid(self, rules: list[Rule]) -> np.ndarray:
        """Segment id of every (R, FM) cell."""
        import numpy as np

        n = int(self.n_bins)
        grid = np.full((n + 1, n + 1), -1, dtype=int)
        for r in range(1, n + 1):
            for fm in range(1, n + 1):
                for i, (_, (r_low, r_high), (f_low, f_high)) in enumerate(rules):
                    if r_low <= r <= r_high and f_low <= fm <= f_high:
                        grid[r, fm] = i
                        break
        missing = [(r, fm) for r in range(1, n + 1) for fm in range(1, n + 1) if grid[r, fm] < 0]
        if missing:
            msg = f"the RFM rules leave the (R, FM) score cells {missing[:6]} without a segment; add rules for them."
            raise SegmentError(msg)
        return grid

    def _values(self, X: Any, *, fitting: bool) -> pd.DataFrame:
        import pandas as pd

        frame = as_feature_frame(X)
        missing = [c for c in self._columns() if c not in frame.columns]
        if missing:
            msg = (
                f"RFM scoring needs the columns {self._columns()}; {missing} not found in "
                f"{[str(c) for c in frame.columns]}. Build them with rfm_features (--rfm customer,date,amount)."
            )
            raise SegmentError(msg)
        values = frame[self._columns()]
        text = [c for c in values.columns if not pd.api.types.is_numeric_dtype(values[c])]
        if text:
            msg = f"RFM columns must be numeric; got {[f'{c} ({values[c].dtype})' for c in text]}."
            raise SegmentError(msg)
        values = values.astype(float)
        gaps = {c: int(n) for c, n in values.isna().sum().items() if n}
        if gaps:
            msg = f"RFM columns have missing values: {gaps}; every customer needs recency, frequency and monetary."
            raise SegmentError(msg)
        return values

    def fit(self, X: Any, y: Any = None) -> Self:
        """Learn the quantile edges of each column; return ``self``."""
        import numpy as np

        if int(self.n_bins) < 2:
            msg = f"n_bins must be at least 2; got {self.n_bins}."
            raise SegmentError(msg)
        rules = self._rules()
        grid = self._grid(rules)
        values = self._values(X, fitting=True)
        if len(values) < self.n_bins:
            msg = f"RFM scoring needs at least {self.n_bins} customers (one per score); got {len(values)}."
            raise SegmentError(msg)
        quantiles = np.linspace(0, 1, int(self.n_bins) + 1)[1:-1]
        self.edges_ = {c: [float(v) for v in np.quantile(values[c], quantiles)] for c in values.columns}
        self.grid_ = grid
        self.segment_names_ = tuple(r[0] for r in rules)
        self.rules_ = tuple(rules)
        self.n_segments_ = len(rules)
        self.feature_names_in_ = np.asarray(self._columns(), dtype=object)
        self.n_features_in_ = 3
        self.labels_ = self.predict(values)
        return self

    def rfm_scores(self, X: Any) -> pd.DataFrame:
        """``r_score``, ``f_score``, ``m_score``, ``fm_score`` (1 .. n_bins) and the ``rfm`` code (``"545"``)."""
        import numpy as np
        import pandas as pd

        if not hasattr(self, "edges_"):
            msg = "this RFMScoreSegmenter is not fitted yet; call fit(X) before predict."
            raise SegmentError(msg)
        values = self._values(X, fitting=False)
        n = int(self.n_bins)
        scores = {}
        for name, column in zip(("r", "f", "m"), self._columns(), strict=True):
            edges = np.asarray(self.edges_[column])
            x = values[column].to_numpy()
            # a value equal to an edge takes the lower score (one-time buyers are F=1, not F=3);
            # recency is reversed: the most recent purchases score n
            if name == "r":
                scores["r_score"] = n - np.searchsorted(edges, x, side="right")
            else:
                scores[f"{name}_score"] = 1 + np.searchsorted(edges, x, side="left")
        out = pd.DataFrame(scores, index=values.index).astype(int)
        out["fm_score"] = np.floor((out["f_score"] + out["m_score"]) / 2 + 0.5).astype(int)
        out["rfm"] = out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
        return out

    def predict(self, X: Any) -> np.ndarray:
        """The named segment (index into ``segment_names_``) of each row."""
        import numpy as np

        scores = self.rfm_scores(X)
        return np.asarray(self.grid_[scores["r_score"].to_numpy(), scores["fm_score"].to_numpy()], dtype=int)
