"""The demo on a phone (390 px) and on a desk (1440 px), in a real browser: no page is wider
than the screen (wide tables and matrices scroll inside their card), and on a phone the header
and the tabs take at most a fifth of the first screen. The quick log lists only the people of
the parties ticked."""

from __future__ import annotations

import io
import os
import shutil
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from alliance.partnerships.models import Agreement, Commitment, Party
from alliance.scenarios.demo import DEMO_PASSWORD
from alliance.scenarios.demo_accounts import current_code
from alliance.testing import CHROMIUM
from alliance.web.tests.test_browser import log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}

# What overflows the page, if anything: elements past the right edge that no scrolling box
# of their own holds (a table inside its scrolling card is fine; the page itself is not).
OVERFLOW = """() => {
  const held = el => { for (let x = el.parentElement; x; x = x.parentElement) {
    if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(x).overflowX)) return true; }
    return false; };
  const out = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > innerWidth + 1 && !held(el))
    .slice(0, 3).map(el => el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0]);
  return {scroll: document.documentElement.scrollWidth, width: innerWidth, culprits: out};
}"""

HEADER = """() => {
  const height = s => {
    const el = document.querySelector(s);
    return el ? el.getBoundingClientRect().height : 0;
  };
  return {topbar: height('.topbar'), tabs: height('nav.tabs'), screen: innerHeight};
}"""


def demo_pages(role: str) -> dict[str, str]:
    concession = Agreement.objects.get(reference="CONC-CM-2024-017")
    a = concession.uuid
    late = Commitment.objects.filter(agreement=concession, status="late").first()
    tabs = {
        "overview": "agreement",
        "parties": "agreement_parties",
        "commitments": "agreement_commitments",
        "interactions": "agreement_interactions",
        "expectations": "agreement_expectations",
        "trust": "agreement_trust",
        "risks": "agreement_risks",
        "local": "agreement_local",
        "grievances": "agreement_grievances",
    }
    pages = {"portfolio": reverse("portfolio")}
    pages.update({name: reverse(url, args=[a]) for name, url in tabs.items()})
    pages["commitment"] = reverse("commitment", args=[a, late.uuid])
    pages["party"] = reverse("party", args=[Party.objects.get(short_name="MINT").uuid])
    pages["export"] = reverse("interchange:export", args=[a])
    pages["calendar"] = reverse("interchange:calendar", args=[a])
    if role != "viewer":
        pages["pulse form"] = reverse("entity_create", args=[a, "responses"])
    if role == "counsellor":
        pages["quick log"] = reverse("agreement_interactions", args=[a]) + "#quick-log"
        pages["import"] = reverse("interchange:import") + f"?agreement={a}"
    return pages


def log_in_demo(page: Any, live_server: Any, username: str) -> None:
    """The demo's login: password, then the authenticator's code for the counsellor team."""
    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_login", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_load_state()
    if page.locator("#id_code").count():
        user = get_user_model().objects.get(username=username)
        page.fill("#id_code", current_code(user))
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    trust = page.get_by_role("button", name="Don't Trust")
    if trust.count():
        trust.click()
    # The landing page after login. Polled rather than awaited as a navigation: the redirect
    # may already have ended, and waiting for a "load" that came before raced it.
    from playwright.sync_api import expect

    expect(page).to_have_url(live_server.url + reverse("inbox"), timeout=30_000)


@pytest.fixture
def demo(transactional_db: None) -> None:
    call_command("demo_load", stdout=io.StringIO())


def test_no_demo_page_is_wider_than_a_phone_or_a_desk(browser, live_server, demo):
    users = {"counsellor": "samuel", "rep": "paul", "viewer": "elise"}
    too_wide, too_tall = [], []
    for role, username in users.items():
        pages = demo_pages(role)
        # One login per role, its session reused for both viewports: a second login within the
        # same 30 s would offer the same authenticator code, which allauth refuses as replayed.
        session = None
        for viewport in (PHONE, DESK):
            context = browser.new_context(locale="en-US", viewport=viewport, storage_state=session)
            page = context.new_page()
            page.set_default_timeout(30_000)
            if session is None:
                log_in_demo(page, live_server, username)
                session = context.storage_state()
            for name, path in pages.items():
                response = page.goto(live_server.url + path)
                assert response.status == 200, (role, name, response.status)
                page.wait_for_load_state("networkidle")  # charts drawn
                found = page.evaluate(OVERFLOW)
                if found["scroll"] > found["width"]:
                    too_wide.append((role, viewport["width"], name, found))
                if viewport is PHONE and page.locator("nav.tabs").count():
                    head = page.evaluate(HEADER)
                    if head["topbar"] + head["tabs"] > head["screen"] / 5:
                        too_tall.append((role, name, head))
            context.close()
    assert not too_wide, too_wide
    assert not too_tall, too_tall


def test_the_quick_log_lists_the_people_of_the_parties_ticked(page, live_server, cockpit):
    w = cockpit
    page.set_viewport_size(PHONE)
    log_in(page, live_server, w.counsellor)
    page.goto(live_server.url + reverse("agreement_interactions", args=[w.agreement.uuid]))
    awa = page.get_by_label("Awa Diop (Ministry X)")
    jean = page.get_by_label("Jean Martin (Lender Y)")
    assert awa.is_visible() and jean.is_visible()  # no party ticked yet: everyone
    page.get_by_label("Ministry X", exact=True).check()
    assert awa.is_visible() and not jean.is_visible()
    awa.check()
    page.get_by_label("Lender Y", exact=True).check()
    page.get_by_label("Ministry X", exact=True).uncheck()
    assert jean.is_visible()
    assert awa.is_visible()  # ticked people stay in sight
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def cockpit(transactional_db: None, world: Any) -> Any:
    from alliance.web.tests.data import add_cockpit_data

    world.data = add_cockpit_data(world)
    return world
