"""RFM features from a transactions table: recency, frequency, monetary, tenure, average basket.

One row per customer, computed as of a date (default: the day after the last
transaction). Nothing is dropped without saying so: rows without a customer,
rows after the as-of date, returns (negative amounts, or invoices starting
with ``C`` as in Online Retail II) and customers with no purchase in the
window are counted in :attr:`RFMFeatures.report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mirae.core._choices import check_choice
from mirae.errors import SegmentError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RETURN_HANDLING", "RFM_COLUMNS", "RFMFeatures", "rfm_features"]

#: The feature columns :func:`rfm_features` writes, in order.
RFM_COLUMNS: tuple[str, ...] = ("recency", "frequency", "monetary", "tenure", "avg_basket")
ReturnHandling = Literal["net", "drop", "error"]
#: How returns (negative amounts) are handled.
RETURN_HANDLING: tuple[str, ...] = ("net", "drop", "error")
#: Customers listed by name in the report (the counts are always complete).
_EXAMPLES = 5


@dataclass
class RFMFeatures:
    """The RFM table of a set of transactions and what was done to get it.

    Attributes
    ----------
    table : DataFrame
        One row per customer with a purchase in the window, indexed by the
        customer column: ``recency`` (days from the last purchase to the as-of
        date), ``frequency`` (distinct purchase invoices, or purchase days
        without an invoice column), ``monetary`` (sum of amounts, returns
        subtracted with ``returns='net'``, floored at 0), ``tenure`` (days from the first
        purchase) and ``avg_basket`` (monetary / frequency).
    as_of : Timestamp
        The date recency and tenure count to (exclusive end of the window).
    report : dict
        Counts: ``transactions`` used, ``missing_customer`` rows, ``after_as_of``
        and ``before_since`` rows left out, ``returns`` rows and their
        ``returns_value``, how they were handled, ``no_purchase`` customers
        (seen in the table or in ``customers`` but without a purchase in the
        window; left out of ``table``) with examples, ``net_negative``
        customers whose returns exceed their purchases in the window (their
        monetary is set to 0).
    """

    table: pd.DataFrame
    as_of: Any
    report: dict[str, Any] = field(default_factory=dict)

    def notes(self) -> list[tuple[str, dict[str, Any]]]:
        """What was dropped or handled, as catalogue keys with parameters (see :mod:`mirae.core._i18n`)."""
        r = self.report
        out: list[tuple[str, dict[str, Any]]] = []
        if r.get("missing_customer"):
            out.append(("seg_note_missing_customer", {"rows": r["missing_customer"]}))
        if r.get("after_as_of"):
            out.append(("seg_note_after_as_of", {"rows": r["after_as_of"], "as_of": r["as_of"]}))
        if r.get("before_since"):
            out.append(("seg_note_before_since", {"rows": r["before_since"], "since": r["since"]}))
        if r.get("returns"):
            key = "seg_note_returns_net" if r["returns_handling"] == "net" else "seg_note_returns_drop"
            out.append((key, {"rows": r["returns"], "value": round(float(r["returns_value"]), 2)}))
        if r.get("no_purchase"):
            examples = ", ".join(str(c) for c in r["no_purchase_examples"])
            out.append(("seg_note_no_purchase", {"customers": r["no_purchase"], "examples": examples}))
        if r.get("net_negative"):
            out.append(("seg_note_net_negative", {"customers": r["net_negative"]}))
        return out


def _amounts(frame: pd.DataFrame, amount: str) -> pd.Series:
    """The amount column, or the product of two columns written ``quantity*price``."""
    import pandas as pd

    parts = [p.strip() for p in amount.split("*")]
    missing = [p for p in parts if p not in frame.columns]
    if missing or not all(parts) or len(parts) > 2:
        msg = (
            f"amount {amount!r}: expected a column of the table, or two columns multiplied "
            f"(e.g. Quantity*Price); not found: {missing or parts}. Columns: {', '.join(map(str, frame.columns))}."
        )
        raise SegmentError(msg)
    values = []
    for part in parts:
        column = frame[part]
        numbers = pd.to_numeric(column, errors="coerce")
        bad = int((numbers.isna() & column.notna()).sum())
        if bad:
            first = column[numbers.isna() & column.notna()].iloc[0]
            msg = f"amount column {part!r} must be numeric; got {first!r} in {bad:,} rows. Clean the column first."
            raise SegmentError(msg)
        values.append(numbers.astype(float))
    result = values[0] if len(values) == 1 else values[0] * values[1]
    return result.rename("amount")


def _dates(column: pd.Series, name: str) -> pd.Series:
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.tz_localize(None) if getattr(column.dt, "tz", None) is not None else column
    parsed = pd.to_datetime(column, errors="coerce", format="mixed")
    bad = int((parsed.isna() & column.notna()).sum())
    if bad:
        first = column[parsed.isna() & column.notna()].iloc[0]
        msg = f"date column {name!r} must hold dates; {bad:,} values are not dates (first: {first!r})."
        raise SegmentError(msg)
    return parsed


def _as_timestamp(value: Any, what: str) -> Any:
    import pandas as pd

    if value is None:
        return None
    try:
        return pd.Timestamp(value).tz_localize(None) if pd.Timestamp(value).tz else pd.Timestamp(value)
    except (ValueError, TypeError):
        msg = f"{what} must be a date such as 2011-12-01; got {value!r}."
        raise SegmentError(msg) from None


def rfm_features(
    transactions: pd.DataFrame,
    *,
    customer: str,
    date: str,
    amount: str,
    invoice: str | None = None,
    as_of: Any = None,
    since: Any = None,
    returns: ReturnHandling = "net",
    customers: Any = None,
) -> RFMFeatures:
    """One row of RFM features per customer, as of a date.

    Parameters
    ----------
    transactions : DataFrame
        One row per transaction line.
    customer, date : str
        The customer id and transaction date columns.
    amount : str
        The amount column, or ``"Quantity*Price"`` for the product of two columns.
    invoice : str, optional
        Invoice id column: frequency counts distinct invoices (without it,
        distinct purchase days). Invoices starting with ``C`` are returns.
    as_of : date, optional
        The end of the window (exclusive) that recency and tenure count to, in
        whole days from the purchase's calendar day;
        default: the day after the last transaction. Later rows are left out.
    since : date, optional
        The start of the window (inclusive); default: every earlier row.
    returns : {'net', 'drop', 'error'}
        Negative amounts (returns, cancellations): subtracted from monetary
        (``net``; they never count as a purchase), ignored (``drop``), or
        refused (``error``).
    customers : sequence, optional
        Every known customer (from a customer table): those without a purchase
        in the window are counted and named in the report.

    Returns
    -------
    RFMFeatures

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"cust": ["a", "a", "b"], "day": ["2024-01-01", "2024-01-10", "2024-01-05"],
    ...                    "amount": [10.0, 30.0, 5.0]})
    >>> rfm_features(tx, customer="cust", date="day", amount="amount").table.reset_index()
      cust  recency  frequency  monetary  tenure  avg_basket
    0    a      1.0        2.0      40.0    10.0        20.0
    1    b      6.0        1.0       5.0     6.0         5.0
    """
    import pandas as pd

    check_choice(returns, RETURN_HANDLING, what="returns (--returns)")
    wanted = [c for c in (customer, date, invoice) if c]
    missing = [c for c in wanted if c not in transactions.columns]
    if missing:
        msg = f"column(s) {missing} not in the transactions table; columns: {', '.join(map(str, transactions.columns))}."
        raise SegmentError(msg)
    frame = pd.DataFrame(
        {
            "customer": transactions[customer],
            "date": _dates(transactions[date], date),
            "amount": _amounts(transactions, amount),
        }
    )
    if invoice:
        frame["invoice"] = transactions[invoice].astype("string")
    report: dict[str, Any] = {"rows": len(frame), "returns_handling": returns}
    no_customer = frame["customer"].isna() | frame["date"].isna()
    report["missing_customer"] = int(no_customer.sum())
    frame = frame.loc[~no_customer]
    ids = frame["customer"]
    if pd.api.types.is_float_dtype(ids) and (ids % 1 == 0).all():  # ids read as 13085.0 beside blanks
        frame["customer"] = ids.astype("int64")
    if frame.empty:
        msg = f"no transactions with a customer ({customer!r}) and a date ({date!r}); nothing to segment."
        raise SegmentError(msg)
    last = frame["date"].max()
    end = _as_timestamp(as_of, "as_of (--as-of)")
    end = (last.normalize() + pd.Timedelta(days=1)) if end is None else end
    start = _as_timestamp(since, "since (--since)")
    if start is not None and start >= end:
        msg = f"since ({start.date()}) must be before as_of ({end.date()})."
        raise SegmentError(msg)
    seen = pd.Index(frame["customer"].unique())
    after = frame["date"] >= end
    before = frame["date"] < start if start is not None else pd.Series(False, index=frame.index)
    report.update(as_of=str(end.date()), since=None if start is None else str(start.date()))
    report.update(after_as_of=int(after.sum()), before_since=int(before.sum()))
    frame = frame.loc[~after & ~before]
    is_return = frame["amount"] < 0
    if invoice:
        is_return |= frame["invoice"].str.upper().str.startswith("C").fillna(False)
    report["returns"] = int(is_return.sum())
    report["returns_value"] = float(frame.loc[is_return, "amount"].abs().sum())
    if report["returns"] and returns == "error":
        example = frame.loc[is_return].iloc[0]
        msg = (
            f"{report['returns']:,} transaction rows are returns (negative amount"
            + (" or an invoice starting with 'C'" if invoice else "")
            + f"; first: customer {example['customer']!r} on {example['date'].date()}, amount {example['amount']:g}). "
            "Pass returns='net' (--returns net) to subtract them from monetary, or 'drop' to ignore them."
        )
        raise SegmentError(msg)
    purchases = frame.loc[~is_return & (frame["amount"] > 0)]
    grouped = purchases.groupby("customer", sort=True)
    if invoice:
        frequency = grouped["invoice"].nunique()
    else:
        frequency = grouped["date"].agg(lambda d: d.dt.normalize().nunique())
    monetary = grouped["amount"].sum()
    if returns == "net" and report["returns"]:
        refunds = frame.loc[is_return].groupby("customer")["amount"].apply(lambda a: -a.abs().sum())
        monetary = monetary.add(refunds.reindex(monetary.index).fillna(0.0))
    day = pd.Timedelta(days=1)
    table = pd.DataFrame(
        {
            "recency": (end - grouped["date"].max().dt.normalize()) / day,
            "frequency": frequency.astype(float),
            "monetary": monetary.astype(float),
            "tenure": (end - grouped["date"].min().dt.normalize()) / day,
        }
    )
    # returns of purchases made before the window can outweigh the purchases in it: such a
    # customer is worth nothing in the window, not less than nothing (counted in the report)
    negative = table["monetary"] < 0
    table.loc[negative, "monetary"] = 0.0
    table["avg_basket"] = table["monetary"] / table["frequency"]
    table.index.name = customer
    table = table.round(6)
    known = seen if customers is None else seen.union(pd.Index(list(customers)))
    absent = known.difference(table.index)
    report["no_purchase"] = len(absent)
    report["no_purchase_examples"] = [_plain(c) for c in list(absent[:_EXAMPLES])]
    report["net_negative"] = int(negative.sum())
    report["customers"] = len(table)
    report["transactions"] = len(frame) if returns == "net" else len(purchases)
    if table.empty:
        msg = f"no customer has a purchase between {report['since'] or 'the first row'} and {report['as_of']}; check as_of/since."
        raise SegmentError(msg)
    return RFMFeatures(table=table, as_of=end, report=report)


def _plain(value: Any) -> Any:
    """A customer id as plain JSON data (numpy scalars unwrapped; 13085.0 shown as 13085)."""
    item = value.item() if hasattr(value, "item") else value
    if isinstance(item, float) and item.is_integer():
        return int(item)
    return item
