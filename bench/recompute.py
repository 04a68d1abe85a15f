"""Recompute benchmark: `python bench/recompute.py --agreements 200` prints tables.

Generates ``--agreements`` synthetic agreements into the database named by ``DATABASE_URL``
(PostgreSQL; it must be empty or disposable: the schema is migrated and the rows added) or,
without it, into a fresh SQLite file under a temporary ``ALLIANCE_VAR_DIR``; then, after a
first recompute of every agreement on day 0 (warnings raised, snapshots stored), measures per
agreement, in the same run, each path on the same work:

- **reference full** (day 1): the per-agreement path before it was made faster
  (``reference=True``) — the baseline;
- **one by one, full** (day 1): ``insights_recompute_all`` (the per-agreement path);
- **portfolio, full** (day 1): ``insights_recompute_portfolio`` (``alliance recompute
  --full``), with the CPU of each of its parts;
- **incremental, same day** after 1 % of the agreements were touched (a meeting logged),
  both paths: the daily job re-run, or a burst of writes;
- **incremental, next day** (day 2), both paths: every model reads the date, so every
  agreement is recomputed; the row says what the daily job costs.

Every run but the portfolio's full and incremental ones on day 1 is rolled back, so each
path starts from the same rows. CPU is this process's (Python, the ORM, SQLite's engine, the
Monte Carlo's threads; PostgreSQL's server work is not in it, it is in the wall time).
Extrapolated to 10,000 agreements linearly (every part is per agreement or per chunk).
Nothing fails: the numbers are for docs/performance.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
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
    parser.add_argument("--agreements", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=None, help="portfolio chunk size")
    options = parser.parse_args()
    vendor = _setup()

    from django.db import transaction

    from alliance.analytics.services import (
        PORTFOLIO_CHUNK,
        PortfolioTimes,
        insights_recompute_all,
        insights_recompute_portfolio,
        insights_refresh,
        system_actor,
    )
    from alliance.engagement import services as es
    from alliance.partnerships.models import Agreement, Participation
    from alliance.scenarios import generator

    n = options.agreements
    chunk = options.chunk or PORTFOLIO_CHUNK
    _cpu, generate_wall, _ = _timed(lambda: generator.generate(agreements=n, seed=options.seed))
    agreements = list(Agreement.objects.order_by("pk"))
    day0 = generator.DEFAULT_AS_OF
    day1, day2 = day0 + timedelta(days=1), day0 + timedelta(days=2)
    first = _timed(lambda: insights_recompute_portfolio(as_of=day0, agreements=agreements))

    def rolled_back(run):
        def inner():
            try:
                with transaction.atomic():
                    result = run()
                    raise _Rollback(result)
            except _Rollback as done:
                return done.args[0]

        return inner

    def reference() -> None:
        for agreement in agreements:
            insights_refresh(
                actor=None, agreement=agreement, as_of=day1, incremental=False, reference=True
            )

    def portfolio(as_of, incremental, times):
        return lambda: insights_recompute_portfolio(
            as_of=as_of, agreements=agreements, incremental=incremental, chunk=chunk, times=times
        )

    def one_by_one(as_of, incremental):
        return lambda: insights_recompute_all(
            as_of=as_of, agreements=agreements, incremental=incremental
        )

    rows = [("first run (day 0, warnings raised), portfolio", *first[:2], first[2])]
    cpu, wall, _ = _timed(rolled_back(reference))
    rows.append(("reference full (day 1, baseline)", cpu, wall, None))
    rows.append(("one by one, full (day 1)", *_timed(rolled_back(one_by_one(day1, False)))))
    full_times = PortfolioTimes()
    rows.append(("portfolio, full (day 1)", *_timed(portfolio(day1, False, full_times))))

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
    label = f"incremental, same day, {len(touched)} touched"
    rows.append((f"one by one, {label}", *_timed(rolled_back(one_by_one(day1, True)))))
    rows.append((f"portfolio, {label}", *_timed(portfolio(day1, True, PortfolioTimes()))))
    rows.append(("one by one, incremental, next day", *_timed(rolled_back(one_by_one(day2, True)))))
    next_times = PortfolioTimes()
    rows.append(("portfolio, incremental, next day", *_timed(portfolio(day2, True, next_times))))

    base_cpu = rows[1][1] / n
    print(f"\n{vendor}: {n} generated agreements (generated in {generate_wall:.0f} s), ", end="")
    print(f"portfolio chunks of {chunk}\n")
    print(
        "| run | recomputed / skipped | CPU per agreement | wall per agreement "
        "| CPU ratio to reference | 10,000 agreements: CPU | wall |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, cpu, wall, report in rows:
        done = f"{report.agreements} / {report.skipped}" if report is not None else f"{n} / 0"
        print(
            f"| {label} | {done} | {1000 * cpu / n:.0f} ms | {1000 * wall / n:.0f} ms "
            f"| {cpu / n / base_cpu:.2f} | {cpu / n * 10_000 / 60:.1f} min "
            f"| {wall / n * 10_000 / 60:.1f} min |"
        )
    print(f"\nnext day, recomputed because of: {rows[-1][3].reasons}")
    print("\nportfolio path, CPU by part (per agreement; 10,000 agreements extrapolated)\n")
    print("| part | full (day 1) | incremental, next day | 10,000 agreements (next day) |")
    print("|---|---:|---:|---:|")
    parts = [f.name for f in dataclasses.fields(PortfolioTimes) if f.name != "kinds"]
    for part in [*parts, "total"]:
        a = (
            sum(getattr(full_times, p) for p in parts)
            if part == "total"
            else getattr(full_times, part)
        )
        b = (
            sum(getattr(next_times, p) for p in parts)
            if part == "total"
            else getattr(next_times, part)
        )
        print(
            f"| {part} | {1000 * a / n:.1f} ms | {1000 * b / n:.1f} ms | {b / n * 10_000:.0f} s |"
        )
    print("\nof models and Monte Carlo, by kind (CPU per agreement, without the JSON)\n")
    print("| kind | full (day 1) | incremental, next day |")
    print("|---|---:|---:|")
    for kind, cpu in sorted(next_times.kinds.items(), key=lambda item: -item[1]):
        full = 1000 * full_times.kinds.get(kind, 0) / n
        print(f"| {kind} | {full:.1f} ms | {1000 * cpu / n:.1f} ms |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of the bench process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
