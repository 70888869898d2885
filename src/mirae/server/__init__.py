"""mirae's server: one FastAPI process for the REST API, the web workbench and model serving.

``mirae serve`` runs it with uvicorn; :func:`create_app` builds the
application for tests and for other ASGI servers. Routes call the same
service functions with the same specs as the command line.
"""

from mirae.server._app import create_app
from mirae.server._auth import ROLES, User, UserStore
from mirae.server._settings import ServerSettings

__all__ = ["ROLES", "ServerSettings", "User", "UserStore", "create_app"]
