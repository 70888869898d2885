"""A served workspace with a registered classifier, shared by the server tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mirae.server import ServerSettings, create_app


@pytest.fixture(scope="session")
def served_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the demo credit table and a small registered classifier (``credit@champion``)."""
    from mirae.lake import Workspace
    from mirae.service import train_table
    from mirae.service._demo import sample_path

    path = tmp_path_factory.mktemp("served") / "ws"
    ws = Workspace(path)
    ws.ingest(sample_path("german_credit.csv.gz"), "credit")
    train_table(
        ws,
        "credit",
        target="creditability",
        models=("linear",),
        n_trials=1,
        cv=2,
        model_name="credit",
        alias="champion",
        explain=(),
    )
    return path


@pytest.fixture
def client_for(served_workspace: Path) -> Callable[..., TestClient]:
    """A test client of a server on ``served_workspace`` with the given settings."""

    def make(**settings: object) -> TestClient:
        return TestClient(create_app(ServerSettings(workspace=served_workspace, **settings)))  # type: ignore[arg-type]

    return make
