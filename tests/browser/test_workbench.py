"""The workbench in a real browser against a real ``mirae serve``: every flow a person without code needs.

Upload a CSV with Korean headers, see it, check its quality, train a
classifier, read the leaderboard and try a what-if; forecast a product
hierarchy, drill down and simulate discounts; switch Korean/English; a viewer
cannot upload or train; a server on another address asks for a token.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.browser.conftest import Server, _mirae

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.network]

JOB_TIMEOUT_MS = 300_000


def _churn_csv(folder: Path) -> Path:
    """Customers with Korean column names and a churn flag that depends on fee, contract and age."""
    rng = np.random.default_rng(7)
    n = 400
    age = rng.integers(19, 75, n)
    fee = rng.normal(55_000, 15_000, n).round(-2)
    contract = rng.choice(["월별", "1년", "2년"], n, p=[0.5, 0.3, 0.2])
    region = rng.choice(["서울", "부산", "대구", "광주"], n)
    risk = 0.00004 * (fee - 55_000) + (contract == "월별") * 1.2 - 0.02 * (age - 45)
    churn = np.where(rng.random(n) < 1 / (1 + np.exp(-(risk - 0.6))), "예", "아니오")
    frame = pd.DataFrame(
        {
            "고객번호": np.arange(1, n + 1),
            "나이": age,
            "월요금": fee,
            "약정": contract,
            "지역": region,
            "이탈": churn,
        }
    )
    path = folder / "고객이탈.csv"
    frame.to_csv(path, index=False, encoding="cp949")
    return path


def _sales_csv(folder: Path) -> Path:
    """Monthly units of 4 items in 2 groups over 30 months, prices that move, elasticity about -1.5."""
    rng = np.random.default_rng(3)
    months = pd.date_range("2022-01-01", periods=30, freq="MS")
    rows = []
    for group, items in {"A": ["A1", "A2"], "B": ["B1", "B2"]}.items():
        for item in items:
            base = rng.uniform(80, 160)
            for i, month in enumerate(months):
                price = round(10 * (1 - rng.choice([0, 0.1, 0.2, 0.3])), 2)
                season = 1 + 0.2 * np.sin(2 * np.pi * month.month / 12)
                units = base * season * (price / 10) ** -1.5 * rng.lognormal(0, 0.05) * (1 + 0.01 * i)
                rows.append((group, item, month.date(), round(units), price))
    path = folder / "sales.csv"
    pd.DataFrame(rows, columns=["group", "item", "month", "units", "price"]).to_csv(path, index=False)
    return path


def _new_page(browser: Any, locale: str = "ko-KR") -> Any:
    context = browser.new_context(locale=locale, viewport={"width": 1360, "height": 900})
    context.set_default_timeout(60_000)
    return context.new_page()


def _upload(page: Any, server: Server, path: Path, name: str) -> None:
    page.goto(f"{server.url}/ui/")
    page.set_input_files("#file", str(path))
    page.fill("#table-name", name)
    page.click("#upload-button")
    page.wait_for_url(f"**/ui/tables/{name}")


def _wait_for_job(page: Any) -> None:
    page.wait_for_selector("#job-status.st-done, #job-status.st-failed", timeout=JOB_TIMEOUT_MS)
    if page.locator("#job-status.st-failed").count():
        log = page.locator("#job-log").text_content()
        pytest.fail(f"the job failed: {page.locator('.problem').all_text_contents()} {log[-3000:]}")


def test_upload_see_quality_train_leaderboard_whatif_in_korean(
    browser: Any, local_server: Server, tmp_path: Path, shots: Path
) -> None:
    page = _new_page(browser)
    page.goto(f"{local_server.url}/")
    assert page.locator("h1").text_content() == "테이블"
    page.screenshot(path=str(shots / "workbench-home-ko.png"), full_page=True)
    _upload(page, local_server, _churn_csv(tmp_path), "churn")
    preview = page.locator("#preview")
    assert "월요금" in preview.locator("thead").text_content()  # CP949 and Hangul headers read
    assert "전체 400행 중 1–50행" in page.locator(".pager").text_content()
    page.screenshot(path=str(shots / "workbench-table-ko.png"), full_page=True)

    page.click("#tab-quality")
    quality = page.frame_locator("#quality-frame")
    quality.locator("h1").wait_for()
    assert quality.locator("h1").count() == 1
    page.screenshot(path=str(shots / "workbench-quality-ko.png"), full_page=True)
    page.click("#tab-scatter")
    page.wait_for_selector("#scatter .main-svg")

    page.click("#action-train")
    page.fill("#f-target", "이탈")
    page.fill("#f-time_budget", "20")
    page.click("summary")
    page.fill("#f-models", "linear,lightgbm")
    page.fill("#f-cv", "3")
    page.fill("#f-explain", "false")
    page.click("#run-button")
    page.wait_for_url("**/ui/jobs/*")
    _wait_for_job(page)
    board = page.locator("#leaderboard")
    assert board.count() == 1 and "±" in board.text_content()  # mean ± std per candidate
    page.screenshot(path=str(shots / "workbench-train-ko.png"), full_page=True)

    page.click("#open-model")
    page.wait_for_selector("#whatif")
    fee = page.locator('input[data-name="월요금"]')
    assert fee.input_value() != ""  # prefilled with the training median
    fee.fill("95000")
    page.click("#whatif-button")
    page.wait_for_selector("#prediction")
    assert page.locator("#prediction strong").text_content() in ("예", "아니오")
    page.wait_for_selector("#whatif-chart .main-svg")
    page.screenshot(path=str(shots / "workbench-model-ko.png"), full_page=True)


def test_forecast_drill_down_and_simulation(
    browser: Any, local_server: Server, tmp_path: Path, shots: Path
) -> None:
    page = _new_page(browser, "en-US")
    _upload(page, local_server, _sales_csv(tmp_path), "sales")
    page.click("#action-forecast")
    for field, value in {
        "id": "item",
        "time": "month",
        "target": "units",
        "h": "3",
        "hierarchy": "group",
    }.items():
        page.fill(f"#f-{field}", value)
    page.click("summary")
    page.fill("#f-models", "Naive,SeasonalNaive")
    page.fill("#f-n_windows", "1")
    page.fill("#f-holidays", "none")
    page.click("#run-button")
    page.wait_for_url("**/ui/jobs/*")
    _wait_for_job(page)
    page.click("#open-forecast")
    page.wait_for_selector("#drill-chart .main-svg")
    levels = page.locator("#drill-level option").all_text_contents()
    assert [level.split(" ·")[0] for level in levels] == ["total", "group", "bottom (item)"]
    page.select_option("#drill-level", "group")
    page.select_option("#drill-series", "B")
    page.wait_for_function("document.querySelector('#drill-chart').data?.length >= 3")
    names = page.evaluate("document.querySelector('#drill-chart').data.map(t => t.name)")
    assert "History" in names and "Forecast" in names
    assert page.locator("#backtest").count() == 1
    page.screenshot(path=str(shots / "workbench-forecast-en.png"), full_page=True)

    page.click("#simulate")
    for field, value in {
        "id": "item",
        "time": "month",
        "target": "units",
        "price": "price",
        "unit_cost": "4",
    }.items():
        page.fill(f"#f-{field}", value)
    page.fill("#f-discounts", "0,10,20,30")
    page.click("#run-button")
    page.wait_for_url("**/ui/jobs/*")
    _wait_for_job(page)
    scenarios = page.locator("#scenarios tbody tr")
    assert scenarios.count() == 4
    assert page.locator("#scenarios tr.best").count() == 1  # the best scenario is marked
    page.screenshot(path=str(shots / "workbench-simulate-en.png"), full_page=True)
    page.click("#edit-scenarios")  # the scenarios can be edited and run again: the form comes back filled
    assert page.locator("#f-discounts").input_value() == "0,10,20,30"
    assert page.locator("#f-price").input_value() == "price"


def test_korean_english_toggle_is_remembered(browser: Any, local_server: Server, shots: Path) -> None:
    page = _new_page(browser, "ko-KR")
    page.goto(f"{local_server.url}/ui/jobs")
    assert page.locator("h1").text_content() == "작업"
    page.click("#lang-en")
    assert page.locator("h1").text_content() == "Jobs"
    page.goto(f"{local_server.url}/ui/")
    assert page.locator("h1").text_content() == "Tables"
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(shots / "workbench-home-en.png"), full_page=True)
    page.click("#lang-ko")
    assert page.locator("h1").text_content() == "테이블"


def test_another_address_needs_a_token_and_a_viewer_cannot_upload_or_train(
    browser: Any, shared_server: Server, workbench_workspace: Path, shots: Path
) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{shared_server.url}/api/tables", timeout=10)  # noqa: S310 - loopback
    assert refused.value.code == 401
    added = subprocess.run(  # noqa: S603 - our own command line
        [*_mirae(), "users", "add", "browser_viewer", "--role", "viewer", "--json", "--workspace",
         str(workbench_workspace)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    token = json.loads(added.stdout)["token"]
    page = _new_page(browser, "en-US")
    page.goto(f"{shared_server.url}/ui/")
    assert "/ui/signin" in page.url
    page.screenshot(path=str(shots / "workbench-signin-en.png"), full_page=True)
    page.fill("#token", token)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{shared_server.url}/ui/")
    assert page.locator("#upload").count() == 0 and "browser_viewer" in page.locator(".user").text_content()
    page.goto(f"{shared_server.url}/ui/tables/churn")
    assert page.locator("#preview").count() == 1 and page.locator("#action-train").count() == 0
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
    answer = page.request.post(
        f"{shared_server.url}/ui/upload",
        multipart={
            "file": {"name": "x.csv", "mimeType": "text/csv", "buffer": b"a\n1\n"},
            "name": "x",
            "csrf": csrf,
        },
    )
    assert answer.status == 403 and "analyst" in answer.text()
    train = page.goto(f"{shared_server.url}/ui/run/train?table=churn")
    assert train is not None and train.status == 403
    job = page.request.post(
        f"{shared_server.url}/api/jobs", data={"kind": "quality", "fields": {"table": "churn"}}
    )
    assert job.status == 403


def _interactions_csv(folder: Path) -> Path:
    """Who watched what: 80 users, 40 titles in 4 genres, each user mostly within one genre."""
    rng = np.random.default_rng(11)
    rows = []
    for user in range(80):
        genre = user % 4
        for item in rng.choice(10, size=6, replace=False):
            rows.append((f"u{user:02d}", f"{['드라마', '액션', '코미디', '공포'][genre]}_{item}", 4))
        rows.append(
            (f"u{user:02d}", f"{['드라마', '액션', '코미디', '공포'][(genre + 1) % 4]}_{rng.integers(10)}", 3)
        )
    path = folder / "watch.csv"
    pd.DataFrame(rows, columns=["user_id", "title", "rating"]).drop_duplicates(["user_id", "title"]).to_csv(
        path, index=False
    )
    return path


def test_recommendations_for_a_user_and_similar_items(
    browser: Any, local_server: Server, tmp_path: Path, shots: Path
) -> None:
    page = _new_page(browser, "ko-KR")
    _upload(page, local_server, _interactions_csv(tmp_path), "watch")
    page.goto(f"{local_server.url}/ui/run/recommend?table=watch&into=watch_recs")
    page.fill("#f-user", "user_id")
    page.fill("#f-item", "title")
    page.click("#run-button")
    page.wait_for_url("**/ui/jobs/*")
    _wait_for_job(page)
    page.click("#open-model")
    page.fill("#rec-user", "u05")
    page.click("#recommend-button")
    page.wait_for_selector("#rec-table tbody tr")
    items = page.locator("#rec-table tbody tr td:nth-child(2)").all_text_contents()
    assert len(items) == 10 and len(set(items)) == 10
    assert sum(item.startswith("액션_") for item in items) >= 3  # u05 watches action titles
    page.screenshot(path=str(shots / "workbench-recommend-ko.png"), full_page=True)
    page.fill("#sim-item", "공포_1")
    page.click("#similar-button")
    page.wait_for_function("document.querySelector('#rec-table td:nth-child(2)')?.textContent !== undefined")
    assert page.locator("#rec-table tbody tr").count() >= 1


def test_segments_and_anomalies_from_their_forms(
    browser: Any, local_server: Server, tmp_path: Path, shots: Path
) -> None:
    rng = np.random.default_rng(5)
    centres = np.array([[20, 200], [60, 900], [35, 2500]])
    points = np.vstack([rng.normal(c, [3, 60], size=(120, 2)) for c in centres])
    customers = tmp_path / "customers.csv"
    pd.DataFrame(
        {"customer": range(len(points)), "age": points[:, 0].round(1), "spend": points[:, 1].round()}
    ).to_csv(customers, index=False)
    hours = pd.date_range("2024-05-01", periods=24 * 21, freq="h")
    load = 50 + 20 * np.sin(2 * np.pi * hours.hour.to_numpy() / 24) + rng.normal(0, 2, len(hours))
    load[300:304] += 60  # an incident
    metrics = tmp_path / "metrics.csv"
    pd.DataFrame({"time": hours, "cpu": load.round(2)}).to_csv(metrics, index=False)

    page = _new_page(browser, "ko-KR")
    _upload(page, local_server, customers, "customers")
    page.goto(f"{local_server.url}/ui/run/segment?table=customers&into=customer_segments")
    page.fill("#f-features", "age,spend")
    page.click("summary")
    page.fill("#f-id", "customer")
    page.fill("#f-stability", "0")
    page.click("#run-button")
    page.wait_for_url("**/ui/jobs/*")
    _wait_for_job(page)
    report = page.frame_locator("iframe.report")
    report.locator("h1").wait_for()
    page.screenshot(path=str(shots / "workbench-segment-ko.png"), full_page=True)
    page.click("#open-output")
    page.wait_for_url("**/ui/tables/customer_segments")
    assert "segment" in page.locator("#preview thead").text_content()

    _upload(page, local_server, metrics, "metrics")
    page.goto(f"{local_server.url}/ui/run/detect?table=metrics&into=metric_alerts")
    page.fill("#f-time", "time")
    page.fill("#f-value", "cpu")
    page.click("#run-button")
    page.wait_for_url("**/ui/jobs/*")
    _wait_for_job(page)
    page.frame_locator("iframe.report").locator("h1").wait_for()
    page.screenshot(path=str(shots / "workbench-detect-ko.png"), full_page=True)
    page.click("#open-output")
    assert "is_anomaly" in page.locator("#preview thead").text_content()
