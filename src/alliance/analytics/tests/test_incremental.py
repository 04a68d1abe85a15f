"""Incremental recompute: an agreement whose snapshots of a date were computed from exactly
what would be read now is skipped, and what it keeps is what a full recompute would store."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from alliance.analytics.choices import SnapshotKind
from alliance.analytics.models import InsightSnapshot
from alliance.analytics.services import (
    insights_recompute,
    insights_recompute_all,
    insights_recompute_portfolio,
    insights_refresh,
)
from alliance.analytics.tests.helpers import commitment, meeting
from alliance.partnerships import services as ps
from alliance.risks.choices import WarningStatus
from alliance.risks.models import EarlyWarning
from alliance.risks.services import early_warning_set_status

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 30)


def _busy(world) -> None:
    """Open work, a late delivery, meetings: every kind has something to say."""
    late = commitment(world, "Land survey", due=date(2026, 3, 1), created=date(2026, 1, 10))
    ps.commitment_deliver(
        actor=world.owner, commitment=late, on=date(2026, 4, 2), evidence="Survey report"
    )
    commitment(world, "Permit file", due=date(2026, 5, 1), created=date(2026, 2, 1))
    commitment(world, "Financial close", due=date(2026, 9, 1), created=date(2026, 3, 1))
    for day in (date(2026, 2, 3), date(2026, 4, 9), date(2026, 6, 2)):
        meeting(world, day)


def _stored(agreement, as_of: date) -> dict[str, object]:
    """What is stored for ``as_of``, by kind (the data and the fingerprint, not the time),
    and the side effects: the warnings' rows and the stage."""
    rows = InsightSnapshot.objects.filter(agreement=agreement, as_of=as_of)
    stored: dict[str, object] = {
        s.kind: {"data": s.data, "fingerprint": s.fingerprint} for s in rows
    }
    stored["warning rows"] = sorted(
        EarlyWarning.objects.filter(agreement=agreement).values_list(
            "key", "status", "severity", "message", "evidence"
        )
    )
    agreement.refresh_from_db()
    stored["stage"] = agreement.stage
    return stored


def _portfolio(**options):
    """The portfolio path, in chunks of one (every chunk boundary crossed), never falling
    back to the one-by-one path (which would hide a difference)."""
    report = insights_recompute_portfolio(chunk=1, **options)
    assert report.fallbacks == 0 and not report.failed
    return report


# Both batch paths: one agreement after the other, and the portfolio path.
RUNNERS = pytest.mark.parametrize(
    "recompute_all", [insights_recompute_all, _portfolio], ids=["one-by-one", "portfolio"]
)


def _written(agreement) -> dict[str, object]:
    return dict(
        InsightSnapshot.objects.filter(agreement=agreement).values_list("kind", "computed_at")
    )


@RUNNERS
def test_an_untouched_agreement_is_skipped_and_a_touched_one_recomputed(world, recompute_all):
    _busy(world)
    first = recompute_all(as_of=DAY, incremental=True)
    assert first.agreements == 2 and first.skipped == 0 and first.reasons == {"missing": 2}
    untouched, touched = _written(world.other_agreement), _written(world.agreement)

    meeting(world, DAY - timedelta(days=1))
    again = recompute_all(as_of=DAY, incremental=True)

    assert (again.agreements, again.skipped) == (1, 1)
    assert again.reasons == {"inputs": 1}
    assert again.kinds == {kind: 1 for kind in SnapshotKind.values}
    assert _written(world.other_agreement) == untouched  # nothing written
    assert all(_written(world.agreement)[k] > touched[k] for k in SnapshotKind.values)


def test_the_date_moving_recomputes_every_kind(world):
    _busy(world)
    insights_recompute(actor=None, agreement=world.agreement, as_of=DAY)

    moved = insights_refresh(actor=None, agreement=world.agreement, as_of=DAY + timedelta(days=1))

    # Every model reads the date (decay, windows, elapsed work, days overdue).
    assert set(moved.reasons) == set(SnapshotKind.values)
    assert all(reasons == ("date",) for reasons in moved.reasons.values())
    assert InsightSnapshot.objects.filter(as_of=DAY + timedelta(days=1)).count() == len(
        SnapshotKind.values
    )


def test_a_person_changing_a_warning_gets_it_recomputed(world):
    _busy(world)
    insights_recompute(actor=None, agreement=world.agreement, as_of=DAY)
    warning = EarlyWarning.objects.filter(agreement=world.agreement).exclude(rule="").first()
    assert warning is not None
    early_warning_set_status(actor=world.owner, warning=warning, status=WarningStatus.RESOLVED)

    done = insights_refresh(actor=None, agreement=world.agreement, as_of=DAY)

    assert done.reasons == {SnapshotKind.WARNINGS: ("warnings",)}
    warning.refresh_from_db()
    assert warning.status == WarningStatus.OPEN  # still firing: the sync reopened it
    assert insights_refresh(actor=None, agreement=world.agreement, as_of=DAY).skipped


def test_a_history_recompute_of_an_earlier_date_recomputes_the_calibration(world):
    _busy(world)
    insights_recompute(actor=None, agreement=world.agreement, as_of=DAY)
    insights_recompute(actor=None, agreement=world.agreement, as_of=date(2026, 3, 31))

    done = insights_refresh(actor=None, agreement=world.agreement, as_of=DAY)

    assert done.reasons == {
        SnapshotKind.TRUST: ("history",),
        SnapshotKind.SCHEDULE: ("history",),
    }


@RUNNERS
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_what_an_incremental_run_keeps_is_what_a_full_run_stores(world, seed, recompute_all):
    """Random writes and runs in a random order: after each incremental run, every agreement
    holds the snapshots a full recompute stores right after it."""
    rng = random.Random(seed)
    _busy(world)
    agreements = [world.agreement, world.other_agreement]
    days = [DAY, DAY + timedelta(days=1)]
    for step in range(6):
        touch = rng.choice(["meeting", "warning", "nothing"])
        if touch == "meeting":
            meeting(world, DAY - timedelta(days=step + 2))
        elif touch == "warning":
            open_ = EarlyWarning.objects.exclude(rule="").exclude(status=WarningStatus.RESOLVED)
            if open_.exists():
                early_warning_set_status(
                    actor=world.owner, warning=open_.first(), status=WarningStatus.RESOLVED
                )
        day = rng.choice(days)
        order = agreements[:]
        rng.shuffle(order)
        recompute_all(as_of=day, agreements=order, incremental=True)
        kept = {a.pk: _stored(a, day) for a in agreements}
        for agreement in agreements:
            insights_recompute(actor=None, agreement=agreement, as_of=day)
        assert {a.pk: _stored(a, day) for a in agreements} == kept


def test_the_command_skips_unchanged_agreements_unless_full(world, capsys):
    call_command("recompute", as_of=DAY)
    assert "0 skipped" in capsys.readouterr().out

    call_command("recompute", as_of=DAY)
    out = capsys.readouterr().out
    assert "0 agreements recomputed, 2 skipped" in out

    meeting(world, DAY - timedelta(days=3))
    call_command("recompute", as_of=DAY)
    out = capsys.readouterr().out
    assert "1 agreements recomputed, 1 skipped" in out and "data changed: 1" in out

    call_command("recompute", as_of=DAY, full=True)
    out = capsys.readouterr().out
    assert "2 agreements recomputed, 0 skipped" in out and "--full: 2" in out
