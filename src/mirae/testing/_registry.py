"""Every estimator mirae ships, with small data to check it on; task packages register theirs here."""

from __future__ import annotations

from typing import Any

from mirae.testing._checks import Case

__all__ = ["register_case", "shipped_cases"]

_REGISTERED: dict[str, Case] = {}


def register_case(case: Case) -> Case:
    """Add ``case`` to the conformance suite (a new estimator gets every check for free)."""
    _REGISTERED[case.name] = case
    return case


def _table(task: str, n: int = 120, seed: int = 0, *, numeric: bool = False) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.uniform(0, 10, size=n),
            "segment": rng.choice(["a", "b", "c"], size=n),
        }
    )
    X.loc[rng.choice(n, 6, replace=False), "x2"] = np.nan
    signal = X["x1"] + 0.2 * X["x2"].fillna(5) + (X["segment"] == "b")
    if numeric:  # the boosters take what the preprocessing hands them: numbers, NaN allowed
        X["segment"] = (X["segment"] == "b").astype(float)
    if task == "classification":
        y = pd.Series(np.where(signal + rng.normal(scale=0.5, size=n) > 1.5, "yes", "no"), name="y")
    else:
        y = pd.Series(3 * signal + rng.normal(scale=0.3, size=n), name="y")
    return {"X": X, "y": y}


def _panel(h: int = 4, hierarchy: bool = False, exog: bool = False) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from mirae.forecast import ForecastData

    weeks = pd.date_range("2022-01-03", periods=70, freq="W-MON")
    rng = np.random.default_rng(1)
    frames = []
    for k, (item, group) in enumerate((("a", "G1"), ("b", "G1"), ("c", "G2"))):
        season = 5 * np.sin(2 * np.pi * np.arange(len(weeks)) / 52)
        units = np.maximum(0, 20 + 3 * k + season + rng.normal(scale=2, size=len(weeks))).round()
        price = np.where(np.arange(len(weeks)) % 9 == 0, 8.0, 10.0)
        frames.append(
            pd.DataFrame({"item": item, "group": group, "week": weeks, "units": units, "price": price})
        )
    frame = pd.concat(frames, ignore_index=True)
    future = (
        frame.groupby("item").tail(h).assign(week=lambda f: f["week"] + pd.Timedelta(weeks=h), units=np.nan)
    )
    frame = pd.concat([frame, future], ignore_index=True) if exog else frame
    data = ForecastData.from_frame(
        frame,
        id_col="item",
        time_col="week",
        target_col="units",
        hierarchy=("group",) if hierarchy else (),
        exog=("price",) if exog else (),
    )
    return {"data": data, "h": h}


def shipped_cases() -> list[Case]:
    """A case for every estimator mirae ships, then the registered ones."""
    from mirae.forecast import (
        AutoForecaster,
        GlobalBoostForecaster,
        HierarchicalForecaster,
        SeasonalIndexForecaster,
        StatisticalForecaster,
    )
    from mirae.supervised import AutoClassifier, AutoRegressor, BoostedClassifier, BoostedRegressor

    small_boost: dict[str, Any] = {"num_leaves": 7, "min_child_samples": 5, "verbose": -1}
    quick_stat: dict[str, Any] = {"models": ("ETS", "SeasonalNaive"), "intermittent_models": ()}
    cases = [
        Case(
            "AutoClassifier",
            lambda: AutoClassifier(models=["linear", "lightgbm"], n_folds=2, n_trials=2, ensemble=False),
            lambda: _table("classification"),
        ),
        Case(
            "AutoRegressor",
            lambda: AutoRegressor(models=["linear", "lightgbm"], n_folds=2, n_trials=2, ensemble=False),
            lambda: _table("regression"),
        ),
        Case(
            "BoostedClassifier",
            lambda: BoostedClassifier(params=dict(small_boost), max_rounds=40, early_stopping_rounds=5),
            lambda: _table("classification", numeric=True),
        ),
        Case(
            "BoostedRegressor",
            lambda: BoostedRegressor(params=dict(small_boost), max_rounds=40, early_stopping_rounds=5),
            lambda: _table("regression", numeric=True),
        ),
        Case("StatisticalForecaster", lambda: StatisticalForecaster(**quick_stat), _panel),
        Case("SeasonalIndexForecaster", SeasonalIndexForecaster, _panel),
        Case(
            "GlobalBoostForecaster",
            lambda: GlobalBoostForecaster(lags=(1, 2, 4), windows=(4,), country=None, n_estimators=30),
            lambda: _panel(exog=True),
        ),
        Case(
            "AutoForecaster",
            lambda: AutoForecaster(
                forecasters=[StatisticalForecaster(**quick_stat), SeasonalIndexForecaster()], n_windows=1
            ),
            _panel,
        ),
        Case(
            "HierarchicalForecaster",
            lambda: HierarchicalForecaster(base=StatisticalForecaster(**quick_stat), method="bottom_up"),
            lambda: _panel(hierarchy=True),
        ),
    ]
    cases += _segment_cases()
    cases += _log_cases()
    cases += _metric_anomaly_cases()
    cases += _recommend_cases()
    return [*cases, *_REGISTERED.values()]


def _customers(n: int = 150, seed: int = 3) -> dict[str, Any]:
    """RFM-like features of three customer groups, skewed like real spend (a few values missing)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, n)
    X = pd.DataFrame(
        {
            "recency": rng.gamma(2.0, 10.0, n) + np.array([0.0, 60, 200])[group],
            "frequency": rng.poisson(np.array([12.0, 4, 1])[group]) + 1.0,
            "monetary": rng.lognormal(np.array([7.0, 5.5, 4.0])[group], 0.5),
        }
    )
    X.loc[rng.choice(n, 4, replace=False), "monetary"] = np.nan
    return {"X": X}


def _segment_cases() -> list[Case]:
    """The segmenters of mirae.segment (issue 12)."""
    from mirae.segment import GaussianMixtureSegmenter, KMeansSegmenter, RFMScoreSegmenter

    return [
        Case("KMeansSegmenter", lambda: KMeansSegmenter(k_range=(2, 5), stability_runs=2), _customers),
        Case(
            "GaussianMixtureSegmenter",
            lambda: GaussianMixtureSegmenter(k_range=(2, 4), stability_runs=2),
            _customers,
        ),
        Case(
            "RFMScoreSegmenter",
            RFMScoreSegmenter,
            lambda: {"X": _customers()["X"].fillna({"monetary": 0.0})},
        ),
    ]


def _log_messages(n: int = 200, seed: int = 5) -> list[str]:
    """Messages of a small service log: requests, logins, a burst of denials near the end."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        kind = rng.choice(3, p=[0.6, 0.3, 0.1]) if k < n - 20 else 2
        if kind == 0:
            out.append(f"GET /api/items/{rng.integers(1000)} 200 in {rng.integers(5, 90)}ms")
        elif kind == 1:
            out.append(f"user u{rng.integers(50)} logged in from 10.0.{rng.integers(9)}.{rng.integers(250)}")
        else:
            out.append(f"Denied access for user u{rng.integers(50)} to /admin")
    return out


def _log_cases() -> list[Case]:
    """Log template mining and per-window log anomaly detection (mirae.anomaly, issue 12)."""
    import pandas as pd

    from mirae.anomaly import LogAnomalyDetector, LogTemplateMiner, count_windows

    def counts() -> dict[str, Any]:
        miner = LogTemplateMiner().fit(_log_messages())
        times = pd.Series(pd.date_range("2024-03-04 09:00", periods=200, freq="37s"))
        return {"X": count_windows(times, pd.Series(miner.labels_), "5min")}

    return [
        Case("LogTemplateMiner", LogTemplateMiner, lambda: {"X": pd.DataFrame({"message": _log_messages()})}),
        Case("LogAnomalyDetector", lambda: LogAnomalyDetector(warmup=3), counts),
    ]


def _metric_frame(n: int = 24 * 12, seed: int = 3) -> dict[str, Any]:
    """Hourly CPU of one host with a daily cycle and two incidents; ``X`` is ``ts`` + ``cpu``."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    ts = pd.date_range("2024-05-06", periods=n, freq="h")
    cpu = 40 + 12 * np.sin(2 * np.pi * np.asarray(ts.hour) / 24) + rng.normal(0, 1.5, n)
    cpu[100] += 25
    cpu[200:204] -= 20
    cpu[50] = np.nan
    latency = 3 * cpu + rng.normal(0, 2, n)
    return {"X": pd.DataFrame({"ts": ts, "cpu": cpu, "latency": latency})}


def _metric_anomaly_cases() -> list[Case]:
    """Metric anomaly detectors (mirae.anomaly, issue 12). One-metric detectors take ``ts`` + ``cpu``."""
    from mirae.anomaly import (
        AutoDetector,
        BandDetector,
        CorrelationBreakDetector,
        MetricDetector,
        MultivariateDetector,
        PolyDetector,
        SubPCADetector,
    )

    windowed = {"batch_equals_row_by_row": "scores a row from the window around it: one row has no window"}
    one: dict[str, Any] = {"time_col": "ts", "value_col": "cpu"}

    def univariate() -> dict[str, Any]:
        return {"X": _metric_frame()["X"][["ts", "cpu"]]}

    def metrics() -> dict[str, Any]:
        return {"X": _metric_frame()["X"][["cpu", "latency"]].fillna(40.0)}

    return [
        Case("BandDetector", lambda: BandDetector(**one), univariate),
        Case("AutoDetector", lambda: AutoDetector(**one), univariate),
        Case("SubPCADetector", lambda: SubPCADetector(window=24, **one), univariate, skip=windowed),
        Case("PolyDetector", lambda: PolyDetector(**one), univariate, skip=windowed),
        Case(
            "MultivariateDetector",
            lambda: MultivariateDetector(random_state=0, n_estimators=50),
            metrics,
        ),
        Case("MultivariateDetector-ecod", lambda: MultivariateDetector(method="ecod"), metrics),
        Case("MultivariateDetector-pca", lambda: MultivariateDetector(method="pca"), metrics),
        Case("CorrelationBreakDetector", lambda: CorrelationBreakDetector(window=24), metrics, skip=windowed),
        Case(
            "MetricDetector",
            lambda: MetricDetector(time_col="ts", value_cols=("cpu",), method="band"),
            univariate,
        ),
    ]


def _interactions(seed: int = 7) -> dict[str, Any]:
    """Ratings of 40 users on 30 items in three taste groups (a few duplicates), item text, and users to ask.

    The users asked include one unknown to the model (the cold-start answer).
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    rows = []
    for user in range(40):
        group = user % 3
        liked = rng.choice(np.arange(group * 10, group * 10 + 10), size=5, replace=False)
        other = rng.choice(30, size=2, replace=False)
        for item in [*liked, *other]:
            rows.append((f"u{user}", int(item), int(rng.integers(1, 6)), int(rng.integers(0, 10_000))))
    rows += rows[:3]
    frame = pd.DataFrame(rows, columns=["user", "item", "rating", "time"])
    words = (
        ["space robots war", "love paris romance", "crime detective night"],
        ["우주 로봇", "사랑 파리", "범죄 탐정"],
    )
    items = pd.DataFrame(
        {
            "item": np.arange(32),  # items 30 and 31 are known only from their text
            "title": [f"title {i}" for i in range(32)],
            "text": [f"{words[0][i % 30 // 10]} {words[1][i % 30 // 10]} {i}" for i in range(32)],
            "genre": [["scifi", "romance", "crime"][i % 30 // 10] for i in range(32)],
        }
    )
    return {"interactions": frame, "items": items, "users": ["u0", "u1", "u5", "nobody"]}


def _recommend_cases() -> list[Case]:
    """The recommenders of mirae.recommend (issue 14)."""
    from mirae.recommend import (
        ALSRecommender,
        ContentRecommender,
        EASERecommender,
        HybridRecommender,
        ItemKNNRecommender,
        PopularityRecommender,
    )

    def data() -> dict[str, Any]:
        found = _interactions()
        return {"interactions": found["interactions"], "users": found["users"]}

    def items() -> Any:
        return _interactions()["items"]

    return [
        Case("PopularityRecommender", PopularityRecommender, data),
        Case("ItemKNNRecommender", lambda: ItemKNNRecommender(neighbors=10, diversity=0.3), data),
        Case(
            "EASERecommender",
            lambda: EASERecommender(l2=10.0, weighting="rating", rating_col="rating", time_col="time"),
            data,
        ),
        Case("ALSRecommender", lambda: ALSRecommender(factors=4, iterations=3, n_threads=1), data),
        Case(
            "ContentRecommender",
            lambda: ContentRecommender(items=items(), text_cols=("text",), n_components=4),
            data,
        ),
        Case(
            "HybridRecommender",
            lambda: HybridRecommender(
                items=items(), name_col="title", category_col="genre", n_components=4, diversity=0.3
            ),
            data,
        ),
        Case(
            "HybridRecommender-itemknn",
            lambda: HybridRecommender(cf=ItemKNNRecommender(neighbors=5)),
            data,
        ),
    ]
