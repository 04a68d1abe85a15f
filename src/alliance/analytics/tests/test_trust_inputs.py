"""What trust and the forecast read from the register: a date renegotiated after it had passed
(the breach and its repair), a commitment's importance, and the risks with a delay."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alliance.analytics.selectors import agreement_inputs
from alliance.core import clock
from alliance.insights.trust import pair_trust
from alliance.partnerships import services as ps
from alliance.partnerships.tests.test_services import make_commitment
from alliance.risks.models import Risk

pytestmark = pytest.mark.django_db

DUE, NEW_DUE = date(2025, 6, 2), date(2025, 7, 1)


@pytest.fixture
def commitment(world):
    with clock.frozen(date(2025, 5, 1)):
        return make_commitment(world, created_at=datetime(2025, 3, 1, tzinfo=UTC), due_on=DUE)


def test_a_date_moved_after_it_had_passed_is_a_breach_that_meeting_the_new_one_repairs(
    world, commitment
):
    with clock.frozen(date(2025, 6, 10)):  # eight days after the first date
        ps.commitment_renegotiate(
            actor=world.counsellor, commitment=commitment, due_on=NEW_DUE, reason="By letter"
        )
    with clock.frozen(date(2025, 6, 25)):
        ps.commitment_deliver(actor=world.rep_x, commitment=commitment, evidence="Permit 12")
    inputs = agreement_inputs(world.agreement, date(2025, 7, 10))
    (c,) = inputs.data.commitments
    assert (c.due, c.renegotiated_from) == (NEW_DUE, DUE)
    creditor = c.owed_to[0]
    trust = pair_trust(inputs.data, creditor, c.owed_by, date(2025, 7, 10), trend=False)
    lines = {line.message["msg"]: line.contribution for line in trust.evidence.contributions}
    assert lines["trust.redated"] < 0 < lines["trust.repaired"]


def test_a_date_moved_before_it_passed_is_no_breach(world, commitment):
    with clock.frozen(date(2025, 5, 12)):
        ps.commitment_renegotiate(
            actor=world.counsellor, commitment=commitment, due_on=NEW_DUE, reason="Early notice"
        )
    (c,) = agreement_inputs(world.agreement, date(2025, 7, 10)).data.commitments
    assert (c.due, c.renegotiated_from) == (NEW_DUE, None)


def test_importance_and_risks_with_a_delay_reach_the_engine(world, commitment):
    commitment.importance = "critical"
    commitment.save(update_fields=["importance"])
    risk = Risk.objects.create(
        agreement=world.agreement, title="Resettlement", category="technical", rating="high",
        likelihood=4, impact=4, delay_working_days=23,
    )  # fmt: skip
    risk.commitments.add(commitment)
    Risk.objects.create(
        agreement=world.agreement, title="No delay given", category="technical", rating="low",
        likelihood=2, impact=2,
    ).commitments.add(commitment)  # fmt: skip
    # Recorded before the date the inputs are read on.
    Risk.objects.update(created_at=datetime(2025, 3, 1, tzinfo=UTC))
    inputs = agreement_inputs(world.agreement, date(2025, 5, 1))
    (c,) = inputs.data.commitments
    assert c.importance == "critical"
    (sampled,) = inputs.schedule.risks
    assert (sampled.label, sampled.impact, sampled.tasks) == ("Resettlement", 23.0, (c.id,))
    assert sampled.probability == 0.6  # likelihood 4 of 5, no probability of its own
