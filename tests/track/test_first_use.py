"""The tracking store is opened before the work: parallel first runs take turns, a bad store fails at once."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mirae import Workspace
from mirae.cli import app
from mirae.errors import TrackingError
from mirae.service import _forecast as forecast_service
from mirae.service import _train as train_service
from mirae.service import forecast_table, train_table
from mirae.track import Tracker

REFUSED = "postgresql://mirae:secret@127.0.0.1:1/mlflow"  # nothing listens on port 1


@pytest.fixture
def small(workspace: Workspace) -> Workspace:
    rng = np.random.default_rng(0)
    x = rng.normal(size=120)
    workspace.write("t", pd.DataFrame({"x": x, "z": rng.normal(size=120), "y": (x > 0).astype(int)}))
    return workspace


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("the work started before the tracking store was opened")


def test_a_refused_tracking_database_fails_before_training(
    small: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(train_service, "_estimator", _never)
    with pytest.raises(TrackingError, match=r"cannot connect .*mirae:\*\*\*@127\.0\.0\.1:1.*refused") as err:
        train_table(small, "t", target="y", models=["linear"], cv=2, tracking_uri=REFUSED)
    assert "secret" not in str(err.value)


def test_a_bad_tracking_uri_fails_before_forecasting(
    small: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forecast_service, "_auto_forecaster", _never)
    with pytest.raises(TrackingError, match="unsupported URI 'bogus://store'"):
        forecast_table(small, "t", id="z", time="x", target="y", h=1, into="f", tracking_uri="bogus://store")


def test_cli_bad_tracking_uri_is_one_line(small: Workspace) -> None:
    result = CliRunner().invoke(
        app, ["train", "t", "--target", "y", "--tracking-uri", REFUSED, "-w", str(small.path)]
    )
    assert result.exit_code == 2 and "cannot connect to the MLflow tracking database" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_three_first_trainings_at_once_on_a_fresh_workspace(small: Workspace) -> None:
    assert not (small.path / "mlflow.db").exists()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("MIRAE_TRACKING_URI", None)
    command = [
        sys.executable,
        "-m",
        "mirae",
        "train",
        "t",
        "--target",
        "y",
        "--models",
        "linear",
        "--cv",
        "2",
    ]
    children = [
        subprocess.Popen(
            [*command, "--seed", str(seed), "-w", str(small.path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for seed in range(3)
    ]
    outcomes = [child.communicate(timeout=600) for child in children]
    for child, (_out, err) in zip(children, outcomes, strict=True):
        assert child.returncode == 0, err[-2000:]
    versions = Tracker.for_workspace(small.path).registry.versions("t")
    assert sorted(v.version for v in versions) == [1, 2, 3]
