"""What the party brief holds: plain dataclasses of strings, numbers and dates (no model
objects), so the page, the PDF, the API and e-mail read the same data; and ``World``, what
the builder reads once and every section of the brief shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from alliance.partnerships.models import Agreement, Commitment, Party


@dataclass(frozen=True)
class Item:
    """One line of the brief and the one line of evidence it rests on. ``own`` marks a point
    the counsellor team wrote (internal); ``note`` is its UUID."""

    text: str
    evidence: str = ""
    own: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Ask:
    """What they will likely ask, our answer, and what both rest on."""

    kind: str  # overdue, dispute, warning, expectation, grievance, requirement, own
    ask: str
    answer: str
    evidence: str
    own: bool = False
    note: str | None = None


@dataclass(frozen=True)
class TrustWay:
    label: str
    index: float | None
    previous: float | None
    change: str  # "+3 since 20/08/2026", "" without a previous figure
    state: str | None  # the snapshot's evidence state where it gives one
    state_label: str
    basis: str  # what it rests on


@dataclass(frozen=True)
class TopicLine:
    topic: str
    priority: str
    score: float | None  # the party's alignment on the topic (alignment snapshot)
    theirs: str  # their statement
    their_target: str  # "60 km by 31/12/2026"
    other: str  # the position furthest from theirs (ours, for a representative)
    other_target: str
    other_party: str
    gap: str


@dataclass(frozen=True)
class OpenCommitment:
    uuid: str
    title: str
    clause: str
    owed_by: str
    owed_to: list[str]
    due: date
    status: str
    status_label: str
    days_late: int
    outlook: str


@dataclass(frozen=True)
class PersonLine:
    name: str
    role: str
    languages: str
    notes: list[str]  # the team's notes on the person (internal or restricted)


@dataclass(frozen=True)
class InteractionLine:
    day: date
    kind: str
    tone: int
    tone_label: str
    summary: str
    confidentiality: str


@dataclass
class PartyBrief:
    agreement_uuid: str
    agreement_title: str
    reference: str
    party_uuid: str
    party_name: str
    party_short: str
    ours: str | None  # the reader's party ("us"); None: the rest of the partnership
    reader_role: str | None
    today: date
    as_of: date | None
    language: str
    bottom_line: list[str]
    trust: list[TrustWay]
    trust_trend: list[tuple[date, float | None, float | None]]
    topics: list[TopicLine]
    alignment: float | None  # mean of the party's alignment over its topics
    our_objectives: list[Item]
    their_objectives: list[Item]
    points: list[Item]
    asks: list[Ask]
    we_owe: list[OpenCommitment]
    they_owe: list[OpenCommitment]
    we_owe_count: int
    they_owe_count: int
    # Overdue as every page counts it (alliance.attention.counts): a disputed one is not.
    we_owe_overdue: int
    they_owe_overdue: int
    people: list[PersonLine]
    interactions: list[InteractionLine]
    background: list[str]
    marking: str
    notes: list[str] = field(default_factory=list)
    team: bool = False  # the reader may add the team's own points

    @property
    def stale(self) -> bool:
        return self.as_of is not None and self.as_of != self.today


@dataclass
class World:
    """What the builder reads once and every section shares."""

    user: Any
    agreement: Agreement
    party: Party
    mine: Party | None
    today: date
    current: dict[str, Any]
    previous: dict[str, Any]
    forecast: dict[str, dict[str, Any]]
    cascade: dict[str, dict[str, Any]]
    commitments: list[Commitment]  # all of them with the party, delivered ones included
    we_owe: list[Commitment]
    they_owe: list[Commitment]
    latest_change: dict[int, Any]
    expectations: dict[int, dict[int, Any]]  # topic id -> party id -> latest expectation
    levels: list[str] = field(default_factory=list)  # confidentiality of every item shown


def forecast(w: World, c: Commitment) -> tuple[float | None, date | None]:
    """The schedule snapshot's probability of delivery on time and P80 date of ``c``."""
    f = w.forecast.get(str(c.uuid)) or {}
    p80 = (f.get("quantiles") or {}).get("P80")
    return f.get("probability_on_time"), date.fromisoformat(p80) if p80 else None


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
