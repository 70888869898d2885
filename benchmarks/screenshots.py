"""Screenshots of every mirae report, in Korean and English, for ``docs/screenshots``.

Runs the demo (data quality + EDA of two tables, a credit-risk model's
evaluation, a weekly demand forecast) once per language and photographs each
report in a real headless Chromium (Debian's ``chromium``, driven by
Playwright), after its Plotly charts have drawn.

Reproduce::

    apt-get install -y chromium fonts-noto-cjk   # Korean needs a CJK font
    .venv/bin/python benchmarks/screenshots.py --out docs/screenshots

(It lives beside the benchmarks because, like them, it runs the real
commands end to end; it times nothing.)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

#: report file of the demo -> name of its screenshot
REPORTS = {
    "retail_weekly.html": "quality-profile",
    "german_credit_model.html": "model-evaluation",
    "retail_weekly_forecast.html": "forecast",
}
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _demo(folder: Path, lang: str) -> Path:
    mirae = Path(sys.executable).with_name("mirae")
    out = folder / f"reports-{lang}"
    subprocess.run(
        [
            str(mirae),
            "demo",
            "--workspace",
            str(folder / f"ws-{lang}"),
            "--out",
            str(out),
            "--lang",
            lang,
            "--json",
        ],
        check=True,
        capture_output=True,
    )
    return out


def _shoot(page: object, html: Path, target: Path, height: int) -> None:
    page.goto(html.as_uri())  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => window.Plotly && [...document.querySelectorAll('.js-plotly-plot')].every(p => p._fullLayout)"
    )
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    full = page.evaluate("document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    page.screenshot(  # type: ignore[attr-defined]
        path=str(target),
        full_page=True,
        type="jpeg",
        quality=70,
        clip={"x": 0, "y": 0, "width": 1280, "height": min(int(full), height)},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--height", type=int, default=2400, help="Longest part of a page photographed (px).")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mirae-shots-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for lang in ("ko", "en"):
            reports = _demo(Path(tmp), lang)
            for file, name in REPORTS.items():
                target = args.out / f"{name}-{lang}.jpg"
                _shoot(page, reports / file, target, args.height)
                print(f"{target} ({target.stat().st_size / 1e3:.0f} kB)")
        browser.close()


if __name__ == "__main__":
    main()
