"""A log file end to end: lines, templates, counts per window, and the windows and templates flagged.

:func:`detect_log_anomalies` is the whole job without a workspace (the
``detect-logs`` service adds the tables, the MLflow run and the report file).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mirae.core._result import Result

if TYPE_CHECKING:
    import pandas as pd

    from mirae.anomaly._logs_counts import LogAnomalyDetector
    from mirae.anomaly._logs_templates import LogTemplateMiner

__all__ = ["LogAnalysis", "detect_log_anomalies"]


@dataclass
class LogAnalysis(Result):
    """What :func:`detect_log_anomalies` found.

    Attributes
    ----------
    lines : DataFrame
        One row per input line: ``line``, ``time`` (empty where not parsed),
        ``template_id``, ``template``, ``parameters`` (JSON list), ``message``,
        ``reason`` (why a line has no time; empty otherwise), header fields.
    counts : DataFrame
        One row per template and window with lines in it (and per window where
        a regular template dropped): ``window_start``, ``window_end``,
        ``template_id``, ``template``, ``count``, ``expected`` (the template's
        median), ``score`` (the template's own, above 1 = anomalous),
        ``is_anomaly``, ``window_score``, ``window_anomaly``, ``reason``.
    windows : DataFrame
        One row per window: ``window_start``, ``lines``, ``score``, ``burst``,
        ``new``, ``shift``, ``is_anomaly``, ``reason``, ``template_id``.
    templates : DataFrame
        One row per template: ``template_id``, ``template``, ``lines``,
        ``first_seen``, ``last_seen``, ``is_new``, ``anomalous_windows``.
    """

    lines: pd.DataFrame = field(metadata={"wire": False})
    counts: pd.DataFrame = field(metadata={"wire": False})
    windows: pd.DataFrame = field(metadata={"wire": False})
    templates: pd.DataFrame = field(metadata={"wire": False})
    source: str = ""
    format_name: str = ""
    encoding: str = "utf-8"
    window: str = "5min"
    notes: list[str] = field(default_factory=list)
    miner: Any = field(default=None, metadata={"wire": False})
    detector: Any = field(default=None, metadata={"wire": False})

    @property
    def n_lines(self) -> int:
        """Lines read."""
        return len(self.lines)

    @property
    def n_unparsed(self) -> int:
        """Lines without a time (not matching the format, a bad time, or blank)."""
        return int((self.lines["reason"] != "").sum())

    @property
    def n_templates(self) -> int:
        """Templates found."""
        return len(self.templates)

    @property
    def n_anomalous_windows(self) -> int:
        """Windows flagged."""
        return int(self.windows["is_anomaly"].sum())

    @property
    def new_templates(self) -> list[str]:
        """Templates that first appeared after the warm-up."""
        return [str(t) for t in self.templates.loc[self.templates["is_new"], "template"]]

    def metrics(self) -> dict[str, float]:
        """The numbers an MLflow run records."""
        windows = len(self.windows)
        return {
            "lines": float(self.n_lines),
            "lines_unparsed": float(self.n_unparsed),
            "templates": float(self.n_templates),
            "new_templates": float(len(self.new_templates)),
            "windows": float(windows),
            "anomalous_windows": float(self.n_anomalous_windows),
            "anomalous_template_windows": float(self.counts["is_anomaly"].sum()),
            "anomaly_rate": self.n_anomalous_windows / windows if windows else 0.0,
        }

    def to_dict(self) -> dict[str, Any]:
        """Counts, the flagged windows and the new templates as JSON-ready data."""
        from mirae.core._json import to_jsonable

        flagged = self.windows.loc[self.windows["is_anomaly"]].head(50)
        reasons = self.lines.loc[self.lines["reason"] != "", "reason"].value_counts()
        return {
            "source": self.source,
            "format": self.format_name,
            "encoding": self.encoding,
            "window": self.window,
            "metrics": self.metrics(),
            "unparsed_by_reason": {str(k): int(v) for k, v in reasons.items()},
            "anomalous_windows": to_jsonable(flagged.to_dict("records")),
            "new_templates": self.new_templates,
            "notes": list(self.notes),
        }

    def report(self, provenance: dict[str, Any] | None = None) -> Any:
        """The HTML report of this analysis (:class:`~mirae.anomaly.LogReport`)."""
        from mirae.anomaly._logs_report import LogReport

        return LogReport(self, provenance=dict(provenance or {}))


def detect_log_anomalies(
    source: str | os.PathLike[str] | Sequence[str],
    *,
    format: str | None = None,  # noqa: A002 - the CLI's --format
    time_format: str | None = None,
    window: str = "5min",
    year: int | None = None,
    encoding: str | None = None,
    miner: LogTemplateMiner | None = None,
    detector: LogAnomalyDetector | None = None,
) -> LogAnalysis:
    """Mine the templates of a log, count them per window and flag the anomalous windows.

    Parameters
    ----------
    source : path or list of str
        A log file (UTF-8 or CP949 detected; see ``encoding``) or its lines.
    format, time_format : str, optional
        The line layout: a name in :data:`~mirae.anomaly.LOG_FORMATS` or a regex
        with named groups ``time`` and ``message`` (detected when omitted).
    window : str
        Width of a counting window (``5min``, ``1h``, ``1D``).
    year : int, optional
        Year of year-less times (syslog); default the current year.
    encoding : str, optional
        Text encoding of the file.
    miner, detector : optional
        A :class:`~mirae.anomaly.LogTemplateMiner` / :class:`~mirae.anomaly.LogAnomalyDetector`
        with the settings to use (defaults otherwise); fitted copies end up on the result.

    Examples
    --------
    >>> lines = [f"2024-05-01T10:{m:02d}:00 GET /api/items 200" for m in range(40)]
    >>> lines += [f"2024-05-01T10:41:{s:02d} Denied user u{s} from 10.0.0.{s}" for s in range(30)]
    >>> analysis = detect_log_anomalies(lines, window="5min")
    >>> analysis.n_templates, analysis.windows.loc[analysis.windows["is_anomaly"], "reason"].tolist()
    (2, ['new'])
    """
    import numpy as np

    from mirae.anomaly._logs_counts import LogAnomalyDetector, count_windows
    from mirae.anomaly._logs_lines import parse_lines, read_log_lines
    from mirae.anomaly._logs_templates import LogTemplateMiner

    if isinstance(source, str | os.PathLike):
        raw, used_encoding = read_log_lines(source, encoding)
        label = os.fspath(source)
    else:
        raw, used_encoding, label = list(source), "utf-8", "<lines>"
    parsed = parse_lines(raw, format, time_format, year=year)
    lines = parsed.frame
    miner = (miner or LogTemplateMiner()).clone()
    miner.fit(lines["message"])
    lines["template_id"] = miner.labels_
    lines["template"] = [miner.templates_[i] for i in miner.labels_]
    lines["parameters"] = [
        json.dumps(p, ensure_ascii=False) for p in miner.parameters(lines["message"], miner.labels_)
    ]
    wide = count_windows(lines["time"], lines["template_id"], window)
    detector = (detector or LogAnomalyDetector()).clone()
    detector.fit(wide)
    explained = detector.explain(wide)
    own = detector.template_scores(wide)
    width = wide.index[1] - wide.index[0] if len(wide.index) > 1 else None
    windows = explained.rename(columns={"template": "template_id"}).assign(
        lines=wide.sum(axis=1).to_numpy(), is_anomaly=explained["score"] > detector.threshold_
    )
    windows = windows.rename_axis("window_start").reset_index()
    windows = windows[
        ["window_start", "lines", "score", "burst", "new", "shift", "is_anomaly", "reason", "template_id"]
    ]
    windows["template_id"] = windows["template_id"].astype("Int64")
    counts = _long_counts(wide, own, windows, detector, miner, width)
    templates = _template_table(lines, miner, detector, counts)
    ordered = ["line", "time", "template_id", "template", "parameters", "message", "reason"]
    lines = lines[ordered + [c for c in lines.columns if c not in ordered]]
    notes = list(parsed.notes)
    if parsed.unparsed:
        notes.append(
            f"{parsed.unparsed:,} of {len(lines):,} lines have no time (see their reason); they are not counted in windows"
        )
    if not np.isfinite(detector.shift_limit_):
        notes.append(f"too few windows with {detector.min_lines}+ lines to judge the template mix")
    return LogAnalysis(
        lines=lines,
        counts=counts,
        windows=windows,
        templates=templates,
        source=label,
        format_name=parsed.format_name,
        encoding=used_encoding,
        window=str(window),
        notes=notes,
        miner=miner,
        detector=detector,
    )


def _long_counts(
    wide: pd.DataFrame, own: pd.DataFrame, windows: pd.DataFrame, detector: Any, miner: Any, width: Any
) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    stacked: pd.Series = wide.stack()  # type: ignore[assignment]
    counts = stacked.rename("count").rename_axis(["window_start", "template_id"]).reset_index()
    scores = own.reindex(columns=wide.columns).stack().to_numpy()
    counts["score"] = scores
    keep = (counts["count"] > 0) | (counts["score"] > detector.threshold_)
    counts = counts.loc[keep].reset_index(drop=True)
    median = dict(zip(detector.columns_, detector.median_, strict=True))
    counts["expected"] = counts["template_id"].map(median).astype(float)
    counts["is_anomaly"] = counts["score"] > detector.threshold_
    per_window = windows.set_index("window_start")
    counts["window_score"] = counts["window_start"].map(per_window["score"]).astype(float)
    counts["window_anomaly"] = counts["window_start"].map(per_window["is_anomaly"]).astype(bool)
    new = detector._new_mask(wide)  # noqa: SLF001 - the same module family
    new_pairs = {(wide.index[i], wide.columns[j]) for i, j in zip(*np.nonzero(new), strict=True)}
    reasons = []
    for start, tid, count, score, exp in zip(
        counts["window_start"],
        counts["template_id"],
        counts["count"],
        counts["score"],
        counts["expected"],
        strict=True,
    ):
        if score <= detector.threshold_:
            reasons.append("")
        elif (start, tid) in new_pairs:
            reasons.append("new")
        else:
            reasons.append("burst" if count > exp else "drop")
    counts["reason"] = reasons
    counts["window_end"] = counts["window_start"] + (width if width is not None else pd.Timedelta(0))
    counts["template"] = [miner.templates_[int(i)] for i in counts["template_id"]]
    columns = ["window_start", "window_end", "template_id", "template", "count", "expected", "score",
               "is_anomaly", "window_score", "window_anomaly", "reason"]  # fmt: skip
    out = counts[columns].copy()
    out["count"] = out["count"].astype("int64")
    out["template_id"] = out["template_id"].astype("int64")
    return out


def _template_table(lines: pd.DataFrame, miner: Any, detector: Any, counts: pd.DataFrame) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    table = miner.template_table()
    timed = lines.dropna(subset=["time"])
    span = timed.groupby("template_id")["time"].agg(["min", "max"])
    table["first_seen"] = table["template_id"].map(span["min"])
    table["last_seen"] = table["template_id"].map(span["max"])
    known = dict(zip(detector.columns_, detector.known_, strict=True))
    table["is_new"] = [t in known and not bool(known[t]) for t in table["template_id"]]
    flagged = counts.loc[counts["is_anomaly"]].groupby("template_id").size()
    table["anomalous_windows"] = table["template_id"].map(flagged).fillna(0).astype("int64")
    table["first_seen"] = pd.to_datetime(table["first_seen"])
    table["last_seen"] = pd.to_datetime(table["last_seen"])
    return table.sort_values(["lines", "template_id"], ascending=[False, True], ignore_index=True).astype(
        {"lines": np.int64}
    )
