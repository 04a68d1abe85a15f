"""Take the README's screenshots from a running demo (``make demo`` in another shell).

    .venv/bin/python scripts/readme_screenshots.py [--base http://127.0.0.1:8000] [--lang en]

Drives Debian's Chromium through Playwright, logs in as the demo's alliance manager and saves
PNG files under docs/screenshots/.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="claire")
    parser.add_argument("--password", default="alliance-demo")
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale=args.lang)
        cookie = {"name": "django_language", "value": args.lang, "url": args.base}
        page.context.add_cookies([cookie])
        page.goto(f"{args.base}/login/")
        page.fill("#id_username", args.user)
        page.fill("#id_password", args.password)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{args.base}/")
        page.screenshot(path=OUT / f"portfolio-{args.lang}.png", full_page=True)
        first = page.locator("table a[href^='/agreements/']").last
        agreement_url = args.base + re.sub(r"/$", "", first.get_attribute("href") or "") + "/"
        for tab in ("", "trust/"):
            page.goto(agreement_url + tab)
            page.wait_for_load_state("networkidle")
            name = tab.strip("/") or "overview"
            page.screenshot(path=OUT / f"{name}-{args.lang}.png", full_page=False)
        browser.close()
    print(f"Screenshots written to {OUT}")


if __name__ == "__main__":
    main()
