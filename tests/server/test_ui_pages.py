"""The workbench's pages through TestClient: language, CSRF, roles, sign-in, forms from specs, errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mirae.core._i18n import LABELS, label
from mirae.server import UserStore

KO = {"accept-language": "ko-KR,ko;q=0.9,en;q=0.8"}
EN = {"accept-language": "en-US,en;q=0.9"}


def _csrf(client: TestClient, url: str = "/ui/") -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_first_visit_follows_accept_language_then_the_toggle_is_remembered(
    client_for: Callable[..., TestClient],
) -> None:
    client = client_for()
    ko = client.get("/ui/", headers=KO)
    assert ko.status_code == 200 and '<html lang="ko">' in ko.text and label("ui_tables", "ko") in ko.text
    en = client.get("/ui/", headers=EN)
    assert '<html lang="en">' in en.text and "Recent jobs" in en.text
    toggled = client.get("/ui/lang/en", params={"next": "/ui/models"}, headers=KO, follow_redirects=False)
    assert toggled.status_code == 303 and toggled.headers["location"] == "/ui/models"
    assert "mirae_lang=en" in toggled.headers["set-cookie"]
    assert '<html lang="en">' in client.get("/ui/models", headers=KO).text  # the cookie wins from now on
    outside = client.get("/ui/lang/ko", params={"next": "https://evil.example/"}, follow_redirects=False)
    assert outside.headers["location"] == "/ui/"  # never sent to another site


def test_root_opens_the_workbench_and_pages_render(client_for: Callable[..., TestClient]) -> None:
    client = client_for()
    assert client.get("/", follow_redirects=False).headers["location"] == "/ui/"
    table = client.get("/ui/tables/credit", headers=EN)
    assert table.status_code == 200
    assert "Rows 1–50 of 1,000" in table.text and 'id="action-train"' in table.text
    assert "/api/tables/credit/quality/report?lang=en" in table.text
    second = client.get("/ui/tables/credit", params={"offset": 50}, headers=EN)
    assert "Rows 51–100 of 1,000" in second.text
    models = client.get("/ui/models")
    assert "/ui/models/credit/1" in models.text
    model = client.get("/ui/models/credit/1", headers=EN)
    assert model.status_code == 200 and 'id="whatif"' in model.text
    assert 'data-name="duration_months"' in model.text or "data-name=" in model.text
    assert client.get("/ui/static/plotly.min.js").headers["content-type"].startswith("text/javascript")


def test_whatif_inputs_start_at_typical_values_of_the_training_table(
    client_for: Callable[..., TestClient],
) -> None:
    page = client_for().get("/ui/models/credit/1").text
    inputs = dict(
        re.findall(r'data-name="([^"]+)" data-role="numeric" type="number" step="any" value="([^"]*)"', page)
    )
    assert inputs, "no numeric what-if input"
    assert all(v != "" for v in inputs.values())  # medians, not blanks


def test_errors_on_pages_are_pages_and_on_the_api_json(client_for: Callable[..., TestClient]) -> None:
    client = client_for()
    page = client.get("/ui/tables/no_such_table", headers=EN)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "no table named &#39;no_such_table&#39;" in page.text and "Traceback" not in page.text
    api = client.get("/api/tables/no_such_table/schema")
    assert api.status_code == 404 and api.json()["error"] == "TableNotFoundError"
    assert client.get("/ui/run/no-such-form").status_code == 404


def test_a_form_without_this_browsers_token_is_refused(client_for: Callable[..., TestClient]) -> None:
    client = client_for()
    _csrf(client)
    refused = client.post("/ui/run/quality", data={"table": "credit"})
    assert refused.status_code in (403, 404)
    forged = client.post(
        "/ui/run/train", data={"table": "credit", "target": "creditability", "csrf": "x" * 43}
    )
    assert forged.status_code == 403 and "security token" in forged.text


def test_another_sites_page_cannot_change_the_workspace(client_for: Callable[..., TestClient]) -> None:
    client = client_for()
    upload = client.post(
        "/api/tables",
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
        data={"name": "planted"},
        headers={"origin": "http://evil.example"},
    )
    assert upload.status_code == 403 and upload.json()["error"] == "cross_site_request"
    same_site = client.post("/api/jobs", json={"kind": "quality", "fields": {"table": "credit"}},
                            headers={"sec-fetch-site": "same-site"})  # fmt: skip
    assert same_site.status_code == 403
    assert "planted" not in [t["name"] for t in client.get("/api/tables").json()]


def test_a_form_with_invalid_settings_comes_back_with_the_reason(
    client_for: Callable[..., TestClient],
) -> None:
    client = client_for()
    token = _csrf(client, "/ui/run/train?table=credit")
    answer = client.post(
        "/ui/run/train",
        data={"table": "credit", "target": "creditability", "time_budget": "-5", "csrf": token},
        headers=EN,
    )
    assert answer.status_code == 422
    assert 'id="form-error"' in answer.text and "time_budget" in answer.text
    assert 'value="creditability"' in answer.text  # what was typed is kept


def test_every_form_field_has_a_label_in_both_languages() -> None:
    from mirae.core import _i18n_ui
    from mirae.server.ui._forms import FORM_KINDS, form_fields

    for kind in FORM_KINDS:
        for field in form_fields(kind):
            assert f"field_{field.name}" in LABELS, f"{kind}: no label field_{field.name}"
    for key, (ko, en) in _i18n_ui.UI_LABELS.items():
        assert ko.strip() and en.strip(), key


def test_workbench_labels_do_not_shadow_the_main_catalogue() -> None:
    import ast
    import inspect

    from mirae.core import _i18n, _i18n_ui

    tree = ast.parse(inspect.getsource(_i18n))
    main = {
        k.value
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "LABELS"
        for k in node.value.keys  # type: ignore[union-attr]
        if isinstance(k, ast.Constant)
    }
    assert main and not main & set(_i18n_ui.UI_LABELS)


def _token_client(
    client_for: Callable[..., TestClient], workspace: Path, role: str
) -> tuple[TestClient, str]:
    store = UserStore(workspace)
    name = f"ui_{role}"
    if name in {u["name"] for u in store.list()}:
        store.remove(name)
    return client_for(host="127.0.0.2"), store.add(name, role)


def test_another_address_asks_to_sign_in_and_a_viewer_cannot_upload_or_train(
    client_for: Callable[..., TestClient], served_workspace: Path
) -> None:
    client, token = _token_client(client_for, served_workspace, "viewer")
    first = client.get("/ui/tables/credit", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/ui/signin?next=")
    csrf = _csrf(client, "/ui/signin")
    wrong = client.post("/ui/signin", data={"token": "nope", "csrf": csrf, "next": "/ui/"})
    assert wrong.status_code == 401
    signed = client.post("/ui/signin", data={"token": token, "csrf": csrf, "next": "/ui/tables/credit"},
                         follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303 and signed.headers["location"] == "/ui/tables/credit"
    cookie = signed.headers["set-cookie"]
    assert (
        "mirae_token=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=strict" in cookie.replace("Strict", "strict")
    )
    home = client.get("/ui/", headers=EN)
    assert home.status_code == 200 and 'id="upload"' not in home.text  # no upload box for viewers
    assert 'id="action-train"' not in client.get("/ui/tables/credit").text
    csrf = _csrf(client)
    train = client.get("/ui/run/train", headers=EN)
    assert train.status_code == 403 and "needs &#39;analyst&#39;" in train.text
    upload = client.post(
        "/ui/upload", files={"file": ("x.csv", b"a\n1\n", "text/csv")}, data={"name": "x", "csrf": csrf}
    )
    assert upload.status_code == 403


def test_an_analyst_uploads_through_the_box_and_lands_on_the_table(
    client_for: Callable[..., TestClient], served_workspace: Path
) -> None:
    client, token = _token_client(client_for, served_workspace, "analyst")
    csrf = _csrf(client, "/ui/signin")
    client.post("/ui/signin", data={"token": token, "csrf": csrf, "next": "/ui/"})
    csrf = _csrf(client)
    body = "지역,매출\n서울,10\n부산,20\n".encode("cp949")
    answer = client.post(
        "/ui/upload",
        files={"file": ("매출.csv", body, "text/csv")},
        data={"name": "ui_sales", "mode": "replace", "csrf": csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/ui/tables/ui_sales"
    page = client.get("/ui/tables/ui_sales", headers=KO).text
    assert "지역" in page and "서울" in page and "전체 2행 중 1–2행" in page


@pytest.mark.parametrize("kind", ["train", "forecast", "simulate", "segment", "detect", "recommend"])
def test_each_use_case_has_a_form_from_its_spec(client_for: Callable[..., TestClient], kind: str) -> None:
    from mirae.service import SPECS

    page = client_for().get(f"/ui/run/{kind}", params={"table": "credit"}, headers=EN)
    assert page.status_code == 200
    required = SPECS[kind].json_schema().get("required", [])
    for name in required:
        assert f'name="{name}"' in page.text, name
    assert 'name="lang"' not in page.text  # the page's language is the report's


def test_stopping_the_server_stops_its_jobs(served_workspace: Path) -> None:
    """A job still running when the server stops ends as failed ("the server stopped"), not orphaned."""
    from mirae.server import ServerSettings, create_app

    app = create_app(ServerSettings(workspace=served_workspace, workers=1))
    with TestClient(app) as client:
        started = client.post("/api/jobs", json={"kind": "profile", "fields": {"table": "credit"}})
        assert started.status_code == 202
        job_id = started.json()["id"]
    assert app.state.jobs._closed  # noqa: SLF001 - the shutdown ran
    record = app.state.jobs.get(job_id)
    assert record.status in ("failed", "done")
    if record.status == "failed":
        assert record.error is not None and record.error["error"] == "server_stopped"
