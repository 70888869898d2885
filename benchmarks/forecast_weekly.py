"""A weekly hierarchy of the size an analyst forecasts every Monday: mirae's default against statsforecast.

Data: the 17 best-selling items of M5 store CA_1 (the top 3 of each department),
summed to weeks (Sunday to Saturday), with their department and category as a
3-level hierarchy (17 items + 6 departments + 3 categories + total = 27
series, 273 weeks); the last 8 weeks are held out.

Contenders, same process, same cores:

- ``mirae default``: ``forecast_table`` as ``mirae forecast --hierarchy
  cat_id/dept_id/item_id --fill zero --h 8`` runs it (backtests, selection,
  MinT reconciliation, all cores);
- ``mirae, seasonal ARIMA`` (``--previous-default``): the same with the
  seasonal ARIMA search at season 52 that the default ran before (slow: the
  reason it changed);
- ``statsforecast AutoETS + AutoTheta``: both at season 52 on the 17 items,
  ``n_jobs=-1``, their mean as the forecast (what statsforecast's docs suggest
  as a strong, cheap baseline ensemble).

Accuracy is on the 17 items (MASE with the 52-week seasonal scale, sMAPE),
time is wall seconds of fit + forecast.

Usage::

    .venv/bin/python benchmarks/forecast_weekly.py
    .venv/bin/python benchmarks/forecast_weekly.py --previous-default   # + the old default (~20 min)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, machine, save  # noqa: E402

H = 8
SEASON = 52


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(history with hierarchy columns, held-out last H weeks) of the 17 items."""
    root = SHARED_DATA / "m5_store_CA_1"
    sales = pd.read_parquet(root / "sales.parquet")
    calendar = pd.read_parquet(root / "calendar.parquet")
    days = [c for c in sales.columns if c.startswith("d_")]
    sales["total"] = sales[days].sum(axis=1)
    pick = sales.sort_values("total", ascending=False).groupby("dept_id").head(3).head(17)
    long = pick.melt(
        id_vars=["item_id", "dept_id", "cat_id"], value_vars=days, var_name="d", value_name="units"
    )
    long = long.merge(calendar[["d", "date"]], on="d")
    long["week"] = pd.to_datetime(long["date"]).dt.to_period("W-SAT").dt.start_time
    weekly = long.groupby(["cat_id", "dept_id", "item_id", "week"], as_index=False)["units"].sum()
    weeks = np.sort(weekly["week"].unique())
    weekly = weekly[(weekly["week"] > weeks[0]) & (weekly["week"] < weeks[-1])]  # whole weeks only
    cut = np.sort(weekly["week"].unique())[-H]
    return weekly[weekly["week"] < cut].reset_index(drop=True), weekly[weekly["week"] >= cut].reset_index(
        drop=True
    )


def scores(train: pd.DataFrame, test: pd.DataFrame, forecast: pd.DataFrame) -> dict[str, float]:
    """Mean MASE (seasonal-naive scale) and sMAPE over the items."""
    merged = test.merge(forecast, on=["item_id", "week"], how="left")
    mases, smapes = [], []
    for item, rows in merged.groupby("item_id"):
        y, f = rows["units"].to_numpy(float), rows["yhat"].to_numpy(float)
        hist = train.loc[train["item_id"] == item, "units"].to_numpy(float)
        scale = np.mean(np.abs(hist[SEASON:] - hist[:-SEASON]))
        mases.append(np.mean(np.abs(y - f)) / scale)
        smapes.append(100 * np.mean(2 * np.abs(y - f) / np.maximum(np.abs(y) + np.abs(f), 1e-9)))
    return {"mase": float(np.mean(mases)), "smape": float(np.mean(smapes))}


def run_mirae(train: pd.DataFrame, previous_default: bool) -> pd.DataFrame:
    import mirae.forecast._statistical as statistical
    from mirae import Workspace
    from mirae.service import forecast_table

    if previous_default:
        statistical.MAX_ARIMA_SEASON = SEASON  # the seasonal ARIMA search at season 52
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ws = Workspace(Path(tmp) / "ws")
            ws.write("weekly", train)
            forecast_table(
                ws, "weekly", id="item_id", time="week", target="units", h=H, into="f",
                hierarchy="cat_id/dept_id/item_id", fill="zero", holidays="none", track=False,
            )  # fmt: skip
            out = ws.to_pandas("f")
    finally:
        statistical.MAX_ARIMA_SEASON = 24
    items = out[out["item_id"].isin(train["item_id"].unique())] if "item_id" in out else out
    return items.rename(columns={"forecast": "yhat"})[["item_id", "week", "yhat"]].assign(
        week=lambda f: pd.to_datetime(f["week"])
    )


def run_statsforecast(train: pd.DataFrame) -> pd.DataFrame:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta

    frame = train.rename(columns={"item_id": "unique_id", "week": "ds", "units": "y"})[
        ["unique_id", "ds", "y"]
    ]
    sf = StatsForecast(
        models=[AutoETS(season_length=SEASON), AutoTheta(season_length=SEASON)], freq="W-SUN", n_jobs=-1
    )
    out = sf.forecast(df=frame, h=H)
    out["yhat"] = out[["AutoETS", "AutoTheta"]].mean(axis=1)
    return out.rename(columns={"unique_id": "item_id", "ds": "week"})[["item_id", "week", "yhat"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--previous-default", action="store_true", help="also time the seasonal-ARIMA default"
    )
    args = parser.parse_args()
    train, test = load()
    print(f"{train['item_id'].nunique()} items, {train['week'].nunique()} weeks of history, h={H}")
    rows = []
    contenders = [
        ("mirae default", lambda: run_mirae(train, False)),
        ("statsforecast AutoETS + AutoTheta", lambda: run_statsforecast(train)),
    ]
    if args.previous_default:
        contenders.insert(1, ("mirae, seasonal ARIMA (previous default)", lambda: run_mirae(train, True)))
    run_statsforecast(train.groupby("item_id").head(SEASON * 2 + 10))  # numba warm-up, not timed
    for name, run in contenders:
        start = time.perf_counter()
        forecast = run()
        seconds = time.perf_counter() - start
        row = {"contender": name, "seconds": round(seconds, 1), **scores(train, test, forecast)}
        rows.append(row)
        print(row)
    base = rows[0]["seconds"]
    for row in rows:
        row["time_vs_mirae"] = round(row["seconds"] / base, 2)
    save("forecast_weekly", {"machine": machine(), "rows": rows})


if __name__ == "__main__":
    main()
