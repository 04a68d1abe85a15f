"""The demo in a real browser (Playwright driving Debian's Chromium) as a counsellor, a party
representative and a viewer, on a desk (1440 px) and on a phone (390 px): no page is wider
than the screen, the portfolio's first row is the agreement that needs most attention, and
the inbox lists what each role is expected to see and nothing it may not see."""

from __future__ import annotations

import io
import os
import shutil
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alliance.accounts import policy
from alliance.attention import counts as attention
from alliance.attention import selectors
from alliance.core import clock
from alliance.partnerships.models import Agreement
from alliance.risks.models import EarlyWarning
from alliance.scenarios.demo import TODAY
from alliance.testing import CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django must allow ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]

READERS = {"counsellor": "samuel", "representative": "paul", "viewer": "elise"}
VIEWPORTS = {"desk": (1440, 900), "phone": (390, 844)}


@pytest.fixture
def demo(transactional_db: None) -> Any:
    """The demo on its own day, for the test and for the live server's thread alike."""
    with clock.frozen(TODAY):
        call_command("demo_load", stdout=io.StringIO())
        yield


def _sign_in(context: Any, live_server: Any, user: Any) -> None:
    """The session of a signed-in user, set as the browser's cookie (the team's second factor
    is tested with the accounts; here the pages are)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def _overflow(page: Any) -> int:
    """How many pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"
    )


def _pages(concession: Agreement) -> dict[str, str]:
    a = concession.uuid
    return {
        "inbox": reverse("inbox"),
        "portfolio": reverse("portfolio"),
        "overview": reverse("agreement", args=[a]),
        "commitments": reverse("agreement_commitments", args=[a]),
        "trust": reverse("agreement_trust", args=[a]),
    }


def _neediest(user: Any) -> str:
    """The title of the agreement the attention counts put first for ``user``."""
    rows = attention.with_attention(policy.agreements_visible_to(user), user, TODAY)
    return rows.order_by(*attention.NEED_ORDER).first().localized("title")


def _check_inbox(role: str, user: Any, page: Any) -> list[str]:
    """The inbox page lists exactly the selector's items for ``user``, and only what the role
    may see. Returns the problems found."""
    problems = []
    shown = page.eval_on_selector_all(
        "li.inbox-item", "items => items.map(i => [i.dataset.key, i.dataset.kind])"
    )
    expected = [i.key for i in selectors.inbox(user, TODAY).items]
    if [k for k, _kind in shown] != expected:
        problems.append(f"{role}: inbox shows {len(shown)} items, expected {len(expected)}")
    if not shown:
        problems.append(f"{role}: the demo gives an empty inbox")
    kinds = {kind for _k, kind in shown}
    items = selectors.inbox(user, TODAY).items
    if role == "representative":
        stray = [i.key for i in items if i.concern not in ("owes", "owed", "asked")]
        if stray or "grievance" in kinds:
            problems.append(f"{role}: items not about their party: {stray[:3]}")
        if not kinds & {"overdue", "at-risk"}:
            problems.append(f"{role}: no commitment of their party in the inbox")
    asked = "pulse" in kinds or page.locator('select[name="assignee"]').count()
    if role == "viewer" and asked:
        problems.append(f"{role}: a viewer is asked to act")
    if role in ("viewer", "representative"):
        uuids = [i.subject for i in items if i.kind == "warning"]
        hidden = EarlyWarning.objects.filter(uuid__in=uuids).exclude(confidentiality="shared")
        if hidden.exists():
            problems.append(f"{role}: internal warnings in the inbox")
    if role == "counsellor" and not kinds >= {"overdue", "grievance"}:
        problems.append(f"{role}: overdue commitments and grievances missing: {kinds}")
    return problems


def _check_first_screen(role: str, screen: str, page: Any, first: Any, height: int) -> list:
    """On a phone the filters fold behind "Filters" and the agreement that needs most
    attention is on the first screen, whole; on a desk the filters are shown as they are."""
    problems = []
    search = page.locator("form.filters input[name=q]")
    summary = page.locator("details.filter-disclosure > summary")
    if screen == "phone":
        if search.is_visible():
            problems.append(f"{role} phone: the portfolio's filters are unfolded")
        box = first.bounding_box()
        if box is None or box["y"] + box["height"] > height:
            problems.append(f"{role} phone: the neediest agreement is below the fold: {box}")
        summary.click()
        if not search.is_visible():
            problems.append(f"{role} phone: 'Filters' does not unfold the filters")
    elif not search.is_visible() or summary.is_visible():
        problems.append(f"{role} desk: the filters are not shown as a bar")
    return problems


def test_the_demo_fits_every_screen_and_puts_what_needs_attention_first(browser, live_server, demo):
    concession = Agreement.objects.get(reference="CONC-CM-2024-017")
    pages = _pages(concession)
    problems: list[str] = []
    for role, username in READERS.items():
        user = get_user_model().objects.get(username=username)
        for screen, (width, height) in VIEWPORTS.items():
            context = browser.new_context(
                locale="en-US", viewport={"width": width, "height": height}
            )
            page = context.new_page()
            page.set_default_timeout(30_000)
            _sign_in(context, live_server, user)
            for name, path in pages.items():
                response = page.goto(live_server.url + path)
                page.wait_for_load_state("load")
                if response is None or response.status != 200:
                    problems.append(f"{role} {screen} {name}: {response and response.status}")
                    continue
                wider = _overflow(page)
                if wider > 0:
                    problems.append(f"{role} {screen} {name}: {wider} px wider than the screen")
                if name == "portfolio":
                    first = page.locator("table.portfolio tbody tr").first.locator("th a")
                    if first.inner_text().strip() != _neediest(user):
                        problems.append(f"{role} {screen}: first row {first.inner_text()!r}")
                    problems += _check_first_screen(role, screen, page, first, height)
                if name == "inbox" and screen == "desk":
                    problems += _check_inbox(role, user, page)
            context.close()
    assert not problems, "\n".join(problems)


def test_a_representative_logs_in_to_the_inbox(page, live_server, demo):
    """Paul (the ministry's representative, no second factor) lands on "My week"."""
    from alliance.scenarios.demo import DEMO_PASSWORD

    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_login", "paul")
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("inbox"))
    assert page.locator("nav.mainnav a").first.inner_text() == "My week"
    assert page.locator("li.inbox-item").count() > 0
