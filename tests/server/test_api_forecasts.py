"""The forecasts router: rows per level and series, levels, backtest, report, simulate, jobs, roles."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.server._task_data import monthly_sales

from mirae.server import ServerSettings, UserStore, create_app

FAST = {"models": ("Naive",), "n_windows": 1, "track": False, "n_jobs": 1, "holidays": "none"}
SIMULATE = {"table": "sales", "id": "item", "time": "month", "target": "units", "price": "price"}


@pytest.fixture(scope="module")
def forecast_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sales with two forecasts made by the service directly: ``fc`` (group hierarchy, a report)
    and ``flat`` (no hierarchy, no report)."""
    from mirae.lake import Workspace
    from mirae.service import forecast_table

    path = tmp_path_factory.mktemp("forecasts") / "ws"
    ws = Workspace(path)
    ws.write("sales", monthly_sales())
    common = {"id": "item", "time": "month", "target": "units", "h": 3, **FAST}
    report = path / "reports" / "fc.html"
    report.parent.mkdir()
    forecast_table(ws, "sales", into="fc", hierarchy="group", html=str(report), **common)
    forecast_table(ws, "sales", into="flat", **common)
    return path


@pytest.fixture(scope="module")
def client(forecast_workspace: Path) -> Iterator[TestClient]:
    app = create_app(ServerSettings(workspace=forecast_workspace, workers=1))
    with TestClient(app) as test_client:
        yield test_client
    if getattr(app.state, "jobs", None) is not None:
        app.state.jobs.close()


def test_rows_of_one_level_and_one_series_paged(client: TestClient) -> None:
    everything = client.get("/api/forecasts/fc", params={"limit": 5})
    assert everything.status_code == 200, everything.text
    body = everything.json()
    assert body["total"] == (1 + 2 + 4) * 3 and len(body["rows"]) == 5
    assert {"item", "month", "forecast", "forecast_lo_95", "forecast_hi_95", "level"} <= set(body["columns"])
    groups = client.get("/api/forecasts/fc", params={"level": "group"}).json()
    assert groups["total"] == 6 and {r["item"] for r in groups["rows"]} == {"A", "B"}
    assert groups["filters"] == {"level": "group"}
    one = client.get("/api/forecasts/fc", params={"series": "B2", "offset": 1, "limit": 1}).json()
    assert one["total"] == 3 and len(one["rows"]) == 1
    assert one["rows"][0]["item"] == "B2" and one["rows"][0]["month"] == "2023-08-01"  # ordered by time
    lows = [r["forecast_lo_95"] <= r["forecast"] <= r["forecast_hi_95"] for r in groups["rows"]]
    assert all(lows)


def test_levels_top_down_with_their_series(client: TestClient) -> None:
    levels = client.get("/api/forecasts/fc/levels").json()
    assert levels["id"] == "item" and levels["time"] == "month" and levels["hierarchy"] == ["group"]
    assert [(lv["level"], lv["series"], lv["rows"]) for lv in levels["levels"]] == [
        ("total", ["total"], 3),
        ("group", ["A", "B"], 6),
        ("bottom", ["A1", "A2", "B1", "B2"], 12),
    ]
    flat = client.get("/api/forecasts/flat/levels").json()
    assert [(lv["level"], len(lv["series"])) for lv in flat["levels"]] == [("bottom", 4)]
    assert client.get("/api/forecasts/flat", params={"level": "bottom"}).json()["total"] == 12


def test_an_unknown_level_is_a_404_listing_the_levels(client: TestClient) -> None:
    missing = client.get("/api/forecasts/fc", params={"level": "region"})
    assert missing.status_code == 404
    assert "['total', 'group', 'bottom']" in missing.json()["detail"]
    assert "/api/forecasts/fc/levels" in missing.json()["hint"]
    assert client.get("/api/forecasts/flat", params={"level": "group"}).status_code == 404


def test_backtest_leaderboard_with_coverage_and_scores_per_series(client: TestClient) -> None:
    backtest = client.get("/api/forecasts/fc/backtest").json()
    assert backtest["leaderboard_table"] == "fc_leaderboard" and backtest["interval_levels"] == [80.0, 95.0]
    assert {r["model"] for r in backtest["leaderboard"]} == {"Naive", "SeasonalIndex"}
    assert all(0 <= r["coverage"] <= 1 for r in backtest["leaderboard"])
    assert {"mase", "wape", "coverage", "wins"} <= set(backtest["columns"])
    scores = client.get("/api/forecasts/fc/scores", params={"series": "A"}).json()
    assert scores["total"] == 2 and {r["unique_id"] for r in scores["rows"]} == {"A"}


def test_the_report_when_one_was_written_else_a_404_saying_how(client: TestClient) -> None:
    report = client.get("/api/forecasts/fc/report")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "<html" in report.text[:2000].lower()
    none = client.get("/api/forecasts/flat/report")
    assert none.status_code == 404 and "html" in none.json()["hint"]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("sales", "it was made by write"),  # an input table
        ("no_such", "no table 'no_such' in the workspace (forecast wanted)"),
        ("fc_scores", "side table of the forecast output 'fc'"),
    ],
)
def test_a_name_that_is_no_forecast_is_a_404_saying_how_to_make_one(
    client: TestClient, name: str, said: str
) -> None:
    for suffix in ("", "/levels", "/backtest", "/report"):
        answer = client.get(f"/api/forecasts/{name}{suffix}")
        assert answer.status_code == 404, (suffix, answer.text)
        assert said in answer.json()["detail"]
    assert "POST /api/forecasts" in client.get(f"/api/forecasts/{name}").json()["hint"] or name == "fc_scores"


def test_simulate_marks_the_best_scenario_and_gives_the_elasticity_interval(client: TestClient) -> None:
    answer = client.post("/api/forecasts/simulate", json={**SIMULATE, "unit_cost": 5, "discounts": "0,10,20"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [s["discount"] for s in body["scenarios"]] == [0.0, 0.1, 0.2]  # text is percents
    assert sum(s["best"] for s in body["scenarios"]) == 1
    best = max(body["scenarios"], key=lambda s: s["margin"])
    assert best["best"]
    response = body["price_response"]
    low, high = response["elasticity_interval_95"]
    assert low <= response["elasticity"] <= high < 0  # units fall as the price rises
    assert body["series"] == 4 and body["table"] is None


def test_simulate_can_store_its_scenarios_and_refuses_bad_settings(client: TestClient) -> None:
    stored = client.post("/api/forecasts/simulate", json={**SIMULATE, "unit_cost": 5, "into": "whatif"})
    assert stored.status_code == 200 and stored.json()["table"] == "whatif"
    assert client.get("/api/tables/whatif/rows").json()["total"] == 5
    again = client.post("/api/forecasts/simulate", json={**SIMULATE, "unit_cost": 5, "into": "whatif"})
    assert again.status_code == 409  # mode create refuses an existing table
    bad = client.post("/api/forecasts/simulate", json={**SIMULATE, "unit_cost": 5, "discounts": [1.5]})
    assert bad.status_code == 422 and "discounts" in bad.json()["detail"]
    column = client.post("/api/forecasts/simulate", json={**SIMULATE, "price": "cost", "unit_cost": 5})
    assert column.status_code == 422 and "cost" in column.json()["detail"]
    assert client.post("/api/forecasts/simulate", json={"table": "sales"}).status_code == 422


def test_a_forecast_job_runs_and_its_rows_are_read_back(client: TestClient) -> None:
    fields = {"table": "sales", "id": "item", "time": "month", "target": "units", "h": 2, "into": "job_fc"}
    started = client.post("/api/forecasts", json={**fields, **FAST, "models": ["Naive"]})
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["kind"] == "forecast" and job["status"] == "queued"
    sent = {**fields, **FAST, "models": ["Naive"], "holidays": None}  # 'none' read as no country
    assert job["fields"] == sent  # what was sent, no defaults added
    deadline = time.monotonic() + 120
    while (record := client.get(f"/api/jobs/{job['id']}").json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, record
        time.sleep(0.2)
    assert record["status"] == "done", record["error"]
    assert client.get("/api/forecasts/job_fc").json()["total"] == 4 * 2


def test_invalid_forecast_fields_are_a_422_and_nothing_is_queued(client: TestClient) -> None:
    before = len(client.get("/api/jobs").json())
    for body in (
        {"table": "sales", "id": "item", "time": "month", "target": "units", "h": 0, "into": "x"},
        {"table": "sales", "id": "item", "time": "month", "target": "units", "h": 2},  # no into
        {"table": "sales", "id": "item", "time": "month", "target": "units", "h": 2, "into": "x", "hh": 1},
    ):
        answer = client.post("/api/forecasts", json=body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "invalid_request"
    assert len(client.get("/api/jobs").json()) == before


def test_viewers_read_forecasts_but_cannot_start_or_simulate(forecast_workspace: Path) -> None:
    store = UserStore(forecast_workspace)
    viewer = {"Authorization": f"Bearer {store.add('vic_fc', 'viewer')}"}
    analyst = {"Authorization": f"Bearer {store.add('ana_fc', 'analyst')}"}
    shared = TestClient(create_app(ServerSettings(workspace=forecast_workspace, host="0.0.0.0")))  # noqa: S104
    try:
        assert shared.get("/api/forecasts/fc/levels").status_code == 401
        assert shared.get("/api/forecasts/fc/backtest", headers=viewer).status_code == 200
        body = {"table": "sales", "id": "item", "time": "month", "target": "units", "h": 2, "into": "v"}
        refused = shared.post("/api/forecasts", json=body, headers=viewer)
        assert refused.status_code == 403 and "analyst" in refused.json()["detail"]
        what_if = {**SIMULATE, "unit_cost": 5}
        assert shared.post("/api/forecasts/simulate", json=what_if, headers=viewer).status_code == 403
        assert shared.post("/api/forecasts/simulate", json=what_if, headers=analyst).status_code == 200
    finally:
        store.remove("vic_fc")
        store.remove("ana_fc")
