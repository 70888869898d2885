"""k-means and Gaussian-mixture segmenters on the :class:`~mirae.base.Clusterer` contract.

Both standardise their features inside the estimator (:class:`FeatureScaler`:
numeric check, median imputation, log1p / Yeo-Johnson for skewed columns),
choose the number of segments over ``k_range`` when ``n_segments='auto'``
(:mod:`mirae.segment._choose`; on a random sample of 20,000 rows for larger
tables, the chosen ``k`` then fitted on every row), report how stable the segments are across
seeds and bootstrap samples, and number the segments by size (segment 0 is
the largest). ``predict`` assigns new rows to the learned segments without
refitting.
"""

from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING, Any, ClassVar, Self

from mirae.base import Clusterer, Tags
from mirae.core._choices import check_choice
from mirae.errors import SegmentError
from mirae.segment._choose import CRITERIA, internal_scores, pick_k, score_k, stability
from mirae.segment._scaling import FeatureScaler, as_feature_frame

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["GaussianMixtureSegmenter", "KMeansSegmenter"]

#: Fewest rows a segmenter fits on.
MIN_ROWS = 10
#: Rows above which ``minibatch='auto'`` uses MiniBatchKMeans.
MINIBATCH_ROWS = 50_000
#: Rows the candidate values of k are fitted and scored on (a random sample of larger tables).
SCAN_ROWS = 20_000


def _not_fitted(estimator: Any) -> None:
    if not hasattr(estimator, "model_"):
        msg = f"this {type(estimator).__name__} is not fitted yet; call fit(X) before predict."
        raise SegmentError(msg)


class _ScaledSegmenter(Clusterer):
    """What the k-means and mixture segmenters share: scaling, the choice of k, stability, ordering."""

    tags: ClassVar[Tags] = Clusterer.tags
    _criteria: ClassVar[tuple[str, ...]] = ("silhouette", "davies_bouldin", "calinski_harabasz")

    n_segments: int | str
    k_range: tuple[int, int]
    criterion: str
    skew: str
    missing: str
    stability_runs: int
    sample_size: int
    random_state: int

    def _model(self, k: int, seed: int, *, n_rows: int, final: bool) -> Any:
        raise NotImplementedError

    def fit(self, X: Any, y: Any = None) -> Self:
        """Learn the scaling, choose ``k`` (when ``'auto'``) and fit the segments; return ``self``."""
        import numpy as np

        check_choice(self.criterion, self._criteria, what="criterion")
        frame = as_feature_frame(X)
        if len(frame) < MIN_ROWS:
            msg = f"segmentation needs at least {MIN_ROWS} rows; got {len(frame)}. Give it more customers or rows."
            raise SegmentError(msg)
        scaler = FeatureScaler(skew=self.skew, missing=self.missing).fit(frame)
        Z = scaler.transform(frame)
        distinct = len(np.unique(Z.round(12), axis=0))
        seed = int(self.random_state)
        ks = self._candidate_ks(distinct, len(frame))
        n_rows = len(Z)
        self.k_scores_ = None
        self.k_choice_: dict[str, Any] | None = None
        if self.n_segments == "auto":
            # large tables: the candidates are fitted and scored on a sample, the chosen k on every row
            scan = Z
            if n_rows > SCAN_ROWS:
                scan = Z[np.random.default_rng(seed).choice(n_rows, SCAN_ROWS, replace=False)]
            scores = score_k(
                scan, ks, lambda k, s: self._model(k, s, n_rows=len(scan), final=False),
                seed=seed, sample_size=self.sample_size,
            )  # fmt: skip
            self.k_scores_ = scores
            self.k_choice_ = {
                **pick_k(scores, self.criterion),
                "rows_scanned": len(scan),
                "rows_total": n_rows,
            }
            k = int(self.k_choice_["k"])
        else:
            k = ks[0]
        model = self._model(k, seed, n_rows=n_rows, final=True).fit(Z)
        raw = np.asarray(model.predict(Z))
        sizes = np.bincount(raw, minlength=k)
        order = np.argsort(-sizes, kind="stable")  # new id j = the j-th largest raw segment
        self.relabel_ = np.empty(k, dtype=int)
        self.relabel_[order] = np.arange(k)
        self.scaler_ = scaler
        self.model_ = model
        self.labels_ = self.relabel_[raw]
        self.n_segments_ = int(k)
        self.feature_names_in_ = np.asarray(scaler.columns_, dtype=object)
        self.n_features_in_ = len(scaler.columns_)
        self.scores_ = {
            k_: round(v, 4)
            for k_, v in internal_scores(Z, self.labels_, sample_size=self.sample_size, seed=seed).items()
        }
        self.stability_ = (
            stability(
                Z,
                self.labels_,
                lambda s: self._model(k, s, n_rows=n_rows, final=False),
                seed=seed,
                n_runs=int(self.stability_runs),
            )  # fmt: skip
            if self.stability_runs > 0
            else None
        )
        return self

    def _candidate_ks(self, distinct: int, n_rows: int) -> list[int]:
        if self.n_segments != "auto":
            if isinstance(self.n_segments, bool) or not isinstance(self.n_segments, Integral):
                msg = f"n_segments must be 'auto' or a whole number of segments; got {self.n_segments!r}."
                raise SegmentError(msg)
            k = int(self.n_segments)
            if k < 1:
                msg = f"n_segments must be at least 1; got {k}."
                raise SegmentError(msg)
            if k > distinct:
                msg = (
                    f"n_segments={k} is more than the {distinct:,} distinct rows of the features; "
                    f"ask for at most {distinct} segments (or k='auto')."
                )
                raise SegmentError(msg)
            return [k]
        low, high = (int(v) for v in self.k_range)
        if low < 2 or high < low:
            msg = f"k_range must be (low, high) with 2 <= low <= high; got {tuple(self.k_range)!r}."
            raise SegmentError(msg)
        top = min(high, distinct - 1, n_rows - 1)
        if top < low:
            msg = (
                f"the features have {distinct:,} distinct rows: too few to compare {low} to {high} segments. "
                "Give more rows or a fixed number of segments."
            )
            raise SegmentError(msg)
        return list(range(low, top + 1))

    def transform(self, X: Any) -> np.ndarray:
        """The rows in the segmenter's standardised feature space (what distances are measured in)."""
        _not_fitted(self)
        return self.scaler_.transform(as_feature_frame(X))

    def predict(self, X: Any) -> np.ndarray:
        """The segment (``0 .. n_segments_-1``, 0 the largest) of each row, without refitting."""
        import numpy as np

        _not_fitted(self)
        raw = np.asarray(self.model_.predict(self.scaler_.transform(as_feature_frame(X))))
        return np.asarray(self.relabel_[raw], dtype=int)

    def centers(self, X: pd.DataFrame) -> pd.DataFrame:
        """Mean of each feature per segment over the rows of ``X``, in the features' own units."""
        frame = as_feature_frame(X)[list(self.scaler_.columns_)].astype(float)
        return frame.groupby(self.predict(frame)).mean().rename_axis("segment")


class KMeansSegmenter(_ScaledSegmenter):
    """k-means segments on standardised, de-skewed features, with ``k`` chosen by silhouette.

    Parameters
    ----------
    n_segments : int or 'auto'
        Number of segments, or ``'auto'`` to choose it over ``k_range``.
    k_range : (int, int)
        Smallest and largest ``k`` tried with ``'auto'`` (capped by the number of distinct rows).
    criterion : {'silhouette', 'davies_bouldin', 'calinski_harabasz'}
        What chooses ``k``: the highest silhouette (default), the lowest
        Davies–Bouldin index or the highest Calinski–Harabasz score.
    skew : {'auto', 'log1p', 'yeo-johnson', 'none'}
        Skew correction per column (see :class:`FeatureScaler`).
    missing : {'impute', 'error'}
        Missing feature values: filled with the column median, or refused.
    minibatch : {'auto', True, False}
        MiniBatchKMeans instead of k-means; ``'auto'`` above 50,000 rows.
    n_init : int
        k-means restarts of the final model (the choice of ``k`` uses fewer).
    stability_runs : int
        Refits with other seeds, and on bootstrap samples, to measure stability (0: none).
    sample_size : int
        Rows the silhouette is computed on for large tables.
    random_state : int

    Attributes
    ----------
    labels_, n_segments_ : ndarray, int
    k_scores_ : DataFrame or None
        Silhouette, Davies–Bouldin, Calinski–Harabasz and inertia per ``k``.
    k_choice_ : dict or None
        The chosen ``k``, the criterion, its value, and which criteria agree.
    scores_ : dict
        The internal criteria of the fitted segments.
    stability_ : dict or None
        Mean and lowest adjusted Rand index across seeds and bootstrap samples.
    scaler_ : FeatureScaler
        The preprocessing step (``transforms_``, ``imputed_``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(np.vstack([rng.normal(c, 0.3, (40, 2)) for c in (0, 5, 10)]), columns=["a", "b"])
    >>> model = KMeansSegmenter(k_range=(2, 6), stability_runs=0).fit(X)
    >>> model.n_segments_, model.predict(X.iloc[[0]]).tolist() == model.labels_[:1].tolist()
    (3, True)
    """

    def __init__(
        self,
        *,
        n_segments: int | str = "auto",
        k_range: tuple[int, int] = (2, 10),
        criterion: str = "silhouette",
        skew: str = "auto",
        missing: str = "impute",
        minibatch: bool | str = "auto",
        n_init: int = 10,
        stability_runs: int = 5,
        sample_size: int = 5000,
        random_state: int = 0,
    ) -> None:
        self.n_segments = n_segments
        self.k_range = k_range
        self.criterion = criterion
        self.skew = skew
        self.missing = missing
        self.minibatch = minibatch
        self.n_init = n_init
        self.stability_runs = stability_runs
        self.sample_size = sample_size
        self.random_state = random_state

    def _model(self, k: int, seed: int, *, n_rows: int, final: bool) -> Any:
        from sklearn.cluster import KMeans, MiniBatchKMeans

        mini = n_rows > MINIBATCH_ROWS if self.minibatch == "auto" else bool(self.minibatch)
        n_init = int(self.n_init) if final else min(3, int(self.n_init))
        if mini:  # restarts of a mini-batch fit on a large table cost more than they gain
            return MiniBatchKMeans(n_clusters=k, n_init=min(n_init, 3), random_state=seed, batch_size=4096)
        return KMeans(n_clusters=k, n_init=n_init, random_state=seed)


class GaussianMixtureSegmenter(_ScaledSegmenter):
    """Gaussian-mixture segments on standardised, de-skewed features, with ``k`` chosen by BIC.

    Parameters are those of :class:`KMeansSegmenter` (no ``minibatch``), plus
    ``covariance_type`` (``full``, ``tied``, ``diag`` or ``spherical``);
    ``criterion`` may also be ``'bic'`` (the default: the lowest Bayesian
    information criterion). ``predict_proba`` gives each row's membership
    probability per segment.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(np.vstack([rng.normal(c, 0.3, (40, 2)) for c in (0, 5, 10)]), columns=["a", "b"])
    >>> GaussianMixtureSegmenter(k_range=(2, 5), stability_runs=0).fit(X).n_segments_
    3
    """

    _criteria: ClassVar[tuple[str, ...]] = tuple(CRITERIA)

    def __init__(
        self,
        *,
        n_segments: int | str = "auto",
        k_range: tuple[int, int] = (2, 10),
        criterion: str = "bic",
        covariance_type: str = "full",
        skew: str = "auto",
        missing: str = "impute",
        n_init: int = 3,
        stability_runs: int = 5,
        sample_size: int = 5000,
        random_state: int = 0,
    ) -> None:
        self.n_segments = n_segments
        self.k_range = k_range
        self.criterion = criterion
        self.covariance_type = covariance_type
        self.skew = skew
        self.missing = missing
        self.n_init = n_init
        self.stability_runs = stability_runs
        self.sample_size = sample_size
        self.random_state = random_state

    def _model(self, k: int, seed: int, *, n_rows: int, final: bool) -> Any:
        from sklearn.mixture import GaussianMixture

        check_choice(self.covariance_type, ("full", "tied", "diag", "spherical"), what="covariance_type")
        return GaussianMixture(
            n_components=k,
            covariance_type=self.covariance_type,
            n_init=int(self.n_init) if final else 1,
            random_state=seed,
            reg_covar=1e-5,
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        """Each row's probability of belonging to each segment (columns in segment order)."""
        import numpy as np

        _not_fitted(self)
        proba = self.model_.predict_proba(self.scaler_.transform(as_feature_frame(X)))
        out = np.empty_like(proba)
        out[:, self.relabel_] = proba
        return np.asarray(out)
