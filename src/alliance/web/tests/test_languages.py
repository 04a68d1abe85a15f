"""The demo's main pages in French and in German carry no generated English: every sentence
the engine, a rule or the site writes is said in the reader's language. What people typed
(titles, summaries, names) is data, and text marked with its own ``lang`` is left alone."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from alliance.core import clock, messages
from alliance.partnerships.models import Agreement, Commitment, Party
from alliance.scenarios.demo import TODAY

pytestmark = pytest.mark.django_db

# The engine's English labels that have no message of their own would show up as these.
ENGINE_ENGLISH = (
    "working days overdue",
    "working days late",
    "delivered on time",
    "after a gap of",
    "pulse answer by",
    "across the local line",
    "other events",
    "drift apart",
    "P80 finish",
    "regulatory deadline",
    "not delivered",
    "Trust index",
    "key parties",
    "raised by the rules",
    "expected on time",
    "chance of meeting",
    "No longer met",
    "Now met",
    "record the expectations",
    "working days apart",
)


def _english_fragments() -> set[str]:
    """Every message pattern in English, cut at its placeholders: pieces of 14+ letters."""
    pieces = set(ENGINE_ENGLISH)
    for pattern in messages.CATALOGUE.values():
        # The English msgid(s) of the lazy pattern (singular and plural for a plural one).
        args = getattr(pattern, "_proxy____args", (str(pattern),))
        for text in (a for a in args if isinstance(a, str) and " " in a):
            for piece in re.split(r"%\([a-z_]+\)[a-z.0-9]*|%%", text):
                piece = piece.strip(" .,:;()–→")
                if len(piece) >= 14 and " " in piece:
                    pieces.add(piece)
    return pieces


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic(), clock.frozen(TODAY):
        call_command("demo_load", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _pages() -> dict[str, str]:
    concession = Agreement.objects.get(reference="CONC-CM-2024-017")
    a = concession.uuid
    commitment = Commitment.objects.filter(agreement=concession, warnings__isnull=False).first()
    mint = Party.objects.get(short_name="MINT")
    pages = {
        name: reverse(name, args=[a])
        for name in (
            "agreement",
            "agreement_parties",
            "agreement_commitments",
            "agreement_interactions",
            "agreement_expectations",
            "agreement_trust",
            "agreement_risks",
            "agreement_local",
            "agreement_grievances",
            "party_briefs",
        )
    }
    pages["portfolio"] = reverse("portfolio")
    pages["party"] = reverse("party", args=[mint.uuid])
    if commitment is not None:
        pages["commitment"] = reverse("commitment", args=[a, commitment.uuid])
    return pages


def _visible_text(page: str, language: str) -> str:
    tree = lxml_html.fromstring(page)
    for node in tree.xpath("//script | //style | //*[@lang]"):
        if node.tag in ("script", "style") or node.get("lang", language)[:2] != language:
            node.drop_tree()  # code, and data shown in its own language
    return " ".join(tree.text_content().split())


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_main_pages_carry_no_generated_english(demo: None, language: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="samuel"))
    fragments = _english_fragments()
    assert len(fragments) > 40
    found = []
    with clock.frozen(TODAY):
        for name, url in _pages().items():
            response = client.get(url, headers={"accept-language": language})
            assert response.status_code == 200, name
            text = _visible_text(response.content.decode(), language)
            found += [f"{name}: …{f}…" for f in sorted(fragments) if f in text]
    assert not found, "\n".join(found)
    # The scan itself sees generated text: the same overview in English shows some.
    with clock.frozen(TODAY):
        english = client.get(_pages()["agreement"], headers={"accept-language": "en"})
    text = _visible_text(english.content.decode(), "en")
    assert any(f in text for f in fragments)
