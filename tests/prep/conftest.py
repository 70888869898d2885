"""Real tables for the preprocessing tests (see each folder's SOURCE.txt)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def telco(shared_data: Path) -> pd.DataFrame:
    """IBM Telco churn, 7043 rows; ``TotalCharges`` is text with blanks."""
    return pd.read_csv(shared_data / "telco_churn" / "churn.csv")


@pytest.fixture(scope="session")
def adult(shared_data: Path) -> pd.DataFrame:
    """UCI Adult, a seeded sample of 3000 rows (skewed capital gains, 40+ countries)."""
    frame = pd.read_parquet(shared_data / "adult_census" / "adult.parquet.brotli")
    return frame.sample(3000, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="session")
def superstore(shared_data: Path) -> pd.DataFrame:
    """Superstore order lines with order and ship dates."""
    frame = pd.read_parquet(shared_data / "superstore_orders" / "superstore.parquet")
    return frame.head(1000)
