"""The scikit-learn transformer that turns a business table into model input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.utils.validation import check_is_fitted

from mirae.errors import ColumnTypeError, MissingColumnsError
from mirae.prep._build import MISSING_CATEGORY, PreprocessStyle, build_column_transformer
from mirae.prep._schema import infer_schema, parse_numeric_text, to_frame

__all__ = ["DATE_PARTS", "TablePreprocessor", "build_preprocessor"]

#: Calendar parts a date column is expanded into (``hour`` only when times vary).
DATE_PARTS = ("year", "month", "day", "dayofweek", "dayofyear")


def _first_rows(index: pd.Index, mask: np.ndarray, limit: int = 3) -> str:
    return ", ".join(repr(label) for label in index[mask][:limit])


class TablePreprocessor(TransformerMixin, BaseEstimator):
    """Impute, encode, scale and expand a table into a numeric matrix.

    The roles of the columns are inferred at ``fit`` (:func:`infer_schema`):
    ID-like and constant columns are dropped, numbers stored as text are
    parsed, dates become calendar parts, categories are encoded by
    cardinality (see :func:`build_column_transformer`). Every such decision
    is recorded in ``notices_``.

    At ``transform`` columns are matched by name: extra columns are ignored,
    missing ones raise :class:`~mirae.errors.MissingColumnsError`, a value
    of the wrong type raises :class:`~mirae.errors.ColumnTypeError` naming the
    column and row, and unseen categories are encoded like a rare value.

    Parameters
    ----------
    style : {"linear", "tree"}, default="linear"
        ``"linear"`` scales, corrects skew and one-hot encodes; ``"tree"``
        leaves numbers as they are and ordinal encodes.
    max_onehot : int, default=10
        Most distinct values a category may have to be one-hot encoded
        (``"linear"``); above it the column is target encoded when ``y`` is given.
    target_encode_min : int, default=50
        Fewest distinct values for target encoding in the ``"tree"`` style.
    skew_threshold : float, default=1.0
        Absolute skewness above which a number is Yeo-Johnson transformed
        (``"linear"`` only).
    random_state : int, optional
        Seed of the cross-fitting folds of target encoding.

    Attributes
    ----------
    schema_ : TableSchema
        Roles inferred at fit.
    notices_ : list of str
        Columns dropped or reinterpreted, in readable sentences.
    column_transformer_ : ColumnTransformer
        The fitted scikit-learn transformer doing the work.
    n_features_in_ : int
        Number of columns seen at fit.
    feature_names_in_ : ndarray of str
        Their names (only when fitted on a table with text column names).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"plan": ["a", "b", "a", None], "spend": [1.0, 2.0, None, 4.0]})
    >>> prep = TablePreprocessor().fit(frame)
    >>> prep.transform(pd.DataFrame({"plan": ["zz"], "spend": [3.0]})).shape
    (1, 5)
    >>> list(prep.get_feature_names_out())  # doctest: +NORMALIZE_WHITESPACE
    ['num__spend', 'num__missingindicator_spend', 'onehot__plan___missing__',
     'onehot__plan_a', 'onehot__plan_b']
    """

    def __init__(
        self,
        *,
        style: PreprocessStyle = "linear",
        max_onehot: int = 10,
        target_encode_min: int = 50,
        skew_threshold: float = 1.0,
        random_state: int | None = None,
    ) -> None:
        self.style = style
        self.max_onehot = max_onehot
        self.target_encode_min = target_encode_min
        self.skew_threshold = skew_threshold
        self.random_state = random_state

    # -- fitting ---------------------------------------------------------------

    def fit(self, X: Any, y: Any = None) -> TablePreprocessor:
        """Infer the schema of ``X`` and fit the encoders.

        Parameters
        ----------
        X : DataFrame, Arrow table or 2-D array
            Training features.
        y : array-like, optional
            Target; enables target encoding of high-cardinality categories.

        Returns
        -------
        TablePreprocessor
            ``self``, fitted.
        """
        self._fit(X, y, transform=False)
        return self

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> np.ndarray:
        """Fit and transform; target encoding is cross-fitted on the training rows.

        Returns
        -------
        ndarray of shape (n_rows, n_features_out)
        """
        out = self._fit(X, y, transform=True)
        assert out is not None
        return out

    def _fit(self, X: Any, y: Any, *, transform: bool) -> np.ndarray | None:
        if self.style not in ("linear", "tree"):
            msg = f"style must be 'linear' or 'tree'; got {self.style!r}."
            raise ValueError(msg)
        frame = self._as_frame(X, fitting=True)
        if frame.shape[1] == 0:
            msg = f"0 feature(s) (shape={frame.shape}) while a minimum of 1 is required; pass a table with columns."
            raise ValueError(msg)
        if len(frame) < 2:
            msg = f"cannot learn from n_samples={len(frame)}; pass a table with at least 2 rows."
            raise ValueError(msg)
        schema = infer_schema(frame)
        notices = list(schema.notices)
        if not schema.used:
            msg = (
                f"no usable feature among the {frame.shape[1]} columns: "
                + "; ".join(notices)
                + ". Pass columns with at least two distinct values."
            )
            raise ValueError(msg)
        self.schema_ = schema
        self.datetime_with_time_ = [
            c for c in schema.datetime if bool((frame[c].dropna().dt.normalize() != frame[c].dropna()).any())
        ]
        prepared = self._prepare(frame)
        self.prepared_numeric_ = [c for c in prepared.columns if c not in schema.categorical]
        skewness = {c: float(schema.skewness.get(c, 0.0)) for c in schema.numeric}
        supervised = y is not None
        if supervised:
            y = np.asarray(y)
            if y.ndim == 2 and y.shape[1] == 1:
                y = y.ravel()
            if y.ndim != 1:
                supervised = False  # multi-output targets: no target encoding
        self.column_transformer_: ColumnTransformer = build_column_transformer(
            schema,
            numeric=self.prepared_numeric_,
            style=self.style,
            supervised=supervised,
            max_onehot=self.max_onehot,
            target_encode_min=self.target_encode_min,
            skewness=skewness,
            skew_threshold=self.skew_threshold,
            random_state=self.random_state,
        )
        self.notices_ = notices
        if transform:
            out = self.column_transformer_.fit_transform(prepared, y if supervised else None)
            return np.asarray(out, dtype=np.float64)
        self.column_transformer_.fit(prepared, y if supervised else None)
        return None

    # -- transforming ----------------------------------------------------------

    def transform(self, X: Any) -> np.ndarray:
        """Encode ``X`` with what was learned at fit.

        Parameters
        ----------
        X : DataFrame, Arrow table or 2-D array
            Columns are matched by name; extra columns are ignored.

        Returns
        -------
        ndarray of shape (n_rows, n_features_out)

        Raises
        ------
        MissingColumnsError
            When a column used at fit is absent.
        ColumnTypeError
            When a numeric or date column holds a value that is not one.
        """
        from mirae.prep._fast import fast_transform

        check_is_fitted(self, "column_transformer_")
        frame = self._as_frame(X, fitting=False)
        fast = fast_transform(self, frame)  # a few rows (serving): numpy, same numbers
        if fast is not None:
            return fast
        prepared = self._prepare(frame)
        return np.asarray(self.column_transformer_.transform(prepared), dtype=np.float64)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns, prefixed by the encoder that made them."""
        check_is_fitted(self, "column_transformer_")
        return np.asarray(self.column_transformer_.get_feature_names_out(), dtype=object)

    # -- helpers ---------------------------------------------------------------

    def _as_frame(self, X: Any, *, fitting: bool) -> pd.DataFrame:
        named = isinstance(X, pd.DataFrame) or type(X).__module__.startswith("pyarrow")
        frame = to_frame(X)
        if not all(isinstance(c, str) for c in frame.columns):
            frame = frame.rename(columns=str)
        if fitting:
            self.n_features_in_ = frame.shape[1]
            self.fitted_columns_ = [str(c) for c in frame.columns]
            if named:
                self.feature_names_in_ = np.asarray(self.fitted_columns_, dtype=object)
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            return frame
        if not named and frame.shape[1] == self.n_features_in_:
            frame.columns = self.fitted_columns_  # a bare array is read by position
        if not named and frame.shape[1] != self.n_features_in_:
            msg = (
                f"X has {frame.shape[1]} features, but TablePreprocessor is expecting "
                f"{self.n_features_in_} features as input; pass a table with the columns "
                f"{self.fitted_columns_[:10]}."
            )
            raise ValueError(msg)
        missing = [c for c in self.schema_.used if c not in frame.columns]
        if missing:
            msg = (
                f"{len(missing)} column(s) the model was fitted on are missing: {missing}. "
                "Add them to the table (values may be empty); extra columns are ignored."
            )
            raise MissingColumnsError(msg)
        return frame

    def _prepare(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return the used columns, typed: floats, text categories, date parts."""
        schema = self.schema_
        columns: dict[str, pd.Series] = {}
        for name in schema.numeric:
            columns[name] = self._numeric(frame[name], name)
        for name in schema.datetime:
            dates = self._dates(frame[name], name)
            parts = [*DATE_PARTS, "hour"] if name in self.datetime_with_time_ else list(DATE_PARTS)
            for part in parts:
                columns[f"{name}__{part}"] = getattr(dates.dt, part).astype("float64")
        for name in schema.categorical:
            series = frame[name]
            text = series.astype(str).where(series.notna(), MISSING_CATEGORY)
            columns[name] = text.astype(object)
        return pd.DataFrame(columns, index=frame.index)

    def _numeric(self, series: pd.Series, name: str) -> pd.Series:
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            values = series.astype("float64")
            infinite = np.isinf(values.to_numpy())
            if infinite.any():
                msg = (
                    f"column {name!r} must hold finite numbers; got infinity in {int(infinite.sum())} "
                    f"row(s) (first: row {_first_rows(series.index, infinite)}). Replace them "
                    "with a number or leave them empty."
                )
                raise ValueError(msg)
            return values
        values, failed = parse_numeric_text(series.astype(object).where(series.notna(), None))
        if failed.any():
            mask = failed.to_numpy()
            first = series[mask].iloc[0]
            msg = (
                f"column {name!r} must be numeric; got {first!r} in {int(mask.sum())} row(s) "
                f"(first: row {_first_rows(series.index, mask)}). Clean the column, or leave "
                "the value empty if it is missing."
            )
            raise ColumnTypeError(msg)
        return values

    def _dates(self, series: pd.Series, name: str) -> pd.Series:
        if pd.api.types.is_datetime64_any_dtype(series):
            return series
        dates = pd.to_datetime(series, errors="coerce", format="mixed")
        failed = (dates.isna() & series.notna()).to_numpy()
        if failed.any():
            first = series[failed].iloc[0]
            msg = (
                f"column {name!r} must hold dates; got {first!r} in {int(failed.sum())} row(s) "
                f"(first: row {_first_rows(series.index, failed)}). Use ISO dates such as "
                "'2024-03-31'."
            )
            raise ColumnTypeError(msg)
        return dates

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.target_tags.required = False
        return tags


def build_preprocessor(
    X: Any,
    y: Any = None,
    *,
    style: PreprocessStyle = "linear",
    random_state: int | None = None,
    **settings: Any,
) -> TablePreprocessor:
    """Fit a :class:`TablePreprocessor` to ``X`` (and ``y``) and return it.

    Parameters
    ----------
    X : DataFrame, Arrow table or 2-D array
        The training features.
    y : array-like, optional
        The target, for target encoding.
    style : {"linear", "tree"}
        Which kind of model the output feeds.
    random_state : int, optional
        Seed of target encoding's folds.
    **settings
        Other :class:`TablePreprocessor` settings.

    Returns
    -------
    TablePreprocessor
        Fitted; its ``notices_`` say what was dropped and why.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"when": pd.to_datetime(["2024-01-31", "2024-02-29"] * 15),
    ...                       "n": [1, 2, 3] * 10, "one": ["x"] * 30})
    >>> prep = build_preprocessor(frame, style="tree")
    >>> prep.notices_
    ["dropped column 'one': it has a single value, so it cannot help the model."]
    >>> prep.transform(frame).shape
    (30, 6)
    """
    return TablePreprocessor(style=style, random_state=random_state, **settings).fit(X, y)
