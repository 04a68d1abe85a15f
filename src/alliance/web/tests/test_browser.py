"""The cockpit in a real browser (Playwright driving Debian's Chromium): keyboard quick log,
language switch, discretion, and axe-core on every main page, with a screenshot of each."""

from __future__ import annotations

import json
import os
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alliance.testing import CHROMIUM, PASSWORD
from alliance.web.tests.data import INTERNAL_TEXT, add_cockpit_data

# Playwright's sync API runs an event loop in this thread; Django must allow ORM calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The ``browser`` and ``page`` fixtures live in ``alliance.testing``: one Chromium per test
# process, whichever app's browser tests run in it.
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(
    os.environ.get(
        "ALLIANCE_SCREENSHOTS", Path(__file__).parents[4] / "test-output" / "screenshots"
    )
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]


@pytest.fixture
def cockpit(transactional_db: None, world: Any) -> Any:
    world.data = add_cockpit_data(world)
    return world


def log_in(page: Any, live_server: Any, user: Any) -> None:
    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("inbox"))


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with the keyboard")


def test_log_in_and_quick_log_an_interaction_with_a_follow_up_from_the_keyboard(
    page, live_server, cockpit
):
    w = cockpit
    log_in(page, live_server, w.counsellor)
    page.goto(live_server.url + reverse("agreement_interactions", args=[w.agreement.uuid]))
    page.locator("#id_occurred_on").focus()
    tab_to(page, "#id_parties_0")  # "Lender Y"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # "Ministry X"
    page.keyboard.press("Space")
    tab_to(page, "#id_summary")
    page.keyboard.type("Call with the ministry: the permit file will be shared.")
    tab_to(page, "#id_follow_up-0-title")
    page.keyboard.type("Share the permit file")
    page.keyboard.press("Tab")
    page.keyboard.type("Mi")  # owed by Ministry X
    page.keyboard.press("Tab")
    page.keyboard.type("Le")  # owed to Lender Y
    page.keyboard.press("Tab")
    page.keyboard.type("12312030")  # due on, typed into the date field
    page.keyboard.press("Control+Enter")
    follow_up = page.get_by_role("link", name="Share the permit file")
    follow_up.wait_for()
    assert "1 follow-up commitment" in page.locator(".messages").inner_text()
    follow_up.click()
    page.wait_for_url("**/commitments/**")
    assert "Ministry X" in page.locator("#tab-panel").inner_text()
    assert "31 Dec. 2030" in page.content()  # one date format per language


def test_switching_to_french_translates_the_cockpit(page, live_server, cockpit):
    w = cockpit
    log_in(page, live_server, w.owner)
    page.goto(live_server.url + reverse("agreement", args=[w.agreement.uuid]))
    assert page.get_attribute("html", "lang") == "en"
    with page.expect_navigation():
        page.select_option("#language", "fr")
    assert page.get_attribute("html", "lang") == "fr"
    with translation.override("fr"):
        portfolio, overview = translation.gettext("Portfolio"), translation.gettext("Overview")
    nav = page.locator("nav.mainnav").inner_text() + page.locator("nav.tabs").inner_text()
    # Until the French catalogue is compiled, gettext returns the English words.
    assert portfolio in nav and overview in nav


def test_a_party_representative_never_sees_an_internal_note(page, live_server, cockpit):
    w = cockpit
    pages = [
        reverse("agreement_interactions", args=[w.agreement.uuid]),
        reverse("agreement", args=[w.agreement.uuid]),
        reverse("party", args=[w.party_x.uuid]),
    ]
    log_in(page, live_server, w.rep_x)
    for path in pages:
        page.goto(live_server.url + path)
        assert INTERNAL_TEXT not in page.content(), path
    page.context.clear_cookies()
    log_in(page, live_server, w.counsellor)
    page.goto(live_server.url + pages[0])
    assert INTERNAL_TEXT in page.content()


def main_pages(w: Any) -> dict[str, str]:
    a, d = w.agreement.uuid, w.data
    tabs = {
        "overview": "agreement",
        "parties": "agreement_parties",
        "commitments": "agreement_commitments",
        "interactions": "agreement_interactions",
        "expectations": "agreement_expectations",
        "trust": "agreement_trust",
        "risks": "agreement_risks",
        "local-integration": "agreement_local",
        "grievances": "agreement_grievances",
    }
    pages = {"portfolio": reverse("portfolio")}
    pages.update({slug: reverse(name, args=[a]) for slug, name in tabs.items()})
    pages.update(
        {
            "commitment": reverse("commitment", args=[a, d.commitment_x.uuid]),
            "expectation-cell": reverse("expectation_cell", args=[a, d.topic.uuid, w.party_x.uuid]),
            "party": reverse("party", args=[w.party_x.uuid]),
            "before-you-meet": reverse("party_brief", args=[a, w.party_x.uuid]),
            "search": reverse("search") + "?q=permit",
            "commitment-form": reverse("entity_edit", args=[a, "commitments", d.commitment_x.uuid]),
        }
    )
    return pages


def axe_violations(page: Any) -> list[dict]:
    # Evaluated through the browser's debugging protocol: the page's Content-Security-Policy
    # (scripts from this site with a nonce only) rightly refuses an injected inline script.
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_axe_finds_no_serious_violation_on_the_main_pages(page, live_server, cockpit):
    w = cockpit
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(live_server.url + reverse("account_login"))
    found = {"login": axe_violations(page)}
    page.screenshot(path=str(SCREENSHOTS / "login.png"), full_page=True)
    log_in(page, live_server, w.owner)
    for name, path in main_pages(w).items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        found[name] = axe_violations(page)
    problems = {
        name: [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
        for name, violations in found.items()
        if violations
    }
    assert not problems, json.dumps(problems, indent=1)


def test_tabs_load_as_partials_and_keep_their_own_url(page, live_server, cockpit):
    w = cockpit
    log_in(page, live_server, w.viewer)
    page.goto(live_server.url + reverse("agreement", args=[w.agreement.uuid]))
    page.get_by_role("link", name="Risks & regulation").click()
    page.wait_for_url("**/risks/")
    page.locator("#tab-heading", has_text="Risks & regulation").wait_for()
    # Focus moves once htmx has settled the swap, a moment after the heading appears.
    page.wait_for_function("document.activeElement?.id === 'tab-heading'", timeout=5000)
    assert page.title().startswith("Risks & regulation")
    page.go_back()
    page.wait_for_url(live_server.url + reverse("agreement", args=[w.agreement.uuid]))
    page.locator(".kpis").wait_for()


def test_delivering_late_moves_the_trust_figure_and_its_why(page, live_server, cockpit):
    from alliance.analytics.services import insights_recompute
    from alliance.partnerships import services as ps

    w = cockpit
    today = timezone.localdate()
    office = ps.commitment_create(
        actor=w.owner,
        agreement=w.agreement,
        owed_by=w.party_x,
        owed_to=[w.party_y],
        title="Open the site office",
        category="technical",
        start_on=today - timedelta(days=80),
        due_on=today - timedelta(days=40),
        duration_optimistic=10,
        duration_likely=20,
        duration_pessimistic=30,
        created_at=timezone.now() - timedelta(days=90),
    )
    insights_recompute(actor=None, agreement=w.agreement)
    trust_url = live_server.url + reverse("agreement_trust", args=[w.agreement.uuid])
    cell = f'table.trust-index a[href*="truster={w.party_y.uuid}&trustee={w.party_x.uuid}"]'

    log_in(page, live_server, w.rep_x)  # the owing party's representative delivers
    page.goto(trust_url)
    before = page.locator(cell).locator(".cell-value").inner_text()
    page.goto(live_server.url + reverse("commitment", args=[w.agreement.uuid, office.uuid]))
    page.select_option("#id_status", "delivered")
    page.fill("#id_on", (today - timedelta(days=30)).isoformat())
    page.fill("#id_evidence", "Lease signed and keys handed over")
    page.get_by_role("button", name="Change status").click()
    page.locator(".messages", has_text="Status changed").wait_for()

    page.context.clear_cookies()
    log_in(page, live_server, w.counsellor)
    page.goto(live_server.url + reverse("agreement", args=[w.agreement.uuid]))
    page.get_by_role("button", name="Recompute the insights now").click()
    page.locator(".messages", has_text="recomputed").wait_for()
    page.goto(trust_url)
    after = page.locator(cell).locator(".cell-value").inner_text()
    assert after != before
    page.locator(cell).click()
    why = page.locator("#why .why")
    why.wait_for()
    assert "Open the site office delivered" in why.inner_text()
    assert "late" in why.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "trust-why.png"), full_page=True)


def test_a_recompute_that_would_lower_the_stage_asks_the_team_first(page, live_server, cockpit):
    from alliance.analytics.services import insights_recompute
    from alliance.partnerships.services import agreement_update

    w = cockpit
    insights_recompute(actor=None, agreement=w.agreement)  # the first assessment
    agreement_update(actor=w.owner, agreement=w.agreement, stage="alliance")
    insights_recompute(actor=None, agreement=w.agreement)  # the data say lower: proposed only
    w.agreement.refresh_from_db()
    assert w.agreement.stage == "alliance"

    log_in(page, live_server, w.counsellor)
    page.goto(live_server.url + reverse("agreement", args=[w.agreement.uuid]))
    box = page.locator(".stage-pending")
    assert "Proposed: back from Alliance to" in box.inner_text()
    assert "No longer met" in box.inner_text()
    assert page.locator('.stage-path [aria-current="step"]').inner_text() == "Alliance"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "stage-pending-en.png"), full_page=True)
    box.get_by_role("button", name="Keep the recorded stage").click()
    page.wait_for_load_state()
    assert "The recorded stage stays Alliance." in page.content()
    assert page.locator(".stage-pending").count() == 0
    w.agreement.refresh_from_db()
    assert w.agreement.stage == "alliance"
