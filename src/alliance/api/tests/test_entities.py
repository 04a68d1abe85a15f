"""Writes through the API are the pages' writes: the same services, audit and recomputation,
the same policy; commitments move through their actions."""

from __future__ import annotations

from datetime import timedelta

from django_tasks_db.models import DBTaskResult

from alliance.accounts.models import AuditEvent
from alliance.core import clock
from alliance.partnerships.models import Commitment, CommitmentStatusChange


def test_a_write_queues_the_recompute_of_its_agreement(
    world, data, api_as, django_capture_on_commit_callbacks
):
    api = api_as("owner")
    url = f"/api/v1/agreements/{world.agreement.uuid}/risks/{data.risk.uuid}"
    with django_capture_on_commit_callbacks(execute=True):
        assert api.patch(url, {"rating": "low"}).status_code == 200
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("recompute_agreement")
    assert queued.args_kwargs["args"] == [str(world.agreement.uuid)]


def test_a_representative_moves_their_partys_commitments_but_not_their_terms(world, data, api_as):
    a = f"/api/v1/agreements/{world.agreement.uuid}/commitments"
    own, other = f"{a}/{data.commitment_x.uuid}", f"{a}/{data.commitment_y.uuid}"
    rep_x = api_as("rep_x")
    delivered = rep_x.post(own + "/delivery", {"evidence": "Permit signed"})
    assert delivered.status_code == 200, delivered.content
    assert delivered.json()["status"] == "delivered"
    assert delivered.json()["delivered_on"] == clock.today().isoformat()
    step = CommitmentStatusChange.objects.filter(commitment=data.commitment_x).last()
    assert (step.to_status, step.actor, step.evidence) == (
        "delivered",
        world.rep_x,
        "Permit signed",
    )
    assert rep_x.post(other + "/delivery", {"evidence": "x"}).status_code == 403
    assert rep_x.patch(own, {"title": "Rewritten"}).status_code == 403
    assert rep_x.delete(own).status_code == 403
    assert Commitment.objects.filter(pk=data.commitment_x.pk, title="Rewritten").count() == 0


def test_a_delivery_without_evidence_is_refused_naming_the_field(world, data, api_as):
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments/{data.commitment_x.uuid}"
    response = api_as("owner").post(url + "/status", {"status": "delivered"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["evidence"]


def test_a_status_is_never_written_as_a_field(world, data, api_as):
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments/{data.commitment_x.uuid}"
    before = api_as("owner").get(url).json()["status"]
    api_as("owner").patch(url, {"status": "waived"})  # not a field of the terms: ignored
    assert api_as("owner").get(url).json()["status"] == before


def test_a_renegotiation_moves_the_due_date_and_keeps_the_reason(world, data, api_as):
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments/{data.commitment_y.uuid}"
    new = clock.today() + timedelta(days=75)
    response = api_as("counsellor").post(
        url + "/renegotiation", {"due_on": new.isoformat(), "reason": "Budget freeze"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["due_on"] == new.isoformat()
    event = AuditEvent.objects.filter(object_id=str(data.commitment_y.uuid)).order_by("pk").last()
    assert event.after["renegotiation_reason"] == "Budget freeze"
    assert event.after["due_on"] == new.isoformat()
    assert (
        api_as("rep_y")
        .post(url + "/renegotiation", {"due_on": new.isoformat(), "reason": "x"})
        .status_code
        == 403
    )


def test_an_interaction_logged_through_the_api_starts_internal(world, api_as):
    url = f"/api/v1/agreements/{world.agreement.uuid}/interactions"
    body = {
        "occurred_on": clock.today().isoformat(),
        "parties": [str(world.party_x.uuid)],
        "summary": "Minister open to a new calendar",
    }
    created = api_as("counsellor").post(url, body)
    assert created.status_code == 201
    assert created.json()["confidentiality"] == "internal"
    one = f"{url}/{created.json()['id']}"
    assert api_as("rep_x").get(one).status_code == 404
    assert created.json()["id"] not in {i["id"] for i in api_as("rep_x").get(url).json()["items"]}
    assert api_as("editor").get(one).status_code == 200


def test_a_reference_to_something_unseen_is_refused_naming_the_field(world, api_as):
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments"
    body = {
        "title": "T",
        "category": "financial",
        "owed_by": str(world.party_z.uuid),  # in another agreement
        "owed_to": [str(world.party_y.uuid)],
        "due_on": clock.today().isoformat(),
        "duration_optimistic": 1,
        "duration_likely": 1,
        "duration_pessimistic": 1,
    }
    response = api_as("owner").post(url, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owed_by"


def test_a_requirements_text_changes_through_the_api(world, data, api_as):
    # The model's text field is called ``requirement``, like the object the service changes
    # (found by schemathesis: it was a 500).
    url = f"/api/v1/agreements/{world.agreement.uuid}/requirements/{data.requirement.uuid}"
    response = api_as("owner").patch(url, {"requirement": "Impact study published"})
    assert response.status_code == 200, response.content
    data.requirement.refresh_from_db()
    assert data.requirement.requirement == "Impact study published"


def test_a_username_with_a_nul_is_refused_naming_the_field(world, data, api_as):
    # PostgreSQL cannot compare text with a NUL: looking the member up was a 500 there
    # (found by schemathesis on PostgreSQL).
    api = api_as("owner")
    note = f"/api/v1/agreements/{world.agreement.uuid}/notes/{data.note.uuid}"
    response = api.patch(note, {"confidentiality": "restricted", "restricted_to": ["a\x00b"]})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"].startswith("restricted_to")
    interactions = f"/api/v1/agreements/{world.agreement.uuid}/interactions"
    body = {
        "occurred_on": clock.today().isoformat(),
        "parties": [str(world.party_x.uuid)],
        "summary": "Minister open to a new calendar",
        "confidentiality": "restricted",
        "restricted_to": ["editor\x00"],
    }
    response = api.post(interactions, body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"].startswith("restricted_to")
