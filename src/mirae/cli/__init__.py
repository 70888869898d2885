"""The ``mirae`` command line (Typer + Rich)."""

from mirae.cli._app import app, main

__all__ = ["app", "main"]
