"""Many metric series at once: one detector per series (grouped by a column such as host), one table out.

:class:`MetricDetector` is what the service and the command line run: a long
frame with a time column, one or more metric columns and optional group
columns goes in; :meth:`MetricDetector.detect` returns every input row scored
(with the normal range for band methods) and one row per alert.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import pandas as pd

from mirae.anomaly._auto import AutoDetector
from mirae.anomaly._band import BandDetector
from mirae.anomaly._events import EVENT_COLUMNS, group_events
from mirae.anomaly._multivariate import CorrelationBreakDetector, MultivariateDetector
from mirae.anomaly._window import PolyDetector, SubPCADetector
from mirae.base import AnomalyDetector
from mirae.core._result import Result
from mirae.errors import AnomalyError, ConfigError

__all__ = ["METHODS", "MULTI_METRIC_METHODS", "Detection", "MetricDetector"]

#: One-metric methods (each metric column is its own series) and their detectors.
_UNIVARIATE: dict[str, type[Any]] = {
    "auto": AutoDetector,
    "band": BandDetector,
    "subpca": SubPCADetector,
    "poly": PolyDetector,
}
#: Methods that score all metric columns of a row together.
MULTI_METRIC_METHODS = ("iforest", "ecod", "pca", "correlation")
#: Every method by name.
METHODS = (*_UNIVARIATE, *MULTI_METRIC_METHODS)
DUPLICATES = ("mean", "last", "error")
_SEP = "\x1f"


@dataclass
class Detection(Result):
    """What :meth:`MetricDetector.detect` found.

    Attributes
    ----------
    scored : DataFrame
        Every input row (same order) with ``score``, ``is_anomaly``,
        ``expected``, ``lower``, ``upper`` (the normal range; band methods),
        ``direction`` and ``method``; with several metrics and a one-metric
        method, per-metric columns ``<metric>_score`` ... and ``metric`` (the
        most anomalous metric of a flagged row).
    events : DataFrame
        One row per alert: group columns, ``metric``, ``start``, ``end``,
        ``rows``, ``peak_time``, ``peak_score``, ``peak_value``, ``direction``, ``method``.
    series : DataFrame
        One row per series and metric: rows, the method used and why, anomalies, events.
    notes : list
        ``(message key, parameters)`` about the data (duplicates, gaps, missing values, constants).
    """

    scored: pd.DataFrame
    events: pd.DataFrame
    series: pd.DataFrame
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Wire data: the events and series tables, counts and notes (not every scored row)."""
        from mirae.core._json import frame_to_dict

        return {
            "rows": len(self.scored),
            "anomalies": int(self.scored["is_anomaly"].sum()),
            "events": frame_to_dict(self.events),
            "series": frame_to_dict(self.series),
            "notes": [{"key": k, "params": p} for k, p in self.notes],
        }


def _where(label: str) -> str:
    return f"{label}: " if label else ""


def _key(group: tuple[Any, ...], metric: str) -> str:
    return _SEP.join([*(str(g) for g in group), metric])


class MetricDetector(AnomalyDetector):
    """Anomalies in metric series: one detector per group and metric (or per group over all metrics).

    Parameters
    ----------
    time_col : str, optional
        Time column (without it, the row order within each group is time).
    value_cols : sequence of str, optional
        Metric columns (default: every numeric column that is not a group or the time).
    by : sequence of str
        Group columns (e.g. ``("host",)``): each group is its own series.
    method : str
        One metric at a time: ``auto`` (the rule of :class:`AutoDetector`),
        ``band`` (normal range), ``subpca``, ``poly``; all metrics together:
        ``iforest``, ``ecod``, ``pca``, ``correlation`` (correlation breaks; needs two metrics).
    threshold, contamination
        The threshold rule of each series' detector (a robust z-score, or a
        training-score quantile; by default each method's own, see
        :func:`~mirae.anomaly._univariate.threshold_from`).
    min_duration, cooldown : int
        Rows an alert needs, and unflagged rows that may separate flagged rows of one alert.
    duplicates : {'mean', 'last', 'error'}
        Rows of one series sharing a timestamp: averaged, the last kept, or refused.
    seasonality, window
        Passed to the band (seasonality) and window detectors.
    random_state : int, optional
        Seed of the isolation forest.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> ts = pd.date_range("2026-03-01", periods=24 * 28, freq="h")
    >>> rng = np.random.default_rng(0)
    >>> daily = 40 + 10 * np.sin(2 * np.pi * np.asarray(ts.hour) / 24)
    >>> frame = pd.concat(
    ...     [pd.DataFrame({"host": h, "ts": ts, "cpu": daily + rng.normal(0, 1, ts.size)}) for h in ("web-1", "web-2")],
    ...     ignore_index=True)
    >>> frame.loc[100, "cpu"] += 10
    >>> model = MetricDetector(time_col="ts", value_cols=("cpu",), by=("host",), method="band", threshold=5)
    >>> found = model.fit(frame).detect(frame)
    >>> found.events[["host", "start", "direction"]].to_dict("records")
    [{'host': 'web-1', 'start': Timestamp('2026-03-05 04:00:00'), 'direction': 'above'}]
    """

    tags = AnomalyDetector.tags.but(handles_missing=True)

    def __init__(
        self,
        *,
        time_col: str | None = None,
        value_cols: tuple[str, ...] | None = None,
        by: tuple[str, ...] = (),
        method: str = "auto",
        threshold: float | None = None,
        contamination: float | None = None,
        min_duration: int = 1,
        cooldown: int = 3,
        duplicates: str = "mean",
        seasonality: str | int = "auto",
        window: int | None = None,
        random_state: int | None = None,
    ) -> None:
        self.time_col = time_col
        self.value_cols = value_cols
        self.by = by
        self.method = method
        self.threshold = threshold
        self.contamination = contamination
        self.min_duration = min_duration
        self.cooldown = cooldown
        self.duplicates = duplicates
        self.seasonality = seasonality
        self.window = window
        self.random_state = random_state

    # -- settings and input ------------------------------------------------------------------------
    def _check(self, X: Any) -> list[str]:
        if self.method not in METHODS:
            msg = f"method must be one of {METHODS}; got {self.method!r}."
            raise ConfigError(msg)
        if self.duplicates not in DUPLICATES:
            msg = f"duplicates must be one of {DUPLICATES}; got {self.duplicates!r}."
            raise ConfigError(msg)
        if not isinstance(X, pd.DataFrame):
            msg = f"MetricDetector expects a pandas DataFrame; got {type(X).__name__}."
            raise AnomalyError(msg)
        named = [c for c in (*self.by, *([self.time_col] if self.time_col else [])) if c not in X.columns]
        if named:
            msg = f"column(s) {named} are not in the table (columns: {list(X.columns)})."
            raise AnomalyError(msg)
        skip = {*self.by, self.time_col}
        metrics = (
            list(self.value_cols)
            if self.value_cols
            else [c for c in X.columns if c not in skip and pd.api.types.is_numeric_dtype(X[c])]
        )
        if not metrics:
            msg = f"no numeric metric column to score (columns: {list(X.columns)}); name them with --value."
            raise AnomalyError(msg)
        if self.method == "correlation" and len(metrics) < 2:
            msg = f"method 'correlation' needs at least two metric columns; got {metrics}."
            raise AnomalyError(msg)
        return [str(m) for m in metrics]

    def _groups(self, X: pd.DataFrame) -> Iterator[tuple[tuple[Any, ...], pd.DataFrame]]:
        if not self.by:
            yield (), X
            return
        for key, rows in X.groupby(list(self.by), sort=True, dropna=False):
            yield (key if isinstance(key, tuple) else (key,)), rows

    def _series_frame(
        self, rows: pd.DataFrame, metrics: list[str], notes: list[tuple[str, dict[str, Any]]], label: str
    ) -> pd.DataFrame:
        """The group's rows in time order, one per timestamp (duplicates handled)."""
        if self.time_col is None:
            return rows[metrics].reset_index(drop=True)
        frame = rows[[self.time_col, *metrics]].copy()
        if not pd.api.types.is_numeric_dtype(frame[self.time_col]):
            parsed = pd.to_datetime(frame[self.time_col], errors="coerce")
            if parsed.isna().any():
                first = frame.loc[parsed.isna(), self.time_col].iloc[0]
                msg = (
                    f"time column {self.time_col!r} has {int(parsed.isna().sum()):,} missing or unreadable "
                    f"timestamp(s) (first: {first!r}); drop or fix those rows."
                )
                raise AnomalyError(msg)
            frame[self.time_col] = parsed
        for metric in metrics:
            column = frame[metric]
            if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
                bad = column[pd.to_numeric(column, errors="coerce").isna() & column.notna()]
                msg = (
                    f"metric column {metric!r} must be numeric; got {column.dtype}"
                    + (
                        f" with {len(bad):,} non-numeric value(s) (first: {bad.iloc[0]!r})"
                        if len(bad)
                        else ""
                    )
                    + ". Clean the column or pick a numeric one."
                )
                raise AnomalyError(msg)
        repeated = int(frame[self.time_col].duplicated().sum())
        if repeated:
            if self.duplicates == "error":
                first = frame.loc[frame[self.time_col].duplicated(), self.time_col].iloc[0]
                msg = (
                    f"{repeated:,} row(s) of {label or 'the series'} repeat a timestamp (first: {first}); "
                    "pass duplicates='mean' or 'last' (--duplicates) or deduplicate the table."
                )
                raise AnomalyError(msg)
            notes.append(
                (
                    "anomaly_note_duplicates",
                    {"where": _where(label), "rows": repeated, "how": self.duplicates},
                )
            )
            agg = "mean" if self.duplicates == "mean" else "last"
            frame = frame.groupby(self.time_col, sort=True)[metrics].agg(agg).reset_index()
        else:
            frame = frame.sort_values(self.time_col, kind="stable").reset_index(drop=True)
        if len(frame) > 2:
            stamps = frame[self.time_col]
            as_numbers = (
                stamps.to_numpy().astype("datetime64[ns]").astype(np.int64).astype(float)
                if pd.api.types.is_datetime64_any_dtype(stamps)
                else stamps.to_numpy(dtype=float)
            )
            steps: np.ndarray = np.diff(as_numbers)
            usual = float(np.median(steps))
            gaps = int(np.sum(steps > 1.5 * usual)) if usual > 0 else 0
            if gaps:
                notes.append(("anomaly_note_gaps", {"where": _where(label), "gaps": gaps}))
        return frame

    def _detector(self, metric: str | None) -> Any:
        common: dict[str, Any] = {"threshold": self.threshold, "contamination": self.contamination}
        if self.method in _UNIVARIATE:
            settings = {**common, "time_col": self.time_col, "value_col": metric}
            if self.method == "band":
                settings.update(seasonality=self.seasonality, window=self.window)
            elif self.method in ("subpca", "poly"):
                settings["window"] = self.window
            return _UNIVARIATE[self.method](**settings)
        if self.method == "correlation":
            return CorrelationBreakDetector(columns=tuple(self.metrics_), window=self.window or 48, **common)
        return MultivariateDetector(
            columns=tuple(self.metrics_), method=self.method, random_state=self.random_state, **common
        )

    # -- fit ---------------------------------------------------------------------------------------
    def fit(self, X: Any, y: Any = None) -> Self:
        """Fit one detector per group and metric (or per group for the multi-metric methods); return ``self``."""
        self.metrics_ = self._check(X)
        notes: list[tuple[str, dict[str, Any]]] = []
        detectors: dict[str, Any] = {}
        for group, rows in self._groups(X):
            label = ", ".join(str(g) for g in group)
            frame = self._series_frame(rows, self.metrics_, notes, label)
            if self.method in _UNIVARIATE:
                for metric in self.metrics_:
                    detectors[_key(group, metric)] = self._fit_one(
                        self._detector(metric), frame, label, metric
                    )
            else:
                detectors[_key(group, "+".join(self.metrics_))] = self._fit_one(
                    self._detector(None), frame[self.metrics_], label, "+".join(self.metrics_)
                )
        self.detectors_ = detectors
        self.notes_ = notes
        self.threshold_ = float("nan")  # rows are flagged by their series' own threshold_
        return self

    @staticmethod
    def _fit_one(detector: Any, frame: pd.DataFrame, label: str, metric: str) -> Any:
        try:
            return detector.fit(frame)
        except AnomalyError as exc:
            where = f" (series {label}, metric {metric})" if label else f" (metric {metric})"
            msg = f"{exc}{where}"
            raise AnomalyError(msg) from None

    # -- answers -----------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "detectors_"):
            msg = "this MetricDetector is not fitted yet; call fit(X) first."
            raise AnomalyError(msg)

    def anomaly_score(self, X: Any) -> Any:
        """The score of every row: its series' robust z-score (the highest over its metrics)."""
        return self.detect(X, events=False).scored["score"].to_numpy(dtype=float)

    def predict(self, X: Any) -> Any:
        """1 where a row is outside its series' threshold, else 0."""
        return self.detect(X, events=False).scored["is_anomaly"].to_numpy(dtype=int)

    def detect(self, X: Any, *, events: bool = True) -> Detection:
        """Score every row of ``X`` and group the flagged rows into events (see :class:`Detection`)."""
        self._check_fitted()
        metrics = self._check(X)
        if metrics != self.metrics_:
            msg = f"the detector was fitted on metrics {self.metrics_}; got {metrics}."
            raise AnomalyError(msg)
        notes: list[tuple[str, dict[str, Any]]] = []
        parts: list[pd.DataFrame] = []
        event_parts: list[pd.DataFrame] = []
        summary: list[dict[str, Any]] = []
        for group, rows in self._groups(X):
            label = ", ".join(str(g) for g in group)
            frame = self._series_frame(rows, metrics, notes, label)
            names = metrics if self.method in _UNIVARIATE else ["+".join(metrics)]
            per_metric: dict[str, pd.DataFrame] = {}
            for name in names:
                detector = self.detectors_.get(_key(group, name))
                if detector is None:
                    msg = f"series {label!r} was not in the data the detector was fitted on; fit it on this table."
                    raise AnomalyError(msg)
                details = self._details(detector, frame if name in metrics else frame[metrics])
                per_metric[name] = details
                found = self._events(details, frame, name, group, detector) if events else None
                if found is not None:
                    event_parts.append(found)
                summary.append(self._summary(group, name, detector, frame, details, found))
                if name in frame.columns and frame[name].isna().any():
                    missing = int(frame[name].isna().sum())
                    notes.append(
                        ("anomaly_note_missing", {"where": _where(label), "metric": name, "rows": missing})
                    )
                if summary[-1]["constant"]:
                    notes.append(("anomaly_note_constant", {"where": _where(label), "metric": name}))
            parts.append(self._back_to_rows(rows, frame, per_metric))
        scored = pd.concat(parts).reindex(X.index) if parts else pd.DataFrame(index=X.index)
        out = pd.concat([X, scored], axis=1)
        event_columns = [*self.by, "metric", *EVENT_COLUMNS, "method"]
        found_events = (
            pd.concat(event_parts, ignore_index=True) if event_parts else pd.DataFrame(columns=event_columns)
        )
        return Detection(
            scored=out,
            events=found_events[event_columns].sort_values("start", kind="stable").reset_index(drop=True),
            series=pd.DataFrame(summary),
            notes=[*self.notes_, *[n for n in notes if n not in self.notes_]],
        )

    def _details(self, detector: Any, frame: pd.DataFrame) -> pd.DataFrame:
        if hasattr(detector, "details"):
            return detector.details(frame)
        score = np.asarray(detector.anomaly_score(frame), dtype=float)
        return pd.DataFrame(
            {
                "score": score,
                "is_anomaly": np.nan_to_num(score, nan=-np.inf) > detector.threshold_,
                "expected": np.nan,
                "lower": np.nan,
                "upper": np.nan,
                "direction": None,
            },
            index=frame.index,
        )

    def _method_of(self, detector: Any) -> str:
        return str(getattr(detector, "method_", self.method))

    def _events(
        self, details: pd.DataFrame, frame: pd.DataFrame, name: str, group: tuple[Any, ...], detector: Any
    ) -> pd.DataFrame | None:
        time = frame[self.time_col] if self.time_col else pd.Series(np.arange(len(frame)), index=frame.index)
        values = frame[name] if name in frame.columns else pd.Series(np.nan, index=frame.index)
        found = group_events(
            details, time=time, values=values, min_duration=self.min_duration, cooldown=self.cooldown
        )
        if found.empty:
            return None
        for column, value in zip(self.by, group, strict=True):
            found[column] = value
        found["metric"] = name
        found["method"] = self._method_of(detector)
        return found

    def _summary(
        self,
        group: tuple[Any, ...],
        name: str,
        detector: Any,
        frame: pd.DataFrame,
        details: pd.DataFrame,
        found: pd.DataFrame | None,
    ) -> dict[str, Any]:
        inner = getattr(detector, "detector_", detector)
        reason = getattr(detector, "reason_", None)
        row: dict[str, Any] = dict(zip(self.by, group, strict=True))
        row.update(
            metric=name,
            method=self._method_of(detector),
            rows=len(frame),
            anomalies=int(details["is_anomaly"].sum()),
            events=0 if found is None else len(found),
            seasonality=getattr(inner, "seasonality_", None),
            strength=getattr(inner, "strength_", None),
            window=getattr(inner, "window_", None),
            constant=bool(getattr(inner, "constant_", False)),
            reason_key=None if reason is None else reason[0],
            reason_params=None if reason is None else dict(reason[1]),
            threshold=float(detector.threshold_),
        )
        return row

    def _back_to_rows(
        self, rows: pd.DataFrame, frame: pd.DataFrame, per_metric: dict[str, pd.DataFrame]
    ) -> pd.DataFrame:
        """The per-series results on the group's original rows (a repeated timestamp gets its series' row)."""
        names = list(per_metric)
        single = len(names) == 1
        if single:
            combined = per_metric[names[0]].copy()
            combined["metric"] = names[0]
        else:
            combined = pd.DataFrame(index=frame.index)
            for name in names:
                for column, values in per_metric[name].items():
                    combined[f"{name}_{column}"] = values
            scores = np.column_stack([per_metric[n]["score"].to_numpy(dtype=float) for n in names])
            filled = np.nan_to_num(scores, nan=-np.inf)
            top = np.argmax(filled, axis=1)
            combined["score"] = np.where(np.isfinite(filled).any(axis=1), filled.max(axis=1), np.nan)
            flags = np.column_stack([per_metric[n]["is_anomaly"].to_numpy(dtype=bool) for n in names])
            combined["is_anomaly"] = np.asarray(flags.any(axis=1), dtype=bool)
            combined["metric"] = np.array(names, dtype=object)[top]
            directions = np.column_stack([per_metric[n]["direction"].to_numpy(dtype=object) for n in names])
            combined["direction"] = directions[np.arange(len(top)), top]
        combined["method"] = self.method if self.method not in ("auto",) else None
        if self.method == "auto":
            chosen = {n: self._method_of(self.detectors_[_key(self._group_of(rows), n)]) for n in names}
            combined["method"] = chosen[names[0]] if single else combined["metric"].map(chosen)
        combined.loc[~combined["is_anomaly"].astype(bool), "metric"] = None if not single else names[0]
        if self.time_col is None:
            combined.index = rows.index
            return combined
        lookup = combined.set_index(frame[self.time_col].to_numpy())
        times = rows[self.time_col]
        if not pd.api.types.is_numeric_dtype(times):
            times = pd.to_datetime(times)
        mapped = lookup.reindex(times.to_numpy())
        mapped.index = rows.index
        return mapped

    def _group_of(self, rows: pd.DataFrame) -> tuple[Any, ...]:
        return tuple(rows[c].iloc[0] for c in self.by) if self.by else ()
