"""The anomaly report: per series the values, the normal range (정상 범위) shaded, flagged rows and alerts."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mirae.core._result import Report

__all__ = ["AnomalyReport"]

#: Series offered in the chart's drop-down (those with the most alerts first).
MAX_SERIES = 30
#: Rows drawn per series (the last ones).
MAX_POINTS = 5000
#: Alerts listed in the events table (highest peak score first).
MAX_EVENTS = 200


@dataclass
class AnomalyReport(Report):
    """What a metric anomaly run found, for people (Korean or English).

    Attributes
    ----------
    scored : DataFrame
        The scored rows (the time, group, metric and result columns).
    events, series : DataFrame
        :attr:`Detection.events` and :attr:`Detection.series`.
    time_col : str or None
    by : tuple of str
    metrics : list of str
    method : str
        The method asked for (``auto`` chooses per series).
    notes : list
        ``(message key, parameters)``.
    evaluation : dict
        Metrics against a label column, when one was given.
    provenance : dict
        Table, snapshot, MLflow run, model version.
    """

    scored: pd.DataFrame
    events: pd.DataFrame
    series: pd.DataFrame
    time_col: str | None
    by: tuple[str, ...]
    metrics: list[str]
    method: str
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    evaluation: dict[str, float] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    table: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Wire data: events, series, notes, evaluation and provenance (not every scored row)."""
        from mirae.core._json import frame_to_dict, to_jsonable

        return {
            "kind": "anomaly_report",
            "table": self.table,
            "method": self.method,
            "metrics": list(self.metrics),
            "events": frame_to_dict(self.events),
            "series": frame_to_dict(self.series),
            "notes": [{"key": k, "params": to_jsonable(p)} for k, p in self.notes],
            "evaluation": to_jsonable(self.evaluation),
            "provenance": to_jsonable(self.provenance),
        }

    def to_html(
        self, path: str | os.PathLike[str] | None = None, *, lang: str = "ko", shared_js: bool = False
    ) -> str:
        """The report page (Plotly charts, offline); written to ``path`` when given."""
        from mirae.core._page import finish_page

        return finish_page(_render(self, lang), path, shared_js=shared_js)


def _reason(row: dict[Any, Any], lang: str) -> str:
    from mirae.core._i18n import label, message

    key = row.get("reason_key")
    if isinstance(key, str) and key:
        return message(key, lang, **(row.get("reason_params") or {}))
    return label(f"anomaly_method_{row['method']}", lang)


def _season(seasonality: Any, lang: str) -> str:
    from mirae.anomaly._auto import profile_message
    from mirae.core._i18n import message

    if not isinstance(seasonality, str) or not seasonality:
        return "-"
    key, params = profile_message(seasonality)
    return message(key, lang, **params)


def _series_table(report: AnomalyReport, lang: str) -> str:
    from mirae.core._i18n import label

    rows = []
    for row in report.series.to_dict("records"):
        name = ", ".join(str(row[c]) for c in report.by)
        strength = row.get("strength")
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(v))}</td>"
                for v in (
                    name or "-",
                    row["metric"],
                    label(f"anomaly_method_{row['method']}", lang),
                    f"{row['rows']:,}",
                    f"{row['anomalies']:,}",
                    f"{row['events']:,}",
                    _season(row.get("seasonality"), lang),
                    "-" if strength is None or pd.isna(strength) else f"{float(strength):.2f}",
                )
            )
            + f'<td class="l">{html.escape(_reason(row, lang))}</td></tr>'
        )
    heads = [
        "anomaly_series",
        "anomaly_metric",
        "anomaly_method",
        "rows",
        "anomaly_flagged",
        "anomaly_events",
        "anomaly_seasonality",
        "anomaly_strength",
        "anomaly_why",
    ]
    head = "".join(f"<th>{html.escape(label(k, lang))}</th>" for k in heads)
    return f'<div class="scroll"><table><tr>{head}</tr>{"".join(rows)}</table></div>'


def _events_table(report: AnomalyReport, lang: str) -> str:
    from mirae.core._i18n import heading, label

    shown = report.events.sort_values("peak_score", ascending=False).head(MAX_EVENTS)
    columns = [
        *report.by,
        "metric",
        "start",
        "end",
        "rows",
        "peak_time",
        "peak_score",
        "peak_value",
        "direction",
    ]
    names = {
        "metric": "anomaly_metric",
        "start": "anomaly_start",
        "end": "anomaly_end",
        "rows": "rows",
        "peak_time": "anomaly_peak_time",
        "peak_score": "anomaly_peak_score",
        "peak_value": "anomaly_peak_value",
        "direction": "anomaly_direction",
    }
    head = "".join(
        f"<th>{html.escape(label(names[c], lang) if c in names else heading(c, lang))}</th>" for c in columns
    )
    body = []
    for row in shown.to_dict("records"):
        cells = []
        for c in columns:
            value = row[c]
            if c == "direction":
                text = label(f"anomaly_{value}", lang) if value in ("above", "below") else "-"
            elif isinstance(value, float):
                text = f"{value:,.3f}" if abs(value) < 1e5 else f"{value:,.0f}"
            else:
                text = str(value)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<div class="scroll"><table><tr>{head}</tr>{"".join(body)}</table></div>'


def _chart(report: AnomalyReport, lang: str) -> Any:
    """One chart, a drop-down of series: values, the normal range shaded, expected, flagged rows."""
    import numpy as np
    import plotly.graph_objects as go

    from mirae.core._i18n import label

    order = report.series.sort_values(["events", "anomalies"], ascending=False).head(MAX_SERIES)
    figure = go.Figure()
    titles: list[str] = []
    traces_per: list[int] = []
    for k, row in enumerate(order.to_dict("records")):
        rows = report.scored
        for column in report.by:
            rows = rows[rows[column] == row[column]]
        metric = str(row["metric"])
        single = len(report.metrics) == 1 or metric not in report.metrics
        prefix = "" if single else f"{metric}_"
        if report.time_col:
            rows = rows.sort_values(report.time_col, kind="stable")
        rows = rows.tail(MAX_POINTS)
        x = rows[report.time_col] if report.time_col else rows.index
        visible = k == 0
        count = 0
        lower, upper = rows.get(prefix + "lower"), rows.get(prefix + "upper")
        if lower is not None and upper is not None and lower.notna().any():
            figure.add_scatter(
                x=x, y=lower, mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False,
                visible=visible,
            )  # fmt: skip
            figure.add_scatter(
                x=x, y=upper, mode="lines", fill="tonexty", fillcolor="rgba(47,133,90,0.28)",
                line={"width": 0}, name=label("anomaly_normal_range", lang), visible=visible,
            )  # fmt: skip
            figure.add_scatter(
                x=x, y=rows[prefix + "expected"], mode="lines", name=label("anomaly_expected", lang),
                line={"color": "#2f855a", "dash": "dot", "width": 1}, visible=visible,
            )  # fmt: skip
            count += 3
        if metric in report.metrics:
            values = rows[metric]
        else:  # several metrics scored together: draw the score
            values = rows["score"]
        figure.add_scatter(
            x=x, y=values, mode="lines", name=label("value", lang) if metric in report.metrics
            else label("anomaly_score", lang), line={"color": "#1f3a5f", "width": 1}, visible=visible,
        )  # fmt: skip
        flagged = (
            rows[prefix + "is_anomaly"].astype(bool).to_numpy()
            if prefix + "is_anomaly" in rows
            else (rows["is_anomaly"].astype(bool).to_numpy())
        )
        figure.add_scatter(
            x=np.asarray(x)[flagged], y=np.asarray(values)[flagged], mode="markers",
            name=label("anomaly_flagged", lang), marker={"color": "#c53030", "size": 7}, visible=visible,
        )  # fmt: skip
        count += 2
        traces_per.append(count)
        name = ", ".join(str(row[c]) for c in report.by)
        titles.append(f"{name} · {metric}" if name else metric)
    buttons = []
    start = 0
    total = sum(traces_per)
    for k, count in enumerate(traces_per):
        mask = [False] * total
        mask[start : start + count] = [True] * count
        start += count
        buttons.append(
            {"label": titles[k], "method": "update", "args": [{"visible": mask}, {"title.text": titles[k]}]}
        )
    figure.update_layout(
        title={"text": titles[0] if titles else ""},
        updatemenus=[{"buttons": buttons, "x": 1.0, "xanchor": "right", "y": 1.18, "yanchor": "top"}]
        if len(titles) > 1
        else [],
        margin={"t": 70, "l": 60, "r": 20, "b": 40},
        legend={"orientation": "h"},
        template="plotly_white",
    )
    return figure


def _render(report: AnomalyReport, lang: str) -> str:
    from mirae.anomaly._frame import MULTI_METRIC_METHODS
    from mirae.core._i18n import check_lang, label, message
    from mirae.evaluate._html import _Page, _table

    lang = check_lang(lang)
    page = _Page(lang)
    title = label("anomaly_report", lang) + (f" — {report.table}" if report.table else "")
    flagged = int(report.scored["is_anomaly"].sum()) if len(report.scored) else 0
    page.facts += [
        (label("n_rows", lang), f"{len(report.scored):,}"),
        (label("series", lang), f"{len(report.series):,}"),
        (label("flagged_rows", lang), f"{flagged:,}"),
        (label("alerts", lang), f"{len(report.events):,}"),
    ]
    page.provenance(report.provenance)
    page.h2("summary")
    page.note(
        label("anomaly_summary", lang).format(
            rows=len(report.scored), series=len(report.series), flagged=flagged, events=len(report.events)
        )
    )
    page.note(label("anomaly_score_note", lang))
    if report.method == "auto":
        page.note(label("anomaly_auto_rule", lang))
    elif report.method in MULTI_METRIC_METHODS:
        page.note(label(f"anomaly_method_{report.method}", lang))
    for key, params in report.notes:
        page.note(message(key, lang, **params))
    if report.evaluation:
        page.h2("anomaly_evaluation")
        page.note(label("anomaly_evaluation_note", lang))
        shown = [f"{v:,.0f}" if k == "events_detected" else f"{v:.3f}" for k, v in report.evaluation.items()]
        frame = pd.DataFrame(
            {"value": shown},
            index=pd.Index([label(f"anomaly_eval_{k}", lang) for k in report.evaluation], name=""),
        )
        page.parts.append(_table(frame, lang, index_label=label("anomaly_measure", lang)))
    page.h2("anomaly_series_section")
    page.parts.append(_series_table(report, lang))
    if len(report.series):
        page.h2("anomaly_chart_section")
        page.note(label("anomaly_chart_note", lang))
        page.chart(_chart(report, lang))
    page.h2("anomaly_events_section")
    if len(report.events):
        if len(report.events) > MAX_EVENTS:
            page.note(label("anomaly_events_cut", lang).format(shown=MAX_EVENTS, total=len(report.events)))
        page.parts.append(_events_table(report, lang))
    else:
        page.note(label("anomaly_no_events", lang))
    return page.page(title)
