"""Pulse rounds: opening one through the policy, personal links (valid, reused, expired,
forged), drafts, atomic answers, invitations and reminders through the outbox."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import AuditEvent
from alliance.core import clock
from alliance.engagement import pulse_links
from alliance.engagement import services as es
from alliance.engagement.models import PulseRespondent, TrustResponse
from alliance.notifications import jobs
from alliance.notifications.models import Notification
from alliance.notifications.outbox import deliver_due
from alliance.partnerships import services as ps

DAY = date(2026, 11, 20)
FIVE = dict(ability=5, benevolence=4, integrity=6, predictability=3, communication=5)


@pytest.fixture
def day():
    with clock.frozen(DAY):
        yield DAY


@pytest.fixture
def people(world):
    w = world
    for person, address in ((w.person_x, "awa@x.example"), (w.person_y, "jean@y.example")):
        ps.person_update(actor=w.admin, person=person, email=address)
        person.refresh_from_db()
    return w


def _open(w, day, **extra):
    return es.pulse_round_open(
        actor=w.counsellor,
        agreement=w.agreement,
        title="Pulse",
        opens_on=day - timedelta(days=1),
        closes_on=day + timedelta(days=10),
        respondents=[{"person": w.person_x, "language": "fr"}, {"person": w.person_y}],
        **extra,
    )


def _ratings(sheet, **override):
    values = {**FIVE, **override}
    return {str(p.uuid): dict(values) for p in sheet.about_parties.all()}


@pytest.mark.django_db
def test_round_opens_with_default_pairs_and_hashed_links(people, day):
    w = people
    pulse = _open(w, day)
    sheet = pulse.respondents.get(person=w.person_x)
    # Own party first (the self-view), then every other party of the agreement.
    assert set(sheet.about_parties.all()) == {w.party_x, w.party_y}
    assert sheet.language == "fr"
    token = pulse_links.token_for(sheet)
    assert sheet.token_hash == pulse_links.digest(token) != token
    assert token not in str(PulseRespondent.objects.filter(pk=sheet.pk).values().get())
    # The trail records the respondent, never what the link is derived from.
    event = AuditEvent.objects.get(object_id=str(sheet.uuid))
    assert "token_hash" not in event.after and "nonce" not in event.after


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["rep_x", "viewer", "outsider"])
def test_only_the_team_opens_a_round(people, day, actor):
    w = people
    with pytest.raises(PermissionDenied):
        es.pulse_round_open(
            actor=getattr(w, actor),
            agreement=w.agreement,
            title="Pulse",
            opens_on=day,
            closes_on=day + timedelta(days=5),
            respondents=[{"person": w.person_x}],
        )
    assert not PulseRespondent.objects.exists()


@pytest.mark.django_db
def test_a_respondent_without_address_refuses_the_whole_round(people, day):
    w = people
    ps.person_update(actor=w.admin, person=w.person_y, email="")
    w.person_y.refresh_from_db()
    with pytest.raises(ValidationError, match="no e-mail address"):
        _open(w, day)
    assert not w.agreement.pulses.exists()


@pytest.mark.django_db
def test_answers_become_responses_at_once_and_the_link_is_spent(people, day):
    w = people
    sheet = _open(w, day).respondents.get(person=w.person_x)
    token = pulse_links.token_for(sheet)
    assert pulse_links.state_of(pulse_links.sheet_by_token(token)) == "open"
    es.pulse_answers_submit(
        sheet=sheet, ratings=_ratings(sheet), comment="Slow", comment_confidentiality="shared"
    )
    rows = TrustResponse.objects.filter(respondent=w.person_x)
    assert {r.about_party for r in rows} == {w.party_x, w.party_y}
    assert all(r.ability == 5 and r.submitted_on == day for r in rows)
    sheet.refresh_from_db()
    assert sheet.comment == "Slow" and sheet.comment_confidentiality == "shared"
    assert pulse_links.state_of(sheet) == "answered"
    with pytest.raises(ValidationError, match="already sent"):
        es.pulse_answers_submit(sheet=sheet, ratings=_ratings(sheet))
    assert rows.count() == 2


@pytest.mark.django_db
def test_a_missing_rating_writes_nothing(people, day):
    w = people
    sheet = _open(w, day).respondents.get(person=w.person_x)
    ratings = _ratings(sheet)
    del ratings[str(w.party_y.uuid)]["integrity"]
    with pytest.raises(ValidationError) as caught:
        es.pulse_answers_submit(sheet=sheet, ratings=ratings)
    assert str(w.party_y.uuid) in caught.value.message_dict
    assert not TrustResponse.objects.exists()
    sheet.refresh_from_db()
    assert sheet.submitted_at is None


@pytest.mark.django_db
def test_a_failure_midway_rolls_back_every_row(people, day, monkeypatch):
    """All or none: a database refusal on the second row leaves no first row behind."""
    w = people
    sheet = _open(w, day).respondents.get(person=w.person_x)
    original = TrustResponse.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise IntegrityError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TrustResponse, "save", failing_save)
    with pytest.raises(IntegrityError):
        es.pulse_answers_submit(sheet=sheet, ratings=_ratings(sheet))
    assert not TrustResponse.objects.exists()
    sheet.refresh_from_db()
    assert sheet.submitted_at is None


@pytest.mark.django_db
def test_expired_and_forged_links(people, day):
    w = people
    sheet = _open(w, day).respondents.get(person=w.person_x)
    token = pulse_links.token_for(sheet)
    assert pulse_links.sheet_by_token("0" * 64) is None
    assert pulse_links.sheet_by_token(token[:-1]) is None
    with clock.frozen(day + timedelta(days=11)):
        assert pulse_links.state_of(sheet) == "expired"
        with pytest.raises(ValidationError, match="not open"):
            es.pulse_answers_submit(sheet=sheet, ratings=_ratings(sheet))
    assert not TrustResponse.objects.exists()


@pytest.mark.django_db
def test_a_draft_keeps_what_was_typed(people, day):
    w = people
    sheet = _open(w, day).respondents.get(person=w.person_x)
    ratings = {str(w.party_y.uuid): {"ability": "6", "integrity": "9"}}
    es.pulse_draft_save(sheet=sheet, ratings=ratings, comment="half")
    sheet.refresh_from_db()
    assert sheet.draft["ratings"] == {str(w.party_y.uuid): {"ability": 6}}
    assert sheet.draft["comment"] == "half"
    assert not TrustResponse.objects.exists()


@pytest.mark.django_db
def test_invitations_then_one_reminder_to_those_who_have_not_answered(people, day, settings):
    w = people
    settings.SITE_URL = "https://alliance.example"
    pulse = _open(w, day, remind_before_days=3)
    assert jobs.pulse_mail(day) == 2
    deliver_due()
    assert sorted(m.to[0] for m in mail.outbox) == ["awa@x.example", "jean@y.example"]
    french = next(m for m in mail.outbox if m.to == ["awa@x.example"])
    sheet_x = pulse.respondents.get(person=w.person_x)
    link = "https://alliance.example" + reverse(
        "pulse_answer", args=[pulse_links.token_for(sheet_x)]
    )
    assert link in french.body and "Bonjour" in french.body
    # Run again: nothing twice.
    jobs.pulse_mail(day)
    deliver_due()
    assert len(mail.outbox) == 2
    es.pulse_answers_submit(sheet=sheet_x, ratings=_ratings(sheet_x))
    with clock.frozen(pulse.closes_on - timedelta(days=2)):
        jobs.pulse_mail(clock.today())
        jobs.pulse_mail(clock.today())
    deliver_due()
    reminders = [m for m in mail.outbox[2:]]
    assert [m.to for m in reminders] == [["jean@y.example"]]
    assert Notification.objects.filter(kind="pulse").count() == 3


@pytest.mark.django_db
def test_the_link_page_states(people, day):
    w = people
    sheet = _open(w, day).respondents.get(person=w.person_x)
    token = pulse_links.token_for(sheet)
    client = Client()
    url = reverse("pulse_answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Ministry X" in page.content.decode()
    assert 'lang="fr"' in page.content.decode()  # the respondent's language
    # Save a section, reload: it is kept.
    field = f"{w.party_y.uuid}-ability"
    saved = client.post(url, {field: "6", "action": "save:p2"})
    assert saved.status_code == 302
    again = client.get(url).content.decode()
    assert f'id="{field}-6" name="{field}" value="6" checked' in again
    # Sending a half-filled form: 400, kept, nothing written.
    half = client.post(url, {field: "6", "action": "send"})
    assert half.status_code == 400 and not TrustResponse.objects.exists()
    full = {f"{p.uuid}-{d}": "4" for p in (w.party_x, w.party_y) for d in FIVE}
    done = client.post(url, {**full, "action": "send", "comment": "ok"})
    assert done.status_code == 200 and TrustResponse.objects.count() == 2
    reused = client.get(url)
    assert reused.status_code == 410
    # Sent again from a second tab: the same clear page, nothing written twice.
    assert client.post(url, {**full, "action": "send"}).status_code == 410
    assert TrustResponse.objects.count() == 2
    forged = client.get(reverse("pulse_answer", args=["f" * 64]))
    with clock.frozen(day + timedelta(days=30)):
        other = _other_sheet_token(w)
        expired = client.get(reverse("pulse_answer", args=[other]))
    # Forged and expired are indistinguishable: same status, same body.
    assert forged.status_code == expired.status_code == 404
    assert _strip(forged) == _strip(expired)


def _other_sheet_token(w):
    return pulse_links.token_for(PulseRespondent.objects.get(person=w.person_y))


def _strip(response):
    import re

    text = response.content.decode()
    text = re.sub(r'"X-CSRFToken": "[^"]*"', "", text)
    return re.sub(r'(nonce|value)="[^"]*"', "", text)


@pytest.mark.django_db
def test_the_own_party_is_rated_in_the_first_person(people, day):
    """The self-view of the 360° (the trust model compares it with how the others rate the
    party) asks the same five things, as "we": Awa Diop of Ministry X reads "We have…" on
    her own party's card and "They have…" on Lender Y's, in her language and in English."""
    w = people
    sheet = _open(w, day).respondents.get(person=w.person_x)
    url = reverse("pulse_answer", args=[pulse_links.token_for(sheet)])
    client = Client()
    for lang, we, they in (
        ("en", "We have the skills and means to do what we promise.",
         "They have the skills and means to do what they promise."),
        ("fr", "Nous avons", "Ils ont"),
        ("de", "Wir haben", "Sie haben"),
    ):  # fmt: skip
        page = client.get(url, {"lang": lang})
        cards = page.content.decode().split('class="pulse-party')
        own = next(c for c in cards if str(w.party_x.uuid) in c and "Ministry X" in c)
        other = next(c for c in cards if str(w.party_y.uuid) in c)
        assert we in own and they not in own, lang
        assert they in other and we not in other, lang
