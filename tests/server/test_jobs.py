"""Background jobs: real use cases run in worker processes, with progress, cancel, logs and restarts."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mirae.server import ServerSettings, UserStore, create_app
from mirae.server._auth import LOCAL_USER, User
from mirae.server._jobs import JobManager


@pytest.fixture(scope="module")
def jobs_workspace(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> Path:
    """A workspace of its own (jobs write to it) with the German credit table."""
    from mirae.lake import Workspace
    from mirae.service._demo import sample_path

    path = tmp_path_factory.mktemp("jobs") / "ws"
    Workspace(path).ingest(sample_path("german_credit.csv.gz"), "credit")
    shutil.copy(mlflow_db_template, path / "mlflow.db")
    return path


@pytest.fixture(scope="module")
def app_client(jobs_workspace: Path) -> Iterator[TestClient]:
    app = create_app(ServerSettings(workspace=jobs_workspace, workers=2))
    with TestClient(app) as client:
        yield client
    if getattr(app.state, "jobs", None) is not None:
        app.state.jobs.close()


def _wait(client: TestClient, job_id: str, until: Any, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if until(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def _tables(workspace: Path) -> dict[str, list[int]]:
    from mirae.lake import Workspace

    ws = Workspace(workspace)
    return {t.name: [s.snapshot_id for s in ws.history(t.name)] for t in ws.tables()}


def _group_gone(pgid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_quality_job_runs_to_done_with_progress_result_and_log(app_client: TestClient) -> None:
    started = app_client.post("/api/jobs", json={"kind": "quality", "fields": {"table": "credit"}})
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["status"] == "queued" and job["user"] == "local" and job["fields"] == {"table": "credit"}
    done = _wait(app_client, job["id"], lambda b: b["status"] in ("done", "failed", "cancelled"))
    assert done["status"] == "done", done["error"]
    assert done["result"]["table"] == "credit" and done["result"]["rows"] == 1000  # the quality report
    assert done["progress"]["task"].startswith("quality") and done["progress"]["done"] > 0
    assert done["started_at"] <= done["finished_at"] and done["error"] is None
    lines = app_client.get(f"/api/jobs/{job['id']}/logs").json()["lines"]
    assert any("queued quality" in line for line in lines) and any(" done after " in line for line in lines)
    assert app_client.get(f"/api/jobs/{job['id']}/logs", params={"tail": 1}).json()["lines"] == lines[-1:]
    listed = app_client.get("/api/jobs", params={"status": "done"}).json()
    assert job["id"] in [j["id"] for j in listed]


def test_a_failing_job_has_an_api_error_and_the_traceback_only_in_its_log(app_client: TestClient) -> None:
    started = app_client.post("/api/jobs", json={"kind": "quality", "fields": {"table": "no_such_table"}})
    failed = _wait(app_client, started.json()["id"], lambda b: b["status"] not in ("queued", "running"))
    assert failed["status"] == "failed" and failed["result"] is None
    assert failed["error"]["error"] == "TableNotFoundError" and "no_such_table" in failed["error"]["detail"]
    assert failed["error"]["hint"] and "Traceback" not in str(failed["error"])
    lines = app_client.get(f"/api/jobs/{failed['id']}/logs").json()["lines"]
    assert any("Traceback" in line for line in lines)


def test_invalid_kind_or_fields_are_a_422_before_anything_runs(
    app_client: TestClient, jobs_workspace: Path
) -> None:
    before = sorted((jobs_workspace / "server" / "jobs").glob("*.json"))
    unknown = app_client.post("/api/jobs", json={"kind": "teach", "fields": {}})
    assert unknown.status_code == 422 and "train" in unknown.json()["detail"]
    wrong = app_client.post("/api/jobs", json={"kind": "train", "fields": {"table": "credit", "cv": 1}})
    assert wrong.status_code == 422 and "cv" in wrong.json()["detail"] and "target" in wrong.json()["detail"]
    typo = app_client.post("/api/jobs", json={"kind": "quality", "fields": {"tabel": "credit"}})
    assert typo.status_code == 422 and "unknown setting" in typo.json()["detail"]
    assert sorted((jobs_workspace / "server" / "jobs").glob("*.json")) == before  # nothing queued
    assert app_client.get("/api/jobs/20260101-000000-abcdef").status_code == 404
    assert app_client.get("/api/jobs/..%2Fusers").status_code == 404


def test_cancel_a_running_training_leaves_tables_and_models_as_they_were(
    app_client: TestClient, jobs_workspace: Path
) -> None:
    from mirae.service import Context, list_models

    tables = _tables(jobs_workspace)
    fields = {"table": "credit", "target": "creditability", "time_budget": 300, "model_name": "never"}
    job = app_client.post("/api/jobs", json={"kind": "train", "fields": fields}).json()
    running = _wait(app_client, job["id"], lambda b: str(b["progress"]["task"]).startswith("searching"))
    assert running["status"] == "running", running
    cancelled = app_client.post(f"/api/jobs/{job['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert app_client.post(f"/api/jobs/{job['id']}/cancel").status_code == 409  # already ended
    time.sleep(0.5)  # a cancelled job never comes back to life
    assert app_client.get(f"/api/jobs/{job['id']}").json()["status"] == "cancelled"
    assert _tables(jobs_workspace) == tables
    lines = app_client.get(f"/api/jobs/{job['id']}/logs").json()["lines"]
    pid = int(next(line for line in lines if "worker process" in line).split()[-1])
    assert _group_gone(pid), "the job's process group (its helpers) outlived the cancel"
    assert any("cancelled by local" in line for line in lines)
    names = [m.name for m in list_models(Context.open(jobs_workspace))]
    assert "never" not in names


def test_jobs_beyond_the_workers_wait_in_order_and_a_queued_one_can_be_cancelled(
    jobs_workspace: Path,
) -> None:
    manager = JobManager(ServerSettings(workspace=jobs_workspace, workers=1))
    try:
        first = manager.submit("profile", {"table": "credit"}, LOCAL_USER)
        second = manager.submit("quality", {"table": "credit"}, LOCAL_USER)
        third = manager.submit("quality", {"table": "credit"}, LOCAL_USER)
        time.sleep(0.3)
        assert manager.get(second.id).status == "queued"  # one worker: the profile runs first
        assert manager.cancel(third.id).status == "cancelled"
        assert manager.wait(second.id, timeout=120).status == "done"
        one, two = manager.get(first.id), manager.get(second.id)
        assert one.status == "done" and one.finished_at is not None and two.started_at is not None
        assert one.finished_at <= two.started_at
        assert manager.get(third.id).started_at is None
    finally:
        manager.close()


def test_a_restart_lists_past_jobs_and_fails_the_ones_a_dead_server_left(jobs_workspace: Path) -> None:
    settings = ServerSettings(workspace=jobs_workspace)
    first = JobManager(settings)
    done = first.submit("quality", {"table": "credit"}, User("ana", "analyst"))
    assert first.wait(done.id, timeout=120).status == "done"
    left = first.submit("profile", {"table": "credit"}, User("ana", "analyst"))
    first.close()  # the server stops with a job not finished
    record = jobs_workspace / "server" / "jobs" / f"{left.id}.json"
    data = __import__("json").loads(record.read_text())
    gone = subprocess.Popen(["true"])  # a process id no server has any more
    gone.wait()
    owner = f"{socket.gethostname()}:{gone.pid}:dead"
    data.update(status="running", error=None, finished_at=None, owner=owner)
    record.write_text(__import__("json").dumps(data))  # as a killed server leaves it
    again = JobManager(settings)
    try:
        mine = [j.id for j in again.list(user=User("ana", "analyst"))]
        assert done.id in mine and left.id in mine
        assert again.get(done.id).result is not None
        assert mine.index(left.id) < mine.index(done.id)  # newest first
        stopped = again.get(left.id)
        assert stopped.status == "failed" and stopped.error is not None
        assert stopped.error["error"] == "server_stopped" and "running" in stopped.error["detail"]
        assert any("server stopped" in line for line in again.logs(left.id))
    finally:
        again.close()


def test_roles_viewers_see_jobs_but_cannot_start_or_cancel(jobs_workspace: Path) -> None:
    from mirae.lake import Workspace
    from mirae.service._demo import sample_path

    store = UserStore(jobs_workspace)
    tokens = {
        name: store.add(name, role)
        for name, role in (("vic", "viewer"), ("al", "analyst"), ("bo", "analyst"))
    }
    app = create_app(ServerSettings(workspace=jobs_workspace, host="0.0.0.0"))  # noqa: S104 - a shared server
    try:
        with TestClient(app) as client:

            def as_(name: str) -> dict[str, str]:
                return {"Authorization": f"Bearer {tokens[name]}"}

            body = {"kind": "quality", "fields": {"table": "credit"}}
            assert client.post("/api/jobs", json=body).status_code == 401
            denied = client.post("/api/jobs", json=body, headers=as_("vic"))
            assert denied.status_code == 403 and "analyst" in denied.json()["detail"]
            job = client.post("/api/jobs", json=body, headers=as_("al"))
            assert job.status_code == 202 and job.json()["user"] == "al"
            assert job.json()["id"] in [j["id"] for j in client.get("/api/jobs", headers=as_("vic")).json()]
            assert client.get("/api/jobs", params={"mine": True}, headers=as_("bo")).json() == []
            other = client.post(f"/api/jobs/{job.json()['id']}/cancel", headers=as_("bo"))
            assert other.status_code == 403 and "own jobs" in other.json()["detail"]
            outside = {"kind": "ingest", "fields": {"source": "/etc/passwd", "name": "leak"}}
            refused = client.post("/api/jobs", json=outside, headers=as_("al"))
            assert refused.status_code == 422 and "inside its workspace" in refused.json()["detail"]
            assert app.state.jobs.wait(job.json()["id"], timeout=120).status == "done"
            uploads = jobs_workspace / "uploads"
            uploads.mkdir(exist_ok=True)
            shutil.copy(sample_path("german_credit.csv.gz"), uploads / "credit.csv.gz")
            inside = {"kind": "ingest", "fields": {"source": "uploads/credit.csv.gz", "name": "credit_al"}}
            ingest = client.post("/api/jobs", json=inside, headers=as_("al"))
            assert ingest.status_code == 202, ingest.text
            assert app.state.jobs.wait(ingest.json()["id"], timeout=120).status == "done"
            history = Workspace(jobs_workspace).history("credit_al")
            assert [s.user for s in history] == ["al"]  # the snapshot records who started the job
    finally:
        app.state.jobs.close()
        for name in tokens:
            store.remove(name)


def test_every_status_and_kind_has_a_korean_and_an_english_label() -> None:
    from mirae.core._i18n import LABELS
    from mirae.server._jobs import STATUSES
    from mirae.service import SPECS

    keys = [f"job_status_{s}" for s in STATUSES] + [f"job_kind_{k}" for k in SPECS]
    missing = [k for k in keys if k not in LABELS]
    assert not missing, f"add Korean and English labels for {missing} to mirae.core._i18n.LABELS"
    assert all(LABELS[k][0] != LABELS[k][1] and all(LABELS[k]) for k in keys)
