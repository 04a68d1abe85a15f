"""The party brief as a page and as a PDF: at most two A4 pages with ink on each, marked and
dated on every page, nothing internal for a representative or a viewer — in the HTML and in
the PDF's text —, the team's own points added from the page, the downloads offered."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from alliance.briefings import rendering
from alliance.briefings.models import PartyBriefNote
from alliance.briefings.tests import pdf_pages
from alliance.core import clock
from alliance.partnerships import services as ps
from alliance.web.tests.data import INTERNAL_TEXT, RESTRICTED_TEXT, add_volume

ROLES = ("owner", "counsellor", "editor", "rep_x", "rep_y", "viewer")
MAX_PAGES = 2


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_pages(pdf: bytes, language: str, marking: str) -> list:
    pages = pdf_pages.pages(pdf)
    assert 1 <= len(pages) <= MAX_PAGES
    for number, page in enumerate(pages, start=1):
        assert abs(page.size[0] / page.size[1] - 210 / 297) < 0.01, "A4 portrait"
        assert pdf_pages.ink(page) > 0.01, f"page {number} is blank or nearly"
    text = pdf_pages.text(pdf)
    with translation.override(language):
        assert date_format(clock.today(), "DATE_FORMAT") in text, "the as-of day"
    assert text.upper().count(marking.upper()) >= 2 * len(pages), "marking top and bottom"
    assert f"/ {len(pages)}" in text, "page numbers"
    return pages


@pytest.mark.parametrize(("language", "marking"), [("fr", "Interne"), ("en", "Internal")])
def test_pdf_fits_two_a4_pages_none_blank_marked_and_dated(world, computed, language, marking):
    pdf = rendering.party_pdf(world.owner, world.agreement, world.party_x, clock.today(), language)
    _assert_pages(pdf, language, marking)
    text = pdf_pages.text(pdf)
    heading = {"fr": "Ce qu’ils demanderont", "en": "What they will likely ask"}[language]
    assert heading in text
    assert b"/Subtype /Image" not in pdf, "the trust chart stays a vector graphic"


def test_pdf_stays_within_two_pages_when_the_party_has_much_going_on(world, computed):
    add_volume(world, 12)
    for n in range(6):
        ps.person_create(
            actor=world.owner,
            party=world.party_x,
            name=f"Person {n} with a rather long name",
            role_title="Directeur général adjoint chargé des grands projets d'infrastructure",
        )
    pdf = rendering.party_pdf(world.owner, world.agreement, world.party_x, clock.today(), "fr")
    _assert_pages(pdf, "fr", "Interne")


@pytest.mark.parametrize("actor", ROLES)
def test_each_role_gets_only_what_it_may_see_in_the_html_and_the_pdf(world, computed, actor):
    client = _client(getattr(world, actor))
    team = actor in ("owner", "counsellor", "editor")
    for party in (world.party_x, world.party_y):
        args = [world.agreement.uuid, party.uuid]
        html = client.get(reverse("party_brief", args=args)).content.decode()
        response = client.get(reverse("party_brief_pdf", args=args), {"lang": "en"})
        assert response["Content-Type"] == "application/pdf"
        text = pdf_pages.text(response.content)
        for content in (html, text):
            if not team:
                assert INTERNAL_TEXT not in content, (actor, party)
            restricted = actor == "counsellor" and party == world.party_y
            assert (RESTRICTED_TEXT in content) is restricted, (actor, party)
        if team and party == world.party_x:
            assert INTERNAL_TEXT in html and INTERNAL_TEXT in text
            assert "INTERNAL — COUNSELLOR TEAM ONLY" in text.upper()
        if not team:
            assert "SHARED WITH THE PARTIES OF THE AGREEMENT" in text.upper()


def test_download_is_in_the_requested_language_and_defaults_to_the_readers(world, computed):
    client = _client(world.rep_y)
    url = reverse("party_brief_pdf", args=[world.agreement.uuid, world.party_x.uuid])
    french = pdf_pages.text(client.get(url, {"lang": "fr"}).content)
    assert "AVANT DE RENCONTRER" in french.upper()
    client.cookies["django_language"] = "de"
    response = client.get(url)
    assert response["Content-Disposition"].endswith('-de.pdf"')
    assert "before-you-meet-" in response["Content-Disposition"]
    response = client.get(url, {"lang": "xx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-de.pdf"')


def test_party_page_and_parties_tab_offer_the_brief_and_its_download(world, computed):
    client = _client(world.viewer)
    args = [world.agreement.uuid, world.party_x.uuid]
    for page in (
        reverse("party", args=[world.party_x.uuid]),
        reverse("agreement_parties", args=[world.agreement.uuid]),
        reverse("party_briefs", args=[world.agreement.uuid]),
    ):
        html = client.get(page).content.decode()
        assert reverse("party_brief", args=args) in html, page
        assert reverse("party_brief_pdf", args=args) in html, page


def test_the_choice_of_party_goes_straight_to_a_party_of_the_agreement(world, computed):
    client = _client(world.rep_x)
    url = reverse("party_briefs", args=[world.agreement.uuid])
    response = client.get(url, {"party": str(world.party_y.uuid)})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "party_brief", args=[world.agreement.uuid, world.party_y.uuid]
    )
    # A party of another agreement is not offered: the choice is shown again.
    assert client.get(url, {"party": str(world.party_z.uuid)}).status_code == 200


def test_the_team_adds_and_deletes_its_points_from_the_page(world, computed):
    client = _client(world.editor)
    args = [world.agreement.uuid, world.party_y.uuid]
    url = reverse("party_brief_points", args=args)
    response = client.post(url, {"kind": "our_objective", "text": "Agree the tranche date"})
    assert response.status_code == 302
    note = PartyBriefNote.objects.get(party=world.party_y)
    assert note.author == world.editor and note.kind == "our_objective"
    html = client.get(reverse("party_brief", args=args)).content.decode()
    assert "Agree the tranche date" in html
    refused = client.post(url, {"kind": "point", "text": "x", "answer": "not for a point"})
    assert refused.status_code == 200 and "Only a question" in refused.content.decode()
    delete = reverse("party_brief_point_delete", args=[*args, note.uuid])
    assert client.post(delete).status_code == 302
    assert not PartyBriefNote.objects.filter(pk=note.pk).exists()


@pytest.mark.parametrize("actor", ["rep_x", "rep_y", "viewer", "outsider"])
def test_nobody_outside_the_team_posts_a_point(world, computed, actor):
    client = _client(getattr(world, actor))
    args = [world.agreement.uuid, world.party_x.uuid]
    response = client.post(reverse("party_brief_points", args=args), {"kind": "point", "text": "x"})
    assert response.status_code == 404
    delete = reverse("party_brief_point_delete", args=[*args, computed.brief_note.uuid])
    assert client.post(delete).status_code == 404
    assert PartyBriefNote.objects.count() == 1


def test_hostile_names_are_text_in_the_page_and_the_pdf(world, computed):
    name = 'Evil "Corp" </style><script>alert(1)</script> \\ @page'
    ps.party_update(actor=world.owner, party=world.party_y, short_name=name[:40], name=name)
    client = _client(world.owner)
    args = [world.agreement.uuid, world.party_y.uuid]
    html = client.get(reverse("party_brief", args=args)).content.decode()
    assert "<script>alert(1)" not in html
    pdf = client.get(reverse("party_brief_pdf", args=args)).content
    pages = pdf_pages.pages(pdf)
    assert 1 <= len(pages) <= MAX_PAGES
    assert "Evil" in pdf_pages.text(pdf)


def test_pdf_routes_answer_members_and_hide_from_everyone_else(world, computed):
    from alliance.web.tests.routes import brief_pdf_routes, walk

    routes = [r for r in brief_pdf_routes(world) if r.name.startswith("party_brief")]
    assert walk(world, routes) == []
