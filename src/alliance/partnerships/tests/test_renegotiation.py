"""Renegotiation, not silent slippage: a new due date is proposed with a reason, the other
parties concerned accept or refuse it, and the dated history keeps every date in force."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.accounts.models import AuditEvent
from alliance.analytics.selectors import agreement_inputs
from alliance.core import clock
from alliance.partnerships import selectors
from alliance.partnerships import services as ps
from alliance.partnerships.models import CommitmentDueChange, due_in_force
from alliance.partnerships.tests.test_services import make_commitment

DUE, NEW_DUE = date(2025, 6, 2), date(2025, 7, 1)


@pytest.fixture
def commitment(world):
    with clock.frozen(date(2025, 5, 1)):
        return make_commitment(world, created_at=datetime(2025, 3, 1, tzinfo=UTC), due_on=DUE)


def _propose(world, commitment, actor="rep_x", on=date(2025, 5, 20), **extra):
    with clock.frozen(on):
        return ps.due_date_propose(
            actor=world.actors[actor],
            commitment=commitment,
            to_due_on=extra.pop("to_due_on", NEW_DUE),
            reason=extra.pop("reason", "The permit office closes for the elections."),
            **extra,
        )


def test_accepted_by_the_other_party_the_new_date_is_in_force_from_that_day(world, commitment):
    proposal = _propose(world, commitment)
    assert (proposal.party, proposal.status, proposal.from_due_on) == (world.party_x, "open", DUE)
    (asked,) = proposal.answers.all()
    assert (asked.party, asked.status) == (world.party_y, "pending")
    assert list(selectors.due_dates_to_answer(world.rep_y)) == [asked]
    assert not selectors.due_dates_to_answer(world.rep_x).exists()
    with clock.frozen(date(2025, 5, 23)):
        ps.due_date_answer(actor=world.rep_y, answer=asked, accept=True)
    proposal.refresh_from_db()
    commitment.refresh_from_db()
    assert (proposal.status, proposal.decided_on) == ("accepted", date(2025, 5, 23))
    assert commitment.due_on == NEW_DUE
    change = CommitmentDueChange.objects.get(commitment=commitment)
    assert (change.from_due_on, change.to_due_on, change.in_force_from, change.proposal) == (
        DUE,
        NEW_DUE,
        date(2025, 5, 23),
        proposal,
    )
    assert not selectors.due_dates_to_answer(world.rep_y).exists()
    # Every step is in the trail: the proposal, the answer, the decision, the new date.
    actions = set(
        AuditEvent.objects.filter(agreement=world.agreement).values_list("object_type", "action")
    )
    assert {
        ("partnerships.duedateproposal", "create"),
        ("partnerships.duedateanswer", "status"),
        ("partnerships.duedateproposal", "status"),
        ("partnerships.commitment", "update"),
        ("partnerships.commitmentduechange", "create"),
    } <= actions


def test_a_refusal_needs_its_reason_and_keeps_the_date(world, commitment):
    proposal = _propose(world, commitment)
    asked = proposal.answers.get()
    with clock.frozen(date(2025, 5, 23)):
        with pytest.raises(ValidationError) as exc:
            ps.due_date_answer(actor=world.rep_y, answer=asked, accept=False, reason=" ")
        assert "reason" in exc.value.message_dict
        ps.due_date_answer(
            actor=world.rep_y, answer=asked, accept=False, reason="The tranche depends on it."
        )
    proposal.refresh_from_db()
    commitment.refresh_from_db()
    assert proposal.status == "refused" and commitment.due_on == DUE
    assert not CommitmentDueChange.objects.exists()
    # Decided: the other side cannot answer again, and a new proposal may be made.
    with clock.frozen(date(2025, 5, 24)), pytest.raises(ValidationError):
        ps.due_date_answer(actor=world.rep_y, answer=asked, accept=True)
    _propose(world, commitment, on=date(2025, 5, 24), to_due_on=date(2025, 6, 16))


@pytest.mark.parametrize("actor", ["viewer", "outsider"])
def test_who_may_not_propose(world, commitment, actor):
    with pytest.raises(PermissionDenied):
        _propose(world, commitment, actor=actor, party=world.party_x)


def test_only_the_party_asked_answers_and_only_one_proposal_is_open(world, commitment):
    proposal = _propose(world, commitment, actor="rep_y")  # the party owed asks for more time
    assert proposal.party == world.party_y
    asked = proposal.answers.get()
    assert asked.party == world.party_x
    with clock.frozen(date(2025, 5, 21)):
        with pytest.raises(PermissionDenied):
            ps.due_date_answer(actor=world.rep_y, answer=asked, accept=True)
        with pytest.raises(ValidationError, match="already proposed"):
            _propose(world, commitment, actor="rep_x", on=date(2025, 5, 21))
        # The proposing party takes it back; the other party is no longer asked.
        with pytest.raises(PermissionDenied):
            ps.due_date_withdraw(actor=world.rep_x, proposal=proposal)
        ps.due_date_withdraw(actor=world.rep_y, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    assert not selectors.due_dates_to_answer(world.rep_x).exists()


def test_a_proposal_is_refused_for_a_closed_commitment_or_a_date_in_the_past(world, commitment):
    with pytest.raises(ValidationError) as exc:
        _propose(world, commitment, to_due_on=date(2025, 5, 1))
    assert "to_due_on" in exc.value.message_dict
    with clock.frozen(date(2025, 5, 20)):
        ps.commitment_deliver(actor=world.rep_x, commitment=commitment, evidence="Permit 12")
    with pytest.raises(ValidationError, match="open commitment"):
        _propose(world, commitment)


def test_delivering_closes_an_open_proposal(world, commitment):
    proposal = _propose(world, commitment)
    with clock.frozen(date(2025, 5, 22)):
        ps.commitment_deliver(actor=world.rep_x, commitment=commitment, evidence="Permit 12")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_on) == ("withdrawn", date(2025, 5, 22))


def test_a_due_date_changed_by_the_team_is_in_the_history_too(world, commitment):
    with clock.frozen(date(2025, 5, 10)):
        ps.commitment_update(actor=world.owner, commitment=commitment, due_on=NEW_DUE)
    change = CommitmentDueChange.objects.get()
    assert (change.from_due_on, change.to_due_on, change.in_force_from, change.proposal) == (
        DUE,
        NEW_DUE,
        date(2025, 5, 10),
        None,
    )


def test_the_engine_reads_the_due_date_in_force_on_each_date(world, commitment):
    proposal = _propose(world, commitment)
    with clock.frozen(date(2025, 5, 23)):
        ps.due_date_answer(actor=world.rep_y, answer=proposal.answers.get(), accept=True)

    def due_on(as_of):
        (c,) = agreement_inputs(world.agreement, as_of).data.commitments
        (task,) = agreement_inputs(world.agreement, as_of).schedule.tasks
        assert task.due == c.due
        return c.due

    # Before the renegotiation was accepted, the first date was in force (a past snapshot
    # recomputed today says what was true then); from that day on, the new one.
    assert due_on(date(2025, 5, 22)) == DUE
    assert due_on(date(2025, 5, 23)) == NEW_DUE
    assert due_on(date(2025, 6, 20)) == NEW_DUE
    # Delivered before the new date: on time in the figures (Say/Do included).
    with clock.frozen(date(2025, 6, 20)):
        ps.commitment_deliver(actor=world.rep_x, commitment=commitment, evidence="Permit 12")
    inputs = agreement_inputs(world.agreement, date(2025, 7, 10))
    (c,) = inputs.data.commitments
    assert c.due == NEW_DUE and c.delivered == date(2025, 6, 20)


dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


# A pure function: generation is cheap, only a loaded machine makes it look slow.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    current=dates,
    steps=st.lists(st.tuples(st.integers(0, 60), dates), max_size=6),
    probe=dates,
)
def test_the_due_date_in_force_is_the_last_one_agreed_by_then(current, steps, probe):
    start, changes, previous = date(2024, 1, 1), [], current - timedelta(days=3)
    for gap, to in steps:
        start += timedelta(days=gap)
        changes.append((start, previous, to))
        previous = to
    found = due_in_force(current, changes, probe)
    in_force = [to for when, _from, to in changes if when <= probe]
    if not changes:
        assert found == current
    elif in_force:
        assert found == in_force[-1]
    else:
        assert found == changes[0][1]


def test_a_new_date_the_team_records_directly_is_dated_too(world, commitment):
    with clock.frozen(date(2025, 5, 12)):
        ps.commitment_renegotiate(
            actor=world.counsellor, commitment=commitment, due_on=NEW_DUE, reason="Agreed by letter"
        )
    change = CommitmentDueChange.objects.get()
    assert (change.from_due_on, change.to_due_on, change.in_force_from) == (
        DUE,
        NEW_DUE,
        date(2025, 5, 12),
    )
