"""Helpers shared by the benchmark scripts: timing, peak memory, peer environments."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("MIRAE_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "benchmarks" / ".results"
PEERS_VENV = ROOT / "benchmarks" / ".venv-peers"


def timed(func: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Run ``func`` ``repeat`` times; return the best wall time and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, Any]:
    """Describe the machine the numbers come from."""
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def peer_python(packages: list[str]) -> str:
    """Return the python of the peers' venv, creating it with ``packages`` if needed.

    Peers (ydata-profiling, FLAML, ...) never enter mirae's own environment.
    """
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    missing = [
        p
        for p in packages
        if subprocess.run(
            [
                str(python),
                "-c",
                f"import importlib.util,sys; sys.exit(importlib.util.find_spec({p.split('[')[0].replace('-', '_')!r}) is None)",
            ],
            check=False,
        ).returncode
    ]
    if missing:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *missing], check=True)
    return str(python)


def save(name: str, data: dict[str, Any]) -> Path:
    """Write results as JSON under benchmarks/.results/."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path
