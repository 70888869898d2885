"""The server's foundations: health, JSON errors, tokens and roles, warm predictions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mirae.cli import app


def test_health_and_openapi(client_for: Callable[..., TestClient]) -> None:
    client = client_for()
    assert client.get("/api/health").json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    assert "/models/{ref}/predict" in paths and "/api/models" in paths


def test_predict_one_row_and_a_batch(client_for: Callable[..., TestClient], served_workspace: Path) -> None:
    import pandas as pd

    from mirae.lake import Workspace

    rows = Workspace(served_workspace).to_pandas("credit").drop(columns="creditability").head(3)
    records = rows.to_dict("records")
    client = client_for()
    one = client.post("/models/credit@champion/predict", json={"rows": records[:1]})
    assert one.status_code == 200, one.text
    body = one.json()
    assert body["model"] == "credit/1" and len(body["predictions"]) == 1
    assert abs(sum(body["probabilities"][0].values()) - 1) < 1e-9
    batch = client.post("/models/credit/1/predict", json={"rows": records})
    assert len(batch.json()["predictions"]) == 3
    assert batch.json()["predictions"][0] == body["predictions"][0]  # the same row, the same answer
    assert isinstance(pd.Series(batch.json()["predictions"]).iloc[0], str | int | float)


def test_errors_are_json_with_the_status_that_fits(
    client_for: Callable[..., TestClient], served_workspace: Path
) -> None:
    client = client_for()
    missing = client.post("/models/credit@champion/predict", json={"rows": [{"duration": 12}]})
    assert missing.status_code == 422 and missing.json()["error"] == "missing_columns"
    assert "needs column(s)" in missing.json()["detail"] and missing.json()["hint"]
    unknown = client.post("/models/nobody@champion/predict", json={"rows": [{"a": 1}]})
    assert unknown.status_code == 404 and set(unknown.json()) == {"error", "detail", "hint"}
    empty = client.post("/models/credit@champion/predict", json={"rows": []})
    assert empty.status_code == 422 and empty.json()["error"] == "invalid_request"
    assert client.get("/api/no-such-thing").status_code == 404


def test_tokens_and_roles_beyond_loopback(
    client_for: Callable[..., TestClient], served_workspace: Path
) -> None:
    runner = CliRunner()
    made = {}
    for name, role in (("vera", "viewer"), ("adam", "admin")):
        result = runner.invoke(
            app, ["users", "add", name, "--role", role, "--workspace", str(served_workspace), "--json"]
        )
        assert result.exit_code == 0, result.output
        made[name] = __import__("json").loads(result.stdout)["token"]
    assert made["vera"] not in (served_workspace / "server" / "users.json").read_text()  # stored hashed
    local = client_for()
    assert local.get("/api/models").status_code == 200  # 127.0.0.1: no login
    shared = client_for(host="127.0.0.2")  # another loopback address still needs tokens
    assert shared.get("/api/models").status_code == 401
    assert shared.get("/api/models", headers={"Authorization": "Bearer nope"}).status_code == 401
    viewer = {"Authorization": f"Bearer {made['vera']}"}
    assert shared.get("/api/models", headers=viewer).status_code == 200
    moved = shared.put("/api/models/credit/aliases/staging", json={"version": 1}, headers=viewer)
    assert moved.status_code == 403 and "admin" in moved.json()["detail"]
    admin = {"Authorization": f"Bearer {made['adam']}"}
    assert (
        shared.put("/api/models/credit/aliases/staging", json={"version": 1}, headers=admin).status_code
        == 200
    )
    removed = runner.invoke(app, ["users", "remove", "vera", "--workspace", str(served_workspace)])
    assert removed.exit_code == 0
    assert shared.get("/api/models", headers=viewer).status_code == 401


def test_models_only_serves_just_prediction(client_for: Callable[..., TestClient]) -> None:
    client = client_for(models_only=True)
    assert client.get("/api/models").status_code == 404
    paths = client.get("/openapi.json").json()["paths"]
    assert "/models/{ref}/predict" in paths and not any(p.startswith("/api/models") for p in paths)


def test_serve_refuses_a_port_out_of_range_in_one_line(tmp_path: Path) -> None:
    """`mirae serve --port 99999` was an 'internal error' (OverflowError from bind)."""
    result = CliRunner().invoke(app, ["serve", "--port", "99999", "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "--port" in result.output and "65535" in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
