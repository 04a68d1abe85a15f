"""Insight panels: an honest "not computed yet" without a snapshot; the stored figure and,
for the team only, its evidence once a snapshot exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client
from django.urls import reverse

from alliance.web import insights


@dataclass
class FakeSnapshot:
    kind: str
    as_of: date
    data: dict


def test_every_panel_says_not_computed_yet_without_a_snapshot(world, data):
    found = insights.panels(world.agreement, *insights.PANELS)
    assert all(not panel.computed for panel in found.values())
    client = Client()
    client.force_login(world.owner)
    for name in ("agreement", "agreement_parties", "agreement_commitments", "agreement_trust"):
        html = client.get(reverse(name, args=[world.agreement.uuid])).content.decode()
        assert "Not computed yet." in html, name


def test_a_stored_snapshot_shows_its_figure_and_evidence_to_the_team_only(world, data, monkeypatch):
    snapshot = FakeSnapshot(
        "trust",
        date(2026, 3, 1),
        {
            "figure": 61.5,
            "evidence": {"contributions": [{"label": "Permit delivered late", "contribution": -6}]},
        },
    )
    monkeypatch.setattr(insights, "latest_snapshots", lambda agreement, kinds: {"trust": snapshot})
    url = reverse("agreement_trust", args=[world.agreement.uuid])
    for actor, evidence_shown in (("owner", True), ("rep_x", False)):
        client = Client()
        client.force_login(getattr(world, actor))
        html = client.get(url).content.decode()
        assert "61.5" in html and "Computed on" in html, actor
        assert ("Permit delivered late" in html) is evidence_shown, actor
