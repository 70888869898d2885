"""M5 store CA_1: mirae's default against seasonal naive, bottom-up ETS and an mlforecast LightGBM.

The last 28 days are held out. Scores: WRMSSE over the store's hierarchy
levels (total, category, department, item; dollar weights from the last 28
days of history) and the mean bottom-level RMSSE. Every contender sees the
same history, sell prices (known ahead, as in the competition) and SNAP days.
Wall time per contender; all in one run on the same cores.

Usage::

    .venv/bin/python benchmarks/forecast_m5.py --n-jobs 2               # all 3049 items
    .venv/bin/python benchmarks/forecast_m5.py --sample 300 --n-jobs 2  # quick
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, machine, save  # noqa: E402

H = 28


def load(sample: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long daily frame (id, date, sales, cat_id, dept_id, sell_price, snap_CA) and the events table."""
    root = SHARED_DATA / "m5_store_CA_1"
    sales = pd.read_parquet(root / "sales.parquet")
    sales = sales.loc[sales["store_id"] == "CA_1"].sort_values("id")
    if sample:
        sales = sales.iloc[:: max(1, len(sales) // sample)].head(sample)
    days = [c for c in sales.columns if c.startswith("d_")]
    long = sales[["id", "item_id", "cat_id", "dept_id", *days]].melt(
        id_vars=["id", "item_id", "cat_id", "dept_id"], var_name="d", value_name="sales"
    )
    cal = pd.read_parquet(root / "calendar.parquet")
    long = long.merge(cal[["d", "date", "wm_yr_wk", "snap_CA"]], on="d")
    prices = pd.read_parquet(root / "sell_prices.parquet")
    prices = prices.loc[prices["store_id"] == "CA_1", ["item_id", "wm_yr_wk", "sell_price"]]
    long = long.merge(prices, on=["item_id", "wm_yr_wk"], how="left")
    long["date"] = pd.to_datetime(long["date"])
    # an item's history starts when it is first sold (price known), as in the competition
    long = long.loc[long["sell_price"].notna()]
    long["sales"] = long["sales"].astype(float)
    long["snap_CA"] = long["snap_CA"].astype(float)
    long = long.drop(columns=["d", "wm_yr_wk", "item_id"]).sort_values(["id", "date"]).reset_index(drop=True)
    ev = cal.loc[cal["event_name_1"].notna(), ["date", "event_name_1"]].rename(
        columns={"event_name_1": "event"}
    )
    ev["date"] = pd.to_datetime(ev["date"])
    return long, ev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="items (default: all 3049)")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument(
        "--contenders",
        default="seasonal_naive,bottom_up_ets,mlforecast_lgbm,mirae",
        help="comma-separated subset to run",
    )
    args = parser.parse_args()
    wanted = set(args.contenders.split(","))

    from mirae.forecast import AutoForecaster, ForecastData, rmsse, wrmsse

    long, events = load(args.sample)
    last = long["date"].max()
    cut = last - pd.Timedelta(days=H)
    train, test = long.loc[long["date"] <= cut], long.loc[long["date"] > cut]
    canon = {"id": "unique_id", "date": "ds", "sales": "y"}
    train_c, test_c = train.rename(columns=canon), test.rename(columns=canon)
    statics = train_c.groupby("unique_id")[["cat_id", "dept_id"]].first()
    price = pd.concat([train_c, test_c])[["unique_id", "ds", "sell_price"]].rename(
        columns={"sell_price": "price"}
    )
    forecasts: dict[str, pd.DataFrame] = {}
    times: dict[str, float] = {}

    # warm up numba (statsforecast) on a tiny frame before timing
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, SeasonalNaive

    tiny = train_c.loc[train_c["unique_id"] == train_c["unique_id"].iloc[0]].tail(120)[
        ["unique_id", "ds", "y"]
    ]
    StatsForecast(models=[AutoETS(season_length=7), SeasonalNaive(season_length=7)], freq="D").forecast(
        df=tiny, h=3
    )

    def timed_run(name: str, make: Callable[[], pd.DataFrame]) -> None:
        if name not in wanted:
            return
        start = time.perf_counter()
        forecasts[name] = make()
        times[name] = time.perf_counter() - start
        print(f"{name}: {times[name]:.1f} s", flush=True)  # noqa: T201

    series = train_c[["unique_id", "ds", "y"]]
    timed_run(
        "seasonal_naive",
        lambda: StatsForecast(
            models=[SeasonalNaive(season_length=7, alias="fc")], freq="D", n_jobs=args.n_jobs
        ).forecast(df=series, h=H),
    )
    timed_run(
        "bottom_up_ets",
        lambda: StatsForecast(
            models=[AutoETS(season_length=7, alias="fc")], freq="D", n_jobs=args.n_jobs
        ).forecast(df=series, h=H),
    )
    timed_run("mlforecast_lgbm", lambda: mlforecast_lgbm(train_c, test_c, args.n_jobs))
    fitted: dict[str, AutoForecaster] = {}

    def run_mirae() -> pd.DataFrame:
        data = ForecastData.from_frame(
            train,
            id_col="id",
            time_col="date",
            target_col="sales",
            hierarchy=["cat_id", "dept_id"],
            exog=["sell_price", "snap_CA"],
            future=test.drop(columns=["sales"]),
        )
        fitted["auto"] = AutoForecaster(h=H, n_jobs=args.n_jobs, country="US", events=events).fit(data)
        return fitted["auto"].predict(H).rename(columns={"id": "unique_id", "date": "ds"})

    timed_run("mirae", run_mirae)

    hist = {k: g.to_numpy() for k, g in train_c.groupby("unique_id")["y"]}
    rows, results = [], {}
    scored = dict(forecasts)
    if "mirae" in forecasts:
        # mirae's own candidates, for the record (not separately timed)
        for alias in ("ETS", "GlobalBoost", "Combination", "SeasonalIndex"):
            if alias in forecasts["mirae"].columns:
                scored[f"mirae {alias}"] = forecasts["mirae"].assign(fc=forecasts["mirae"][alias].fillna(0.0))
        scored["mirae"] = forecasts["mirae"].assign(fc=forecasts["mirae"]["forecast"])
    for name, fc in scored.items():
        fc = fc.assign(unique_id=fc["unique_id"].astype(str))
        w = wrmsse(test_c[["unique_id", "ds", "y"]], fc, train_c, model="fc", statics=statics, price=price)
        res = test_c.merge(fc[["unique_id", "ds", "fc"]], on=["unique_id", "ds"], how="left")
        r = np.nanmean([rmsse(g["y"], g["fc"], hist[k]) for k, g in res.groupby("unique_id")])
        seconds = times.get(name)
        results[name] = {"wrmsse": w, "rmsse_bottom": float(r), "seconds": seconds}
        rows.append(f"| {name} | {w:.4f} | {r:.4f} | {'' if seconds is None else f'{seconds:.1f}'} |")
    auto = fitted.get("auto")
    if auto is not None:
        results["mirae_group_choice"] = auto.group_choice_.to_dict("records")
        results["mirae_backtest_leaderboard"] = auto.leaderboard_[["model", "rmsse", "mase", "wins"]].to_dict(
            "records"
        )
    table = "| model | WRMSSE | RMSSE (items) | seconds |\n|---|---|---|---|\n" + "\n".join(rows)
    n = train_c["unique_id"].nunique()
    print(f"M5 CA_1, {n} items, h={H}, n_jobs={args.n_jobs}\n\n{table}")  # noqa: T201
    if auto is not None:
        print(auto.leaderboard_.to_string())  # noqa: T201
        print(auto.group_choice_.to_string())  # noqa: T201
    name = "forecast_m5" if args.sample is None else f"forecast_m5_sample{args.sample}"
    print(save(name, {"machine": machine(), "args": vars(args), "items": n, "results": results}))  # noqa: T201


def mlforecast_lgbm(train: pd.DataFrame, test: pd.DataFrame, n_jobs: int) -> pd.DataFrame:
    """A LightGBM global model built with mlforecast (M5-tutorial style features), recursive."""
    import lightgbm as lgb
    from mlforecast import MLForecast
    from mlforecast.lag_transforms import RollingMean

    cols = ["unique_id", "ds", "y", "sell_price", "snap_CA"]
    mlf = MLForecast(
        models={
            "fc": lgb.LGBMRegressor(
                n_estimators=300,
                learning_rate=0.05,
                num_leaves=63,
                objective="tweedie",
                n_jobs=n_jobs,
                random_state=0,
                verbose=-1,
            )
        },
        freq="D",
        lags=[1, 2, 3, 7, 14, 21, 28],
        lag_transforms={1: [RollingMean(7), RollingMean(28)], 7: [RollingMean(7), RollingMean(28)]},
        date_features=["dayofweek", "day", "month"],
    )
    recent = train.loc[train["ds"] > train["ds"].max() - pd.Timedelta(days=730 + 60)]
    mlf.fit(recent[cols], static_features=[])
    return mlf.predict(H, X_df=test[["unique_id", "ds", "sell_price", "snap_CA"]])


if __name__ == "__main__":
    main()
