"""Benchmark of the briefs on the demo scenario: building the party brief's data, its HTML
page and its PDF, for the alliance manager (the partnership as "us") and for a party's
representative, against a baseline measured in the same run: the agreement brief (data and
PDF) of the same agreement, already accepted as fast enough to serve on a click.

Needs a database with the demo loaded (``make demo`` once, or ``alliance manage demo_load``);
it reads whatever ``DATABASE_URL`` / ``var/`` points at and writes nothing.

    .venv/bin/python bench/briefs.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def _setup() -> None:
    from alliance.cli import _ensure_demo_secret, _setup_django

    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()


def measure(work: Callable[[], object], repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of ``work``, and its number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work()  # warm: templates, catalogues, fonts
    walls, cpus = [], []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        queries = len(captured)
    return statistics.median(walls), statistics.median(cpus), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    _setup()
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from alliance.briefings import rendering
    from alliance.briefings.party_selectors import party_brief
    from alliance.briefings.selectors import agreement_brief
    from alliance.core import clock
    from alliance.partnerships.models import Agreement, Party

    agreement = Agreement.objects.filter(reference="CONC-CM-2024-017").first()
    if agreement is None:
        raise SystemExit("bench/briefs.py needs the demo scenario: run `make demo` once.")
    users = get_user_model().objects
    claire, paul = users.get(username="claire"), users.get(username="paul")
    mint = Party.objects.get(short_name="MINT")
    valmont = Party.objects.get(short_name="Valmont Cameroun")
    today = clock.today()

    def data(user, party):
        with translation.override("fr"):
            return party_brief(user, agreement, party, today)

    def html(user, party):
        return rendering.party_html(user, agreement, party, today, "fr")

    cases = [
        ("agreement brief: data (baseline)", lambda: agreement_brief(claire, agreement, today)),
        ("party brief: data, team before MINT", lambda: data(claire, mint)),
        ("party brief: data, MINT's rep before Valmont", lambda: data(paul, valmont)),
        ("party brief: HTML, team before MINT", lambda: html(claire, mint)),
        (
            "agreement brief: PDF (baseline)",
            lambda: rendering.agreement_pdf(claire, agreement, today, "fr"),
        ),
        (
            "party brief: PDF, team before MINT",
            lambda: rendering.party_pdf(claire, agreement, mint, today, "fr"),
        ),
        (
            "party brief: PDF, MINT's rep before Valmont",
            lambda: rendering.party_pdf(paul, agreement, valmont, today, "fr"),
        ),
    ]
    rows = [(name, *measure(work, args.repeat)) for name, work in cases]
    base = {"data": rows[0], "PDF": rows[4]}
    print(f"Demo concession, {args.repeat} runs each (median), French")
    head = f"{'case':46} {'wall s':>8} {'CPU s':>8} {'queries':>8} {'× baseline':>11}"
    print(head)
    print("-" * len(head))
    for name, wall, cpu, queries in rows:
        baseline = base["PDF"] if "PDF" in name else base["data"]
        ratio = wall / baseline[1] if baseline[1] else float("nan")
        print(f"{name:46} {wall:8.3f} {cpu:8.3f} {queries:8d} {ratio:11.2f}")


if __name__ == "__main__":
    main()
