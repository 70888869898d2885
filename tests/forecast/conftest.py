"""Real-data fixtures for the forecasting tests (small subsets, read from ../shared/data)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mirae.forecast import ForecastData


@pytest.fixture(scope="session")
def m3_monthly(shared_data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test) of 12 M3 monthly series with their competition horizon (18), monthly dates from 2000."""
    raw = json.loads((shared_data / "m3" / "m3_data.json").read_text())
    ids = sorted(k for k, v in raw.items() if v["period"] == ["MONTHLY"] and v["n"][0] >= 60)[::40][:12]
    train, test = [], []
    for k in ids:
        x, xx = raw[k]["x"], raw[k]["xx"]
        ds = pd.date_range("2000-01-01", periods=len(x) + len(xx), freq="MS")
        train.append(pd.DataFrame({"unique_id": k, "ds": ds[: len(x)], "y": np.asarray(x, float)}))
        test.append(pd.DataFrame({"unique_id": k, "ds": ds[len(x) :], "y": np.asarray(xx, float)}))
    return pd.concat(train, ignore_index=True), pd.concat(test, ignore_index=True)


@pytest.fixture(scope="session")
def walmart(shared_data: Path) -> pd.DataFrame:
    """Walmart store 1, 7 departments, weekly sales with holiday flag and markdowns (promotions)."""
    df = pd.read_csv(shared_data / "walmart_weekly_promos" / "walmart_sales_weekly.csv", parse_dates=["Date"])
    df["promo"] = (
        df[["MarkDown1", "MarkDown2", "MarkDown3", "MarkDown4", "MarkDown5"]].fillna(0).sum(axis=1) > 0
    ).astype(float)
    df["holiday"] = df["IsHoliday"].astype(float)
    df["group"] = np.where(df["Dept"] <= 8, "low", "high")
    return df


@pytest.fixture(scope="session")
def m5_items(shared_data: Path) -> pd.DataFrame:
    """Daily sales of 24 CA_1 items (two departments) over the last 400 days, with weekly sell prices."""
    cols = ["id", "item_id", "dept_id", "cat_id"]
    sales = pd.read_parquet(shared_data / "m5_store_CA_1" / "sales.parquet")
    sales = sales.loc[sales["store_id"] == "CA_1"]
    picked = pd.concat(
        [sales.loc[sales["dept_id"] == d].iloc[::40].head(12) for d in ("FOODS_3", "HOBBIES_1")]
    )
    days = [c for c in sales.columns if c.startswith("d_")][-400:]
    long = picked[cols + days].melt(id_vars=cols, var_name="d", value_name="sales")
    cal = pd.read_parquet(shared_data / "m5_store_CA_1" / "calendar.parquet")[["d", "date", "wm_yr_wk"]]
    long = long.merge(cal, on="d")
    prices = pd.read_parquet(shared_data / "m5_store_CA_1" / "sell_prices.parquet")
    prices = prices.loc[prices["store_id"] == "CA_1", ["item_id", "wm_yr_wk", "sell_price"]]
    long = long.merge(prices, on=["item_id", "wm_yr_wk"], how="left")
    long["date"] = pd.to_datetime(long["date"])
    return long.drop(columns=["d"]).sort_values(["id", "date"]).reset_index(drop=True)


@pytest.fixture(scope="session")
def m5_priced(m5_items: pd.DataFrame) -> Callable[[int], ForecastData]:
    """The M5 items as forecast input, given how many of the last days' sales to hide (prices known ahead)."""

    def make(hidden_days: int) -> ForecastData:
        frame = m5_items.dropna(subset=["sell_price"]).copy()
        frame.loc[frame["date"] > frame["date"].max() - pd.Timedelta(days=hidden_days), "sales"] = np.nan
        return ForecastData.from_frame(
            frame,
            id_col="id",
            time_col="date",
            target_col="sales",
            hierarchy=["cat_id", "dept_id"],
            exog=["sell_price"],
        )

    return make


@pytest.fixture(scope="session")
def airline(shared_data: Path) -> pd.DataFrame:
    """Monthly airline passengers 1949-1960 as one series."""
    df = pd.read_csv(shared_data / "classic_univariate" / "Airline.csv")
    return pd.DataFrame(
        {"unique_id": "airline", "ds": pd.to_datetime(df["Date"]), "y": df["Passengers"].astype(float)}
    )


@pytest.fixture(scope="session")
def retail_sample() -> pd.DataFrame:
    """The bundled weekly UCI Online Retail II sample: 24 products, ~2 years, with average prices."""
    from mirae.service._demo import sample_path

    return pd.read_csv(sample_path("retail_weekly.csv"), dtype={"stock_code": "str"}, parse_dates=["week"])
