"""Benchmark of the server-side cost of the main pages on the demo: CPU and wall time per view,
and queries, with the process's cache of localized insight snapshots off (the baseline: every
view reads, decodes and renders its snapshots whole, as before the cache) and on, measured in
the same run, interleaved, by the same client.

Needs a database with the demo loaded (``make demo`` once); it reads whatever
``DATABASE_URL`` / ``var/`` points at, and writes nothing (reads only; the session is the
test client's). Pages are asked as a counsellor and as a party representative of the demo.

    .venv/bin/python bench/pages.py [--requests 10] [--agreement CONC-CM-2024-017]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def _setup() -> None:
    from alliance.cli import _ensure_demo_secret, _setup_django

    os.environ.setdefault("MFA_REQUIRED_FOR_TEAM", "0")
    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()


def _pages(agreement, commitment) -> dict[str, str]:
    from django.urls import reverse

    a = [agreement.uuid]
    return {
        "portfolio": reverse("portfolio"),
        "inbox": reverse("inbox"),
        "overview": reverse("agreement", args=a),
        "parties": reverse("agreement_parties", args=a),
        "commitments": reverse("agreement_commitments", args=a),
        "commitment": reverse("commitment", args=[agreement.uuid, commitment.uuid]),
        "interactions": reverse("agreement_interactions", args=a),
        "expectations": reverse("agreement_expectations", args=a),
        "trust": reverse("agreement_trust", args=a),
        "brief": reverse("agreement_brief", args=a),
        "search": reverse("search") + "?q=rapport",
    }


def _cost(client, url: str) -> tuple[float, float, int]:
    """(CPU ms, wall ms, status) of one view."""
    cpu, wall = time.process_time(), time.perf_counter()
    status = client.get(url).status_code
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--agreement", default="CONC-CM-2024-017")
    args = parser.parse_args()
    _setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from alliance.analytics import snapshot_cache
    from alliance.partnerships.models import Agreement

    agreement = Agreement.objects.get(reference=args.agreement)
    commitment = agreement.commitments.order_by("due_on").first()
    pages = _pages(agreement, commitment)
    users = get_user_model().objects
    readers = {
        "counsellor": users.get(username="samuel"),
        "representative": users.get(username="paul"),
    }
    on = snapshot_cache.cache()
    off = snapshot_cache.LocalizedSnapshots(0)  # keeps nothing: every view reads afresh
    load = ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    print(
        f"{os.cpu_count()} cores{load}, {connection.vendor}, {args.agreement}, "
        f"{args.requests} views per page and setting (interleaved), cache "
        f"{settings.SNAPSHOT_CACHE_MB} MB"
    )
    header = (
        "reader",
        "page",
        "CPU ms off",
        "CPU ms on",
        "CPU ratio",
        "wall ms off",
        "wall ms on",
        "queries off",
        "queries on",
    )
    rows = []
    totals = {"off": 0.0, "on": 0.0}
    for role, user in readers.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for name, url in pages.items():
            costs: dict[str, list[tuple[float, float]]] = {"off": [], "on": []}
            queries = {}
            for setting, cache in (("off", off), ("on", on)):
                snapshot_cache._cache = cache
                client.get(url)  # warm: templates, the cache when on
                with CaptureQueriesContext(connection) as captured:
                    status = client.get(url).status_code
                queries[setting] = len(captured)
                if status != 200:
                    raise SystemExit(f"{role} {name}: {url} answered {status}")
            for _ in range(args.requests):
                for setting, cache in (("off", off), ("on", on)):
                    snapshot_cache._cache = cache
                    cpu, wall, _status = _cost(client, url)
                    costs[setting].append((cpu, wall))
            mean = {
                s: (sum(c for c, _ in v) / len(v), sum(w for _, w in v) / len(v))
                for s, v in costs.items()
            }
            totals["off"] += mean["off"][0]
            totals["on"] += mean["on"][0]
            rows.append(
                (
                    role,
                    name,
                    f"{mean['off'][0]:.1f}",
                    f"{mean['on'][0]:.1f}",
                    f"{mean['on'][0] / mean['off'][0]:.2f}",
                    f"{mean['off'][1]:.1f}",
                    f"{mean['on'][1]:.1f}",
                    str(queries["off"]),
                    str(queries["on"]),
                )
            )
    snapshot_cache._cache = on
    rows.append(
        (
            "all",
            "sum of the means",
            f"{totals['off']:.0f}",
            f"{totals['on']:.0f}",
            f"{totals['on'] / totals['off']:.2f}",
            "",
            "",
            "",
            "",
        )
    )
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" if i < 2 else "---:" for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
