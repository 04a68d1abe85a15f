"""The adapter: the engine's inputs built from the ORM, honest about dates, discreet, and read
in a number of queries that does not grow with the data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.analytics.selectors import agreement_inputs
from alliance.analytics.tests.helpers import at, commitment, meeting
from alliance.engagement import services as es
from alliance.partnerships import services as ps

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 2)


def test_parties_carry_their_rhythm(world):
    ps.party_update(
        actor=world.admin,
        party=world.party_x,
        working_week="1111001",
        holiday_country="SN",
        decision_cycle_days=30,
    )
    ps.blackout_period_add(
        actor=world.admin,
        party=world.party_x,
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 2, 10),
        reason="Election",
    )
    data = agreement_inputs(world.agreement, AS_OF).data
    x = data.party(str(world.party_x.uuid))
    assert x.calendar.weekmask == "1111001"
    assert date(2026, 4, 4) in x.calendar.holidays  # Senegal's independence day
    assert not x.calendar.is_working_day(date(2026, 2, 4))  # blackout
    # Stored in working days, read in working days: no conversion.
    assert x.decision_cycle_working_days == 30
    assert x.is_local and not data.party(str(world.party_y.uuid)).is_local
    assert data.kind == world.agreement.kind  # which roles sign it (maturity)


def test_commitment_status_is_replayed_to_the_date(world):
    c = commitment(world, "Permit", due=date(2026, 3, 1), created=date(2026, 1, 5))
    ps.commitment_change_status(
        actor=world.owner, commitment=c, status="in_progress", on=date(2026, 2, 2)
    )
    ps.commitment_deliver(actor=world.owner, commitment=c, on=date(2026, 4, 1), evidence="Decree")

    def seen(as_of):
        inputs = agreement_inputs(world.agreement, as_of)
        return inputs.data.commitments, {t.id: t for t in inputs.schedule.tasks}

    commitments, _tasks = seen(date(2026, 1, 1))
    assert commitments == ()  # not recorded yet
    (before,), tasks = seen(date(2026, 3, 15))
    assert (before.status, before.delivered) == ("in_progress", None)
    assert tasks[before.id].start == date(2026, 2, 2)  # work began then
    (after,), tasks = seen(date(2026, 4, 2))
    assert (after.status, after.delivered) == ("delivered", date(2026, 4, 1))
    assert tasks[after.id].actual_finish == date(2026, 4, 1)


def test_a_settled_dispute_reaches_the_engine_with_its_dates(world):
    c = commitment(world, "Tariff", due=date(2026, 3, 1), created=date(2026, 1, 5))
    ps.commitment_change_status(
        actor=world.owner, commitment=c, status="disputed", on=date(2026, 2, 20)
    )
    ps.commitment_deliver(actor=world.owner, commitment=c, on=date(2026, 4, 1), evidence="Grid")
    (during,) = agreement_inputs(world.agreement, date(2026, 3, 15)).data.commitments
    assert during.status == "disputed" and during.disputed_from is None  # not settled yet
    (after,) = agreement_inputs(world.agreement, AS_OF).data.commitments
    assert (after.disputed_from, after.disputed_until) == (date(2026, 2, 20), date(2026, 4, 1))


def test_only_what_happened_by_the_date_is_read(world):
    meeting(world, date(2026, 5, 1))
    meeting(world, date(2026, 9, 1))
    pulse = es.trust_pulse_open(
        actor=world.owner,
        agreement=world.agreement,
        title="Pulse",
        opens_on=date(2026, 6, 1),
        closes_on=date(2026, 6, 30),
    )
    es.trust_response_submit(
        actor=world.owner, pulse=pulse, respondent=world.person_y, about_party=world.party_x,
        submitted_on=date(2026, 6, 10), ability=5, benevolence=5, integrity=5,
        predictability=4, communication=4,
    )  # fmt: skip
    es.grievance_register(
        actor=world.owner, agreement=world.agreement, reference="G-1", channel="hotline",
        category="land", summary="Fence", received_on=date(2026, 7, 1),
        response_due_on=date(2026, 7, 15), responded_on=date(2026, 8, 1),
    )  # fmt: skip
    early = agreement_inputs(world.agreement, date(2026, 5, 31)).data
    assert len(early.interactions) == 1 and early.pulses == () and early.grievances == ()
    middle = agreement_inputs(world.agreement, date(2026, 7, 20)).data
    assert len(middle.pulses) == 1
    assert middle.grievances[0].responded is None  # answered later
    late = agreement_inputs(world.agreement, AS_OF).data
    assert len(late.interactions) == 2 and late.grievances[0].responded == date(2026, 8, 1)


def test_internal_and_restricted_interactions_never_reach_the_engine(world):
    meeting(world, date(2026, 5, 1))
    hidden = [
        meeting(world, date(2026, 5, 2), confidentiality="internal"),
        meeting(world, date(2026, 5, 3), confidentiality="restricted"),
    ]
    inputs = agreement_inputs(world.agreement, AS_OF)
    ids = {ix.id for ix in inputs.data.interactions}
    assert len(ids) == 1 and not ids & {str(h.uuid) for h in hidden}
    assert not set(inputs.names.interactions) & {str(h.uuid) for h in hidden}


def test_follow_ups_are_requests_of_the_owing_party(world):
    ix = es.interaction_log(
        actor=world.owner, agreement=world.agreement, parties=[world.party_x, world.party_y],
        kind="meeting", occurred_on=date(2026, 5, 4), summary="Kick-off",
        follow_ups=[{
            "title": "Send the survey", "owed_by": world.party_x, "owed_to": [world.party_y],
            "due_on": date(2026, 6, 1), "created_at": at(date(2026, 5, 4)),
        }],
    )  # fmt: skip
    (follow_up,) = agreement_inputs(world.agreement, AS_OF).data.follow_ups
    assert follow_up.asked_by == str(world.party_y.uuid)
    assert follow_up.owed_by == str(world.party_x.uuid)
    assert follow_up.asked == ix.occurred_on and follow_up.answered is None


def test_priorities_reach_the_engine_on_the_domains_scale(world):
    from alliance.analytics.services import ALIGNMENT_USED
    from alliance.engagement.choices import Priority
    from alliance.insights.alignment import agreement_alignment

    topic = es.topic_create(actor=world.owner, agreement=world.agreement, name="Tariff")
    for party, priority in ((world.party_x, Priority.CRITICAL), (world.party_y, Priority.LOW)):
        es.expectation_record(
            actor=world.owner, topic=topic, party=party, statement="Soon",
            target_date=date(2026, 6, 30), priority=priority, recorded_on=date(2026, 1, 5),
        )  # fmt: skip
    inputs = agreement_inputs(world.agreement, AS_OF)
    assert sorted(e.priority for e in inputs.data.expectations) == [1, 4]  # no flipping
    assert (ALIGNMENT_USED.priority_levels, ALIGNMENT_USED.priority_one_is_highest) == (4, False)
    (gap,) = agreement_alignment(inputs.data, AS_OF, ALIGNMENT_USED).topics[0].pairs
    assert gap.priority_steps == 3 and gap.higher_priority == str(world.party_x.uuid)


def _populate(world, n: int, batch: int) -> None:
    """``n`` commitments with dependencies and deliveries, meetings, pulse answers and
    expectations: every table the selectors read gets rows."""
    topic = es.topic_create(actor=world.owner, agreement=world.agreement, name=f"Topic {batch}")
    pulse = es.trust_pulse_open(
        actor=world.owner, agreement=world.agreement, title=f"Pulse {batch}",
        opens_on=date(2026, 1, 1), closes_on=date(2026, 12, 31),
    )  # fmt: skip
    previous = None
    for k in range(n):
        day = date(2026, 1, 5) + timedelta(days=7 * k)
        c = commitment(
            world, f"C{batch}-{k}", due=day + timedelta(days=20), created=day,
            depends_on=[previous] if previous else [],
        )  # fmt: skip
        ps.commitment_deliver(
            actor=world.owner, commitment=c, on=day + timedelta(days=25), evidence="Done"
        )
        previous = c
        meeting(world, day, people=[world.person_x, world.person_y])
        es.expectation_record(
            actor=world.owner, topic=topic, party=world.party_x if k % 2 else world.party_y,
            statement="Soon", target_date=day + timedelta(days=90), recorded_on=day,
        )  # fmt: skip
    es.trust_response_submit(
        actor=world.owner, pulse=pulse, respondent=world.person_y, about_party=world.party_x,
        submitted_on=date(2026, 2, 1), ability=5, benevolence=5, integrity=5,
        predictability=4, communication=4,
    )  # fmt: skip


def test_building_inputs_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    _populate(world, 6, batch=1)
    with CaptureQueriesContext(connection) as small:
        agreement_inputs(world.agreement, AS_OF)
    _populate(world, 6, batch=2)  # twice the data
    with django_assert_max_num_queries(len(small)):
        inputs = agreement_inputs(world.agreement, AS_OF)
    # 16, and one for the open risks with a delay (their commitments only when there are some).
    assert len(small) <= 17
    assert len(inputs.data.commitments) == 12 and len(inputs.data.interactions) == 12
    assert sum(len(t.depends_on) for t in inputs.schedule.tasks) == 10
    assert len(inputs.data.expectations) == 12 and len(inputs.data.pulses) == 2
