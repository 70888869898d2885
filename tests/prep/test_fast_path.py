"""The numpy path for a few rows gives the same numbers as the scikit-learn path, on real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mirae.prep import TablePreprocessor
from mirae.prep._fast import FAST_ROWS, compile_plan, fast_transform

TELCO = "../shared/data/telco_churn/churn.csv"


@pytest.fixture(scope="module")
def telco() -> tuple[pd.DataFrame, np.ndarray]:
    from pathlib import Path

    frame = pd.read_csv(Path(__file__).parents[2] / TELCO).drop(columns=["customerID"])
    frame["TotalCharges"] = pd.to_numeric(frame["TotalCharges"], errors="coerce")  # 11 blanks
    target = (frame.pop("Churn") == "Yes").to_numpy()
    return frame, target


def _slow(prep: TablePreprocessor, rows: pd.DataFrame) -> np.ndarray:
    return np.asarray(prep.column_transformer_.transform(prep._prepare(rows)), dtype=np.float64)  # noqa: SLF001


@pytest.mark.parametrize("style", ["tree", "linear"])
def test_few_rows_are_encoded_exactly_as_scikit_learn_does(
    telco: tuple[pd.DataFrame, np.ndarray], style: str
) -> None:
    frame, target = telco
    prep = TablePreprocessor(style=style, random_state=0).fit(frame.iloc[:5000], target[:5000])
    rows = frame.iloc[5000 : 5000 + FAST_ROWS].copy()
    rows.loc[rows.index[0], "TotalCharges"] = np.nan  # missing number: imputed, flagged
    rows.loc[rows.index[1], "PaymentMethod"] = "Bitcoin"  # a category never seen at fit
    rows.loc[rows.index[2], "Contract"] = None  # missing category
    rows.loc[rows.index[3], "tenure"] = 0
    fast = fast_transform(prep, rows)
    if style == "tree" or compile_plan(prep) is not None:
        assert fast is not None, "the plan should cover this preprocessor"
    if fast is not None:
        np.testing.assert_allclose(fast, _slow(prep, rows), rtol=0, atol=1e-12)
        assert fast.shape[1] == len(prep.get_feature_names_out())
    np.testing.assert_allclose(prep.transform(rows.iloc[:1]), _slow(prep, rows.iloc[:1]), rtol=0, atol=1e-12)


def test_large_frames_and_date_columns_keep_the_scikit_learn_path(
    telco: tuple[pd.DataFrame, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mirae.prep import _fast

    frame, target = telco
    prep = TablePreprocessor(style="tree").fit(frame.iloc[:2000], target[:2000])
    monkeypatch.setattr(_fast, "FAST_ROWS", 100)
    assert fast_transform(prep, frame.iloc[:101]) is None
    assert fast_transform(prep, frame.iloc[:100]) is not None
    dated = frame.iloc[:500].assign(signup=pd.date_range("2020-01-01", periods=500, freq="D"))
    with_dates = TablePreprocessor(style="tree").fit(dated, target[:500])
    assert compile_plan(with_dates) is None
    assert with_dates.transform(dated.iloc[:3]).shape[0] == 3


def test_bad_values_are_refused_on_the_fast_path_too(telco: tuple[pd.DataFrame, np.ndarray]) -> None:
    from mirae.errors import ColumnTypeError

    frame, target = telco
    prep = TablePreprocessor(style="tree").fit(frame.iloc[:2000], target[:2000])
    row = frame.iloc[:1].astype({"tenure": object})
    row.loc[row.index[0], "tenure"] = "abc"
    with pytest.raises(ColumnTypeError, match="'tenure' must be numeric"):
        prep.transform(row)
    infinite = frame.iloc[:1].copy()
    infinite.loc[infinite.index[0], "MonthlyCharges"] = np.inf
    with pytest.raises(ValueError, match="finite numbers"):
        prep.transform(infinite)
