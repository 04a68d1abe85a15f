"""The party page's and the schedule's reads, written for speed at 10,000 agreements, give
what the plain definitions give, for every actor (same rows, same order, same titles)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from alliance.accounts import policy
from alliance.core import clock
from alliance.engagement.models import Interaction
from alliance.partnerships.choices import OPEN_COMMITMENT_STATUSES
from alliance.partnerships.models import Commitment, Milestone
from alliance.web import party_selectors, selectors

ACTORS = ("admin", "owner", "counsellor", "editor", "rep_x", "rep_y", "viewer", "outsider")
pytestmark = pytest.mark.django_db


def _plain_party_rows(user: Any, party: Any) -> dict[str, list[int]]:
    """The party page's interactions and commitments owed to the party, by a join on the
    link tables (the definition the page had before it filtered by ids)."""
    visible = (
        policy.commitments_visible_to(user)
        .filter(status__in=OPEN_COMMITMENT_STATUSES)
        .order_by("due_on")
    )
    interactions = (
        policy.interactions_visible_to(user)
        .filter(parties=party)
        .order_by("-occurred_on", "-created_at")[:15]
    )
    return {
        "interactions": [i.pk for i in interactions],
        "owed_to": [c.pk for c in visible.filter(owed_to=party)[:50]],
        "owed_by": [c.pk for c in visible.filter(owed_by=party)[:50]],
    }


def test_party_page_lists_what_the_join_lists_for_every_actor(world, data):
    # One more interaction naming both parties, and X owed a second commitment.
    data.shared_interaction.parties.add(world.party_x, world.party_y)
    data.commitment_x.owed_to.add(world.party_x)
    for name in ACTORS:
        user = getattr(world, name)
        for party in (world.party_x, world.party_y, world.party_z):
            page = party_selectors.party_page(user, party, clock.today())
            shown = {
                "interactions": [i.pk for i in page["interactions"]],
                "owed_to": [c.pk for c in page["owed_to"]],
                "owed_by": [c.pk for c in page["owed_by"]],
            }
            assert shown == _plain_party_rows(user, party), (name, party)


def test_linked_to_names_the_party_links_only(world, data):
    data.shared_interaction.parties.add(world.party_y)
    through = Interaction.parties.through
    linked = party_selectors.linked_to(world.party_y, through, "interaction_id")
    assert sorted(Interaction.objects.filter(pk__in=linked).values_list("pk", flat=True)) == sorted(
        world.party_y.interactions.values_list("pk", flat=True)
    )
    owed = party_selectors.linked_to(world.party_y, Commitment.owed_to.through, "commitment_id")
    assert sorted(Commitment.objects.filter(pk__in=owed).values_list("pk", flat=True)) == sorted(
        Commitment.objects.filter(owed_to=world.party_y).values_list("pk", flat=True)
    )
    assert not Interaction.objects.filter(
        pk__in=party_selectors.linked_to(world.party_z, through, "interaction_id")
    ).exists()


def test_localized_titles_are_the_models_localized_titles(world, data):
    Commitment.objects.filter(pk=data.commitment_x.pk).update(
        translations={"fr": {"title": "Titre traduit", "description": "Texte"}, "de": {}}
    )
    Milestone.objects.filter(pk=data.milestone.pk).update(translations={"de": {"title": ""}})
    for name in ACTORS:
        user = getattr(world, name)
        for language in ("en", "fr", "de"):
            with translation.override(language):
                expected = {
                    str(obj.uuid): obj.localized("title")
                    for qs in (
                        policy.commitments_visible_to(user).filter(agreement=world.agreement),
                        policy.milestones_visible_to(user).filter(agreement=world.agreement),
                    )
                    for obj in qs
                }
                assert selectors.localized_titles(user, world.agreement) == expected
    with translation.override("fr"):
        titles = selectors.localized_titles(world.owner, world.agreement)
    assert titles[str(data.commitment_x.uuid)] == "Titre traduit"
    assert titles[str(data.milestone.uuid)] == data.milestone.title
