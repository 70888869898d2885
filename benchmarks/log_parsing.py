"""Log template mining on the loghub 2k samples: mirae's Drain against the drain3 package, same run.

For each of the 10 systems, the messages are cut from the raw lines with
mirae's layout of that system (``mirae.anomaly.LOG_FORMATS``; the cut equals
loghub's ``Content`` column on every line) and given to:

- **mirae** ``LogTemplateMiner()`` with its defaults (depth 4, similarity 0.4,
  masks for numbers, IPs, hex, paths and UUIDs);
- **drain3** 0.9.11 ``TemplateMiner()`` with its documented defaults (depth 4,
  sim_th 0.4, max_children 100, no masking);
- **drain3 + README masks**: the IP and NUM masks its README recommends.

Scores: grouping accuracy (loghub's definition: a line is right when its
group holds exactly the lines of its true group) and parsing accuracy (its
template equals the true one, ``<NAME>`` read as ``<*>``), plus the wall time
of mining the 2,000 messages (best of 3).

drain3 pins ``cachetools==4.2.1``, which breaks mlflow-skinny and pyiceberg,
so install it beside mirae without its dependencies:
``pip install --no-deps drain3==0.9.11 jsonpickle`` (it runs with newer cachetools).

Run: ``python benchmarks/log_parsing.py`` (writes ``benchmarks/.results/log_parsing.json``).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pandas as pd

from _common import RESULTS, SHARED_DATA, machine
from mirae.anomaly import LogTemplateMiner, grouping_accuracy, parse_lines, parsing_accuracy, read_log_lines

SYSTEMS = (
    "Android",
    "Apache",
    "BGL",
    "HPC",
    "HealthApp",
    "Linux",
    "Mac",
    "OpenStack",
    "Proxifier",
    "Windows",
)
LAYOUT = {"Linux": "syslog", "Mac": "syslog"}
#: drain3's README masking example (IP addresses and integers).
README_MASKS = [
    (r"((?<=[^A-Za-z0-9])|^)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})((?=[^A-Za-z0-9])|$)", "IP"),
    (r"((?<=[^A-Za-z0-9])|^)([\-\+]?\d+)((?=[^A-Za-z0-9])|$)", "NUM"),
]


def best_of(func: Any, repeat: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - start)
    return best, out


def mirae_run(messages: list[str]) -> tuple[list[int], list[str]]:
    miner = LogTemplateMiner().fit(messages)
    return list(miner.labels_), [miner.templates_[i] for i in miner.labels_]


def drain3_run(messages: list[str], masks: list[tuple[str, str]] | None) -> tuple[list[int], list[str]]:
    from drain3 import TemplateMiner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.profiling_enabled = False
    config.masking_instructions = [MaskingInstruction(p, name) for p, name in masks or []]
    miner = TemplateMiner(config=config)
    ids = [miner.add_log_message(m)["cluster_id"] for m in messages]
    by_id = {c.cluster_id: c.get_template() for c in miner.drain.clusters}
    return ids, [by_id[i] for i in ids]


def main() -> None:
    import logging

    logging.getLogger("drain3").setLevel(logging.WARNING)
    rows = []
    for system in SYSTEMS:
        folder = SHARED_DATA / "loghub_2k"
        truth = pd.read_csv(folder / f"{system}_2k.log_structured.csv")
        lines, _ = read_log_lines(folder / f"{system}_2k.log")
        messages = parse_lines(lines, LAYOUT.get(system, system.lower()), year=2005).frame["message"].tolist()
        contenders = {
            "mirae": lambda m=messages: mirae_run(m),
            "drain3": lambda m=messages: drain3_run(m, None),
            "drain3 + README masks": lambda m=messages: drain3_run(m, README_MASKS),
        }
        for name, run in contenders.items():
            seconds, (ids, templates) = best_of(run)
            rows.append(
                {
                    "system": system,
                    "contender": name,
                    "grouping_accuracy": round(grouping_accuracy(truth["EventId"], ids), 3),
                    "parsing_accuracy": round(parsing_accuracy(truth["EventTemplate"], templates), 3),
                    "templates": len(set(ids)),
                    "true_templates": int(truth["EventId"].nunique()),
                    "seconds": round(seconds, 4),
                }
            )
            print(rows[-1])
    frame = pd.DataFrame(rows)
    means = frame.groupby("contender")[["grouping_accuracy", "parsing_accuracy", "seconds"]].mean().round(3)
    print(means)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {"machine": machine(), "rows": rows, "means": means.reset_index().to_dict("records")}
    (RESULTS / "log_parsing.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    wide = frame.pivot(index="system", columns="contender", values="grouping_accuracy")
    print(wide.to_string())


if __name__ == "__main__":
    main()
