"""The ``mirae`` command line (Typer + Rich).

Every command is a function decorated with ``@app.command()`` and
``@friendly_errors`` in one of the modules below; importing this package
imports each module once, which adds its commands to :data:`app`. The
shared options, error handling and workspace opening live in ``_app``,
which imports no command module.
"""

from mirae.cli import _detect, _forecast, _logs, _recommend, _segment, _server, _tables, _train  # noqa: F401 - their commands join ``app``
from mirae.cli._app import app, main

__all__ = ["app", "main"]
