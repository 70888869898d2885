"""MovieLens 100k interactions and film text from Wikidata (joined by title and year), split once."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

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
    with sqlite3.connect(root / "movies_wikidata" / "movies.db") as db:
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


@pytest.fixture(scope="session")
def movielens(shared_data: Path) -> dict[str, Any]:
    """Ratings, films, and the leave-last-out split (each user's last rating held out)."""
    from mirae.recommend import leave_last_out

    ratings, items = load_movielens(shared_data)
    train, test = leave_last_out(ratings, time_col="timestamp")
    text = ("title", "genres", "keywords", "director", "writer", "cast")
    return {"ratings": ratings, "items": items, "train": train, "test": test, "text": text}
