"""The names a rule or the engine stored (a commitment in a warning's title, a topic in the
brief's divergences) read in the reader's language where the object has a translation: an
English reader of the demo's French concession sees no French title, a French reader of the
English loan agreement no English one."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from alliance.core import clock
from alliance.engagement.models import Topic
from alliance.partnerships.models import Agreement, Commitment, Milestone
from alliance.risks.models import RegulatoryRequirement
from alliance.scenarios.demo import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic(), clock.frozen(TODAY):
        call_command("demo_load", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _untranslated(agreement: Agreement, language: str) -> set[str]:
    """The agreement's stored names that have a different text in ``language``."""
    found = set()
    for objects, field in (
        (Commitment.objects.filter(agreement=agreement), "title"),
        (Milestone.objects.filter(agreement=agreement), "title"),
        (Topic.objects.filter(agreement=agreement), "name"),
        (RegulatoryRequirement.objects.filter(agreement=agreement), "instrument"),
    ):
        for obj in objects:
            original = getattr(obj, field)
            if obj.localized(field, language) != original and len(original) > 12:
                found.add(original)
    return found


def _first_party(agreement: Agreement) -> Any:
    return agreement.participations.order_by("party__short_name").first().party.uuid


def _text(page: bytes) -> str:
    tree = lxml_html.fromstring(page.decode())
    for node in tree.xpath("//script | //style"):
        node.drop_tree()
    return " ".join(tree.text_content().split())


@pytest.mark.parametrize(
    ("reference", "language"),
    [("CONC-CM-2024-017", "en"), ("CONC-CM-2024-017", "de"), ("PAIB-L-CM-2025-03", "fr")],
)
def test_the_brief_names_things_in_the_readers_language(
    demo: None, reference: str, language: str
) -> None:
    agreement = Agreement.objects.get(reference=reference)
    others = _untranslated(agreement, language)
    assert len(others) > 5  # the demo translates its titles
    client = Client()
    client.force_login(get_user_model().objects.get(username="samuel"))
    a = agreement.uuid
    pages = {
        "brief": reverse("agreement_brief", args=[a]),
        "party brief": reverse("party_brief", args=[a, _first_party(agreement)]),
        "overview": reverse("agreement", args=[a]),
        "risks": reverse("agreement_risks", args=[a]),
        "inbox": reverse("inbox"),
    }
    found = []
    with clock.frozen(TODAY):
        for name, url in pages.items():
            response = client.get(url, headers={"accept-language": language})
            assert response.status_code == 200, name
            text = _text(response.content)
            found += [f"{name}: {title}" for title in sorted(others) if title in text]
    assert not found, "\n".join(found)
