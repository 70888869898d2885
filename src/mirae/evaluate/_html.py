"""A report as one standalone HTML page: tables, Plotly charts, Korean or English labels.

plotly.js is inlined once from the installed ``plotly`` package, so the page
opens without a network. Every piece of user text (class names, column names,
segment values, rules) is HTML-escaped in tables and ``<``, ``>``, ``&`` are
escaped as ``\\u003c`` ... inside the chart JSON, so no data can end a script.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from mirae.core._i18n import check_lang, heading, label
from mirae.core._page import PLOTLY_CONFIG, html_page


def _escape_json(text: str) -> str:
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) >= 1000 else f"{value:.3f}"
    return html.escape(str(value))


def _table(
    frame: pd.DataFrame, lang: str, *, index_label: str | None = None, translate_index: bool = False
) -> str:
    head = "".join(f"<th>{html.escape(heading(str(c), lang))}</th>" for c in frame.columns)
    first = html.escape(index_label or heading(str(frame.index.name or ""), lang))
    rows = []
    for key, row in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        cells = "".join(f"<td>{_cell(v)}</td>" for v in row)
        shown = heading(str(key), lang) if translate_index else str(key)
        rows.append(f'<tr><th class="l">{html.escape(shown)}</th>{cells}</tr>')
    return f'<table><tr><th class="l">{first}</th>{head}</tr>{"".join(rows)}</table>'


class _Page:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.parts: list[str] = []
        self.n_charts = 0
        #: (label, value) shown in the page's header band; (anchor, name) of each section
        self.facts: list[tuple[str, Any]] = []
        self.sections: list[tuple[str, str]] = []

    def h2(self, key: str, text: str | None = None) -> None:
        """A section heading (the catalogue's ``key``, or ``text``), linked from the page's header."""
        shown = label(key, self.lang) if text is None else text
        anchor = f"s{len(self.sections) + 1}-{key}"
        self.sections.append((anchor, shown))
        self.parts.append(f'<h2 id="{html.escape(anchor)}">{html.escape(shown)}</h2>')

    def page(self, title: str) -> str:
        """The whole document: header band, section links, this page's sections."""
        return html_page(
            title,
            self.lang,
            "".join(self.parts),
            facts=self.facts,
            sections=self.sections,
            body_class="numbers",
        )

    def provenance(self, about: dict[str, Any]) -> None:
        """Where the result comes from (model, version, run, table, snapshot), when known."""
        shown = {k: v for k, v in about.items() if k != "leaderboard" and v is not None}
        if not shown:
            return
        self.h2("provenance")
        rows = "".join(
            f'<tr><th class="l">{html.escape(label("about_" + k, self.lang))}</th>'
            f'<td class="l">{html.escape(str(v))}</td></tr>'
            for k, v in shown.items()
        )
        self.parts.append(f"<table>{rows}</table>")

    def note(self, text: str) -> None:
        self.parts.append(f'<p class="note">{html.escape(text)}</p>')

    def chart(self, figure: Any) -> None:
        import plotly.io as pio

        self.n_charts += 1
        div = f"chart-{self.n_charts}"
        spec = _escape_json(pio.to_json(figure, validate=False))
        height = int(figure.layout.height or 420)  # the box is as tall as the figure
        self.parts.append(
            f'<div id="{div}" class="chart" style="height:{height}px"></div><script>(function(){{var f={spec};'
            f'Plotly.newPlot("{div}",f.data,f.layout,{PLOTLY_CONFIG});}})();</script>'
        )


def _metrics_table(metrics: dict[str, float], lang: str) -> str:
    frame = pd.DataFrame({"value": list(metrics.values())}, index=pd.Index(list(metrics), name="metric"))
    return _table(frame, lang, translate_index=True)


def _layout(title_key: str, lang: str, x_key: str, y_key: str) -> dict[str, Any]:
    return {
        "title": {"text": label(title_key, lang)},
        "xaxis": {"title": {"text": label(x_key, lang)}},
        "yaxis": {"title": {"text": label(y_key, lang)}},
        "template": "plotly_white",
        "margin": {"t": 50, "l": 60, "r": 20, "b": 50},
    }


def _classification(page: _Page, report: Any) -> None:
    import plotly.graph_objects as go

    lang = page.lang
    page.h2("confusion_matrix")
    cm = report.confusion_matrix
    names = [str(c) for c in cm.columns]
    heat = go.Heatmap(
        z=cm.to_numpy().tolist(),
        x=names,
        y=[str(i) for i in cm.index],
        text=cm.to_numpy().tolist(),
        texttemplate="%{text}",
        colorscale="Blues",
        showscale=False,
    )
    layout = _layout("confusion_matrix", lang, "predicted", "actual")
    layout["yaxis"]["autorange"] = "reversed"
    layout["xaxis"]["type"] = layout["yaxis"]["type"] = "category"
    page.chart(go.Figure(heat, layout))
    page.h2("class_report")
    page.parts.append(
        _table(report.class_report, lang, index_label=label("classes", lang), translate_index=True)
    )
    if report.roc:
        figure = go.Figure(layout=_layout("roc_curve", lang, "fpr_axis", "tpr_axis"))
        for curve in report.roc:
            figure.add_scatter(
                x=curve["fpr"],
                y=curve["tpr"],
                mode="lines",
                name=f"{curve['class']} (AUC {curve['auc']:.3f})",
            )
        figure.add_scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"dash": "dot", "color": "gray"},
            name=label("chance", lang),
        )
        page.h2("roc_curve")
        page.chart(figure)
    if report.pr:
        figure = go.Figure(layout=_layout("pr_curve", lang, "recall", "precision"))
        for curve in report.pr:
            figure.add_scatter(
                x=curve["recall"],
                y=curve["precision"],
                mode="lines",
                name=f"{curve['class']} (AP {curve['average_precision']:.3f})",
            )
        page.h2("pr_curve")
        page.chart(figure)
    if report.calibration:
        figure = go.Figure(layout=_layout("calibration", lang, "mean_predicted", "fraction_positive"))
        for curve in report.calibration:
            figure.add_scatter(
                x=curve["mean_predicted"],
                y=curve["fraction_positive"],
                mode="lines+markers",
                name=str(curve["class"]),
            )
        figure.add_scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            line={"dash": "dot", "color": "gray"},
            name=label("perfect", lang),
        )
        page.h2("calibration")
        page.chart(figure)
    if report.lift is not None:
        lift = report.lift
        figure = go.Figure(layout=_layout("lift_gains", lang, "decile", "lift"))
        figure.add_bar(x=list(lift.index), y=lift["lift"].tolist(), name=label("lift", lang))
        figure.add_scatter(
            x=list(lift.index),
            y=lift["cumulative_gain"].tolist(),
            mode="lines+markers",
            name=label("cumulative_gain", lang),
            yaxis="y2",
        )
        figure.update_layout(
            yaxis2={"overlaying": "y", "side": "right", "range": [0, 1.05], "tickformat": ".0%"}
        )
        page.h2("lift_gains")
        page.chart(figure)
        page.parts.append(_table(lift, lang, index_label=label("decile", lang)))
    if report.threshold is not None:
        choice = report.threshold
        figure = go.Figure(layout=_layout("cost_threshold", lang, "threshold", "expected_cost"))
        figure.add_scatter(
            x=choice.curve["threshold"].tolist(),
            y=choice.curve["expected_cost"].tolist(),
            mode="lines",
            name=label("expected_cost", lang),
        )
        figure.add_scatter(
            x=[choice.threshold],
            y=[choice.expected_cost],
            mode="markers",
            marker={"size": 12},
            name=label("best_threshold", lang),
        )
        page.h2("cost_threshold")
        summary = {"best_threshold": choice.threshold, "expected_cost": choice.expected_cost}
        if choice.bayes_threshold is not None:
            summary["bayes_threshold"] = choice.bayes_threshold
        page.parts.append(_metrics_table(summary, lang))
        page.chart(figure)


def _regression(page: _Page, report: Any) -> None:
    import plotly.graph_objects as go

    lang = page.lang
    residuals = report.residuals
    page.h2("residual_vs_predicted")
    figure = go.Figure(layout=_layout("residual_vs_predicted", lang, "predicted", "residuals"))
    figure.add_scattergl(
        x=residuals["predicted"], y=residuals["residual"], mode="markers", marker={"size": 4, "opacity": 0.5}
    )
    page.chart(figure)
    page.h2("residual_hist")
    edges = residuals["hist_edges"]
    centers = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
    figure = go.Figure(layout=_layout("residual_hist", lang, "residuals", "count"))
    figure.add_bar(x=centers, y=residuals["hist_counts"])
    page.chart(figure)


def _explanations(page: _Page, report: Any) -> None:
    import plotly.graph_objects as go

    lang = page.lang
    for key, column in (("permutation_importance", "importance_mean"), ("shap_importance", "mean_abs_shap")):
        table = getattr(report, key)
        if table is None:
            continue
        top = table.head(20).iloc[::-1]
        figure = go.Figure(
            go.Bar(x=top[column].tolist(), y=[str(i) for i in top.index], orientation="h"),
            _layout(key, lang, "value", "feature"),
        )
        figure.update_layout(height=max(300, 22 * len(top) + 120), yaxis={"automargin": True})
        page.h2(key)
        page.chart(figure)
    for curve in report.partial_dependence:
        figure = go.Figure(layout=_layout("partial_dependence", lang, "value", "predicted"))
        figure.update_layout(title={"text": f"{label('partial_dependence', lang)}: {curve['feature']}"})
        series = curve.get("average_by_class") or {"": curve.get("average", [])}
        for name, values in series.items():
            kind = "bar" if curve["kind"] == "categorical" else "scatter"
            x = [str(v) for v in curve["grid"]] if kind == "bar" else curve["grid"]
            figure.add_trace(
                go.Bar(x=x, y=values, name=name)
                if kind == "bar"
                else go.Scatter(x=x, y=values, mode="lines", name=name)
            )
        page.chart(figure)
    if report.rules is not None:
        page.h2("rules")
        if report.rules.surrogate:
            page.note(
                f"{label('surrogate_note', lang)} {label('fidelity', lang)}: {report.rules.fidelity:.1%}"
            )
        items = "".join(f"<li>{html.escape(rule.text)}</li>" for rule in report.rules.rules)
        page.parts.append(f'<ol class="rules">{items}</ol>')


def render_report_html(report: Any, *, lang: str = "ko") -> str:
    """The report as one HTML document (a string)."""
    lang = check_lang(lang)
    page = _Page(lang)
    title_key = "classification_report" if report.kind == "classification_report" else "regression_report"
    title = label(title_key, lang) + (f" — {report.target_name}" if report.target_name else "")
    page.facts.append((label("n_rows", lang), f"{report.n:,}"))
    if report.kind == "classification_report" and report.pos_label is not None:
        page.facts.append((label("positive_class", lang), report.pos_label))
    headline = next(iter(report.metrics.items()), None)
    for name in ("roc_auc", "rmse"):
        if name in report.metrics:
            headline = (name, report.metrics[name])
    if headline is not None:
        page.facts.append((heading(headline[0], lang), f"{headline[1]:.3f}"))
    page.provenance(report.provenance)
    board = report.provenance.get("leaderboard")
    if board:
        page.h2("leaderboard")
        head = "".join(f"<th>{html.escape(heading(str(c), lang))}</th>" for c in board[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row.values()) + "</tr>" for row in board
        )
        page.parts.append(f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>')
    page.h2("summary")
    facts: dict[str, Any] = {"n_rows": report.n}
    if report.kind == "classification_report":
        facts["classes"] = ", ".join(map(str, report.classes))
        if report.pos_label is not None:
            facts["positive_class"] = report.pos_label
    fact_rows = "".join(
        f'<tr><th class="l">{html.escape(heading(k, lang))}</th><td>{_cell(v)}</td></tr>'
        for k, v in facts.items()
    )
    page.parts.append(f"<table>{fact_rows}</table>")
    page.parts.append(_metrics_table(report.metrics, lang))
    for text in report.notes:
        page.note(text)
    if report.kind == "classification_report":
        _classification(page, report)
    else:
        _regression(page, report)
    if report.segments:
        page.h2("segments")
        page.note(label("nan_note", lang))
        for table in report.segments.values():
            page.parts.append(_table(table, lang))
    _explanations(page, report)
    return page.page(title)
