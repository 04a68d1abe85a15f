"""Calibration cost and snapshot storage against the length of history:
`python bench/calibration.py [--agreements 20]` prints a table.

Generates ``--agreements`` synthetic agreements (``alliance generate``'s shapes) into a fresh
SQLite file (or the disposable database ``DATABASE_URL`` names), computes their insights on
day 0, then gives each agreement 2, 30 and 365 earlier days of snapshots (copies of day 0's,
every kind, one a day: what the daily job leaves) and measures, per agreement, in the same
run on the same rows:

- **every earlier snapshot (before)**: the calibration's read before the retention rule
  (``histories(..., bounded=False)``) and its back-tests — the baseline;
- **bounded (now)**: the read the rule bounds (``retention.calibration_snapshots``).

CPU (this process) beside wall. Then the storage: the bytes of an agreement-day of snapshots
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

    from django.db.models.functions import Length

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

    def calibrate(bounded: bool) -> tuple[float, float]:
        best = (float("inf"), float("inf"))
        for _ in range(options.repeats):
            cpu, wall = time.process_time(), time.perf_counter()
            for a in agreements:
                ids = [a.pk]
                schedules = calibration.histories(
                    ids, SnapshotKind.SCHEDULE, "commitments", day0, bounded=bounded
                )
                trusts = calibration.histories(
                    ids, SnapshotKind.TRUST, "pairs", day0, bounded=bounded
                )
                calibration.schedule_calibration(a, inputs[a.pk], known[a.pk], schedules[a.pk])
                calibration.trust_calibration(a, inputs[a.pk], known[a.pk], trusts[a.pk])
            spent = (time.process_time() - cpu, time.perf_counter() - wall)
            best = min(best, spent)
        return best

    n = len(agreements)
    print(f"{vendor}, {n} agreements, calibration per agreement (best of {options.repeats})")
    head = (
        f"{'history':>8} {'read':24} {'snapshots read':>14} {'CPU ms':>7} {'wall ms':>8}"
        f" {'ratio':>6}"
    )
    print(head)
    print("-" * len(head))
    for days in (2, 30, 365):
        history(days)
        base = None
        for label, bounded in (("every earlier (before)", False), ("bounded (now)", True)):
            read = len(
                calibration.histories(
                    [agreements[0].pk], SnapshotKind.SCHEDULE, "commitments", day0, bounded=bounded
                )[agreements[0].pk]
            )
            cpu, wall = calibration_cost = calibrate(bounded)
            base = calibration_cost if base is None else base
            print(
                f"{days:>7}d {label:24} {read:>14} {cpu / n * 1000:7.1f} {wall / n * 1000:8.1f}"
                f" {wall / base[1]:6.2f}"
            )

    # Storage: a year of daily snapshots, then the rule applied.
    day_bytes = (
        sum(
            InsightSnapshot.objects.filter(as_of=day0)
            .annotate(size=Length("data"))
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
