"""Services validate, check the policy, write in one transaction and leave an audit event."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.accounts.models import AuditEvent
from alliance.partnerships import services as ps
from alliance.partnerships.models import Commitment, CommitmentStatusChange, Party


def make_commitment(world, *, actor=None, title="Issue permit", **extra):
    fields = dict(
        category="regulatory",
        due_on=date(2025, 6, 1),
        duration_optimistic=10,
        duration_likely=20,
        duration_pessimistic=40,
    )
    fields.update(extra)
    return ps.commitment_create(
        actor=actor or world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_y],
        title=title,
        **fields,
    )


def test_commitment_create_writes_its_audit_event_and_history(world):
    commitment = make_commitment(world)
    event = AuditEvent.objects.get(object_id=str(commitment.uuid))
    assert event.action == "create"
    assert event.actor == world.owner
    assert event.agreement == world.agreement
    assert event.after["title"] == "Issue permit"
    assert event.after["owed_to"] == [str(world.party_y.pk)]
    first = commitment.status_changes.get()
    assert (first.from_status, first.to_status) == ("", "planned")


def test_failed_validation_writes_nothing(world):
    before = (Commitment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        make_commitment(world, duration_optimistic=30, duration_likely=20)
    assert "duration_likely" in exc.value.message_dict
    assert (Commitment.objects.count(), AuditEvent.objects.count()) == before


def test_commitment_owed_by_a_stranger_is_refused_by_field(world):
    with pytest.raises(ValidationError) as exc:
        ps.commitment_create(
            actor=world.owner,
            agreement=world.agreement,
            owed_by=world.party_z,
            owed_to=[world.party_y],
            title="x",
            category="technical",
            due_on=date(2025, 6, 1),
            duration_optimistic=1,
            duration_likely=1,
            duration_pessimistic=1,
        )
    assert "owed_by" in exc.value.message_dict


@pytest.mark.parametrize("actor", ["viewer", "rep_y", "outsider"])
def test_who_may_not_create_is_refused_and_nothing_is_written(world, actor):
    count = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        make_commitment(world, actor=world.actors[actor])
    assert AuditEvent.objects.count() == count
    assert not Commitment.objects.exists()


def test_delivery_keeps_history_with_actor_date_and_evidence(world):
    commitment = make_commitment(world, created_at=datetime(2025, 3, 1, tzinfo=UTC))
    ps.commitment_change_status(
        actor=world.rep_x, commitment=commitment, status="in_progress", on=date(2025, 5, 1)
    )
    ps.commitment_deliver(
        actor=world.rep_x, commitment=commitment, on=date(2025, 6, 20), evidence="Decree 2025-114"
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.delivered_on) == ("delivered", date(2025, 6, 20))
    history = list(commitment.status_changes.values_list("from_status", "to_status", "happened_on"))
    assert history == [
        ("", "planned", commitment.created_at.date()),
        ("planned", "in_progress", date(2025, 5, 1)),
        ("in_progress", "delivered", date(2025, 6, 20)),
    ]
    last = CommitmentStatusChange.objects.latest("created_at")
    assert (last.actor, last.evidence) == (world.rep_x, "Decree 2025-114")
    event = AuditEvent.objects.filter(object_id=str(commitment.uuid), action="status").latest("at")
    assert event.before == {"status": "in_progress", "delivered_on": None, "evidence": ""}
    assert event.after["status"] == "delivered"


def test_delivery_cannot_precede_the_record(world):
    commitment = make_commitment(world, created_at=datetime(2025, 3, 1, tzinfo=UTC))
    with pytest.raises(ValidationError) as exc:
        ps.commitment_deliver(
            actor=world.owner, commitment=commitment, on=date(2025, 2, 1), evidence="x"
        )
    assert "status" in exc.value.message_dict


def test_status_change_cannot_precede_the_previous_one(world):
    commitment = make_commitment(world, created_at=datetime(2025, 3, 1, tzinfo=UTC))
    ps.commitment_change_status(
        actor=world.owner, commitment=commitment, status="in_progress", on=date(2025, 5, 1)
    )
    with pytest.raises(ValidationError, match="last recorded step"):
        ps.commitment_deliver(
            actor=world.owner, commitment=commitment, on=date(2025, 4, 1), evidence="x"
        )
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"


def test_delivery_needs_evidence_and_a_date_not_in_the_future(world):
    commitment = make_commitment(world)
    with pytest.raises(ValidationError) as exc:
        ps.commitment_deliver(actor=world.owner, commitment=commitment, evidence=" ")
    assert "evidence" in exc.value.message_dict
    with pytest.raises(ValidationError):
        ps.commitment_deliver(
            actor=world.owner, commitment=commitment, on=date(2999, 1, 1), evidence="x"
        )
    commitment.refresh_from_db()
    assert commitment.status == "planned"
    assert commitment.status_changes.count() == 1


def test_status_move_that_makes_no_sense_is_refused(world):
    commitment = make_commitment(world)
    ps.commitment_change_status(actor=world.owner, commitment=commitment, status="waived")
    with pytest.raises(ValidationError, match="cannot go from"):
        ps.commitment_change_status(actor=world.owner, commitment=commitment, status="late")


def test_party_representative_cannot_move_another_partys_commitment(world):
    commitment = make_commitment(world)
    with pytest.raises(PermissionDenied):
        ps.commitment_change_status(actor=world.rep_y, commitment=commitment, status="in_progress")


def test_dependency_cycle_is_refused_naming_the_cycle(world):
    a = make_commitment(world, title="Permit")
    b = make_commitment(world, title="Financing", depends_on=[a])
    c = make_commitment(world, title="Works", depends_on=[b])
    with pytest.raises(ValidationError) as exc:
        ps.commitment_add_dependency(actor=world.owner, commitment=a, prerequisite=c)
    message = " ".join(exc.value.message_dict["depends_on"])
    assert "Works" in message and "Financing" in message and "Permit" in message
    with pytest.raises(ValidationError, match="itself"):
        ps.commitment_add_dependency(actor=world.owner, commitment=a, prerequisite=a)
    assert list(a.depends_on.all()) == []


def test_dependency_across_agreements_is_refused(world):
    a = make_commitment(world)
    ps.participation_add(
        actor=world.other_owner, agreement=world.other_agreement, party=world.party_y, role="lender"
    )
    foreign = ps.commitment_create(
        actor=world.other_owner,
        agreement=world.other_agreement,
        owed_by=world.party_z,
        owed_to=[world.party_y],
        title="Foreign",
        category="technical",
        due_on=date(2025, 6, 1),
        duration_optimistic=1,
        duration_likely=1,
        duration_pessimistic=1,
    )
    with pytest.raises(ValidationError, match="same agreement"):
        ps.commitment_add_dependency(actor=world.owner, commitment=a, prerequisite=foreign)


def test_relative_due_date_counts_from_the_effective_date(world):
    commitment = make_commitment(world, due_trigger="effective", due_offset_days=30, due_on=None)
    assert commitment.due_on == date(2025, 3, 31)


def test_agreement_dates_must_be_in_order(world):
    with pytest.raises(ValidationError) as exc:
        ps.agreement_update(
            actor=world.owner, agreement=world.agreement, effective_on=date(2024, 1, 1)
        )
    assert "effective_on" in exc.value.message_dict


def test_update_audits_only_what_changed(world):
    ps.party_update(actor=world.owner, party=world.party_x, decision_cycle_days=45)
    event = AuditEvent.objects.filter(object_id=str(world.party_x.uuid)).latest("at")
    assert event.before == {"decision_cycle_days": "20"}
    assert event.after == {"decision_cycle_days": "45"}


def test_one_participation_per_party_and_agreement(world):
    with pytest.raises(ValidationError):
        ps.participation_add(
            actor=world.owner, agreement=world.agreement, party=world.party_x, role="observer"
        )


def test_only_staff_create_agreements(world):
    with pytest.raises(PermissionDenied):
        ps.agreement_create(
            actor=world.counsellor,
            title="x",
            kind="mou",
            signed_on=date(2025, 1, 1),
            host_country="SN",
        )


def test_party_created_by_team_member_with_bad_country_names_the_field(world):
    with pytest.raises(ValidationError) as exc:
        ps.party_create(actor=world.owner, name="Bad", kind="ngo", country="Senegal")
    assert "country" in exc.value.message_dict
    assert not Party.objects.filter(name="Bad").exists()


def test_party_representative_moves_status_but_cannot_rewrite_terms(world):
    commitment = make_commitment(world)
    with pytest.raises(PermissionDenied):
        ps.commitment_update(actor=world.rep_x, commitment=commitment, title="Easier promise")
    commitment.refresh_from_db()
    assert commitment.title == "Issue permit"


def test_a_commitment_owed_by_a_party_only_to_itself_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        ps.commitment_create(
            actor=world.owner,
            agreement=world.agreement,
            owed_by=world.party_x,
            owed_to=[world.party_x],
            title="Pay itself",
            category="financial",
            due_on=date(2025, 6, 1),
            duration_optimistic=1,
            duration_likely=2,
            duration_pessimistic=4,
        )
    assert "itself" in refused.value.message_dict["owed_to"][0]
    with pytest.raises(ValidationError):
        ps.commitment_create_many(
            actor=world.owner,
            items=[
                {"agreement": world.agreement, "owed_by": world.party_y,
                 "owed_to": [world.party_y], "title": "Lend to itself", "category": "financial",
                 "due_on": date(2025, 6, 1), "duration_optimistic": 1, "duration_likely": 2,
                 "duration_pessimistic": 4}
            ],
        )  # fmt: skip
    commitment = make_commitment(world)
    with pytest.raises(ValidationError):
        ps.commitment_update(actor=world.owner, commitment=commitment, owed_to=[world.party_x])
    assert list(commitment.owed_to.all()) == [world.party_y]
