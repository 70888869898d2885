"""Real tables for the AutoML tests, subsampled so the suite stays quick."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def telco_full(shared_data: Path) -> pd.DataFrame:
    """IBM Telco churn, all 7043 rows."""
    return pd.read_csv(shared_data / "telco_churn" / "churn.csv")


@pytest.fixture(scope="session")
def telco(telco_full: pd.DataFrame) -> pd.DataFrame:
    """A seeded sample of 1200 telco customers (target ``Churn``: Yes/No)."""
    return telco_full.sample(1200, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="session")
def german(shared_data: Path) -> pd.DataFrame:
    """German credit, 1000 rows (target ``creditability``)."""
    return pd.read_csv(shared_data / "german_credit" / "germancredit.csv")


@pytest.fixture(scope="session")
def adult(shared_data: Path) -> pd.DataFrame:
    """UCI Adult, a seeded sample of 2000 rows (target ``income``, ~24% positive)."""
    frame = pd.read_parquet(shared_data / "adult_census" / "adult.parquet.brotli")
    return frame.sample(2000, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="session")
def housing(shared_data: Path) -> pd.DataFrame:
    """California housing, a seeded sample of 1500 rows (target ``MedHouseVal``)."""
    frame = pd.read_parquet(shared_data / "california_housing" / "california_housing.parquet.brotli")
    return frame.sample(1500, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="session")
def grades(telco: pd.DataFrame) -> pd.DataFrame:
    """Customer grades NORMAL / DIA / VIP: terciles of lifetime spend (``TotalCharges``).

    The spend itself is removed; the model must infer the grade from tenure,
    monthly charges and services, as an analyst would for new customers.
    """
    spend = pd.to_numeric(telco["TotalCharges"], errors="coerce").fillna(0.0)
    cuts = np.quantile(spend, [1 / 3, 2 / 3])
    grade = np.select([spend < cuts[0], spend < cuts[1]], ["NORMAL", "DIA"], default="VIP")
    frame = telco.drop(columns=["TotalCharges", "Churn"]).assign(grade=grade)
    return frame
