"""The forecast report: history, forecast and intervals per series, level by level, and the backtest leaderboard.

Built from plain tables (this layer knows no forecaster): the history of every
series at every hierarchy level, the stored forecasts, and the leaderboard.
Each level gets one chart with a drop-down of its series (total → group →
product → item), the largest series first; the leaderboard shows each model's
coverage (the share of series it was backtested on).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mirae.core._json import frame_to_dict, to_jsonable
from mirae.core._result import Report

__all__ = ["ForecastReport"]

#: Series per level offered in a chart's drop-down (the largest by volume); the rest are in the table.
MAX_SERIES = 30
#: History periods shown before the forecast.
MAX_HISTORY = 156
#: Level order in the page, top down.
_LEVEL_ORDER = {"total": 0, "bottom": 99}


@dataclass
class ForecastReport(Report):
    """What a forecast run produced, for people.

    Attributes
    ----------
    target : str
        The column forecast.
    history : DataFrame
        ``unique_id``, ``ds``, ``y`` of every series at every level.
    forecast : DataFrame
        ``unique_id``, ``ds``, ``forecast`` and its ``forecast_lo_<L>`` / ``forecast_hi_<L>`` columns.
    levels : dict
        Series id → hierarchy level (``total``, a hierarchy column, ``bottom``).
    leaderboard : DataFrame
        Backtest metrics per model with ``series``, ``coverage`` and ``wins``.
    notes : list of str
    provenance : dict
        Table, snapshot, MLflow run, model version.
    """

    target: str
    history: pd.DataFrame
    forecast: pd.DataFrame
    levels: dict[str, str] = field(default_factory=dict)
    leaderboard: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    #: The seasonal-index method's table (``group``, ``position``, ``index``) and its steps
    #: (``group``, ``ds``, ``actual``, ``trend``, ..., ``index``), when it ran.
    seasonal_index: pd.DataFrame | None = None
    seasonal_steps: pd.DataFrame | None = None
    seasonal_used: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Wire data: the tables as ``{"columns", "data", ...}``."""
        return {
            "kind": "forecast_report",
            "target": self.target,
            "history": frame_to_dict(self.history),
            "forecast": frame_to_dict(self.forecast),
            "levels": dict(self.levels),
            "leaderboard": None if self.leaderboard is None else frame_to_dict(self.leaderboard),
            "notes": list(self.notes),
            "provenance": to_jsonable(self.provenance),
            "seasonal_index": None if self.seasonal_index is None else frame_to_dict(self.seasonal_index),
            "seasonal_used": self.seasonal_used,
        }

    def to_html(
        self, path: str | os.PathLike[str] | None = None, *, lang: str = "ko", shared_js: bool = False
    ) -> str:
        """The report page (Plotly charts, offline); written to ``path`` when given."""
        from mirae.core._page import finish_page

        return finish_page(_render(self, lang), path, shared_js=shared_js)


def _level_rank(level: str) -> int:
    return _LEVEL_ORDER.get(level, 50)


def _render(report: ForecastReport, lang: str) -> str:

    from mirae.core._i18n import check_lang, heading, label
    from mirae.evaluate._html import _Page, _table

    lang = check_lang(lang)
    page = _Page(lang)
    title = f"{label('forecast_report', lang)} — {report.target}"
    page.facts += [
        (label("series", lang), f"{report.history['unique_id'].nunique():,}"),
        (label("horizon", lang), f"{report.forecast['ds'].nunique():,}"),
    ]
    page.provenance(report.provenance)
    for text in report.notes:
        page.note(text)
    if report.leaderboard is not None and len(report.leaderboard):
        page.h2("leaderboard")
        page.note(label("coverage_note", lang))
        page.parts.append(
            _table(report.leaderboard.set_index("model"), lang, index_label=label("model", lang))
        )
    by_level: dict[str, list[str]] = {}
    for series, level in report.levels.items():
        by_level.setdefault(level, []).append(series)
    for level in sorted(by_level, key=_level_rank):
        ids = by_level[level]
        volume = report.history[report.history["unique_id"].isin(ids)].groupby("unique_id")["y"].sum()
        shown = [str(i) for i in volume.sort_values(ascending=False).index[:MAX_SERIES]]
        page.h2(f"level-{_level_rank(level)}", f"{heading(level, lang)} ({len(ids):,})")
        if len(ids) > len(shown):
            page.note(label("largest_series_note", lang).format(shown=len(shown), total=len(ids)))
        page.chart(_level_figure(report, shown, lang))
    if report.seasonal_index is not None and len(report.seasonal_index):
        _seasonal_section(page, report, lang)
    return page.page(title)


def _seasonal_section(page: Any, report: ForecastReport, lang: str) -> None:
    """The index per period of each group (a drop-down) and the steps of the first group's last cycle."""
    import plotly.graph_objects as go

    from mirae.core._i18n import label
    from mirae.evaluate._html import _table

    assert report.seasonal_index is not None
    page.h2("seasonal_index_section")
    page.note(label("seasonal_index_note", lang).format(used=report.seasonal_used))
    groups = [str(g) for g in report.seasonal_index["group"].drop_duplicates()][:MAX_SERIES]
    figure = go.Figure()
    for k, group in enumerate(groups):
        rows = report.seasonal_index[report.seasonal_index["group"].astype(str) == group]
        figure.add_bar(
            x=rows["position"], y=rows["index"], name=group, visible=k == 0, marker={"color": "#1f3a5f"}
        )
    buttons = [
        {
            "label": g,
            "method": "update",
            "args": [{"visible": [j == k for j in range(len(groups))]}, {"title.text": g}],
        }
        for k, g in enumerate(groups)
    ]
    figure.update_layout(
        title={"text": groups[0] if groups else ""},
        xaxis={"title": {"text": label("position", lang)}},
        yaxis={"title": {"text": label("index", lang)}},
        updatemenus=[{"buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.18}]
        if len(groups) > 1
        else [],
        margin={"t": 70, "l": 60, "r": 20, "b": 40},
    )
    figure.add_hline(y=1.0, line={"dash": "dot", "color": "#7b8794"})
    page.chart(figure)
    if report.seasonal_steps is not None and len(report.seasonal_steps):
        page.h2("seasonal_steps")
        steps = report.seasonal_steps.copy()
        steps["ds"] = pd.to_datetime(steps["ds"]).dt.date.astype(str)
        page.parts.append(_table(steps.set_index("ds").drop(columns=["group"], errors="ignore"), lang))


def _bands(forecast: pd.DataFrame) -> tuple[str, str] | None:
    """The widest interval's columns."""
    levels = sorted(
        {
            int(c.rsplit("_", 1)[1])
            for c in forecast.columns
            if c.startswith("forecast_lo_") and c[12:].isdigit()
        }
    )
    return (f"forecast_lo_{levels[-1]}", f"forecast_hi_{levels[-1]}") if levels else None


def _level_figure(report: ForecastReport, ids: list[str], lang: str) -> Any:
    import plotly.graph_objects as go

    from mirae.core._i18n import label

    figure = go.Figure()
    band = _bands(report.forecast)
    per_series = 3 if band else 2
    for k, series in enumerate(ids):
        hist = report.history[report.history["unique_id"] == series].tail(MAX_HISTORY)
        fc = report.forecast[report.forecast["unique_id"] == series]
        visible = k == 0
        figure.add_scatter(
            x=hist["ds"], y=hist["y"], mode="lines", name=label("history", lang), visible=visible,
            line={"color": "#1f3a5f"},
        )  # fmt: skip
        if band:
            figure.add_scatter(
                x=list(fc["ds"]) + list(fc["ds"])[::-1],
                y=list(fc[band[1]]) + list(fc[band[0]])[::-1],
                fill="toself", fillcolor="rgba(214,110,42,0.18)", line={"width": 0}, hoverinfo="skip",
                name=label("interval", lang) + f" ({band[0].rsplit('_', 1)[1]}%)", visible=visible,
            )  # fmt: skip
        figure.add_scatter(
            x=fc["ds"], y=fc["forecast"], mode="lines+markers", name=label("forecast", lang), visible=visible,
            line={"color": "#d66e2a"},
        )  # fmt: skip
    buttons = []
    for k, series in enumerate(ids):
        mask = [False] * (per_series * len(ids))
        mask[k * per_series : (k + 1) * per_series] = [True] * per_series
        buttons.append(
            {"label": series, "method": "update", "args": [{"visible": mask}, {"title.text": series}]}
        )
    figure.update_layout(
        title={"text": ids[0] if ids else ""},
        updatemenus=[{"buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.18, "yanchor": "top"}]
        if len(ids) > 1
        else [],
        margin={"t": 70, "l": 60, "r": 20, "b": 40},
        legend={"orientation": "h"},
    )
    return figure
