"""Benchmark of one page view's server cost for readers of many agreements: CPU and wall time,
queries and size of the inbox (or any page) as each named user, best and mean of warm views.

Reads whatever ``DATABASE_URL`` / ``var/`` points at (generated data: ``alliance generate
--agreements 300``, then ``alliance recompute`` for the warnings and forecasts) and writes
nothing. To compare two versions of the code on the same data, run it alternately with each
on ``PYTHONPATH`` (``--label`` names the run in the table) and read the rows side by side:

    .venv/bin/python bench/inbox.py --users gen-rep-1 gen-counsellor --views 5 --label after
    PYTHONPATH=/path/to/other/src .venv/bin/python bench/inbox.py ... --label before
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent / "src"))


def _setup() -> None:
    from alliance.cli import _ensure_demo_secret, _setup_django

    os.environ.setdefault("MFA_REQUIRED_FOR_TEAM", "0")
    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()


class _Counter:
    """Counts the queries sent (a reconnection between requests clears Django's own log)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", nargs="+", default=["gen-rep-1", "gen-counsellor"])
    parser.add_argument("--url", default="", help="the page (default: the inbox)")
    parser.add_argument("--views", type=int, default=5)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    _setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    import alliance

    url = args.url or reverse("inbox")
    label = args.label or str(Path(alliance.__file__).parent.parent)
    for name in args.users:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=name))
        client.get(url)  # warm: templates, translations, the session
        queries = _Counter()
        with connection.execute_wrapper(queries):
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        cpu_ms, wall_ms = [], []
        for _ in range(args.views):
            cpu, wall = time.process_time(), time.perf_counter()
            client.get(url)
            cpu_ms.append((time.process_time() - cpu) * 1000)
            wall_ms.append((time.perf_counter() - wall) * 1000)
        print(
            f"| {label} | {name} | {min(wall_ms):.0f} | {min(cpu_ms):.0f} | "
            f"{sum(cpu_ms) / len(cpu_ms):.0f} | {queries.n} | "
            f"{len(response.content) / 1000:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
