"""Preprocessing built from a table's schema: impute, encode, scale, date parts.

:class:`TablePreprocessor` is a scikit-learn transformer; put it first in a
``Pipeline`` so that the fitted preprocessing travels with the model.

Examples
--------
>>> import pandas as pd
>>> from mirae.prep import TablePreprocessor
>>> frame = pd.DataFrame({"plan": ["basic", "pro"] * 10, "spend": range(20)})
>>> TablePreprocessor(style="tree").fit_transform(frame).shape
(20, 2)
"""

from mirae.prep._build import MISSING_CATEGORY, PreprocessStyle, build_column_transformer
from mirae.prep._schema import TableSchema, infer_schema, to_frame
from mirae.prep._table import DATE_PARTS, TablePreprocessor, build_preprocessor

__all__ = [
    "DATE_PARTS",
    "MISSING_CATEGORY",
    "PreprocessStyle",
    "TablePreprocessor",
    "TableSchema",
    "build_column_transformer",
    "build_preprocessor",
    "infer_schema",
    "to_frame",
]
