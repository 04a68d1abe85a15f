"""The calibration reads, in the database, only the past forecasts and indexes its back-test
chooses (``calibration.schedule_past``, ``trust_past``); its figures are the ones of the read
as it was, every earlier snapshot whole (``histories`` then ``schedule_past_of``) — compared
here on generated agreements with several dates of history, and on a history whose snapshots
were altered (due dates moved later and earlier, dropped, P80 instead, forecasts and indexes
missing) so that the last forecast before a date is not always in the last snapshot before it.
Runs on SQLite and on PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta

import pytest

from alliance.analytics import calibration
from alliance.analytics.choices import SnapshotKind
from alliance.analytics.models import InsightSnapshot
from alliance.analytics.selectors import agreement_inputs
from alliance.analytics.services import insights_recompute_portfolio
from alliance.insights.calibration import backtest_forecasts, backtest_trust
from alliance.partnerships.models import Agreement
from alliance.scenarios import generator

pytestmark = pytest.mark.django_db

AS_OF = generator.DEFAULT_AS_OF
HISTORY = [AS_OF - timedelta(days=d) for d in (75, 45, 30, 20, 12, 5)]
# Back-tests on these dates: within the history, at its end, and months later (the retention
# rule then gives the month ends only).
CHECKED = [AS_OF - timedelta(days=25), AS_OF - timedelta(days=6), AS_OF, AS_OF + timedelta(120)]


def _shifted(value: str | None, days: int) -> str | None:
    return (date.fromisoformat(value[:10]) + timedelta(days=days)).isoformat() if value else value


def _alter(rng: random.Random, data: dict) -> dict:
    """A snapshot's forecasts and indexes changed as a history of edits could leave them."""
    for t in data.get("commitments") or []:
        move = rng.random()
        if move < 0.15:
            t["due"] = _shifted(t.get("due"), rng.randint(5, 40))  # moved later since
        elif move < 0.3:
            t["due"] = _shifted(t.get("due"), -rng.randint(5, 40))  # moved earlier since
        elif move < 0.4:
            t["due"] = None  # no due date: its P80 bounds it
        elif move < 0.45:
            t["due"] = ""
        elif move < 0.5:
            t["commitment"] = None  # not a forecast of a commitment
        if t.get("quantiles") and rng.random() < 0.2:
            t["quantiles"]["P80"] = _shifted(t["quantiles"].get("P80"), rng.randint(-20, 20))
        if rng.random() < 0.05:
            t["probability_on_time"] = None
    gone = rng.random() < 0.3  # no index at all that day: an earlier snapshot's counts
    for p in data.get("pairs") or []:
        if gone:
            p["index"] = None
        elif rng.random() < 0.15:
            p["index"] = None  # no index: the one before it counts
        elif rng.random() < 0.2:
            p["index"] = round(rng.uniform(0, 100), 2)
            p["state"] = None
    return data


def _compare(agreements: list[Agreement]) -> tuple[int, int, int]:
    """Every checked date: the figures (the whole back-test, checks included) of the new read
    are those of the whole read. Returns how many forecasts each read and how many judged."""
    ids = [a.pk for a in agreements]
    whole = chosen = judged = 0
    for as_of in CHECKED:
        known = {a.pk: calibration.outcomes(agreement_inputs(a, as_of)) for a in agreements}
        schedules = calibration.schedule_past(ids, as_of, known)
        trusts = calibration.trust_past(ids, as_of, known)
        for a in agreements:
            s_old = calibration.schedule_past_of(
                calibration.histories([a.pk], SnapshotKind.SCHEDULE, "commitments", as_of)[a.pk]
            )
            t_old = calibration.trust_past_of(
                calibration.histories([a.pk], SnapshotKind.TRUST, "pairs", as_of)[a.pk]
            )
            assert schedules[a.pk].snapshots == s_old.snapshots
            assert trusts[a.pk].snapshots == t_old.snapshots
            old = backtest_forecasts(s_old.items, known[a.pk], as_of)
            assert backtest_forecasts(schedules[a.pk].items, known[a.pk], as_of) == old
            old_trust = backtest_trust(t_old.items, known[a.pk], as_of)
            assert backtest_trust(trusts[a.pk].items, known[a.pk], as_of) == old_trust
            # And the stored JSON, through the one-agreement read.
            inputs = agreement_inputs(a, as_of)
            assert calibration.schedule_calibration(a, inputs, known[a.pk]) == (
                calibration.schedule_calibration(a, inputs, known[a.pk], s_old)
            )
            assert calibration.trust_calibration(a, inputs, known[a.pk]) == (
                calibration.trust_calibration(a, inputs, known[a.pk], t_old)
            )
            whole += len(s_old.items) + len(t_old.items)
            chosen += len(schedules[a.pk].items) + len(trusts[a.pk].items)
            judged += old.n_due + old.n_p80 + old_trust.n + old_trust.without_index
    return whole, chosen, judged


def test_the_chosen_forecasts_give_the_figures_of_every_snapshot_read_whole():
    generator.generate(agreements=2, seed=5)
    agreements = list(Agreement.objects.order_by("pk"))
    for day in HISTORY:
        assert insights_recompute_portfolio(as_of=day, agreements=agreements).fallbacks == 0
    whole, chosen, judged = _compare(agreements)
    assert judged > 0  # forecasts and indexes were scored
    assert chosen < whole / 3  # only the chosen ones came back

    # The history altered, and daily copies between its dates (the newest snapshot before a
    # date is often not the one chosen).
    rng = random.Random(7)
    stored = list(InsightSnapshot.objects.filter(kind__in=[SnapshotKind.SCHEDULE, "trust"]))
    for snapshot in stored:
        snapshot.data = _alter(rng, snapshot.data)
    InsightSnapshot.objects.bulk_update(stored, ["data"])
    taken = {(s.agreement_id, s.kind, s.as_of) for s in stored}
    copies = [
        InsightSnapshot(
            agreement_id=s.agreement_id,
            kind=s.kind,
            as_of=s.as_of + timedelta(days=k),
            data=_alter(rng, copy.deepcopy(s.data)),
            parameters_digest=s.parameters_digest,
        )
        for s in stored
        for k in (1, 2, 3)
        if (s.agreement_id, s.kind, s.as_of + timedelta(days=k)) not in taken
    ]
    InsightSnapshot.objects.bulk_create(copies)
    whole, chosen, judged = _compare(agreements)
    assert judged > 0
    assert chosen < whole / 3
