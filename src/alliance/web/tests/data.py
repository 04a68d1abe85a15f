"""Cockpit test data on top of ``alliance.testing.build_world``, written through the services.

``add_cockpit_data`` gives the agreement one of everything the cockpit shows, including text
that must never reach a party representative (``INTERNAL_TEXT``) and text restricted to the
counsellor (``RESTRICTED_TEXT``). ``add_volume`` adds ``n`` more of every listed thing so
that query counts can be compared at two sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from alliance.briefings import services as bs
from alliance.engagement import services as es
from alliance.partnerships import services as ps
from alliance.risks import services as rs

INTERNAL_TEXT = "INTERNAL-ONLY-7f3a"
RESTRICTED_TEXT = "RESTRICTED-ONLY-91c2"


@dataclass
class CockpitData:
    milestone: Any
    commitment_x: Any  # owed by X to Y, overdue
    commitment_y: Any  # owed by Y to X, depends on commitment_x
    shared_interaction: Any
    internal_interaction: Any
    restricted_interaction: Any
    note: Any
    topic: Any
    expectation: Any
    pulse: Any
    response_x: Any
    response_y: Any
    risk: Any
    requirement: Any
    indicator: Any
    observation: Any
    grievance: Any
    objective: Any
    warning: Any
    internal_warning: Any
    blackout: Any
    brief_note: Any = None  # the team's own point before meeting party X (internal)


def add_cockpit_data(w: Any) -> CockpitData:
    today = timezone.localdate()
    a, owner = w.agreement, w.owner
    milestone = ps.milestone_create(
        actor=owner, agreement=a, title="Financial close", due_on=today + timedelta(days=40)
    )
    commitment_x = ps.commitment_create(
        actor=owner,
        agreement=a,
        owed_by=w.party_x,
        owed_to=[w.party_y],
        title="Issue the environmental permit",
        clause="4.2",
        category="regulatory",
        milestone=milestone,
        start_on=today - timedelta(days=60),
        due_on=today - timedelta(days=5),
        duration_optimistic=20,
        duration_likely=30,
        duration_pessimistic=50,
    )
    commitment_y = ps.commitment_create(
        actor=owner,
        agreement=a,
        owed_by=w.party_y,
        owed_to=[w.party_x],
        depends_on=[commitment_x],
        title="Disburse the first tranche",
        category="financial",
        due_on=today + timedelta(days=20),
        duration_optimistic=5,
        duration_likely=10,
        duration_pessimistic=20,
    )
    shared = es.interaction_log(
        actor=owner,
        agreement=a,
        parties=[w.party_x, w.party_y],
        people=[w.person_x],
        kind="meeting",
        occurred_on=today - timedelta(days=3),
        summary="Steering committee agreed the permit schedule.",
        tone=1,
    )
    internal = es.interaction_log(
        actor=w.counsellor,
        agreement=a,
        parties=[w.party_x],
        kind="call",
        occurred_on=today - timedelta(days=2),
        summary=f"{INTERNAL_TEXT} the minister hesitates before the elections.",
        tone=-1,
        confidentiality="internal",
    )
    restricted = es.interaction_log(
        actor=w.counsellor,
        agreement=a,
        parties=[w.party_y],
        kind="letter",
        occurred_on=today - timedelta(days=1),
        summary=f"{RESTRICTED_TEXT} lender board split on the tranche.",
        confidentiality="restricted",
    )
    note = es.person_note_add(
        actor=w.counsellor,
        agreement=a,
        person=w.person_x,
        text=f"{INTERNAL_TEXT} prefers morning calls in French.",
    )
    topic = es.topic_create(actor=owner, agreement=a, name="Local hiring", target_unit="%")
    es.expectation_record(
        actor=owner,
        topic=topic,
        party=w.party_x,
        statement="Half of the workforce local",
        priority=4,
        target_value=Decimal("50"),
        target_date=today + timedelta(days=300),
        recorded_on=today - timedelta(days=100),
    )
    expectation = es.expectation_record(
        actor=owner,
        topic=topic,
        party=w.party_x,
        statement="Sixty percent local by year two",
        priority=4,
        target_value=Decimal("60"),
        target_date=today + timedelta(days=400),
        recorded_on=today - timedelta(days=10),
    )
    es.expectation_record(
        actor=owner,
        topic=topic,
        party=w.party_y,
        statement="Thirty percent, rising with training",
        priority=2,
        target_value=Decimal("30"),
        target_date=today + timedelta(days=700),
        recorded_on=today - timedelta(days=12),
    )
    pulse = es.trust_pulse_open(
        actor=owner,
        agreement=a,
        title="First pulse",
        opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=15),
    )
    answers = dict(ability=5, benevolence=4, integrity=5, predictability=3, communication=4)
    response_x = es.trust_response_submit(
        actor=owner,
        pulse=pulse,
        respondent=w.person_x,
        about_party=w.party_y,
        submitted_on=today - timedelta(days=20),
        comment="Slow but honest",
        **answers,
    )
    response_y = es.trust_response_submit(
        actor=owner,
        pulse=pulse,
        respondent=w.person_y,
        about_party=w.party_x,
        submitted_on=today - timedelta(days=20),
        **answers,
    )
    risk = rs.risk_create(
        actor=owner,
        agreement=a,
        title="Permit delayed by elections",
        category="political",
        rating="high",
        likelihood=4,
        impact=5,
        owner=w.party_x,
        commitments=[commitment_x],
    )
    requirement = rs.regulatory_requirement_create(
        actor=owner,
        agreement=a,
        jurisdiction="SN",
        authority=w.party_x,
        instrument="Environmental code, art. 48",
        requirement="Impact study approved before works",
        deadline=today + timedelta(days=30),
        alignment_status="partial",
        commitments=[commitment_x],
    )
    indicator = rs.local_indicator_create(
        actor=owner,
        agreement=a,
        kind="local_hires",
        name="Local hires",
        unit="%",
        target=Decimal("60"),
        target_on=today + timedelta(days=365),
    )
    observation = rs.indicator_observe(
        actor=owner,
        indicator=indicator,
        observed_on=today - timedelta(days=30),
        value=Decimal("35"),
    )
    grievance = es.grievance_register(
        actor=owner,
        agreement=a,
        reference="G-001",
        channel="hotline",
        category="land",
        complainant="Village association",
        summary="Fences moved onto farmland",
        received_on=today - timedelta(days=20),
        response_due_on=today - timedelta(days=5),
    )
    objective = ps.strategic_objective_create(
        actor=owner,
        agreement=a,
        source="national_plan",
        code="PSE-2.3",
        title="Logistics hub",
        commitments=[commitment_y],
    )
    warning, _new = rs.early_warning_raise(
        actor=owner,
        agreement=a,
        key="overdue:permit",
        rule="overdue",
        title="Permit overdue",
        severity="warning",
        raised_on=today,
        commitment=commitment_x,
        evidence=[{"label": "Permit due 5 days ago", "contribution": 1}],
    )
    internal_warning, _new = rs.early_warning_raise(
        actor=w.counsellor,
        agreement=a,
        key="manual:minister",
        title=f"{INTERNAL_TEXT} minister may block",
        explanation="Heard informally",
        severity="critical",
        raised_on=today,
        confidentiality="internal",
    )
    blackout = ps.blackout_period_add(
        actor=owner,
        party=w.party_x,
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=40),
        reason="Legislative elections",
    )
    brief_note = bs.party_brief_note_add(
        actor=w.counsellor,
        agreement=a,
        party=w.party_x,
        kind="ask",
        text=f"{INTERNAL_TEXT} will they raise the elections?",
        answer="Say the permit is independent of the calendar.",
    )
    return CockpitData(
        milestone,
        commitment_x,
        commitment_y,
        shared,
        internal,
        restricted,
        note,
        topic,
        expectation,
        pulse,
        response_x,
        response_y,
        risk,
        requirement,
        indicator,
        observation,
        grievance,
        objective,
        warning,
        internal_warning,
        blackout,
        brief_note,
    )


def add_volume(w: Any, n: int, *, start: int = 0) -> None:
    """``n`` more commitments, interactions, expectations, answers, risks, requirements,
    indicators (with observations), grievances, warnings and topics."""
    today = timezone.localdate()
    a, owner = w.agreement, w.owner
    pulse = es.trust_pulse_open(
        actor=owner,
        agreement=a,
        title=f"Pulse {start}",
        opens_on=today - timedelta(days=200 + start),
        closes_on=today - timedelta(days=190 + start),
    )
    for k in range(start, start + n):
        c = ps.commitment_create(
            actor=owner,
            agreement=a,
            owed_by=w.party_x if k % 2 else w.party_y,
            owed_to=[w.party_y if k % 2 else w.party_x],
            title=f"Commitment {k}",
            category="technical",
            due_on=today + timedelta(days=k - n),
            duration_optimistic=1,
            duration_likely=2,
            duration_pessimistic=3,
        )
        es.interaction_log(
            actor=owner,
            agreement=a,
            parties=[w.party_x, w.party_y],
            people=[w.person_x, w.person_y],
            kind="call",
            occurred_on=today - timedelta(days=k % 300),
            summary=f"Call {k}",
            follow_ups=[
                {
                    "title": f"Follow-up {k}",
                    "owed_by": w.party_y,
                    "owed_to": [w.party_x],
                    "due_on": today + timedelta(days=10),
                }
            ],
        )
        topic = es.topic_create(actor=owner, agreement=a, name=f"Topic {k}")
        for party in (w.party_x, w.party_y):
            es.expectation_record(
                actor=owner,
                topic=topic,
                party=party,
                statement=f"Expectation {k}",
                recorded_on=today - timedelta(days=5),
            )
        rs.risk_create(
            actor=owner,
            agreement=a,
            title=f"Risk {k}",
            category="other",
            rating="moderate",
            likelihood=1 + k % 5,
            impact=1 + (k // 5) % 5,
            commitments=[c],
        )
        rs.regulatory_requirement_create(
            actor=owner,
            agreement=a,
            jurisdiction=("SN", "FR")[k % 2],
            instrument=f"Decree {k}",
            requirement="Comply",
            commitments=[c],
        )
        indicator = rs.local_indicator_create(
            actor=owner,
            agreement=a,
            kind="training",
            name=f"Indicator {k}",
            unit="people",
            target=Decimal(100),
            target_on=today + timedelta(days=100),
        )
        rs.indicator_observe(
            actor=owner, indicator=indicator, observed_on=today, value=Decimal(k % 100)
        )
        es.grievance_register(
            actor=owner,
            agreement=a,
            reference=f"G-{k + 100}",
            channel="letter",
            category="other",
            summary=f"Grievance {k}",
            received_on=today - timedelta(days=3),
            response_due_on=today + timedelta(days=10),
        )
        rs.early_warning_raise(
            actor=owner,
            agreement=a,
            key=f"volume:{k}",
            rule="overdue",
            title=f"Warning {k}",
            severity="info",
            raised_on=today,
        )
    for person, about in ((w.person_x, w.party_y), (w.person_y, w.party_x)):
        es.trust_response_submit(
            actor=owner,
            pulse=pulse,
            respondent=person,
            about_party=about,
            submitted_on=today - timedelta(days=195 + start),
            ability=4,
            benevolence=4,
            integrity=4,
            predictability=4,
            communication=4,
        )


def add_agreements(w: Any, n: int, *, start: int = 0) -> None:
    """``n`` more agreements between X and Y where the counsellor, both representatives and
    the viewer are members, each with an overdue commitment of each party, a shared and an
    internal interaction and an open warning: what the portfolio, the inbox and search list
    across agreements."""
    from datetime import date

    from alliance.accounts.services import membership_grant

    today = timezone.localdate()
    owner = w.owner
    for k in range(start, start + n):
        a = ps.agreement_create(
            actor=owner,
            title=f"Volume agreement {k}",
            kind="loan",
            signed_on=date(2025, 1, 1),
            host_country="SN",
        )
        ps.participation_add(actor=owner, agreement=a, party=w.party_x, role="signatory")
        ps.participation_add(actor=owner, agreement=a, party=w.party_y, role="lender")
        for user, role, party in (
            (w.counsellor, "counsellor", None),
            (w.rep_x, "party_rep", w.party_x),
            (w.rep_y, "party_rep", w.party_y),
            (w.viewer, "viewer", None),
        ):
            membership_grant(actor=owner, agreement=a, user=user, role=role, party=party)
        commitments = [
            ps.commitment_create(
                actor=owner,
                agreement=a,
                owed_by=by,
                owed_to=[to],
                title=f"Volume commitment {k} {by.name}",
                category="financial",
                due_on=today - timedelta(days=3 + k),
                duration_optimistic=1,
                duration_likely=2,
                duration_pessimistic=3,
            )
            for by, to in ((w.party_x, w.party_y), (w.party_y, w.party_x))
        ]
        for confidentiality in ("shared", "internal"):
            es.interaction_log(
                actor=owner,
                agreement=a,
                parties=[w.party_x, w.party_y],
                people=[w.person_x],
                kind="meeting",
                occurred_on=today - timedelta(days=k % 30),
                summary=f"Volume meeting {k} on the permit",
                confidentiality=confidentiality,
            )
        rs.early_warning_raise(
            actor=owner,
            agreement=a,
            key=f"volume-agreement:{k}",
            rule="overdue",
            title=f"Volume warning {k}",
            severity="warning",
            raised_on=today,
            commitment=commitments[0],
        )
