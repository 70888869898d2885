"""Shared fixtures: a fresh workspace, the real datasets in ../shared/data, a seed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("MIRAE_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real datasets (each subfolder has a SOURCE.txt)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"real datasets not found at {SHARED_DATA}; set MIRAE_SHARED_DATA")
    return SHARED_DATA


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[object]:
    """A new, empty workspace in a temporary folder."""
    from mirae import Workspace

    yield Workspace(tmp_path / "ws")


@pytest.fixture
def random_state() -> int:
    """The seed every randomised test uses."""
    return 0


@pytest.fixture
def rng(random_state: int) -> np.random.Generator:
    """A numpy generator seeded with ``random_state``."""
    return np.random.default_rng(random_state)


@pytest.fixture(scope="session")
def mlflow_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLflow SQLite store with its schema created once (migrating a new one takes seconds)."""
    from mirae.track import Tracker

    folder = tmp_path_factory.mktemp("mlflow-template")
    Tracker.for_workspace(folder).registry.models()
    return folder / "mlflow.db"


@pytest.fixture
def tracked_workspace(workspace: object, mlflow_db_template: Path) -> object:
    """A new workspace whose MLflow store already has its schema (a copy of the template)."""
    import shutil

    shutil.copy(mlflow_db_template, workspace.path / "mlflow.db")  # type: ignore[attr-defined]
    return workspace
