"""MovieLens 100k interactions and film text from Wikidata (joined by title and year), split once."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest


def _loader() -> Any:
    spec = importlib.util.spec_from_file_location(
        "_movielens_loader", Path(__file__).with_name("movielens_data.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.load_module().load_movielens


@pytest.fixture(scope="session")
def movielens(shared_data: Path) -> dict[str, Any]:
    """Ratings, films, and the leave-last-out split (each user's last rating held out)."""
    from mirae.recommend import leave_last_out

    ratings, items = _loader()(shared_data)
    train, test = leave_last_out(ratings, time_col="timestamp")
    text = ("title", "genres", "keywords", "director", "writer", "cast")
    return {"ratings": ratings, "items": items, "train": train, "test": test, "text": text}
