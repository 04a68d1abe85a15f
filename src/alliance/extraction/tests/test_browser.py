"""In a real browser: a counsellor uploads the demo's concession text, reviews the
candidates, accepts some and finds them in the register, their clause linked to the
highlighted words; at 1440 and 390 px; every other role is kept out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from alliance.partnerships import services as ps
from alliance.partnerships.models import Commitment
from alliance.web.tests.test_browser import SCREENSHOTS, log_in
from alliance.web.tests.test_browser import pytestmark as browser_marks

pytestmark = browser_marks

DEMO_TEXT = (
    Path(__file__).resolve().parents[2] / "scenarios" / "fixtures" / ("concession_kribi_edea.txt")
)


@pytest.fixture
def concession(transactional_db: None, world: Any, settings: Any, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = tmp_path
    for name, short, kind, country in (
        ("Ministère des Transports", "MINT", "government", "CM"),
        ("Valmont Rail & Ports SA", "Valmont", "multinational", "FR"),
    ):
        party = ps.party_create(
            actor=world.admin, name=name, short_name=short, kind=kind, country=country
        )
        ps.participation_add(
            actor=world.owner, agreement=world.agreement, party=party, role="signatory"
        )
    return world


def test_a_counsellor_reads_the_text_and_accepts_candidates_into_the_register(
    page, live_server, concession
):
    world = concession
    log_in(page, live_server, world.counsellor)
    page.goto(live_server.url + reverse("agreement_commitments", args=[world.agreement.uuid]))
    page.get_by_role("link", name="From the agreement's text").click()
    page.set_input_files("#id_file", str(DEMO_TEXT))
    page.get_by_role("button", name="Read and propose commitments").click()
    page.wait_for_selector(".candidate-card")
    cards = page.locator(".candidate-card")
    assert cards.count() >= 12
    assert page.locator("mark.candidate .ev-rule").count() >= 12
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "extraction-review-1440.png"))

    first = page.locator(".candidate-card", has_text="garantie de bonne exécution")
    first.get_by_role("button", name="Accept", exact=True).click()
    page.get_by_text("Accepted into the register").first.wait_for()
    quarterly = page.locator(".candidate-card", has_text="rapport d'avancement")
    # No date in the text: the reviewer gives one, then accepts.
    quarterly.get_by_role("button", name="Accept", exact=True).click()
    page.get_by_text("Give a due date before accepting").first.wait_for()
    page.locator(".candidate-card", has_text="rapport d'avancement").get_by_role(
        "link", name="Edit"
    ).click()
    page.fill("#id_due_on", "2025-04-15")
    page.get_by_role("button", name="Save and accept").click()
    page.get_by_text("Accepted into the register").first.wait_for()

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "extraction-review-390.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the review scrolls sideways at 390 px ({width} px wide)"
    page.set_viewport_size({"width": 1440, "height": 900})

    page.goto(live_server.url + reverse("agreement_commitments", args=[world.agreement.uuid]))
    guarantee = Commitment.objects.get(agreement=world.agreement, clause="Article 4(1)")
    assert guarantee.owed_by.short_name == "Valmont"
    assert Commitment.objects.get(clause="Article 7(1)").recurrence == "quarterly"
    page.goto(live_server.url + reverse("commitment", args=[world.agreement.uuid, guarantee.uuid]))
    page.locator("a.text-source").click()
    target = page.locator("mark.candidate:target")
    target.wait_for()
    assert "garantie de bonne exécution" in target.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "extraction-source-link.png"))

    # The same review in French, at 1440 and 390 px.
    with page.expect_navigation():
        page.select_option("#language", "fr")
    page.goto(live_server.url + reverse("extraction", args=[world.agreement.uuid]))
    page.locator("table.data a").first.click()
    page.wait_for_selector(".candidate-card")
    assert "Engagements proposés" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "extraction-review-fr-1440.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "extraction-review-fr-390.png"))


def test_each_role_sees_the_review_only_if_in_the_team(page, live_server, concession):
    world = concession
    url = live_server.url + reverse("extraction", args=[world.agreement.uuid])
    for name in ("owner", "counsellor", "editor", "rep_x", "rep_y", "viewer", "outsider"):
        page.context.clear_cookies()
        log_in(page, live_server, getattr(world, name))
        status = page.goto(url).status
        expected = 200 if name in ("owner", "counsellor", "editor") else 404
        assert status == expected, name
        commitments = page.goto(
            live_server.url + reverse("agreement_commitments", args=[world.agreement.uuid])
        )
        if name in ("rep_x", "rep_y", "viewer"):
            assert commitments.status == 200
            assert page.get_by_role("link", name="From the agreement's text").count() == 0
