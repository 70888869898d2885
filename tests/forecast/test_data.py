"""Input handling of ForecastData: column names, frequency, gaps, bad input errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mirae.errors import (
    DuplicateObservationError,
    ForecastError,
    FrequencyError,
    GapError,
    HierarchyError,
    MissingFutureError,
    SchemaError,
    TargetValueError,
)
from mirae.forecast import ForecastData, StatisticalForecaster, infer_frequency


def _walmart_data(walmart: pd.DataFrame, **kw: object) -> ForecastData:
    return ForecastData.from_frame(
        walmart, id_col="id", time_col="Date", target_col="Weekly_Sales", hierarchy=["group"], **kw
    )


def test_user_column_names_and_weekly_frequency(walmart: pd.DataFrame) -> None:
    data = _walmart_data(walmart, exog=["promo", "holiday"])
    assert data.freq.code == "W" and data.freq.offset == "W-FRI"
    assert list(data.history.columns[:3]) == ["unique_id", "ds", "y"]
    assert data.history.groupby("unique_id").size().eq(143).all()
    assert data.future.empty
    assert data.statics()["group"].to_dict()["1_1"] == "low"
    fc = StatisticalForecaster(models=["Naive"], intermittent_models=()).fit(data).predict(2)
    assert list(fc.columns) == ["id", "Date", "Naive"]
    assert fc["Date"].min() == walmart["Date"].max() + pd.Timedelta(weeks=1)


@pytest.mark.parametrize(
    ("dates", "code", "offset"),
    [
        (["2024-01-01", "2024-01-02", "2024-01-05"], "D", "D"),
        (["2024-01-31", "2024-02-29", "2024-03-31"], "M", "ME"),
        (["2024-01-01", "2024-04-01", "2024-10-01"], "Q", "QS-JAN"),
        (["2024-03-31", "2024-06-30"], "Q", "QE-DEC"),
    ],
)
def test_infer_frequency(dates: list[str], code: str, offset: str) -> None:
    f = infer_frequency(pd.to_datetime(dates))
    assert (f.code, f.offset) == (code, offset)


@pytest.mark.parametrize(
    ("dates", "freq", "fragment"),
    [
        (["2024-01-01", "2024-01-08", "2024-01-16"], None, "same weekday"),
        (["2024-01-01", "2024-02-01", "2024-03-15"], None, "first or every date on the last"),
        (["2024-01-01", "2024-01-04"], None, "3 days apart"),
        (["2024-01-01", "2024-02-01"], "H", "freq must be one of"),
        (["2024-01-01", "2024-01-02", "2024-02-01"], "M", "grid"),
    ],
)
def test_unknown_or_mixed_frequency_errors(dates: list[str], freq: str | None, fragment: str) -> None:
    with pytest.raises(FrequencyError, match=fragment) as info:
        infer_frequency(pd.to_datetime(dates), freq)
    assert "freq=" in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, ForecastError)


def test_duplicate_rows_error_lists_examples(walmart: pd.DataFrame) -> None:
    doubled = pd.concat([walmart, walmart.iloc[[5, 6]]])
    with pytest.raises(DuplicateObservationError, match=r"\('1_1', 2010-03-12\)") as info:
        _walmart_data(doubled)
    assert "groupby" in str(info.value)


def test_gaps_need_an_explicit_fill_and_are_reported(walmart: pd.DataFrame) -> None:
    holed = walmart.drop(index=[3, 4, 150])
    with pytest.raises(GapError, match=r"fill='zero'.*--fill zero or --fill missing"):
        _walmart_data(holed)
    zero = _walmart_data(holed, fill="zero")
    assert zero.report["gaps_filled"] == {"1_1": 2, "1_3": 1}
    assert zero.history.loc[zero.history["ds"] == walmart.loc[3, "Date"], "y"].iloc[0] == 0.0
    missing = _walmart_data(holed, fill="missing")
    assert missing.history["y"].isna().sum() == 3
    interpolated = missing.interpolated()
    a, b = walmart.loc[2, "Weekly_Sales"], walmart.loc[5, "Weekly_Sales"]
    assert interpolated.loc[3, "y"] == pytest.approx(a + (b - a) / 3)
    # hierarchy columns are filled into the new rows
    assert missing.history["group"].notna().all()


def test_filled_periods_carry_the_previous_exogenous_values(retail_sample: pd.DataFrame) -> None:
    # product 22502 stops selling in September 2011: fill='zero' carries it to the table's last week,
    # with its last known price (a backtest cut in those weeks needs the price as a known future value)
    data = ForecastData.from_frame(
        retail_sample,
        id_col="stock_code",
        time_col="week",
        target_col="quantity",
        fill="zero",
        exog=["avg_price"],
    )
    stopped = data.history.loc[data.history["unique_id"] == "22502"]
    last_price = (
        retail_sample.loc[retail_sample["stock_code"] == "22502"].sort_values("week")["avg_price"].iloc[-1]
    )
    assert stopped["ds"].max() == retail_sample["week"].max()
    tail = stopped.loc[stopped["ds"] > pd.Timestamp("2011-09-19")]
    assert len(tail) == 11 and (tail["y"] == 0).all() and (tail["avg_price"] == last_price).all()
    assert data.history["avg_price"].notna().all()
    # a backtest whose cut-off falls in the filled weeks finds its future prices
    from mirae.forecast import GlobalBoostForecaster, backtest

    cv = backtest(GlobalBoostForecaster(n_estimators=10, country=None), data, h=4, n_windows=2)
    assert cv["GlobalBoost"].notna().all()


def test_non_numeric_and_negative_targets(walmart: pd.DataFrame) -> None:
    bad = walmart.astype({"Weekly_Sales": object})
    bad.loc[7, "Weekly_Sales"] = "n/a"
    with pytest.raises(TargetValueError, match="non-numeric.*'n/a'"):
        _walmart_data(bad)
    neg = walmart.copy()
    neg.loc[[10, 11], "Weekly_Sales"] = -5.0
    with pytest.raises(TargetValueError, match="2 negative.*negative='keep'"):
        _walmart_data(neg)
    assert (_walmart_data(neg, negative="zero").history["y"] >= 0).all()
    kept = _walmart_data(neg, negative="keep")
    assert (kept.history["y"] == -5.0).sum() == 2 and kept.report["negative_handled"] == 2


def test_missing_columns_and_bad_hierarchy(walmart: pd.DataFrame) -> None:
    with pytest.raises(SchemaError, match="'qty'"):
        ForecastData.from_frame(walmart, id_col="id", time_col="Date", target_col="qty")
    moving = walmart.copy()
    moving.loc[3, "group"] = "high"
    with pytest.raises(HierarchyError, match="constant within each id"):
        _walmart_data(moving)


def test_future_exogenous_from_trailing_rows_and_frame(walmart: pd.DataFrame) -> None:
    last = walmart["Date"].max()
    ids = walmart["id"].unique()
    future_rows = pd.DataFrame(
        {
            "id": np.repeat(ids, 2),
            "Date": np.tile([last + pd.Timedelta(weeks=1), last + pd.Timedelta(weeks=2)], len(ids)),
            "promo": 1.0,
            "holiday": 0.0,
            "group": np.repeat(walmart.groupby("id")["group"].first().loc[ids].to_numpy(), 2),
        }
    )
    data = _walmart_data(pd.concat([walmart, future_rows], ignore_index=True), exog=["promo", "holiday"])
    assert len(data.future) == 2 * len(ids)
    grid = data.future_frame(2)
    assert grid["promo"].eq(1.0).all()
    with pytest.raises(MissingFutureError) as info:
        data.future_frame(3)
    message = str(info.value)
    assert "['promo', 'holiday']" in message and str((last + pd.Timedelta(weeks=3)).date()) in message
    # a future= frame overrides trailing rows
    other = future_rows.assign(promo=0.0)
    assert data.future_frame(2, future=other)["promo"].eq(0.0).all()
    no_future = _walmart_data(walmart, exog=["promo"])
    with pytest.raises(MissingFutureError, match="'promo'"):
        no_future.future_frame(1)


def test_series_without_target_error() -> None:
    df = pd.DataFrame(
        {
            "unique_id": ["a", "a", "b"],
            "ds": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-01-01"]),
            "y": [1.0, 2.0, None],
        }
    )
    with pytest.raises(TargetValueError, match="no observed target"):
        ForecastData.from_frame(df)
