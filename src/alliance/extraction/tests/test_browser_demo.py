"""The done-when walk on the demo itself, in a real browser: the demo's counsellor uploads
the concession's signed text on the concession, reviews the candidates, accepts some, and
finds them in the register with their clause linked to the highlighted words; then each
other role of the demo finds no candidate, no review and no link to the words — a party
representative never sees the team's internal reading."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alliance.extraction.models import Candidate, ExtractionRun
from alliance.partnerships.models import Agreement, Commitment
from alliance.web.tests.test_browser import SCREENSHOTS
from alliance.web.tests.test_browser import pytestmark as browser_marks

pytestmark = browser_marks

DEMO_TEXT = (
    Path(__file__).resolve().parents[2] / "scenarios" / "fixtures" / "concession_kribi_edea.txt"
)
CONCESSION = "CONC-CM-2024-017"


@pytest.fixture
def demo(transactional_db: None, settings: Any, tmp_path: Path) -> Agreement:
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_load", stdout=io.StringIO())
    return Agreement.objects.get(reference=CONCESSION)


def sign_in(page: Any, live_server: Any, username: str) -> None:
    """A session of the demo's user in the browser (the sign-in form and its second factor
    are walked in the accounts' own browser tests)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )
    page.goto(live_server.url + reverse("inbox"))
    assert page.url.endswith(reverse("inbox")), page.url


def test_on_the_demo_the_counsellor_reads_the_text_and_no_other_role_sees_the_reading(
    page, live_server, demo
):
    concession = demo
    commitments_url = live_server.url + reverse("agreement_commitments", args=[concession.uuid])
    before = Commitment.objects.filter(agreement=concession).count()

    sign_in(page, live_server, "samuel")  # the demo's counsellor
    page.goto(commitments_url)
    page.get_by_role("link", name="From the agreement's text").click()
    page.set_input_files("#id_file", str(DEMO_TEXT))
    page.get_by_role("button", name="Read and propose commitments").click()
    page.wait_for_selector(".candidate-card")
    assert page.locator(".candidate-card").count() >= 12
    assert page.locator("mark.candidate .ev-rule").count() >= 12
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "extraction-demo-review.png"))

    # The guarantee is owed by the concessionaire, a party of the demo's concession.
    card = page.locator(".candidate-card", has_text="garantie de bonne exécution")
    card.get_by_role("button", name="Accept", exact=True).click()
    page.get_by_text("Accepted into the register").first.wait_for()
    run = ExtractionRun.objects.get(agreement=concession)
    accepted = Candidate.objects.filter(run=run, status="accepted")
    assert accepted.count() == 1
    guarantee = accepted.get().commitments.get()
    assert guarantee.clause == "Article 4(1)"
    assert guarantee.owed_by.short_name.startswith("Valmont")
    assert Commitment.objects.filter(agreement=concession).count() == before + 1

    # In the register, then to the words that created it.
    page.goto(commitments_url)
    page.get_by_role("link", name=guarantee.title[:40]).first.click()
    page.locator("a.text-source").click()
    target = page.locator("mark.candidate:target")
    target.wait_for()
    assert "garantie de bonne exécution" in target.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "extraction-demo-source.png"))

    review = live_server.url + reverse("extraction_run", args=[concession.uuid, run.uuid])
    candidate = run.candidates.exclude(status="accepted").first()
    one = live_server.url + reverse("extraction_candidate", args=[concession.uuid, candidate.uuid])
    commitment = live_server.url + reverse("commitment", args=[concession.uuid, guarantee.uuid])
    # The representative of the party that owes it (Julien, Valmont), the ministry's (Paul),
    # the lender's (Anna), the decision maker who only views (Élise).
    for username in ("julien", "paul", "anna", "elise"):
        sign_in(page, live_server, username)
        for url in (review, one, live_server.url + reverse("extraction", args=[concession.uuid])):
            assert page.goto(url).status == 404, (username, url)
        assert page.goto(commitments_url).status == 200
        assert page.get_by_role("link", name="From the agreement's text").count() == 0, username
        assert page.goto(commitment).status == 200, username
        html = page.content()
        assert page.locator("a.text-source").count() == 0, username
        assert page.locator("mark.candidate").count() == 0, username
        assert "#src-" not in html and candidate.sentence[:60] not in html, username
