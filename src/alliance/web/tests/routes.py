"""Every route of the cockpit with the actors allowed on it: the reusable walker's table.

``agreement_routes`` lists each page of one agreement (tabs, drill-downs, forms for every
entity) with who may open it; everyone else must get 404, exactly as for something that does
not exist. ``walk`` requests all of them for all actors and returns the mismatches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alliance.extraction import services as extraction_services
from alliance.testing import tally

MEMBERS = frozenset({"owner", "counsellor", "editor", "rep_x", "rep_y", "viewer"})
TEAM = frozenset({"owner", "counsellor", "editor"})
OWNER_COUNSELLOR = frozenset({"owner", "counsellor"})
REPS = frozenset({"rep_x", "rep_y"})
ACTORS = ("owner", "counsellor", "editor", "rep_x", "rep_y", "viewer", "outsider")


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    allowed: frozenset[str]
    htmx: bool = False  # the tab also answers HTMX requests with its partial
    status: int = 200  # what an allowed actor gets (301 for an old address that moved)
    # False for a route found in the URL configuration whose exact answer the tables do not
    # know: members must not get a server error, everyone else must get 404.
    strict: bool = True


def _stage_change(w: Any) -> Any:
    """A proposed stage change of the agreement (the team decides on its page)."""
    from datetime import date

    from alliance.analytics.models import StageChange

    change, _created = StageChange.objects.get_or_create(
        agreement=w.agreement,
        status="pending",
        defaults={
            "from_stage": "implementing",
            "to_stage": "calibrating",
            "cause": "criteria",
            "first_seen_on": date(2026, 11, 20),
            "last_seen_on": date(2026, 11, 20),
        },
    )
    return change


def _delivery(w: Any) -> Any:
    """A delivery party X declared to party Y, waiting for Y's answer."""
    from datetime import timedelta

    from django.utils import timezone

    from alliance.partnerships import services as ps
    from alliance.partnerships.models import DeliveryConfirmation

    found = DeliveryConfirmation.objects.filter(commitment__agreement=w.agreement).first()
    if found is not None:
        return found
    commitment = ps.commitment_create(
        actor=w.owner,
        agreement=w.agreement,
        owed_by=w.party_x,
        owed_to=[w.party_y],
        title="Publish the tariff decree",
        category="regulatory",
        due_on=timezone.localdate() + timedelta(days=10),
        duration_optimistic=1,
        duration_likely=2,
        duration_pessimistic=3,
    )
    ps.commitment_deliver(actor=w.rep_x, commitment=commitment, evidence="Official gazette")
    return commitment.confirmations.get()


def _proposal(w: Any, d: Any) -> Any:
    """Party Y asks to move the due date of what it owes X; X has not answered yet."""
    from datetime import timedelta

    from alliance.partnerships import services as ps
    from alliance.partnerships.models import DueDateProposal

    found = DueDateProposal.objects.filter(commitment=d.commitment_y).first()
    if found is not None:
        return found
    return ps.due_date_propose(
        actor=w.rep_y,
        commitment=d.commitment_y,
        to_due_on=d.commitment_y.due_on + timedelta(days=30),
        reason="The board meets a month later.",
    )


def _comments(w: Any, d: Any) -> None:
    """An internal comment of the team and a shared one of party Y on commitment X (the
    discretion walk looks for the internal marker on every page a party may open)."""
    from alliance.partnerships import services as ps
    from alliance.web.tests.data import INTERNAL_TEXT

    if d.commitment_x.comments.exists():
        return
    ps.commitment_comment_add(
        actor=w.counsellor,
        commitment=d.commitment_x,
        text=f"{INTERNAL_TEXT} the ministry waits for the elections",
        confidentiality="internal",
    )
    ps.commitment_comment_add(
        actor=w.rep_y, commitment=d.commitment_x, text="We need the permit before the tranche."
    )


def _open_round(w: Any) -> Any:
    """A pulse round open on the clock's day (the team's controls work on it)."""
    from datetime import timedelta

    from alliance.core import clock
    from alliance.engagement import services as es
    from alliance.engagement.models import TrustPulse

    found = TrustPulse.objects.filter(agreement=w.agreement, title="Open round").first()
    if found is not None:
        return found
    today = clock.today()
    return es.trust_pulse_open(
        actor=w.owner,
        agreement=w.agreement,
        title="Open round",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=10),
    )


def pulse_control_routes(w: Any, d: Any) -> list[Route]:
    """The team's controls of a round: re-send and extend are POST only (a GET goes back to
    the round's page), closing early asks first (GET shows the question). Nobody outside
    the team learns the round exists."""
    a, p = w.agreement.uuid, _open_round(w).uuid
    return [
        Route("pulse_round_open_round", reverse("pulse_round", args=[a, p]), TEAM),
        Route("pulse_round_resend", reverse("pulse_round_resend", args=[a, p]), TEAM, status=302),
        Route("pulse_round_extend", reverse("pulse_round_extend", args=[a, p]), TEAM, status=302),
        Route("pulse_round_close", reverse("pulse_round_close", args=[a, p]), TEAM),
        # A round of this agreement is not found under another agreement's address.
        Route(
            "pulse_round_close_other_agreement",
            reverse("pulse_round_close", args=[w.other_agreement.uuid, p]),
            frozenset(),
        ),
    ]


def loop_routes(w: Any, d: Any) -> list[Route]:
    """The parties' own part in a commitment: every member reads a delivery's question and
    its answer (the form is only shown to the party owed and the team)."""
    a = w.agreement.uuid
    delivery = _delivery(w)
    c = delivery.commitment.uuid
    proposal = _proposal(w, d)
    _comments(w, d)
    y = d.commitment_y.uuid
    return [
        # Comments are posted here and read on the commitment's page (a GET goes back there).
        Route(
            "commitment_comment",
            reverse("commitment_comment", args=[a, d.commitment_x.uuid]),
            TEAM | REPS,
            status=302,
        ),
        Route("delivery_answer", reverse("delivery_answer", args=[a, c, delivery.uuid]), MEMBERS),
        # The parties concerned (owing and owed) and the team propose; others get 404.
        Route("due_date_propose", reverse("due_date_propose", args=[a, y]), TEAM | REPS),
        Route(
            "due_date_proposal", reverse("due_date_proposal", args=[a, y, proposal.uuid]), MEMBERS
        ),
        Route(
            "due_date_proposal_other_commitment",
            reverse("due_date_proposal", args=[a, d.commitment_x.uuid, proposal.uuid]),
            frozenset(),
        ),
        # A delivered commitment has no due date left to renegotiate.
        Route("due_date_propose_delivered", reverse("due_date_propose", args=[a, c]), frozenset()),
        # The answer is not found under another commitment's address.
        Route(
            "delivery_answer_other_commitment",
            reverse("delivery_answer", args=[a, d.commitment_x.uuid, delivery.uuid]),
            frozenset(),
        ),
    ]


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
        Route("before_you_meet", reverse("before_you_meet", args=[a]), MEMBERS, status=301),
        Route(
            "before_you_meet_x",
            reverse("before_you_meet", args=[a]) + f"?party={w.party_x.uuid}",
            MEMBERS,
            status=301,
        ),
        Route("agreement_brief", reverse("agreement_brief", args=[a]), MEMBERS),
        Route("party_briefs", reverse("party_briefs", args=[a]), MEMBERS),
        Route("party_brief_x", reverse("party_brief", args=[a, w.party_x.uuid]), MEMBERS),
        Route("party_brief_y", reverse("party_brief", args=[a, w.party_y.uuid]), MEMBERS),
        Route(
            "party_brief_points_x", reverse("party_brief_points", args=[a, w.party_x.uuid]), TEAM
        ),
        Route(
            "party_brief_point_delete",
            reverse("party_brief_point_delete", args=[a, w.party_x.uuid, d.brief_note.uuid]),
            TEAM,
        ),
        # The team's point on party X is not found under party Y's address.
        Route(
            "party_brief_point_delete_other_party",
            reverse("party_brief_point_delete", args=[a, w.party_y.uuid, d.brief_note.uuid]),
            frozenset(),
        ),
        # Party Z takes no part in this agreement: it has no brief here.
        Route("party_brief_z", reverse("party_brief", args=[a, w.party_z.uuid]), frozenset()),
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
        # Accounts: members and invitations (owner, counsellor), the audit log (owner).
        Route("agreement_members", reverse("agreement_members", args=[a]), OWNER_COUNSELLOR),
        Route("audit_log", reverse("audit_log") + f"?agreement={a}", frozenset({"owner"})),
        Route(
            "audit_log_csv",
            reverse("audit_log") + f"?agreement={a}&format=csv",
            frozenset({"owner"}),
        ),
        Route("stage_change", reverse("stage_change", args=[a, _stage_change(w).uuid]), TEAM),
        # Pulse rounds: who is asked and what each answered is the team's.
        Route("pulse_round_open", reverse("pulse_round_open", args=[a]), TEAM),
        Route("pulse_round", reverse("pulse_round", args=[a, d.pulse.uuid]), TEAM),
        # The inbox is everyone's (an outsider's is empty); its actions are POST only and
        # answer 404 for an item outside one's inbox (alliance.attention's tests).
        Route("inbox", reverse("inbox"), MEMBERS | {"outsider"}),
        Route("inbox_mine", reverse("inbox") + "?mine=1", MEMBERS | {"outsider"}),
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
        # A representative answers a pulse for themselves; a colleague's answer (response_x
        # is Awa Diop's, not rep_x's) is never theirs to open.
        creators = TEAM | {"rep_x", "rep_y"} if slug == "responses" else TEAM
        editors = TEAM
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
    return routes + extraction_routes(w) + loop_routes(w, d) + pulse_control_routes(w, d)


EXTRACTION_TEXT = "Article 1\nMinistry X shall pay Lender Y within 30 days of signature.\n"


def extraction_routes(w: Any) -> list[Route]:
    """The review of candidate commitments: internal to the team (a party representative
    never sees a candidate, not even its existence)."""
    run = w.agreement.extraction_runs.first() or extraction_services.extraction_run_create(
        actor=w.owner, agreement=w.agreement, data=EXTRACTION_TEXT.encode(), name="text.txt"
    )
    candidate = run.candidates.first()
    a = w.agreement.uuid
    return [
        Route("extraction", reverse("extraction", args=[a]), TEAM),
        Route("extraction_run", reverse("extraction_run", args=[a, run.uuid]), TEAM),
        Route(
            "extraction_candidate",
            reverse("extraction_candidate", args=[a, candidate.uuid]),
            TEAM,
        ),
    ]


def brief_pdf_routes(w: Any) -> list[Route]:
    """The briefs' PDF downloads (walked apart: rendering a PDF takes a second, and their
    text is checked for discretion after extraction, in ``alliance.briefings.tests``)."""
    a = w.agreement.uuid
    return [
        Route("agreement_brief_pdf", reverse("agreement_brief_pdf", args=[a]), MEMBERS),
        Route(
            "agreement_brief_pdf_fr", reverse("agreement_brief_pdf", args=[a]) + "?lang=fr", MEMBERS
        ),
        Route("party_brief_pdf_x", reverse("party_brief_pdf", args=[a, w.party_x.uuid]), MEMBERS),
        Route(
            "party_brief_pdf_y_fr",
            reverse("party_brief_pdf", args=[a, w.party_y.uuid]) + "?lang=fr",
            MEMBERS,
        ),
        Route(
            "party_brief_pdf_z", reverse("party_brief_pdf", args=[a, w.party_z.uuid]), frozenset()
        ),
    ]


# ----- every route the site has, found in the URL configuration ---------------------------

# Route parameters the walker can fill by itself; a route with any other parameter must be in
# ``agreement_routes`` (checked by ``unwalked_patterns``).
EXPORT_FORMATS = ("csv", "xlsx")


def url_patterns() -> list[tuple[str, URLPattern]]:
    """Every named route of the site as ``(namespaced name, pattern)``."""
    found: list[tuple[str, URLPattern]] = []

    def visit(patterns: Iterable[Any], namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                visit(p.url_patterns, ns)
            elif p.name:
                found.append((namespace + p.name, p))

    visit(get_resolver().url_patterns, "")
    return found


def _parameters(pattern: URLPattern) -> set[str]:
    return set(pattern.pattern.converters)


def generated_routes(w: Any) -> list[Route]:
    """Every route whose parameters are an agreement or an export entity, each filled with
    every value it takes: a route added later is walked without listing it. Exports and the
    pages around them answer every member (what they download is filtered by the policy);
    other routes, unless listed in ``agreement_routes``, must at least never fail."""
    from alliance.interchange.entities import SPECS

    walked_apart = {r.name for r in brief_pdf_routes(w)}
    routes = []
    for name, pattern in url_patterns():
        params = _parameters(pattern)
        if "agreement_id" not in params or params - {"agreement_id", "entity"}:
            continue
        if name in walked_apart:
            continue
        entities = [s.name for s in SPECS] if "entity" in params else [None]
        for entity in entities:
            kwargs = {"agreement_id": w.agreement.uuid}
            if entity is not None:
                kwargs["entity"] = entity
            label = f"{name}[{entity}]" if entity else name
            url = reverse(name, kwargs=kwargs)
            routes.append(Route(label, url, MEMBERS, strict=name.startswith("interchange:")))
    return routes


def _walked_by_their_app() -> set[str]:
    """Route names another app's tests request with the objects they need (``reverse("…"``
    in a test module outside this one): those walks count."""
    from pathlib import Path

    package = Path(__file__).resolve().parents[2]
    names: set[str] = set()
    for path in package.glob("*/tests/test_*.py"):
        if path.parent == Path(__file__).parent:
            continue
        names |= set(re.findall(r"""reverse\(\s*["']([\w:]+)["']""", path.read_text("utf-8")))
    return {n.split(":")[-1] for n in names}


def unwalked_patterns(w: Any, d: Any) -> list[str]:
    """Named routes with an agreement that no walk requests: neither these tables nor their
    own app's tests (a new route must be listed somewhere)."""
    listed = agreement_routes(w, d) + generated_routes(w) + brief_pdf_routes(w)
    elsewhere = _walked_by_their_app()
    walked = {r.url.split("?")[0] for r in listed}
    names = {r.name for r in listed}
    missing = []
    for name, pattern in url_patterns():
        if "agreement_id" not in _parameters(pattern):
            continue
        if name.startswith("api:"):  # alliance.api.tests walks every API operation itself
            continue
        short = name.split(":")[-1]
        if short in elsewhere:
            continue
        if name not in names and short not in names and not _any_match(pattern, walked):
            missing.append(name)
    return missing


def _any_match(pattern: URLPattern, urls: Iterable[str]) -> bool:
    return any(pattern.pattern.match(u.lstrip("/").removeprefix("interchange/")) for u in urls)


def other_agreement_routes(w: Any) -> list[Route]:
    """Pages of the agreement no actor of ``world`` belongs to: everyone gets 404."""
    a = w.other_agreement.uuid
    names = [
        "agreement",
        "agreement_commitments",
        "agreement_trust",
        "before_you_meet",
        "extraction",
        "agreement_members",
    ]
    names += ["agreement_brief", "agreement_brief_pdf", "party_briefs"]
    routes = [Route(name, reverse(name, args=[a]), frozenset()) for name in names]
    routes.append(Route("audit_log", reverse("audit_log") + f"?agreement={a}", frozenset()))
    z = w.party_z.uuid
    for name in ("party_brief", "party_brief_pdf", "party_brief_points"):
        routes.append(Route(f"{name}_z", reverse(name, args=[a, z]), frozenset()))
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
            tally("pages.route_role")
            expected = route.status if actor in route.allowed else 404
            if not route.strict and (actor in route.allowed or status == 405):
                # Members: anything but a failure; a POST-only route refuses GET for all.
                expected = status if status < 500 else 200
            if status >= 500 or status != expected:
                problems.append(f"{actor} {route.name} {route.url}: {status}, expected {expected}")
    return problems
