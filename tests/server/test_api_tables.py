"""Tables over the REST API: upload (CSV incl. CP949, Excel, Parquet), list, schema, rows with paging,
snapshots and time travel, quality and profile (JSON and HTML), lineage; limits and roles."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from mirae.server import ServerSettings, UserStore, create_app

#: Korean headers for a few telco churn columns (what a Korean office's export looks like).
KOREAN = {"customerID": "고객번호", "tenure": "가입기간", "Contract": "약정", "MonthlyCharges": "월요금"}


@pytest.fixture(scope="module")
def telco(shared_data: Path) -> pd.DataFrame:
    """200 rows of IBM telco churn with Korean names for four columns."""
    frame = pd.read_csv(shared_data / "telco_churn" / "churn.csv", nrows=200)
    return frame.rename(columns=KOREAN)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    """A server on its own empty workspace (uploads here do not touch the shared one)."""
    workspace = tmp_path_factory.mktemp("tables") / "ws"
    app = create_app(ServerSettings(workspace=workspace, max_upload_mb=0.5))
    with TestClient(app) as client:
        yield client, workspace
    app.state.jobs.close() if getattr(app.state, "jobs", None) else None


def _upload(client: TestClient, name: str, data: bytes, filename: str, **form: str) -> object:
    return client.post("/api/tables", files={"file": (filename, data)}, data={"name": name, **form})


def test_upload_cp949_csv_with_korean_headers(api: tuple[TestClient, Path], telco: pd.DataFrame) -> None:
    client, workspace = api
    data = telco.to_csv(index=False).encode("cp949")
    response = _upload(client, "telco", data, "../../etc/고객.csv")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["table"] == "telco" and body["rows"] == 200
    assert body["encoding"].lower().replace("-", "") in {"cp949", "euckr"}
    assert "고객번호" in body["columns"] and "월요금" in body["columns"]
    assert not (workspace / "server" / "uploads").exists() or not list(
        (workspace / "server" / "uploads").iterdir()
    )
    listed = {t["name"]: t for t in client.get("/api/tables").json()}
    assert listed["telco"]["rows"] == 200 and listed["telco"]["snapshots"] == 1


def test_upload_excel_and_parquet(api: tuple[TestClient, Path], telco: pd.DataFrame) -> None:
    client, _ = api
    excel = io.BytesIO()
    telco.head(50).to_excel(excel, index=False)
    made = _upload(client, "telco_xlsx", excel.getvalue(), "report.xlsx")
    assert made.status_code == 201, made.text
    assert made.json()["rows"] == 50 and made.json()["format"] == "excel"
    parquet = io.BytesIO()
    telco.head(30).to_parquet(parquet, index=False)
    made = _upload(client, "telco_pq", parquet.getvalue(), "part.parquet")
    assert made.status_code == 201 and made.json()["rows"] == 30


def test_upload_errors(api: tuple[TestClient, Path], telco: pd.DataFrame) -> None:
    client, _ = api
    csv = telco.head(5).to_csv(index=False).encode()
    exists = _upload(client, "telco", csv, "again.csv")
    assert exists.status_code == 409 and exists.json()["error"] == "TableExistsError"
    assert "mode=replace" in exists.json()["hint"]
    bad_suffix = _upload(client, "x", b"MZ\x90\x00", "tool.exe")
    assert bad_suffix.status_code == 400 and "tool.exe" in bad_suffix.json()["detail"]
    bad_name = _upload(client, "1; DROP", csv, "a.csv")
    assert bad_name.status_code == 422 and "name" in bad_name.json()["detail"]
    empty = _upload(client, "nothing", b"", "empty.csv")
    assert empty.status_code == 422
    big = b"a,b\n" + b"1,2\n" * 200_000  # 0.8 MB over the 0.5 MB limit
    too_large = _upload(client, "big", big, "big.csv")
    assert too_large.status_code == 413 and "0.5 MB" in too_large.json()["detail"]
    not_form = client.post("/api/tables", content=b"{}", headers={"content-type": "application/json"})
    assert not_form.status_code in (400, 422)


def test_append_makes_a_snapshot_and_time_travel_reads_it(
    api: tuple[TestClient, Path], telco: pd.DataFrame
) -> None:
    client, _ = api
    part = telco[list(KOREAN.values())]
    first = _upload(client, "history", part.head(10).to_csv(index=False).encode(), "a.csv")
    assert first.status_code == 201
    again = _upload(client, "history", part.iloc[10:25].to_csv(index=False).encode(), "b.csv", mode="append")
    assert again.status_code == 201, again.text
    snapshots = client.get("/api/tables/history/snapshots").json()
    assert [s["total_rows"] for s in snapshots] == [10, 25]
    assert snapshots[1]["mode"] == "append" and snapshots[0]["user"] == "local"
    old = client.get("/api/tables/history/rows", params={"snapshot": snapshots[0]["snapshot_id"]}).json()
    assert old["total"] == 10 and old["snapshot"] == snapshots[0]["snapshot_id"]
    assert client.get("/api/tables/history/rows").json()["total"] == 25
    unknown = client.get("/api/tables/history/rows", params={"snapshot": 12345})
    assert unknown.status_code == 404 and "snapshots" in unknown.json()["detail"]


def test_schema_and_paging(api: tuple[TestClient, Path], telco: pd.DataFrame) -> None:
    client, _ = api
    schema = client.get("/api/tables/telco/schema").json()
    types = {c["name"]: c["type"] for c in schema["columns"]}
    assert (
        types["가입기간"] in {"int64", "int32"} and types["월요금"] == "double" and types["약정"] == "string"
    )
    page = client.get("/api/tables/telco/rows", params={"offset": 190, "limit": 50}).json()
    assert page["total"] == 200 and len(page["rows"]) == 10 and page["offset"] == 190
    assert page["rows"][0]["고객번호"] == telco["고객번호"].iloc[190]
    assert page["rows"][-1]["월요금"] == pytest.approx(telco["월요금"].iloc[199])
    assert client.get("/api/tables/telco/rows", params={"limit": 0}).status_code == 422
    missing = client.get("/api/tables/nope/rows")
    assert missing.status_code == 404 and missing.json()["error"] == "TableNotFoundError"


def test_quality_profile_and_lineage(api: tuple[TestClient, Path]) -> None:
    client, _ = api
    quality = client.get("/api/tables/telco/quality")
    assert quality.status_code == 200, quality.text
    assert quality.json()["table"] == "telco" and quality.json()["rows"] == 200
    page = client.get("/api/tables/telco/quality/report", params={"lang": "en"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text.lower() and "telco" in page.text
    profile = client.get("/api/tables/telco/profile")
    assert profile.status_code == 200
    assert "월요금" in str(profile.json())
    korean = client.get("/api/tables/telco/profile/report", params={"lang": "ko"})
    assert korean.status_code == 200 and "plotly" in korean.text.lower()
    assert client.get("/api/tables/telco/profile/report", params={"lang": "fr"}).status_code == 422
    lineage = client.get("/api/tables/telco/lineage").json()
    assert lineage["steps"][0]["operation"] == "ingest"


def test_viewers_read_but_cannot_upload(tmp_path: Path, telco: pd.DataFrame) -> None:
    workspace = tmp_path / "ws"
    store = UserStore(workspace)
    viewer, analyst = store.add("vic", "viewer"), store.add("ana", "analyst")
    client = TestClient(create_app(ServerSettings(workspace=workspace, host="0.0.0.0")))  # noqa: S104
    csv = telco.head(5).to_csv(index=False).encode()
    assert client.get("/api/tables").status_code == 401
    refused = client.post(
        "/api/tables",
        files={"file": ("a.csv", csv)},
        data={"name": "t"},
        headers={"Authorization": f"Bearer {viewer}"},
    )
    assert refused.status_code == 403 and "analyst" in refused.json()["detail"]
    made = client.post(
        "/api/tables",
        files={"file": ("a.csv", csv)},
        data={"name": "t"},
        headers={"Authorization": f"Bearer {analyst}"},
    )
    assert made.status_code == 201
    snapshots = client.get("/api/tables/t/snapshots", headers={"Authorization": f"Bearer {viewer}"}).json()
    assert snapshots[0]["user"] == "ana"  # the snapshot records who uploaded it
