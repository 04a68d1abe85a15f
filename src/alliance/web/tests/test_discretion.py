"""Discretion: a party representative or a viewer never receives internal or restricted text,
on any page, tab, partial or search result; the counsellor team does."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alliance.testing import tally
from alliance.web.tests.data import INTERNAL_TEXT, RESTRICTED_TEXT
from alliance.web.tests.routes import agreement_routes

OUTSIDE_TEAM = ("rep_x", "rep_y", "viewer")


def _pages(world, data, actor):
    """Every page ``actor`` may open, full and as HTMX partials, plus search results."""
    routes = [r for r in agreement_routes(world, data) if actor in r.allowed]
    client = Client()
    client.force_login(getattr(world, actor))
    for route in routes:
        yield route.name, client.get(route.url, follow=route.status != 200)
        if route.htmx:
            yield f"{route.name} (htmx)", client.get(route.url, headers={"HX-Request": "true"})
    # Words of the internal and restricted texts (not the markers: the page echoes the query).
    for q in ("minister hesitates", "lender board", "morning calls", "may block"):
        yield f"search {q}", client.get(reverse("search"), {"q": q})
    yield "portfolio", client.get(reverse("portfolio"))


@pytest.mark.parametrize("actor", OUTSIDE_TEAM)
def test_no_internal_or_restricted_text_reaches_representatives_and_viewers(world, data, actor):
    for name, response in _pages(world, data, actor):
        assert response.status_code == 200, name
        html = response.content.decode()
        tally("pages.scan")
        assert INTERNAL_TEXT not in html, f"{actor} received internal text on {name}"
        assert RESTRICTED_TEXT not in html, f"{actor} received restricted text on {name}"


def test_team_sees_internal_items_but_restricted_ones_only_when_named(world, data):
    url = reverse("agreement_interactions", args=[world.agreement.uuid])
    owner = Client()
    owner.force_login(world.owner)
    html = owner.get(url).content.decode()
    tally("pages.team")
    assert INTERNAL_TEXT in html
    assert RESTRICTED_TEXT not in html
    counsellor = Client()
    counsellor.force_login(world.counsellor)
    tally("pages.team")
    assert RESTRICTED_TEXT in counsellor.get(url).content.decode()


def test_internal_note_on_a_person_shows_to_the_team_only(world, data):
    url = reverse("party", args=[world.party_x.uuid])
    for actor, shown in (
        ("counsellor", True),
        ("owner", True),
        ("rep_x", False),
        ("viewer", False),
    ):
        client = Client()
        client.force_login(getattr(world, actor))
        tally("pages.team")
        assert (INTERNAL_TEXT in client.get(url).content.decode()) is shown, actor


def test_portfolio_counts_only_the_warnings_the_user_may_see(world, data):
    def warnings_cell(actor):
        client = Client()
        client.force_login(getattr(world, actor))
        response = client.get(reverse("portfolio"))
        tally("pages.counts")
        (row,) = [a for a in response.context["agreements"] if a.pk == world.agreement.pk]
        return row.open_warnings

    assert warnings_cell("owner") == 2  # the rule's warning and the internal one
    assert warnings_cell("rep_x") == 1
    assert warnings_cell("viewer") == 1


def test_representative_reads_pulses_as_aggregates_of_three(world, data):
    """A representative reads every pair's cell, but no mean of fewer than three answers:
    not the other party's one answer, nor their own party's (the rule is per cell)."""
    client = Client()
    client.force_login(world.rep_x)
    trust = client.get(reverse("agreement_trust", args=[world.agreement.uuid])).context["trust"]
    tally("pulse.role")
    cells = {
        (cell.respondent_party.pk, cell.about_party.pk): cell
        for _party, row in trust["matrix"]
        for cell in row
        if cell is not None
    }
    assert set(cells) == {
        (world.party_x.pk, world.party_y.pk),
        (world.party_y.pk, world.party_x.pk),
    }
    assert all(cell.mean is None and cell.respondents == 1 for cell in cells.values())
    assert trust["threshold"] == 3


def test_viewer_reads_aggregates_only_above_the_respondent_threshold(world, data):
    client = Client()
    client.force_login(world.viewer)
    trust = client.get(reverse("agreement_trust", args=[world.agreement.uuid])).context["trust"]
    tally("pulse.role")
    cells = [cell for _party, row in trust["matrix"] for cell in row if cell is not None]
    assert cells, "the viewer sees that answers exist"
    assert all(cell.mean is None for cell in cells), "one answer per pair is never shown"


@pytest.mark.parametrize("actor", ("rep_x", "rep_y", "viewer"))
def test_no_colleagues_pulse_answer_reaches_a_representative(world, data, actor):
    """Awa Diop (party X) answered the first pulse, with a comment: her answer is not rep_x's
    (nor anyone's outside the team) to read, on any page, partial, export or API list — its
    row (its UUID), its comment and its form never reach them."""
    from alliance.api.tests.conftest import token_client
    from alliance.web.tests.routes import generated_routes

    secret = data.response_x
    marks = (str(secret.uuid), "Slow but honest")
    routes = [
        r for r in agreement_routes(world, data) + generated_routes(world) if actor in r.allowed
    ]
    client = Client()
    client.force_login(getattr(world, actor))
    seen = []
    for route in routes:
        for headers in ({}, {"HX-Request": "true"}) if route.htmx else ({},):
            response = client.get(route.url, headers=headers)
            if response.get("Content-Type", "").startswith(("text/", "application/json")):
                seen.append((route.name, response.content.decode()))
    api = token_client(getattr(world, actor))
    seen.append(
        ("api", api.get(f"/api/v1/agreements/{world.agreement.uuid}/responses").content.decode())
    )
    assert len(seen) > 30
    for name, text in seen:
        for mark in marks:
            assert mark not in text, f"{actor} read a colleague's answer ({mark}) on {name}"
    edit = reverse("entity_edit", args=[world.agreement.uuid, "responses", secret.uuid])
    assert client.get(edit).status_code == 404
