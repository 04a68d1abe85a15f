"""The spreadsheet shape of every entity: its columns, its natural key, and which domain
service creates and updates it. One table, read by the CSV/XLSX importer, the exporter and
the template generator, so the three never disagree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from alliance.engagement import models as em
from alliance.engagement import services as es
from alliance.partnerships import models as pm
from alliance.partnerships import services as ps
from alliance.risks import models as rm
from alliance.risks import services as rs

# Column kinds: text, date, datetime, decimal, int, choice, list (of codes), ref, refs.


@dataclass(frozen=True)
class Column:
    """One column: its header, how to read it and which model field it fills."""

    name: str
    kind: str = "text"
    target: str = ""  # for ref / refs: party, person, agreement, milestone, commitment, …
    required: bool = False
    past: bool = False  # a date that cannot be in the future (a delivery, a receipt …)

    @property
    def field(self) -> str:
        return self.name


@dataclass(frozen=True)
class EntitySpec:
    """How one entity is read and written. ``keys`` are alternative natural keys, tried in
    order; the first whose columns all have a value identifies the row."""

    name: str
    model: type[Model]
    columns: tuple[Column, ...]
    keys: tuple[tuple[str, ...], ...]
    create: Callable[..., Any]
    update: Callable[..., Any] | None = None
    takes_identity: bool = True  # the create service accepts ``uuid`` and ``created_at``
    m2m: tuple[str, ...] = field(default=())
    # Creates many new objects in one go (``items``: the create service's keyword
    # arguments, one mapping per object), writing what ``create`` would for each.
    create_many: Callable[..., list[Any]] | None = None

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def scoped(self) -> bool:
        return self.column("agreement") is not None


ID = Column("id", "uuid")
CREATED = Column("created_at", "datetime", past=True)
AGREEMENT = Column("agreement", "ref", "agreement", required=True)


def C(name: str, kind: str = "text", target: str = "", **kw: Any) -> Column:
    return Column(name, kind, target, **kw)


def R(name: str, kind: str = "text", target: str = "", **kw: Any) -> Column:
    return Column(name, kind, target, required=True, **kw)


def _create_commitment(*, actor: Any, depends_on: Any = (), **data: Any) -> pm.Commitment:
    return ps.commitment_create(actor=actor, depends_on=depends_on or (), **data)


def _raise_warning(*, actor: Any, **data: Any) -> rm.EarlyWarning:
    warning, _new = rs.early_warning_raise(actor=actor, **data)
    return warning


SPECS: tuple[EntitySpec, ...] = (
    EntitySpec(
        "parties",
        pm.Party,
        (
            ID,
            R("name"),
            C("short_name"),
            R("kind", "choice"),
            R("country", "country"),
            C("level", "choice"),
            C("parent", "ref", "party"),
            C("decision_cycle_days", "int"),
            C("approval_steps", "int"),
            C("working_week"),
            C("holiday_country", "country"),
            C("holiday_subdivision"),
            C("fiscal_year_start_month", "int"),
            CREATED,
        ),
        keys=(("name",),),
        create=ps.party_create,
        create_many=ps.party_create_many,
        update=lambda *, actor, obj, **ch: ps.party_update(actor=actor, party=obj, **ch),
    ),
    EntitySpec(
        "people",
        pm.Person,
        (
            ID,
            R("party", "ref", "party"),
            R("name"),
            C("role_title"),
            C("email"),
            C("languages"),
            CREATED,
        ),
        keys=(("party", "name"),),
        create=ps.person_create,
        create_many=ps.person_create_many,
        update=lambda *, actor, obj, **ch: ps.person_update(actor=actor, person=obj, **ch),
    ),
    EntitySpec(
        "blackout_periods",
        pm.BlackoutPeriod,
        (
            ID,
            R("party", "ref", "party"),
            R("starts_on", "date"),
            R("ends_on", "date"),
            R("reason"),
            CREATED,
        ),
        keys=(("party", "starts_on", "reason"),),
        create=ps.blackout_period_add,
        takes_identity=False,
    ),
    EntitySpec(
        "agreements",
        pm.Agreement,
        (
            ID,
            R("title"),
            C("reference"),
            R("kind", "choice"),
            C("summary"),
            R("signed_on", "date", past=True),
            C("effective_on", "date"),
            C("ends_on", "date"),
            R("host_country", "country"),
            C("countries", "list"),
            C("value", "decimal"),
            C("currency"),
            C("stage", "choice"),
            CREATED,
        ),
        keys=(("reference",), ("title",)),
        create=ps.agreement_create,
        update=lambda *, actor, obj, **ch: ps.agreement_update(actor=actor, agreement=obj, **ch),
    ),
    EntitySpec(
        "participations",
        pm.Participation,
        (
            ID,
            AGREEMENT,
            R("party", "ref", "party"),
            R("role", "choice"),
            C("power", "int"),
            C("legitimacy", "int"),
            C("urgency", "int"),
            C("interest", "int"),
            C("ended_on", "date", past=True),
            C("end_note"),
            CREATED,
        ),
        keys=(("agreement", "party"),),
        create=ps.participation_add,
        create_many=ps.participation_add_many,
        update=lambda *, actor, obj, **ch: ps.participation_update(
            actor=actor, participation=obj, **ch
        ),
    ),
    EntitySpec(
        "milestones",
        pm.Milestone,
        (
            ID,
            AGREEMENT,
            R("title"),
            R("due_on", "date"),
            C("reached_on", "date", past=True),
            CREATED,
        ),
        keys=(("agreement", "title"),),
        create=ps.milestone_create,
        create_many=ps.milestone_create_many,
        update=lambda *, actor, obj, **ch: ps.milestone_update(actor=actor, milestone=obj, **ch),
    ),
    EntitySpec(
        "commitments",
        pm.Commitment,
        (
            ID,
            AGREEMENT,
            C("milestone", "ref", "milestone"),
            R("title"),
            C("description"),
            C("clause"),
            R("category", "choice"),
            R("owed_by", "ref", "party"),
            R("owed_to", "refs", "party"),
            C("start_on", "date"),
            R("due_on", "date"),
            C("due_trigger", "choice"),
            C("due_offset_days", "int"),
            C("recurrence", "choice"),
            C("duration_optimistic", "int"),
            C("duration_likely", "int"),
            C("duration_pessimistic", "int"),
            C("depends_on", "refs", "commitment"),
            C("status", "choice"),
            C("delivered_on", "date", past=True),
            C("evidence"),
            CREATED,
        ),
        keys=(("agreement", "clause", "title"),),
        create=_create_commitment,
        create_many=ps.commitment_create_many,
        m2m=("owed_to", "depends_on"),
    ),
    EntitySpec(
        "interactions",
        em.Interaction,
        (
            ID,
            AGREEMENT,
            R("kind", "choice"),
            R("occurred_on", "date"),
            R("parties", "refs", "party"),
            C("people", "refs", "person"),
            R("summary"),
            C("tone", "int"),
            C("language", "choice"),
            C("confidentiality", "choice"),
            C("restricted_to", "refs", "user"),
            CREATED,
        ),
        keys=(("agreement", "kind", "occurred_on", "summary"),),
        create=es.interaction_log,
        create_many=es.interaction_log_many,
        update=lambda *, actor, obj, **ch: es.interaction_update(
            actor=actor, interaction=obj, **ch
        ),
        m2m=("parties", "people", "restricted_to"),
    ),
    EntitySpec(
        "person_notes",
        em.PersonNote,
        (
            ID,
            AGREEMENT,
            R("person", "ref", "person"),
            R("text"),
            C("confidentiality", "choice"),
            C("restricted_to", "refs", "user"),
            CREATED,
        ),
        keys=(("agreement", "person", "text"),),
        create=es.person_note_add,
        takes_identity=False,
        m2m=("restricted_to",),
    ),
    EntitySpec(
        "topics",
        em.Topic,
        (ID, AGREEMENT, R("name"), C("description"), C("target_unit"), CREATED),
        keys=(("agreement", "name"),),
        create=es.topic_create,
        create_many=es.topic_create_many,
    ),
    EntitySpec(
        "expectations",
        em.Expectation,
        (
            ID,
            AGREEMENT,
            R("topic", "ref", "topic"),
            R("party", "ref", "party"),
            R("statement"),
            C("target_date", "date"),
            C("priority", "int"),
            C("target_value", "decimal"),
            R("recorded_on", "date", past=True),
            CREATED,
        ),
        keys=(("topic", "party", "recorded_on"),),
        create=es.expectation_record,
        create_many=es.expectation_record_many,
    ),
    EntitySpec(
        "trust_pulses",
        em.TrustPulse,
        (ID, AGREEMENT, R("title"), R("opens_on", "date"), R("closes_on", "date"), CREATED),
        keys=(("agreement", "title"),),
        create=es.trust_pulse_open,
    ),
    EntitySpec(
        "trust_responses",
        em.TrustResponse,
        (
            ID,
            AGREEMENT,
            R("pulse", "ref", "pulse"),
            R("respondent", "ref", "person"),
            R("about_party", "ref", "party"),
            R("ability", "int"),
            R("benevolence", "int"),
            R("integrity", "int"),
            R("predictability", "int"),
            R("communication", "int"),
            C("comment"),
            R("submitted_on", "date", past=True),
            CREATED,
        ),
        keys=(("pulse", "respondent", "about_party"),),
        create=es.trust_response_submit,
    ),
    EntitySpec(
        "grievances",
        em.Grievance,
        (
            ID,
            AGREEMENT,
            R("reference"),
            R("channel", "choice"),
            R("category", "choice"),
            C("complainant"),
            R("summary"),
            R("received_on", "date", past=True),
            R("response_due_on", "date"),
            C("responded_on", "date", past=True),
            C("resolved_on", "date", past=True),
            C("resolution"),
            C("status", "choice"),
            CREATED,
        ),
        keys=(("agreement", "reference"),),
        create=es.grievance_register,
        create_many=es.grievance_register_many,
    ),
    EntitySpec(
        "risks",
        rm.Risk,
        (
            ID,
            AGREEMENT,
            R("title"),
            R("category", "choice"),
            R("rating", "choice"),
            R("likelihood", "int"),
            R("impact", "int"),
            C("owner", "ref", "party"),
            C("mitigation"),
            C("status", "choice"),
            C("commitments", "refs", "commitment"),
            CREATED,
        ),
        keys=(("agreement", "title"),),
        create=rs.risk_create,
        create_many=rs.risk_create_many,
        update=lambda *, actor, obj, **ch: rs.risk_update(actor=actor, risk=obj, **ch),
        m2m=("commitments",),
    ),
    EntitySpec(
        "regulatory_requirements",
        rm.RegulatoryRequirement,
        (
            ID,
            AGREEMENT,
            R("jurisdiction"),
            C("authority", "ref", "party"),
            R("instrument"),
            R("requirement"),
            C("deadline", "date"),
            C("alignment_status", "choice"),
            C("commitments", "refs", "commitment"),
            CREATED,
        ),
        keys=(("agreement", "instrument", "requirement"),),
        create=rs.regulatory_requirement_create,
        create_many=rs.regulatory_requirement_create_many,
        update=lambda *, actor, obj, **ch: rs.regulatory_requirement_update(
            actor=actor, regulatory_requirement=obj, **ch
        ),
        m2m=("commitments",),
    ),
    EntitySpec(
        "local_indicators",
        rm.LocalIndicator,
        (
            ID,
            AGREEMENT,
            R("kind", "choice"),
            R("name"),
            R("unit"),
            R("target", "decimal"),
            R("target_on", "date"),
            CREATED,
        ),
        keys=(("agreement", "name"),),
        create=rs.local_indicator_create,
        create_many=rs.local_indicator_create_many,
    ),
    EntitySpec(
        "indicator_observations",
        rm.IndicatorObservation,
        (
            ID,
            AGREEMENT,
            R("indicator", "ref", "indicator"),
            R("observed_on", "date", past=True),
            R("value", "decimal"),
            C("source"),
            CREATED,
        ),
        keys=(("indicator", "observed_on"),),
        create=rs.indicator_observe,
        create_many=rs.indicator_observe_many,
        takes_identity=False,
    ),
    EntitySpec(
        "strategic_objectives",
        pm.StrategicObjective,
        (
            ID,
            AGREEMENT,
            R("source", "choice"),
            C("code"),
            R("title"),
            C("commitments", "refs", "commitment"),
            C("indicators", "refs", "indicator"),
            CREATED,
        ),
        keys=(("agreement", "code", "title"),),
        create=ps.strategic_objective_create,
        m2m=("commitments", "indicators"),
    ),
    EntitySpec(
        "early_warnings",
        rm.EarlyWarning,
        (
            ID,
            AGREEMENT,
            R("key"),
            C("rule"),
            R("title"),
            C("explanation"),
            R("severity", "choice"),
            C("status", "choice"),
            R("raised_on", "date", past=True),
            C("confidentiality", "choice"),
            C("commitment", "ref", "commitment"),
            CREATED,
        ),
        keys=(("agreement", "key"),),
        create=_raise_warning,
    ),
)

BY_NAME: dict[str, EntitySpec] = {spec.name: spec for spec in SPECS}
BY_MODEL: dict[type[Model], EntitySpec] = {spec.model: spec for spec in SPECS}


def spec_for(name: str) -> EntitySpec | None:
    """The entity named by a sheet or file name ("Commitments", "commitments.csv", "risks")."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    key = key.rsplit(".", 1)[0] if key.endswith((".csv", ".xlsx")) else key
    if key in BY_NAME:
        return BY_NAME[key]
    return next((s for s in SPECS if key.endswith(s.name) or key.startswith(s.name)), None)
