"""Calibration cost and snapshot storage against the length of history:
`python bench/calibration.py [--agreements 20]` prints a table.

Generates ``--agreements`` synthetic agreements (``alliance generate``'s shapes) into a fresh
SQLite file (or the disposable database ``DATABASE_URL`` names), computes their insights on
day 0, then gives each agreement 2, 30 and 365 earlier days of snapshots (copies of day 0's,
every kind, one a day: what the daily job leaves) and measures, per agreement, in the same
run on the same rows:

- **every earlier, whole**: the calibration's read before the retention rule
  (``histories(..., bounded=False)``: every earlier snapshot's forecasts and indexes parsed)
  and its back-tests;
- **bounded, whole (before)**: the read the rule bounds (``retention.calibration_snapshots``),
  each snapshot's ``commitments`` and ``pairs`` parsed whole — the baseline;
- **bounded, chosen (now)**: ``calibration.schedule_past`` / ``trust_past``: the database
  picks the forecasts and indexes the back-test chooses, only their fields come back.

The three interleaved, ``--repeats`` times, the best of each; the figures of the last two are
asserted equal. "parsed": forecasts and indexes turned into Python objects per agreement.
CPU (this process: Python and SQLite's engine; PostgreSQL's server work is only in the wall)
beside wall. Then the storage: the bytes of an agreement-day of snapshots
(the JSON of its 7 kinds) and the rows and bytes an agreement keeps after ``snapshots_prune``
of a year of daily snapshots, against keeping them all.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def _setup() -> str:
    if not os.environ.get("DATABASE_URL"):
        os.environ["ALLIANCE_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-calibration-")
    os.environ.setdefault("SECRET_KEY", "bench-calibration-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    vendor = _setup()

    from django.db.models import TextField
    from django.db.models.functions import Cast, Length

    from alliance.analytics import calibration
    from alliance.analytics.choices import SnapshotKind
    from alliance.analytics.models import InsightSnapshot
    from alliance.analytics.retention import snapshots_prune
    from alliance.analytics.selectors import agreement_inputs
    from alliance.analytics.services import insights_recompute_portfolio, system_actor
    from alliance.partnerships.models import Agreement
    from alliance.scenarios import generator

    generator.generate(agreements=options.agreements, seed=1)
    agreements = list(Agreement.objects.order_by("pk"))
    day0 = generator.DEFAULT_AS_OF
    insights_recompute_portfolio(as_of=day0, agreements=agreements)
    inputs = {a.pk: agreement_inputs(a, day0) for a in agreements}
    known = {pk: calibration.outcomes(i) for pk, i in inputs.items()}
    today = list(InsightSnapshot.objects.filter(as_of=day0))

    def history(days: int) -> None:
        InsightSnapshot.objects.filter(as_of__lt=day0).delete()
        InsightSnapshot.objects.bulk_create(
            (
                InsightSnapshot(
                    agreement_id=s.agreement_id, kind=s.kind, as_of=day0 - timedelta(days=k),
                    data=s.data, parameters_digest=s.parameters_digest,
                )
                for k in range(1, days + 1)
                for s in today
            ),
            batch_size=500,
        )  # fmt: skip

    ids = [a.pk for a in agreements]

    def whole(bounded: bool) -> tuple[dict, dict]:
        schedules = calibration.histories(
            ids, SnapshotKind.SCHEDULE, "commitments", day0, bounded=bounded
        )
        trusts = calibration.histories(ids, SnapshotKind.TRUST, "pairs", day0, bounded=bounded)
        return (
            {pk: calibration.schedule_past_of(h) for pk, h in schedules.items()},
            {pk: calibration.trust_past_of(h) for pk, h in trusts.items()},
        )

    def chosen() -> tuple[dict, dict]:
        return (
            calibration.schedule_past(ids, day0, known),
            calibration.trust_past(ids, day0, known),
        )

    def calibrate(read) -> tuple[float, float, list, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        schedules, trusts = read()
        figures = [
            (
                calibration.schedule_calibration(a, inputs[a.pk], known[a.pk], schedules[a.pk]),
                calibration.trust_calibration(a, inputs[a.pk], known[a.pk], trusts[a.pk]),
            )
            for a in agreements
        ]
        parsed = sum(len(p.items) for p in (*schedules.values(), *trusts.values())) / len(ids)
        return time.process_time() - cpu, time.perf_counter() - wall, figures, parsed

    modes = {
        "every earlier, whole": lambda: whole(False),
        "bounded, whole (before)": lambda: whole(True),
        "bounded, chosen (now)": chosen,
    }
    n = len(agreements)
    print(
        f"{vendor}, {n} agreements (read per chunk of {n}, as the portfolio path), calibration"
        f" per agreement, best of {options.repeats} interleaved runs"
    )
    head = (
        f"{'history':>8} {'read':26} {'snapshots':>9} {'parsed':>7} {'CPU ms':>8} {'wall ms':>8}"
        f" {'CPU ratio':>9} {'wall ratio':>10}"
    )
    print(head)
    print("-" * len(head))
    for days in (2, 30, 365):
        history(days)
        best: dict[str, tuple[float, float]] = {}
        parsed: dict[str, float] = {}
        figures: dict[str, list] = {}
        for _ in range(options.repeats):
            for label, read in modes.items():  # interleaved: the machine's load hits both
                cpu, wall, figures[label], parsed[label] = calibrate(read)
                was = best.get(label, (float("inf"), float("inf")))
                best[label] = (min(was[0], cpu), min(was[1], wall))
        # The chosen forecasts give the whole read's figures.
        assert figures["bounded, chosen (now)"] == figures["bounded, whole (before)"]
        base = best["bounded, whole (before)"]
        snapshots = calibration.schedule_past(ids[:1], day0, known)[ids[0]].snapshots
        for label in modes:
            cpu, wall = best[label]
            read = days if label.startswith("every") else snapshots
            print(
                f"{days:>7}d {label:26} {read:>9} {parsed[label]:>7.0f} {cpu / n * 1000:8.1f}"
                f" {wall / n * 1000:8.1f} {cpu / base[0]:9.2f} {wall / base[1]:10.2f}"
            )

    # Storage: a year of daily snapshots, then the rule applied.
    day_bytes = (
        sum(
            InsightSnapshot.objects.filter(as_of=day0)
            .annotate(size=Length(Cast("data", TextField())))
            .values_list("size", flat=True)
        )
        / n
    )  # JSON characters ≈ bytes
    rows_all = InsightSnapshot.objects.count() / n
    pruned = snapshots_prune(actor=system_actor(), as_of=day0)
    rows_kept = InsightSnapshot.objects.count() / n
    print()
    print(f"an agreement-day of snapshots (7 kinds): {day_bytes / 1000:.1f} kB of JSON")
    print(f"{'a year of daily snapshots':44} {'rows':>6} {'MB':>7} {'ratio':>6}")
    print(
        f"{'kept for ever (before)':44} {rows_all:6.0f}"
        f" {rows_all / 7 * day_bytes / 1e6:7.2f} {1:6.2f}"
    )
    print(
        f"{'after the rule (window + month ends)':44} {rows_kept:6.0f}"
        f" {rows_kept / 7 * day_bytes / 1e6:7.2f} {rows_kept / rows_all:6.2f}"
        f"   ({pruned.deleted} rows pruned in {pruned.batches} batches)"
    )
    print(
        f"each further year after the rule: 12 month ends = {12 * day_bytes / 1e6:.2f} MB per"
        f" agreement (before: {365 * day_bytes / 1e6:.2f} MB)"
    )


if __name__ == "__main__":
    main()
