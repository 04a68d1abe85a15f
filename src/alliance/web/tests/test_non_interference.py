"""Non-interference: what a party representative or a viewer receives does not depend on
what they may not see. Every page and export each can reach (the route walker's routes, the
generated export routes, the PDF briefs, the portfolio, search and inbox, and every read of
the API) is requested before and after internal and restricted items are added, changed and
deleted; the answers must be identical apart from CSRF tokens, CSP nonces and timestamps.
Counts, orderings and dates derived from hidden items show up here, where text matching
cannot. Spreadsheets are compared by their cells and PDFs by their text (both carry their own
creation time), API answers with their ETag."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from alliance.engagement import services as es
from alliance.engagement.models import Interaction
from alliance.risks import services as rs
from alliance.risks.models import EarlyWarning
from alliance.testing import tally
from alliance.web.tests.data import add_cockpit_data
from alliance.web.tests.routes import (
    MEMBERS,
    Route,
    agreement_routes,
    brief_pdf_routes,
    generated_routes,
)

NOISE = [
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(rb'"X-CSRFToken": "[^"]+"'),
    re.compile(rb'nonce="[^"]+"'),
    re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(\+00:00|Z)?"),
    re.compile(rb"DTSTAMP:\d{8}T\d{6}Z?"),
]


def normalised(content: bytes, content_type: str = "") -> bytes:
    if content_type.startswith("application/pdf"):
        from pypdf import PdfReader

        pages = PdfReader(io.BytesIO(content)).pages
        content = "\f".join(page.extract_text() for page in pages).encode()
    elif "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        content = repr(
            [(ws.title, [tuple(row) for row in ws.iter_rows(values_only=True)]) for ws in book]
        ).encode()
    for pattern in NOISE:
        content = pattern.sub(b"~", content)
    return content


def answers(world, routes, actor: str) -> dict[str, tuple[int, bytes]]:
    client = Client()
    client.force_login(getattr(world, actor))
    return {
        route.url: (
            response.status_code,
            normalised(response.content, response.get("Content-Type", "")),
        )
        for route in routes
        if actor in route.allowed
        for response in [client.get(route.url)]
    }


def api_answers(world, calls, actor: str) -> dict[str, tuple[int, str, bytes]]:
    from alliance.api.tests.conftest import token_client

    client = token_client(getattr(world, actor), scope="read")
    return {
        call.url: (response.status_code, response.get("ETag", ""), normalised(response.content))
        for call in calls
        for response in [client.get(call.url)]
    }


def hidden_changes(world) -> None:
    """Add, change and delete internal and restricted items only."""
    es.interaction_log(
        actor=world.counsellor,
        agreement=world.agreement,
        parties=[world.party_x],
        kind="meeting",
        occurred_on=date(2025, 4, 2),
        summary="Internal: the lender doubts the ministry",
        confidentiality="internal",
    )
    es.person_note_add(
        actor=world.counsellor,
        agreement=world.agreement,
        person=world.person_x,
        text="Restricted: about to move",
        confidentiality="restricted",
        restricted_to=[world.counsellor],
    )
    rs.early_warning_raise(
        actor=world.counsellor,
        agreement=world.agreement,
        key="hidden",
        rule="manual",
        title="Internal warning",
        explanation="Internal only",
        severity="warning",
        raised_on=date(2025, 4, 3),
        confidentiality="internal",
    )
    internal = Interaction.objects.filter(agreement=world.agreement, confidentiality="internal")
    es.interaction_update(actor=world.counsellor, interaction=internal.earliest("pk"), kind="call")
    warning = EarlyWarning.objects.filter(agreement=world.agreement, confidentiality="internal")
    rs.early_warning_delete(actor=world.counsellor, warning=warning.earliest("pk"))


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["rep_x", "viewer"])
def test_hidden_items_change_nothing_a_representative_or_viewer_receives(world, actor):
    data = add_cockpit_data(world)
    routes = [r for r in agreement_routes(world, data) if r.status == 200]
    before = answers(world, routes, actor)
    hidden_changes(world)
    after = answers(world, routes, actor)
    differ = [url for url in before if before[url] != after[url]]
    tally("ni.pages", len(before))
    assert len(before) > 10
    assert differ == []


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["rep_x", "viewer"])
def test_hidden_items_change_no_export_brief_or_api_answer(world, actor):
    """The same as above for what leaves the site: every export (CSV, spreadsheet, OCDS,
    IATI, calendar), the PDF briefs in two languages, the global pages and every API read."""
    from alliance.api.tests.routes import api_calls

    data = add_cockpit_data(world)
    a = world.agreement.uuid
    everywhere = frozenset(MEMBERS | {"outsider"})
    routes = [r for r in generated_routes(world) if r.name.startswith("interchange:")]
    routes += [r for r in brief_pdf_routes(world) if r.allowed]
    routes += [
        Route("portfolio", reverse("portfolio"), everywhere),
        Route("search", reverse("search") + "?q=the", everywhere),
        Route("search_name", reverse("search") + "?q=Awa", everywhere),
        Route("inbox", reverse("inbox"), everywhere),
        Route("inbox_all", reverse("inbox") + "?all=1", everywhere),
        Route("trust_why", reverse("agreement_trust", args=[a]), MEMBERS),
    ]
    calls = [
        c
        for c in api_calls(world, data)
        if c.method == "get" and actor in c.allowed and "{" not in c.url
    ]
    before = answers(world, routes, actor), api_answers(world, calls, actor)
    hidden_changes(world)
    after = answers(world, routes, actor), api_answers(world, calls, actor)
    pages = [url for url in before[0] if before[0][url] != after[0][url]]
    api = [url for url in before[1] if before[1][url] != after[1][url]]
    tally("ni.exports", len(before[0]))
    tally("ni.api", len(before[1]))
    assert len(before[0]) > 20 and len(before[1]) > 20
    assert sum(r.url.endswith(".pdf") or "pdf" in r.name for r in routes) >= 2
    assert pages == []
    assert api == []
