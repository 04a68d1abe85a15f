"""The pulse form keeps what was tapped in the browser (``localStorage``) before any server
save, in a real Chromium on a 390 px phone: taps made while the connection is down survive a
closed tab and come back when the same link opens again; the entry is named by a key that is
not the link's token, holds only the answers and the expiry day, is gone once the answers are
sent, and stale entries (expired links) are dropped. All of it under the page's CSP."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, timedelta

import pytest
from django.urls import reverse

from alliance.core import clock
from alliance.engagement import pulse_links
from alliance.engagement import services as es
from alliance.engagement.choices import TRUST_DIMENSIONS
from alliance.engagement.models import PulseRespondent, TrustResponse
from alliance.partnerships import services as ps
from alliance.testing import CHROMIUM

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]
DAY = date(2026, 11, 20)
PHONE = {"width": 390, "height": 844}
PREFIX = "alliance.pulse-draft."
STORED = f"""() => Object.keys(localStorage).filter(k => k.startsWith("{PREFIX}"))
    .map(k => [k, localStorage.getItem(k)])"""


@pytest.fixture
def sheet(transactional_db, world):
    with clock.frozen(DAY):
        ps.person_update(actor=world.admin, person=world.person_x, email="awa@x.example")
        world.person_x.refresh_from_db()
        pulse = es.pulse_round_open(
            actor=world.counsellor,
            agreement=world.agreement,
            title="Pulse",
            opens_on=DAY - timedelta(days=1),
            closes_on=DAY + timedelta(days=10),
            respondents=[{"person": world.person_x, "language": "en"}],
        )
        yield pulse.respondents.get()


def _tap(page, party, dimension, value):
    page.click(f"label[for='{party.uuid}-{dimension}-{value}']")


def _checked(page, party, dimension):
    return page.eval_on_selector_all(
        f"input[name='{party.uuid}-{dimension}']", "xs => (xs.find(x => x.checked) || {}).value"
    )


def test_taps_survive_a_lost_connection_and_a_closed_tab(browser, live_server, world, sheet):
    token = pulse_links.token_for(sheet)
    url = live_server.url + reverse("pulse_answer", args=[token])
    x, y = world.party_x, world.party_y
    problems: list[str] = []
    context = browser.new_context(locale="en-US", viewport=PHONE)
    context.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    with clock.frozen(DAY):
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        # A stale entry (a link that expired) and someone else's key are there already.
        page.goto(url)
        page.evaluate(
            f"""() => {{
            localStorage.setItem("{PREFIX}stale", JSON.stringify({{expires: "2026-11-01",
                fields: {{a: "1"}}}}));
            localStorage.setItem("unrelated", "kept");
        }}"""
        )
        page.reload()
        assert page.evaluate(f"() => localStorage.getItem('{PREFIX}stale')") is None
        assert page.evaluate("() => localStorage.getItem('unrelated')") == "kept"

        _tap(page, x, "ability", 6)
        _tap(page, x, "integrity", 2)
        # The connection drops (Kribi): taps go on, the save cannot reach the server.
        context.set_offline(True)
        _tap(page, y, "benevolence", 3)
        page.fill("#pulse-comment", "Les réunions commencent en retard.")
        [(key, raw)] = page.evaluate(STORED)
        page.click("button[name=action][value='save:p2']", no_wait_after=True)
        page.wait_for_timeout(500)
        page.close()  # the tab is closed
        context.set_offline(False)

        # What the device keeps: a key that is not the token, the answers and the expiry day.
        assert token not in key and token not in raw
        assert key == PREFIX + pulse_links.draft_key(token)
        entry = json.loads(raw)
        assert set(entry) == {"expires", "fields"}
        assert entry["expires"] == "2026-12-01"
        assert entry["fields"][f"{x.uuid}-ability"] == "6"
        assert entry["fields"][f"{y.uuid}-benevolence"] == "3"
        # The server never got them.
        assert not PulseRespondent.objects.get(pk=sheet.pk).draft

        # The same link opened again: the answers are back, and the page says so.
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(url)
        assert _checked(page, x, "ability") == "6"
        assert _checked(page, x, "integrity") == "2"
        assert _checked(page, y, "benevolence") == "3"
        assert page.input_value("#pulse-comment") == "Les réunions commencent en retard."
        assert page.is_visible("[data-pulse-restored]")

        # Finish and send: the entry is gone.
        for party in (x, y):
            for dimension in TRUST_DIMENSIONS:
                if _checked(page, party, dimension) is None:
                    _tap(page, party, dimension, 5)
        page.click("button[name=action][value=send]")
        page.wait_for_selector("#thanks-title")
        assert page.evaluate(STORED) == []
        assert page.evaluate("() => localStorage.getItem('unrelated')") == "kept"
    rows = {
        (r.about_party_id, r.ability, r.integrity, r.benevolence)
        for r in TrustResponse.objects.all()
    }
    assert rows == {(x.pk, 6, 2, 5), (y.pk, 5, 5, 3)}
    assert PulseRespondent.objects.get(pk=sheet.pk).comment == "Les réunions commencent en retard."
    assert problems == []
    context.close()


def test_the_counter_counts_a_draft_put_back_and_each_tap(browser, live_server, world, sheet):
    """The progress line counted only what the server saved: after the device put a draft
    back it said "0 of 2" although one party was fully rated. It counts the form now."""
    url = live_server.url + reverse("pulse_answer", args=[pulse_links.token_for(sheet)])
    x, y = world.party_x, world.party_y
    context = browser.new_context(locale="en-US", viewport=PHONE)
    problems: list[str] = []
    with clock.frozen(DAY):
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(url)
        progress = page.locator(".pulse-progress")
        assert progress.inner_text() == "0 of 2 parties rated"
        for dimension in TRUST_DIMENSIONS:
            _tap(page, x, dimension, 5)
        _tap(page, y, "ability", 3)
        assert progress.inner_text() == "1 of 2 parties rated"
        page.close()  # nothing was saved on the server

        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(url)
        assert page.is_visible("[data-pulse-restored]")
        progress = page.locator(".pulse-progress")
        assert progress.inner_text() == "1 of 2 parties rated"
        assert page.locator(f"fieldset:has(input[name='{x.uuid}-ability'])").get_attribute(
            "class"
        ).split() == ["pulse-party", "done"]
        for dimension in TRUST_DIMENSIONS[1:]:
            _tap(page, y, dimension, 4)
        assert progress.inner_text() == "2 of 2 parties rated"
    assert not PulseRespondent.objects.get(pk=sheet.pk).draft
    assert problems == []
    context.close()
