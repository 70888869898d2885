"""The one HTML page of every mirae report: one stylesheet, one page shell, plotly.js offline.

Reports build their sections and hand them to :func:`html_page`, which wraps
them in the same document (the Jinja2 template ``templates/page.html`` with the
stylesheet ``templates/mirae.css``, both in the package, for the workbench to
serve too): the same fonts (Korean included, with
``word-break: keep-all`` so Hangul breaks between words, not syllables), the
same tables and charts, plotly.js from the installed package (no CDN), and
one chart configuration (no plotly logo; the toolbar only on hover, so it
does not cover chart titles).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

__all__ = ["PLOTLY_CONFIG", "STYLE", "finish_page", "html_page"]

#: Options of every chart (JavaScript object literal).
PLOTLY_CONFIG = '{displaylogo: false, responsive: true, displayModeBar: "hover"}'

#: The one stylesheet (``templates/mirae.css`` in the package).
STYLE = files("mirae.core").joinpath("templates", "mirae.css").read_text(encoding="utf-8")


def html_page(
    title: str,
    lang: str,
    body: str,
    *,
    facts: Sequence[tuple[str, Any]] = (),
    sections: Sequence[tuple[str, str]] = (),
    body_class: str = "",
) -> str:
    """A whole report document around ``body``: the same header band, section links and footer.

    The document is the package's Jinja2 template ``templates/page.html``.
    ``title``, the ``facts`` shown in the header (label, value) and the
    ``sections`` linked below it (anchor, name) are text, escaped by the
    template (a value that is already :class:`markupsafe.Markup`, such as a
    status badge, stays as it is); ``body`` is the HTML the report built, its
    own text escaped there.

    Examples
    --------
    >>> page = html_page("매출 <요약>", "ko", "<p>본문</p>", facts=[("행 수", "2,031")], sections=[("a", "검사")])
    >>> "<h1>매출 &lt;요약&gt;</h1>" in page, "<dd>2,031</dd>" in page, '<a href="#a">검사</a>' in page
    (True, True, True)
    """
    from markupsafe import Markup
    from plotly.offline import get_plotlyjs

    from mirae.core._i18n import label

    # the stylesheet, plotly.js and the body are the package's or the report's own HTML
    trusted = {
        name: Markup(part)  # noqa: S704
        for name, part in {"style": STYLE, "plotly_js": get_plotlyjs(), "body": body}.items()
    }
    page: str = _template().render(
        title=title,
        lang=lang,
        facts=list(facts),
        sections=list(sections),
        footer=label("generated_by", lang),
        body_class=body_class,
        **trusted,
    )
    return page.rstrip("\n") + "\n"


@functools.cache
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mirae.core", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    return env.get_template("page.html")


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
