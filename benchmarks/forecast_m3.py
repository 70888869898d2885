"""M3 and Tourism: mirae's default AutoForecaster against statsforecast's ETS, ARIMA, Theta and their mean.

Competition horizons (M3: yearly 6, quarterly 8, monthly 18, other 8; Tourism:
yearly 4, quarterly 8, monthly 24). The data has no start dates, so series get
synthetic ones (monthly from 1990, quarterly from 1980, yearly and "other"
from 1900 on a yearly grid: "other" has no seasonality, like yearly).
sMAPE (%) and MASE (seasonal in-sample scale) are averaged over series; wall
time covers fit + forecast of every series (mirae: also its backtest, the
seasonal-index method and the data checks). Peer and mirae run in the same
process on the same cores, after a numba warm-up; with ``--repeat`` they
run in turn (the order alternating) and the median of the paired time
ratios is reported, which holds when the machine's speed drifts.

Usage::

    .venv/bin/python benchmarks/forecast_m3.py --sample 100 --repeat 3   # quick
    .venv/bin/python benchmarks/forecast_m3.py --n-jobs 2                # every series
    .venv/bin/python benchmarks/forecast_m3.py --groups m3_monthly,tourism_monthly \
        --peers pair --n-jobs -1   # mirae's default against AutoETS + AutoTheta only
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, machine, save  # noqa: E402

#: name -> (file, period, horizon, freq code, season length)
GROUPS = {
    "m3_yearly": ("m3/m3_data.json", "YEARLY", 6, "Y", 1),
    "m3_quarterly": ("m3/m3_data.json", "QUARTERLY", 8, "Q", 4),
    "m3_monthly": ("m3/m3_data.json", "MONTHLY", 18, "M", 12),
    "m3_other": ("m3/m3_data.json", "OTHER", 8, "Y", 1),
    "tourism_yearly": ("tourism_competition/tcomp_data.json", "YEARLY", 4, "Y", 1),
    "tourism_quarterly": ("tourism_competition/tcomp_data.json", "QUARTERLY", 8, "Q", 4),
    "tourism_monthly": ("tourism_competition/tcomp_data.json", "MONTHLY", 24, "M", 12),
}
_START = {"Y": ("1900-01-01", "YS"), "Q": ("1980-01-01", "QS"), "M": ("1990-01-01", "MS")}


def load(group: str, sample: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test) long frames of one group, ``sample`` evenly spaced series when given."""
    file, period, _, code, _ = GROUPS[group]
    raw = json.loads((SHARED_DATA / file).read_text())
    ids = sorted(k for k, v in raw.items() if v["period"] == [period])
    if sample:
        ids = ids[:: max(1, len(ids) // sample)][:sample]
    start, offset = _START[code]
    train, test = [], []
    for k in ids:
        x, xx = np.asarray(raw[k]["x"], float), np.asarray(raw[k]["xx"], float)
        ds = pd.date_range(start, periods=len(x) + len(xx), freq=offset)
        train.append(pd.DataFrame({"unique_id": k, "ds": ds[: len(x)], "y": x}))
        test.append(pd.DataFrame({"unique_id": k, "ds": ds[len(x) :], "y": xx}))
    return pd.concat(train, ignore_index=True), pd.concat(test, ignore_index=True)


def score(
    train: pd.DataFrame, test: pd.DataFrame, fc: pd.DataFrame, col: str, season: int
) -> dict[str, float]:
    """Mean sMAPE and MASE over series."""
    from mirae.forecast import mase, smape

    res = test.merge(fc[["unique_id", "ds", col]], on=["unique_id", "ds"], how="left")
    hist = {k: g.to_numpy() for k, g in train.groupby("unique_id")["y"]}
    s = [smape(g["y"], g[col]) for _, g in res.groupby("unique_id")]
    m = [mase(g["y"], g[col], hist[k], season) for k, g in res.groupby("unique_id")]
    return {"smape": float(np.mean(s)), "mase": float(np.nanmean(m))}


def run_peer(train: pd.DataFrame, h: int, code: str, season: int, n_jobs: int) -> tuple[float, pd.DataFrame]:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta

    sf = StatsForecast(
        models=[
            AutoETS(season_length=season, alias="AutoETS"),
            AutoARIMA(season_length=season, alias="AutoARIMA"),
            AutoTheta(season_length=season, alias="AutoTheta"),
        ],
        freq=_START[code][1],
        n_jobs=n_jobs,
    )
    start = time.perf_counter()
    fc = sf.forecast(df=train, h=h)
    fc["Ensemble"] = fc[["AutoETS", "AutoARIMA", "AutoTheta"]].mean(axis=1)
    return time.perf_counter() - start, fc


def run_pair(train: pd.DataFrame, h: int, code: str, season: int, n_jobs: int) -> tuple[float, pd.DataFrame]:
    """The lighter peer the forecasting issue names: the mean of AutoETS and AutoTheta alone."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta

    sf = StatsForecast(
        models=[
            AutoETS(season_length=season, alias="AutoETS"),
            AutoTheta(season_length=season, alias="AutoTheta"),
        ],
        freq=_START[code][1],
        n_jobs=n_jobs,
    )
    start = time.perf_counter()
    fc = sf.forecast(df=train, h=h)
    fc["Pair"] = fc[["AutoETS", "AutoTheta"]].mean(axis=1)
    return time.perf_counter() - start, fc


def run_mirae(train: pd.DataFrame, h: int, n_jobs: int) -> tuple[float, pd.DataFrame, object]:
    from mirae.forecast import AutoForecaster

    start = time.perf_counter()
    auto = AutoForecaster(h=h, n_jobs=n_jobs).fit(train)
    fc = auto.predict(h)
    return time.perf_counter() - start, fc, auto


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (the worker pools of both sides).

    On a machine shared with other work the wall time of each side depends on
    what else runs; the CPU each side spends much less so.
    """
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def warm_up() -> None:
    """Compile statsforecast's numba code before anything is timed."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoCES, AutoETS, AutoTheta, SeasonalNaive

    y = 10 + np.sin(np.arange(48) * np.pi / 6) + np.arange(48) * 0.1
    df = pd.DataFrame({"unique_id": "w", "ds": pd.date_range("2000-01-01", periods=48, freq="MS"), "y": y})
    models = [AutoETS(season_length=12), AutoARIMA(season_length=12), AutoTheta(season_length=12)]
    models += [AutoCES(season_length=12), SeasonalNaive(season_length=12)]
    StatsForecast(models=models, freq="MS").forecast(df=df, h=3)
    StatsForecast(models=models, freq="MS").cross_validation(df=df, h=3, n_windows=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="series per group (default: all)")
    parser.add_argument("--groups", default=",".join(GROUPS), help="comma-separated groups")
    parser.add_argument("--n-jobs", type=int, default=1, help="processes for both sides")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="paired runs per group (order alternates; median ratio reported)",
    )
    parser.add_argument(
        "--peers",
        choices=("all", "pair"),
        default="all",
        help="'pair': only the AutoETS + AutoTheta peer (the three-model ensemble's full ARIMA search "
        "takes ~20 minutes on all M3 monthly series)",
    )
    args = parser.parse_args()
    warm_up()
    rows, details = [], {}
    for group in args.groups.split(","):
        _, _, h, code, season = GROUPS[group]
        train, test = load(group, args.sample)
        peer_times, mirae_times, pair_times = [], [], []
        cpu: dict[str, list[float]] = {"peer": [], "pair": [], "mirae": []}
        for rep in range(args.repeat):
            order = ("peer", "pair", "mirae") if rep % 2 == 0 else ("mirae", "pair", "peer")
            for who in order:
                if who == "peer" and args.peers == "pair":
                    continue
                cpu_start = cpu_seconds()
                if who == "peer":
                    t, peer_fc = run_peer(train, h, code, season, args.n_jobs)
                    peer_times.append(t)
                elif who == "pair":
                    t, pair_fc = run_pair(train, h, code, season, args.n_jobs)
                    pair_times.append(t)
                else:
                    t, mirae_fc, auto = run_mirae(train, h, args.n_jobs)
                    mirae_times.append(t)
                cpu[who].append(cpu_seconds() - cpu_start)
        mirae_time = float(np.median(mirae_times))
        peer_time = float(np.median(peer_times)) if peer_times else float("nan")
        ratio = (
            float(np.median(np.asarray(mirae_times) / np.asarray(peer_times))) if peer_times else float("nan")
        )
        pair_ratio = float(np.median(np.asarray(mirae_times) / np.asarray(pair_times)))
        n = train["unique_id"].nunique()
        result = {
            "series": n,
            "h": h,
            "peer_seconds": peer_times,
            "mirae_seconds": mirae_times,
            "time_ratio": ratio,
            "pair_seconds": pair_times,
            "time_ratio_pair": pair_ratio,
            "cpu_seconds": cpu,
            "cpu_ratio_pair": float(np.median(np.asarray(cpu["mirae"]) / np.asarray(cpu["pair"]))),
        }
        scored = [("Pair", pair_fc, "Pair"), ("mirae", mirae_fc, "forecast")]
        if peer_times:
            scored += [(name, peer_fc, name) for name in ("AutoETS", "AutoARIMA", "AutoTheta", "Ensemble")]
        for name, fc, col in scored:
            result[name] = score(train, test, fc, col, season)
        missing = {"smape": float("nan"), "mase": float("nan")}
        for name in ("AutoETS", "AutoARIMA", "AutoTheta", "Ensemble"):
            result.setdefault(name, missing)
        board = auto.leaderboard_  # type: ignore[attr-defined]
        result["mirae_backtest_leaderboard"] = board[["model", "mase", "smape", "wins"]].to_dict("records")
        result["mirae_group_choice"] = auto.group_choice_.to_dict("records")  # type: ignore[attr-defined]
        result["mirae_notes"] = list(auto.notes_)  # type: ignore[attr-defined]
        details[group] = result
        rows.append(
            f"| {group} | {n} | {h} | {result['Ensemble']['smape']:.2f} | {result['mirae']['smape']:.2f} | "
            f"{result['Ensemble']['mase']:.3f} | {result['mirae']['mase']:.3f} | "
            f"{result['AutoETS']['smape']:.2f} / {result['AutoARIMA']['smape']:.2f} / {result['AutoTheta']['smape']:.2f} | "
            f"{peer_time:.1f} | {mirae_time:.1f} | {ratio:.2f} | "
            f"{result['Pair']['smape']:.2f} | {result['Pair']['mase']:.3f} | {float(np.median(pair_times)):.1f} | "
            f"{pair_ratio:.2f} | {float(np.median(cpu['pair'])):.1f} | {float(np.median(cpu['mirae'])):.1f} | "
            f"{result['cpu_ratio_pair']:.2f} |"
        )
        print(rows[-1], flush=True)  # noqa: T201
    header = (
        "| group | series | h | sMAPE ens | sMAPE mirae | MASE ens | MASE mirae | sMAPE ETS/ARIMA/Theta | "
        "ens s | mirae s | time ratio | sMAPE ETS+Theta | MASE ETS+Theta | ETS+Theta s | ratio to ETS+Theta | "
        "CPU s ETS+Theta | CPU s mirae | CPU ratio |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    print("\n" + header + "\n" + "\n".join(rows))  # noqa: T201
    name = "forecast_m3" if args.sample is None else f"forecast_m3_sample{args.sample}"
    name += "_pair" if args.peers == "pair" else ""
    path = save(name, {"machine": machine(), "args": vars(args), "results": details})
    print(f"saved {path}")  # noqa: T201


if __name__ == "__main__":
    main()
