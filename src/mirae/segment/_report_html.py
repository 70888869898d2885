"""The segmentation report as one HTML page (sections, tables and Plotly charts; KO/EN)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import pandas as pd

from mirae.core._i18n import LABELS, check_lang, label

if TYPE_CHECKING:
    from mirae.segment._report import SegmentReport

__all__ = ["render", "segment_label"]

_CRITERIA = ("silhouette", "davies_bouldin", "calinski_harabasz", "bic")


def feature_label(name: str, lang: str) -> str:
    """A feature's name as shown: RFM features translated, others as in the data."""
    key = f"seg_f_{name}"
    return label(key, lang) if key in LABELS else name


def segment_label(report: SegmentReport, segment: int, lang: str) -> str:
    """``Champions`` (named segments) or ``Segment 3``."""
    if report.names:
        name = report.names[segment]
        key = f"rfm_{name}"
        return label(key, lang) if key in LABELS else name
    return label("seg_segment_n", lang).format(segment=segment)


def _colour(segment: int) -> str:
    from mirae.segment._report import _COLOURS

    return _COLOURS[segment % len(_COLOURS)]


def render(report: SegmentReport, lang: str) -> str:
    """The whole page: a header band with the key facts, links to every section."""
    from mirae.evaluate._html import _Page
    from mirae.segment._report import message_text

    lang = check_lang(lang)
    page = _Page(lang)
    method = label(f"seg_method_{report.method}", lang)
    title = f"{label('seg_report', lang)} — {method}"
    rows = int(report.profiles["size"].sum())
    page.facts.append((label("seg_rows", lang), f"{rows:,}"))
    page.facts.append((label("seg_segment", lang), str(report.n_segments)))
    if "silhouette" in report.scores:
        page.facts.append((label("seg_silhouette", lang), f"{report.scores['silhouette']:.3f}"))
    if report.stability:
        page.facts.append((label("seg_stability", lang), f"{report.stability['bootstrap_ari_mean']:.2f}"))
    page.provenance(report.provenance)
    features = ", ".join(feature_label(f, lang) for f in report.features)
    page.note(label("seg_summary", lang).format(rows=rows, k=report.n_segments, features=features))
    for note in report.notes:
        page.note(message_text(note, lang))
    if report.k_scores is not None and report.k_choice is not None:
        _choice_section(page, report, lang)
    _quality_section(page, report, lang)
    _profile_section(page, report, lang)
    _charts(page, report, lang)
    _preprocessing_section(page, report, lang)
    if report.rules:
        _rules_section(page, report, lang)
    return str(page.page(title))


def _criterion(name: str, lang: str) -> str:
    return label(f"seg_{name}", lang)


def choice_sentences(choice: dict[str, Any], lang: str) -> list[str]:
    """The choice of ``k`` in words: which criterion, its value, which criteria agree, edge warnings."""
    low, high = choice["range"]
    better = label("seg_higher_better" if choice["higher_is_better"] else "seg_lower_better", lang)
    out = [
        label("seg_k_choice", lang).format(
            k=choice["k"], criterion=_criterion(choice["criterion"], lang), value=choice["value"],
            better=better, low=low, high=high,
        )
    ]  # fmt: skip
    if choice.get("agree"):
        names = ", ".join(_criterion(c, lang) for c in choice["agree"])
        out.append(label("seg_k_agree", lang).format(criteria=names))
    if choice.get("disagree"):
        detail = ", ".join(f"{_criterion(c, lang)} k={k}" for c, k in choice["disagree"].items())
        out.append(label("seg_k_disagree", lang).format(detail=detail))
    if choice["k"] == high and low != high:
        out.append(label("seg_k_edge", lang))
    if choice.get("rows_scanned") and choice.get("rows_total", 0) > choice["rows_scanned"]:
        out.append(label("seg_k_sample", lang).format(rows=choice["rows_scanned"]))
    return out


def _choice_section(page: Any, report: SegmentReport, lang: str) -> None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from mirae.evaluate._html import _table

    assert report.k_scores is not None and report.k_choice is not None
    page.h2("seg_choose_k")
    for sentence in choice_sentences(report.k_choice, lang):
        page.note(sentence)
    present = [c for c in _CRITERIA if c in report.k_scores.columns]
    figure = make_subplots(rows=1, cols=len(present), subplot_titles=[_criterion(c, lang) for c in present])
    chosen = int(report.k_choice["k"])
    for j, name in enumerate(present, start=1):
        scores = report.k_scores
        figure.add_trace(
            go.Scatter(x=scores["k"], y=scores[name], mode="lines+markers", line={"color": "#1f3a5f"},
                       showlegend=False, name=_criterion(name, lang)),
            row=1, col=j,
        )  # fmt: skip
        figure.add_vline(x=chosen, line={"dash": "dot", "color": "#d66e2a"}, row=1, col=j)
    figure.update_layout(height=320, margin={"t": 50, "l": 50, "r": 20, "b": 40}, template="plotly_white")
    page.chart(figure)
    table = report.k_scores.set_index("k").rename(columns=lambda c: _criterion(str(c), lang))
    page.parts.append(_table(table, lang, index_label="k"))


def _quality_section(page: Any, report: SegmentReport, lang: str) -> None:
    from mirae.evaluate._html import _table

    if not report.scores and not report.stability:
        return
    page.h2("seg_quality")
    if report.scores:
        frame = pd.DataFrame(
            {label("value", lang): list(report.scores.values())},
            index=pd.Index([_criterion(k, lang) for k in report.scores], name=""),
        )
        page.parts.append(_table(frame, lang, index_label=label("seg_criterion", lang)))
    if report.stability:
        page.note(label("seg_stability_note", lang).format(**report.stability))


def _profile_section(page: Any, report: SegmentReport, lang: str) -> None:
    from mirae.evaluate._html import _table
    from mirae.segment._profile import traits

    page.h2("seg_profiles")
    found = traits(report.separation)
    profiles = report.profiles
    shown = pd.DataFrame(index=pd.Index([segment_label(report, int(s), lang) for s in profiles.index]))
    shown[label("seg_size", lang)] = profiles["size"].to_numpy()
    shown[label("seg_share", lang)] = [f"{100 * v:.1f}%" for v in profiles["share"]]
    shown[label("seg_traits", lang)] = [_traits_text(found.get(int(s), []), lang) for s in profiles.index]
    for feature in report.features:
        shown[f"{feature_label(feature, lang)} ({label('seg_mean', lang)})"] = profiles[
            f"{feature}_mean"
        ].to_numpy()
    page.parts.append(
        f'<div class="scroll">{_table(shown, lang, index_label=label("seg_segment", lang))}</div>'
    )
    medians = pd.DataFrame(
        {feature_label(f, lang): profiles[f"{f}_median"].to_numpy() for f in report.features},
        index=shown.index,
    )
    page.parts.append(f"<h3>{html.escape(label('seg_median', lang))}</h3>")
    page.parts.append(
        f'<div class="scroll">{_table(medians, lang, index_label=label("seg_segment", lang))}</div>'
    )
    page.h2("seg_separation")
    page.note(label("seg_separation_note", lang))
    separation = report.separation.rename(columns=lambda c: feature_label(str(c), lang))
    separation.index = pd.Index([segment_label(report, int(s), lang) for s in report.separation.index])
    page.parts.append(
        f'<div class="scroll">{_table(separation, lang, index_label=label("seg_segment", lang))}</div>'
    )


def _traits_text(found: list[tuple[str, float]], lang: str) -> str:
    if not found:
        return label("seg_typical", lang)
    return ", ".join(
        label("seg_high" if d > 0 else "seg_low", lang).format(feature=feature_label(f, lang))
        for f, d in found
    )


def _charts(page: Any, report: SegmentReport, lang: str) -> None:
    import plotly.graph_objects as go

    page.h2("seg_pca")
    variance = report.pca_variance + [0.0] * (2 - len(report.pca_variance))
    figure = go.Figure()
    for segment in sorted(report.pca["segment"].unique()):
        rows = report.pca[report.pca["segment"] == segment]
        figure.add_scatter(
            x=rows["pc1"], y=rows["pc2"], mode="markers", name=segment_label(report, int(segment), lang),
            marker={"size": 5, "opacity": 0.6, "color": _colour(int(segment))},
        )  # fmt: skip
    figure.update_layout(
        height=480, template="plotly_white", margin={"t": 30, "l": 60, "r": 20, "b": 50},
        xaxis={"title": {"text": f"PC1 ({100 * variance[0]:.0f}%)"}},
        yaxis={"title": {"text": f"PC2 ({100 * variance[1]:.0f}%)"}},
    )  # fmt: skip
    page.note(label("seg_pca_note", lang).format(shown=len(report.pca)))
    page.chart(figure)
    page.h2("seg_snake")
    page.note(label("seg_snake_note", lang))
    snake = go.Figure()
    names = [feature_label(f, lang) for f in report.snake.columns]
    for segment, row in report.snake.iterrows():
        snake.add_scatter(
            x=names, y=row.to_numpy(), mode="lines+markers", name=segment_label(report, int(str(segment)), lang),
            line={"color": _colour(int(str(segment)))},
        )  # fmt: skip
    snake.add_hline(y=0.0, line={"dash": "dot", "color": "#7b8794"})
    snake.update_layout(
        height=420, template="plotly_white", margin={"t": 30, "l": 60, "r": 20, "b": 60},
        yaxis={"title": {"text": label("seg_standardized_mean", lang)}},
    )  # fmt: skip
    page.chart(snake)


def _preprocessing_section(page: Any, report: SegmentReport, lang: str) -> None:
    from mirae.evaluate._html import _table

    if not report.transforms:
        return
    page.h2("seg_preprocessing")
    page.note(label("seg_preprocessing_note", lang))
    frame = pd.DataFrame(
        {
            label("seg_skewness", lang): [report.skewness.get(f) for f in report.features],
            label("seg_transform", lang): [report.transforms.get(f, "none") for f in report.features],
            label("seg_imputed", lang): [report.imputed.get(f, 0) for f in report.features],
        },
        index=pd.Index([feature_label(f, lang) for f in report.features]),
    )
    page.parts.append(_table(frame, lang, index_label=label("feature", lang)))


def _rules_section(page: Any, report: SegmentReport, lang: str) -> None:
    from mirae.evaluate._html import _table

    assert report.rules is not None
    page.h2("seg_rules")
    page.note(label("seg_rules_note", lang))
    frame = pd.DataFrame(
        {
            label("seg_r_score", lang): [_span(r[1]) for r in report.rules],
            label("seg_fm_score", lang): [_span(r[2]) for r in report.rules],
            "": [r[0] for r in report.rules],
        },
        index=pd.Index(
            [label(f"rfm_{r[0]}", lang) if f"rfm_{r[0]}" in LABELS else r[0] for r in report.rules]
        ),
    )
    page.parts.append(_table(frame, lang, index_label=label("seg_segment", lang)))
    if report.edges:
        page.parts.append(f"<h3>{html.escape(label('seg_edges', lang))}</h3>")
        edges = pd.DataFrame({feature_label(c, lang): v for c, v in report.edges.items()}).T
        edges.columns = [f"{k + 1}|{k + 2}" for k in range(edges.shape[1])]
        page.parts.append(_table(edges, lang, index_label=label("feature", lang)))


def _span(bounds: Any) -> str:
    low, high = (int(b) for b in bounds)
    return str(low) if low == high else f"{low}-{high}"
