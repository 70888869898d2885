"""MovieLens 100k ratings and film text from Wikidata, joined by title and year (shared by the recommendation tests)."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from types import ModuleType

import pandas as pd

GENRES = (
    "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
)  # fmt: skip


def load_movielens(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ratings (user, item, rating, timestamp) and one row per film: title, genres and Wikidata text."""
    from mirae.recommend import title_key

    folder = root / "movielens_100k"
    ratings = pd.read_parquet(folder / "MovieLens100k_data.parquet.brotli")
    ratings = ratings.rename(columns={"user_id": "user", "movie_id": "item"})
    films = pd.read_parquet(folder / "MovieLens100k_items.parquet.brotli")
    films["genres"] = films[list(GENRES)].apply(lambda r: "|".join(g for g in GENRES if r[g] == 1), axis=1)
    with closing(sqlite3.connect(root / "movies_wikidata" / "movies.db")) as db:
        omdb = pd.read_sql('select Title, Year, Genre, Director, Writer, "Cast" as actors from omdb', db)
    omdb["key"] = [title_key(t, y) for t, y in zip(omdb["Title"], omdb["Year"], strict=True)]
    films["key"] = films["movie_title"].map(title_key)
    joined = films.merge(omdb.drop_duplicates("key"), on="key", how="left")
    items = pd.DataFrame(
        {
            "item": joined["movie_id"],
            "title": joined["movie_title"],
            "genres": joined["genres"],
            "keywords": joined["Genre"],
            "director": joined["Director"],
            "writer": joined["Writer"],
            "cast": joined["actors"],
        }
    )
    return ratings, items


def load_module() -> ModuleType:
    """This module, imported by file path under one name (test folders have no packages)."""
    name = "mirae_tests_movielens"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
