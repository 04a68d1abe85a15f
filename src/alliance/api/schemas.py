"""What the API reads and writes, as pydantic schemas (they are the OpenAPI schema).

Objects are named by their public UUID (``id``); a reference to another object is its UUID.
Text is refused when it holds a NUL character or an unpaired surrogate (no database keeps
them), before it reaches a service.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from django.db import models
from ninja import Field, Schema
from pydantic import AfterValidator

from alliance.core.models import Confidentiality
from alliance.engagement.choices import (
    LANGUAGE_CHOICES,
    GrievanceCategory,
    GrievanceChannel,
    GrievanceStatus,
    InteractionKind,
    Priority,
    Tone,
)
from alliance.partnerships.choices import (
    AgreementKind,
    CommitmentCategory,
    CommitmentStatus,
    DueTrigger,
    MaturityStage,
    ParticipationRole,
    PartyKind,
    PartyLevel,
    Recurrence,
)
from alliance.risks.choices import (
    AlignmentStatus,
    IndicatorKind,
    RiskCategory,
    RiskRating,
    RiskStatus,
    Severity,
    WarningStatus,
)

TEXT_PATTERN = r"^[^\x00]*$"
# What the API may set: restricting to named users is done on the pages.
SHARED_OR_INTERNAL = Literal["shared", "internal"]


def _storable(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text must be valid Unicode") from exc
    return value


def text(max_length: int | None = None, *, min_length: int = 0) -> Any:
    """A string field: UTF-8 without NUL, at most ``max_length`` characters."""
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length, pattern=TEXT_PATTERN),
        AfterValidator(_storable),
    ]


def choice(choices: type[models.Choices]) -> Any:
    return Literal[tuple(choices.values)]  # type: ignore[valid-type]


Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 alpha-2 code")]
Days = Annotated[int, Field(ge=0, le=36500)]
Working = Annotated[int, Field(ge=1, le=36500)]
Title = text(300, min_length=1)
# A member named by username (at most 150 characters, as Django's usernames): like any text,
# without NUL, which PostgreSQL cannot even compare with (a filter by it was a 500).
Username = text(150)


# ----- agreements ---------------------------------------------------------------------------


class AgreementOut(Schema):
    id: UUID
    title: str
    reference: str
    kind: choice(AgreementKind)
    summary: str
    signed_on: date
    effective_on: date | None
    ends_on: date | None
    host_country: str
    countries: list[str]
    value: Decimal | None
    currency: str
    stage: choice(MaturityStage)
    parties: list[UUID] = Field(description="The parties taking part (their participations).")
    translations: dict[str, dict[str, str]]
    created_at: datetime


class AgreementIn(Schema):
    title: Title
    reference: text(80) = ""
    kind: choice(AgreementKind)
    summary: text() = ""
    signed_on: date
    effective_on: date | None = None
    ends_on: date | None = None
    host_country: Country
    countries: list[Country] = []
    value: Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | Literal[""] = ""
    stage: choice(MaturityStage) = MaturityStage.SIGNED


class AgreementPatch(Schema):
    title: Title = None
    reference: text(80) = None
    kind: choice(AgreementKind) = None
    summary: text() = None
    signed_on: date = None
    effective_on: date | None = None
    ends_on: date | None = None
    host_country: Country = None
    countries: list[Country] = None
    value: Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | Literal[""] = None
    stage: choice(MaturityStage) = None


# ----- parties ------------------------------------------------------------------------------


class PartyOut(Schema):
    id: UUID
    name: str
    short_name: str
    kind: choice(PartyKind)
    country: str
    level: choice(PartyLevel)
    parent: UUID | None
    decision_cycle_days: int
    approval_steps: int
    working_week: str
    holiday_country: str
    holiday_subdivision: str
    fiscal_year_start_month: int
    created_at: datetime


WEEK = Annotated[str, Field(pattern=r"^[01]{7}$", description="Monday to Sunday, 1 = working")]


class PartyIn(Schema):
    name: text(200, min_length=1)
    short_name: text(40) = ""
    kind: choice(PartyKind)
    country: Country
    level: choice(PartyLevel) = PartyLevel.HEADQUARTERS
    parent: UUID | None = None
    decision_cycle_days: Annotated[int, Field(ge=1, le=365)] = 20
    approval_steps: Annotated[int, Field(ge=1, le=20)] = 2
    working_week: WEEK = "1111100"
    holiday_country: Country | Literal[""] = ""
    holiday_subdivision: text(10) = ""
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = 1


class PartyPatch(Schema):
    name: text(200, min_length=1) = None
    short_name: text(40) = None
    kind: choice(PartyKind) = None
    country: Country = None
    level: choice(PartyLevel) = None
    parent: UUID | None = None
    decision_cycle_days: Annotated[int, Field(ge=1, le=365)] = None
    approval_steps: Annotated[int, Field(ge=1, le=20)] = None
    working_week: WEEK = None
    holiday_country: Country | Literal[""] = None
    holiday_subdivision: text(10) = None
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = None


# ----- participations -----------------------------------------------------------------------

Salience = Annotated[int, Field(ge=0, le=5)]


class ParticipationOut(Schema):
    id: UUID
    agreement: UUID
    party: UUID
    role: choice(ParticipationRole)
    power: int
    legitimacy: int
    urgency: int
    interest: int
    ended_on: date | None = Field(
        None, description="When the party stopped taking part (it and its history stay)."
    )
    end_note: str = Field("", description="Why it ended.")
    created_at: datetime


class ParticipationIn(Schema):
    party: UUID
    role: choice(ParticipationRole)
    power: Salience = 3
    legitimacy: Salience = 3
    urgency: Salience = 3
    interest: Salience = 3


class ParticipationPatch(Schema):
    role: choice(ParticipationRole) = None
    power: Salience = None
    legitimacy: Salience = None
    urgency: Salience = None
    interest: Salience = None
    ended_on: date | None = Field(
        None,
        description="When the party stopped taking part (null: it takes part again). The "
        "participation and its history stay.",
    )
    end_note: text(500) = Field(None, description="Why it ended (needs ended_on).")


# ----- commitments --------------------------------------------------------------------------


class CommitmentOut(Schema):
    id: UUID
    agreement: UUID
    milestone: UUID | None
    title: str
    description: str
    clause: str
    category: choice(CommitmentCategory)
    owed_by: UUID
    owed_to: list[UUID]
    start_on: date | None
    due_on: date
    due_trigger: choice(DueTrigger)
    due_offset_days: int | None
    recurrence: choice(Recurrence)
    duration_optimistic: int
    duration_likely: int
    duration_pessimistic: int
    depends_on: list[UUID]
    status: choice(CommitmentStatus)
    delivered_on: date | None
    evidence: str
    source_interaction: UUID | None = Field(
        description="The interaction it was agreed during, when the caller may see it."
    )
    translations: dict[str, dict[str, str]]
    created_at: datetime


class CommitmentIn(Schema):
    title: Title
    description: text() = ""
    clause: text(60) = ""
    category: choice(CommitmentCategory)
    owed_by: UUID
    owed_to: Annotated[list[UUID], Field(min_length=1)]
    milestone: UUID | None = None
    start_on: date | None = None
    due_on: date | None = Field(None, description="Required unless due_trigger counts from one.")
    due_trigger: choice(DueTrigger) = DueTrigger.FIXED
    due_offset_days: Days | None = None
    recurrence: choice(Recurrence) = Recurrence.NONE
    duration_optimistic: Working
    duration_likely: Working
    duration_pessimistic: Working
    depends_on: list[UUID] = []


class CommitmentPatch(Schema):
    """A commitment's terms; its status moves through the status, delivery and
    renegotiation actions."""

    title: Title = None
    description: text() = None
    clause: text(60) = None
    category: choice(CommitmentCategory) = None
    owed_by: UUID = None
    owed_to: Annotated[list[UUID], Field(min_length=1)] = None
    milestone: UUID | None = None
    start_on: date | None = None
    due_on: date = None
    due_trigger: choice(DueTrigger) = None
    due_offset_days: Days | None = None
    recurrence: choice(Recurrence) = None
    duration_optimistic: Working = None
    duration_likely: Working = None
    duration_pessimistic: Working = None
    depends_on: list[UUID] = None


class StatusIn(Schema):
    status: choice(CommitmentStatus)
    on: date | None = Field(None, description="The business date (default: today).")
    evidence: text() = Field("", description="Required for a delivery.")


class DeliveryIn(Schema):
    on: date | None = Field(None, description="The delivery date (default: today).")
    evidence: text(min_length=1) = Field(description="What shows it was delivered.")


class RenegotiationIn(Schema):
    due_on: date = Field(description="The new due date the parties agreed.")
    reason: text(min_length=1) = Field(description="Why the date moved (kept in the trail).")


class StatusChangeOut(Schema):
    id: UUID
    from_status: str
    to_status: choice(CommitmentStatus)
    happened_on: date
    evidence: str
    created_at: datetime


# ----- milestones ---------------------------------------------------------------------------


class MilestoneOut(Schema):
    id: UUID
    agreement: UUID
    title: str
    due_on: date
    reached_on: date | None
    translations: dict[str, dict[str, str]]
    created_at: datetime


class MilestoneIn(Schema):
    title: Title
    due_on: date
    reached_on: date | None = None


class MilestonePatch(Schema):
    title: Title = None
    due_on: date = None
    reached_on: date | None = None


# ----- interactions -------------------------------------------------------------------------


class InteractionOut(Schema):
    id: UUID
    agreement: UUID
    kind: choice(InteractionKind)
    occurred_on: date
    parties: list[UUID]
    people: list[UUID]
    summary: str
    tone: choice(Tone)
    language: str
    confidentiality: choice(Confidentiality)
    follow_ups: list[UUID] = Field(description="Commitments agreed during it (those visible).")
    created_at: datetime


class InteractionIn(Schema):
    kind: choice(InteractionKind) = InteractionKind.MEETING
    occurred_on: date
    parties: Annotated[list[UUID], Field(min_length=1)]
    people: list[UUID] = []
    summary: text(min_length=1)
    tone: choice(Tone) = Tone.NEUTRAL
    language: Literal[tuple(code for code, _label in LANGUAGE_CHOICES)] = "en"  # type: ignore[valid-type]
    confidentiality: choice(Confidentiality) = Field(
        Confidentiality.INTERNAL,
        description="Internal to the counsellor team unless you choose to share it, as on "
        "the pages.",
    )
    restricted_to: list[Username] = Field(
        [], description="Usernames of members who may read a restricted interaction."
    )


class InteractionPatch(Schema):
    kind: choice(InteractionKind) = None
    occurred_on: date = None
    parties: Annotated[list[UUID], Field(min_length=1)] = None
    people: list[UUID] = None
    summary: text(min_length=1) = None
    tone: choice(Tone) = None
    language: Literal[tuple(code for code, _label in LANGUAGE_CHOICES)] = None  # type: ignore[valid-type]
    confidentiality: choice(Confidentiality) = None
    restricted_to: list[Username] = None


# ----- insights -----------------------------------------------------------------------------


class SnapshotSummary(Schema):
    kind: str
    as_of: date = Field(description="The day the figures describe.")
    computed_at: datetime
    figure: float | None
    unit: str
    summary: Any = Field(description="One line, as a message (key and parameters) or text.")


class InsightsOut(Schema):
    agreement: UUID
    updating: bool = Field(description="A recomputation is queued or running.")
    snapshots: list[SnapshotSummary]


class SnapshotOut(Schema):
    """A stored result of the insights engine, exactly as the pages read it (docs/insights.md,
    "Stored snapshots", documents every kind's data)."""

    agreement: UUID
    kind: str
    as_of: date
    computed_at: datetime
    parameters_digest: str
    updating: bool
    data: dict[str, Any]


class TrustPairOut(Schema):
    truster: dict[str, Any]
    trustee: dict[str, Any]
    index: float | None
    low: float | None
    high: float | None
    evidence_state: str | None = Field(
        description="insufficient, provisional or established, when the snapshot says."
    )
    pair: dict[str, Any] = Field(description="The pair as stored: components, evidence lines.")


class TrustPairsOut(Schema):
    agreement: UUID
    as_of: date
    computed_at: datetime
    trend: list[dict[str, Any]] = Field(description="The agreement's index over time.")
    pairs: list[TrustPairOut]


class RecomputeOut(Schema):
    agreement: UUID
    queued: bool


# ----- grievances, risks, topics, expectations ---------------------------------------------


class GrievanceOut(Schema):
    id: UUID
    agreement: UUID
    reference: str
    channel: choice(GrievanceChannel)
    category: choice(GrievanceCategory)
    complainant: str
    summary: str
    received_on: date
    response_due_on: date
    responded_on: date | None
    resolved_on: date | None
    resolution: str
    status: choice(GrievanceStatus)
    created_at: datetime


class GrievanceIn(Schema):
    reference: text(40, min_length=1)
    channel: choice(GrievanceChannel)
    category: choice(GrievanceCategory)
    complainant: text(200) = ""
    summary: text(min_length=1)
    received_on: date
    response_due_on: date
    status: choice(GrievanceStatus) = GrievanceStatus.RECEIVED


class GrievancePatch(Schema):
    reference: text(40, min_length=1) = None
    channel: choice(GrievanceChannel) = None
    category: choice(GrievanceCategory) = None
    complainant: text(200) = None
    summary: text(min_length=1) = None
    received_on: date = None
    response_due_on: date = None
    status: choice(GrievanceStatus) = None


OneToFive = Annotated[int, Field(ge=1, le=5)]


class RiskOut(Schema):
    id: UUID
    agreement: UUID
    title: str
    category: choice(RiskCategory)
    rating: choice(RiskRating)
    likelihood: int
    impact: int
    owner: UUID | None
    mitigation: str
    status: choice(RiskStatus)
    commitments: list[UUID]
    confidentiality: choice(Confidentiality)
    translations: dict[str, dict[str, str]]
    created_at: datetime


class RiskIn(Schema):
    title: Title
    category: choice(RiskCategory)
    rating: choice(RiskRating)
    likelihood: OneToFive
    impact: OneToFive
    owner: UUID | None = None
    mitigation: text() = ""
    status: choice(RiskStatus) = RiskStatus.OPEN
    commitments: list[UUID] = []
    confidentiality: SHARED_OR_INTERNAL = Field(
        Confidentiality.SHARED,
        description="Shared with every member (and in the schedule forecast) unless internal "
        "to the counsellor team.",
    )


class RiskPatch(Schema):
    title: Title = None
    category: choice(RiskCategory) = None
    rating: choice(RiskRating) = None
    likelihood: OneToFive = None
    impact: OneToFive = None
    owner: UUID | None = None
    mitigation: text() = None
    status: choice(RiskStatus) = None
    commitments: list[UUID] = None
    confidentiality: SHARED_OR_INTERNAL = None


class TopicOut(Schema):
    id: UUID
    agreement: UUID
    name: str
    description: str
    target_unit: str
    translations: dict[str, dict[str, str]]
    created_at: datetime


class TopicIn(Schema):
    name: text(200, min_length=1)
    description: text() = ""
    target_unit: text(40) = ""


class TopicPatch(Schema):
    name: text(200, min_length=1) = None
    description: text() = None
    target_unit: text(40) = None


Target = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


class ExpectationOut(Schema):
    id: UUID
    agreement: UUID
    topic: UUID
    party: UUID
    statement: str
    target_date: date | None
    priority: choice(Priority)
    target_value: Decimal | None
    recorded_on: date
    created_at: datetime


class ExpectationIn(Schema):
    topic: UUID
    party: UUID
    statement: text(min_length=1)
    target_date: date | None = None
    priority: choice(Priority) = Priority.MODERATE
    target_value: Target | None = None
    recorded_on: date


class ExpectationPatch(Schema):
    """What a party expects; its topic and party stay (record a new expectation instead)."""

    statement: text(min_length=1) = None
    target_date: date | None = None
    priority: choice(Priority) = None
    target_value: Target | None = None
    recorded_on: date = None


# ----- regulation, local integration, early warnings ---------------------------------------

Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


class RequirementOut(Schema):
    id: UUID
    agreement: UUID
    jurisdiction: str
    authority: UUID | None
    instrument: str
    requirement: str
    deadline: date | None
    alignment_status: choice(AlignmentStatus)
    commitments: list[UUID]
    created_at: datetime


class RequirementIn(Schema):
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
    authority: UUID | None = None
    instrument: text(200, min_length=1)
    requirement: text(min_length=1)
    deadline: date | None = None
    alignment_status: choice(AlignmentStatus) = AlignmentStatus.NOT_ASSESSED
    commitments: list[UUID] = []


class RequirementPatch(Schema):
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")] = None
    authority: UUID | None = None
    instrument: text(200, min_length=1) = None
    requirement: text(min_length=1) = None
    deadline: date | None = None
    alignment_status: choice(AlignmentStatus) = None
    commitments: list[UUID] = None


class IndicatorOut(Schema):
    id: UUID
    agreement: UUID
    kind: choice(IndicatorKind)
    name: str
    unit: str
    target: Decimal
    target_on: date
    created_at: datetime


class IndicatorIn(Schema):
    kind: choice(IndicatorKind)
    name: text(200, min_length=1)
    unit: text(40, min_length=1)
    target: Amount
    target_on: date


class IndicatorPatch(Schema):
    kind: choice(IndicatorKind) = None
    name: text(200, min_length=1) = None
    unit: text(40, min_length=1) = None
    target: Amount = None
    target_on: date = None


class ObservationOut(Schema):
    id: UUID
    agreement: UUID
    indicator: UUID
    observed_on: date
    value: Decimal
    source: str
    created_at: datetime


class ObservationIn(Schema):
    indicator: UUID
    observed_on: date
    value: Amount
    source: text(200) = ""


class ObservationPatch(Schema):
    """An observation's indicator stays; record a new observation for another."""

    observed_on: date = None
    value: Amount = None
    source: text(200) = None


class WarningOut(Schema):
    id: UUID
    agreement: UUID
    rule: str = Field(description="The rule that raised it; empty for a person's warning.")
    title: str
    explanation: str
    message: dict[str, Any] = Field(description="A rule's text as message keys and parameters.")
    evidence: list[Any]
    severity: choice(Severity)
    status: choice(WarningStatus)
    commitment: UUID | None
    raised_on: date
    confidentiality: choice(Confidentiality)
    created_at: datetime


class WarningIn(Schema):
    title: Title
    explanation: text() = ""
    severity: choice(Severity)
    status: choice(WarningStatus) = WarningStatus.OPEN
    commitment: UUID | None = None
    raised_on: date
    confidentiality: SHARED_OR_INTERNAL = Field(
        "internal", description="Internal to the counsellor team unless shared on purpose."
    )


class WarningPatch(Schema):
    title: Title = None
    explanation: text() = None
    severity: choice(Severity) = None
    status: choice(WarningStatus) = None
    commitment: UUID | None = None
    raised_on: date = None
    confidentiality: SHARED_OR_INTERNAL = None
