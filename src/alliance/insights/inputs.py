"""Plain input records for trust, alignment, network, salience, maturity and early warnings.

Two shapes of the same data:

* per agreement, :class:`AgreementData` holds small frozen dataclasses (what the ORM adapter
  builds from one agreement's rows, what the CLI reads from JSON);
* for a portfolio, :class:`PortfolioFrame` holds one numpy column per field with an agreement
  index on every row, so the models run with ``np.bincount`` over all agreements at once
  instead of a Python loop per event.

:func:`frame_from_agreements` turns the first into the second; the per-agreement functions use it
too, so both paths run the very same arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from alliance.insights.calendars import WorkingCalendar

# Explicit importance of a commitment, least to most (weights in TrustParameters).
IMPORTANCE_LEVELS = ("minor", "normal", "major", "critical")
PULSE_DIMENSIONS = ("ability", "benevolence", "integrity", "predictability", "communication")
LIKERT_MIN, LIKERT_MAX = 1, 7
# Statuses that take a commitment out of promise keeping: nothing was (still) owed.
EXCLUDED_STATUSES = frozenset({"waived", "disputed"})
NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Party:
    """An organisation and its rhythm. ``calendar=None`` means Monday-Friday, no holidays."""

    id: str
    name: str = ""
    kind: str = ""
    country: str = ""
    # None: decided by comparing ``country`` with the agreement's host country.
    is_local: bool | None = None
    # Typical time from a request to a decision, in the party's own working days (as the
    # domain's ``Party.decision_cycle_days`` stores it): no conversion anywhere.
    decision_cycle_working_days: float = 20.0
    calendar: WorkingCalendar | None = None


@dataclass(frozen=True)
class Participation:
    """A party's role in an agreement and its salience attributes (scale in parameters)."""

    party: str
    role: str = "signatory"
    power: float = 0.0
    legitimacy: float = 0.0
    urgency: float = 0.0
    interest: float = 0.0


@dataclass(frozen=True)
class Commitment:
    """An obligation owed by one party to one or more others."""

    id: str
    owed_by: str
    owed_to: tuple[str, ...]
    due: date
    delivered: date | None = None
    status: str = "planned"  # planned, in_progress, delivered, late, waived, disputed
    label: str = ""
    category: str = ""
    # Its last dispute, if the obligation itself was contested: from the day it was disputed
    # to the day the dispute was settled. Lateness does not run while it is disputed.
    disputed_from: date | None = None
    disputed_until: date | None = None
    # Who answered its delivery (parties owed): those that confirmed it, and those asked
    # that had not confirmed it (yet) on the date. A delivery nobody was asked about
    # (recorded before confirmations existed, or imported) is in neither.
    confirmed_by: tuple[str, ...] = ()
    unconfirmed_by: tuple[str, ...] = ()
    # How much it matters, when the team says so ("minor", "normal", "major", "critical";
    # "" = derived from its category and the commitments that depend on it).
    importance: str = ""
    # Commitments (ids) that cannot finish before this one does.
    depends_on: tuple[str, ...] = ()
    # The due date it had before it was re-dated after that date passed (a renegotiation).
    renegotiated_from: date | None = None

    def lateness(self, calendar: WorkingCalendar, end: date) -> int:
        """Working days late at ``end`` on ``calendar`` (the owing party's), the days under
        dispute not counted; 0 if on time. Scalar twin of the frame's ``commitment_lateness``."""
        late = int(calendar.working_days_between(self.due, end))
        if self.disputed_from is not None and self.disputed_until is not None:
            start, stop = max(self.disputed_from, self.due), min(self.disputed_until, end)
            if stop > start:
                late -= int(calendar.working_days_between(start, stop))
        return max(late, 0)


@dataclass(frozen=True)
class Interaction:
    """A meeting, call, letter, visit or workshop between parties."""

    id: str
    date: date
    parties: tuple[str, ...]
    people: tuple[str, ...] = ()
    tone: int = 0  # -2..+2
    kind: str = "meeting"
    label: str = ""


@dataclass(frozen=True)
class FollowUp:
    """A request ``asked_by`` made of ``owed_by``; answered or not (responsiveness)."""

    id: str
    asked_by: str
    owed_by: str
    asked: date
    answered: date | None = None
    label: str = ""


@dataclass(frozen=True)
class PulseResponse:
    """One respondent's Likert 1-7 answers about a party (a dimension may be left blank)."""

    id: str
    respondent_party: str
    about_party: str
    date: date
    ability: int | None = None
    benevolence: int | None = None
    integrity: int | None = None
    predictability: int | None = None
    communication: int | None = None
    respondent: str = ""

    def answers(self) -> dict[str, int]:
        """The answered dimensions only."""
        values = {d: getattr(self, d) for d in PULSE_DIMENSIONS}
        return {d: v for d, v in values.items() if v is not None}

    def general(self) -> float | None:
        """Mean of the answered dimensions (the general score), None if nothing was answered."""
        values = list(self.answers().values())
        return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Expectation:
    """What one party expects on a topic. ``recorded`` dates it for history / widening."""

    party: str
    topic: str
    target_date: date | None = None
    priority: int | None = None  # 1..levels; scale and direction in AlignmentParameters
    target_value: float | None = None
    recorded: date | None = None
    id: str = ""
    statement: str = ""


@dataclass(frozen=True)
class RegulatoryRequirement:
    """A requirement of a jurisdiction's authority, aligned or not, with a deadline."""

    id: str
    due: date | None = None
    aligned: bool = False
    label: str = ""
    authority: str = ""


@dataclass(frozen=True)
class Grievance:
    """A complaint from a local stakeholder with its response deadline."""

    id: str
    received: date
    response_due: date
    responded: date | None = None
    label: str = ""


@dataclass(frozen=True)
class AgreementData:
    """Everything the models read about one agreement."""

    id: str
    parties: tuple[Party, ...]
    participations: tuple[Participation, ...]
    commitments: tuple[Commitment, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    pulses: tuple[PulseResponse, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    regulatory: tuple[RegulatoryRequirement, ...] = ()
    grievances: tuple[Grievance, ...] = ()
    host_country: str = ""
    # bilateral, concession, loan, mou, consortium ("" unknown): which roles sign it.
    kind: str = ""

    def party(self, party_id: str) -> Party:
        """The party with this id (KeyError if it is not listed)."""
        for p in self.parties:
            if p.id == party_id:
                return p
        raise KeyError(party_id)

    def is_local(self, party: Party) -> bool:
        """Explicit flag first; otherwise local when its country is the host country."""
        if party.is_local is not None:
            return party.is_local
        return bool(self.host_country) and party.country == self.host_country


# --------------------------------------------------------------------------
# Columnar portfolio
# --------------------------------------------------------------------------


def _i(values: Sequence[int] = ()) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _f(values: Sequence[float] = ()) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def _d(values: Sequence[date | None] = ()) -> np.ndarray:
    return np.array([NAT if v is None else np.datetime64(v, "D") for v in values], "datetime64[D]")


@dataclass
class PortfolioFrame:
    """All agreements' events as numpy columns (one row per event, agreement index on each).

    Parties are global (``party_*`` columns, indexed by the ``*_party`` / ``owed_by`` ... ints);
    one party may take part in several agreements. Dates are ``datetime64[D]`` with ``NaT`` for
    "none". A commitment owed to several parties appears once per creditor (once with
    ``cm_owed_to = -1`` when it is owed to no participant). Interactions are a
    participant table: one row per (interaction, party present), ``ix_event`` naming the
    interaction. Row order does not matter.
    """

    n_agreements: int
    agreement_ids: tuple[str, ...] = ()
    host_country: tuple[str, ...] = ()
    # parties (global)
    party_ids: tuple[str, ...] = ()
    party_cycle: np.ndarray = field(default_factory=_f)  # decision cycle, working days
    party_calendar: np.ndarray = field(default_factory=_i)  # index into ``calendars``
    party_local: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    calendars: tuple[WorkingCalendar, ...] = field(default_factory=lambda: (_default_calendar(),))
    # participations
    pp_ag: np.ndarray = field(default_factory=_i)
    pp_party: np.ndarray = field(default_factory=_i)
    pp_power: np.ndarray = field(default_factory=_f)
    pp_legitimacy: np.ndarray = field(default_factory=_f)
    pp_urgency: np.ndarray = field(default_factory=_f)
    pp_interest: np.ndarray = field(default_factory=_f)
    pp_signatory: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # commitments, one row per (commitment, creditor)
    cm_ag: np.ndarray = field(default_factory=_i)
    cm_ref: np.ndarray = field(default_factory=_i)  # commitment number (per agreement or global)
    cm_owed_by: np.ndarray = field(default_factory=_i)
    cm_owed_to: np.ndarray = field(default_factory=_i)
    cm_due: np.ndarray = field(default_factory=_d)
    cm_delivered: np.ndarray = field(default_factory=_d)
    cm_excluded: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # Optional: the last dispute of each row (NaT: never disputed). Left out, none was.
    cm_disputed_from: np.ndarray = field(default_factory=_d)
    cm_disputed_until: np.ndarray = field(default_factory=_d)
    # Optional: the row's creditor was asked to confirm the delivery and had not (yet).
    cm_unconfirmed: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    # Optional materiality inputs: category (index into ``category_ids``, -1 none), explicit
    # importance (index into IMPORTANCE_LEVELS, -1 none), how many commitments depend on it
    # (transitively), and the due date before a renegotiation (NaT: never re-dated).
    category_ids: tuple[str, ...] = ()
    cm_category: np.ndarray = field(default_factory=_i)
    cm_importance: np.ndarray = field(default_factory=_i)
    cm_dependents: np.ndarray = field(default_factory=_i)
    cm_renegotiated_from: np.ndarray = field(default_factory=_d)
    # interaction participants
    ix_ag: np.ndarray = field(default_factory=_i)
    ix_event: np.ndarray = field(default_factory=_i)
    ix_date: np.ndarray = field(default_factory=_d)
    ix_party: np.ndarray = field(default_factory=_i)
    # follow-ups
    fu_ag: np.ndarray = field(default_factory=_i)
    fu_ref: np.ndarray = field(default_factory=_i)
    fu_asked_by: np.ndarray = field(default_factory=_i)
    fu_owed_by: np.ndarray = field(default_factory=_i)
    fu_asked: np.ndarray = field(default_factory=_d)
    fu_answered: np.ndarray = field(default_factory=_d)
    # pulse responses (general score on the Likert scale)
    pu_ag: np.ndarray = field(default_factory=_i)
    pu_ref: np.ndarray = field(default_factory=_i)
    pu_from: np.ndarray = field(default_factory=_i)
    pu_about: np.ndarray = field(default_factory=_i)
    pu_date: np.ndarray = field(default_factory=_d)
    pu_score: np.ndarray = field(default_factory=_f)
    # expectations
    topic_ids: tuple[str, ...] = ()
    ex_ag: np.ndarray = field(default_factory=_i)
    ex_ref: np.ndarray = field(default_factory=_i)
    ex_party: np.ndarray = field(default_factory=_i)
    ex_topic: np.ndarray = field(default_factory=_i)
    ex_date: np.ndarray = field(default_factory=_d)
    ex_priority: np.ndarray = field(default_factory=_f)  # NaN = not stated
    ex_value: np.ndarray = field(default_factory=_f)  # NaN = not stated
    ex_recorded: np.ndarray = field(default_factory=_d)
    # regulatory requirements and grievances (for warnings)
    rq_ag: np.ndarray = field(default_factory=_i)
    rq_ref: np.ndarray = field(default_factory=_i)
    rq_due: np.ndarray = field(default_factory=_d)
    rq_aligned: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    gr_ag: np.ndarray = field(default_factory=_i)
    gr_ref: np.ndarray = field(default_factory=_i)
    gr_due: np.ndarray = field(default_factory=_d)
    gr_responded: np.ndarray = field(default_factory=_d)

    def __post_init__(self) -> None:
        # Optional columns left out by a caller that builds a frame by hand: no value anywhere.
        for name in ("cm_disputed_from", "cm_disputed_until", "cm_renegotiated_from"):
            if len(getattr(self, name)) != len(self.cm_ag):
                setattr(self, name, np.full(len(self.cm_ag), NAT))
        if len(self.cm_unconfirmed) != len(self.cm_ag):
            self.cm_unconfirmed = np.zeros(len(self.cm_ag), bool)
        for name in ("cm_category", "cm_importance"):
            if len(getattr(self, name)) != len(self.cm_ag):
                setattr(self, name, np.full(len(self.cm_ag), -1, np.int64))
        if len(self.cm_dependents) != len(self.cm_ag):
            self.cm_dependents = np.zeros(len(self.cm_ag), np.int64)

    @property
    def n_parties(self) -> int:
        return len(self.party_cycle)


def frame_from_agreements(agreements: Sequence[AgreementData]) -> PortfolioFrame:
    """Columnar form of ``agreements``. Each agreement's records keep their tuple position as
    ``*_ref`` so results can point back at the dataclass that produced them."""
    b = _FrameBuilder()
    for g, a in enumerate(agreements):
        b.add(g, a)
    return b.build(agreements)


class _FrameBuilder:
    """Accumulates plain lists, then converts each to one numpy column."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = {}
        self.party_index: dict[tuple[int, str], int] = {}
        self.parties: list[Party] = []
        self.party_local: list[bool] = []
        self.topics: dict[str, int] = {}
        self.categories: dict[str, int] = {}

    def put(self, **values) -> None:
        for name, value in values.items():
            self.cols.setdefault(name, []).append(value)

    def add(self, g: int, a: AgreementData) -> None:
        for p in a.parties:
            self.party_index[(g, p.id)] = len(self.parties)
            self.parties.append(p)
            self.party_local.append(a.is_local(p))
        self._participations(g, a)
        self._commitments(g, a)
        self._interactions(g, a)
        self._follow_ups(g, a)
        self._pulses(g, a)
        self._expectations(g, a)
        for r, q in enumerate(a.regulatory):
            self.put(rq_ag=g, rq_ref=r, rq_due=q.due, rq_aligned=q.aligned)
        for r, gr in enumerate(a.grievances):
            self.put(gr_ag=g, gr_ref=r, gr_due=gr.response_due, gr_responded=gr.responded)

    def pid(self, g: int, party_id: str) -> int:
        return self.party_index[(g, party_id)]

    def _participations(self, g: int, a: AgreementData) -> None:
        for pp in a.participations:
            self.put(
                pp_ag=g,
                pp_party=self.pid(g, pp.party),
                pp_power=pp.power,
                pp_legitimacy=pp.legitimacy,
                pp_urgency=pp.urgency,
                pp_interest=pp.interest,
                pp_signatory=pp.role == "signatory",
            )

    def _commitments(self, g: int, a: AgreementData) -> None:
        dependents = count_dependents(a.commitments)
        for r, c in enumerate(a.commitments):
            category = self.categories.setdefault(c.category, len(self.categories))
            importance = (
                IMPORTANCE_LEVELS.index(c.importance) if c.importance in IMPORTANCE_LEVELS else -1
            )
            # Owed to nobody among the participants: one row still, so it can be overdue.
            for creditor in c.owed_to or (None,):
                self.put(
                    cm_ag=g,
                    cm_ref=r,
                    cm_owed_by=self.pid(g, c.owed_by),
                    cm_owed_to=-1 if creditor is None else self.pid(g, creditor),
                    cm_due=c.due,
                    cm_delivered=c.delivered,
                    cm_excluded=c.status in EXCLUDED_STATUSES,
                    cm_disputed_from=c.disputed_from,
                    cm_disputed_until=c.disputed_until,
                    cm_unconfirmed=creditor is not None and creditor in c.unconfirmed_by,
                    cm_category=category,
                    cm_importance=importance,
                    cm_dependents=dependents[c.id],
                    cm_renegotiated_from=c.renegotiated_from,
                )

    def _interactions(self, g: int, a: AgreementData) -> None:
        for r, ix in enumerate(a.interactions):
            for party_id in dict.fromkeys(ix.parties):
                self.put(ix_ag=g, ix_event=r, ix_date=ix.date, ix_party=self.pid(g, party_id))

    def _follow_ups(self, g: int, a: AgreementData) -> None:
        for r, f in enumerate(a.follow_ups):
            self.put(
                fu_ag=g,
                fu_ref=r,
                fu_asked_by=self.pid(g, f.asked_by),
                fu_owed_by=self.pid(g, f.owed_by),
                fu_asked=f.asked,
                fu_answered=f.answered,
            )

    def _pulses(self, g: int, a: AgreementData) -> None:
        for r, p in enumerate(a.pulses):
            score = p.general()
            if score is None:
                continue
            self.put(
                pu_ag=g,
                pu_ref=r,
                pu_from=self.pid(g, p.respondent_party),
                pu_about=self.pid(g, p.about_party),
                pu_date=p.date,
                pu_score=score,
            )

    def _expectations(self, g: int, a: AgreementData) -> None:
        for r, e in enumerate(a.expectations):
            topic = self.topics.setdefault(e.topic, len(self.topics))
            self.put(
                ex_ag=g,
                ex_ref=r,
                ex_party=self.pid(g, e.party),
                ex_topic=topic,
                ex_date=e.target_date,
                ex_priority=np.nan if e.priority is None else e.priority,
                ex_value=np.nan if e.target_value is None else e.target_value,
                ex_recorded=e.recorded,
            )

    def build(self, agreements: Sequence[AgreementData]) -> PortfolioFrame:
        calendars, party_calendar = _calendar_table(self.parties)
        columns = {}
        for name, values in self.cols.items():
            columns[name] = _column(name, values)
        return PortfolioFrame(
            n_agreements=len(agreements),
            agreement_ids=tuple(a.id for a in agreements),
            host_country=tuple(a.host_country for a in agreements),
            party_ids=tuple(p.id for p in self.parties),
            party_cycle=_f([p.decision_cycle_working_days for p in self.parties]),
            party_calendar=party_calendar,
            party_local=np.asarray(self.party_local, dtype=bool),
            calendars=calendars,
            topic_ids=tuple(self.topics),
            category_ids=tuple(self.categories),
            **columns,
        )


_DATE_COLUMNS = {
    "cm_due", "cm_delivered", "cm_disputed_from", "cm_disputed_until", "cm_renegotiated_from",
    "ix_date", "fu_asked", "fu_answered", "pu_date", "ex_date", "ex_recorded", "rq_due", "gr_due",
    "gr_responded",
}  # fmt: skip
_BOOL_COLUMNS = {"pp_signatory", "cm_excluded", "cm_unconfirmed", "rq_aligned"}
_FLOAT_COLUMNS = {
    "pp_power", "pp_legitimacy", "pp_urgency", "pp_interest", "pu_score",
    "ex_priority", "ex_value",
}  # fmt: skip


def _column(name: str, values: list) -> np.ndarray:
    if name in _DATE_COLUMNS:
        return _d(values)
    if name in _BOOL_COLUMNS:
        return np.asarray(values, dtype=bool)
    if name in _FLOAT_COLUMNS:
        return _f(values)
    return _i(values)


def count_dependents(commitments: Sequence[Commitment]) -> dict[str, int]:
    """How many commitments depend on each one, directly or through others (unknown ids in
    ``depends_on`` are ignored; a cycle does not loop)."""
    known = {c.id for c in commitments}
    after: dict[str, list[str]] = {c.id: [] for c in commitments}
    for c in commitments:
        for dep in c.depends_on:
            if dep in known and dep != c.id:
                after[dep].append(c.id)
    counts = {}
    for c in commitments:
        seen: set[str] = set()
        stack = list(after[c.id])
        while stack:
            nxt = stack.pop()
            if nxt not in seen and nxt != c.id:
                seen.add(nxt)
                stack.extend(after[nxt])
        counts[c.id] = len(seen)
    return counts


def _calendar_table(parties: Sequence[Party]) -> tuple[tuple[WorkingCalendar, ...], np.ndarray]:
    # Calendars are frozen dataclasses, so equal calendars share one entry and one numpy
    # busday computation per group.
    default = _default_calendar()
    index: dict[WorkingCalendar, int] = {default: 0}
    rows = [index.setdefault(p.calendar or default, len(index)) for p in parties]
    return tuple(index), _i(rows)


def _default_calendar() -> WorkingCalendar:
    # Imported here so that models without working days (salience) load on their own.
    from alliance.insights.calendars import WorkingCalendar

    return WorkingCalendar()


# --------------------------------------------------------------------------
# Working days per party, vectorised by calendar group
# --------------------------------------------------------------------------


def working_days_between(
    calendars: Sequence[WorkingCalendar], which: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Working days from ``start`` to ``end`` (negative when ``end`` is earlier), each row counted
    on ``calendars[which[row]]``.

    Over many rows, one table per calendar in use holds the working days before each day of the
    rows' date range, and every row is the difference of two entries, exactly as ``busday_count``
    counts: ``C(end) - C(start)`` over ``[start, end)``, and over ``(end, start]`` (both a day
    on) when ``end`` is earlier. Otherwise (few rows, a range wide for them, or a NaT, which
    ``busday_count`` rejects), one numpy busday pass per distinct calendar."""
    out = np.zeros(len(start), dtype=np.int64)
    if len(start) == 0:
        return out
    table = _working_day_table(calendars, which, start, end)
    if table is not None:
        before, lo = table
        stride = before.shape[1]
        flat = before.ravel()
        base = which * stride - lo
        s = start.astype("datetime64[D]").astype(np.int64)
        e = end.astype("datetime64[D]").astype(np.int64)
        # numpy counts a reversed range over (end, start]: both ends one day on.
        base = base + (e < s)
        return flat[base + e] - flat[base + s]
    for k in np.unique(which):
        rows = np.flatnonzero(which == k)
        out[rows] = _busday_count(calendars[int(k)], start[rows], end[rows])
    return out


_TABLE_FROM = 10_000  # rows; below, the busday passes cost less than building the tables


def _working_day_table(
    calendars: Sequence[WorkingCalendar], which: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, int] | None:
    """``(before, lo)``: ``before[k, d]`` working days of calendar ``k`` in ``[lo, lo + d)``
    (zero rows for calendars no row uses), from the earliest date of ``start`` and ``end`` to
    the day after the latest; None when the rows are few, their range wide for them, or a date
    is NaT."""
    n = len(start)
    if n < _TABLE_FROM:
        return None
    s = np.asarray(start, "datetime64[D]")
    e = np.asarray(end, "datetime64[D]")
    if np.isnat(s).any() or np.isnat(e).any():
        return None
    lo = int(min(s.min(), e.min()).astype(np.int64))
    span = int(max(s.max(), e.max()).astype(np.int64)) - lo + 1
    used = np.flatnonzero(np.bincount(which, minlength=len(calendars)))
    if span * len(used) > 2 * n:
        return None
    before = np.zeros((len(calendars), span + 1), np.int64)
    for k in used:
        before[k] = calendars[int(k)].lookup_tables(np.datetime64(lo, "D"), span)[0]
    return before, lo


def _busday_count(cal: WorkingCalendar, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    return np.asarray(cal.working_days_between(start, end), dtype=np.int64)


def days_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Calendar days from ``start`` to ``end`` as floats (for recency weights)."""
    return (end - start).astype("timedelta64[D]").astype(np.float64)


def canonical(a: AgreementData) -> AgreementData:
    """The same agreement with every record list in a fixed order (by id / natural key).

    Floating-point sums depend on order; sorting first makes every result independent of the
    order in which the caller listed the records.
    """
    return AgreementData(
        id=a.id,
        parties=tuple(sorted(a.parties, key=lambda p: p.id)),
        participations=tuple(sorted(a.participations, key=lambda p: (p.party, p.role))),
        commitments=tuple(sorted(a.commitments, key=lambda c: c.id)),
        interactions=tuple(sorted(a.interactions, key=lambda i: (i.date, i.id))),
        follow_ups=tuple(sorted(a.follow_ups, key=lambda f: f.id)),
        pulses=tuple(sorted(a.pulses, key=lambda p: p.id)),
        expectations=tuple(sorted(a.expectations, key=_expectation_key)),
        regulatory=tuple(sorted(a.regulatory, key=lambda r: r.id)),
        grievances=tuple(sorted(a.grievances, key=lambda g: g.id)),
        host_country=a.host_country,
        kind=a.kind,
    )


def _expectation_key(e: Expectation) -> tuple:
    return (e.topic, e.party, e.recorded or date.min, e.id)


def ordered_pairs_within(
    groups: np.ndarray, *, both_ways: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs ``(i, j)``, ``i != j``, of every two rows sharing a group label.

    Used to expand an interaction's participants into who-met-whom, or a topic's expectations
    into who-is-compared-with-whom, without a Python loop per group. Rows are returned as
    positions in ``groups``; any order of ``groups`` works. ``both_ways=False`` returns each
    unordered pair once (half the work, for symmetric relations).
    """
    n = len(groups)
    if n == 0:
        return _i(), _i()
    # Participant tables usually arrive grouped already; sorting them again is wasted time.
    order = np.arange(n) if np.all(groups[1:] >= groups[:-1]) else np.argsort(groups, kind="stable")
    g = groups[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.diff(np.r_[starts, n])
    row_start = np.repeat(starts, sizes)
    if both_ways:
        count = np.repeat(sizes, sizes)
        base = row_start
    else:
        count = row_start + np.repeat(sizes, sizes) - np.arange(n) - 1  # rows after this one
        base = np.arange(n) + 1
    first = np.repeat(np.arange(n), count)
    offset = np.arange(first.size) - np.repeat(np.cumsum(count) - count, count)
    second = np.repeat(base, count) + offset
    keep = first != second
    return order[first[keep]], order[second[keep]]


_PER_AGREEMENT_PREFIXES = ("pp_", "cm_", "ix_", "fu_", "pu_", "ex_", "rq_", "gr_")


def replicate(frame: PortfolioFrame, copies: int) -> PortfolioFrame:
    """``copies`` stacked copies of ``frame``; copy ``t`` of agreement ``g`` is agreement
    ``t * n + g``. Evaluating copy ``t`` at its own date gives a whole trend in one pass."""
    n = frame.n_agreements
    columns = {}
    for f in fields(frame):
        if not f.name.startswith(_PER_AGREEMENT_PREFIXES):
            continue
        value = getattr(frame, f.name)
        tiled = np.tile(value, copies)
        if f.name.endswith("_ag"):
            tiled = tiled + np.repeat(np.arange(copies) * n, len(value))
        columns[f.name] = tiled
    return replace(
        frame,
        n_agreements=n * copies,
        agreement_ids=frame.agreement_ids * copies,
        host_country=frame.host_country * copies,
        **columns,
    )


# --------------------------------------------------------------------------
# JSON (the portable input of ``alliance insights trust|alignment FILE.json``)
# --------------------------------------------------------------------------

_DATE_FIELDS = frozenset(
    {"due", "delivered", "date", "asked", "answered", "target_date", "recorded", "received",
     "response_due", "responded", "disputed_from", "disputed_until", "renegotiated_from"}
)  # fmt: skip
_TUPLE_FIELDS = frozenset(
    {"owed_to", "parties", "people", "confirmed_by", "unconfirmed_by", "depends_on"}
)
_RECORDS = {
    "participations": Participation,
    "commitments": Commitment,
    "interactions": Interaction,
    "follow_ups": FollowUp,
    "pulses": PulseResponse,
    "expectations": Expectation,
    "regulatory": RegulatoryRequirement,
    "grievances": Grievance,
}


def agreement_from_dict(doc: dict, *, years: range | None = None) -> AgreementData:
    """An :class:`AgreementData` from its JSON form (see docs/insights.md for the format).

    Dates are ISO strings. A party's ``calendar`` is either explicit (``weekmask``,
    ``holidays``, ``blackouts``) or ``{"country": "SN", "subdivision": null}``, whose public
    holidays come from the ``holidays`` package for ``years``. Unknown keys are an error, so a
    typo does not silently drop data.
    """
    years = years or range(2015, 2036)
    records = {
        name: tuple(_record(cls, row) for row in doc.get(name, ()))
        for name, cls in _RECORDS.items()
    }
    parties = tuple(_party(row, years) for row in doc.get("parties", ()))
    return AgreementData(
        id=str(doc.get("id", "agreement")),
        parties=parties,
        host_country=doc.get("host_country", ""),
        kind=doc.get("kind", ""),
        **records,
    )


def _record(cls: type, row: dict):
    known = {f.name for f in fields(cls)}
    unknown = set(row) - known
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown field(s) {', '.join(sorted(unknown))}")
    values = {}
    for name, value in row.items():
        if name in _DATE_FIELDS and value is not None:
            value = date.fromisoformat(value)
        elif name in _TUPLE_FIELDS:
            value = tuple(value)
        values[name] = value
    return cls(**values)


def _party(row: dict, years: range) -> Party:
    row = dict(row)
    spec = row.pop("calendar", None)
    party = _record(Party, row)
    return replace(party, calendar=calendar_from_dict(spec, years)) if spec else party


def calendar_from_dict(spec: dict, years: range) -> WorkingCalendar:
    """A working calendar from its JSON form: explicit days, or a country's (see above)."""
    from alliance.insights.calendars import WorkingCalendar

    blackouts = tuple(
        (date.fromisoformat(a), date.fromisoformat(b)) for a, b in spec.get("blackouts", ())
    )
    if "country" in spec:
        return WorkingCalendar.for_country(
            spec["country"], spec.get("subdivision"), years=years,
            weekmask=spec.get("weekmask"), blackouts=blackouts,
        )  # fmt: skip
    return WorkingCalendar(
        weekmask=spec.get("weekmask", "1111100"),
        holidays=tuple(date.fromisoformat(d) for d in spec.get("holidays", ())),
        blackouts=blackouts,
    )


def jsonable(value):
    """Results as plain JSON types: dataclasses to dicts, dates to ISO strings, numpy scalars to
    numbers, floats rounded to 4 decimals, NaN and infinity to null."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value) if f.repr}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4) if np.isfinite(value) else None
    return value
