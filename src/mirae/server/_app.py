"""The one server process: REST API (OpenAPI at ``/docs``), the web workbench and model serving."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from mirae.server._csrf import SameOriginGuard
from mirae.server._errors import install_error_handlers
from mirae.server._settings import ServerSettings

__all__ = ["create_app"]


def create_app(settings: ServerSettings) -> FastAPI:
    """The application for ``settings``: every router, the error handlers, the workspace's records.

    Parameters
    ----------
    settings : ServerSettings
        Workspace, address (whether tokens are needed), limits.

    Returns
    -------
    FastAPI
        Serve it with uvicorn (``mirae serve`` does), or test it with
        ``fastapi.testclient.TestClient``.
    """
    from mirae import __version__

    app = FastAPI(
        lifespan=_lifespan,
        title="mirae",
        version=__version__,
        summary="Predictive analytics on your business tables (미래): tables, models, forecasts, jobs.",
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(SameOriginGuard)

    @app.get("/api/health", tags=["server"])
    def health() -> dict[str, Any]:
        """Whether the server is up, its version and what it serves."""
        return {"status": "ok", "version": __version__, "models_only": settings.models_only}

    for router in _routers(settings):
        app.include_router(router)
    if not settings.models_only:
        from mirae.server.ui import install

        install(app)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On shutdown, the job manager stops its jobs (they end as failed: "the server stopped")."""
    yield
    jobs = getattr(app.state, "jobs", None)
    if jobs is not None:
        jobs.close()


def _routers(settings: ServerSettings) -> list[Any]:
    """The routers this server mounts (``--models-only``: just prediction)."""
    from mirae.server.routes import forecasts, jobs, models, tables, tasks

    routers: list[Any] = [models.serving_router]
    if settings.models_only:
        return routers
    # each resource has one router module in mirae.server.routes
    return [*routers, models.router, jobs.router, tables.router, forecasts.router, *tasks.routers]
