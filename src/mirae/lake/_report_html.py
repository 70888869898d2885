"""A standalone HTML report of a quality report and/or a profile.

plotly.js is read from the installed ``plotly`` package and inlined once, so the
file opens without network access. Every piece of user text (column names,
values, messages) is HTML-escaped in the page and in the chart data, and the
chart JSON is made safe to sit inside a ``<script>`` element.
"""

from __future__ import annotations

import functools
import html
import json
import os
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from mirae.core._i18n import Lang, check_lang, label
from mirae.core._page import PLOTLY_CONFIG, html_page
from mirae.core._result import write_html
from mirae.errors import ConfigError

if TYPE_CHECKING:
    from mirae.lake._profile import Profile
    from mirae.lake._quality import QualityReport


def render_report(
    path: str | os.PathLike[str] | None,
    *,
    quality: QualityReport | None = None,
    profile: Profile | None = None,
    lang: str = "ko",
) -> str:
    """Render the report and return its HTML; write it to ``path`` (UTF-8) when given.

    Examples
    --------
    >>> render_report(None)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    mirae.errors.ConfigError: pass a quality report, a profile or both
    """
    lang_ = check_lang(lang)
    if quality is None and profile is None:
        msg = "pass a quality report, a profile or both to render an HTML report."
        raise ConfigError(msg)

    page = _Page(lang_)
    source = quality if quality is not None else profile
    assert source is not None
    page.header(source.table, source.snapshot_id, source.rows, quality, profile)
    if quality is not None:
        page.checks(quality)
        page.columns(quality.columns, quality.rows)
        if quality.drift is not None:
            page.drift(quality.drift)
    elif profile is not None:
        page.columns(profile.columns, profile.rows)
    if profile is not None:
        page.distributions(profile)
        page.correlations(profile)
        page.scatter(profile)
    text = page.render()
    write_html(text, path)
    return text


def _e(value: Any) -> str:
    """Escape any value for HTML text or attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e15 else f"{value:.4e}"
    return str(value)


def _signed(value: float | None) -> str:
    return "" if value is None else f"{value:+.3f}"


def _pct(value: Any) -> str:
    return "" if value is None else f"{value * 100:.2f}%"


def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``<``, ``>`` or ``&`` characters)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Page:
    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.parts: list[str] = []
        self.nav: list[tuple[str, str]] = []
        self.title = ""
        self.facts: list[tuple[str, Any]] = []
        self.figures: list[dict[str, Any]] = []

    def t(self, key: str) -> str:
        return _e(label(key, self.lang))

    def section(self, anchor: str, key: str) -> None:
        self.nav.append((anchor, label(key, self.lang)))
        self.parts.append(f'<section id="{anchor}"><h2>{self.t(key)}</h2>')

    def figure(self, data: list[dict[str, Any]], layout: dict[str, Any]) -> str:
        div = f"fig{len(self.figures)}"
        base = {"margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "height": 320, "font": {"size": 11}}
        merged = {**base, **layout}
        self.figures.append({"id": div, "data": data, "layout": merged})
        # the box is as tall as the figure: tall charts (many columns) are not cut or squeezed
        return f'<div class="chart" id="{div}" style="height:{int(merged["height"])}px"></div>'

    def badge(self, status: str) -> str:
        return f'<span class="badge {_e(status)}">{self.t("status_" + status)}</span>'

    def header(
        self,
        table: str,
        snapshot_id: int | None,
        rows: int,
        quality: QualityReport | None,
        profile: Profile | None,
    ) -> None:
        columns = quality.columns if quality is not None else (profile.columns if profile is not None else [])
        t = functools.partial(label, lang=self.lang)
        items: list[tuple[str, Any]] = [
            (t("table"), table),
            (t("snapshot"), snapshot_id),
            (t("rows"), _fmt(rows)),
            (t("columns_count"), len(columns)),
        ]
        if quality is not None:
            items.append((t("duplicate_rows"), _fmt(quality.duplicate_rows)))
            items.append((t("status"), Markup(self.badge(quality.status))))  # noqa: S704 - escaped in badge()
        source = quality if quality is not None else profile
        stamp = source.computed_at.isoformat(timespec="seconds") if source is not None else ""
        items.append((t("computed_at"), stamp))
        self.title = f"{label('report_title', self.lang)}: {table}"
        self.facts = items

    def checks(self, quality: QualityReport) -> None:
        self.section("checks", "section_checks")
        head = "".join(
            f"<th>{self.t(k)}</th>"
            for k in ("status", "name", "severity", "threshold", "observed", "message")
        )
        order = {"fail": 0, "warn": 1, "pass": 2}
        rows = []
        for result in sorted(quality.checks, key=lambda r: order[r.status]):
            item = result.to_dict()
            observed = item["observed"]
            shown = ", ".join(map(str, observed)) if isinstance(observed, list) else _fmt(observed)
            rows.append(
                f"<tr><td>{self.badge(result.status)}</td><td>{_e(item['name'])}</td><td>{_e(item['severity'])}</td>"
                f"<td>{_e(_fmt(item['threshold']))}</td><td>{_e(shown)}</td><td>{_e(result.text(self.lang))}</td></tr>"
            )
        body = "".join(rows) or f'<tr><td colspan="6">{self.t("none")}</td></tr>'
        self.parts.append(f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div></section>')

    def columns(self, records: list[dict[str, Any]], rows: int) -> None:
        self.section("columns", "section_columns")
        present = ["name", "type", "kind", "count", "nulls", "null_ratio", "distinct"]
        if records and "p50" in records[0]:  # a quality report, not a profile summary
            present += [
                "flags",
                "min",
                "max",
                "mean",
                "std",
                "skewness",
                "quantiles",
                "iqr_outliers",
                "robust_z_outliers",
                "length",
            ]
        head = "".join(f"<th>{self.t(k)}</th>" for k in present)
        body = []
        for rec in records:
            cells = []
            for key in present:
                cells.append(self._cell(key, rec, rows))
            body.append("<tr>" + "".join(cells) + "</tr>")
        self.parts.append(
            f'<div class="scroll"><table><tr>{head}</tr>{"".join(body)}</table></div></section>'
        )

    def _cell(self, key: str, rec: dict[str, Any], rows: int) -> str:
        if key == "kind":
            return f"<td>{self.t('kind_' + rec['kind'])}</td>"
        if key == "flags":
            flags = "".join(
                f'<span class="flag">{self.t("flag_" + f)}</span>' for f in rec.get("flags") or []
            )
            return f"<td>{flags}</td>"
        if key == "null_ratio":
            ratio = rec.get("null_ratio", rec["nulls"] / rows if rows else 0.0)
            return f'<td class="num">{_pct(ratio)}</td>'
        if key == "quantiles":
            values = [rec.get(k) for k in ("p01", "p25", "p50", "p75", "p99")]
            text = " / ".join(_fmt(v) for v in values) if values[2] is not None else ""
            return f'<td class="num">{_e(text)}</td>'
        if key == "length":
            values = [rec.get(k) for k in ("length_min", "length_mean", "length_max")]
            text = " / ".join(_fmt(v) for v in values) if values[0] is not None else ""
            return f'<td class="num">{_e(text)}</td>'
        value = rec.get(key)
        css = ' class="num"' if isinstance(value, int | float) and not isinstance(value, bool) else ""
        return f"<td{css}>{_e(_fmt(value))}</td>"

    def drift(self, drift: dict[str, Any]) -> None:
        self.section("drift", "section_drift")
        none = self.t("none")
        added = ", ".join(_e(c) for c in drift["columns_added"]) or none
        removed = ", ".join(_e(c) for c in drift["columns_removed"]) or none
        retyped = (
            ", ".join(
                f"{_e(c['name'])} ({_e(c['before'])} → {_e(c['after'])})" for c in drift["columns_retyped"]
            )
            or none
        )
        change = f"{_fmt(drift['rows_before'])} → {_fmt(drift['rows_after'])} ({drift['row_change']:+,})"
        facts = [
            (self.t("against"), _e(drift["against_snapshot_id"])),
            (self.t("row_change"), _e(change)),
            (self.t("columns_added"), added),
            (self.t("columns_removed"), removed),
            (self.t("columns_retyped"), retyped),
        ]
        self.parts.append(
            "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts) + "</table>"
        )
        head = "".join(f"<th>{self.t(k)}</th>" for k in ("column", "null_ratio_shift", "mean_shift_std"))
        body = "".join(
            f"<tr><td>{_e(s['name'])}</td><td class='num'>{_e(_pct(s['null_ratio_before']))} → "
            f"{_e(_pct(s['null_ratio_after']))}</td><td class='num'>{_e(_signed(s['mean_shift_std']))}</td></tr>"
            for s in drift["columns"]
        )
        self.parts.append(f'<p></p><div class="scroll"><table><tr>{head}</tr>{body}</table></div></section>')

    def distributions(self, profile: Profile) -> None:
        self.section("distributions", "section_distributions")
        charts = []
        for hist in profile.histograms:
            edges, counts = hist["edges"], hist["counts"]
            if hist["kind"] == "datetime":
                centers: list[Any] = edges[:-1]
                trace = {
                    "type": "bar",
                    "x": centers,
                    "y": counts,
                    "marker": {"color": "#3b6ea5"},
                    "hovertemplate": "%{x}: %{y}<extra></extra>",
                    "offset": 0,
                }
            else:
                width = edges[1] - edges[0]
                centers = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:], strict=True)]
                trace = {
                    "type": "bar",
                    "x": centers,
                    "y": counts,
                    "width": [width] * len(counts),
                    "marker": {"color": "#3b6ea5"},
                    "hovertemplate": "%{x}: %{y}<extra></extra>",
                }
            title = f"{html.escape(hist['column'])} · {label('histogram', self.lang)}"
            charts.append(
                self.figure(
                    [trace],
                    {
                        "title": {"text": title},
                        "bargap": 0.02,
                        "yaxis": {"title": {"text": label("frequency", self.lang)}},
                    },
                )
            )
        for top in profile.top_values:
            title = f"{html.escape(top['column'])} · {label('top_values', self.lang)}"
            if top["skipped"]:
                charts.append(
                    f'<div class="chart"><p><b>{_e(top["column"])}</b></p>'
                    f'<p class="note">{self.t("mostly_unique")}</p></div>'
                )
                continue
            names = [html.escape(v["value"]) for v in top["values"]]
            counts = [v["count"] for v in top["values"]]
            if top["other"]:
                names.append(html.escape(label("other_values", self.lang)))
                counts.append(top["other"])
            trace = {
                "type": "bar",
                "orientation": "h",
                "x": counts[::-1],
                "y": names[::-1],
                "marker": {"color": "#5a8f29"},
                "hovertemplate": "%{y}: %{x}<extra></extra>",
            }
            layout = {
                "title": {"text": title},
                "yaxis": {"type": "category", "automargin": True},
                "height": max(260, 60 + 22 * len(names)),
            }
            charts.append(self.figure([trace], layout))
        self.parts.append(f'<div class="grid">{"".join(charts)}</div></section>')

    def correlations(self, profile: Profile) -> None:
        self.section("correlations", "section_correlations")
        corr = profile.correlations
        names = [html.escape(n) for n in corr["columns"]]
        if len(names) < 2:
            self.parts.append(f'<p class="note">{self.t("no_numeric")}</p></section>')
            return
        longest = max(len(n) for n in corr["columns"])
        # room for the labels on both axes: long column names must not shrink the heatmap itself
        size = max(360, 140 + 28 * len(names) + 6 * min(longest, 40))
        charts = []
        for key in ("pearson", "spearman"):
            trace = {
                "type": "heatmap",
                "z": corr[key],
                "x": names,
                "y": names,
                "zmin": -1,
                "zmax": 1,
                "colorscale": "RdBu",
                "reversescale": True,
                "texttemplate": "%{z:.2f}" if len(names) <= 15 else "",
                "hovertemplate": "%{y} · %{x}: %{z:.3f}<extra></extra>",
            }
            layout = {
                "title": {"text": label(key, self.lang)},
                "height": size,
                "yaxis": {"autorange": "reversed", "automargin": True},
                "xaxis": {"automargin": True},
            }
            charts.append(self.figure([trace], layout))
        note = ""
        if corr["spearman_sampled"]:
            text = label("spearman_sampled", self.lang).format(n=_fmt(corr["spearman_rows"]))
            note = f'<p class="note">{_e(text)}</p>'
        self.parts.append(f'<div class="grid">{"".join(charts)}</div>{note}</section>')

    def scatter(self, profile: Profile) -> None:
        if not profile.scatter:
            return
        self.section("scatter", "section_scatter")
        charts = []
        for pair in profile.scatter:
            x, y = html.escape(pair["x"]), html.escape(pair["y"])
            r = "" if pair["pearson"] is None else f" (r = {pair['pearson']:.2f})"
            trace = {
                "type": "scattergl",
                "mode": "markers",
                "x": pair["points"]["x"],
                "y": pair["points"]["y"],
                "marker": {"size": 4, "opacity": 0.5, "color": "#3b6ea5"},
            }
            layout = {
                "title": {"text": f"{x} · {y}{r}"},
                "xaxis": {"title": {"text": x}},
                "yaxis": {"title": {"text": y}},
            }
            charts.append(self.figure([trace], layout))
        self.parts.append(f'<div class="grid">{"".join(charts)}</div></section>')

    def render(self) -> str:
        draw = (
            "const figures = " + script_json(self.figures) + ";\n"
            f"for (const f of figures) {{ Plotly.newPlot(f.id, f.data, f.layout, {PLOTLY_CONFIG}); }}"
        )
        return html_page(
            self.title,
            self.lang,
            "".join(self.parts) + f"<script>{draw}</script>",
            facts=self.facts,
            sections=self.nav,
        )
