"""TablePreprocessor on real tables: roles, encodings, predict-time checks, contract."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import mirae.prep
from mirae.errors import ColumnTypeError, MissingColumnsError, SchemaError
from mirae.prep import TablePreprocessor, build_preprocessor, infer_schema


def test_public_api_is_pinned() -> None:
    assert sorted(mirae.prep.__all__) == [
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


@parametrize_with_checks([TablePreprocessor(), TablePreprocessor(style="tree")])
def test_sklearn_transformer_contract(estimator: TablePreprocessor, check: object) -> None:
    check(estimator)  # type: ignore[operator]


def test_schema_of_telco_drops_the_id_and_parses_text_numbers(telco: pd.DataFrame) -> None:
    schema = infer_schema(telco.drop(columns=["Churn"]))
    assert schema.dropped == {"customerID": "looks like an identifier"}
    assert "TotalCharges" in schema.numeric and schema.numeric_text == ["TotalCharges"]
    assert {"tenure", "MonthlyCharges", "SeniorCitizen"} <= set(schema.numeric)
    assert "Contract" in schema.categorical and schema.cardinality["Contract"] == 3
    assert any("customerID" in n for n in schema.notices)


def test_constant_column_is_dropped_with_a_notice(telco: pd.DataFrame) -> None:
    frame = telco.drop(columns=["Churn"]).assign(country="KR")
    prep = TablePreprocessor().fit(frame)
    assert "country" in prep.schema_.dropped
    assert any("'country'" in n and "single value" in n for n in prep.notices_)
    assert not any("country" in name for name in prep.get_feature_names_out())


def test_linear_style_scales_one_hot_encodes_and_corrects_skew(adult: pd.DataFrame) -> None:
    X, y = adult.drop(columns=["income"]), (adult["income"] == ">50K").astype(int)
    prep = TablePreprocessor(style="linear", random_state=0).fit(X, y)
    transformers = {name: cols for name, _, cols in prep.column_transformer_.transformers_}
    assert "capital-gain" in transformers["skewed"]  # heavily skewed: Yeo-Johnson
    assert "age" in transformers["num"]
    assert "gender" in transformers["onehot"]  # 2 values: one-hot
    assert "native-country" in transformers["target"]  # 40+ values with a target: target encoding
    out = prep.transform(X)
    assert np.isfinite(out).all()
    names = list(prep.get_feature_names_out())
    age = out[:, names.index("num__age")]
    assert abs(age.mean()) < 1e-6 and abs(age.std() - 1) < 1e-6


def test_tree_style_leaves_numbers_unscaled_and_ordinal_encodes(adult: pd.DataFrame) -> None:
    X = adult.drop(columns=["income"])
    prep = TablePreprocessor(style="tree").fit(X)
    names = list(prep.get_feature_names_out())
    out = prep.transform(X)
    np.testing.assert_array_equal(out[:, names.index("num__age")], X["age"].to_numpy(dtype=float))
    assert "ordinal__native-country" in names  # no target: ordinal even above the cut-off


def test_fit_transform_cross_fits_target_encoding(adult: pd.DataFrame) -> None:
    X, y = adult.drop(columns=["income"]), (adult["income"] == ">50K").astype(int)
    prep = TablePreprocessor(random_state=0)
    crossed = prep.fit_transform(X, y)
    plain = prep.transform(X)
    column = list(prep.get_feature_names_out()).index("target__native-country")
    assert not np.allclose(crossed[:, column], plain[:, column])  # out-of-fold at fit time


def test_unseen_and_missing_categories_are_handled(telco: pd.DataFrame) -> None:
    X = telco.drop(columns=["Churn"])
    prep = TablePreprocessor().fit(X)
    new = X.head(3).copy()
    new.loc[new.index[0], "Contract"] = "Lifetime"  # never seen
    new.loc[new.index[1], "PaymentMethod"] = None
    out = prep.transform(new)
    assert out.shape == (3, len(prep.get_feature_names_out())) and np.isfinite(out).all()
    names = list(prep.get_feature_names_out())
    contract = [i for i, n in enumerate(names) if n.startswith("onehot__Contract_")]
    assert out[0, contract].sum() == 0  # unseen: all zeros


def test_missing_columns_error_lists_them_and_extra_columns_are_ignored(telco: pd.DataFrame) -> None:
    X = telco.drop(columns=["Churn"])
    prep = TablePreprocessor().fit(X)
    with pytest.raises(MissingColumnsError, match="tenure.*Contract|Contract.*tenure") as info:
        prep.transform(X.drop(columns=["tenure", "Contract"]))
    assert isinstance(info.value, KeyError) and isinstance(info.value, SchemaError)
    shuffled = X[list(reversed(X.columns))].assign(extra=1)
    np.testing.assert_array_equal(prep.transform(shuffled), prep.transform(X))


def test_wrong_dtype_at_predict_names_column_and_row(telco: pd.DataFrame) -> None:
    X = telco.drop(columns=["Churn"])
    prep = TablePreprocessor().fit(X)
    bad = X.head(5).copy()
    bad["tenure"] = bad["tenure"].astype(object)
    bad.loc[3, "tenure"] = "twelve"
    with pytest.raises(
        ColumnTypeError, match=r"'tenure' must be numeric; got 'twelve' in 1 row\(s\) \(first: row 3\)"
    ):
        prep.transform(bad)
    with pytest.raises(TypeError):  # the built-in type a caller would catch
        prep.transform(bad)


def test_blank_text_numbers_become_missing(telco: pd.DataFrame) -> None:
    X = telco.drop(columns=["Churn"])
    assert (X["TotalCharges"].str.strip() == "").sum() == 11
    out = TablePreprocessor(style="tree").fit(X).transform(X)
    assert np.isfinite(out).all()


def test_date_parts(superstore: pd.DataFrame) -> None:
    frame = superstore[["Order Date", "Ship Mode", "Sales"]].copy()
    frame["Order Date"] = pd.to_datetime(frame["Order Date"])
    prep = build_preprocessor(frame, style="tree")
    names = list(prep.get_feature_names_out())
    assert {"num__Order Date__year", "num__Order Date__month", "num__Order Date__dayofweek"} <= set(names)
    out = prep.transform(frame)
    assert set(out[:, names.index("num__Order Date__month")]) <= set(range(1, 13))
    text_dates = frame.assign(**{"Order Date": frame["Order Date"].dt.strftime("%Y-%m-%d")})
    np.testing.assert_array_equal(prep.transform(text_dates), out)  # ISO text at predict is read as dates
    with pytest.raises(ColumnTypeError, match="'Order Date' must hold dates"):
        prep.transform(text_dates.assign(**{"Order Date": "soon"}))


def test_arrow_input_gives_the_same_result_as_pandas(telco: pd.DataFrame) -> None:
    X = telco.drop(columns=["Churn"]).head(500)
    from_pandas = TablePreprocessor().fit(X).transform(X)
    table = pa.Table.from_pandas(X, preserve_index=False)
    from_arrow = TablePreprocessor().fit(table).transform(table)
    np.testing.assert_allclose(from_arrow, from_pandas)


def test_input_not_mutated_pickle_and_row_by_row(telco: pd.DataFrame) -> None:
    X = telco.drop(columns=["Churn"]).head(400)
    before = X.copy()
    prep = TablePreprocessor(random_state=0).fit(X, telco["Churn"].head(400))
    batch = prep.transform(X)
    pd.testing.assert_frame_equal(X, before)
    restored = pickle.loads(pickle.dumps(prep))
    np.testing.assert_array_equal(restored.transform(X), batch)
    rows = np.vstack([prep.transform(X.iloc[[i]]) for i in range(20)])
    np.testing.assert_allclose(rows, batch[:20])
