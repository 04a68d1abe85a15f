"""A pulse round's page on a phone (390 px) and on a desk (1440 px), in English and French, in
a real browser: on a phone each respondent is a card whose values keep their column's name,
and the answers are on the screen (they were in a column off to the right, behind a
sideways scroll). Screenshots go to test-output/screenshots (docs/screenshots when
``ALLIANCE_DOC_SCREENSHOTS`` is set)."""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from alliance.core import clock
from alliance.engagement import services as es
from alliance.engagement.choices import TRUST_DIMENSIONS
from alliance.partnerships import services as ps
from alliance.testing import CHROMIUM

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]
DAY = date(2026, 11, 20)
ROOT = Path(__file__).parents[4]
SHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("ALLIANCE_DOC_SCREENSHOTS")
    else ROOT / "test-output" / "screenshots"
)

# Each cell of the table: its right edge, and whether it is inside the screen.
CELLS = """() => [...document.querySelectorAll('table.round-table tbody td.answers')].map(td => {
  const box = td.getBoundingClientRect();
  return {text: td.innerText, left: box.left, right: box.right, width: innerWidth,
          label: getComputedStyle(td, '::before').content};
})"""
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, innerWidth]"
WRAP_SCROLLS = """() => { const w = document.querySelector('.table-wrap:has(> table.round-table)');
  return w.scrollWidth - w.clientWidth; }"""


@pytest.fixture
def round_page(transactional_db, world):
    """A round of four people of both parties, two of whom answered (one with a comment)."""
    w = world
    with clock.frozen(DAY):
        people = [w.person_x, w.person_y]
        for person, address in zip(people, ("awa@x.example", "jean@y.example"), strict=True):
            ps.person_update(actor=w.admin, person=person, email=address)
        people += [
            ps.person_create(
                actor=w.admin, party=w.party_x, name="Mariama Ndiaye-Sow", email="m@x.example"
            ),
            ps.person_create(
                actor=w.admin,
                party=w.party_y,
                name="Jean-Christophe Delacroix",
                email="j@y.example",
            ),
        ]
        pulse = es.pulse_round_open(
            actor=w.counsellor,
            agreement=w.agreement,
            title="Pulse of November",
            opens_on=DAY - timedelta(days=3),
            closes_on=DAY + timedelta(days=10),
            respondents=[{"person": p, "language": "fr"} for p in people],
        )
        for sheet, comment in zip(
            pulse.respondents.filter(person__in=people[:2]).order_by("person__name"),
            ("Les réunions commencent en retard.", ""),
            strict=True,
        ):
            ratings = {
                str(p.uuid): dict.fromkeys(TRUST_DIMENSIONS, 5) for p in sheet.about_parties.all()
            }
            es.pulse_answers_submit(
                sheet=sheet, ratings=ratings, comment=comment, comment_confidentiality="shared"
            )
    return reverse("pulse_round", args=[w.agreement.uuid, pulse.uuid])


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_the_rounds_answers_are_on_the_screen_of_a_phone(
    browser, live_server, world, round_page, locale
):
    client = Client()
    client.force_login(world.counsellor)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    language = locale[:2]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1440, 900)):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        page = context.new_page()
        with clock.frozen(DAY):
            page.goto(live_server.url + round_page)
            assert page.locator("html").get_attribute("lang") == language
            cells = page.evaluate(CELLS)
            page.screenshot(path=str(SHOTS / f"pulse-round-{width}-{language}.png"), full_page=True)
        assert len(cells) == 4
        answered = [c for c in cells if "Ministry X" in c["text"]]
        assert len(answered) == 2, cells
        for cell in cells:
            assert cell["left"] >= 0 and cell["right"] <= width, (width, cell)
        scroll, inner = page.evaluate(PAGE_WIDTH)
        assert scroll <= inner, (width, scroll)
        if width == 390:
            # A card: no sideways scroll; each value says which column it is.
            assert page.evaluate(WRAP_SCROLLS) == 0
            heading = "Answers" if language == "en" else "Réponses"
            assert all(heading in c["label"] for c in cells), cells
        else:
            # A table on a desk: the column headings are shown, the labels are not.
            assert page.locator("table.round-table thead").is_visible()
            assert all(c["label"] in ("none", "normal") for c in cells), cells
        context.close()
