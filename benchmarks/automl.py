"""AutoML: mirae's AutoClassifier / AutoRegressor against FLAML and a default LightGBM.

Datasets from ``../shared/data``: telco_churn, adult_census, german_credit,
caravan_purchase (ROC-AUC on the test rows) and california_housing (RMSE).
Each is split once 80/20 with seed 0 (stratified for classes) into Parquet
files; every contender reads the same files in its own process (so peak
memory is its own) with the same time budget and ``n_jobs`` threads. FLAML
runs in the peers' environment ``benchmarks/.venv-peers`` (never in mirae's).
Results: a Markdown table on stdout and ``benchmarks/.results/automl.json``.

Usage::

    .venv/bin/python benchmarks/automl.py                                # all, 60 s each
    .venv/bin/python benchmarks/automl.py --datasets german_credit --budget 10
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, machine, peak_rss_mb, peer_python, save  # noqa: E402

#: name -> (file, target, task, positive class, columns dropped as identifiers)
DATASETS: dict[str, tuple[str, str, str, Any, list[str]]] = {
    "telco_churn": ("telco_churn/churn.csv", "Churn", "classification", "Yes", ["customerID"]),
    "adult_census": ("adult_census/adult.parquet.brotli", "income", "classification", ">50K", []),
    "german_credit": ("german_credit/germancredit.csv", "creditability", "classification", "bad", []),
    "caravan_purchase": ("caravan_purchase/Caravan.csv", "Purchase", "classification", "Yes", []),
    "california_housing": (
        "california_housing/california_housing.parquet.brotli",
        "MedHouseVal",
        "regression",
        None,
        [],
    ),
}
CONTENDERS = ("mirae", "flaml", "lightgbm")


def load(name: str) -> Any:
    """The dataset as a frame: identifiers dropped, numbers stored as text parsed."""
    import pandas as pd

    file, target, _, _, drop = DATASETS[name]
    path = SHARED_DATA / file
    frame = pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)
    frame = frame.drop(columns=drop)
    if name == "telco_churn":  # 11 blanks in TotalCharges for brand-new customers
        frame["TotalCharges"] = pd.to_numeric(frame["TotalCharges"], errors="coerce")
    return frame.dropna(subset=[target]).reset_index(drop=True)


def split(name: str, folder: Path) -> tuple[Path, Path]:
    """Write the fixed 80/20 split (seed 0) as Parquet and return the two paths."""
    from sklearn.model_selection import train_test_split

    _, target, task, _, _ = DATASETS[name]
    frame = load(name)
    stratify = frame[target] if task == "classification" else None
    train, test = train_test_split(frame, test_size=0.2, random_state=0, stratify=stratify)
    paths = folder / f"{name}_train.parquet", folder / f"{name}_test.parquet"
    train.to_parquet(paths[0])
    test.to_parquet(paths[1])
    return paths


# -- workers: each runs in its own process and prints one JSON line ---------------------------


def _score(task: str, y: Any, output: Any, classes: list[Any] | None, positive: Any) -> float:
    import numpy as np

    if task == "classification":
        from sklearn.metrics import roc_auc_score

        column = list(classes or []).index(positive)
        return float(roc_auc_score(np.asarray(y) == positive, np.asarray(output)[:, column]))
    return float(np.sqrt(np.mean((np.asarray(y, dtype=float) - np.asarray(output, dtype=float)) ** 2)))


def _as_categories(frame: Any) -> Any:
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) == "string":
            frame[column] = frame[column].astype("category")
    return frame


def work(contender: str, name: str, train_path: str, test_path: str, budget: float, n_jobs: int) -> None:
    """Fit one contender on the training file, score the test file, print a JSON line."""
    import pandas as pd

    _, target, task, positive, _ = DATASETS[name]
    train, test = pd.read_parquet(train_path), pd.read_parquet(test_path)
    X, y = train.drop(columns=[target]), train[target]
    X_test, y_test = test.drop(columns=[target]), test[target]
    started = time.perf_counter()
    classes = None
    extra: dict[str, Any] = {}
    if contender == "mirae":
        from mirae.supervised import AutoClassifier, AutoRegressor

        cls = AutoClassifier if task == "classification" else AutoRegressor
        model = cls(time_budget=budget, random_state=0, n_jobs=n_jobs).fit(X, y)
        extra["best_model"] = model.best_model_
        output = model.predict_proba(X_test) if task == "classification" else model.predict(X_test)
        classes = list(getattr(model, "classes_", []))
    elif contender == "flaml":
        from flaml import AutoML

        model = AutoML()
        model.fit(
            X,
            y,
            task=task,
            metric="roc_auc" if task == "classification" else "rmse",
            time_budget=budget,
            seed=0,
            n_jobs=n_jobs,
            verbose=0,
        )
        extra["best_model"] = model.best_estimator
        output = model.predict_proba(X_test) if task == "classification" else model.predict(X_test)
        classes = list(model.classes_) if task == "classification" else None
    else:
        import lightgbm as lgb

        X, X_test = _as_categories(X.copy()), _as_categories(X_test.copy())
        if task == "classification":
            model = lgb.LGBMClassifier(random_state=0, n_jobs=n_jobs, verbose=-1).fit(X, y)
            output, classes = model.predict_proba(X_test), list(model.classes_)
        else:
            model = lgb.LGBMRegressor(random_state=0, n_jobs=n_jobs, verbose=-1).fit(X, y)
            output = model.predict(X_test)
    wall = time.perf_counter() - started
    result = {
        "contender": contender,
        "dataset": name,
        "metric": "roc_auc" if task == "classification" else "rmse",
        "score": _score(task, y_test, output, classes, positive),
        "wall_s": wall,
        "peak_mb": peak_rss_mb(),
        **extra,
    }
    sys.stdout.write(json.dumps(result) + "\n")


def run_one(
    contender: str, name: str, paths: tuple[Path, Path], budget: float, n_jobs: int
) -> dict[str, Any]:
    """Run a worker process (FLAML in the peers' venv) and read its JSON line."""
    python = peer_python(["flaml[automl]", "lightgbm", "pyarrow"]) if contender == "flaml" else sys.executable
    command = [python, __file__, "--worker", contender, "--dataset", name]
    command += [
        "--train",
        str(paths[0]),
        "--test",
        str(paths[1]),
        "--budget",
        str(budget),
        "--n-jobs",
        str(n_jobs),
    ]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, env=env, timeout=budget * 5 + 300
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"contender": contender, "dataset": name, "error": done.stderr[-2000:]}
    return json.loads(lines[-1])


def table(results: list[dict[str, Any]]) -> str:
    """The Markdown table: metric, wall time and peak memory per contender, ratios to FLAML."""
    by = {(r["dataset"], r["contender"]): r for r in results}
    lines = [
        "| dataset | metric | mirae | FLAML | LightGBM | mirae − FLAML | wall s (mirae / FLAML / LGBM) "
        "| peak MiB (mirae / FLAML / LGBM) | mirae model |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(r["dataset"] for r in results):
        row = [by.get((name, c), {}) for c in CONTENDERS]

        def cell(r: dict[str, Any], key: str, fmt: str) -> str:
            return format(r[key], fmt) if key in r else "error"

        diff = (
            format(row[0]["score"] - row[1]["score"], "+.4f")
            if "score" in row[0] and "score" in row[1]
            else ""
        )
        lines.append(
            f"| {name} | {DATASETS[name][2] == 'classification' and 'ROC-AUC ↑' or 'RMSE ↓'} "
            f"| {cell(row[0], 'score', '.4f')} | {cell(row[1], 'score', '.4f')} | {cell(row[2], 'score', '.4f')} "
            f"| {diff} | {' / '.join(cell(r, 'wall_s', '.0f') for r in row)} "
            f"| {' / '.join(cell(r, 'peak_mb', '.0f') for r in row)} | {row[0].get('best_model', '')} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Parse arguments; run the workers (or be one)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--datasets", default=",".join(DATASETS), help="Comma-separated dataset names.")
    parser.add_argument("--budget", type=float, default=60.0, help="Seconds per contender and dataset.")
    parser.add_argument("--n-jobs", type=int, default=2, help="Threads for every contender.")
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument("--worker", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    parser.add_argument("--train", help=argparse.SUPPRESS)
    parser.add_argument("--test", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        work(args.worker, args.dataset, args.train, args.test, args.budget, args.n_jobs)
        return
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="mirae-automl-bench-") as tmp:
        for name in args.datasets.split(","):
            paths = split(name, Path(tmp))
            for contender in args.contenders.split(","):
                result = run_one(contender, name, paths, args.budget, args.n_jobs)
                results.append(result)
                shown = result.get("score", "error: " + result.get("error", "")[-300:])
                print(f"{name:20s} {contender:9s} {shown}", file=sys.stderr, flush=True)
    report = table(results)
    print(report)
    path = save(
        "automl",
        {
            "machine": machine(),
            "budget_s": args.budget,
            "n_jobs": args.n_jobs,
            "results": results,
            "table": report,
        },
    )
    print(f"\nsaved {path}")


if __name__ == "__main__":
    main()
