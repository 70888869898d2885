"""Lakehouse benchmark: ingest, quality + profile at 10M rows, profile vs ydata-profiling.

Run from the repository root (after ``make test`` or ``make run`` created .venv)::

    .venv/bin/python benchmarks/lake.py            # everything (about 10 minutes on 2 cores)
    .venv/bin/python benchmarks/lake.py --rows 2000000   # a smaller big table

Results go to benchmarks/.results/lake.json and are printed as the Markdown
table kept in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import SHARED_DATA, machine, peak_rss_mb, peer_python, save, timed

RETAIL = SHARED_DATA / "online_retail_ii" / "online_retail.csv.xz"

YDATA_SCRIPT = r"""
import sys, time, warnings
warnings.filterwarnings("ignore")
import pandas as pd
from ydata_profiling import ProfileReport
df = pd.read_parquet(sys.argv[1])
start = time.perf_counter()
report = ProfileReport(df, minimal=True, progress_bar=False)
report.to_file(sys.argv[2])
print(time.perf_counter() - start)
"""


def bench_ingest(tmp: Path) -> dict[str, float]:
    import pandas as pd

    from mirae import Workspace

    def with_pandas() -> int:
        frame = pd.read_csv(RETAIL)
        frame.to_parquet(tmp / "pandas.parquet")
        return len(frame)

    pandas_s, rows = timed(with_pandas)
    ws = Workspace(tmp / "ws-ingest")
    # warm-up: load pyiceberg, DuckDB and the catalog once, as pandas already is
    small = tmp / "warm.csv"
    small.write_text("a,b\n1,x\n")
    ws.ingest(str(small), "warm")

    def with_mirae() -> int:
        result = ws.ingest(str(RETAIL), "retail", mode="replace")
        return int(result.rows)

    mirae_s, mirae_rows = timed(with_mirae)
    assert mirae_rows == rows, (mirae_rows, rows)
    return {
        "rows": rows,
        "pandas_s": pandas_s,
        "mirae_s": mirae_s,
        "pandas_rows_per_s": rows / pandas_s,
        "mirae_rows_per_s": rows / mirae_s,
        "speedup": pandas_s / mirae_s,
    }


def make_wide_table(rows: int, path: Path) -> None:
    """Write a ``rows`` x 20 Parquet file: numbers, skewed, categories, dates, nulls."""
    import duckdb

    duckdb.sql(
        f"""
        COPY (
          SELECT
            i AS id,
            random() * 100 AS uniform,
            (random() + random() + random() - 1.5) * 10 AS normalish,
            exp(random() * 5) AS skewed,
            CASE WHEN random() < 0.1 THEN NULL ELSE random() * 50 END AS with_nulls,
            (i % 1000)::INTEGER AS small_int,
            CASE WHEN i % 97 = 0 THEN 1e6 ELSE random() END AS outliers,
            i * 0.5 + random() AS trend,
            'store_' || (i % 50)::VARCHAR AS store,
            'item_' || (hash(i) % 5000)::VARCHAR AS item,
            ['서울','부산','대구','인천','광주'][1 + (i % 5)::INTEGER] AS region,
            CASE WHEN random() < 0.3 THEN 'Y' ELSE 'N' END AS promo,
            DATE '2020-01-01' + (i % 1500)::INTEGER AS day,
            (random() * 10)::INTEGER AS qty,
            random() * 1000 AS price,
            random() < 0.5 AS flag,
            42 AS constant,
            (random() * 3)::INTEGER AS grade,
            random() * 100 + (i % 7) AS weekly,
            CASE WHEN random() < 0.5 THEN NULL ELSE 'note ' || (i % 10)::VARCHAR END AS note
          FROM range({rows}) t(i)
        ) TO '{path}' (FORMAT parquet)
        """
    )


def bench_quality_profile(tmp: Path, rows: int) -> dict[str, float]:
    from mirae import Workspace

    path = tmp / "wide.parquet"
    make_wide_table(rows, path)
    ws = Workspace(tmp / "ws-wide")
    ws.ingest(str(path), "wide")
    quality_s, report = timed(lambda: ws.quality("wide"))
    profile_s, _ = timed(lambda: ws.profile("wide", quality=report))
    return {
        "rows": rows,
        "columns": 20,
        "quality_s": quality_s,
        "profile_s": profile_s,
        "total_s": quality_s + profile_s,
        "status": report.status,
    }


def bench_vs_ydata(tmp: Path, rows: int) -> dict[str, float]:

    from mirae import Workspace

    path = tmp / "sample.parquet"
    make_wide_table(rows, path)
    ws = Workspace(tmp / "ws-sample")
    ws.ingest(str(path), "sample")

    def with_mirae() -> None:
        report = ws.quality("sample")
        report.to_html(tmp / "mirae.html", lang="en", profile=ws.profile("sample", quality=report))

    # warm-up on a small table: imports (Plotly, SciPy) happen outside the timing, as the
    # peer's imports do
    ws.write("warm", ws.read("sample", limit=1000))
    warm = ws.quality("warm")
    warm.to_html(tmp / "warm.html", lang="en", profile=ws.profile("warm", quality=warm))
    mirae_s, _ = timed(with_mirae)
    python = peer_python(["ydata-profiling", "pyarrow"])
    out = subprocess.run(
        [python, "-c", YDATA_SCRIPT, str(path), str(tmp / "ydata.html")],
        capture_output=True,
        text=True,
        check=True,
    )
    ydata_s = float(out.stdout.strip().splitlines()[-1])
    return {"rows": rows, "mirae_s": mirae_s, "ydata_minimal_s": ydata_s, "speedup": ydata_s / mirae_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="rows of the big table")
    parser.add_argument("--sample-rows", type=int, default=1_000_000, help="rows compared with ydata")
    parser.add_argument("--skip", nargs="*", default=[], choices=["ingest", "big", "ydata"])
    args = parser.parse_args()
    results: dict[str, object] = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="mirae-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if "ingest" not in args.skip:
            results["ingest"] = bench_ingest(tmp)
            print("ingest", results["ingest"], flush=True)
        if "big" not in args.skip:
            results["quality_profile"] = bench_quality_profile(tmp, args.rows)
            print("quality+profile", results["quality_profile"], flush=True)
        if "ydata" not in args.skip:
            results["vs_ydata"] = bench_vs_ydata(tmp, args.sample_rows)
            print("vs ydata", results["vs_ydata"], flush=True)
    results["peak_rss_mb"] = peak_rss_mb()
    print("saved", save("lake", results))
    print_markdown(results)


def print_markdown(r: dict) -> None:
    lines = ["| benchmark | mirae | peer | ratio |", "|---|---|---|---|"]
    if "ingest" in r:
        i = r["ingest"]
        lines.append(
            f"| ingest online_retail_ii ({i['rows']:,} rows, CSV.xz) | {i['mirae_rows_per_s']:,.0f} rows/s "
            f"({i['mirae_s']:.1f} s) | pandas read_csv + to_parquet {i['pandas_rows_per_s']:,.0f} rows/s "
            f"({i['pandas_s']:.1f} s) | {i['speedup']:.2f}x |"
        )
    if "quality_profile" in r:
        q = r["quality_profile"]
        lines.append(
            f"| quality + profile, {q['rows']:,} rows x 20 columns | {q['total_s']:.1f} s "
            f"(quality {q['quality_s']:.1f} s, profile {q['profile_s']:.1f} s) | goal < 30 s | "
            f"{30 / q['total_s']:.2f}x under goal |"
        )
    if "vs_ydata" in r:
        y = r["vs_ydata"]
        lines.append(
            f"| quality + profile + HTML, {y['rows']:,} rows x 20 columns | {y['mirae_s']:.1f} s | "
            f"ydata-profiling minimal {y['ydata_minimal_s']:.1f} s | {y['speedup']:.1f}x faster |"
        )
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
