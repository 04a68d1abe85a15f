"""Write ``web/static/vendor/plotly.css``: the style rules Plotly would inject at run time.

Plotly adds its rules (modebar, hover labels, notifier…) by creating a ``<style>`` element,
which the Content-Security-Policy refuses (``style-src 'self'``, no ``'unsafe-inline'``).
Plotly skips that step when the page already holds an element with the id
``plotly.js-style-global`` and the class ``no-inline-styles``: ``alliance.js`` adds a
``<link>`` to this file under that id before it loads Plotly. The rules are read back from
the vendored bundle itself, in Chromium, so they follow it on every upgrade:

    .venv/bin/python scripts/vendor_plotly_css.py
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

VENDOR = Path(__file__).resolve().parent.parent / "src/alliance/web/static/vendor"
CHROMIUM = "/usr/bin/chromium"


def plotly_rules(bundle: Path) -> list[str]:
    """The rules the bundle injects into ``plotly.js-style-global``, in the sheet's order."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.set_content('<html><head></head><body><div id="g"></div></body></html>')
            page.add_script_tag(content=bundle.read_text(encoding="utf-8"))
            page.evaluate("() => Plotly.newPlot('g', [{x: [1, 2], y: [3, 4], type: 'bar'}])")
            return page.evaluate(
                """() => Array.from(document.getElementById('plotly.js-style-global')
                                     .sheet.cssRules).map(rule => rule.cssText)"""
            )
        finally:
            browser.close()


def main() -> int:
    bundle = VENDOR / "plotly.min.js"
    digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    rules = plotly_rules(bundle)
    header = (
        "/* Plotly's run-time style rules, read from plotly.min.js (sha256 "
        f"{digest})\n   by scripts/vendor_plotly_css.py: served as a file so that the "
        "Content-Security-Policy\n   needs no 'unsafe-inline' for styles. Do not edit. */\n"
    )
    (VENDOR / "plotly.css").write_text(header + "\n".join(rules) + "\n", encoding="utf-8")
    print(f"{len(rules)} rules written to {VENDOR / 'plotly.css'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
