"""Screenshots of what needs attention first, from the demo: the inbox, the portfolio, an
agreement's overview, commitments and trust, at 1440 px and at 390 px, in English and in
French, written to docs/screenshots/ (``<page>-<width>-<lang>.png``).

    .venv/bin/python scripts/attention_screenshots.py [--lang en fr] [--user samuel]

Self-contained: it loads the demo into a fresh database under a temporary directory (on the
demo's own day, so the pictures do not change with the calendar), serves it on a free port in
a thread and drives Debian's Chromium through Playwright, signed in as the demo counsellor
(and as the ministry's representative for a second inbox). Nothing of an existing demo is
touched.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENS = {1440: 900, 390: 844}


def _setup(var_dir: str) -> None:
    os.environ["ALLIANCE_VAR_DIR"] = var_dir
    os.environ["ALLIANCE_TESTING"] = "1"  # no secret needed for a throwaway database
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in this thread
    os.makedirs(os.path.join(var_dir, "static"), exist_ok=True)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
    import django

    django.setup()


def _session(user: object) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    from django.conf import settings

    return client.cookies[settings.SESSION_COOKIE_NAME].value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lang", nargs="+", default=["en", "fr"])
    parser.add_argument("--user", default="samuel")
    parser.add_argument(
        "--pages", nargs="+", help="only these (inbox portfolio overview commitments trust)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alliance-shots-") as var_dir:
        _setup(var_dir)
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.test.testcases import LiveServerThread
        from django.urls import reverse
        from playwright.sync_api import sync_playwright

        from alliance.core import clock
        from alliance.partnerships.models import Agreement
        from alliance.scenarios.demo import TODAY

        with clock.frozen(TODAY):
            call_command("migrate", verbosity=0)
            print("Loading the demo…", flush=True)
            call_command("demo_load", stdout=io.StringIO())
            call_command("collectstatic", interactive=False, verbosity=0)
            # WhiteNoise (a middleware) serves the collected static files: no extra handler.
            server = LiveServerThread("127.0.0.1", lambda handler: handler, port=0)
            server.daemon = True
            server.start()
            server.is_ready.wait()
            if server.error:
                raise server.error
            base = f"http://127.0.0.1:{server.port}"
            concession = Agreement.objects.get(reference="CONC-CM-2024-017").uuid
            pages = {
                "inbox": reverse("inbox"),
                "portfolio": reverse("portfolio"),
                "overview": reverse("agreement", args=[concession]),
                "commitments": reverse("agreement_commitments", args=[concession]),
                "trust": reverse("agreement_trust", args=[concession]),
            }
            if args.pages:
                pages = {name: path for name, path in pages.items() if name in args.pages}
            users = get_user_model().objects
            readers = {
                "": users.get(username=args.user),
                "-representative": users.get(username="paul"),
            }
            OUT.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium"),
                    args=CHROMIUM_ARGS,
                )
                for suffix, user in readers.items():
                    cookie = _session(user)
                    for lang in args.lang:
                        for width, height in SCREENS.items():
                            context = browser.new_context(
                                viewport={"width": width, "height": height}, locale=lang
                            )
                            context.add_cookies(
                                [
                                    {
                                        "name": settings.SESSION_COOKIE_NAME,
                                        "value": cookie,
                                        "url": base,
                                    },
                                    {
                                        "name": settings.LANGUAGE_COOKIE_NAME,
                                        "value": lang,
                                        "url": base,
                                    },
                                ]
                            )
                            page = context.new_page()
                            names = {k: v for k, v in pages.items() if not suffix or k == "inbox"}
                            for name, path in names.items():
                                page.goto(base + path)
                                page.wait_for_load_state("networkidle")
                                target = OUT / f"{name}{suffix}-{width}-{lang}.png"
                                page.screenshot(path=str(target))
                                print(target.relative_to(ROOT), flush=True)
                            context.close()
                browser.close()
            server.terminate()


if __name__ == "__main__":
    main()
