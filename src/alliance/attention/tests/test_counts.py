"""The attention counts: one definition of each, as each reader may see it, and the
portfolio sorted by them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from alliance.attention import counts as attention
from alliance.core import clock
from alliance.engagement import services as es
from alliance.partnerships import services as ps
from alliance.risks import services as rs
from alliance.web.tests.data import add_cockpit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world: Any) -> Any:
    return add_cockpit_data(world)


def test_overdue_means_running_and_past_its_due_date(world, data):
    today = clock.today()
    counts = attention.attention_counts(world.owner, world.agreement, today)
    assert counts.overdue == 1 and counts.overdue_grievances == 1
    ps.commitment_change_status(
        actor=world.owner, commitment=data.commitment_x, status="disputed", on=today
    )
    counts = attention.attention_counts(world.owner, world.agreement, today)
    # Disputed: still open, no longer running late (the dispute stops the clock).
    assert counts.overdue == 0 and counts.open_commitments == 2
    # On its due date a commitment is due this week, not overdue.
    assert (
        attention.attention_counts(
            world.owner, world.agreement, data.commitment_y.due_on
        ).due_this_week
        >= 1
    )


def test_a_grievance_answered_or_resolved_is_no_longer_unanswered(world, data):
    today = clock.today()
    es.grievance_respond(actor=world.owner, grievance=data.grievance, on=today)
    counts = attention.attention_counts(world.owner, world.agreement, today)
    assert counts.overdue_grievances == 0 and counts.open_grievances == 1


def test_warnings_are_counted_by_severity_as_each_reader_may_see_them(world, data):
    today = clock.today()
    team = attention.attention_counts(world.counsellor, world.agreement, today)
    viewer = attention.attention_counts(world.viewer, world.agreement, today)
    outsider = attention.attention_counts(world.outsider, world.agreement, today)
    assert (team.warnings_critical, team.warnings_warning) == (1, 1)  # the internal one too
    assert (viewer.warnings_critical, viewer.warnings_warning) == (0, 1)
    assert outsider == attention.AttentionCounts()


def _rows(client: Client, **params: str) -> tuple[list[str], Any]:
    tree = lxml_html.fromstring(client.get(reverse("portfolio"), params).content.decode())
    titles = [a.text for a in tree.xpath('//table[contains(@class, "portfolio")]/tbody/tr/th/a')]
    return titles, tree.xpath('//p[@class="attention-summary"]')[0]


def test_the_portfolio_puts_the_agreement_needing_most_attention_first(world, data):
    client = Client()
    client.force_login(world.admin)
    titles, summary = _rows(client)
    assert titles == ["Corridor agreement", "Other agreement"]  # one critical warning first
    today = clock.today()
    for n in range(2):
        rs.early_warning_raise(
            actor=world.admin,
            agreement=world.other_agreement,
            key=f"manual:{n}",
            title=f"Works stopped {n}",
            explanation="Seen on site",
            severity="critical",
            raised_on=today,
        )
    titles, summary = _rows(client)
    assert titles == ["Other agreement", "Corridor agreement"]
    assert summary.get("data-open-warnings") == "4" and summary.get("data-overdue") == "1"
    assert "2 agreements" in summary.text_content()
    # Other orders stay one choice away.
    assert _rows(client, sort="title")[0] == ["Corridor agreement", "Other agreement"]
