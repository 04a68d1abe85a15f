"""Create, edit, delete and the working actions: every change through the services, audited;
refusals come back inline and as messages naming the field, with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import AuditEvent
from alliance.engagement.models import Interaction
from alliance.partnerships import services as ps
from alliance.partnerships.models import Agreement, Commitment, Milestone, Party, Person
from alliance.web.forms.partnerships import MilestoneForm
from alliance.web.views.common import report_refusal


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _audited(obj, action: str) -> bool:
    return AuditEvent.objects.filter(object_id=str(obj.uuid), action=action).exists()


def test_create_edit_delete_a_milestone_through_the_services(world, data):
    client = _client(world.editor)
    a = world.agreement.uuid
    due = timezone.localdate() + timedelta(days=90)
    response = client.post(
        reverse("entity_create", args=[a, "milestones"]),
        {"title": "First train", "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(title="First train")
    assert _audited(milestone, "create")
    client.post(
        reverse("entity_edit", args=[a, "milestones", milestone.uuid]),
        {"title": "First freight train", "due_on": due.isoformat()},
    )
    event = AuditEvent.objects.get(object_id=str(milestone.uuid), action="update")
    assert event.before == {"title": "First train"}
    assert event.after == {"title": "First freight train"}
    client.post(reverse("entity_delete", args=[a, "milestones", milestone.uuid]))
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert _audited(milestone, "delete")


def test_invalid_input_is_shown_inline_and_nothing_is_written(world, data):
    client = _client(world.owner)
    response = client.post(
        reverse("entity_create", args=[world.agreement.uuid, "commitments"]),
        {
            "title": "Durations out of order",
            "category": "technical",
            "owed_by": world.party_x.pk,
            "owed_to": [world.party_y.pk],
            "due_on": "2030-01-01",
            "due_trigger": "fixed",
            "recurrence": "none",
            "duration_optimistic": 10,
            "duration_likely": 5,
            "duration_pessimistic": 20,
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "duration_likely" in form.errors
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Please correct the fields marked below." in html
    assert not Commitment.objects.filter(title="Durations out of order").exists()


def test_a_service_refusal_names_the_field_in_a_message(world, data):
    client = _client(world.owner)
    participation = world.agreement.participations.get(party=world.party_x)
    response = client.post(
        reverse("entity_delete", args=[world.agreement.uuid, "participations", participation.uuid])
    )
    assert response.status_code == 200
    assert any(m.startswith("Party: ") for m in _messages(response))
    assert world.agreement.participations.filter(pk=participation.pk).exists()


def test_report_refusal_turns_permission_denied_into_a_message(world):
    request = RequestFactory().post("/")
    request.session = {}
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    form = MilestoneForm({"title": "x"}, agreement=world.agreement, user=world.owner)
    report_refusal(request, PermissionDenied("You may not change this item."), form)
    report_refusal(request, ValidationError({"due_on": "Too late.", "other": "Odd."}), form)
    texts = [str(m) for m in request._messages]
    assert texts == ["You may not change this item.", "Due on: Too late.", "Other: Odd."]
    assert "Too late." in form.errors["due_on"]


def test_commitment_form_adds_and_drops_prerequisites_through_services(world, data):
    client = _client(world.owner)
    c = data.commitment_y
    url = reverse("entity_edit", args=[world.agreement.uuid, "commitments", c.uuid])
    form = client.get(url).context["form"]
    payload = {
        name: value
        for name, value in form.initial.items()
        if name not in {"owed_to", "depends_on"} and value is not None
    }
    payload.update(
        owed_by=world.party_y.pk,
        owed_to=[world.party_x.pk],
        milestone="",
        due_on=c.due_on.isoformat(),
        title="Disburse the first tranche (amended)",
        depends_on=[],
    )
    response = client.post(url, payload)
    assert response.status_code == 302, response.context["form"].errors
    c.refresh_from_db()
    assert c.title == "Disburse the first tranche (amended)"
    assert list(c.depends_on.all()) == []


def test_relative_due_date_is_counted_from_the_trigger(world, data):
    client = _client(world.owner)
    response = client.post(
        reverse("entity_create", args=[world.agreement.uuid, "commitments"]),
        {
            "title": "Report within 30 days of effectiveness",
            "category": "reporting",
            "owed_by": world.party_x.pk,
            "owed_to": [world.party_y.pk],
            "due_trigger": "effective",
            "due_offset_days": 30,
            "recurrence": "none",
            "duration_optimistic": 5,
            "duration_likely": 10,
            "duration_pessimistic": 15,
        },
    )
    assert response.status_code == 302
    c = Commitment.objects.get(title="Report within 30 days of effectiveness")
    assert c.due_on == world.agreement.effective_on + timedelta(days=30)


def test_quick_log_creates_the_interaction_and_its_follow_up_commitments(world, data):
    client = _client(world.counsellor)
    today = timezone.localdate()
    payload = {
        "occurred_on": today.isoformat(),
        "kind": "call",
        "parties": [world.party_x.pk, world.party_y.pk],
        "people": [world.person_x.pk],
        "summary": "Agreed to share the permit file.",
        "tone": "1",
        "confidentiality": "shared",
        "language": "en",
        "follow_up-TOTAL_FORMS": "3",
        "follow_up-INITIAL_FORMS": "0",
        "follow_up-0-title": "Send the permit file",
        "follow_up-0-owed_by": str(world.party_x.uuid),
        "follow_up-0-owed_to": str(world.party_y.uuid),
        "follow_up-0-due_on": (today + timedelta(days=14)).isoformat(),
    }
    url = reverse("interaction_quick_log", args=[world.agreement.uuid])
    response = client.post(url, payload, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "Send the permit file" in html
    assert "Logged Call" in html and "1 follow-up commitment" in html
    [interaction] = [
        i for i in Interaction.objects.all() if i.summary == "Agreed to share the permit file."
    ]
    follow_up = Commitment.objects.get(title="Send the permit file")
    assert follow_up.source_interaction == interaction
    assert follow_up.owed_by == world.party_x
    assert _audited(interaction, "create") and _audited(follow_up, "create")


def test_quick_log_refuses_incomplete_input_with_inline_errors(world, data):
    client = _client(world.owner)
    url = reverse("interaction_quick_log", args=[world.agreement.uuid])
    response = client.post(
        url,
        {
            "occurred_on": "",
            "kind": "call",
            "summary": "",
            "tone": "0",
            "confidentiality": "shared",
            "language": "en",
            "follow_up-TOTAL_FORMS": "1",
            "follow_up-INITIAL_FORMS": "0",
            "follow_up-0-title": "A follow-up without owner",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"occurred_on", "parties", "summary"} <= set(form.errors)
    assert response.context["follow_ups"].errors[0]["owed_by"]
    assert not Commitment.objects.filter(title="A follow-up without owner").exists()


def test_representative_moves_own_commitment_with_evidence_only(world, data):
    client = _client(world.rep_x)
    url = reverse("commitment", args=[world.agreement.uuid, data.commitment_x.uuid])
    today = timezone.localdate().isoformat()
    refused = client.post(url, {"status": "delivered", "on": today, "evidence": ""})
    assert refused.status_code == 200
    assert any(m.startswith("Evidence: ") for m in _messages(refused))
    data.commitment_x.refresh_from_db()
    assert data.commitment_x.status == "planned"
    client.post(url, {"status": "delivered", "on": today, "evidence": "Permit no. 12"})
    data.commitment_x.refresh_from_db()
    assert data.commitment_x.status == "delivered"
    other = reverse("commitment", args=[world.agreement.uuid, data.commitment_y.uuid])
    assert client.post(other, {"status": "late", "on": today}).status_code == 404


def test_bulk_status_change_is_all_or_nothing(world, data):
    client = _client(world.owner)
    url = reverse("commitments_bulk_status", args=[world.agreement.uuid])
    today = timezone.localdate().isoformat()
    both = [str(data.commitment_x.uuid), str(data.commitment_y.uuid)]
    ps_planned = {"planned"}
    response = client.post(url, {"commitments": both, "status": "delivered", "on": today})
    texts = _messages(response)
    assert f"{data.commitment_x} — Evidence: Say what shows the commitment was delivered." in texts
    assert "Nothing was changed: fix the commitments named above." in texts
    statuses = set(Commitment.objects.filter(uuid__in=both).values_list("status", flat=True))
    assert statuses == ps_planned
    response = client.post(url, {"commitments": both, "status": "in_progress", "on": today})
    assert any("2 commitments moved" in m for m in _messages(response))
    statuses = set(Commitment.objects.filter(uuid__in=both).values_list("status", flat=True))
    assert statuses == {"in_progress"}


def test_bulk_status_ignores_commitments_the_user_may_not_change(world, data):
    client = _client(world.rep_x)
    url = reverse("commitments_bulk_status", args=[world.agreement.uuid])
    today = timezone.localdate().isoformat()
    client.post(url, {"commitments": [str(data.commitment_y.uuid)], "status": "late", "on": today})
    data.commitment_y.refresh_from_db()
    assert data.commitment_y.status == "planned"


def test_grievance_response_is_recorded(world, data):
    client = _client(world.owner)
    url = reverse("grievance_respond", args=[world.agreement.uuid, data.grievance.uuid])
    today = timezone.localdate().isoformat()
    response = client.post(url, {"on": today, "resolution": "Fences moved back", "resolved": "on"})
    assert response.status_code == 302
    data.grievance.refresh_from_db()
    assert data.grievance.status == "resolved"


def test_representative_answers_a_pulse_for_themselves_only(world, data):
    """rep_y answers as the person of Y linked to their account, never for a colleague
    (Jean Martin, of Y, answers through his own link); unlinked, the form says why."""
    url = reverse("entity_create", args=[world.agreement.uuid, "responses"])
    client = _client(world.rep_y)
    form = client.get(url).context["form"]
    assert list(form.fields["respondent"].queryset) == []
    assert "not linked to a person of your party" in str(form.fields["respondent"].help_text)
    me = ps.person_create(actor=world.admin, party=world.party_y, name="Rep Y", user=world.rep_y)
    form = client.get(url).context["form"]
    assert list(form.fields["respondent"].queryset) == [me]


def test_party_person_and_agreement_forms(world, data):
    owner = _client(world.owner)
    response = owner.post(
        reverse("party_create"),
        {
            "name": "Port Authority",
            "kind": "state_enterprise",
            "country": "SN",
            "level": "headquarters",
            "decision_cycle_days": 30,
            "approval_steps": 3,
            "working_week": "1111100",
            "fiscal_year_start_month": 1,
        },
    )
    party = Party.objects.get(name="Port Authority")
    assert response["Location"] == reverse("party", args=[party.uuid])
    owner.post(
        reverse("party_entity_create", args=[world.party_x.uuid, "people"]),
        {"name": "Moussa Fall", "role_title": "Director"},
    )
    assert Person.objects.filter(name="Moussa Fall", party=world.party_x).exists()
    response = owner.post(
        reverse("agreement_create"),
        {
            "title": "Water concession",
            "kind": "concession",
            "signed_on": "2025-06-01",
            "host_country": "SN",
            "countries": "sn, fr",
            "stage": "signed",
        },
    )
    agreement = Agreement.objects.get(title="Water concession")
    assert agreement.countries == ["SN", "FR"]
    assert response["Location"] == reverse("agreement", args=[agreement.uuid])
    owner.post(reverse("agreement_delete", args=[agreement.uuid]))
    assert not Agreement.objects.filter(pk=agreement.pk).exists()


@pytest.mark.parametrize("actor", ["rep_x", "viewer", "outsider"])
def test_those_who_may_not_create_get_404(world, data, actor):
    client = _client(getattr(world, actor))
    assert client.get(reverse("party_create")).status_code == 404
    assert client.get(reverse("agreement_create")).status_code == 404
    url = reverse("interaction_quick_log", args=[world.agreement.uuid])
    assert client.post(url, {}).status_code == 404


def test_new_forms_start_from_sensible_defaults(world, data):
    client = _client(world.counsellor)
    a = world.agreement.uuid
    today = timezone.localdate()
    response_form = client.get(reverse("entity_create", args=[a, "responses"])).context["form"]
    assert response_form.initial["submitted_on"] == today
    note_form = client.get(reverse("entity_create", args=[a, "notes"])).context["form"]
    assert note_form.initial["confidentiality"] == "internal"
    interaction = client.get(reverse("entity_create", args=[a, "interactions"])).context["form"]
    assert (interaction.initial["kind"], interaction.initial["occurred_on"]) == ("meeting", today)


def test_only_the_team_deletes_a_commitment_even_through_the_service(world, data):
    from alliance.partnerships import services as ps

    with pytest.raises(PermissionDenied):
        ps.commitment_delete(actor=world.rep_x, commitment=data.commitment_x)
    ps.commitment_delete(actor=world.editor, commitment=data.commitment_x)
    assert not Commitment.objects.filter(pk=data.commitment_x.pk).exists()
