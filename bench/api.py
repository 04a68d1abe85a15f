"""Benchmark of the REST API on the demo scenario: requests per second of the main reads,
through the whole stack (middleware, token, rate count, policy, serialisation), against a
baseline measured in the same run — a minimal django-ninja endpoint (no authentication, a
constant answer) behind the same middleware.

Needs a database with the demo loaded (``make demo`` once); it reads whatever
``DATABASE_URL`` / ``var/`` points at. The token it makes and the requests it counts are
rolled back at the end: it leaves nothing behind.

    .venv/bin/python bench/api.py [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

MINIMAL_URLCONF = "bench_api_urls"


def _setup() -> None:
    from alliance.cli import _ensure_demo_secret, _setup_django

    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()


def _minimal_urlconf() -> None:
    """The site's URLs plus ``/bench/minimal``: a django-ninja endpoint doing nothing."""
    import types

    from django.urls import include, path
    from ninja import NinjaAPI

    minimal = NinjaAPI(urls_namespace="bench", docs_url=None)

    @minimal.get("/minimal")
    def minimal_view(request):  # type: ignore[no-untyped-def]
        return {"ok": True}

    module = types.ModuleType(MINIMAL_URLCONF)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/", minimal.urls),
        path("", include("alliance.config.urls")),
    ]
    sys.modules[MINIMAL_URLCONF] = module


def measure(client, url: str, headers: dict[str, str], n: int) -> tuple[float, int, int]:
    """Requests per second over ``n`` sequential requests, queries per request, status."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = client.get(url, headers=headers).status_code  # warm
    with CaptureQueriesContext(connection) as captured:
        client.get(url, headers=headers)
    queries = len(captured)
    start = time.perf_counter()
    for _ in range(n):
        client.get(url, headers=headers)
    return n / (time.perf_counter() - start), queries, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    _setup()
    _minimal_urlconf()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client, override_settings

    from alliance.analytics.services import insights_recompute
    from alliance.api.services import api_token_create
    from alliance.partnerships.models import Agreement, Party

    agreement = Agreement.objects.filter(reference="CONC-CM-2024-017").first()
    if agreement is None:
        raise SystemExit("bench/api.py needs the demo scenario: run `make demo` once.")
    claire = get_user_model().objects.get(username="claire")
    commitment = agreement.commitments.order_by("due_on").first()
    lender = Party.objects.filter(participations__agreement=agreement, kind="lender").first()
    a = f"/api/v1/agreements/{agreement.uuid}"
    cases = [
        ("minimal django-ninja endpoint (baseline)", "/bench/minimal"),
        ("agreements (portfolio)", "/api/v1/agreements"),
        ("commitments, page of 50", f"{a}/commitments?limit=50"),
        ("commitments, overdue filter", f"{a}/commitments?due=overdue"),
        ("one commitment", f"{a}/commitments/{commitment.uuid}"),
        ("interactions, page of 50", f"{a}/interactions?limit=50"),
        ("trust pairs (snapshot)", f"{a}/trust/pairs?truster={lender.uuid}"),
    ]
    with (
        override_settings(ROOT_URLCONF=MINIMAL_URLCONF, API_RATE_LIMIT_PER_MINUTE=10**9),
        transaction.atomic(),
    ):
        if not agreement.insight_snapshots.filter(kind="trust").exists():
            insights_recompute(actor=None, agreement=agreement)
        _token, secret = api_token_create(actor=claire, name="bench", scope="read")
        headers = {"Authorization": f"Bearer {secret}"}
        client = Client()
        rows = [(name, *measure(client, url, headers, args.requests)) for name, url in cases]
        transaction.set_rollback(True)
    vendor = connection.vendor
    print(f"Demo concession on {vendor}, {args.requests} sequential requests each, in process")
    head = f"{'case':42} {'req/s':>8} {'queries':>8} {'status':>7} {'× baseline':>11}"
    print(head)
    print("-" * len(head))
    base = rows[0][1]
    for name, rate, queries, status in rows:
        print(f"{name:42} {rate:8.0f} {queries:8d} {status:7d} {rate / base:11.2f}")


if __name__ == "__main__":
    main()
