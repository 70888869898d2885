"""Tiny tables for the task routers' tests: monthly sales in a hierarchy, metrics, orders."""

from __future__ import annotations

import numpy as np
import pandas as pd


def monthly_sales(seed: int = 0) -> pd.DataFrame:
    """Two groups of two items, 30 months, units answering a 20 % discount every fifth month."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2021-01-01", periods=30, freq="MS")
    rows = []
    for group in ("A", "B"):
        for k in (1, 2):
            for t, month in enumerate(months):
                sale = t % 5 == 0
                rows.append(
                    {
                        "group": group,
                        "item": f"{group}{k}",
                        "month": month.date(),
                        "units": 20 + 5 * np.sin(t / 2) + rng.normal() + (10 if sale else 0),
                        "price": 8.0 if sale else 10.0,
                    }
                )
    return pd.DataFrame(rows)


def customers(seed: int = 0) -> pd.DataFrame:
    """Sixty customers in two clear groups on two numeric features."""
    rng = np.random.default_rng(seed)
    points = np.vstack([rng.normal(centre, 0.5, (30, 2)) for centre in (0, 6)])
    frame = pd.DataFrame(points, columns=["visits", "spend"])
    frame.insert(0, "customer", [f"c{i:02d}" for i in range(len(frame))])
    return frame


def metrics(seed: int = 0) -> pd.DataFrame:
    """Hourly CPU of two hosts over ten days, with a spike on each."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range("2024-01-01", periods=240, freq="h")
    frames = []
    for host, spike in (("web1", 100), ("web2", 180)):
        cpu = 40 + 10 * np.sin(np.arange(240) * 2 * np.pi / 24) + rng.normal(0, 1, 240)
        cpu[spike] += 60
        frames.append(pd.DataFrame({"time": hours, "host": host, "cpu": cpu}))
    return pd.concat(frames, ignore_index=True)


def orders(seed: int = 0) -> pd.DataFrame:
    """Forty users buying from twelve products of two kinds, each user mostly from one kind."""
    rng = np.random.default_rng(seed)
    rows = []
    for user in range(40):
        kind = user % 2
        for _ in range(6):
            product = int(rng.integers(0, 6)) * 2 + (kind if rng.random() < 0.85 else 1 - kind)
            rows.append({"customer": f"u{user:02d}", "product": f"p{product:02d}"})
    return pd.DataFrame(rows).drop_duplicates(ignore_index=True)
