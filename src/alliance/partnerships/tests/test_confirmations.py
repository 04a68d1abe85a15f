"""A delivery declared by the owing party is confirmed or contested by the parties owed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.accounts import policy
from alliance.accounts.models import AuditEvent
from alliance.core import clock
from alliance.partnerships import selectors
from alliance.partnerships import services as ps
from alliance.partnerships.models import DeliveryConfirmation
from alliance.partnerships.tests.test_services import make_commitment

TODAY = date(2025, 7, 10)


@pytest.fixture
def delivered(world):
    """Owed by X to Y (and to X itself, which is not asked), declared delivered by X's rep."""
    with clock.frozen(TODAY):
        commitment = make_commitment(
            world, created_at=datetime(2025, 3, 1, tzinfo=UTC), due_on=date(2025, 6, 30)
        )
        commitment.owed_to.add(world.party_x)
        ps.commitment_deliver(
            actor=world.rep_x, commitment=commitment, on=date(2025, 6, 20), evidence="Decree 114"
        )
    return commitment


def test_a_delivery_asks_each_party_owed_but_the_owing_one(world, delivered):
    asked = delivered.confirmations.get()
    assert (asked.party, asked.status) == (world.party_y, "pending")
    assert asked.delivery.to_status == "delivered"
    assert AuditEvent.objects.filter(object_id=str(asked.uuid), action="create").exists()


def test_the_party_owed_confirms_and_the_answer_is_audited(world, delivered):
    asked = delivered.confirmations.get()
    with clock.frozen(TODAY):
        ps.delivery_confirm(actor=world.rep_y, confirmation=asked, on=date(2025, 6, 25))
    asked.refresh_from_db()
    assert (asked.status, asked.answered_by, asked.answered_on) == (
        "confirmed",
        world.rep_y,
        date(2025, 6, 25),
    )
    event = AuditEvent.objects.get(object_id=str(asked.uuid), action="status")
    assert (event.before["status"], event.after["status"]) == ("pending", "confirmed")
    delivered.refresh_from_db()
    assert delivered.status == "delivered"


@pytest.mark.parametrize("actor", ["rep_x", "viewer", "outsider"])
def test_only_the_party_owed_or_the_team_answers(world, delivered, actor):
    asked = delivered.confirmations.get()
    with clock.frozen(TODAY), pytest.raises(PermissionDenied):
        ps.delivery_confirm(actor=world.actors[actor], confirmation=asked)
    asked.refresh_from_db()
    assert asked.status == "pending"


def test_the_team_may_record_the_answer_of_the_party_owed(world, delivered):
    asked = delivered.confirmations.get()
    with clock.frozen(TODAY):
        ps.delivery_confirm(actor=world.counsellor, confirmation=asked)
    asked.refresh_from_db()
    assert (asked.status, asked.answered_by, asked.answered_on) == (
        "confirmed",
        world.counsellor,
        TODAY,
    )


def test_a_contest_needs_its_reason_and_reopens_the_commitment(world, delivered):
    asked = delivered.confirmations.get()
    with clock.frozen(TODAY), pytest.raises(ValidationError) as exc:
        ps.delivery_contest(actor=world.rep_y, confirmation=asked, reason="  ")
    assert "reason" in exc.value.message_dict
    with clock.frozen(TODAY):
        ps.delivery_contest(
            actor=world.rep_y, confirmation=asked, reason="The decree is a draft, not signed."
        )
    asked.refresh_from_db()
    delivered.refresh_from_db()
    assert (asked.status, asked.reason) == ("contested", "The decree is a draft, not signed.")
    # Past its due date on the day of the contest: late again, with no delivery date.
    assert (delivered.status, delivered.delivered_on) == ("late", None)
    last = delivered.status_changes.order_by("created_at").last()
    assert (last.from_status, last.to_status, last.actor) == ("delivered", "late", world.rep_y)
    assert "The decree is a draft, not signed." in last.evidence
    # Both sides see it: the owing party's representative reads the contest and its reason.
    seen = policy.delivery_confirmations_visible_to(world.rep_x).get(pk=asked.pk)
    assert seen.reason == "The decree is a draft, not signed."


def test_an_answer_is_given_once_and_not_dated_before_the_delivery(world, delivered):
    asked = delivered.confirmations.get()
    with clock.frozen(TODAY), pytest.raises(ValidationError):
        ps.delivery_confirm(actor=world.rep_y, confirmation=asked, on=date(2025, 6, 1))
    with clock.frozen(TODAY), pytest.raises(ValidationError):
        ps.delivery_confirm(actor=world.rep_y, confirmation=asked, on=date(2025, 8, 1))
    with clock.frozen(TODAY):
        ps.delivery_confirm(actor=world.rep_y, confirmation=asked)
        with pytest.raises(ValidationError, match="already answered"):
            ps.delivery_contest(actor=world.rep_y, confirmation=asked, reason="changed my mind")


def test_redelivery_after_a_contest_asks_again(world, delivered):
    asked = delivered.confirmations.get()
    with clock.frozen(TODAY):
        ps.delivery_contest(actor=world.rep_y, confirmation=asked, reason="Unsigned.")
        delivered.refresh_from_db()
        ps.commitment_deliver(
            actor=world.rep_x, commitment=delivered, evidence="Signed decree 114 bis"
        )
    answers = list(delivered.confirmations.order_by("created_at").values_list("status", flat=True))
    assert answers == ["contested", "pending"]


def test_reopening_withdraws_the_question(world, delivered):
    with clock.frozen(TODAY):
        ps.commitment_change_status(actor=world.rep_x, commitment=delivered, status="in_progress")
    asked = delivered.confirmations.get()
    assert (asked.status, asked.answered_on) == ("withdrawn", TODAY)


def test_inbox_selectors_name_who_is_asked(world, delivered):
    asked = delivered.confirmations.get()
    assert list(selectors.deliveries_to_confirm(world.rep_y)) == [asked]
    for name in ("rep_x", "owner", "viewer", "outsider"):
        assert not selectors.deliveries_to_confirm(world.actors[name]).exists()
    assert list(selectors.deliveries_awaiting_confirmation(world.counsellor)) == [asked]
    assert list(selectors.deliveries_awaiting_confirmation(world.rep_x)) == [asked]
    assert not selectors.deliveries_awaiting_confirmation(world.outsider).exists()
    with clock.frozen(TODAY):
        ps.delivery_confirm(actor=world.rep_y, confirmation=asked)
    assert not selectors.deliveries_to_confirm(world.rep_y).exists()
    assert not DeliveryConfirmation.objects.filter(status="pending").exists()
