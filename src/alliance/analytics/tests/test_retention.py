"""Snapshot retention: every snapshot of the last 90 days, then the last of each month; the
daily job's pruning keeps exactly that, in short batches, as the system through the access
policy; and the calibration reads a bounded number of snapshots, the same before and after
the pruning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.analytics import calibration
from alliance.analytics.models import InsightSnapshot
from alliance.analytics.retention import snapshots_prune
from alliance.analytics.services import system_actor

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)
KINDS = ("schedule", "trust")


def _daily(agreement, days: int, *, until: date = TODAY) -> None:
    """One snapshot of each kind a day, the last ``days`` days up to ``until``."""
    InsightSnapshot.objects.filter(agreement=agreement).delete()
    InsightSnapshot.objects.bulk_create(
        InsightSnapshot(
            agreement=agreement,
            kind=kind,
            as_of=until - timedelta(days=n),
            data={"commitments": [], "pairs": []},
            parameters_digest="x",
        )
        for n in range(days)
        for kind in KINDS
    )


def _dates(agreement, kind: str = "schedule") -> set[date]:
    return set(
        InsightSnapshot.objects.filter(agreement=agreement, kind=kind).values_list(
            "as_of", flat=True
        )
    )


def _kept(dates: set[date], today: date, daily: int = 90) -> set[date]:
    """The rule, written plainly: the window's, then the last of each month."""
    start = today - timedelta(days=daily)
    months: dict[tuple[int, int], date] = {}
    for day in dates:
        key = (day.year, day.month)
        months[key] = max(months.get(key, day), day)
    return {d for d in dates if d >= start} | set(months.values())


def _read(agreement, **options) -> list[date]:
    history = calibration.histories([agreement.pk], "schedule", "commitments", TODAY, **options)
    return [made for made, _items in history[agreement.pk]]


def test_the_daily_job_keeps_the_window_and_the_last_snapshot_of_each_month(world):
    _daily(world.agreement, 400)
    every = _dates(world.agreement)
    # An agreement not recomputed for months: its newest snapshots are old, the newest stays.
    old = TODAY - timedelta(days=300)
    InsightSnapshot.objects.bulk_create(
        InsightSnapshot(
            agreement=world.other_agreement, kind="schedule", as_of=day, parameters_digest="x"
        )
        for day in (old - timedelta(days=1), old)
    )
    pruned = snapshots_prune(actor=system_actor(), as_of=TODAY, batch=100)
    for kind in KINDS:
        assert _dates(world.agreement, kind) == _kept(every, TODAY)
    assert _dates(world.other_agreement) == {old}
    assert pruned.deleted == 2 * (400 - len(_kept(every, TODAY))) + 1
    assert pruned.batches == -(-pruned.deleted // 100)  # 100 rows per short transaction
    # Every day of the window, and one a month before it.
    assert len(_kept(every, TODAY)) == 91 + 11  # April–June 2026, then May 2025–March 2026
    assert snapshots_prune(actor=system_actor(), as_of=TODAY).deleted == 0


def test_only_an_actor_the_policy_lets_change_the_agreement_prunes(world):
    _daily(world.agreement, 120)
    with pytest.raises(PermissionDenied):
        snapshots_prune(actor=world.outsider, as_of=TODAY)
    assert InsightSnapshot.objects.count() == 240


def test_the_calibration_reads_a_bounded_number_of_snapshots_in_two_queries(world, settings):
    read, queries = {}, {}
    for days in (10, 120, 400, 1200):
        _daily(world.agreement, days)
        with CaptureQueriesContext(connection) as captured:
            read[days] = len(_read(world.agreement))
        queries[days] = len(captured)
    assert read[10] == 9  # every earlier one, today's excluded
    assert read[1200] <= 90 + 24 + 1 and read[400] <= read[1200]
    assert set(queries.values()) == {2}
    # With fewer months read, already flat from a year and a month of history on.
    settings.INSIGHT_SNAPSHOTS_MONTHS_READ = 6
    flat = set()
    for days in (400, 800, 1200):
        _daily(world.agreement, days)
        flat.add(len(_read(world.agreement)))
    assert flat == {90 + 6}  # the 90 days of the window, then six month ends


def test_within_the_window_the_calibration_reads_what_it_read_before(world):
    _daily(world.agreement, 85)
    assert _read(world.agreement) == _read(world.agreement, bounded=False)
    assert len(_read(world.agreement)) == 84


def test_pruning_does_not_change_what_the_calibration_reads(world):
    _daily(world.agreement, 500)
    before = _read(world.agreement)
    assert len(before) < len(_read(world.agreement, bounded=False))
    snapshots_prune(actor=system_actor(), as_of=TODAY)
    assert _read(world.agreement) == before


def test_the_daily_job_prunes_after_its_recompute(world):
    from alliance.core import clock
    from alliance.notifications import scheduler

    _daily(world.agreement, 200, until=TODAY - timedelta(days=1))
    with clock.frozen(TODAY):
        result = scheduler.run_job.call("insights", TODAY.isoformat())
    assert result["agreements"] >= 1 and result["snapshots_pruned"] > 0
    assert result["task_results_pruned"] == 0  # and the task results past their keeping time
    every = {TODAY - timedelta(days=n) for n in range(201)}
    assert _dates(world.agreement, "trust") == _kept(every, TODAY)
