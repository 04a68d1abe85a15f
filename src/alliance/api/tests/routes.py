"""Every API operation with the actors allowed on it: the API's route walker table.

Each row calls one operation (``operationId``) as every actor, with a token of that actor,
and says who gets the answer (``allowed``) and who may at least see the object (``seen``):
an allowed actor gets ``status``, one who sees it but may not do this gets 403, everyone
else 404 — as if it did not exist. Writes run inside a savepoint that is rolled back, so
every actor meets the same data. ``unlisted`` names the operations of the schema that no
row calls: a new operation without a row fails the walk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction

from alliance.api import services as api_services
from alliance.api.api import api
from alliance.api.tests.conftest import token_client
from alliance.core import clock
from alliance.partnerships import services as ps
from alliance.testing import tally

ACTORS = ("owner", "counsellor", "editor", "rep_x", "rep_y", "viewer", "outsider")
EVERYONE = frozenset(ACTORS)
MEMBERS = EVERYONE - {"outsider"}
TEAM = frozenset({"owner", "counsellor", "editor"})
NOBODY: frozenset[str] = frozenset()
HOOK_URL = "http://127.0.0.1:9/hook"  # plain HTTP to this machine: tests only
LIKERT = dict(ability=5, benevolence=5, integrity=4, predictability=4, communication=5)


@dataclass(frozen=True)
class Call:
    operation: str
    method: str
    url: str
    allowed: frozenset[str]
    seen: frozenset[str] = MEMBERS
    status: int = 200
    body: dict[str, Any] | None = None
    label: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.operation}{f'[{self.label}]' if self.label else ''}"

    def expected(self, actor: str) -> int:
        if actor in self.allowed:
            return self.status
        return 403 if actor in self.seen else 404


def _day(days: int) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def api_calls(w: Any, d: Any) -> list[Call]:
    """The table (it adds a party in no agreement, one more in this one, and the insights'
    snapshots)."""
    from alliance.analytics.services import insights_recompute

    if not w.agreement.insight_snapshots.exists():
        insights_recompute(actor=None, agreement=w.agreement)
    a = f"/api/v1/agreements/{w.agreement.uuid}"
    x, y = str(w.party_x.uuid), str(w.party_y.uuid)
    newcomer = ps.party_create(actor=w.admin, name="Newcomer W", kind="ngo", country="SN")
    joined = ps.participation_add(
        actor=w.admin, agreement=w.agreement, party=newcomer, role="observer"
    )
    orphan = ps.party_create(actor=w.admin, name="Newcomer V", kind="ngo", country="SN")
    # Someone referred to by nothing yet, whom the team may delete.
    leaving = ps.person_create(actor=w.admin, party=w.party_x, name="Leaving Person")
    stranger = ps.person_create(actor=w.admin, party=w.party_z, name="Person of Z")
    hook, _secret = api_services.webhook_subscribe(
        actor=w.owner, url=HOOK_URL, events=["warning.raised"], agreement=w.agreement
    )
    h = f"/api/v1/webhooks/{hook.uuid}"
    c = f"{a}/commitments/{d.commitment_x.uuid}"
    x_person = str(w.person_x.uuid)
    # rep_x in person (the person of X linked to their account) and an answer of theirs: a
    # representative reads and changes their own answers, never a colleague's (Awa Diop's).
    from alliance.engagement import services as es

    in_person = ps.person_create(actor=w.admin, party=w.party_x, name="Rep X", user=w.rep_x)
    own_answer = es.trust_response_submit(
        actor=w.owner,
        pulse=d.pulse,
        respondent=in_person,
        about_party=w.party_y,
        submitted_on=d.pulse.opens_on,
        **LIKERT,
    )
    mine = f"{a}/responses/{own_answer.uuid}"
    i = f"{a}/interactions"
    commitment = {
        "title": "Report",
        "category": "reporting",
        "owed_by": x,
        "owed_to": [y],
        "due_on": _day(30),
        "duration_optimistic": 1,
        "duration_likely": 2,
        "duration_pessimistic": 3,
    }
    interaction = {"occurred_on": _day(0), "parties": [x, y], "summary": "Call", "kind": "call"}
    agreement = {"title": "New", "kind": "mou", "signed_on": _day(-5), "host_country": "SN"}
    party = {"name": "Another party", "kind": "ngo", "country": "SN"}
    return [
        # Agreements: the portfolio, created by staff (the owner), changed by the team.
        Call("agreement_list", "get", "/api/v1/agreements", EVERYONE),
        Call("agreement_create", "post", "/api/v1/agreements", {"owner"}, EVERYONE, 201, agreement),
        Call("agreement_read", "get", a, MEMBERS),
        Call("agreement_update", "patch", a, TEAM, body={"summary": "Changed"}),
        Call("agreement_delete", "delete", a, {"owner"}, status=204),
        Call(
            "agreement_read",
            "get",
            f"/api/v1/agreements/{w.other_agreement.uuid}",
            NOBODY,
            NOBODY,
            label="other",
        ),
        # Participations and milestones.
        Call("participation_list", "get", f"{a}/participations", MEMBERS),
        Call(
            "participation_create",
            "post",
            f"{a}/participations",
            TEAM,
            status=201,
            body={"party": str(orphan.uuid), "role": "observer"},
        ),
        # Party Z takes part in another agreement only: nobody here may name it.
        Call(
            "participation_create",
            "post",
            f"{a}/participations",
            TEAM,
            status=422,
            body={"party": str(w.party_z.uuid), "role": "observer"},
            label="Z",
        ),
        Call(
            "participation_update",
            "patch",
            f"{a}/participations/{joined.uuid}",
            TEAM,
            body={"interest": 5},
        ),
        Call(
            "participation_delete", "delete", f"{a}/participations/{joined.uuid}", TEAM, status=204
        ),
        Call("milestone_list", "get", f"{a}/milestones", MEMBERS),
        Call(
            "milestone_create",
            "post",
            f"{a}/milestones",
            TEAM,
            status=201,
            body={"title": "M", "due_on": _day(9)},
        ),
        Call("milestone_read", "get", f"{a}/milestones/{d.milestone.uuid}", MEMBERS),
        Call(
            "milestone_update",
            "patch",
            f"{a}/milestones/{d.milestone.uuid}",
            TEAM,
            body={"title": "M2"},
        ),
        Call("milestone_delete", "delete", f"{a}/milestones/{d.milestone.uuid}", TEAM, status=204),
        # Parties: seen through the agreements one is member of; the team changes them.
        Call("party_list", "get", "/api/v1/parties", EVERYONE),
        Call("party_create", "post", "/api/v1/parties", TEAM, EVERYONE, 201, party),
        Call("party_read", "get", f"/api/v1/parties/{x}", MEMBERS),
        Call("party_read", "get", f"/api/v1/parties/{w.party_z.uuid}", NOBODY, NOBODY, label="Z"),
        Call("party_update", "patch", f"/api/v1/parties/{x}", TEAM, body={"short_name": "MX"}),
        # Still referred to by commitments: the service refuses, naming why.
        Call("party_delete", "delete", f"/api/v1/parties/{x}", TEAM, status=422),
        # Commitments: the register for every member; terms by the team; the owing party's
        # representative moves its own commitments (status, delivery), never the terms.
        Call("commitment_list", "get", f"{a}/commitments", MEMBERS),
        Call("commitment_create", "post", f"{a}/commitments", TEAM, status=201, body=commitment),
        Call("commitment_read", "get", c, MEMBERS),
        Call("commitment_history", "get", c + "/history", MEMBERS),
        Call("commitment_update", "patch", c, TEAM, body={"clause": "7.1"}),
        Call("commitment_delete", "delete", c, TEAM, status=204),
        Call(
            "commitment_change_status",
            "post",
            c + "/status",
            TEAM | {"rep_x"},
            body={"status": "in_progress"},
        ),
        Call(
            "commitment_deliver",
            "post",
            c + "/delivery",
            TEAM | {"rep_x"},
            body={"evidence": "Permit signed"},
        ),
        Call(
            "commitment_renegotiate",
            "post",
            c + "/renegotiation",
            TEAM,
            body={"due_on": _day(60), "reason": "Elections"},
        ),
        # Interactions: internal ones for the team, restricted ones for those named.
        Call("interaction_list", "get", i, MEMBERS),
        Call("interaction_create", "post", i, TEAM, status=201, body=interaction),
        Call("interaction_read", "get", f"{i}/{d.shared_interaction.uuid}", MEMBERS),
        Call(
            "interaction_read",
            "get",
            f"{i}/{d.internal_interaction.uuid}",
            TEAM,
            TEAM,
            label="internal",
        ),
        Call(
            "interaction_read",
            "get",
            f"{i}/{d.restricted_interaction.uuid}",
            {"counsellor"},
            {"counsellor"},
            label="restricted",
        ),
        Call(
            "interaction_update",
            "patch",
            f"{i}/{d.shared_interaction.uuid}",
            TEAM,
            body={"tone": 1},
        ),
        Call(
            "interaction_update",
            "patch",
            f"{i}/{d.internal_interaction.uuid}",
            TEAM,
            TEAM,
            body={"tone": 1},
            label="internal",
        ),
        Call("interaction_delete", "delete", f"{i}/{d.shared_interaction.uuid}", TEAM, status=204),
        # Grievances, risks, topics, expectations: read by every member, kept by the team.
        *_item_calls(
            a,
            "grievances",
            "grievance",
            d.grievance,
            {
                "reference": "G-99",
                "channel": "hotline",
                "category": "land",
                "summary": "Fence",
                "received_on": _day(-3),
                "response_due_on": _day(10),
            },
            {"complainant": "Village council"},
        ),
        *_item_calls(
            a,
            "risks",
            "risk",
            d.risk,
            {
                "title": "Currency",
                "category": "macroeconomic",
                "rating": "high",
                "likelihood": 3,
                "impact": 4,
                "owner": y,
                "commitments": [str(d.commitment_y.uuid)],
            },
            {"rating": "moderate"},
        ),
        *_item_calls(
            a, "topics", "topic", d.topic, {"name": "Land access"}, {"target_unit": "jobs"}
        ),
        *_item_calls(
            a,
            "expectations",
            "expectation",
            d.expectation,
            {
                "topic": str(d.topic.uuid),
                "party": y,
                "statement": "Sooner",
                "recorded_on": _day(0),
            },
            {"priority": 3},
        ),
        *_item_calls(
            a,
            "requirements",
            "regulatoryrequirement",
            d.requirement,
            {
                "jurisdiction": "SN",
                "authority": x,
                "instrument": "Decree 12",
                "requirement": "EIA",
            },
            {"alignment_status": "gap"},
        ),
        *_item_calls(
            a,
            "indicators",
            "localindicator",
            d.indicator,
            {
                "kind": "training",
                "name": "Welders",
                "unit": "people",
                "target": "40",
                "target_on": _day(200),
            },
            {"target": "45"},
        ),
        *_item_calls(
            a,
            "observations",
            "indicatorobservation",
            d.observation,
            {
                "indicator": str(d.indicator.uuid),
                "observed_on": _day(0),
                "value": "12",
            },
            {"source": "Site register"},
        ),
        *_item_calls(
            a,
            "warnings",
            "earlywarning",
            d.warning,
            {
                "title": "Permit stalls",
                "explanation": "No answer in 40 days",
                "severity": "warning",
                "raised_on": _day(0),
            },
            {"status": "acknowledged"},
        ),
        # Objectives, notes on people (internal unless shared), pulses: read as the
        # policy says, kept by the team.
        *_item_calls(
            a,
            "objectives",
            "strategicobjective",
            d.objective,
            {
                "source": "sdg",
                "code": "9.1",
                "title": "Infrastructure",
                "commitments": [str(d.commitment_x.uuid)],
                "indicators": [str(d.indicator.uuid)],
            },
            {"code": "9.2"},
        ),
        Call("personnote_list", "get", f"{a}/notes", MEMBERS),
        Call(
            "personnote_create",
            "post",
            f"{a}/notes",
            TEAM,
            status=201,
            body={"person": str(w.person_y.uuid), "text": "Prefers letters"},
        ),
        Call(
            "personnote_create",
            "post",
            f"{a}/notes",
            TEAM,
            status=422,
            body={"person": str(w.person_y.uuid), "text": "x", "restricted_to": ["nobody"]},
            label="stranger named",
        ),
        Call("personnote_read", "get", f"{a}/notes/{d.note.uuid}", TEAM, TEAM),
        Call(
            "personnote_update", "patch", f"{a}/notes/{d.note.uuid}", TEAM, TEAM, body={"text": "y"}
        ),
        Call("personnote_delete", "delete", f"{a}/notes/{d.note.uuid}", TEAM, TEAM, status=204),
        *_item_calls(
            a,
            "pulses",
            "trustpulse",
            d.pulse,
            {"title": "Second pulse", "opens_on": _day(0), "closes_on": _day(14)},
            {"title": "First pulse, renamed"},
        ),
        # Pulse answers: the team's one by one; a representative's own only (a colleague's
        # answer is as if it did not exist, and they may not answer for a colleague).
        Call("trustresponse_list", "get", f"{a}/responses", MEMBERS),
        Call(
            "trustresponse_create",
            "post",
            f"{a}/responses",
            TEAM,
            status=201,
            body={
                "pulse": str(d.pulse.uuid),
                "respondent": x_person,
                "about_party": str(newcomer.uuid),
                **LIKERT,
                "submitted_on": _day(-20),
            },
        ),
        Call(
            "trustresponse_create",
            "post",
            f"{a}/responses",
            TEAM | {"rep_x"},
            status=201,
            label="own",
            body={
                "pulse": str(d.pulse.uuid),
                "respondent": str(in_person.uuid),
                "about_party": str(newcomer.uuid),
                **LIKERT,
                "submitted_on": _day(-20),
            },
        ),
        Call("trustresponse_read", "get", f"{a}/responses/{d.response_x.uuid}", TEAM, TEAM),
        Call(
            "trustresponse_update",
            "patch",
            f"{a}/responses/{d.response_x.uuid}",
            TEAM,
            TEAM,
            body={"ability": 6},
        ),
        Call(
            "trustresponse_delete",
            "delete",
            f"{a}/responses/{d.response_x.uuid}",
            TEAM,
            TEAM,
            status=204,
        ),
        Call("trustresponse_read", "get", mine, TEAM | {"rep_x"}, TEAM | {"rep_x"}, label="own"),
        Call(
            "trustresponse_update",
            "patch",
            mine,
            TEAM | {"rep_x"},
            TEAM | {"rep_x"},
            body={"ability": 6},
            label="own",
        ),
        Call(
            "trustresponse_delete",
            "delete",
            mine,
            TEAM | {"rep_x"},
            TEAM | {"rep_x"},
            status=204,
            label="own",
        ),
        # A party's people and blackout periods: seen by every member, kept by the team.
        Call("person_list", "get", f"/api/v1/parties/{x}/people", MEMBERS),
        Call(
            "person_create",
            "post",
            f"/api/v1/parties/{x}/people",
            TEAM,
            status=201,
            body={"name": "Fatou Sow", "languages": "fr,wo"},
        ),
        Call("person_read", "get", f"/api/v1/parties/{x}/people/{x_person}", MEMBERS),
        Call(
            "person_read",
            "get",
            f"/api/v1/parties/{w.party_z.uuid}/people/{stranger.uuid}",
            NOBODY,
            NOBODY,
            label="Z",
        ),
        Call(
            "person_update",
            "patch",
            f"/api/v1/parties/{x}/people/{x_person}",
            TEAM,
            body={"role_title": "Director"},
        ),
        Call(
            "person_delete",
            "delete",
            f"/api/v1/parties/{x}/people/{leaving.uuid}",
            TEAM,
            status=204,
        ),
        Call("blackoutperiod_list", "get", f"/api/v1/parties/{x}/blackouts", MEMBERS),
        Call(
            "blackoutperiod_create",
            "post",
            f"/api/v1/parties/{x}/blackouts",
            TEAM,
            status=201,
            body={"starts_on": _day(100), "ends_on": _day(110), "reason": "Budget freeze"},
        ),
        Call(
            "blackoutperiod_read",
            "get",
            f"/api/v1/parties/{x}/blackouts/{d.blackout.uuid}",
            MEMBERS,
        ),
        Call(
            "blackoutperiod_update",
            "patch",
            f"/api/v1/parties/{x}/blackouts/{d.blackout.uuid}",
            TEAM,
            body={"reason": "Elections"},
        ),
        Call(
            "blackoutperiod_delete",
            "delete",
            f"/api/v1/parties/{x}/blackouts/{d.blackout.uuid}",
            TEAM,
            status=204,
        ),
        Call(
            "earlywarning_read",
            "get",
            f"{a}/warnings/{d.internal_warning.uuid}",
            TEAM,
            TEAM,
            label="internal",
        ),
        # Webhook subscriptions: anyone subscribes for themselves (the policy decides, as
        # them, what each delivery carries); a subscription is its owner's alone.
        Call("webhook_list", "get", "/api/v1/webhooks", EVERYONE),
        Call(
            "webhook_create",
            "post",
            "/api/v1/webhooks",
            EVERYONE,
            status=201,
            body={"url": HOOK_URL, "events": ["commitment.status_changed"]},
        ),
        Call("webhook_read", "get", h, {"owner"}, NOBODY),
        Call("webhook_deliveries", "get", h + "/deliveries", {"owner"}, NOBODY),
        Call("webhook_delete", "delete", h, {"owner"}, NOBODY, status=204),
        # Insights: the stored snapshots for every member; a recompute asked by the team.
        Call("insight_list", "get", f"{a}/insights", MEMBERS),
        Call("insight_read", "get", f"{a}/insights/trust", MEMBERS),
        Call("insight_read", "get", f"{a}/insights/schedule", MEMBERS, label="schedule"),
        Call("trust_pairs", "get", f"{a}/trust/pairs", MEMBERS),
        Call("insight_recompute", "post", f"{a}/insights/recompute", TEAM, status=202),
    ]


def _item_calls(
    a: str, slug: str, name: str, obj: Any, new: dict[str, Any], change: dict[str, Any]
) -> list[Call]:
    url = f"{a}/{slug}"
    one = f"{url}/{obj.uuid}"
    return [
        Call(f"{name}_list", "get", url, MEMBERS),
        Call(f"{name}_create", "post", url, TEAM, status=201, body=new),
        Call(f"{name}_read", "get", one, MEMBERS),
        Call(f"{name}_update", "patch", one, TEAM, body=change),
        Call(f"{name}_delete", "delete", one, TEAM, status=204),
    ]


def unlisted(calls: list[Call]) -> set[str]:
    """Operations of the schema that no row calls."""
    schema = api.get_openapi_schema()
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    return operations - {c.operation for c in calls}


def walk(w: Any, calls: list[Call], actors: tuple[str, ...] = ACTORS) -> list[str]:
    """Call every row as every actor (writes rolled back); one line per unexpected answer."""
    problems = []
    for actor in actors:
        client = token_client(getattr(w, actor))
        for call in calls:
            with transaction.atomic():
                response = _send(client, call)
                transaction.set_rollback(True)
            tally("api.route_role")
            expected = call.expected(actor)
            if response.status_code != expected:
                problems.append(
                    f"{actor} {call.name} {call.method.upper()} {call.url}: "
                    f"{response.status_code}, expected {expected} {response.content[:200]!r}"
                )
    return problems


def _send(client: Any, call: Call) -> Any:
    send: Callable[..., Any] = getattr(client, call.method)
    if call.method in ("post", "patch"):
        return send(call.url, call.body or {}, **call.headers)
    return send(call.url, **call.headers)
