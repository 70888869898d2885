"""The preprocessing step inside every distance-based segmenter: check, impute, de-skew, standardise.

Segmenters compare rows by distance, so each feature is put on one scale:

1. the columns are checked — numbers only (booleans count as 0/1; text and
   dates are refused: encode or drop them first, one-hot distances between
   customers say little), no constant column, enough rows;
2. missing values are filled with the column's median (``missing='impute'``,
   counted in ``imputed_``) or refused (``missing='error'``);
3. a skewed column (|skewness| above ``skew_threshold``) is transformed:
   ``log1p`` when it has no negative values, Yeo-Johnson otherwise
   (``skew='auto'``); ``skew='log1p'``/``'yeo-johnson'`` forces one, ``'none'``
   none; the choice per column is in ``transforms_``;
4. every column is standardised (mean 0, standard deviation 1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mirae.core._choices import check_choice
from mirae.errors import SegmentError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["MISSING_HANDLING", "SKEW_HANDLING", "FeatureScaler", "as_feature_frame"]

SKEW_HANDLING: tuple[str, ...] = ("auto", "log1p", "yeo-johnson", "none")
MISSING_HANDLING: tuple[str, ...] = ("impute", "error")


def as_feature_frame(X: Any) -> pd.DataFrame:
    """``X`` as a DataFrame (arrays get columns ``x0``, ``x1``, ...)."""
    import numpy as np
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        return X
    array = np.asarray(X)
    if array.ndim != 2:
        msg = f"expected a table of features (rows x columns); got an array of shape {array.shape}."
        raise SegmentError(msg)
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])


class FeatureScaler:
    """Checks the feature columns, imputes, corrects skew and standardises (see the module text).

    Parameters
    ----------
    skew : {'auto', 'log1p', 'yeo-johnson', 'none'}
    skew_threshold : float
        |skewness| above which ``skew='auto'`` transforms a column.
    missing : {'impute', 'error'}

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"spend": [1.0, 2, 3, 4, 500], "visits": [1.0, 2, 3, 4, 5]})
    >>> FeatureScaler().fit(X).transforms_
    {'spend': 'log1p', 'visits': 'none'}
    """

    def __init__(self, *, skew: str = "auto", skew_threshold: float = 0.75, missing: str = "impute") -> None:
        self.skew = skew
        self.skew_threshold = skew_threshold
        self.missing = missing

    def fit(self, X: pd.DataFrame) -> FeatureScaler:
        """Learn medians, transforms and scales from ``X``."""
        import numpy as np
        from scipy import stats

        check_choice(self.skew, SKEW_HANDLING, what="skew")
        check_choice(self.missing, MISSING_HANDLING, what="missing (--missing)")
        frame = self._numbers(X, fitting=True)
        self.columns_ = [str(c) for c in frame.columns]
        values = frame.to_numpy(dtype=float)
        nan = np.isnan(values)
        self.imputed_ = {c: int(n) for c, n in zip(self.columns_, nan.sum(axis=0), strict=True) if n}
        if self.imputed_ and self.missing == "error":
            detail = ", ".join(f"{c} ({n:,})" for c, n in self.imputed_.items())
            msg = (
                f"features have missing values: {detail}. Fill them first, or pass missing='impute' "
                "(--missing impute) to fill them with each column's median."
            )
            raise SegmentError(msg)
        self.medians_ = np.nanmedian(np.where(nan.all(axis=0), 0.0, values), axis=0)
        values = np.where(nan, self.medians_, values)
        constant = [c for c, v in zip(self.columns_, values.T, strict=True) if np.ptp(v) == 0]
        if constant:
            msg = (
                f"feature(s) {constant} are constant (every row has the same value); a constant column "
                "cannot separate segments. Drop it from the features."
            )
            raise SegmentError(msg)
        self.transforms_: dict[str, str] = {}
        self.lambdas_: dict[str, float] = {}
        self.skewness_: dict[str, float] = {}
        out = np.empty_like(values)
        for j, column in enumerate(self.columns_):
            x = values[:, j]
            skewness = float(stats.skew(x))
            self.skewness_[column] = round(skewness, 4)
            kind = self.skew
            if kind == "auto":
                kind = "none" if abs(skewness) <= self.skew_threshold else "log1p"
            if kind == "log1p" and x.min() < 0:
                kind = "yeo-johnson"
            if kind == "yeo-johnson":
                _, lam = stats.yeojohnson(x)
                self.lambdas_[column] = float(lam)
            self.transforms_[column] = kind
            out[:, j] = self._apply(column, x)
        self.mean_ = out.mean(axis=0)
        scale = out.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def _apply(self, column: str, x: np.ndarray) -> np.ndarray:
        import numpy as np
        from scipy import stats

        kind = self.transforms_[column]
        if kind == "log1p":  # a value below the training minimum (>= 0) is read as 0
            return np.log1p(np.maximum(x, 0.0))
        if kind == "yeo-johnson":
            return np.asarray(stats.yeojohnson(x, lmbda=self.lambdas_[column]), dtype=float)
        return x

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """The standardised features of ``X`` (same columns as at fit) as an array."""
        import numpy as np

        frame = self._numbers(X, fitting=False)
        values = frame.to_numpy(dtype=float)
        values = np.where(np.isnan(values), self.medians_, values)
        out = np.column_stack([self._apply(c, values[:, j]) for j, c in enumerate(self.columns_)])
        return np.asarray((out - self.mean_) / self.scale_, dtype=float)

    def _numbers(self, X: Any, *, fitting: bool) -> pd.DataFrame:
        import pandas as pd

        frame = as_feature_frame(X)
        if not fitting:
            missing = [c for c in self.columns_ if c not in frame.columns]
            if missing:
                msg = (
                    f"the rows to assign lack the feature column(s) {missing} the segmenter was fitted on "
                    f"(it needs {self.columns_}); got {[str(c) for c in frame.columns]}."
                )
                raise SegmentError(msg)
            frame = frame[self.columns_]
        if frame.shape[1] == 0:
            msg = "no feature columns given; pass the numeric columns to segment on (--features a,b,c)."
            raise SegmentError(msg)
        text = [
            str(c)
            for c in frame.columns
            if not (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))
        ]
        if text:
            kinds = ", ".join(f"{c} ({frame[c].dtype})" for c in text)
            msg = (
                f"segment features must be numeric; got {kinds}. Encode them as numbers first "
                "(e.g. a 0/1 column per category, or a count) or leave them out of the features."
            )
            raise SegmentError(msg)
        return frame.astype(float)
