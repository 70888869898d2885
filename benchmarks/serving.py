"""Serving: one-row prediction latency and throughput, ``mirae serve --models-only`` vs ``mlflow models serve``.

Both servers answer for the SAME registered model version (a LightGBM
classifier on telco churn, trained through mirae's service API): mirae's
``POST /models/churn@champion/predict`` and MLflow's ``POST /invocations`` of
that version's model folder (mirae writes an MLflow ``python_function``
``MLmodel``, so MLflow loads the same files through mirae's loader). Both run
as one uvicorn process on 127.0.0.1; the load generator (threads, one
keep-alive ``http.client`` connection each) shares the machine's cores.

For each concurrency (1, 8, 32 clients) a fixed number of requests is sent
after a warm-up; p50/p99 latency and requests per second are measured, and the
two servers' probabilities for the same rows are checked to agree.

The peer needs full mlflow in its own environment (never in mirae's)::

    python3 -m venv /tmp/mlflow-venv
    /tmp/mlflow-venv/bin/pip install mlflow lightgbm scikit-learn skops "pandas<3"

Run: ``.venv/bin/python benchmarks/serving.py [--requests 2000] [--mlflow-venv /tmp/mlflow-venv]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS, ROOT, SHARED_DATA, machine  # noqa: E402

MODEL = "churn"
ROW_POOL = 64


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_workspace(folder: Path) -> tuple[Path, list[dict[str, Any]], Path]:
    """A workspace with telco churn and a registered LightGBM classifier; rows to score; its model folder."""
    import pandas as pd

    from mirae.lake import Workspace
    from mirae.service import Context, train_table

    frame = pd.read_csv(SHARED_DATA / "telco_churn" / "churn.csv").drop(columns=["customerID"])
    frame["TotalCharges"] = pd.to_numeric(frame["TotalCharges"], errors="coerce")
    source = folder / "telco.parquet"
    frame.to_parquet(source)
    path = folder / "ws"
    ws = Workspace(path)
    ws.ingest(source, "telco")
    train_table(
        ws,
        "telco",
        target="Churn",
        models=("lightgbm",),
        n_trials=1,
        cv=2,
        holdout=0,
        model_name=MODEL,
        alias="champion",
        explain=(),
    )
    table = ws.to_pandas("telco").drop(columns="Churn").dropna().head(ROW_POOL)
    rows = json.loads(table.to_json(orient="records"))  # as a client sends them: booleans, numbers, text
    ctx = Context.open(path)
    info = ctx.tracker().registry.get(f"{MODEL}@champion")
    artifacts = ctx.tracker().client.get_run(info.run_id).info.artifact_uri
    return path, rows, Path(artifacts.removeprefix("file://")) / "model"


def wait_ready(port: int, path: str, process: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"the server on port {port} exited with {process.returncode}"
            raise RuntimeError(msg)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    msg = f"the server on port {port} did not answer {path} within {timeout:.0f} s"
    raise RuntimeError(msg)


def post(conn: http.client.HTTPConnection, path: str, body: bytes) -> bytes:
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        msg = f"{path} answered {response.status}: {data[:300]!r}"
        raise RuntimeError(msg)
    return data


def load(port: int, path: str, bodies: list[bytes], requests: int, clients: int) -> dict[str, float]:
    """Send ``requests`` requests from ``clients`` threads (keep-alive); latency percentiles and throughput."""
    import numpy as np

    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = range(index, requests, clients)
        try:
            post(conn, path, bodies[index % len(bodies)])  # connect before the clock starts
            start.wait()
            for i in mine:
                begin = time.perf_counter()
                post(conn, path, bodies[i % len(bodies)])
                latencies[index].append(time.perf_counter() - begin)
        except BaseException as error:  # noqa: BLE001 - reported after the run
            errors.append(error)
            start.abort()
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if errors:
        raise errors[0]
    flat = np.concatenate([np.asarray(x) for x in latencies]) * 1000
    return {
        "p50_ms": float(np.percentile(flat, 50)),
        "p99_ms": float(np.percentile(flat, 99)),
        "rps": len(flat) / wall,
        "requests": len(flat),
    }


def agree(mirae_port: int, mlflow_port: int, rows: list[dict[str, Any]]) -> float:
    """The largest difference between the two servers' churn probabilities over ``rows``."""
    conn_a = http.client.HTTPConnection("127.0.0.1", mirae_port, timeout=60)
    conn_b = http.client.HTTPConnection("127.0.0.1", mlflow_port, timeout=60)
    ours = json.loads(post(conn_a, f"/models/{MODEL}@champion/predict", json.dumps({"rows": rows}).encode()))
    theirs = json.loads(post(conn_b, "/invocations", json.dumps({"dataframe_records": rows}).encode()))
    conn_a.close()
    conn_b.close()
    mine = [list(p.values())[-1] for p in ours["probabilities"]]  # the last class, as in predict_proba
    peer = [p[-1] if isinstance(p, list) else p for p in theirs["predictions"]]
    return max(abs(a - b) for a, b in zip(mine, peer, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per server and concurrency")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--mlflow-venv", type=Path, default=Path("/tmp/mlflow-venv"))
    args = parser.parse_args()
    mlflow = args.mlflow_venv / "bin" / "mlflow"
    if not mlflow.exists():
        sys.exit(f"no mlflow at {mlflow}; create the peer environment (see this file's docstring)")
    servers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="mirae-serving-") as tmp:
        folder = Path(tmp)
        workspace, rows, model_folder = build_workspace(folder)
        ours_port, peer_port = free_port(), free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        peer_env = {**env, "PATH": f"{args.mlflow_venv / 'bin'}{os.pathsep}{env['PATH']}"}
        log = (folder / "servers.log").open("wb")
        try:
            mirae_cmd = [sys.executable, "-m", "mirae", "serve", "--models-only", "--host", "127.0.0.1"]
            mirae_cmd += ["--port", str(ours_port), "--workspace", str(workspace)]
            servers.append(subprocess.Popen(mirae_cmd, env=env, stdout=log, stderr=log))  # noqa: S603
            peer_cmd = [str(mlflow), "models", "serve", "-m", str(model_folder), "--env-manager", "local"]
            peer_cmd += ["-h", "127.0.0.1", "-p", str(peer_port), "-w", "1"]
            servers.append(subprocess.Popen(peer_cmd, env=peer_env, stdout=log, stderr=log))  # noqa: S603
            wait_ready(ours_port, "/api/health", servers[0])
            wait_ready(peer_port, "/ping", servers[1])
            difference = agree(ours_port, peer_port, rows)
            targets = {
                "mirae": (ours_port, f"/models/{MODEL}@champion/predict", "rows"),
                "mlflow": (peer_port, "/invocations", "dataframe_records"),
            }
            results: dict[str, dict[int, dict[str, float]]] = {name: {} for name in targets}
            for clients in args.clients:
                for name, (port, path, key) in targets.items():
                    bodies = [json.dumps({key: [row]}).encode() for row in rows]
                    load(port, path, bodies, min(200, args.requests), clients)  # warm-up
                    results[name][clients] = load(port, path, bodies, args.requests, clients)
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()
            log.close()
    report = {"machine": machine(), "max_probability_difference": difference, "results": results}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "serving.json").write_text(json.dumps(report, indent=2))
    lines = [
        "| clients | mirae p50 ms | mirae p99 ms | mirae req/s | MLflow p50 ms | MLflow p99 ms "
        "| MLflow req/s | p99 ratio (mirae/MLflow) | throughput ratio (mirae/MLflow) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for clients in args.clients:
        a, b = results["mirae"][clients], results["mlflow"][clients]
        lines.append(
            f"| {clients} | {a['p50_ms']:.1f} | {a['p99_ms']:.1f} | {a['rps']:.0f} | {b['p50_ms']:.1f} "
            f"| {b['p99_ms']:.1f} | {b['rps']:.0f} | {a['p99_ms'] / b['p99_ms']:.2f} | {a['rps'] / b['rps']:.2f} |"
        )
    sys.stdout.write("\n".join(lines) + f"\n\nlargest probability difference: {difference:.2e}\n")


if __name__ == "__main__":
    main()
