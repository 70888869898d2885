"""Segment profiles: size, share, mean and median per feature, and what sets each segment apart.

"What sets a segment apart" is the standardised difference of each feature:
the segment's mean minus the mean of every other row, divided by the
feature's standard deviation over all rows (Cohen's d against the rest). A
value of +1 means the segment sits one standard deviation above the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["TRAIT_THRESHOLD", "segment_profiles", "separation", "snake_table", "traits"]

#: |standardised difference| from which a feature is named as a segment's trait.
TRAIT_THRESHOLD = 0.5


def segment_profiles(X: pd.DataFrame, labels: Any, names: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per segment: ``size``, ``share`` and ``<feature>_mean`` / ``<feature>_median``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"spend": [10.0, 12, 100, 110]})
    >>> profiles = segment_profiles(X, [0, 0, 1, 1])
    >>> profiles["size"].tolist(), profiles["share"].tolist(), profiles["spend_mean"].tolist()
    ([2, 2], [0.5, 0.5], [11.0, 105.0])
    """
    import numpy as np
    import pandas as pd

    frame = X.astype(float).reset_index(drop=True)
    segments = pd.Series(np.asarray(labels, dtype=int), name="segment")
    grouped = frame.groupby(segments)
    out = pd.DataFrame({"size": grouped.size()})
    out["share"] = (out["size"] / len(frame)).round(4)
    for column in frame.columns:
        out[f"{column}_mean"] = grouped[column].mean()
        out[f"{column}_median"] = grouped[column].median()
    if names is not None:
        out.insert(0, "name", [names[int(i)] for i in out.index])
    out.index.name = "segment"
    return out


def separation(X: pd.DataFrame, labels: Any) -> pd.DataFrame:
    """Standardised difference of each feature (columns) for each segment (rows) against the rest."""
    import numpy as np
    import pandas as pd

    values = X.astype(float).to_numpy()
    labels = np.asarray(labels, dtype=int)
    sd = values.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    rows = {}
    for segment in np.unique(labels):
        inside = labels == segment
        rest = values[~inside].mean(axis=0) if (~inside).any() else values.mean(axis=0)
        rows[int(segment)] = (values[inside].mean(axis=0) - rest) / sd
    out = pd.DataFrame.from_dict(rows, orient="index", columns=[str(c) for c in X.columns]).round(3)
    out.index.name = "segment"
    return out


def traits(separated: pd.DataFrame, *, top: int = 3) -> dict[int, list[tuple[str, float]]]:
    """Each segment's strongest features: (feature, standardised difference), |d| >= 0.5, largest first."""
    out: dict[int, list[tuple[str, float]]] = {}
    for segment, row in separated.iterrows():
        ranked = row.reindex(row.abs().sort_values(ascending=False).index)
        out[int(str(segment))] = [
            (str(f), float(d)) for f, d in ranked.items() if abs(float(d)) >= TRAIT_THRESHOLD
        ][:top]
    return out


def snake_table(Z: np.ndarray, labels: Any, columns: Sequence[str]) -> pd.DataFrame:
    """Mean of each standardised feature per segment (rows: segments) — the snake plot's lines."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(np.asarray(Z, dtype=float), columns=[str(c) for c in columns])
    out = frame.groupby(np.asarray(labels, dtype=int)).mean().round(4)
    out.index.name = "segment"
    return out
