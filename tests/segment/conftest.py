"""Fixtures: a real sample of Online Retail II transactions and its RFM table, and separated blobs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mirae.segment import KMeansSegmenter, RFMFeatures, rfm_features

#: Rows read from the start of Online Retail II (2009-12-01 to about 2010-03-10, ~2,000 customers).
SAMPLE_ROWS = 120_000


@pytest.fixture(scope="session")
def transactions(shared_data: Path) -> pd.DataFrame:
    """The first months of the real UCI Online Retail II transactions (returns included)."""
    path = shared_data / "online_retail_ii" / "online_retail.csv.xz"
    return pd.read_csv(path, nrows=SAMPLE_ROWS, dtype={"Invoice": str, "StockCode": str})


@pytest.fixture(scope="session")
def rfm(transactions: pd.DataFrame) -> RFMFeatures:
    return rfm_features(
        transactions, customer="Customer ID", date="InvoiceDate", amount="Quantity*Price", invoice="Invoice"
    )


@pytest.fixture(scope="session")
def blobs() -> pd.DataFrame:
    """Four well-separated groups of 60 rows in three features (the known answer: k = 4)."""
    rng = np.random.default_rng(7)
    centres = np.array([[0, 0, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8]], dtype=float)
    sizes = (90, 70, 50, 30)
    points = np.vstack([rng.normal(c, 0.6, (n, 3)) for c, n in zip(centres, sizes, strict=True)])
    frame = pd.DataFrame(points, columns=["a", "b", "c"])
    frame["truth"] = np.repeat(np.arange(4), sizes)
    return frame


@pytest.fixture(scope="session")
def rfm_kmeans(rfm: RFMFeatures) -> KMeansSegmenter:
    """k-means with its defaults (k = 2..10 by silhouette) on the real RFM table, 3 stability refits."""
    return KMeansSegmenter(stability_runs=3).fit(rfm.table)
