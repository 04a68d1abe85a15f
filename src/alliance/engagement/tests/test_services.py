"""Engagement services: interactions with follow-ups, pulses, grievances, notes."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliance.accounts.models import AuditEvent
from alliance.engagement import services as es
from alliance.engagement.models import Interaction
from alliance.partnerships import services as ps
from alliance.partnerships.models import Commitment


def log(world, **extra):
    fields = dict(
        agreement=world.agreement,
        parties=[world.party_x, world.party_y],
        kind="meeting",
        occurred_on=date(2025, 4, 1),
        summary="Steering committee",
    )
    fields.update(extra)
    return es.interaction_log(actor=world.owner, **fields)


def test_follow_ups_become_commitments_linked_to_the_interaction(world):
    interaction = log(
        world,
        follow_ups=[
            {
                "title": "Send the draft decree",
                "owed_by": world.party_x,
                "owed_to": [world.party_y],
                "due_on": date(2025, 4, 30),
            },
        ],
    )
    commitment = Commitment.objects.get(source_interaction=interaction)
    assert commitment.title == "Send the draft decree"
    assert (
        commitment.duration_optimistic
        <= commitment.duration_likely
        <= commitment.duration_pessimistic
    )
    assert AuditEvent.objects.filter(object_id=str(interaction.uuid), action="create").exists()
    assert AuditEvent.objects.filter(object_id=str(commitment.uuid), action="create").exists()


def test_bad_follow_up_rolls_back_the_whole_interaction(world):
    with pytest.raises(ValidationError) as exc:
        log(
            world,
            follow_ups=[
                {
                    "title": "x",
                    "owed_by": world.party_z,
                    "owed_to": [world.party_y],
                    "due_on": date(2025, 4, 30),
                }
            ],
        )
    assert "Follow-up 1" in " ".join(exc.value.message_dict["follow_ups"])
    assert not Interaction.objects.exists()
    assert not Commitment.objects.exists()


def test_person_present_must_belong_to_a_party_present(world):
    with pytest.raises(ValidationError) as exc:
        log(world, parties=[world.party_x], people=[world.person_y])
    assert "people" in exc.value.message_dict


def test_restricted_interaction_names_its_author(world):
    interaction = log(world, confidentiality="restricted", restricted_to=[world.counsellor])
    assert set(interaction.restricted_to.all()) == {world.counsellor, world.owner}


def test_tone_outside_the_scale_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        log(world, tone=3)
    assert "tone" in exc.value.message_dict


def test_pulse_answers_are_validated_on_the_likert_scale(world):
    pulse = es.trust_pulse_open(
        actor=world.owner,
        agreement=world.agreement,
        title="P1",
        opens_on=date(2025, 5, 1),
        closes_on=date(2025, 5, 31),
    )
    with pytest.raises(ValidationError) as exc:
        es.trust_response_submit(
            actor=world.owner,
            pulse=pulse,
            respondent=world.person_x,
            about_party=world.party_y,
            ability=8,
            benevolence=4,
            integrity=4,
            predictability=4,
            communication=4,
            submitted_on=date(2025, 5, 2),
        )
    assert "ability" in exc.value.message_dict
    # A representative answers for themselves (their own Person in their party), not for a
    # colleague (docs/pulses.md).
    me = ps.person_create(actor=world.owner, party=world.party_x, name="Rep X", user=world.rep_x)
    response = es.trust_response_submit(
        actor=world.rep_x,
        pulse=pulse,
        respondent=me,
        about_party=world.party_y,
        ability=6,
        benevolence=4,
        integrity=4,
        predictability=4,
        communication=4,
        submitted_on=date(2025, 5, 2),
    )
    assert response.respondent_party == world.party_x
    with pytest.raises(PermissionDenied):
        es.trust_response_submit(
            actor=world.rep_x,
            pulse=pulse,
            respondent=world.person_y,
            about_party=world.party_x,
            ability=1,
            benevolence=1,
            integrity=1,
            predictability=1,
            communication=1,
            submitted_on=date(2025, 5, 2),
        )


def test_grievance_dates_in_order_and_resolution_recorded(world):
    with pytest.raises(ValidationError) as exc:
        es.grievance_register(
            actor=world.owner,
            agreement=world.agreement,
            reference="G-1",
            channel="hotline",
            category="land",
            summary="x",
            received_on=date(2025, 5, 2),
            response_due_on=date(2025, 4, 1),
        )
    assert "response_due_on" in exc.value.message_dict
    grievance = es.grievance_register(
        actor=world.owner,
        agreement=world.agreement,
        reference="G-1",
        channel="hotline",
        category="land",
        summary="x",
        received_on=date(2025, 5, 2),
        response_due_on=date(2025, 5, 16),
    )
    es.grievance_respond(
        actor=world.editor,
        grievance=grievance,
        on=date(2025, 5, 20),
        resolution="Fence moved",
        resolved=True,
    )
    grievance.refresh_from_db()
    assert (grievance.status, grievance.responded_on) == ("resolved", date(2025, 5, 20))


def test_expectation_history_is_kept(world):
    topic = es.topic_create(actor=world.owner, agreement=world.agreement, name="Tariff")
    es.expectation_record(
        actor=world.owner,
        topic=topic,
        party=world.party_x,
        statement="Low",
        recorded_on=date(2025, 3, 1),
    )
    es.expectation_record(
        actor=world.owner,
        topic=topic,
        party=world.party_x,
        statement="Lower",
        recorded_on=date(2025, 9, 1),
    )
    assert list(topic.expectations.values_list("statement", flat=True)) == ["Lower", "Low"]
    with pytest.raises(ValidationError):
        es.expectation_record(
            actor=world.owner,
            topic=topic,
            party=world.party_z,
            statement="x",
            recorded_on=date(2025, 9, 1),
        )
