"""``mirae serve`` (REST API, web workbench, model serving) and ``mirae users`` (tokens and roles)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mirae.cli._app import JsonOpt, TrackingOpt, WorkspaceOpt, app, friendly_errors, open_workspace
from mirae.cli._console import headers, print_json, print_table, say

users_app = typer.Typer(
    help="Users of `mirae serve` and their roles / 서버 사용자와 역할.", no_args_is_help=True
)
app.add_typer(users_app, name="users")


@app.command()
@friendly_errors
def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind; any other than 127.0.0.1 needs a token on every request.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    models_only: Annotated[
        bool, typer.Option("--models-only", help="Serve only the prediction API (production scoring).")
    ] = False,
    max_upload_mb: Annotated[
        float, typer.Option(help="Largest upload accepted (MB); larger gets 413.")
    ] = 200.0,
    workers: Annotated[int, typer.Option(help="Processes for background jobs.")] = 2,
    tracking_uri: TrackingOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Start the web workbench, the REST API (OpenAPI at /docs) and model serving.

    서버: 웹 작업대, REST API(/docs에 OpenAPI), 모델 예측 서비스를 시작합니다.
    """
    import uvicorn

    from mirae.server import ServerSettings, create_app
    from mirae.server._auth import needs_token

    ws = open_workspace(workspace)
    settings = ServerSettings(
        workspace=Path(ws.path),
        host=host,
        port=port,
        models_only=models_only,
        max_upload_mb=max_upload_mb,
        tracking_uri=tracking_uri,
        workers=workers,
    )
    shown = f"[{host}]" if ":" in host else host
    typer.echo(say("cli_serving", url=f"http://{shown}:{port}/", workspace=ws.path))
    if needs_token(host):
        typer.echo(say("cli_serving_tokens"))
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@users_app.command("add")
@friendly_errors
def users_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option(help="viewer | analyst | admin.")] = "viewer",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a user and print their token once (it is stored only as a digest).

    사용자 추가: 토큰을 한 번만 보여 줍니다 (해시로만 저장).
    """
    from mirae.server import UserStore

    token = UserStore(Path(open_workspace(workspace).path)).add(name, role)
    if as_json:
        print_json({"name": name, "role": role, "token": token})
        return
    typer.echo(say("cli_user_added", name=name, role=role))
    typer.echo(token)


@users_app.command("list")
@friendly_errors
def users_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the users and their roles (never their tokens).

    사용자 목록: 이름과 역할 (토큰은 보여 주지 않음).
    """
    from mirae.server import UserStore

    users = UserStore(Path(open_workspace(workspace).path)).list()
    if as_json:
        print_json(users)
        return
    print_table(
        None, headers("user", "role", "created"), [(u["name"], u["role"], u["created_at"]) for u in users]
    )


@users_app.command("remove")
@friendly_errors
def users_remove(
    name: Annotated[str, typer.Argument(help="User name.")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Remove a user; their token stops working at once.

    사용자 삭제: 그 사용자의 토큰은 즉시 쓸 수 없게 됩니다.
    """
    from mirae.server import UserStore

    UserStore(Path(open_workspace(workspace).path)).remove(name)
    typer.echo(say("cli_user_removed", name=name))
