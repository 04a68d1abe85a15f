"""The agreement brief: its figures agree with the pages, it holds only what the reader may
see and says so on every page, and its PDF is at most two A4 pages with ink on each."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from alliance.briefings import rendering
from alliance.briefings.selectors import agreement_brief
from alliance.briefings.tests import pdf_pages
from alliance.core import clock
from alliance.web import selectors as web_selectors
from alliance.web.tests.data import INTERNAL_TEXT, RESTRICTED_TEXT

OUTSIDE_TEAM = ("rep_x", "rep_y", "viewer")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_counts_equal_the_overview_for_every_reader(world, computed):
    today = clock.today()
    for name in ("owner", "counsellor", "rep_x", "rep_y", "viewer"):
        user = getattr(world, name)
        brief = agreement_brief(user, world.agreement, today)
        page = _client(user).get(reverse("agreement", args=[world.agreement.uuid]))
        counts = page.context["counts"]
        assert brief.counts.overdue == counts.overdue == 1, name
        assert brief.counts.overdue_grievances == counts.overdue_grievances == 1, name
        assert brief.counts.open_warnings == len(page.context["warnings"]), name


def test_the_brief_reads_the_agreement_s_counts_once(world, computed, monkeypatch):
    """The asks ("see that the grievance ... is answered") use the brief's counts: they were
    read a second time (three queries, a tenth of the page's CPU)."""
    calls = []
    counts = web_selectors.agreement_counts

    def counting(*args, **kwargs):
        calls.append(args)
        return counts(*args, **kwargs)

    monkeypatch.setattr(web_selectors, "agreement_counts", counting)
    brief = agreement_brief(world.counsellor, world.agreement, clock.today())
    assert len(calls) == 1
    assert brief.counts.overdue_grievances == 1
    assert any("grievance past its response date" in ask.text for ask in brief.asks)


def test_ratings_compare_the_current_snapshot_with_one_at_least_four_weeks_older(world, computed):
    brief = agreement_brief(world.owner, world.agreement, clock.today())
    assert [r.name for r in brief.ratings] == ["progress", "implementation", "risk"]
    assert brief.as_of == clock.today()
    assert brief.trust is not None and brief.trust.previous_as_of is not None
    assert (brief.as_of - brief.trust.previous_as_of).days == 60
    progress = brief.ratings[0]
    assert progress.current is not None and progress.evidence
    risk = brief.ratings[2]
    # The register holds one open high risk: one step lower, unless the forecast is worse.
    assert risk.rating.facts["register"] == "substantial"
    assert risk.current in ("substantial", "high")


def test_without_snapshots_the_brief_rates_nothing_and_says_so(world, data):
    brief = agreement_brief(world.owner, world.agreement, clock.today())
    progress, implementation, risk = brief.ratings
    assert progress.current is None and implementation.current is None
    # The risk register needs no computation: one open high risk, one step lower.
    assert risk.current == "substantial" and risk.rating.facts["forecast"] is None
    assert brief.as_of is None
    assert brief.notes, "the brief says that no insight is computed yet"


def test_team_brief_is_marked_internal_when_it_shows_an_internal_warning(world, computed):
    brief = agreement_brief(world.owner, world.agreement, clock.today())
    assert any(INTERNAL_TEXT in w.title for w in brief.warnings)
    assert brief.marking == "internal"


@pytest.mark.parametrize("actor", OUTSIDE_TEAM)
def test_representatives_and_viewers_get_a_shared_brief_without_internal_text(
    world, computed, actor
):
    user = getattr(world, actor)
    brief = agreement_brief(user, world.agreement, clock.today())
    assert brief.marking == "shared"
    client = _client(user)
    html = client.get(reverse("agreement_brief", args=[world.agreement.uuid])).content.decode()
    response = client.get(reverse("agreement_brief_pdf", args=[world.agreement.uuid]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_pages.text(response.content)
    for content in (html, text):
        assert INTERNAL_TEXT not in content
        assert RESTRICTED_TEXT not in content
    assert "Shared with the parties of the agreement".upper() in text.upper()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_pdf_is_at_most_two_a4_pages_none_blank_marked_and_dated(world, computed, language):
    today = clock.today()
    pdf = rendering.agreement_pdf(world.owner, world.agreement, today, language)
    pages = pdf_pages.pages(pdf)
    assert 1 <= len(pages) <= 2
    for number, page in enumerate(pages, start=1):
        assert abs(page.size[0] / page.size[1] - 210 / 297) < 0.01, "A4 portrait"
        assert pdf_pages.ink(page) > 0.01, f"page {number} is blank or nearly"
    text = pdf_pages.text(pdf)
    with translation.override(language):
        from django.utils.formats import date_format

        assert date_format(today, "DATE_FORMAT") in text
    marking = {"fr": "Interne", "en": "Internal"}[language]
    assert text.upper().count(marking.upper()) >= len(pages), "marking on every page"
    assert f"/ {len(pages)}" in text, "page numbers"


def test_pdf_download_is_in_the_requested_language_and_defaults_to_the_readers(world, computed):
    client = _client(world.viewer)
    url = reverse("agreement_brief_pdf", args=[world.agreement.uuid])
    french = pdf_pages.text(client.get(url, {"lang": "fr"}).content)
    assert "PARTAGÉ AVEC LES PARTIES" in french.upper()
    client.cookies["django_language"] = "de"
    response = client.get(url)
    assert response["Content-Disposition"].endswith('-de.pdf"')
    response = client.get(url, {"lang": "xx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-de.pdf"')


def test_the_charts_are_vector_graphics_in_the_pdf(world, computed):
    with translation.override("en"):
        brief = agreement_brief(world.owner, world.agreement, clock.today())
        context = rendering.agreement_context(brief)
    chart = context["charts"]["trust_both_ways"]
    assert chart is not None and chart.startswith("<svg")
    pdf = rendering.agreement_pdf(world.owner, world.agreement, clock.today(), "en")
    assert b"/Subtype /Image" not in pdf, "no raster image: the charts stay vectors"


def test_overview_offers_the_brief_and_its_download(world, computed):
    html = _client(world.viewer).get(reverse("agreement", args=[world.agreement.uuid]))
    content = html.content.decode()
    assert reverse("agreement_brief_pdf", args=[world.agreement.uuid]) in content
    assert reverse("agreement_brief", args=[world.agreement.uuid]) in content


def test_pdf_routes_answer_members_and_hide_from_everyone_else(world, computed):
    from alliance.web.tests.routes import brief_pdf_routes, walk

    assert walk(world, brief_pdf_routes(world)) == []


def test_brief_counts_agree_with_the_overview_selector_on_a_frozen_day(world, computed):
    day = clock.today()
    with clock.frozen(day):
        counts = web_selectors.agreement_counts(world.owner, world.agreement, day)
        brief = agreement_brief(world.owner, world.agreement, clock.today())
    assert (brief.counts.overdue, brief.counts.overdue_grievances) == (
        counts.overdue,
        counts.overdue_grievances,
    )
