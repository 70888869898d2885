"""The REST API's contract: a snapshot of its paths, methods and statuses, and a schemathesis run (no 5xx).

The snapshot holds only what a client depends on (which paths, which
methods, which statuses each can answer), not the descriptions, so editing a
docstring does not break it. After changing the API on purpose, regenerate it:
``MIRAE_UPDATE_SNAPSHOTS=1 pytest tests/server/test_openapi.py``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from tests.server._task_data import monthly_sales

from mirae.server import ServerSettings, create_app

SNAPSHOT = Path(__file__).with_name("openapi_snapshot.json")
METHODS = ("get", "put", "post", "delete", "patch")
#: Generated requests per operation and generation mode (valid, invalid).
MAX_EXAMPLES = 10


def api_surface(schema: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """``{path: {method: [status, ...]}}`` of an OpenAPI schema, sorted."""
    return {
        path: {
            method: sorted(operation.get("responses", {}))
            for method, operation in sorted(item.items())
            if method in METHODS
        }
        for path, item in sorted(schema["paths"].items())
    }


@pytest.fixture(scope="module")
def api_workspace(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> Path:
    """A tiny workspace: a sales table and one forecast of it (so the reads have something to find)."""
    from mirae.lake import Workspace
    from mirae.service import forecast_table

    path = tmp_path_factory.mktemp("openapi") / "ws"
    ws = Workspace(path)
    shutil.copy(mlflow_db_template, path / "mlflow.db")
    ws.write("sales", monthly_sales())
    forecast_table(
        ws, "sales", id="item", time="month", target="units", h=2, into="fc", hierarchy="group",
        models=("Naive",), n_windows=1, track=False, n_jobs=1, holidays="none",
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def api_app(api_workspace: Path) -> Iterator[FastAPI]:
    app = create_app(ServerSettings(workspace=api_workspace, workers=1))
    yield app
    if getattr(app.state, "jobs", None) is not None:
        app.state.jobs.close()  # the jobs schemathesis started end as failed ("server stopped")


@pytest.fixture(scope="module")
def api_schema(api_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", api_app)


def test_the_api_surface_matches_its_snapshot(api_app: FastAPI) -> None:
    surface = api_surface(api_app.openapi())
    if os.environ.get("MIRAE_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(surface, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    added = sorted(set(surface) - set(stored))
    removed = sorted(set(stored) - set(surface))
    assert not added and not removed, (
        f"paths added {added}, removed {removed}; if on purpose, rerun with MIRAE_UPDATE_SNAPSHOTS=1"
    )
    assert surface == stored, (
        "methods or statuses changed; if on purpose, rerun with MIRAE_UPDATE_SNAPSHOTS=1"
    )


def test_every_resource_is_in_the_schema_and_the_web_pages_are_not(api_app: FastAPI) -> None:
    paths = set(api_app.openapi()["paths"])
    for prefix in ("/api/tables", "/api/models", "/api/jobs", "/api/forecasts", "/api/segments"):
        assert any(p.startswith(prefix) for p in paths), prefix
    assert {"/api/anomalies/{name}/events", "/api/recommendations/{name}"} <= paths
    assert not [
        p for p in paths if not p.startswith(("/api/", "/models/"))
    ]  # pages and static files stay out


def _fuzz(operation: Any, mode: Any, statuses: list[int]) -> list[str]:
    """Up to ``MAX_EXAMPLES`` generated requests to ``operation``; what went wrong, if anything.

    Each response's status is appended to ``statuses``.
    """
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate),
    )
    def run(case: Any) -> None:
        response = case.call()
        statuses.append(response.status_code)
        where = f"{case.method} {case.formatted_path}"
        if response.status_code >= 500:
            found.append(f"{where} -> {response.status_code}: {response.text[:300]}")
        elif response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
            body = response.json()
            if not (isinstance(body, dict) and {"error", "detail", "hint"} <= set(body)):
                found.append(f"{where} -> {response.status_code} not in the error shape: {body!r:.300}")

    try:
        run()
    except Unsatisfiable:  # nothing invalid to send (an operation without parameters or body)
        assert mode.name == "NEGATIVE", operation.label
    return found


def test_no_generated_request_makes_the_server_fail(api_schema: Any) -> None:
    """Schemathesis requests (valid and invalid ones) to every operation: never a 5xx, errors as JSON."""
    from schemathesis import GenerationMode

    problems: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problems.extend(_fuzz(operation, mode, statuses))
    assert not problems, "\n".join(problems[:20])
    counts = {status: statuses.count(status) for status in sorted(set(statuses))}
    assert len(statuses) >= 5 * len(operations), counts  # the run really sent requests
    assert sum(n for status, n in counts.items() if status < 300) >= len(operations), counts
    assert {404, 422} <= set(counts), counts
