"""The segmentation report: how many segments and why, how stable, who is in each, and charts.

Built from a fitted segmenter and the rows it segmented: the choice of ``k``
(each criterion per ``k``, the choice explained in words), stability (adjusted
Rand index across seeds and bootstrap samples), a profile per segment (size,
share, mean and median of each feature, the features that set it apart), a
2-D PCA map coloured by segment, a snake plot of standardised feature means,
the preprocessing per feature, and the RFM score rules when they named the
segments. Rendered in Korean or English through the shared page shell.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mirae.core._json import frame_to_dict, to_jsonable
from mirae.core._result import Report

__all__ = ["SegmentReport", "segment_report"]

#: Points drawn on the PCA map (a sample of larger tables).
MAX_POINTS = 3000
_COLOURS = ("#1f3a5f", "#d66e2a", "#2f855a", "#b83280", "#6b46c1", "#b7791f", "#2b6cb0", "#c53030",
            "#319795", "#718096", "#805ad5", "#dd6b20")  # fmt: skip
METHODS = {"kmeans": "KMeansSegmenter", "gmm": "GaussianMixtureSegmenter", "quantile": "RFMScoreSegmenter"}


@dataclass
class SegmentReport(Report):
    """What a segmentation found, for people (see the module text).

    Attributes
    ----------
    method : str
        ``kmeans``, ``gmm`` or ``quantile``.
    profiles : DataFrame
        One row per segment: ``size``, ``share``, ``<feature>_mean`` / ``_median`` (and ``name``).
    separation : DataFrame
        Standardised difference of each feature per segment against the rest.
    snake : DataFrame
        Mean standardised feature per segment.
    pca : DataFrame
        ``pc1``, ``pc2``, ``segment`` of up to 3,000 rows; ``pca_variance`` the explained shares.
    k_scores, k_choice, stability, scores : the choice of k and the quality of the segments.
    transforms, skewness, imputed : dict
        The preprocessing per feature.
    rules, edges : the RFM score rules and quantile edges (quantile method).
    notes : list
        ``(catalogue key, params)`` pairs or plain text: what the data preparation did.
    provenance : dict
        Model version, MLflow run, table and snapshot.
    """

    method: str
    features: list[str]
    profiles: pd.DataFrame
    separation: pd.DataFrame
    snake: pd.DataFrame
    pca: pd.DataFrame
    pca_variance: list[float]
    names: list[str] | None = None
    k_scores: pd.DataFrame | None = None
    k_choice: dict[str, Any] | None = None
    stability: dict[str, Any] | None = None
    scores: dict[str, float] = field(default_factory=dict)
    transforms: dict[str, str] = field(default_factory=dict)
    skewness: dict[str, float] = field(default_factory=dict)
    imputed: dict[str, int] = field(default_factory=dict)
    rules: list[Any] | None = None
    edges: dict[str, list[float]] | None = None
    notes: list[Any] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def n_segments(self) -> int:
        """Segments with at least one row."""
        return len(self.profiles)

    def to_dict(self) -> dict[str, Any]:
        """Wire data: the tables as ``{"columns", "data", ...}``."""
        return {
            "kind": "segment_report",
            "method": self.method,
            "features": list(self.features),
            "n_segments": self.n_segments,
            "names": self.names,
            "profiles": frame_to_dict(self.profiles.reset_index()),
            "separation": frame_to_dict(self.separation.reset_index()),
            "k_scores": None if self.k_scores is None else frame_to_dict(self.k_scores),
            "k_choice": to_jsonable(self.k_choice),
            "stability": to_jsonable(self.stability),
            "scores": to_jsonable(self.scores),
            "transforms": dict(self.transforms),
            "imputed": dict(self.imputed),
            "rules": to_jsonable(self.rules),
            "edges": to_jsonable(self.edges),
            "notes": [message_text(n, "en") for n in self.notes],
            "provenance": to_jsonable(self.provenance),
        }

    def to_html(
        self, path: str | os.PathLike[str] | None = None, *, lang: str = "ko", shared_js: bool = False
    ) -> str:
        """The report page (Plotly charts, offline); written to ``path`` when given."""
        from mirae.core._page import finish_page
        from mirae.segment._report_html import render

        return finish_page(render(self, lang), path, shared_js=shared_js)


def message_text(note: Any, lang: str) -> str:
    """A note as text: ``(key, params)`` through the catalogue, plain text as it is."""
    from mirae.core._i18n import label

    if isinstance(note, tuple | list) and len(note) == 2 and isinstance(note[1], dict):
        return label(str(note[0]), lang).format(**note[1])
    return str(note)


def segment_report(
    model: Any,
    X: pd.DataFrame,
    *,
    method: str,
    labels: Any = None,
    notes: list[Any] | None = None,
    provenance: dict[str, Any] | None = None,
    random_state: int = 0,
) -> SegmentReport:
    """The report of a fitted segmenter on the rows ``X`` it segmented (``labels``: its segments of ``X``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from mirae.segment import KMeansSegmenter
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(np.vstack([rng.normal(c, 0.3, (30, 2)) for c in (0, 5)]), columns=["a", "b"])
    >>> report = segment_report(KMeansSegmenter(n_segments=2, stability_runs=0).fit(X), X, method="kmeans")
    >>> report.n_segments, report.profiles["size"].tolist()
    (2, [30, 30])
    >>> "<html" in report.to_html(lang="en")
    True
    """
    import numpy as np
    from sklearn.decomposition import PCA

    from mirae.segment._profile import segment_profiles, separation, snake_table
    from mirae.segment._scaling import FeatureScaler

    features = [str(c) for c in model.feature_names_in_]
    frame = X[features].astype(float)
    labels = np.asarray(model.predict(frame) if labels is None else labels, dtype=int)
    names = list(getattr(model, "segment_names_", [])) or None
    scaler = getattr(model, "scaler_", None) or FeatureScaler().fit(frame)
    Z = scaler.transform(frame)
    rng = np.random.default_rng(random_state)
    shown = rng.choice(len(Z), MAX_POINTS, replace=False) if len(Z) > MAX_POINTS else np.arange(len(Z))
    n_components = min(2, Z.shape[1])
    pca = PCA(n_components=n_components, random_state=random_state).fit(Z)
    points = pca.transform(Z[shown])
    pca_frame = pd.DataFrame(
        {
            "pc1": points[:, 0].round(4),
            "pc2": (points[:, 1] if n_components > 1 else np.zeros(len(points))).round(4),
            "segment": labels[shown],
        }
    )
    rules = getattr(model, "rules_", None)
    return SegmentReport(
        method=method,
        features=features,
        profiles=segment_profiles(frame, labels, names),
        separation=separation(frame, labels),
        snake=snake_table(Z, labels, features),
        pca=pca_frame,
        pca_variance=[round(float(v), 4) for v in pca.explained_variance_ratio_],
        names=names,
        k_scores=getattr(model, "k_scores_", None),
        k_choice=getattr(model, "k_choice_", None),
        stability=getattr(model, "stability_", None),
        scores=dict(getattr(model, "scores_", {}) or {}),
        transforms=dict(scaler.transforms_) if hasattr(model, "scaler_") else {},
        skewness=dict(scaler.skewness_),
        imputed=dict(scaler.imputed_) if hasattr(model, "scaler_") else {},
        rules=None if rules is None else [list(r) for r in rules],
        edges=getattr(model, "edges_", None),
        notes=list(notes or []),
        provenance=dict(provenance or {}),
    )
