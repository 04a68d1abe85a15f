"""The team's control of an open pulse round, on the round's page: who answered and who has
not, re-send the invitation to those who have not (never to those who have), extend the
closing date, close early after a confirmation. Each is a POST through the access policy,
audited, CSRF-checked; anyone outside the counsellor team gets 404 and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import AuditEvent
from alliance.analytics.selectors import agreement_inputs
from alliance.core import clock
from alliance.engagement import pulse_links
from alliance.engagement import services as es
from alliance.engagement.models import PulseRespondent, TrustPulse, TrustResponse
from alliance.notifications import jobs
from alliance.notifications import services as notification_services
from alliance.notifications.models import Notification
from alliance.notifications.outbox import deliver_due
from alliance.partnerships import services as ps

DAY = date(2026, 11, 20)
FIVE = dict(ability=5, benevolence=4, integrity=6, predictability=3, communication=5)
BATCH = "6f1c1a52-8d0e-4d43-9a55-0c3f0e6a2a11"
OUTSIDE_THE_TEAM = ("rep_x", "rep_y", "viewer", "outsider")


@pytest.fixture
def day():
    with clock.frozen(DAY):
        yield DAY


@pytest.fixture
def pulse(world, day, settings):
    """An open round asking Awa (Ministry X) and Jean (Lender Y); both invited; Awa answered."""
    settings.SITE_URL = "https://alliance.example"
    w = world
    for person, address in ((w.person_x, "awa@x.example"), (w.person_y, "jean@y.example")):
        ps.person_update(actor=w.admin, person=person, email=address)
        person.refresh_from_db()
    pulse = es.pulse_round_open(
        actor=w.counsellor,
        agreement=w.agreement,
        title="Pulse",
        opens_on=day - timedelta(days=1),
        closes_on=day + timedelta(days=10),
        respondents=[{"person": w.person_x}, {"person": w.person_y}],
    )
    assert jobs.pulse_mail(day) == 2
    deliver_due()
    sheet_x = pulse.respondents.get(person=w.person_x)
    ratings = {str(p.uuid): dict(FIVE) for p in sheet_x.about_parties.all()}
    es.pulse_answers_submit(sheet=sheet_x, ratings=ratings)
    mail.outbox.clear()
    return pulse


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(name, pulse):
    return reverse(name, args=[pulse.agreement.uuid, pulse.uuid])


def _page(response):
    return response.content.decode()


@pytest.mark.django_db
def test_the_round_page_names_who_answered_and_who_has_not(world, pulse):
    page = _page(_client(world.counsellor).get(_url("pulse_round", pulse)))
    assert "Awa Diop" in page and "Jean Martin" in page
    assert "1 of 2 people asked answered" in page
    assert "Re-send the invitation to the 1 person who has not answered" in page
    assert _url("pulse_round_close", pulse) in page


@pytest.mark.django_db
def test_resend_goes_only_to_those_who_have_not_answered_once_per_resend(world, pulse):
    client = _client(world.counsellor)
    sheet_y = pulse.respondents.get(person=world.person_y)
    response = client.post(_url("pulse_round_resend", pulse), {"batch": BATCH}, follow=True)
    assert "Invitation sent again to 1 person who has not answered." in _page(response)
    deliver_due()
    assert [m.to for m in mail.outbox] == [["jean@y.example"]]  # never to Awa, who answered
    # The same link as the invitation's: it still works.
    link = reverse("pulse_answer", args=[pulse_links.token_for(sheet_y)])
    assert link in mail.outbox[0].body
    assert Notification.objects.filter(key=f"pulse:{sheet_y.uuid}:resend:{BATCH}").exists()
    sheet_y.refresh_from_db()
    assert sheet_y.resent_at is not None
    event = AuditEvent.objects.get(object_id=str(sheet_y.uuid), action="update")
    assert event.actor == world.counsellor and "resent_at" in event.after
    # The same form posted twice sends nothing twice, and says so.
    again = client.post(_url("pulse_round_resend", pulse), {"batch": BATCH}, follow=True)
    assert "No invitation was sent" in _page(again)
    deliver_due()
    assert len(mail.outbox) == 1
    # A new re-send (a new form) is a new message.
    other = "0b7d1e7e-2d4b-4a51-8c8f-9f0a4e3f5a22"
    client.post(_url("pulse_round_resend", pulse), {"batch": other})
    deliver_due()
    assert [m.to for m in mail.outbox] == [["jean@y.example"], ["jean@y.example"]]
    assert "re-sent on" in _page(client.get(_url("pulse_round", pulse)))


@pytest.mark.django_db
def test_a_resend_without_its_form_name_sends_nothing(world, pulse):
    response = _client(world.counsellor).post(
        _url("pulse_round_resend", pulse), {"batch": "not-a-uuid"}, follow=True
    )
    assert "This form is out of date" in _page(response)
    assert not Notification.objects.filter(key__contains=":resend:").exists()


@pytest.mark.django_db
def test_a_resend_failing_midway_writes_no_message_at_all(world, pulse, monkeypatch):
    """All or none: the outbox refusing the second message leaves no first one behind."""
    es.pulse_respondent_add(actor=world.counsellor, pulse=pulse, person=_third_person(world))
    original = notification_services.write_pulse
    calls = []

    def failing(sheet, key, *, reminder):
        calls.append(key)
        if len(calls) == 2:
            raise IntegrityError("disk full")
        return original(sheet, key, reminder=reminder)

    monkeypatch.setattr(notification_services, "write_pulse", failing)
    with pytest.raises(IntegrityError):
        notification_services.pulse_invitations_resend(
            actor=world.counsellor, pulse=pulse, batch=BATCH
        )
    assert len(calls) == 2
    assert not Notification.objects.filter(key__contains=":resend:").exists()
    assert not PulseRespondent.objects.filter(resent_at__isnull=False).exists()


def _third_person(w):
    return ps.person_create(
        actor=w.admin, party=w.party_y, name="Marie Curie", email="marie@y.example"
    )


@pytest.mark.django_db
def test_extend_moves_the_closing_date_and_the_links_with_it(world, pulse, day):
    client = _client(world.editor)
    later = day + timedelta(days=20)
    response = client.post(_url("pulse_round_extend", pulse), {"closes_on": later}, follow=True)
    assert response.status_code == 200
    pulse.refresh_from_db()
    assert pulse.closes_on == later
    sheet_y = pulse.respondents.get(person=world.person_y)
    with clock.frozen(day + timedelta(days=15)):  # past the old closing date
        assert pulse_links.state_of(sheet_y) == "open"
    event = AuditEvent.objects.filter(object_id=str(pulse.uuid), action="update").latest("pk")
    assert event.actor == world.editor and event.after["closes_on"] == later.isoformat()
    # Not earlier, not the same day: refused, with the place and the reason.
    refused = client.post(_url("pulse_round_extend", pulse), {"closes_on": day}, follow=True)
    assert "Choose a day after the current closing date" in _page(refused)
    garbage = client.post(_url("pulse_round_extend", pulse), {"closes_on": "soon"}, follow=True)
    assert "New closing date" in _page(garbage)
    pulse.refresh_from_db()
    assert pulse.closes_on == later


@pytest.mark.django_db
def test_a_closing_date_changed_on_the_edit_form_moves_the_links_too(world, pulse, day):
    later = day + timedelta(days=20)
    es.trust_pulse_update(actor=world.counsellor, pulse=pulse, closes_on=later)
    sheet_y = pulse.respondents.get(person=world.person_y)
    assert sheet_y.expires_at == pulse_links.expiry_for(later)
    with clock.frozen(day + timedelta(days=15)):
        assert pulse_links.state_of(sheet_y) == "open"


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["owner", "counsellor", "editor"])
def test_close_early_asks_first_then_kills_the_links_and_keeps_the_answers(
    world, pulse, day, actor
):
    client = _client(getattr(world, actor))
    question = client.get(_url("pulse_round_close", pulse))
    assert question.status_code == 200
    assert "cannot be undone" in _page(question)
    pulse.refresh_from_db()
    assert pulse.closed_at is None  # a GET changes nothing
    response = client.post(_url("pulse_round_close", pulse), follow=True)
    assert "The round is closed" in _page(response) and "Closed early on" in _page(response)
    pulse.refresh_from_db()
    assert pulse.closed_at is not None and pulse.closes_on == day
    assert AuditEvent.objects.filter(object_id=str(pulse.uuid), action="status").exists()
    # Jean's link now gets the clear "closed" page (the same as any dead link).
    sheet_y = pulse.respondents.get(person=world.person_y)
    dead = Client().get(reverse("pulse_answer", args=[pulse_links.token_for(sheet_y)]))
    assert dead.status_code == 404 and "This pulse link does not work" in _page(dead)
    full = {f"{p.uuid}-{d}": "4" for p in sheet_y.about_parties.all() for d in FIVE}
    posted = Client().post(
        reverse("pulse_answer", args=[pulse_links.token_for(sheet_y)]), {**full, "action": "send"}
    )
    assert posted.status_code == 404
    assert not TrustResponse.objects.filter(respondent=world.person_y).exists()
    # Awa's answers count, as a closed round's do: the trust model reads them.
    read = agreement_inputs(world.agreement, day).data.pulses
    assert len(read) == TrustResponse.objects.filter(pulse=pulse).count() == 2
    # A closed round sends nothing more and cannot be extended or re-sent.
    assert jobs.pulse_mail(day) == 0
    later = day + timedelta(days=5)
    client.post(_url("pulse_round_extend", pulse), {"closes_on": later})
    client.post(_url("pulse_round_resend", pulse), {"batch": BATCH})
    pulse.refresh_from_db()
    assert pulse.closes_on == day
    assert not Notification.objects.filter(key__contains=":resend:").exists()
    # Nor offered: the page has no controls left.
    assert _url("pulse_round_resend", pulse) not in _page(client.get(_url("pulse_round", pulse)))


@pytest.mark.django_db
def test_a_round_not_open_yet_is_not_closed_but_may_be_extended(world, pulse, day):
    future = es.trust_pulse_open(
        actor=world.owner,
        agreement=world.agreement,
        title="Next",
        opens_on=day + timedelta(days=3),
        closes_on=day + timedelta(days=9),
    )
    client = _client(world.counsellor)
    response = client.post(_url("pulse_round_close", future), follow=True)
    assert "has not opened yet" in _page(response)
    future.refresh_from_db()
    assert future.closed_at is None
    client.post(_url("pulse_round_extend", future), {"closes_on": day + timedelta(days=12)})
    future.refresh_from_db()
    assert future.closes_on == day + timedelta(days=12)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", OUTSIDE_THE_TEAM)
def test_no_one_outside_the_team_may_control_a_round(world, pulse, day, actor):
    client = _client(getattr(world, actor))
    before = AuditEvent.objects.count()
    for name, data in (
        ("pulse_round", None),
        ("pulse_round_resend", {"batch": BATCH}),
        ("pulse_round_extend", {"closes_on": day + timedelta(days=30)}),
        ("pulse_round_close", {}),
    ):
        assert client.get(_url(name, pulse)).status_code == 404
        if data is not None:
            assert client.post(_url(name, pulse), data).status_code == 404
    pulse.refresh_from_db()
    assert pulse.closed_at is None and pulse.closes_on == day + timedelta(days=10)
    assert not Notification.objects.filter(key__contains=":resend:").exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_the_services_refuse_outside_the_team(world, pulse, day):
    for actor in (world.rep_x, world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            es.pulse_round_close(actor=actor, pulse=pulse)
        with pytest.raises(PermissionDenied):
            es.pulse_round_extend(actor=actor, pulse=pulse, closes_on=day + timedelta(days=30))
        with pytest.raises(PermissionDenied):
            notification_services.pulse_invitations_resend(actor=actor, pulse=pulse, batch=BATCH)
    assert TrustPulse.objects.get(pk=pulse.pk).closed_at is None


@pytest.mark.django_db
def test_the_controls_need_the_csrf_token(world, pulse):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.counsellor)
    for name in ("pulse_round_resend", "pulse_round_extend", "pulse_round_close"):
        assert client.post(_url(name, pulse), {"batch": BATCH}).status_code == 403
    pulse.refresh_from_db()
    assert pulse.closed_at is None
    assert not Notification.objects.filter(key__contains=":resend:").exists()
