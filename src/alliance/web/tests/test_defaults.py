"""What forms offer before anyone types: what a counsellor writes starts internal, and the
pulse form offers only pulses that can be answered and keeps the answers when it refuses."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse

from alliance.core import clock
from alliance.engagement import services as es
from alliance.engagement.models import Interaction, TrustResponse
from alliance.web.forms.engagement import InteractionForm, TrustResponseForm


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _checked(html: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*value="([a-z_]+)"[^>]*checked', html)


def test_the_quick_log_starts_internal_and_says_how_to_share(world, data):
    form = InteractionForm(agreement=world.agreement, user=world.counsellor)
    assert form.initial["confidentiality"] == "internal"
    html = _client(world.counsellor).get(
        reverse("agreement_interactions", args=[world.agreement.uuid])
    )
    page = html.content.decode()
    quick_log = page[page.index('id="quick-log"') :]
    assert _checked(quick_log, "confidentiality") == ["internal"]
    assert "only the counsellor team reads it" in quick_log


def test_a_quick_log_without_a_choice_reaches_no_party_representative(world, data):
    client = _client(world.counsellor)
    page = client.get(reverse("agreement_interactions", args=[world.agreement.uuid]))
    form = page.context["form"]
    posted = {
        "occurred_on": clock.today().isoformat(),
        "kind": "call",
        "parties": [world.party_x.pk],
        "summary": "Minister's office hinted at a delay",
        "tone": "0",
        "language": "en",
        "confidentiality": form.initial["confidentiality"],
        "follow_up-TOTAL_FORMS": "0",
        "follow_up-INITIAL_FORMS": "0",
    }
    client.post(reverse("interaction_quick_log", args=[world.agreement.uuid]), posted)
    [logged] = [
        i for i in Interaction.objects.all() if i.summary == "Minister's office hinted at a delay"
    ]
    assert logged.confidentiality == "internal"
    rep_page = _client(world.rep_x).get(
        reverse("agreement_interactions", args=[world.agreement.uuid])
    )
    assert "hinted at a delay" not in rep_page.content.decode()


def test_the_pulse_form_offers_only_pulses_open_today(world, data):
    today = clock.today()
    open_pulse = es.trust_pulse_open(
        actor=world.owner,
        agreement=world.agreement,
        title="Open pulse",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=10),
    )
    form = TrustResponseForm(agreement=world.agreement, user=world.owner)
    assert list(form.fields["pulse"].queryset) == [open_pulse]  # the closed one is not offered
    assert form.initial["pulse"] == open_pulse.pk


def test_the_pulse_form_refuses_before_saving_and_keeps_the_answers(world, data):
    today = clock.today()
    pulse = es.trust_pulse_open(
        actor=world.owner,
        agreement=world.agreement,
        title="Open pulse",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=10),
    )
    answers = {"ability": 6, "benevolence": 5, "integrity": 6, "predictability": 2}
    posted = {
        "pulse": pulse.pk,
        "respondent": world.person_x.pk,
        "about_party": world.party_y.pk,
        "communication": 4,
        "submitted_on": (today - timedelta(days=5)).isoformat(),  # before it opened
        **answers,
    }
    form = TrustResponseForm(posted, agreement=world.agreement, user=world.owner)
    assert not form.is_valid() and "submitted_on" in form.errors
    closed = TrustResponseForm(
        {**posted, "pulse": data.pulse.pk, "submitted_on": today.isoformat()},
        agreement=world.agreement,
        user=world.owner,
    )
    assert not closed.is_valid() and "pulse" in closed.errors
    # Through the page: refused inline with every typed answer still in the form.
    url = reverse("entity_create", args=[world.agreement.uuid, "responses"])
    response = _client(world.owner).post(url, posted)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    for name, value in answers.items():
        assert re.search(rf'name="{name}"[^>]*value="{value}"', html), name
    assert not TrustResponse.objects.filter(pulse=pulse).exists()
    # A second answer of the same person about the same party is refused the same way.
    es.trust_response_submit(
        actor=world.owner, pulse=pulse, respondent=world.person_x, about_party=world.party_y,
        submitted_on=today, communication=4, **answers,
    )  # fmt: skip
    again = TrustResponseForm(
        {**posted, "submitted_on": today.isoformat()}, agreement=world.agreement, user=world.owner
    )
    assert not again.is_valid() and "already answered" in str(again.errors["about_party"])
