"""Issue 12's done-when walk on the demo, in a real browser (Playwright driving Debian's
Chromium), as a new user would: a counsellor invites a new representative, who accepts, answers
the open pulse round through its personal link on a 390 px phone, and confirms a delivery; the
trust figures of that pair change and the trust "why?" shows the confirmed delivery and the
pulse. Screenshots of the pulse form at 390 px in English and French go to docs/screenshots
when ``ALLIANCE_DOC_SCREENSHOTS`` is set."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alliance.analytics.models import InsightSnapshot
from alliance.analytics.services import insights_recompute
from alliance.core import clock
from alliance.engagement import pulse_links
from alliance.engagement.models import PulseRespondent, TrustResponse
from alliance.notifications import jobs
from alliance.notifications.outbox import deliver_due
from alliance.partnerships.models import Agreement, DeliveryConfirmation
from alliance.scenarios.demo import TODAY
from alliance.testing import CHROMIUM

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]
STRONG = "kribi rail ledger 7Tq!m"
PHONE = {"width": 390, "height": 844}
DOCS = Path(__file__).parents[4] / "docs" / "screenshots"


@pytest.fixture
def demo(transactional_db: None) -> Any:
    with clock.frozen(TODAY):
        call_command("demo_load", stdout=io.StringIO())
        yield


def _signed_in(browser: Any, live_server: Any, username: str, **options: Any) -> Any:
    """A browser context holding ``username``'s session (the team's second factor is tested
    with the accounts: logging in once here, without a code to reuse within 30 s)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    context = browser.new_context(locale="en-US", **options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return context


def _walk_subject(concession: Agreement) -> tuple[PulseRespondent, DeliveryConfirmation]:
    """A respondent of the open round with no account yet whose party waits to confirm a
    delivery: the demo's new representative."""
    pending = DeliveryConfirmation.objects.filter(
        commitment__agreement=concession, status="pending"
    ).select_related("commitment", "party")
    sheets = PulseRespondent.objects.filter(
        pulse__agreement=concession, submitted_at=None, person__user=None
    ).select_related("person__party", "pulse")
    for sheet in sheets.order_by("person__name"):
        for confirmation in pending:
            if confirmation.party_id == sheet.person.party_id:
                return sheet, confirmation
    raise AssertionError("the demo has no respondent without account whose party must confirm")


def _pair_index(concession: Agreement, truster: Any, trustee: Any) -> float:
    snapshot = InsightSnapshot.objects.filter(agreement=concession, kind="trust").latest("as_of")
    for pair in snapshot.data["pairs"]:
        if pair["truster"]["uuid"] == str(truster.uuid) and pair["trustee"]["uuid"] == str(
            trustee.uuid
        ):
            return pair["index"]
    raise AssertionError("pair not in the trust snapshot")


def _answer_every_line(page: Any, choice: int) -> int:
    names = page.eval_on_selector_all(
        ".segmented input[type=radio]", "inputs => [...new Set(inputs.map(i => i.name))]"
    )
    for name in names:
        page.click(f"label[for='{name}-{choice}']")
    return len(names)


def test_done_when_walk_on_the_demo(browser, live_server, demo, settings):
    settings.SITE_URL = live_server.url
    with clock.frozen(TODAY):
        concession = Agreement.objects.get(reference="CONC-CM-2024-017")
        sheet, confirmation = _walk_subject(concession)
        person, party = sheet.person, sheet.person.party
        owing = confirmation.commitment.owed_by
        before = _pair_index(concession, party, owing)

        # 1. The counsellor invites the person as their party's representative.
        desk = {"width": 1280, "height": 900}
        counsellor = _signed_in(browser, live_server, "samuel", viewport=desk)
        page = counsellor.new_page()
        page.set_default_timeout(30_000)
        page.goto(live_server.url + reverse("agreement_members", args=[concession.uuid]))
        invite = page.locator("form:has(input[name=action][value=invite])")
        invite.locator("[name=email]").fill(person.email)
        invite.locator("[name=name]").fill(person.name)
        if invite.locator("select[name=role]").count():
            invite.locator("select[name=role]").select_option("party_rep")
        invite.locator("select[name=party]").select_option(str(party.pk))
        invite.locator("select[name=language]").select_option("en")
        invite.get_by_role("button", name="Send the invitation").click()
        page.wait_for_load_state()
        invitation = next(m for m in mail.outbox if m.to == [person.email])
        accept = re.search(r"(http://\S+/invitations/\S+/)", invitation.body).group(1)

        # 2. The invitee accepts on a phone and lands on their inbox.
        phone = browser.new_context(locale="en-US", viewport=PHONE, is_mobile=True)
        mobile = phone.new_page()
        mobile.set_default_timeout(30_000)
        mobile.goto(accept)
        mobile.fill("#id_username", "newrep")
        mobile.select_option("#id_language", "en")
        mobile.fill("#id_password1", STRONG)
        mobile.fill("#id_password2", STRONG)
        mobile.locator("main form button[type=submit]").click()
        mobile.wait_for_url(live_server.url + reverse("inbox"))

        # 3. The pulse invitation (written by the scheduler's job) brings the personal link.
        jobs.pulse_mail(TODAY)
        deliver_due()
        pulse_mail = next(m for m in mail.outbox if m.to == [person.email] and "/pulse/" in m.body)
        link = re.search(r"(http://\S+/pulse/[0-9a-f]{64}/)", pulse_mail.body).group(1)
        assert link.endswith(pulse_links.token_for(sheet) + "/")
        # The respondent's language is French (the first they speak): read it in English.
        mobile.goto(link + "?lang=en")
        overflow = mobile.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the pulse form is {overflow}px wider than the phone"
        # Half the first party, saved, survives a reload.
        first = mobile.locator("fieldset.pulse-party").first
        first.locator("label[for$='-ability-6']").click()
        first.get_by_role("button", name="Save and continue").click()
        mobile.wait_for_load_state()
        mobile.reload()
        assert (
            mobile.locator("fieldset.pulse-party")
            .first.locator("input[id$='-ability-6']")
            .is_checked()
        )
        lines = _answer_every_line(mobile, 6)
        mobile.fill("#pulse-comment", "The tariff decree came as promised.")
        mobile.get_by_role("button", name="Send my answers").click()
        mobile.wait_for_selector("#thanks-title")
        answers = TrustResponse.objects.filter(pulse=sheet.pulse, respondent=person)
        assert answers.count() * 5 == lines
        mobile.goto(link)
        assert "already sent" in mobile.content()

        # 4. The new representative confirms the delivery owed to their party.
        c = confirmation.commitment
        mobile.goto(
            live_server.url
            + reverse("delivery_answer", args=[concession.uuid, c.uuid, confirmation.uuid])
        )
        mobile.check("input[name=answer][value=confirm]")
        mobile.get_by_role("button", name="Send the answer").click()
        mobile.wait_for_load_state()
        confirmation.refresh_from_db()
        assert confirmation.status == "confirmed"
        assert confirmation.answered_by.username == "newrep"

        # 5. The figures of the pair move, and "why?" shows the delivery and the pulse.
        insights_recompute(actor=None, agreement=concession, as_of=TODAY)
        after = _pair_index(concession, party, owing)
        assert after != before
        why = (
            reverse("trust_why", args=[concession.uuid])
            + f"?truster={party.uuid}&trustee={owing.uuid}"
        )
        page.goto(live_server.url + why)
        text = page.locator("section.why").inner_text()
        assert c.localized("title", "en") in text or c.title in text
        assert "confirmed by the party owed" in text
        assert sheet.pulse.localized("title", "en") in text or sheet.pulse.title in text
        phone.close()
        counsellor.close()

        # Paul's form (still waiting) in English and in French.
        for language in ("en", "fr"):
            _check_phone_form(browser, live_server, language)


def _check_phone_form(browser: Any, live_server: Any, language: str) -> None:
    """Paul's link on a 390 px phone: fits the screen, 44 px targets, the chosen language;
    a tap on a number chooses it (a label for a radio button: no JavaScript needed)."""
    sheet = PulseRespondent.objects.get(person__user__username="paul", submitted_at=None)
    context = browser.new_context(locale=f"{language}-XX", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    url = live_server.url + reverse("pulse_answer", args=[pulse_links.token_for(sheet)])
    page.goto(url + f"?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    box = page.locator(".segmented label").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 40
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    if os.environ.get("ALLIANCE_DOC_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"pulse-form-390-{language}.png"), full_page=False)
    page.locator(".segmented label").nth(4).click()
    assert page.locator(".segmented input").nth(4).is_checked()
    context.close()
