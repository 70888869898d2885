"""RFM features from real transactions: counts checked against a direct computation, returns and windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mirae.errors import ConfigError, SegmentError
from mirae.segment import RFMFeatures, rfm_features

COLS = {"customer": "Customer ID", "date": "InvoiceDate", "amount": "Quantity*Price", "invoice": "Invoice"}


def _lines(transactions: pd.DataFrame) -> pd.DataFrame:
    frame = transactions.dropna(subset=["Customer ID"]).copy()
    frame["when"] = pd.to_datetime(frame["InvoiceDate"], format="mixed")
    frame["amount"] = frame["Quantity"] * frame["Price"]
    frame["is_return"] = frame["Invoice"].str.startswith("C") | (frame["amount"] < 0)
    return frame


def test_rfm_matches_a_direct_computation_on_real_data(transactions: pd.DataFrame, rfm: RFMFeatures) -> None:
    lines = _lines(transactions)
    buys = lines.loc[~lines["is_return"] & (lines["amount"] > 0)]
    as_of = lines["when"].max().normalize() + pd.Timedelta(days=1)
    assert rfm.as_of == as_of and rfm.report["as_of"] == str(as_of.date())
    table = rfm.table
    assert list(table.columns) == ["recency", "frequency", "monetary", "tenure", "avg_basket"]
    assert len(table) == buys["Customer ID"].nunique() == rfm.report["customers"]
    for customer in buys["Customer ID"].drop_duplicates().sample(25, random_state=0):
        mine, row = lines.loc[lines["Customer ID"] == customer], table.loc[customer]
        bought = mine.loc[~mine["is_return"] & (mine["amount"] > 0)]
        assert row["frequency"] == bought["Invoice"].nunique()
        assert row["monetary"] == pytest.approx(max(mine["amount"].sum(), 0.0), abs=1e-4)  # returns netted
        assert row["recency"] == (as_of - bought["when"].max().normalize()).days
        assert row["tenure"] == (as_of - bought["when"].min().normalize()).days
        assert row["avg_basket"] == pytest.approx(row["monetary"] / row["frequency"], rel=1e-6)
    # everything left out is counted
    assert rfm.report["missing_customer"] == int(transactions["Customer ID"].isna().sum())
    assert rfm.report["returns"] == int(lines["is_return"].sum()) > 0
    assert rfm.report["returns_value"] == pytest.approx(lines.loc[lines["is_return"], "amount"].abs().sum())
    only_returns = set(lines["Customer ID"]) - set(buys["Customer ID"])
    assert rfm.report["no_purchase"] == len(only_returns) > 0
    assert set(rfm.report["no_purchase_examples"]) <= only_returns
    net = lines.groupby("Customer ID")["amount"].sum().loc[table.index]
    assert rfm.report["net_negative"] == int((net < -1e-6).sum()) > 0  # floored at 0, and counted
    assert (table.loc[net < -1e-6, "monetary"] == 0).all() and (table["monetary"] >= 0).all()
    keys = [key for key, _ in rfm.notes()]
    assert (
        keys[:2] == ["seg_note_missing_customer", "seg_note_returns_net"] and "seg_note_no_purchase" in keys
    )


def test_returns_can_be_dropped_or_refused(transactions: pd.DataFrame, rfm: RFMFeatures) -> None:
    dropped = rfm_features(transactions, **COLS, returns="drop")
    lines = _lines(transactions)
    gross = lines.loc[~lines["is_return"] & (lines["amount"] > 0)].groupby("Customer ID")["amount"].sum()
    np.testing.assert_allclose(dropped.table["monetary"], gross.loc[dropped.table.index], atol=1e-4)
    assert (dropped.table["monetary"] >= rfm.table["monetary"].loc[dropped.table.index] - 1e-9).all()
    assert ("seg_note_returns_drop", {"rows": rfm.report["returns"], "value": pytest.approx(
        round(rfm.report["returns_value"], 2))}) in dropped.notes()  # fmt: skip
    with pytest.raises(SegmentError, match=r"transaction rows are returns .*--returns net"):
        rfm_features(transactions, **COLS, returns="error")
    with pytest.raises(ConfigError, match="returns"):
        rfm_features(transactions, **COLS, returns="keep")  # type: ignore[arg-type]


def test_the_window_and_known_customers(transactions: pd.DataFrame) -> None:
    window = rfm_features(transactions, **COLS, since="2010-01-01", as_of="2010-02-01")
    lines = _lines(transactions)
    inside = lines.loc[(lines["when"] >= "2010-01-01") & (lines["when"] < "2010-02-01")]
    assert window.report["after_as_of"] == int((lines["when"] >= "2010-02-01").sum()) > 0
    assert window.report["before_since"] == int((lines["when"] < "2010-01-01").sum()) > 0
    assert window.table["recency"].min() >= 1 and window.table["tenure"].max() <= 31
    buyers = set(inside.loc[~inside["is_return"] & (inside["amount"] > 0), "Customer ID"])
    assert set(window.table.index) == buyers
    # customers seen outside the window, and customers of a customer table who never bought, are reported
    never = [99999001, 99999002]
    with_known = rfm_features(transactions, **COLS, since="2010-01-01", as_of="2010-02-01", customers=never)
    absent = set(lines["Customer ID"]) - buyers
    assert with_known.report["no_purchase"] == len(absent) + 2
    with pytest.raises(SegmentError, match="since .* must be before as_of"):
        rfm_features(transactions, **COLS, since="2010-03-01", as_of="2010-02-01")
    with pytest.raises(SegmentError, match="no customer has a purchase"):
        rfm_features(transactions, **COLS, as_of="2009-11-01")


def test_without_an_invoice_frequency_counts_purchase_days() -> None:
    tx = pd.DataFrame(
        {
            "cust": ["a", "a", "a", "b"],
            "ts": ["2024-01-01 09:00", "2024-01-01 17:00", "2024-01-03", "2024-01-02"],
            "qty": [1, 2, 1, 3],
            "price": [10.0, 10.0, 5.0, 2.0],
        }
    )
    out = rfm_features(tx, customer="cust", date="ts", amount="qty*price").table
    assert out.loc["a", "frequency"] == 2 and out.loc["a", "monetary"] == 35.0
    assert out.loc["a", "recency"] == 1 and out.loc["b", "recency"] == 2  # as of 2024-01-04


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"amount": "Quantity*Cost"}, r"amount 'Quantity\*Cost'.*not found: \['Cost'\]"),
        ({"customer": "client"}, r"column\(s\) \['client'\] not in the transactions table"),
        ({"date": "Description"}, "date column 'Description' must hold dates"),
        ({"amount": "Description"}, "amount column 'Description' must be numeric"),
        ({"as_of": "soon"}, "as_of .* must be a date"),
    ],
)
def test_bad_columns_say_what_to_fix(transactions: pd.DataFrame, change: dict[str, str], words: str) -> None:
    with pytest.raises(SegmentError, match=words):
        rfm_features(transactions.head(500), **{**COLS, **change})  # type: ignore[arg-type]
