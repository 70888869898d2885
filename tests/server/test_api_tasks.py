"""The segments, anomalies and recommendations routers: outputs read back, jobs started, 404s, roles."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.server._task_data import customers, metrics, orders

from mirae.server import ServerSettings, UserStore, create_app


@pytest.fixture(scope="module")
def task_workspace(tmp_path_factory: pytest.TempPathFactory, mlflow_db_template: Path) -> Path:
    """One output of each use case, made by the service directly: ``seg``, ``det``, ``logs`` and
    ``recs`` (tracked: the registered recommender ``recs`` answers /similar)."""
    from mirae.lake import Workspace
    from mirae.service import detect_logs_file, detect_table, recommend_table, segment_table

    path = tmp_path_factory.mktemp("tasks") / "ws"
    ws = Workspace(path)
    shutil.copy(mlflow_db_template, path / "mlflow.db")
    ws.write("customers", customers())
    ws.write("metrics", metrics())
    ws.write("orders", orders())
    segment_table(
        ws,
        "customers",
        features="visits,spend",
        id="customer",
        into="seg",
        track=False,
        stability=0,
        k_range=(2, 4),
    )
    detect_table(ws, "metrics", time="time", value="cpu", by="host", into="det", track=False)
    log = path / "app.log"
    lines = [f"2024-05-01 10:{m:02d}:00 login ok user u{m}" for m in range(40)]
    log.write_text("\n".join([*lines, "2024-05-01 10:45:00 disk failure on sda"]) + "\n", encoding="utf-8")
    detect_logs_file(ws, log, into="logs", track=False)
    recommend_table(ws, "orders", user="customer", item="product", into="recs", k=3)
    return path


@pytest.fixture(scope="module")
def client(task_workspace: Path) -> Iterator[TestClient]:
    app = create_app(ServerSettings(workspace=task_workspace, workers=1))
    with TestClient(app) as test_client:
        yield test_client
    if getattr(app.state, "jobs", None) is not None:
        app.state.jobs.close()


def test_segments_and_their_profiles(client: TestClient) -> None:
    rows = client.get("/api/segments/seg", params={"limit": 10})
    assert rows.status_code == 200, rows.text
    body = rows.json()
    assert body["total"] == 60 and len(body["rows"]) == 10 and "segment" in body["columns"]
    profiles = client.get("/api/segments/seg/profiles").json()
    sizes = {r["segment"]: r["size"] for r in profiles["rows"]}
    assert len(sizes) == 2 and sum(sizes.values()) == 60
    first = min(sizes)
    one = client.get("/api/segments/seg", params={"segment": first}).json()
    assert one["total"] == sizes[first] and {r["segment"] for r in one["rows"]} == {first}


def test_anomalies_rows_flagged_only_and_events(client: TestClient) -> None:
    everything = client.get("/api/anomalies/det").json()
    assert everything["total"] == 480 and {"score", "is_anomaly", "expected"} <= set(everything["columns"])
    flagged = client.get("/api/anomalies/det", params={"only_anomalies": True}).json()
    assert 0 < flagged["total"] < 480 and all(r["is_anomaly"] for r in flagged["rows"])
    events = client.get("/api/anomalies/det/events").json()
    assert events["total"] >= 2 and {r["host"] for r in events["rows"]} == {"web1", "web2"}
    assert client.get("/api/anomalies/det/lines").status_code == 404  # metrics have no log lines


def test_log_detection_counts_and_lines(client: TestClient) -> None:
    counts = client.get("/api/anomalies/logs").json()
    assert {"window_start", "template", "count", "is_anomaly"} <= set(counts["columns"])
    lines = client.get("/api/anomalies/logs/lines", params={"offset": 40}).json()
    assert lines["total"] == 41 and lines["rows"][0]["line"] == 41
    assert "disk failure" in lines["rows"][0]["message"]
    events = client.get("/api/anomalies/logs/events")
    assert events.status_code == 404 and "metric anomaly detection" in events.json()["detail"]


def test_recommendations_of_one_user_in_rank_order(client: TestClient) -> None:
    everything = client.get("/api/recommendations/recs").json()
    assert everything["total"] == 40 * 3
    mine = client.get("/api/recommendations/recs", params={"user": "u07"}).json()
    assert [r["rank"] for r in mine["rows"]] == [1, 2, 3] and {r["customer"] for r in mine["rows"]} == {"u07"}
    assert mine["filters"] == {"customer": "u07"}
    orders = client.get("/api/tables/orders/rows", params={"limit": 10_000}).json()["rows"]
    bought = {r["product"] for r in orders if r["customer"] == "u07"}
    assert bought and not bought & {r["product"] for r in mine["rows"]}  # never an item already bought


def test_similar_items_from_the_registered_recommender(client: TestClient) -> None:
    answer = client.post("/api/recommendations/similar", json={"model": "recs", "item": "p02", "k": 3})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["known"] and body["model"] == "recs/1" and len(body["rows"]) == 3
    assert "p02" not in {r["product"] if "product" in r else r["item"] for r in body["rows"]}
    unknown = client.post("/api/recommendations/similar", json={"model": "nope", "item": "p02"})
    assert unknown.status_code == 404
    no_items = client.post("/api/recommendations/similar", json={"model": "recs", "item": "p02", "k": 0})
    assert no_items.status_code == 422


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("/api/segments/det", "is no segmentation output"),
        ("/api/segments/seg_profiles", "side table of the segmentation output 'seg'"),
        ("/api/segments/none_such/profiles", "there is no table 'none_such'"),
        ("/api/anomalies/seg", "is no anomaly detection output"),
        ("/api/anomalies/det_events/events", "side table"),
        ("/api/recommendations/orders", "it was made by write"),
        ("/api/recommendations/none_such", "(recommendation wanted)"),
    ],
)
def test_a_name_that_is_no_such_output_is_a_404_saying_how_to_make_one(
    client: TestClient, url: str, said: str
) -> None:
    answer = client.get(url)
    assert answer.status_code == 404, answer.text
    assert said in answer.json()["detail"] and answer.json()["hint"]


@pytest.mark.parametrize(
    ("url", "body", "kind"),
    [
        (
            "/api/segments",
            {"table": "customers", "features": "visits,spend", "into": "seg2", "track": False},
            "segment",
        ),
        ("/api/anomalies", {"table": "metrics", "value": ["cpu"], "into": "det2", "track": False}, "detect"),
        ("/api/anomalies/logs", {"source": "app.log", "into": "logs2", "track": False}, "detect-logs"),
        (
            "/api/recommendations",
            {"table": "orders", "user": "customer", "item": "product", "into": "recs2", "track": False},
            "recommend",
        ),
    ],
)
def test_each_run_starts_its_job(client: TestClient, url: str, body: dict[str, object], kind: str) -> None:
    started = client.post(url, json=body)
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["kind"] == kind and job["status"] == "queued" and job["user"] == "local"
    assert set(job["fields"]) == set(body)  # what was sent, no defaults added


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/segments", {"table": "customers", "into": "s"}),  # neither rfm nor features
        ("/api/anomalies", {"table": "metrics", "into": "d", "threshold": 3, "contamination": 0.1}),
        ("/api/anomalies/logs", {"into": "l"}),  # no source
        (
            "/api/recommendations",
            {"table": "orders", "user": "customer", "item": "product", "into": "r", "k": 0},
        ),
    ],
)
def test_invalid_fields_are_a_422_and_nothing_runs(
    client: TestClient, url: str, body: dict[str, object]
) -> None:
    answer = client.post(url, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "invalid_request" and answer.json()["detail"]


def test_viewers_read_outputs_but_cannot_start_runs(task_workspace: Path) -> None:
    store = UserStore(task_workspace)
    viewer = {"Authorization": f"Bearer {store.add('vic_tasks', 'viewer')}"}
    shared = TestClient(create_app(ServerSettings(workspace=task_workspace, host="0.0.0.0")))  # noqa: S104
    try:
        assert shared.get("/api/segments/seg").status_code == 401
        for url in ("/api/segments/seg/profiles", "/api/anomalies/det/events", "/api/recommendations/recs"):
            assert shared.get(url, headers=viewer).status_code == 200, url
        for url, body in (
            ("/api/segments", {"table": "customers", "features": "visits", "into": "v1"}),
            ("/api/anomalies", {"table": "metrics", "into": "v2"}),
            ("/api/anomalies/logs", {"source": "app.log", "into": "v3"}),
            (
                "/api/recommendations",
                {"table": "orders", "user": "customer", "item": "product", "into": "v4"},
            ),
        ):
            refused = shared.post(url, json=body, headers=viewer)
            assert refused.status_code == 403 and refused.json()["error"] == "forbidden", url
        similar = {"model": "recs", "item": "p02", "k": 2}
        assert shared.post("/api/recommendations/similar", json=similar, headers=viewer).status_code == 200
    finally:
        store.remove("vic_tasks")
