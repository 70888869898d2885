"""Customer segmentation: mirae's segmenters against the textbook scikit-learn pipeline, in one run.

The peer is what most notebooks (and PyCaret's ``setup(normalize=True)`` +
``create_model('kmeans')``) do: standardise the raw columns, fit
``sklearn.cluster.KMeans`` for k = 2..10 and keep the k with the best
silhouette. mirae's :class:`~mirae.segment.KMeansSegmenter` does the same
search but corrects skew per column first (log1p / Yeo-Johnson).

1. **Known answer, skewed features**: four groups that are well separated on a
   log scale (spend and visit counts are log-normal in real shops). Adjusted
   Rand index of the segments against the truth, and the k each one chooses.
2. **Online Retail II, all customers** (RFM features of 2009-12 .. 2011-12):
   chosen k, share of customers in the largest segment, segments under 1 %
   of customers, seed and bootstrap stability (ARI), wall time; and
   ``rfm_features`` against a plain pandas groupby computing the same table.
3. **A large table** (400,000 rows x 5 features): wall time of the k search,
   mirae (scan on a 20,000-row sample, MiniBatchKMeans) against the peer
   (KMeans on every row, silhouette on a 5,000-row sample as mirae).

Run: ``python benchmarks/segment.py`` (writes ``benchmarks/.results/segment.json``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, SHARED_DATA, machine, timed  # noqa: E402

K_RANGE = range(2, 11)


def peer_kmeans(X: pd.DataFrame, *, seed: int = 0, sample: int = 5000) -> tuple[int, np.ndarray]:
    """Standardise raw columns, KMeans for every k, keep the best silhouette."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    Z = StandardScaler().fit_transform(X.to_numpy(dtype=float))
    best: tuple[float, int, np.ndarray] | None = None
    for k in K_RANGE:
        labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(Z)
        size = sample if len(Z) > sample else None
        score = silhouette_score(Z, labels, sample_size=size, random_state=seed)
        if best is None or score > best[0]:
            best = (score, k, labels)
    assert best is not None
    k = best[1]
    return k, KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(Z)


def peer_stability(X: pd.DataFrame, k: int, labels: np.ndarray, runs: int = 5) -> dict[str, float]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler

    Z = StandardScaler().fit_transform(X.to_numpy(dtype=float))
    rng = np.random.default_rng(0)
    seeds, boots = [], []
    for run in range(1, runs + 1):
        seeds.append(
            adjusted_rand_score(labels, KMeans(n_clusters=k, n_init=3, random_state=run).fit_predict(Z))
        )
        rows = rng.integers(0, len(Z), len(Z))
        model = KMeans(n_clusters=k, n_init=3, random_state=run).fit(Z[rows])
        boots.append(adjusted_rand_score(labels, model.predict(Z)))
    return {"seed_ari_mean": float(np.mean(seeds)), "bootstrap_ari_mean": float(np.mean(boots))}


def balance(labels: np.ndarray) -> dict[str, Any]:
    shares = np.bincount(labels) / len(labels)
    return {"largest_share": round(float(shares.max()), 3), "segments_under_1pct": int((shares < 0.01).sum())}


def known_answer() -> dict[str, Any]:
    from sklearn.metrics import adjusted_rand_score

    from mirae.segment import KMeansSegmenter

    rng = np.random.default_rng(11)
    centres = np.array([[2.0, 0.5, 3.0], [4.0, 1.5, 3.0], [2.0, 2.5, 5.0], [4.5, 0.5, 5.5]])
    sizes = [1200, 800, 500, 300]
    log_points = np.vstack([rng.normal(c, 0.25, (n, 3)) for c, n in zip(centres, sizes, strict=True)])
    X = pd.DataFrame(np.exp(log_points), columns=["monetary", "frequency", "tenure"])
    truth = np.repeat(np.arange(4), sizes)
    t_mirae, model = timed(lambda: KMeansSegmenter(stability_runs=0).fit(X))
    t_peer, (k_peer, labels_peer) = timed(lambda: peer_kmeans(X))
    return {
        "rows": len(X),
        "true_k": 4,
        "mirae": {"k": model.n_segments_, "ari": round(adjusted_rand_score(truth, model.labels_), 3),
                  "transforms": model.scaler_.transforms_, "seconds": round(t_mirae, 2)},
        "sklearn": {"k": k_peer, "ari": round(adjusted_rand_score(truth, labels_peer), 3), "seconds": round(t_peer, 2)},
    }  # fmt: skip


def pandas_rfm(tx: pd.DataFrame) -> pd.DataFrame:
    """The same RFM table written directly in pandas (the reference for speed and values)."""
    frame = tx.dropna(subset=["Customer ID"]).copy()
    frame["when"] = pd.to_datetime(frame["InvoiceDate"], format="mixed")
    frame["amount"] = frame["Quantity"] * frame["Price"]
    as_of = frame["when"].max().normalize() + pd.Timedelta(days=1)
    returns = frame["Invoice"].str.startswith("C") | (frame["amount"] < 0)
    buys = frame.loc[~returns & (frame["amount"] > 0)]
    grouped = buys.groupby("Customer ID")
    out = pd.DataFrame(
        {
            "recency": (as_of - grouped["when"].max().dt.normalize()).dt.days,
            "frequency": grouped["Invoice"].nunique(),
            "monetary": frame.groupby("Customer ID")["amount"]
            .sum()
            .reindex(grouped.size().index)
            .clip(lower=0),
        }
    )
    return out


def online_retail() -> dict[str, Any]:
    from mirae.segment import KMeansSegmenter, rfm_features

    tx = pd.read_csv(
        SHARED_DATA / "online_retail_ii" / "online_retail.csv.xz", dtype={"Invoice": str, "StockCode": str}
    )
    t_rfm, rfm = timed(
        lambda: rfm_features(
            tx, customer="Customer ID", date="InvoiceDate", amount="Quantity*Price", invoice="Invoice"
        )
    )
    t_pandas, reference = timed(lambda: pandas_rfm(tx))
    table = rfm.table
    same = bool(
        np.allclose(table[["recency", "frequency", "monetary"]].to_numpy(),
                    reference.loc[table.index, ["recency", "frequency", "monetary"]].to_numpy(), atol=1e-6)
    )  # fmt: skip
    X = table[["recency", "frequency", "monetary", "tenure", "avg_basket"]]
    t_mirae, model = timed(lambda: KMeansSegmenter(stability_runs=5).fit(X))
    t_peer, (k_peer, labels_peer) = timed(lambda: peer_kmeans(X))
    return {
        "transactions": len(tx),
        "customers": len(table),
        "rfm_seconds": {"mirae": round(t_rfm, 2), "pandas": round(t_pandas, 2), "same_values": same},
        "mirae": {"k": model.n_segments_, **balance(model.labels_), **{k: v for k, v in model.stability_.items() if "mean" in k},
                  "seconds": round(t_mirae, 2), "silhouette": model.scores_["silhouette"]},
        "sklearn": {"k": k_peer, **balance(labels_peer), **peer_stability(X, k_peer, labels_peer),
                    "seconds": round(t_peer, 2)},
    }  # fmt: skip


def large_table() -> dict[str, Any]:
    from mirae.segment import KMeansSegmenter

    rng = np.random.default_rng(5)
    n = 400_000
    group = rng.integers(0, 4, n)
    X = pd.DataFrame({f"x{j}": rng.normal(group * (1 + j % 2), 1.0) for j in range(5)})
    t_mirae, model = timed(lambda: KMeansSegmenter(stability_runs=0, skew="none").fit(X))
    t_peer, (k_peer, _) = timed(lambda: peer_kmeans(X))
    return {
        "rows": n,
        "mirae": {"k": model.n_segments_, "seconds": round(t_mirae, 2), "model": type(model.model_).__name__},
        "sklearn": {"k": k_peer, "seconds": round(t_peer, 2)},
        "time_ratio_mirae_over_sklearn": round(t_mirae / t_peer, 3),
    }


def main() -> None:
    results = {"machine": machine(), "known_answer": known_answer(), "online_retail": online_retail(),
               "large_table": large_table()}  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "segment.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    sys.stdout.write(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
