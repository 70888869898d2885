"""Long work reports counts (series fitted of total, model families, trials), never a frozen 0 %."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mirae import Workspace
from mirae.core._progress import current, reporting
from mirae.service import forecast_table, train_table


class Recorder:
    """A Progress that keeps what it was told."""

    def __init__(self) -> None:
        self.tasks: list[dict[str, object]] = []

    def start(self, task: str, total: float | None = None) -> None:
        self.tasks.append({"task": task, "total": total, "done": 0.0})

    def advance(self, amount: float = 1.0) -> None:
        self.tasks[-1]["done"] = float(self.tasks[-1]["done"]) + amount  # type: ignore[arg-type]

    def finish(self) -> None:
        pass


def test_forecasting_counts_the_series_it_fitted_and_backtested(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    weeks = pd.date_range("2023-01-02", periods=60, freq="W-MON")
    ws.write(
        "s",
        pd.DataFrame(
            [
                {"item": f"i{k}", "week": w, "units": float((i + k) % 7 + 1)}
                for k in range(5)
                for i, w in enumerate(weeks)
            ]
        ),
    )
    recorder = Recorder()
    forecast_table(
        ws, "s", id="item", time="week", target="units", h=4, into="f", models=("ETS", "Naive"),
        n_windows=2, holidays="none", track=False, progress=recorder,
    )  # fmt: skip
    fitted = [t for t in recorder.tasks if str(t["task"]).startswith("fitting ETS, Naive on 5 series")]
    assert fitted and fitted[0]["total"] == 5 and fitted[0]["done"] == 5
    backtested = [t for t in recorder.tasks if str(t["task"]).startswith("backtesting 5 series")]
    assert backtested and backtested[0]["done"] == backtested[0]["total"] == 5


def test_training_counts_families_and_trials(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=200), "z": rng.normal(size=200)})
    frame["y"] = np.where(frame["x"] + rng.normal(size=200) > 0, "a", "b")
    ws.write("t", frame)
    recorder = Recorder()
    train_table(
        ws,
        "t",
        target="y",
        models=["linear", "decision_tree"],
        n_trials=2,
        cv=3,
        explain=False,
        progress=recorder,
    )
    families = [t for t in recorder.tasks if t["task"] == "cross-validating 2 model families × 3 folds"]
    assert families and families[0]["done"] == families[0]["total"] == 2 * 3  # a step per fold
    trials = [t for t in recorder.tasks if t["task"] == "searching: 2 search trials"]
    assert trials and trials[0]["done"] == trials[0]["total"] == 2


def test_outside_a_use_case_reports_go_nowhere() -> None:
    recorder = Recorder()
    with reporting(recorder):
        assert current() is recorder
    current().start("ignored", total=1)  # a NullProgress
    assert recorder.tasks == []
