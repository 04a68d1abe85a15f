"""The agreement brief's data: :func:`agreement_brief` returns plain data, apart from any
rendering, so that the HTML page, the PDF, the command line, the weekly digest and the API
read the same figures.

Everything starts from the access policy: counts through the overview's selector, warnings,
commitments and risks through ``policy.*_visible_to(user)``; the insight snapshots are
computed from shared data only (``alliance.analytics``), so every member may read them, but a
snapshot's reference to a commitment is shown only when the reader sees that commitment.
Texts are written in the active language: call it inside ``translation.override(lang)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance.accounts import policy
from alliance.accounts.choices import Role
from alliance.briefings import ratings, snapshots, wording
from alliance.briefings.choices import EvidenceState
from alliance.engagement.models import TrustPulse
from alliance.partnerships.choices import (
    RUNNING_COMMITMENT_STATUSES,
    CommitmentStatus,
    MaturityStage,
)
from alliance.partnerships.models import Agreement, Commitment
from alliance.risks.choices import RiskStatus
from alliance.web import selectors as web_selectors
from alliance.web.access import access_for

KINDS = ("maturity", "trust", "schedule", "alignment", "salience")
TOP_COMMITMENTS = 3
TOP_DIVERGENCES = 3
TOP_WARNINGS = 5
MAX_TRUST_ROWS = 6
MAX_ASKS = 4


# ----- what the brief holds --------------------------------------------------------------


@dataclass(frozen=True)
class RatingLine:
    name: str  # progress, implementation, risk
    label: str
    current: str | None  # level code
    current_label: str
    previous: str | None
    previous_label: str
    direction: str | None  # "better", "worse", "same"; None without a previous rating
    evidence: str
    state: str  # an EvidenceState value
    rating: ratings.Rating

    @property
    def arrow(self) -> str:
        """▲ / ▼ as the level moved on its scale (risk going down is ▼, and better); its colour
        (``trend-better`` / ``trend-worse``) says whether that is good news."""
        if self.direction in (None, "same"):
            return "="
        up = self.direction == "better"
        if self.name == "risk":  # a lower risk is the better one
            up = not up
        return "▲" if up else "▼"

    @property
    def direction_label(self) -> str:
        return {
            "better": _("better than the previous rating"),
            "worse": _("worse than the previous rating"),
            "same": _("as the previous rating"),
        }.get(self.direction or "", "")


@dataclass(frozen=True)
class Step:
    stage: str
    label: str
    reached: bool
    current: bool


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    stage: str
    holds: bool
    measured: float | None
    threshold: float | None


@dataclass(frozen=True)
class TrustRow:
    party: str
    trusted_by_others: float | None
    trusts_others: float | None
    previous_trusted_by_others: float | None
    previous_trusts_others: float | None
    state: str | None  # the snapshot's evidence state where the engine gives one


@dataclass(frozen=True)
class TrustView:
    index: float | None
    low: float | None
    high: float | None
    previous_index: float | None
    previous_as_of: date | None
    state: str | None
    trend: list[tuple[date, float, float | None, float | None]]
    rows: list[TrustRow]
    threshold: float  # the index both ways the "Alliance" stage asks of key parties


@dataclass(frozen=True)
class Affected:
    title: str
    working_days: int


@dataclass(frozen=True)
class KeyCommitment:
    uuid: str
    title: str
    owed_by: str
    owed_to: list[str]
    due: date | None
    status: str
    status_label: str
    # calendar days past due on the brief's day, 0 when not yet due or when in dispute (the
    # dispute stops the clock, as every count has it: then ``past_due_in_dispute``)
    days_late: int
    probability_on_time: float | None
    p80: date | None
    days_added: int  # working days it pushes the commitments that wait for it
    affected: list[Affected]
    why: str  # one line: why it matters now
    past_due_in_dispute: bool = False


@dataclass(frozen=True)
class Divergence:
    topic: str
    score: float | None
    lines: list[str]


@dataclass(frozen=True)
class WarningLine:
    title: str
    severity: str
    severity_label: str
    raised_on: date
    confidentiality: str


@dataclass(frozen=True)
class Ask:
    text: str
    why: str


@dataclass(frozen=True)
class Counts:
    open_commitments: int
    overdue: int
    due_soon: int
    open_grievances: int
    overdue_grievances: int
    open_warnings: int


@dataclass
class AgreementBrief:
    agreement_uuid: str
    title: str
    reference: str
    kind: str
    parties: list[str]
    today: date
    as_of: date | None  # the insight snapshots' date (None: nothing computed yet)
    computed_at: Any
    reader_role: str | None
    reader_party: str | None
    language: str
    bottom_line: list[str]
    ratings: list[RatingLine]
    steps: list[Step]
    next_stage: str | None
    criteria: list[Criterion]  # of the stages up to the next one
    trust: TrustView | None
    commitments: list[KeyCommitment]
    divergences: list[Divergence]
    warnings: list[WarningLine]
    counts: Counts
    asks: list[Ask]
    marking: str
    notes: list[str] = field(default_factory=list)  # what the figures rest on

    @property
    def stale(self) -> bool:
        """The insight figures describe another day than the counts (said on the brief)."""
        return self.as_of is not None and self.as_of != self.today


# ----- the builder -------------------------------------------------------------------------


def agreement_brief(user: Any, agreement: Agreement, today: date) -> AgreementBrief:
    """The brief of ``agreement`` for ``user`` on ``today`` (the caller has checked that the
    user sees the agreement; the page answers 404 otherwise)."""
    access = access_for(user, agreement)
    current, previous = _snapshots(user, agreement, KINDS)
    as_of = _date(current.get("maturity") or current.get("trust"))
    maturity = _data(current, "maturity")
    schedule = _data(current, "schedule")
    visible = _visible_commitments(user, agreement, schedule)
    counts_row = web_selectors.agreement_counts(user, agreement, today)
    warnings = web_selectors.open_warnings(user, agreement)
    counts = Counts(
        open_commitments=counts_row.open_commitments,
        overdue=counts_row.overdue,
        due_soon=counts_row.due_soon,
        open_grievances=counts_row.open_grievances,
        overdue_grievances=counts_row.overdue_grievances,
        open_warnings=len(warnings),
    )
    rating_lines = _ratings(
        user, agreement, current, previous, (counts.overdue, counts.open_commitments)
    )
    key = _key_commitments(schedule, visible, today)
    steps, next_stage, criteria = _path(agreement, maturity)
    party = _reader_party(access)
    brief = AgreementBrief(
        agreement_uuid=str(agreement.uuid),
        title=agreement.localized("title"),
        reference=agreement.reference,
        kind=str(agreement.get_kind_display()),
        parties=[str(p.party) for p in agreement.participations.select_related("party")],
        today=today,
        as_of=as_of,
        computed_at=getattr(current.get("maturity"), "computed_at", None),
        reader_role=access.role,
        reader_party=str(party) if party else None,
        language=wording.language(),
        bottom_line=[],
        ratings=rating_lines,
        steps=steps,
        next_stage=next_stage,
        criteria=criteria,
        trust=_trust(current, previous),
        commitments=key,
        divergences=_divergences(_data(current, "alignment"), _topic_names(user, agreement)),
        warnings=[_warning_line(w) for w in warnings[:TOP_WARNINGS]],
        counts=counts,
        asks=_asks(user, agreement, access, party, schedule, visible, key, maturity, today, counts),
        marking=_marking(w.confidentiality for w in warnings[:TOP_WARNINGS]),
    )
    brief.bottom_line = _bottom_line(brief)
    brief.notes = _notes(brief)
    return brief


# ----- snapshots ---------------------------------------------------------------------------


_snapshots = snapshots.latest_and_previous
_data = snapshots.data
_date = snapshots.as_of


# ----- ratings -----------------------------------------------------------------------------


def _open_risk_ratings(user: Any, agreement: Agreement, on: date | None) -> list[str]:
    """Ratings of the open risks recorded by ``on`` (the register keeps no dated history of
    a rating or a status: today's are used for the earlier date too, docs/briefings.md)."""
    risks = policy.risks_visible_to(user).filter(agreement=agreement, status=RiskStatus.OPEN)
    if on is not None:
        risks = risks.filter(created_at__date__lte=on)
    return list(risks.values_list("rating", flat=True))


def _rate(
    user: Any,
    agreement: Agreement,
    found: Mapping[str, Any],
    overdue: tuple[int, int] | None = None,
) -> dict[str, ratings.Rating]:
    return {
        "progress": ratings.progress(_data(found, "maturity")),
        "implementation": ratings.implementation(
            _data(found, "trust"), _data(found, "schedule"), overdue=overdue
        ),
        "risk": ratings.overall_risk(
            _open_risk_ratings(user, agreement, _date(found.get("schedule"))),
            _data(found, "schedule"),
        ),
    }


def _ratings(
    user: Any,
    agreement: Agreement,
    current: Mapping[str, Any],
    previous: Mapping[str, Any],
    overdue: tuple[int, int] | None = None,
) -> list[RatingLine]:
    """Today's ratings (``overdue``: today's (overdue, open), as every page counts them)
    beside those of the previous snapshot."""
    now = _rate(user, agreement, current, overdue)
    before = _rate(user, agreement, previous) if previous else {}
    lines = []
    for name in ("progress", "implementation", "risk"):
        rating, earlier = now[name], before.get(name)
        direction = None
        if earlier is not None and earlier.rank is not None and rating.rank is not None:
            direction = (
                "same"
                if earlier.rank == rating.rank
                else ("better" if rating.rank < earlier.rank else "worse")
            )
        lines.append(
            RatingLine(
                name=name,
                label=wording.rating_name(name),
                current=rating.level,
                current_label=wording.level_label(rating.level),
                previous=earlier.level if earlier else None,
                previous_label=wording.level_label(earlier.level if earlier else None),
                direction=direction,
                evidence=wording.rating_evidence(rating),
                state=rating.state,
                rating=rating,
            )
        )
    return lines


# ----- the path to alliance ----------------------------------------------------------------


def _path(
    agreement: Agreement, maturity: Mapping[str, Any] | None
) -> tuple[list[Step], str | None, list[Criterion]]:
    stages = list(MaturityStage)
    recorded = stages.index(MaturityStage(agreement.stage))
    steps = [
        Step(s.value, str(s.label), i <= recorded, i == recorded) for i, s in enumerate(stages)
    ]
    if not maturity:
        return steps, None, []
    target = maturity.get("next_stage") or stages[-1].value
    limit = next(i for i, s in enumerate(stages) if s.value == target)
    criteria = [
        Criterion(
            key=c.get("key", ""),
            label=wording.criterion(c.get("key", ""), c.get("label", "")),
            stage=s["stage"],
            holds=bool(c.get("holds")),
            measured=c.get("measured"),
            threshold=c.get("threshold"),
        )
        for s in maturity.get("stages") or ()
        if s.get("stage") in MaturityStage.values
        and stages.index(MaturityStage(s["stage"])) <= limit
        for c in s.get("criteria") or ()
    ]
    return steps, maturity.get("next_stage"), criteria


# ----- trust -------------------------------------------------------------------------------


def _key_parties(current: Mapping[str, Any]) -> list[str]:
    """UUIDs of the key parties (salience snapshot), most salient first."""
    salience = _data(current, "salience") or {}
    rows = salience.get("parties") or []
    key = [r["party"]["uuid"] for r in rows if r.get("is_key")]
    return key or [r["party"]["uuid"] for r in rows]


def _trust(current: Mapping[str, Any], previous: Mapping[str, Any]) -> TrustView | None:
    from alliance.insights.parameters import MATURITY

    data = _data(current, "trust")
    if not data:
        return None
    before = _data(previous, "trust") or {}
    earlier = {p["party"]["uuid"]: p for p in before.get("parties") or ()}
    by_party = {p["party"]["uuid"]: p for p in data.get("parties") or ()}
    order = [u for u in _key_parties(current) if u in by_party] or list(by_party)
    rows = []
    for uuid in order[:MAX_TRUST_ROWS]:
        p, e = by_party[uuid], earlier.get(uuid, {})
        rows.append(
            TrustRow(
                party=p["party"]["name"],
                trusted_by_others=p.get("trusted_by_others"),
                trusts_others=p.get("trusts_others"),
                previous_trusted_by_others=e.get("trusted_by_others"),
                previous_trusts_others=e.get("trusts_others"),
                state=p.get("evidence_state"),
            )
        )
    trend = [
        (date.fromisoformat(t["date"]), t["index"], t.get("low"), t.get("high"))
        for t in data.get("trend") or ()
        if t.get("index") is not None
    ]
    return TrustView(
        index=data.get("index"),
        low=data.get("low"),
        high=data.get("high"),
        previous_index=before.get("index"),
        previous_as_of=_date(previous.get("trust")),
        state=data.get("evidence_state"),
        trend=trend,
        rows=rows,
        threshold=MATURITY.trust_min,
    )


# ----- the commitments that matter most now ------------------------------------------------


def _visible_commitments(
    user: Any, agreement: Agreement, schedule: Mapping[str, Any] | None
) -> dict[str, Commitment]:
    """The agreement's open commitments the reader sees, by UUID, with their parties."""
    rows = (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement)
        .exclude(status__in=(CommitmentStatus.DELIVERED, CommitmentStatus.WAIVED))
        .select_related("owed_by")
        .prefetch_related("owed_to")
    )
    return {str(c.uuid): c for c in rows}


def _key_commitments(
    schedule: Mapping[str, Any] | None, visible: Mapping[str, Commitment], today: date
) -> list[KeyCommitment]:
    """The three open commitments that matter most now: those whose delay pushes the most
    work of others (the forecast's cascade), then the most overdue, then the least likely
    to be on time; a commitment on the critical chain comes before one that is not."""
    if not schedule:
        return []
    forecast = {c["commitment"]["uuid"]: c for c in schedule.get("commitments") or ()}
    cascade = {c["commitment"]["uuid"]: c for c in schedule.get("cascade") or ()}
    candidates = [u for u in forecast if u in visible]

    def weight(uuid: str) -> tuple[float, ...]:
        c, f, k = visible[uuid], forecast[uuid], cascade.get(uuid, {})
        late = max((today - c.due_on).days, 0)
        p = f.get("probability_on_time")
        return (
            -(k.get("days_added") or 0),
            -len(k.get("affected") or ()),
            -late,
            -(f.get("criticality") or 0),
            p if p is not None else 1.0,
        )

    chosen = sorted(candidates, key=weight)[:TOP_COMMITMENTS]
    return [
        _key_commitment(visible[u], forecast[u], cascade.get(u, {}), visible, today) for u in chosen
    ]


def _key_commitment(
    c: Commitment,
    forecast: Mapping[str, Any],
    cascade: Mapping[str, Any],
    visible: Mapping[str, Commitment],
    today: date,
) -> KeyCommitment:
    # The commitments it pushes, in the reader's language, and only those the reader sees.
    affected = [
        Affected(visible[u].localized("title"), int(a.get("working_days") or 0))
        for a in cascade.get("affected") or ()
        if (u := a["commitment"]["uuid"]) in visible
    ]
    p80 = (forecast.get("quantiles") or {}).get("P80")
    item = KeyCommitment(
        uuid=str(c.uuid),
        title=c.localized("title"),
        owed_by=str(c.owed_by),
        owed_to=[str(p) for p in c.owed_to.all()],
        due=c.due_on,
        status=c.status,
        status_label=str(c.get_status_display()),
        days_late=max((today - c.due_on).days, 0) if c.status in RUNNING_COMMITMENT_STATUSES else 0,
        past_due_in_dispute=c.status == CommitmentStatus.DISPUTED and c.due_on < today,
        probability_on_time=forecast.get("probability_on_time"),
        p80=date.fromisoformat(p80) if p80 else None,
        days_added=int(cascade.get("days_added") or 0),
        affected=affected,
        why="",
    )
    return KeyCommitment(**{**item.__dict__, "why": wording.commitment_why(item)})


# ----- expectations ------------------------------------------------------------------------


def _topic_names(user: Any, agreement: Agreement) -> dict[str, str]:
    """The agreement's topics, their name in the reader's language by UUID (one query)."""
    topics = policy.topics_visible_to(user).filter(agreement=agreement)
    return {str(t.uuid): t.localized("name") for t in topics.only("uuid", "name", "translations")}


def _divergences(
    alignment: Mapping[str, Any] | None, topic_names: Mapping[str, str]
) -> list[Divergence]:
    """The topics where the parties' expectations lie furthest apart, with the widest gap
    of each (at most two lines a topic), named in the reader's language."""
    if not alignment:
        return []
    topics = [t for t in alignment.get("topics") or () if t.get("score") is not None]
    topics.sort(key=lambda t: t["score"])
    found = []
    for t in topics[:TOP_DIVERGENCES]:
        if t["score"] >= 90:
            break  # close enough: not a divergence
        pairs = sorted(t.get("pairs") or (), key=lambda g: -(g.get("distance") or 0))
        lines = [line for g in pairs[:2] if (line := wording.gap(g))]
        topic = t["topic"]
        found.append(Divergence(topic_names.get(topic["uuid"], topic["name"]), t["score"], lines))
    return found


# ----- warnings and marking ----------------------------------------------------------------


def _warning_line(w: Any) -> WarningLine:
    return WarningLine(
        title=w.headline,  # a rule's title in the reader's language, a person's as written
        severity=w.severity,
        severity_label=str(w.get_severity_display()),
        raised_on=w.raised_on,
        confidentiality=w.confidentiality,
    )


_marking = snapshots.marking


# ----- what is asked of the reader ---------------------------------------------------------


def _reader_party(access: Any) -> Any:
    if access.role != Role.PARTY_REPRESENTATIVE or access.party_id is None:
        return None
    from alliance.partnerships.models import Party

    return Party.objects.filter(pk=access.party_id).first()


def _asks(
    user: Any,
    agreement: Agreement,
    access: Any,
    party: Any,
    schedule: Mapping[str, Any] | None,
    visible: Mapping[str, Commitment],
    key: list[KeyCommitment],
    maturity: Mapping[str, Any] | None,
    today: date,
    counts: Counts,  # the brief's, read once for the page (they were read twice)
) -> list[Ask]:
    """What the reader is asked to do (docs/briefings.md, "What is asked of the reader"): a
    party's representative, what their party owes and the pulse it is asked to answer; the
    team and decision makers, the decisions that unblock the partnership."""
    if party is not None:
        return _asks_of_party(user, agreement, party, visible, today)
    asks: list[Ask] = []
    for c in visible.values():
        if c.status == CommitmentStatus.DISPUTED:
            asks.append(
                Ask(
                    _("Settle the dispute over “%(title)s” between %(by)s and %(to)s.")
                    % {
                        "title": c.localized("title"),
                        "by": c.owed_by,
                        "to": wording.names([str(p) for p in c.owed_to.all()]),
                    },
                    _("Disputed since its due date, %(day)s.")
                    % {"day": date_format(c.due_on, "SHORT_DATE_FORMAT")},
                )
            )
    for k in key:
        if k.days_late or k.days_added:
            asks.append(
                Ask(
                    _("Unblock “%(title)s” with %(by)s.") % {"title": k.title, "by": k.owed_by},
                    k.why,
                )
            )
            break
    if counts.overdue_grievances:
        asks.append(
            Ask(
                ngettext(
                    "See that the grievance past its response date is answered.",
                    "See that the %(n)d grievances past their response date are answered.",
                    counts.overdue_grievances,
                )
                % {"n": counts.overdue_grievances},
                _(
                    "Unanswered grievances count against the criterion “grievances answered "
                    "by their response date”."
                ),
            )
        )
    for c in (maturity or {}).get("missing") or ():
        asks.append(
            Ask(
                _("To reach “%(stage)s”: %(criterion)s.")
                % {
                    "stage": wording.stage_label(c.get("stage", "")),
                    "criterion": wording.criterion(c.get("key", ""), c.get("label", "")),
                },
                wording.criterion_measure(c),
            )
        )
        break
    return asks[:MAX_ASKS]


def _asks_of_party(
    user: Any, agreement: Agreement, party: Any, visible: Mapping[str, Commitment], today: date
) -> list[Ask]:
    owed = sorted((c for c in visible.values() if c.owed_by_id == party.pk), key=lambda c: c.due_on)
    asks = []
    late = [c for c in owed if c.due_on < today and c.status in RUNNING_COMMITMENT_STATUSES]
    soon = [c for c in owed if today <= c.due_on <= today + timedelta(days=14)]
    for c in late[:2]:
        asks.append(
            Ask(
                _("Deliver “%(title)s”, or propose a new date.") % {"title": c.localized("title")},
                ngettext(
                    "Due %(day)s: %(n)d day late.",
                    "Due %(day)s: %(n)d days late.",
                    (today - c.due_on).days,
                )
                % {"day": date_format(c.due_on, "SHORT_DATE_FORMAT"), "n": (today - c.due_on).days},
            )
        )
    for c in soon[:1]:
        asks.append(
            Ask(
                _("Deliver “%(title)s” on time.") % {"title": c.localized("title")},
                _("Due %(day)s.") % {"day": date_format(c.due_on, "SHORT_DATE_FORMAT")},
            )
        )
    pulses = policy.trust_pulses_visible_to(user).filter(
        Q(agreement=agreement), Q(opens_on__lte=today), Q(closes_on__gte=today), Q(closed_at=None)
    )
    for pulse in pulses[:1]:
        asks.append(
            Ask(
                _("Answer the trust pulse “%(title)s”.") % {"title": pulse.title},
                _("It closes on %(day)s.")
                % {"day": date_format(pulse.closes_on, "SHORT_DATE_FORMAT")},
            )
        )
    return asks[:MAX_ASKS]


# ----- the bottom line and what the figures rest on ----------------------------------------


def _bottom_line(brief: AgreementBrief) -> list[str]:
    return wording.bottom_line(brief)


def _notes(brief: AgreementBrief) -> list[str]:
    return wording.notes(brief)


__all__ = ["AgreementBrief", "EvidenceState", "TrustPulse", "agreement_brief"]
