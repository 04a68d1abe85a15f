"""Global search: full-text on PostgreSQL (per-language configurations, GIN index, ranked),
substring match on SQLite; only what the reader may see either way."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from alliance.core import fulltext
from alliance.partnerships.models import Commitment
from alliance.web import party_selectors

postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search")


def _titles(user, q, kind="commitments"):
    return [c.title for c in party_selectors.search(user, q)[kind]]


def test_a_word_begun_finds_the_commitment_and_outsiders_find_nothing(world, data):
    assert _titles(world.rep_x, "perm") == ["Issue the environmental permit"]
    assert _titles(world.rep_x, "environmental perm") == ["Issue the environmental permit"]
    assert _titles(world.outsider, "perm") == []
    assert [p.name for p in party_selectors.search(world.viewer, "lender")["parties"]] == [
        "Lender Y"
    ]


@postgresql
def test_translations_are_stemmed_in_their_own_language(world, data):
    c = data.commitment_y
    c.translations = {"fr": {"title": "Premières livraisons"}, "de": {"title": "Genehmigung"}}
    c.save(update_fields=["translations"])
    assert _titles(world.counsellor, "livraison") == [c.title]  # French plural stemmed
    assert _titles(world.counsellor, "Genehmigungen") == [c.title]  # German plural stemmed
    assert _titles(world.counsellor, "Genehmigungen xyz") == []  # every word must match


@postgresql
def test_the_best_match_comes_first(world, data):
    from alliance.partnerships import services as ps

    ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_y],
        title="Permit, permit and permit again",
        category="regulatory",
        due_on=data.commitment_x.due_on,
        duration_optimistic=1,
        duration_likely=2,
        duration_pessimistic=3,
    )
    titles = _titles(world.counsellor, "permit")
    assert titles[0] == "Permit, permit and permit again" and len(titles) == 2


@postgresql
def test_the_search_uses_its_gin_index(world, data):
    wanted = fulltext.search(
        Commitment.objects.all(), ("title", "clause"), "permit", translated=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = wanted.explain()
    assert "search_commitment" in plan, plan


def test_the_search_page_shows_what_it_found(world, data):
    client = Client()
    client.force_login(world.counsellor)
    html = client.get(reverse("search"), {"q": "environmental"}).content.decode()
    assert "Issue the environmental permit" in html


def test_punctuation_alone_finds_nothing_and_breaks_nothing(world, data):
    client = Client()
    client.force_login(world.counsellor)
    response = client.get(reverse("search"), {"q": "&|!:*()"})
    assert response.status_code == 200
    assert response.context["results"]["commitments"].count() == 0
