"""The one HTML page of every mirae report: one stylesheet, one page shell, plotly.js offline.

Reports build their sections and hand them to :func:`html_page`, which wraps
them in the same document: the same fonts (Korean included, with
``word-break: keep-all`` so Hangul breaks between words, not syllables), the
same tables and charts, plotly.js from the installed package (no CDN), and
one chart configuration (no plotly logo; the toolbar only on hover, so it
does not cover chart titles).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

__all__ = ["PLOTLY_CONFIG", "STYLE", "finish_page", "html_page"]

#: Options of every chart (JavaScript object literal).
PLOTLY_CONFIG = '{displaylogo: false, responsive: true, displayModeBar: "hover"}'

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans KR","Noto Sans CJK KR","Malgun Gothic",sans-serif;
margin:0;color:#1f2933;background:#f7f8fa;word-break:keep-all;overflow-wrap:anywhere}
header{background:#1f3a5f;color:#fff;padding:20px 32px}header h1{margin:0 0 6px;font-size:22px}
header dl{display:flex;flex-wrap:wrap;gap:6px 24px;margin:0}header dt{opacity:.75;font-size:12px}header dd{margin:0;font-weight:600}
nav{padding:8px 32px;background:#e4e9f0}nav a{margin-right:16px;color:#1f3a5f;text-decoration:none}
main{padding:8px 32px 40px;max-width:1200px}section{margin-top:24px}
h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #1f3a5f;padding-bottom:4px;margin-top:28px}
table{border-collapse:collapse;font-size:13px;background:#fff;margin:6px 0}
th,td{border:1px solid #d9dee5;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}.scroll{overflow-x:auto}
.numbers td{text-align:right;font-variant-numeric:tabular-nums}.numbers td.l,.numbers th.l{text-align:left}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.pass{background:#2f855a}.warn{background:#b7791f}.fail{background:#c53030}
.flag{display:inline-block;background:#e2e8f0;border-radius:4px;padding:0 5px;margin:1px;font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:12px}
.chart{background:#fff;border:1px solid #d9dee5;min-height:300px}
.note{color:#52606d;font-size:13px}
ol.rules li{margin:.3rem 0;font-family:ui-monospace,monospace;font-size:.85rem}
footer{padding:16px 32px;color:#7b8794;font-size:12px}
"""


def html_page(
    title: str,
    lang: str,
    body: str,
    *,
    header: str = "",
    nav: str = "",
    footer: str = "",
    body_class: str = "",
) -> str:
    """A whole report document around ``body`` (sections already rendered, charts as scripts)."""
    from plotly.offline import get_plotlyjs

    page_class = f' class="{body_class}"' if body_class else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body{page_class}>'
        f"{header}{nav}<main>{body}</main>{footer}</body></html>\n"
    )


def _inline_script() -> str:
    from plotly.offline import get_plotlyjs

    return f'<script type="text/javascript">{get_plotlyjs()}</script>'


def finish_page(text: str, path: str | os.PathLike[str] | None, *, shared_js: bool = False) -> str:
    """Write a report page to ``path`` (when given) and return it.

    With ``shared_js``, plotly.js is written once beside the page
    (``plotly-<version>.min.js``) and the page loads it from there: a folder
    of reports stays offline and holds one 4.6 MB script instead of one per
    report. The returned text is the page as written.
    """
    from mirae.core._result import write_html

    if shared_js and path is not None:
        import plotly

        name = f"plotly-{plotly.__version__}.min.js"
        target = Path(path).parent / name
        if not target.exists():
            from plotly.offline import get_plotlyjs

            target.parent.mkdir(parents=True, exist_ok=True)
            staging = target.with_name(f".{name}.{os.getpid()}")
            staging.write_text(get_plotlyjs(), encoding="utf-8")
            os.replace(staging, target)
        text = text.replace(_inline_script(), f'<script src="{name}"></script>', 1)
    return write_html(text, path)
