"""The demo scenario's insights: computed from the database by ``demo_load`` and stored as
dated snapshots, with the story's arc in them.

Loading the scenario is the cost here, so it happens once, inside a transaction rolled back at
the end, and one test checks every aspect (several tests would be spread over the test
workers, each loading the scenario again).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from alliance.analytics.choices import SnapshotKind
from alliance.analytics.models import InsightSnapshot
from alliance.analytics.selectors import snapshot_history
from alliance.analytics.tests.helpers import adds_up, all_json
from alliance.core import clock
from alliance.engagement.models import Interaction, PersonNote
from alliance.partnerships.models import Agreement
from alliance.risks.models import EarlyWarning
from alliance.scenarios.demo import TODAY
from alliance.scenarios.demo_agreements import YEAR_TWO_STARTS

pytestmark = pytest.mark.django_db
MAIN = "CONC-CM-2024-017"


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    # The story's own day: its figures are the ones these tests know.
    with django_db_blocker.unblock(), transaction.atomic(), clock.frozen(TODAY):
        out = io.StringIO()
        call_command("demo_load", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_the_demo_insights_are_computed_from_the_database_and_tell_the_story(demo: str) -> None:
    assert "Insights computed at" in demo
    _every_kind_today_and_a_quarterly_history()
    _the_stage_is_the_one_maturity_computed()
    _every_agreement_is_implementing_by_the_storys_today()
    _the_main_agreement_recovers_in_year_two()
    _the_main_agreement_raises_a_handful_of_warnings()
    _warnings_come_from_the_newest_date_only()
    _nothing_confidential_of_the_story_is_in_any_snapshot()
    _every_forecast_says_where_its_party_correlation_comes_from()
    _the_calibration_reads_every_snapshot_of_the_demos_history()


def _every_forecast_says_where_its_party_correlation_comes_from() -> None:
    for agreement in Agreement.objects.all():
        schedule = InsightSnapshot.objects.get(agreement=agreement, as_of=TODAY, kind="schedule")
        correlation = schedule.data["correlation"]
        assert correlation["source"] in ("learned", "prior")
        assert correlation["says"]["msg"] == f"schedule.correlation_{correlation['source']}"
        if correlation["source"] == "prior":
            assert correlation["value"] == 0.3


def _the_calibration_reads_every_snapshot_of_the_demos_history() -> None:
    """The retention's bound on the calibration's read (window, then 24 month ends) leaves
    out none of the demo's quarter ends: its calibration figures are the ones before it."""
    from alliance.analytics.calibration import histories

    ids = list(Agreement.objects.values_list("pk", flat=True))
    for kind, key in ((SnapshotKind.SCHEDULE, "commitments"), (SnapshotKind.TRUST, "pairs")):
        bounded = histories(ids, kind, key, TODAY)
        assert bounded == histories(ids, kind, key, TODAY, bounded=False)
        assert all(len(history) >= 5 for history in bounded.values())


def _every_kind_today_and_a_quarterly_history() -> None:
    agreements = list(Agreement.objects.all())
    assert len(agreements) == 3
    for agreement in agreements:
        today = InsightSnapshot.objects.filter(agreement=agreement, as_of=TODAY)
        assert set(today.values_list("kind", flat=True)) == set(SnapshotKind.values)
        assert all(adds_up(s.data["evidence"]) for s in today), agreement.reference
        dates = list(snapshot_history(agreement, "trust").values_list("as_of", flat=True))
        assert len(dates) >= 6 and dates[-1] == TODAY
        assert all(d.month in (3, 6, 9, 12) for d in dates[:-1])


def _the_stage_is_the_one_maturity_computed() -> None:
    for agreement in Agreement.objects.all():
        maturity = InsightSnapshot.objects.get(agreement=agreement, kind="maturity", as_of=TODAY)
        assert agreement.stage == maturity.data["stage"], agreement.reference
        assert maturity.data["missing"], "the demo agreements are not alliances yet"


def _every_agreement_is_implementing_by_the_storys_today() -> None:
    """Distrust and delays, then recovery: by month 24 all three agreements deliver (promise
    keeping out of the critical band, expectations aligned) - none is integrated yet."""
    for agreement in Agreement.objects.all():
        maturity = InsightSnapshot.objects.get(agreement=agreement, kind="maturity", as_of=TODAY)
        criteria = {c["key"]: c for s in maturity.data["stages"] for c in s["criteria"]}
        measured = {k: c["measured"] for k, c in criteria.items()}
        assert maturity.data["stage"] == "implementing", (agreement.reference, measured)
        # Year one left them far below: the criterion reads the recovery, not the history.
        first = snapshot_history(agreement, "maturity").first().data
        first_criteria = {c["key"]: c for s in first["stages"] for c in s["criteria"]}
        assert first["stage"] in ("signed", "calibrating"), agreement.reference
        promise = first_criteria["promise_keeping"]["measured"]
        assert promise is None or promise < criteria["promise_keeping"]["measured"]


def _the_main_agreement_recovers_in_year_two() -> None:
    """The stored trust index dips in year one and recovers in year two, visibly."""
    agreement = Agreement.objects.get(reference=MAIN)
    trend = {s.as_of: s.data["index"] for s in snapshot_history(agreement, "trust")}
    year_one = [index for day, index in trend.items() if day < YEAR_TWO_STARTS]
    end_of_year_one = max(day for day in trend if day < YEAR_TWO_STARTS)
    first = min(trend)
    assert min(year_one) <= trend[first] - 5, trend  # the dip
    assert trend[TODAY] >= min(year_one) + 5, trend  # the recovery
    assert trend[TODAY] >= trend[end_of_year_one] + 5, trend
    today = InsightSnapshot.objects.get(agreement=agreement, kind="trust", as_of=TODAY).data
    assert len(today["pairs"]) > 100 and today["trend"][-1]["date"] == TODAY.isoformat()
    monthly = [point["index"] for point in today["trend"]]
    assert monthly[-1] >= monthly[0] + 5, monthly  # the last twelve months climb
    # Pairs without events weigh nothing; the others share the whole index.
    assert sum(p["weight"] for p in today["pairs"]) == pytest.approx(1.0, abs=1e-3)


def _the_main_agreement_raises_a_handful_of_warnings() -> None:
    agreement = Agreement.objects.get(reference=MAIN)
    found = InsightSnapshot.objects.get(agreement=agreement, kind="warnings", as_of=TODAY).data
    # Started work is forecast from the days it has already run (docs/insights.md), so the
    # commitments running late show as such: a few more P80-past-due warnings than before.
    assert 0 < len(found["warnings"]) <= 20, found["counts"]
    assert found["counts"].get("key_party_not_met", 0) <= 2
    # One problem, one warning: an overdue commitment is not also forecast past its due date.
    overdue = {w["subject"] for w in found["warnings"] if w["rule"] == "overdue_commitment"}
    late = {w["subject"] for w in found["warnings"] if w["rule"] == "schedule_p80_late"}
    assert overdue and not overdue & late


def _warnings_come_from_the_newest_date_only() -> None:
    rules = EarlyWarning.objects.exclude(rule="")
    assert rules.exists()
    assert set(rules.values_list("raised_on", flat=True)) == {TODAY}
    for agreement in Agreement.objects.all():
        snapshot = InsightSnapshot.objects.get(agreement=agreement, kind="warnings", as_of=TODAY)
        listed = {w["warning"] for w in snapshot.data["warnings"]}
        stored = rules.filter(agreement=agreement, status="open").values_list("uuid", flat=True)
        assert listed == {str(u) for u in stored}


def _nothing_confidential_of_the_story_is_in_any_snapshot() -> None:
    hidden = Interaction.objects.exclude(confidentiality="shared")
    assert hidden.count() >= 10
    text = all_json(InsightSnapshot.objects.all())
    for interaction in hidden:
        assert str(interaction.uuid) not in text
        assert interaction.summary[:60] not in text
    for note in PersonNote.objects.all():
        assert note.text[:60] not in text
