"""The log anomaly report: templates with counts, counts over time for the top templates, flagged windows, new templates."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from mirae.core._result import Report

__all__ = ["LogReport"]

#: Templates drawn over time (the most frequent) and rows shown per table.
TOP_TEMPLATES = 8
MAX_ROWS = 100


@dataclass
class LogReport(Report):
    """A :class:`~mirae.anomaly.LogAnalysis` for people (Korean or English)."""

    analysis: Any
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The analysis' wire data, with the report's kind."""
        return {"kind": "log_report", **self.analysis.to_dict(), "provenance": dict(self.provenance)}

    def to_html(
        self, path: str | os.PathLike[str] | None = None, *, lang: str = "ko", shared_js: bool = False
    ) -> str:
        """The report page (Plotly charts, offline); written to ``path`` when given."""
        from mirae.core._page import finish_page

        return finish_page(_render(self, lang), path, shared_js=shared_js)


def _render(report: LogReport, lang: str) -> str:
    import pandas as pd
    import plotly.graph_objects as go

    from mirae.core._i18n import check_lang, label
    from mirae.evaluate._html import _metrics_table, _Page, _table

    lang = check_lang(lang)
    a = report.analysis
    page = _Page(lang)
    title = f"{label('log_report', lang)} — {os.path.basename(a.source)}"
    about = {"table": report.provenance.get("table"), "run": report.provenance.get("run")}
    page.facts += [
        (label("log_lines", lang), f"{a.n_lines:,}"),
        (label("templates_found", lang), f"{a.n_templates:,}"),
        (label("flagged_windows", lang), f"{a.n_anomalous_windows:,} / {len(a.windows):,}"),
    ]
    page.provenance(about)
    page.note(label("log_summary", lang).format(
        lines=a.n_lines, unparsed=a.n_unparsed, templates=a.n_templates, window=a.window,
        flagged=a.n_anomalous_windows, windows=len(a.windows), format=a.format_name, encoding=a.encoding,
    ))  # fmt: skip
    for note in a.notes:
        page.note(note)
    page.parts.append(_metrics_table(a.metrics(), lang))

    page.h2("log_templates")
    templates = a.templates.head(MAX_ROWS).set_index("template_id")
    templates = templates.assign(
        first_seen=templates["first_seen"].astype(str), last_seen=templates["last_seen"].astype(str)
    )
    page.parts.append(f'<div class="scroll">{_table(templates, lang, index_label="template_id")}</div>')

    page.h2("log_counts_over_time")
    top = a.templates["template_id"].head(TOP_TEMPLATES).tolist()
    figure = go.Figure()
    counts = a.counts
    grid = pd.DataFrame({"window_start": a.windows["window_start"]})
    for tid in top:
        rows = counts.loc[counts["template_id"] == tid, ["window_start", "count"]]
        series = grid.merge(rows, on="window_start", how="left").fillna({"count": 0})
        text = str(a.templates.loc[a.templates["template_id"] == tid, "template"].iloc[0])
        figure.add_scatter(
            x=series["window_start"], y=series["count"], mode="lines", name=f"{tid}: {text[:40]}"
        )
    flagged = a.windows.loc[a.windows["is_anomaly"]]
    if len(flagged):
        figure.add_scatter(
            x=flagged["window_start"], y=flagged["lines"], mode="markers", name=label("log_flagged", lang),
            marker={"color": "#c53030", "size": 9, "symbol": "x"},
        )  # fmt: skip
    figure.update_layout(
        template="plotly_white", height=460, legend={"orientation": "h", "y": -0.2},
        xaxis={"title": {"text": label("log_window", lang)}}, yaxis={"title": {"text": label("log_lines", lang)}},
        margin={"t": 30, "l": 60, "r": 20, "b": 40},
    )  # fmt: skip
    page.chart(figure)

    page.h2("log_flagged_windows")
    if len(flagged):
        shown = flagged.sort_values("score", ascending=False).head(MAX_ROWS).copy()
        names = dict(zip(a.templates["template_id"], a.templates["template"], strict=True))
        shown["template"] = [names.get(t, "") if pd.notna(t) else "" for t in shown["template_id"]]
        shown["reason"] = [label(f"log_reason_{r}", lang) if r else "" for r in shown["reason"]]
        shown["window_start"] = shown["window_start"].astype(str)
        page.parts.append(
            _table(shown.drop(columns=["is_anomaly", "template_id"]).set_index("window_start"), lang)
        )
    else:
        page.note(label("log_none_flagged", lang))

    page.h2("log_new_templates")
    new = a.templates.loc[a.templates["is_new"], ["template_id", "template", "lines", "first_seen"]]
    if len(new):
        new = new.assign(first_seen=new["first_seen"].astype(str)).set_index("template_id")
        page.parts.append(_table(new.head(MAX_ROWS), lang, index_label="template_id"))
    else:
        page.note(label("log_no_new_templates", lang))
    unparsed = a.lines.loc[a.lines["reason"] != "", ["line", "reason", "message"]].head(20)
    if len(unparsed):
        page.h2("log_unparsed")
        page.parts.append(_table(unparsed.set_index("line"), lang))
    return page.page(title)
