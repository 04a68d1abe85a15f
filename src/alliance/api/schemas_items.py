"""The schemas of the remaining entities the pages' forms and the spreadsheets cover:
strategic objectives, notes on people, trust pulses and their answers (an agreement's),
a party's people and blackout periods (shared across agreements); and the user's webhook
subscriptions. Same conventions as
``schemas``: objects by UUID, text without NUL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema

from alliance.api.choices import DeliveryStatus, WebhookEvent
from alliance.api.schemas import Title, Username, choice, text
from alliance.core.models import Confidentiality
from alliance.partnerships.choices import ObjectiveSource

# A note's field is called ``text``: inside its schemas the helper goes by another name.
NoteText = text(min_length=1)
Likert = Annotated[int, Field(ge=1, le=7)]
Languages = Annotated[
    str, Field(max_length=40, pattern=r"^([a-z]{2,3}(,[a-z]{2,3})*)?$", description="e.g. fr,en")
]
Email = Annotated[str, Field(max_length=254, pattern=r"^([^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+)?$")]


# ----- strategic objectives -----------------------------------------------------------------


class ObjectiveOut(Schema):
    id: UUID
    agreement: UUID
    source: choice(ObjectiveSource)
    code: str
    title: str
    commitments: list[UUID]
    indicators: list[UUID]
    translations: dict[str, dict[str, str]]
    created_at: datetime


class ObjectiveIn(Schema):
    source: choice(ObjectiveSource)
    code: text(40) = ""
    title: Title
    commitments: list[UUID] = []
    indicators: list[UUID] = []


class ObjectivePatch(Schema):
    source: choice(ObjectiveSource) = None
    code: text(40) = None
    title: Title = None
    commitments: list[UUID] = None
    indicators: list[UUID] = None


# ----- notes on people ------------------------------------------------------------------------


class NoteOut(Schema):
    id: UUID
    agreement: UUID
    person: UUID
    text: str
    confidentiality: choice(Confidentiality)
    created_at: datetime


class NoteIn(Schema):
    person: UUID
    text: NoteText
    confidentiality: choice(Confidentiality) = Field(
        Confidentiality.INTERNAL,
        description="Internal to the counsellor team unless shared on purpose, as on the pages.",
    )
    restricted_to: list[Username] = Field(
        [], description="Usernames of members who may read a restricted note."
    )


class NotePatch(Schema):
    """A note's person stays; write a new note about someone else."""

    text: NoteText = None
    confidentiality: choice(Confidentiality) = None
    restricted_to: list[Username] = None


# ----- trust pulses and their answers ---------------------------------------------------------


class PulseOut(Schema):
    id: UUID
    agreement: UUID
    title: str
    opens_on: date
    closes_on: date
    translations: dict[str, dict[str, str]]
    created_at: datetime


class PulseIn(Schema):
    title: text(200, min_length=1)
    opens_on: date
    closes_on: date


class PulsePatch(Schema):
    title: text(200, min_length=1) = None
    opens_on: date = None
    closes_on: date = None


class ResponseOut(Schema):
    id: UUID
    agreement: UUID
    pulse: UUID
    respondent: UUID
    respondent_party: UUID
    about_party: UUID
    ability: int
    benevolence: int
    integrity: int
    predictability: int
    communication: int
    comment: str
    submitted_on: date
    created_at: datetime


class ResponseIn(Schema):
    pulse: UUID
    respondent: UUID = Field(
        description="For a representative: yourself (the person linked to your account)."
    )
    about_party: UUID
    ability: Likert
    benevolence: Likert
    integrity: Likert
    predictability: Likert
    communication: Likert
    comment: text() = ""
    submitted_on: date


class ResponsePatch(Schema):
    """An answer's pulse and respondent stay; submit a new answer for another."""

    about_party: UUID = None
    ability: Likert = None
    benevolence: Likert = None
    integrity: Likert = None
    predictability: Likert = None
    communication: Likert = None
    comment: text() = None
    submitted_on: date = None


# ----- a party's people and blackout periods --------------------------------------------------


class PersonOut(Schema):
    id: UUID
    party: UUID
    name: str
    role_title: str
    email: str
    languages: str
    created_at: datetime


class PersonIn(Schema):
    name: text(200, min_length=1)
    role_title: text(200) = ""
    email: Email = ""
    languages: Languages = ""


class PersonPatch(Schema):
    name: text(200, min_length=1) = None
    role_title: text(200) = None
    email: Email = None
    languages: Languages = None


class BlackoutOut(Schema):
    id: UUID
    party: UUID
    starts_on: date
    ends_on: date
    reason: str
    created_at: datetime


class BlackoutIn(Schema):
    starts_on: date
    ends_on: date
    reason: text(200, min_length=1)


class BlackoutPatch(Schema):
    starts_on: date = None
    ends_on: date = None
    reason: text(200, min_length=1) = None


# ----- webhook subscriptions and their delivery log -------------------------------------------


class WebhookOut(Schema):
    id: UUID
    url: str
    events: list[choice(WebhookEvent)]
    agreement: UUID | None = Field(description="null: every agreement you are a member of.")
    secret_hint: str = Field(description="The start of the signing secret, to recognise it.")
    active: bool
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(
        description="The signing secret (whsec_…), shown this once: keep it to check the "
        "webhook-signature header of each delivery."
    )


class WebhookIn(Schema):
    url: Annotated[str, Field(min_length=9, max_length=500, pattern=r"^https?://[^\s\x00]+$")]
    events: Annotated[list[choice(WebhookEvent)], Field(min_length=1)]
    agreement: UUID | None = None


class DeliveryOut(Schema):
    id: UUID = Field(description="The event's identifier (webhook-id), the same on retries.")
    event: choice(WebhookEvent)
    occurred_at: datetime
    status: choice(DeliveryStatus)
    attempts: int
    response_status: int | None
    last_error: str
    next_attempt_at: datetime
    delivered_at: datetime | None
    created_at: datetime
