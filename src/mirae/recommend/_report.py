"""The recommendation report: held-out accuracy and diversity, the trade-off curve, popularity bias, examples."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from typing import Any

from mirae.core._result import Report

__all__ = ["RecommendReport"]

#: Example lists shown (users).
MAX_EXAMPLES = 5
#: Measures drawn on the accuracy axis and the diversity axis of the curve.
ACCURACY = ("ndcg", "map", "recall", "hit_rate")
VARIETY = ("coverage", "ild")


@dataclass
class RecommendReport(Report):
    """What a recommendation run did and how well it does, for people (Korean or English).

    Attributes
    ----------
    table, method : str
    k : int
    diversity : float
    users, items, interactions : int
    metrics : dict
        The held-out check at ``diversity`` (empty when not run).
    curve : DataFrame or None
        The check at each re-ranking setting (:func:`~mirae.recommend.diversity_curve`).
    split : (str, dict)
        How the check held out interactions (a catalogue message).
    train_rows : int
    examples : DataFrame
        A few users' lists (``user``, ``item``, ``rank``, ``score``, ``reason``).
    popularity : array
        Training users per catalogue item.
    recommended : array
        Catalogue index of every recommended item (all users).
    names : dict
        Item id -> name shown.
    notes : list
        ``(message key, parameters)``.
    provenance : dict
    """

    table: str
    method: str
    k: int
    diversity: float
    users: int
    items: int
    interactions: int
    metrics: dict[str, float] = field(default_factory=dict)
    curve: Any = None
    split: tuple[str, dict[str, Any]] = ("rec_split_leave_last_out", {})
    train_rows: int = 0
    examples: Any = None
    popularity: Any = None
    recommended: Any = None
    names: dict[Any, str] = field(default_factory=dict)
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Wire data: the settings, the held-out metrics, the curve, notes and provenance."""
        from mirae.core._json import frame_to_dict, to_jsonable

        return {
            "kind": "recommend_report",
            "table": self.table,
            "method": self.method,
            "k": self.k,
            "diversity": self.diversity,
            "users": self.users,
            "items": self.items,
            "interactions": self.interactions,
            "metrics": to_jsonable(self.metrics),
            "curve": None if self.curve is None else frame_to_dict(self.curve),
            "notes": [{"key": k, "params": to_jsonable(p)} for k, p in self.notes],
            "provenance": to_jsonable(self.provenance),
        }

    def to_html(
        self, path: str | os.PathLike[str] | None = None, *, lang: str = "ko", shared_js: bool = False
    ) -> str:
        """The report page (Plotly charts, offline); written to ``path`` when given."""
        from mirae.core._page import finish_page

        return finish_page(_render(self, lang), path, shared_js=shared_js)


def _metric_rows(metrics: dict[str, float], lang: str) -> str:
    from mirae.core._i18n import label
    from mirae.recommend._evaluate import METRICS

    rows = []
    for name in (*METRICS, "users"):
        if name not in metrics:
            continue
        value = metrics[name]
        shown = f"{value:,.0f}" if name == "users" else f"{value:.3f}"
        rows.append(
            f'<tr><th class="l">{html.escape(label(f"rec_m_{name}", lang))}</th><td>{shown}</td></tr>'
        )
    head = f'<tr><th class="l">{html.escape(label("rec_metric", lang))}</th><th>{html.escape(label("value", lang))}</th></tr>'
    return f"<table>{head}{''.join(rows)}</table>"


def _curve_chart(report: RecommendReport, lang: str) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from mirae.core._i18n import label

    curve = report.curve
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    dash = {"ndcg": "solid", "map": "dot", "recall": "dash", "hit_rate": "dashdot"}
    for name in ACCURACY:
        figure.add_trace(
            go.Scatter(x=curve["diversity"], y=curve[name], mode="lines+markers",
                       name=label(f"rec_m_{name}", lang).replace("@k", f"@{report.k}"),
                       line={"color": "#1f3a5f", "dash": dash[name]}),
            secondary_y=False,
        )  # fmt: skip
    for name, color in zip(VARIETY, ("#c05621", "#2f855a"), strict=True):
        figure.add_trace(
            go.Scatter(x=curve["diversity"], y=curve[name], mode="lines+markers",
                       name=label(f"rec_m_{name}", lang), line={"color": color}),
            secondary_y=True,
        )  # fmt: skip
    figure.add_vline(x=report.diversity, line={"color": "#888", "dash": "dot"})
    figure.update_layout(
        template="plotly_white", legend={"orientation": "h"}, margin={"t": 30, "l": 60, "r": 60, "b": 50},
        xaxis={"title": {"text": label("rec_diversity", lang)}},
    )  # fmt: skip
    return figure


def _popularity_chart(report: RecommendReport, lang: str) -> Any:
    import numpy as np
    import plotly.graph_objects as go

    from mirae.core._i18n import label

    popularity = np.asarray(report.popularity, dtype=float)
    order = np.argsort(-popularity, kind="stable")
    decile = np.empty(len(popularity), dtype=int)
    decile[order] = np.arange(len(popularity)) * 10 // max(1, len(popularity))
    train = np.bincount(decile, weights=popularity, minlength=10)
    recs = np.bincount(decile[np.asarray(report.recommended, dtype=int)], minlength=10).astype(float)
    x = [str(d + 1) for d in range(10)]
    figure = go.Figure()
    figure.add_bar(
        x=x, y=train / max(train.sum(), 1.0), name=label("rec_share_train", lang), marker={"color": "#a0aec0"}
    )
    figure.add_bar(
        x=x, y=recs / max(recs.sum(), 1.0), name=label("rec_share_recs", lang), marker={"color": "#1f3a5f"}
    )
    figure.update_layout(
        barmode="group", template="plotly_white", legend={"orientation": "h"},
        xaxis={"title": {"text": label("rec_pop_decile", lang)}},
        yaxis={"title": {"text": label("rec_share", lang)}, "tickformat": ".0%"},
        margin={"t": 30, "l": 60, "r": 20, "b": 50},
    )  # fmt: skip
    return figure


def _examples_table(report: RecommendReport, lang: str) -> str:
    from mirae.core._i18n import label

    shown = report.examples
    heads = ("rec_user", "rec_rank", "rec_item", "score", "rec_reason")
    head = "".join(f"<th>{html.escape(label(h, lang))}</th>" for h in heads)
    rows = []
    for row in shown.to_dict("records"):
        name = report.names.get(row["item"], str(row["item"]))
        cells = (str(row["user"]), str(row["rank"]), name, f"{row['score']:.3f}")
        rows.append(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
            + f'<td class="l">{html.escape(str(row["reason"]))}</td></tr>'
        )  # fmt: skip
    return f'<div class="scroll"><table><tr>{head}</tr>{"".join(rows)}</table></div>'


def _render(report: RecommendReport, lang: str) -> str:
    from mirae.core._i18n import check_lang, label, message
    from mirae.evaluate._html import _Page

    lang = check_lang(lang)
    page = _Page(lang)
    model = label(f"rec_model_{report.method}", lang)
    page.facts += [
        (label("rec_users", lang), f"{report.users:,}"),
        (label("rec_items", lang), f"{report.items:,}"),
        (label("rec_interactions", lang), f"{report.interactions:,}"),
        (label("model", lang), model),
    ]
    if report.metrics:
        page.facts.append(
            (label("rec_m_ndcg", lang).replace("@k", f"@{report.k}"), f"{report.metrics['ndcg']:.3f}")
        )
        page.facts.append((label("rec_m_coverage", lang), f"{report.metrics['coverage']:.1%}"))
    page.provenance(report.provenance)
    page.h2("summary")
    page.note(
        message("rec_summary", lang, users=report.users, items=report.items, interactions=report.interactions,
                model=model, diversity=report.diversity)
    )  # fmt: skip
    if report.metrics:
        page.h2("rec_metrics_section")
        page.note(
            message("rec_split_note", lang, split=report.split, train=report.train_rows,
                    users=int(report.metrics.get("users", 0)), k=report.k)
        )  # fmt: skip
        page.parts.append(_metric_rows(report.metrics, lang))
    if report.curve is not None and len(report.curve) > 1:
        page.h2("rec_curve_section")
        page.note(label("rec_curve_note", lang))
        page.chart(_curve_chart(report, lang))
    if report.popularity is not None and report.recommended is not None and len(report.recommended):
        page.h2("rec_popularity_section")
        page.note(label("rec_popularity_note", lang))
        page.chart(_popularity_chart(report, lang))
    if report.examples is not None and len(report.examples):
        page.h2("rec_examples_section")
        page.parts.append(_examples_table(report, lang))
    if report.notes:
        page.h2("rec_notes_section")
        for key, params in report.notes:
            page.note(message(key, lang, **params))
    title = label("rec_report", lang) + (f" — {report.table}" if report.table else "")
    return page.page(title)
