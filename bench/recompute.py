"""Recompute benchmark: `python bench/recompute.py --agreements 50` prints a table.

Generates ``--agreements`` synthetic agreements into the database named by ``DATABASE_URL``
(PostgreSQL; it must be empty or disposable: the schema is migrated and the rows added) or,
without it, into a fresh SQLite file under a temporary ``ALLIANCE_VAR_DIR``; then, after a
first recompute of every agreement on day 0 (warnings raised, snapshots stored), measures per
agreement, in the same run:

- **reference full** (day 1): the path before it was made faster (``reference=True``), every
  agreement, rolled back afterwards — the baseline;
- **full** (day 1): the current path, every agreement (``alliance recompute --full``);
- **incremental, same day** after 1 % of the agreements were touched (a meeting logged):
  the daily job re-run, or the worker after a burst of writes;
- **incremental, next day** (day 2): every model reads the date, so every agreement is
  recomputed; the row says what the daily job costs.

CPU is this process's (Python, the ORM, SQLite's engine; PostgreSQL's server work is not in
it, it is in the wall time). Extrapolated to 10,000 agreements linearly (the per-agreement
path has no portfolio-wide step). Nothing fails: the numbers are for docs/performance.md.
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


class _Rollback(Exception):
    pass


def _setup() -> str:
    if not os.environ.get("DATABASE_URL"):
        os.environ["ALLIANCE_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-recompute-")
    os.environ.setdefault("SECRET_KEY", "bench-recompute-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def _timed(run) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = run()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    vendor = _setup()

    from django.db import transaction

    from alliance.analytics.services import (
        insights_recompute_all,
        insights_refresh,
        system_actor,
    )
    from alliance.engagement import services as es
    from alliance.partnerships.models import Agreement, Participation
    from alliance.scenarios import generator

    n = options.agreements
    _cpu, generate_wall, _ = _timed(lambda: generator.generate(agreements=n, seed=options.seed))
    agreements = list(Agreement.objects.order_by("pk"))
    day0 = generator.DEFAULT_AS_OF
    day1, day2 = day0 + timedelta(days=1), day0 + timedelta(days=2)
    first = _timed(lambda: insights_recompute_all(as_of=day0, agreements=agreements))

    def reference() -> None:
        try:
            with transaction.atomic():
                for agreement in agreements:
                    insights_refresh(
                        actor=None,
                        agreement=agreement,
                        as_of=day1,
                        incremental=False,
                        reference=True,
                    )
                raise _Rollback
        except _Rollback:
            pass

    rows = [("first run (day 0, warnings raised)", n, *first[:2], first[2])]
    cpu, wall, _ = _timed(reference)
    rows.append(("reference full (day 1, baseline)", n, cpu, wall, None))
    full = _timed(lambda: insights_recompute_all(as_of=day1, agreements=agreements))
    rows.append(("full (day 1)", n, *full[:2], full[2]))

    touched = agreements[: max(1, n // 100)]
    actor = system_actor()
    for agreement in touched:
        parties = [p.party for p in Participation.objects.filter(agreement=agreement)[:2]]
        es.interaction_log(
            actor=actor,
            agreement=agreement,
            parties=parties,
            kind="meeting",
            occurred_on=day1,
            summary="Bench meeting",
            confidentiality="shared",
        )
    same = _timed(
        lambda: insights_recompute_all(as_of=day1, agreements=agreements, incremental=True)
    )
    rows.append((f"incremental, same day, {len(touched)} touched", n, *same[:2], same[2]))
    nxt = _timed(
        lambda: insights_recompute_all(as_of=day2, agreements=agreements, incremental=True)
    )
    rows.append(("incremental, next day", n, *nxt[:2], nxt[2]))

    base_cpu = rows[1][2] / n
    print(f"\n{vendor}: {n} generated agreements (generated in {generate_wall:.0f} s)\n")
    print(
        "| run | recomputed / skipped | CPU per agreement | wall per agreement "
        "| CPU ratio to reference | 10,000 agreements: CPU | wall |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, count, cpu, wall, report in rows:
        done = f"{report.agreements} / {report.skipped}" if report is not None else f"{n} / 0"
        print(
            f"| {label} | {done} | {1000 * cpu / count:.0f} ms | {1000 * wall / count:.0f} ms "
            f"| {cpu / count / base_cpu:.2f} | {cpu / count * 10_000 / 60:.0f} min "
            f"| {wall / count * 10_000 / 60:.0f} min |"
        )
    reasons = nxt[2].reasons
    print(f"\nnext day, recomputed because of: {reasons}")


if __name__ == "__main__":
    main()
