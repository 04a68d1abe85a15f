"""Every entity the cockpit creates, edits and deletes: its form and the services that write it.

One table instead of sixty near-identical views: the generic views in ``views/edit.py`` look the
entity up here by its URL slug. Each adapter only maps form data onto the service's keyword
arguments; the services check the policy, validate and audit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from django.db.models import Model

from alliance.core.services import DeletionPlan, plan_deletion
from alliance.engagement import services as es
from alliance.engagement.models import (
    Expectation,
    Grievance,
    Interaction,
    PersonNote,
    Topic,
    TrustPulse,
    TrustResponse,
)
from alliance.partnerships import services as ps
from alliance.partnerships.models import (
    Agreement,
    BlackoutPeriod,
    Commitment,
    Milestone,
    Participation,
    Party,
    Person,
    StrategicObjective,
)
from alliance.risks import services as rs
from alliance.risks.models import (
    EarlyWarning,
    IndicatorObservation,
    LocalIndicator,
    RegulatoryRequirement,
    Risk,
)
from alliance.web.forms import engagement as ef
from alliance.web.forms import partnerships as pf
from alliance.web.forms import risks as rf

Data = dict[str, Any]


@dataclass(frozen=True)
class Entity:
    slug: str  # the URL segment: /agreements/<id>/<slug>/new/
    model: type[Model]
    form: type[Any]
    create: Callable[[Any, Any, Data], Model]  # (actor, parent, data) -> new object
    update: Callable[[Any, Model, Data], Model]  # (actor, object, data) -> object
    delete: Callable[[Any, Model], None]  # (actor, object)
    back: str  # the URL name of the page to return to (a cockpit tab or the party page)
    rep_may_create: bool = False  # party representatives may create it (pulse answers)
    # What a deletion would take with it, shown before confirming (actor, object) -> plan.
    plan: Callable[[Any, Model], DeletionPlan] = plan_deletion

    @property
    def has_agreement_field(self) -> bool:
        return any(f.name == "agreement" for f in self.model._meta.concrete_fields)


def _update(service: Callable[..., Model], param: str) -> Callable[[Any, Model, Data], Model]:
    return lambda actor, obj, data: service(actor=actor, **{param: obj}, **data)


def _delete(service: Callable[..., None], param: str) -> Callable[[Any, Model], None]:
    return lambda actor, obj: service(actor=actor, **{param: obj})


def _in_agreement(service: Callable[..., Model]) -> Callable[[Any, Any, Data], Model]:
    return lambda actor, agreement, data: service(actor=actor, agreement=agreement, **data)


def _commitment_update(actor: Any, commitment: Model, data: Data) -> Model:
    """Terms through ``commitment_update``; prerequisites added and dropped one by one."""
    wanted = set(data.pop("depends_on", []) or [])
    current = set(commitment.depends_on.all())  # type: ignore[attr-defined]
    ps.commitment_update(actor=actor, commitment=commitment, **data)
    for prerequisite in sorted(wanted - current, key=lambda c: c.pk):
        ps.commitment_add_dependency(actor=actor, commitment=commitment, prerequisite=prerequisite)
    for prerequisite in sorted(current - wanted, key=lambda c: c.pk):
        ps.commitment_remove_dependency(
            actor=actor, commitment=commitment, prerequisite=prerequisite
        )
    return commitment


def _expectation_record(actor: Any, agreement: Any, data: Data) -> Model:
    return es.expectation_record(
        actor=actor, topic=data.pop("topic"), party=data.pop("party"), **data
    )


def _warning_raise(actor: Any, agreement: Any, data: Data) -> Model:
    warning, _new = rs.early_warning_raise(
        actor=actor, agreement=agreement, key=f"manual:{uuid4()}", **data
    )
    return warning


def _observe(actor: Any, agreement: Any, data: Data) -> Model:
    return rs.indicator_observe(actor=actor, **data)


def _respond(actor: Any, agreement: Any, data: Data) -> Model:
    return es.trust_response_submit(actor=actor, **data)


# Entities hanging from an agreement: /agreements/<agreement>/<slug>/…
AGREEMENT_ENTITIES: dict[str, Entity] = {
    e.slug: e
    for e in (
        Entity(
            "participations",
            Participation,
            pf.ParticipationForm,
            _in_agreement(ps.participation_add),
            _update(ps.participation_update, "participation"),
            _delete(ps.participation_delete, "participation"),
            "agreement_parties",
        ),
        Entity(
            "milestones",
            Milestone,
            pf.MilestoneForm,
            _in_agreement(ps.milestone_create),
            _update(ps.milestone_update, "milestone"),
            _delete(ps.milestone_delete, "milestone"),
            "agreement",
        ),
        Entity(
            "commitments",
            Commitment,
            pf.CommitmentForm,
            _in_agreement(ps.commitment_create),
            _commitment_update,
            _delete(ps.commitment_delete, "commitment"),
            "agreement_commitments",
        ),
        Entity(
            "objectives",
            StrategicObjective,
            pf.StrategicObjectiveForm,
            _in_agreement(ps.strategic_objective_create),
            _update(ps.strategic_objective_update, "objective"),
            _delete(ps.strategic_objective_delete, "objective"),
            "agreement",
        ),
        Entity(
            "interactions",
            Interaction,
            ef.InteractionForm,
            _in_agreement(es.interaction_log),
            _update(es.interaction_update, "interaction"),
            _delete(es.interaction_delete, "interaction"),
            "agreement_interactions",
        ),
        Entity(
            "notes",
            PersonNote,
            ef.PersonNoteForm,
            _in_agreement(es.person_note_add),
            _update(es.person_note_update, "note"),
            _delete(es.person_note_delete, "note"),
            "agreement_parties",
        ),
        Entity(
            "topics",
            Topic,
            ef.TopicForm,
            _in_agreement(es.topic_create),
            _update(es.topic_update, "topic"),
            _delete(es.topic_delete, "topic"),
            "agreement_expectations",
        ),
        Entity(
            "expectations",
            Expectation,
            ef.ExpectationForm,
            _expectation_record,
            _update(es.expectation_update, "expectation"),
            _delete(es.expectation_delete, "expectation"),
            "agreement_expectations",
        ),
        Entity(
            "pulses",
            TrustPulse,
            ef.TrustPulseForm,
            _in_agreement(es.trust_pulse_open),
            _update(es.trust_pulse_update, "pulse"),
            _delete(es.trust_pulse_delete, "pulse"),
            "agreement_trust",
        ),
        Entity(
            "responses",
            TrustResponse,
            ef.TrustResponseForm,
            _respond,
            _update(es.trust_response_update, "response"),
            _delete(es.trust_response_delete, "response"),
            "agreement_trust",
            rep_may_create=True,
        ),
        Entity(
            "grievances",
            Grievance,
            ef.GrievanceForm,
            _in_agreement(es.grievance_register),
            _update(es.grievance_update, "grievance"),
            _delete(es.grievance_delete, "grievance"),
            "agreement_grievances",
        ),
        Entity(
            "risks",
            Risk,
            rf.RiskForm,
            _in_agreement(rs.risk_create),
            _update(rs.risk_update, "risk"),
            _delete(rs.risk_delete, "risk"),
            "agreement_risks",
        ),
        Entity(
            "requirements",
            RegulatoryRequirement,
            rf.RegulatoryRequirementForm,
            _in_agreement(rs.regulatory_requirement_create),
            _update(rs.regulatory_requirement_update, "regulatory_requirement"),
            _delete(rs.regulatory_requirement_delete, "requirement"),
            "agreement_risks",
        ),
        Entity(
            "indicators",
            LocalIndicator,
            rf.LocalIndicatorForm,
            _in_agreement(rs.local_indicator_create),
            _update(rs.local_indicator_update, "indicator"),
            _delete(rs.local_indicator_delete, "indicator"),
            "agreement_local",
        ),
        Entity(
            "observations",
            IndicatorObservation,
            rf.IndicatorObservationForm,
            _observe,
            _update(rs.indicator_observation_update, "observation"),
            _delete(rs.indicator_observation_delete, "observation"),
            "agreement_local",
        ),
        Entity(
            "warnings",
            EarlyWarning,
            rf.EarlyWarningForm,
            _warning_raise,
            _update(rs.early_warning_update, "warning"),
            _delete(rs.early_warning_delete, "warning"),
            "agreement",
        ),
    )
}

# Entities hanging from a party: /parties/<party>/<slug>/…
PARTY_ENTITIES: dict[str, Entity] = {
    e.slug: e
    for e in (
        Entity(
            "people",
            Person,
            pf.PersonForm,
            lambda actor, party, data: ps.person_create(actor=actor, party=party, **data),
            _update(ps.person_update, "person"),
            _delete(ps.person_delete, "person"),
            "party",
            plan=lambda actor, person: ps.person_delete_plan(actor=actor, person=person),
        ),
        Entity(
            "blackouts",
            BlackoutPeriod,
            pf.BlackoutPeriodForm,
            lambda actor, party, data: ps.blackout_period_add(actor=actor, party=party, **data),
            _update(ps.blackout_period_update, "period"),
            _delete(ps.blackout_period_delete, "period"),
            "party",
        ),
    )
}

PARTY = Entity(
    "parties",
    Party,
    pf.PartyForm,
    lambda actor, _parent, data: ps.party_create(actor=actor, **data),
    _update(ps.party_update, "party"),
    _delete(ps.party_delete, "party"),
    "party",
    plan=lambda actor, party: ps.party_delete_plan(actor=actor, party=party),
)

AGREEMENT = Entity(
    "agreements",
    Agreement,
    pf.AgreementForm,
    lambda actor, _parent, data: ps.agreement_create(actor=actor, **data),
    _update(ps.agreement_update, "agreement"),
    _delete(ps.agreement_delete, "agreement"),
    "agreement",
)
