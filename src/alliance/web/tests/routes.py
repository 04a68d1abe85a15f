"""Every route of the cockpit with the actors allowed on it: the reusable walker's table.

``agreement_routes`` lists each page of one agreement (tabs, drill-downs, forms for every
entity) with who may open it; everyone else must get 404, exactly as for something that does
not exist. ``walk`` requests all of them for all actors and returns the mismatches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import reverse

MEMBERS = frozenset({"owner", "counsellor", "editor", "rep_x", "rep_y", "viewer"})
TEAM = frozenset({"owner", "counsellor", "editor"})
ACTORS = ("owner", "counsellor", "editor", "rep_x", "rep_y", "viewer", "outsider")


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    allowed: frozenset[str]
    htmx: bool = False  # the tab also answers HTMX requests with its partial


def agreement_routes(w: Any, d: Any) -> list[Route]:
    a = w.agreement.uuid
    tabs = [
        ("agreement", "Overview"),
        ("agreement_parties", "Parties"),
        ("agreement_commitments", "Commitments"),
        ("agreement_interactions", "Interactions"),
        ("agreement_expectations", "Expectations"),
        ("agreement_trust", "Trust"),
        ("agreement_risks", "Risks"),
        ("agreement_local", "Local"),
        ("agreement_grievances", "Grievances"),
    ]
    routes = [Route(name, reverse(name, args=[a]), MEMBERS, htmx=True) for name, _ in tabs]
    routes += [
        Route("commitment", reverse("commitment", args=[a, d.commitment_x.uuid]), MEMBERS),
        Route(
            "expectation_cell",
            reverse("expectation_cell", args=[a, d.topic.uuid, w.party_x.uuid]),
            MEMBERS,
        ),
        Route("before_you_meet", reverse("before_you_meet", args=[a]), MEMBERS),
        Route(
            "before_you_meet_x",
            reverse("before_you_meet", args=[a]) + f"?party={w.party_x.uuid}",
            MEMBERS,
        ),
        Route("party_x", reverse("party", args=[w.party_x.uuid]), MEMBERS),
        Route("party_y", reverse("party", args=[w.party_y.uuid]), MEMBERS),
        Route("agreement_edit", reverse("agreement_edit", args=[a]), TEAM),
        Route("agreement_delete", reverse("agreement_delete", args=[a]), frozenset({"owner"})),
        Route("grievance_respond", reverse("grievance_respond", args=[a, d.grievance.uuid]), TEAM),
        Route("party_edit", reverse("party_edit", args=[w.party_x.uuid]), TEAM),
        Route(
            "person_edit",
            reverse("party_entity_edit", args=[w.party_x.uuid, "people", w.person_x.uuid]),
            TEAM,
        ),
        Route(
            "blackout_edit",
            reverse("party_entity_edit", args=[w.party_x.uuid, "blackouts", d.blackout.uuid]),
            TEAM,
        ),
        Route("person_new", reverse("party_entity_create", args=[w.party_x.uuid, "people"]), TEAM),
    ]
    objects = {
        "participations": w.agreement.participations.get(party=w.party_x),
        "milestones": d.milestone,
        "commitments": d.commitment_x,
        "objectives": d.objective,
        "interactions": d.shared_interaction,
        "notes": d.note,
        "topics": d.topic,
        "expectations": d.expectation,
        "pulses": d.pulse,
        "responses": d.response_x,
        "grievances": d.grievance,
        "risks": d.risk,
        "requirements": d.requirement,
        "indicators": d.indicator,
        "observations": d.observation,
        "warnings": d.warning,
    }
    for slug, obj in objects.items():
        creators = TEAM | {"rep_x", "rep_y"} if slug == "responses" else TEAM
        editors = TEAM | {"rep_x"} if slug == "responses" else TEAM
        routes += [
            Route(f"{slug}_new", reverse("entity_create", args=[a, slug]), creators),
            Route(f"{slug}_edit", reverse("entity_edit", args=[a, slug, obj.uuid]), editors),
            Route(f"{slug}_delete", reverse("entity_delete", args=[a, slug, obj.uuid]), editors),
        ]
    # Items a party representative or viewer may not see at all.
    routes += [
        Route(
            "internal_interaction_edit",
            reverse("entity_edit", args=[a, "interactions", d.internal_interaction.uuid]),
            TEAM,
        ),
        Route(
            "restricted_interaction_edit",
            reverse("entity_edit", args=[a, "interactions", d.restricted_interaction.uuid]),
            frozenset({"counsellor"}),
        ),
        Route(
            "internal_warning_edit",
            reverse("entity_edit", args=[a, "warnings", d.internal_warning.uuid]),
            TEAM,
        ),
    ]
    return routes


def other_agreement_routes(w: Any) -> list[Route]:
    """Pages of the agreement no actor of ``world`` belongs to: everyone gets 404."""
    a = w.other_agreement.uuid
    names = ["agreement", "agreement_commitments", "agreement_trust", "before_you_meet"]
    routes = [Route(name, reverse(name, args=[a]), frozenset()) for name in names]
    routes.append(Route("party_z", reverse("party", args=[w.party_z.uuid]), frozenset()))
    return routes


def walk(
    w: Any, routes: Iterable[Route], actors: Iterable[str] = ACTORS, *, htmx: bool = False
) -> list[str]:
    """Request every route as every actor; return one line per unexpected status."""
    problems = []
    for actor in actors:
        client = Client()
        client.force_login(getattr(w, actor))
        headers = {"HX-Request": "true"} if htmx else {}
        for route in routes:
            if htmx and not route.htmx:
                continue
            status = client.get(route.url, headers=headers).status_code
            expected = 200 if actor in route.allowed else 404
            if status != expected:
                problems.append(f"{actor} {route.name} {route.url}: {status}, expected {expected}")
    return problems
