"""Every delete goes through the policy, and so does everything it cascades to: nothing of
another agreement, nothing the actor may not see, is destroyed with it; a person or party who
also belongs to other agreements is only taken out of the actor's; the confirmation page says
what will go (visible items only); every removed row is audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import AuditEvent
from alliance.engagement import services as es
from alliance.engagement.models import Interaction, PersonNote
from alliance.partnerships import services as ps
from alliance.partnerships.models import Commitment, Participation, Person
from alliance.risks import services as rs
from alliance.risks.models import EarlyWarning
from alliance.testing import tally

SECRET = "Other agreement only: Awa is about to resign"


@pytest.fixture
def shared_person(world):
    """Ministry X takes part in the other agreement too, whose team keeps an internal note
    about Awa Diop that nobody of the corridor agreement may see."""
    ps.participation_add(
        actor=world.other_owner,
        agreement=world.other_agreement,
        party=world.party_x,
        role="signatory",
    )
    note = es.person_note_add(
        actor=world.other_owner, agreement=world.other_agreement, person=world.person_x, text=SECRET
    )
    mine = es.person_note_add(
        actor=world.editor, agreement=world.agreement, person=world.person_x, text="Prefers calls"
    )
    return note, mine


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def delete_url(world, person) -> str:
    return reverse("party_entity_delete", args=[world.party_x.uuid, "people", person.uuid])


def test_an_editor_cannot_destroy_what_another_agreement_keeps(world, shared_person):
    other_note, my_note = shared_person
    client = logged_in(world.editor)
    page = client.get(delete_url(world, world.person_x)).content.decode()
    assert "Corridor agreement" in page and "Other agreement" not in page
    assert "1 × note" in page  # the editor's own note, not the other agreement's
    tally("delete.preview")
    assert client.post(delete_url(world, world.person_x)).status_code == 302
    tally("delete.attempt")

    person = Person.objects.get(pk=world.person_x.pk)  # kept for the other agreement
    assert PersonNote.objects.get(pk=other_note.pk).text == SECRET
    assert not PersonNote.objects.filter(pk=my_note.pk).exists()
    assert list(person.archived_from.all()) == [world.agreement]
    events = AuditEvent.objects.filter(actor=world.editor, action="delete")
    assert events.filter(object_id=str(my_note.uuid)).exists()
    assert AuditEvent.objects.filter(object_id=str(person.uuid), action="update").exists()
    # Gone from the corridor agreement, still there for the other one.
    assert (
        not logged_in(world.editor)
        .get(reverse("party", args=[world.party_x.uuid]))
        .content.decode()
        .count("Awa Diop")
    )
    other_page = logged_in(world.other_owner).get(reverse("party", args=[world.party_x.uuid]))
    assert "Awa Diop" in other_page.content.decode()


def test_a_person_of_one_agreement_is_deleted_with_every_cascaded_row_audited(world):
    person = ps.person_create(actor=world.editor, party=world.party_y, name="Léa Roux")
    note = es.person_note_add(
        actor=world.editor, agreement=world.agreement, person=person, text="Met in Dakar"
    )
    interaction = es.interaction_log(
        actor=world.editor,
        agreement=world.agreement,
        parties=[world.party_y],
        people=[person],
        kind="meeting",
        occurred_on=date(2025, 3, 3),
        summary="Kick-off",
    )
    client = logged_in(world.editor)
    url = reverse("party_entity_delete", args=[world.party_y.uuid, "people", person.uuid])
    page = client.get(url).content.decode()
    tally("delete.preview")
    assert "1 × person" in page and "1 × note" in page and "1 × links to other items" in page
    client.post(url)
    tally("delete.attempt")
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not PersonNote.objects.filter(pk=note.pk).exists()
    assert list(Interaction.objects.get(pk=interaction.pk).people.all()) == []
    deleted = set(AuditEvent.objects.filter(action="delete").values_list("object_id", flat=True))
    assert {str(person.uuid), str(note.uuid)} <= deleted
    link = AuditEvent.objects.get(object_id=str(interaction.uuid), action="update")
    assert link.before == {"people": [str(person.uuid)]} and link.after == {"people": []}


def test_a_cascade_into_something_the_actor_cannot_see_is_refused(world):
    commitment = ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_y],
        title="Permit filed",
        category="regulatory",
        due_on=date(2025, 5, 1),
        duration_optimistic=5,
        duration_likely=10,
        duration_pessimistic=20,
    )
    warning, _new = rs.early_warning_raise(
        actor=world.owner,
        agreement=world.agreement,
        key="k",
        rule="overdue",
        title="Minister blocks the permit",
        severity="warning",
        raised_on=date(2025, 6, 2),
        commitment=commitment,
        confidentiality="restricted",
        restricted_to=[world.owner],
    )
    client = logged_in(world.editor)
    url = reverse("entity_delete", args=[world.agreement.uuid, "commitments", commitment.uuid])
    page = client.get(url).content.decode()
    tally("delete.preview")
    assert "cannot be deleted" in page and "Minister" not in page
    client.post(url)
    tally("delete.attempt")
    assert Commitment.objects.filter(pk=commitment.pk).exists()
    assert EarlyWarning.objects.filter(pk=warning.pk).exists()
    # Its owner, who sees the warning, may delete both; both are audited.
    logged_in(world.owner).post(url)
    tally("delete.attempt")
    assert not EarlyWarning.objects.filter(pk=warning.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(warning.uuid), action="delete").exists()


def test_a_party_of_other_agreements_is_only_taken_out_of_the_actors(world):
    ps.participation_add(
        actor=world.other_owner, agreement=world.other_agreement, party=world.party_y, role="lender"
    )
    client = logged_in(world.owner)
    url = reverse("party_delete", args=[world.party_y.uuid])
    page = client.get(url).content.decode()
    tally("delete.preview")
    assert "Corridor agreement" in page and "Other agreement" not in page
    client.post(url)
    tally("delete.attempt")
    assert Participation.objects.filter(
        party=world.party_y, agreement=world.other_agreement
    ).exists()
    assert not Participation.objects.filter(party=world.party_y, agreement=world.agreement).exists()
