"""Reads that feed the cockpit's pages and belong to no single domain app.

Every queryset starts from the access policy (``policy.*_visible_to(user)``); every function
issues a fixed number of queries whatever the amount of data, so page query counts stay flat.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    Prefetch,
    QuerySet,
    Value,
    When,
)

from alliance.accounts import policy
from alliance.analytics.choices import StageChangeStatus
from alliance.attention import counts as attention
from alliance.core import clock
from alliance.core.models import translation_language
from alliance.engagement import pulse_links
from alliance.engagement.choices import TRUST_DIMENSIONS
from alliance.engagement.models import Expectation, Grievance, Interaction, TrustResponse
from alliance.insights import inputs as insight_inputs
from alliance.insights import salience
from alliance.partnerships import selectors as partnership_selectors
from alliance.partnerships.models import Agreement, Commitment, Participation, Party
from alliance.risks.choices import Severity, WarningStatus

# ----- portfolio -----


def portfolio_rows(user: Any, *, today: date | None = None) -> QuerySet[Agreement]:
    """The agreements the user may see with every attention count (``alliance.attention``),
    in one query, sorted by need."""
    today = today or clock.today()
    return attention.with_attention(policy.agreements_visible_to(user), user, today).order_by(
        *attention.NEED_ORDER
    )


# ----- agreement overview -----


@dataclass(frozen=True)
class AgreementCounts:
    open_commitments: int
    overdue: int
    due_soon: int
    due_this_week: int
    interactions_30_days: int
    open_grievances: int
    overdue_grievances: int


def agreement_counts(user: Any, agreement: Agreement, today: date) -> AgreementCounts:
    """The key numbers of the overview (two queries), counted as everywhere else
    (``alliance.attention.counts``)."""
    counts = attention.attention_counts(user, agreement, today)
    recent = (
        policy.interactions_visible_to(user)
        .filter(agreement=agreement, occurred_on__gte=today - timedelta(30))
        .count()
    )
    return AgreementCounts(
        open_commitments=counts.open_commitments,
        overdue=counts.overdue,
        due_soon=counts.due_soon,
        due_this_week=counts.due_this_week,
        interactions_30_days=recent,
        open_grievances=counts.open_grievances,
        overdue_grievances=counts.overdue_grievances,
    )


def open_warnings(user: Any, agreement: Agreement, *, limit: int = 50) -> list[Any]:
    """Open and acknowledged warnings, critical first, then the newest (then by key: a
    person's title is encrypted, the database cannot sort it)."""
    rank = Case(
        When(severity=Severity.CRITICAL, then=Value(0)),
        When(severity=Severity.WARNING, then=Value(1)),
        default=Value(2),
    )
    return list(
        policy.early_warnings_visible_to(user)
        .filter(agreement=agreement)
        .exclude(status=WarningStatus.RESOLVED)
        .select_related("commitment", "owner")  # both shown with every warning
        .order_by(rank, "-raised_on", "key")[:limit]
    )


@dataclass(frozen=True)
class Change:
    at: datetime
    kind: str  # "status", "interaction" or "stage"
    obj: Any


def changes_since(
    user: Any, agreement: Agreement, since: datetime | None, *, limit: int = 12
) -> list[Change]:
    """What moved since the user's last visit: commitment status changes and interactions
    logged (two queries). ``since`` None means a first visit: nothing is "new"."""
    if since is None:
        return []
    changes = (
        policy.commitment_status_changes_visible_to(user)
        .filter(commitment__agreement=agreement, created_at__gt=since)
        .exclude(from_status="")
        .select_related("commitment")
        .order_by("-created_at")[:limit]
    )
    interactions = (
        policy.interactions_visible_to(user)
        .filter(agreement=agreement, created_at__gt=since)
        .order_by("-created_at")[:limit]
    )
    stages = (
        policy.stage_changes_visible_to(user)
        .filter(agreement=agreement, updated_at__gt=since)
        .exclude(status=StageChangeStatus.WITHDRAWN)
        .order_by("-updated_at")[:limit]
    )
    rows = [Change(c.created_at, "status", c) for c in changes]
    rows += [Change(i.created_at, "interaction", i) for i in interactions]
    rows += [Change(c.updated_at, "stage", c) for c in stages]
    return sorted(rows, key=lambda r: r.at, reverse=True)[:limit]


def pending_stage_change(user: Any, agreement: Agreement) -> Any:
    """The proposed lower stage waiting for the team's decision, if any."""
    return (
        policy.stage_changes_visible_to(user)
        .filter(agreement=agreement, status=StageChangeStatus.PENDING)
        .first()
    )


def upcoming_milestones(user: Any, agreement: Agreement, *, limit: int = 6) -> QuerySet:
    return (
        policy.milestones_visible_to(user)
        .filter(agreement=agreement, reached_on__isnull=True)
        .order_by("due_on")[:limit]
    )


def strategic_objectives(user: Any, agreement: Agreement) -> QuerySet:
    return (
        policy.strategic_objectives_visible_to(user)
        .filter(agreement=agreement)
        .annotate(n_commitments=Count("commitments", distinct=True))
    )


# ----- parties: salience and rhythm -----


@dataclass
class SalienceRow:
    participation: Participation
    assessment: salience.SalienceAssessment


QUADRANT_ORDER = ("keep satisfied", "key players", "monitor", "keep informed")


def salience_rows(agreement: Agreement) -> list[SalienceRow]:
    """Each participation with its Mitchell class and Mendelow quadrant (insights.salience)."""
    rows = []
    for p in partnership_selectors.agreement_parties(agreement):
        record = insight_inputs.Participation(
            party=str(p.party.uuid),
            role=p.role,
            power=p.power,
            legitimacy=p.legitimacy,
            urgency=p.urgency,
            interest=p.interest,
        )
        rows.append(SalienceRow(p, salience.assess(record)))
    return rows


def mendelow_grid(rows: list[SalienceRow]) -> list[tuple[str, list[SalienceRow]]]:
    """The 2×2 grid, high power on top and high interest on the right."""
    cells: dict[str, list[SalienceRow]] = {q: [] for q in QUADRANT_ORDER}
    for row in rows:
        cells[row.assessment.mendelow_quadrant].append(row)
    return [(q, cells[q]) for q in QUADRANT_ORDER]


def agreement_people(user: Any, agreement: Agreement) -> dict[int, list[Any]]:
    """People of the agreement's parties, by party id (one query)."""
    party_ids = agreement.participations.values("party_id")
    people = policy.people_visible_to(user).filter(party_id__in=party_ids).order_by("name")
    grouped: dict[int, list[Any]] = defaultdict(list)
    for person in people:
        grouped[person.party_id].append(person)
    return grouped


def next_blackouts(user: Any, parties: list[Party], today: date) -> dict[int, list[Any]]:
    """Current and coming blackout periods by party id (one query)."""
    periods = (
        policy.blackout_periods_visible_to(user)
        .filter(party__in=parties, ends_on__gte=today)
        .order_by("starts_on")
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for period in periods:
        grouped[period.party_id].append(period)
    return grouped


# ----- commitments -----


def commitments_for_table(user: Any, agreement: Agreement) -> QuerySet[Commitment]:
    return (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement)
        .select_related("owed_by", "milestone")
        .prefetch_related(Prefetch("owed_to", queryset=Party.objects.order_by("name")))
    )


def late_first(commitments: QuerySet[Commitment], today: date) -> QuerySet[Commitment]:
    """Open commitments past their due date first, then the other open ones, then the
    delivered and waived; each group by due date."""
    urgency = Case(
        When(attention.overdue_commitment_q(today), then=Value(0)),
        When(attention.open_commitment_q(), then=Value(1)),
        default=Value(2),
    )
    return commitments.order_by(urgency, "due_on", "title")


@dataclass(frozen=True)
class CommitmentTally:
    open: int
    overdue: int
    closed: int


def commitment_tally(commitments: QuerySet[Commitment], today: date) -> CommitmentTally:
    """How many of the commitments are open, overdue, delivered or waived (one query;
    overdue as everywhere: ``alliance.attention.counts``)."""
    is_open = attention.open_commitment_q()
    counts = commitments.order_by().aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=attention.overdue_commitment_q(today)),
        closed=Count("pk", filter=~is_open),
    )
    return CommitmentTally(**counts)


@dataclass(frozen=True)
class GanttBar:
    commitment: Commitment
    left: float  # percent of the chart's width
    width: float
    late: bool
    p50_at: float | None = None  # forecast markers from the schedule snapshot, in percent
    p80_at: float | None = None


@dataclass(frozen=True)
class Gantt:
    start: date
    end: date
    bars: list[GanttBar]
    today_at: float | None
    ticks: list[tuple[date, float]] = field(default_factory=list)


def gantt(
    commitments: list[Commitment],
    today: date,
    forecast: dict[str, tuple[date | None, date | None]] | None = None,
) -> Gantt | None:
    """Planned bars (planned start → due) positioned on a shared time axis, in percent, with
    the P50 and P80 dates of the schedule forecast where there is one (keyed by UUID)."""
    if not commitments:
        return None
    forecast = forecast or {}
    starts = [c.start_on or c.due_on for c in commitments]
    start = min([*starts, today])
    forecast_days = [d for pair in forecast.values() for d in pair if d]
    end = max([*(c.due_on for c in commitments), today, *forecast_days]) + timedelta(days=1)
    span = (end - start).days or 1

    def at(day: date) -> float:
        return round(100 * (day - start).days / span, 2)

    bars = []
    for c, s in zip(commitments, starts, strict=True):
        width = max(at(c.due_on + timedelta(days=1)) - at(s), 0.6)
        late = c.is_open and c.due_on < today
        p50, p80 = forecast.get(str(c.uuid), (None, None))
        bars.append(
            GanttBar(c, at(s), width, late, at(p50) if p50 else None, at(p80) if p80 else None)
        )
    ticks, month = [], date(start.year, start.month, 1)
    step = max(1, span // 365 * 3 or 1)  # about a dozen ticks on long plans
    while month <= end:
        if month >= start:
            ticks.append((month, at(month)))
        m = month.month - 1 + step
        month = date(month.year + m // 12, m % 12 + 1, 1)
    return Gantt(start, end, bars, at(today), ticks)


def localized_titles(user: Any, agreement: Agreement) -> dict[str, str]:
    """Titles of the agreement's commitments and milestones in the current language, by UUID
    (to show snapshot references in the reader's language; two queries)."""
    # The title's translation read as a column (what ``Translatable.localized`` picks): no
    # model built, nor every translated field of every row decoded, for ~60 titles a page.
    translated = f"translations__{translation_language()}__title"
    titles: dict[str, str] = {}
    for model_qs in (
        policy.commitments_visible_to(user).filter(agreement=agreement),
        policy.milestones_visible_to(user).filter(agreement=agreement),
    ):
        for uuid, title, text in model_qs.values_list("uuid", "title", translated):
            titles[str(uuid)] = text or title
    return titles


def risk_titles(user: Any, agreement: Agreement) -> dict[str, str]:
    """The agreement's risks ``user`` may see, their title in the current language by UUID
    (a snapshot's risk tornado shows only these; one query)."""
    risks = policy.risks_visible_to(user).filter(agreement=agreement)
    return {str(r.uuid): r.localized("title") for r in risks.only("uuid", "title", "translations")}


def _answerable(user: Any, confirmations: list[Any]) -> list[Any]:
    """Mark the pending confirmations ``user`` may answer (the policy's own rule)."""
    for c in confirmations:
        c.may_answer = c.status == "pending" and policy.can_change(user, c)
    return confirmations


def _renegotiations(user: Any, commitment: Commitment) -> dict[str, Any]:
    found = partnership_selectors.commitment_renegotiations(user, commitment)
    for p in found["proposals"]:
        p.may_answer = p.status == "open" and any(
            a.status == "pending" and policy.can_change(user, a) for a in p.answers.all()
        )
    return found


def commitment_detail(user: Any, commitment: Commitment) -> dict[str, Any]:
    """Everything the commitment page shows (a fixed handful of queries)."""
    return {
        "history": policy.commitment_status_changes_visible_to(user)
        .filter(commitment=commitment)
        .select_related("actor")
        .order_by("created_at"),
        "prerequisites": policy.commitments_visible_to(user)
        .filter(dependent_links__commitment=commitment)
        .select_related("owed_by"),
        "dependents": policy.commitments_visible_to(user)
        .filter(prerequisite_links__prerequisite=commitment)
        .select_related("owed_by"),
        "risks": policy.risks_visible_to(user).filter(commitments=commitment),
        "requirements": policy.regulatory_requirements_visible_to(user).filter(
            commitments=commitment
        ),
        "objectives": policy.strategic_objectives_visible_to(user).filter(commitments=commitment),
        "confirmations": _answerable(
            user, partnership_selectors.commitment_confirmations(user, commitment)
        ),
        **_renegotiations(user, commitment),
        "comments": policy.commitment_comments_visible_to(user)
        .filter(commitment=commitment)
        .select_related("author", "party")
        .order_by("created_at"),
        "source": policy.interactions_visible_to(user)
        .filter(pk=commitment.source_interaction_id)
        .first()
        if commitment.source_interaction_id
        else None,
    }


# ----- interactions -----


def interaction_timeline(user: Any, agreement: Agreement) -> QuerySet[Interaction]:
    """Visible interactions with their parties (``listed_parties``, by name), people
    (``listed_people``) and follow-up commitments (``listed_follow_ups``), as lists: a prefetch
    kept behind the relation's manager builds one queryset per interaction and relation, which
    cost more than the rows' rendering."""
    return (
        policy.interactions_visible_to(user)
        .filter(agreement=agreement)
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.order_by("name"), to_attr="listed_parties"),
            Prefetch("people", to_attr="listed_people"),
            Prefetch(
                "follow_ups",
                queryset=policy.commitments_visible_to(user).select_related("owed_by"),
                to_attr="listed_follow_ups",
            ),
        )
        .order_by("-occurred_on", "-created_at")
    )


# ----- expectations -----


@dataclass
class ExpectationCell:
    topic: Any
    party: Party
    latest: Expectation | None
    versions: int


def expectation_matrix(user: Any, agreement: Agreement) -> dict[str, Any]:
    """Party × topic: each cell holds the party's latest expectation on the topic (two
    queries: topics, and every expectation of the agreement)."""
    topics = list(policy.topics_visible_to(user).filter(agreement=agreement).order_by("name"))
    parties = [p.party for p in partnership_selectors.agreement_parties(agreement)]
    latest: dict[tuple[int, int], Expectation] = {}
    versions: dict[tuple[int, int], int] = defaultdict(int)
    expectations = (
        policy.expectations_visible_to(user)
        .filter(topic__agreement=agreement)
        .order_by("topic_id", "party_id", "-recorded_on")
    )
    for e in expectations:
        key = (e.party_id, e.topic_id)
        latest.setdefault(key, e)
        versions[key] += 1
    rows = [
        (
            party,
            [
                ExpectationCell(t, party, latest.get((party.pk, t.pk)), versions[(party.pk, t.pk)])
                for t in topics
            ],
        )
        for party in parties
    ]
    return {"topics": topics, "rows": rows}


def expectation_statements(user: Any, topic: Any, party: Party) -> dict[str, Any]:
    """For a topic: every party's latest statement side by side, and ``party``'s history."""
    expectations = list(
        policy.expectations_visible_to(user)
        .filter(topic=topic)
        .select_related("party")
        .order_by("party__name", "-recorded_on")
    )
    side_by_side: dict[int, Expectation] = {}
    for e in expectations:
        side_by_side.setdefault(e.party_id, e)
    history = [e for e in expectations if e.party_id == party.pk]
    return {"side_by_side": list(side_by_side.values()), "history": history}


# ----- trust (pulse averages until the trust index snapshot exists) -----


@dataclass
class PairAverage:
    respondent_party: Party
    about_party: Party
    mean: float | None
    respondents: int
    dimensions: dict[str, float] = field(default_factory=dict)


def trust_pulse_averages(user: Any, agreement: Agreement) -> dict[str, Any]:
    """Mean Likert score (1–7) per directed pair for each pulse, how the other parties see
    each party (pooled over their respondents), and the 360° gap of the latest pulse (how
    others rate a party vs how it rates itself). The policy says which answers they come
    from and how many respondents a cell needs (outside the team, a cell with fewer than
    ``policy.MIN_ANSWERS_PER_CELL`` keeps its count but not its mean)."""
    pulses = list(policy.trust_pulses_visible_to(user).filter(agreement=agreement))
    responses, threshold = policy.pulse_answers_for_aggregates(user, agreement)
    sums: dict[tuple[int, int, int], list[float]] = defaultdict(list)
    dims: dict[tuple[int, int, int], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    respondents: dict[tuple[int, int, int], set[int]] = defaultdict(set)
    for r in responses:
        key = (r["pulse_id"], r["respondent_party_id"], r["about_party_id"])
        scores = [r[d] for d in TRUST_DIMENSIONS]
        sums[key].append(sum(scores) / len(scores))
        for d in TRUST_DIMENSIONS:
            dims[key][d].append(r[d])
        respondents[key].add(r["respondent_id"])
    parties = {p.party_id: p.party for p in partnership_selectors.agreement_parties(agreement)}

    def pair(pulse_id: int, a: int, b: int) -> PairAverage | None:
        key = (pulse_id, a, b)
        n = len(respondents.get(key, ()))
        if n == 0:
            return None
        if n < threshold:
            return PairAverage(parties[a], parties[b], None, n)
        return PairAverage(
            parties[a],
            parties[b],
            round(sum(sums[key]) / len(sums[key]), 2),
            n,
            {d: round(sum(v) / len(v), 2) for d, v in dims[key].items()},
        )

    # Only parties that gave or received an answer: a matrix of empty rows helps no one.
    answered = {k[1] for k in respondents} | {k[2] for k in respondents}
    ordered = sorted((p for pk, p in parties.items() if pk in answered), key=lambda p: p.name)
    latest = pulses[0] if pulses else None
    matrix = []
    if latest is not None:
        matrix = [(a, [pair(latest.pk, a.pk, b.pk) for b in ordered]) for a in ordered]
    trend = []
    for a in ordered:
        for b in ordered:
            if a.pk == b.pk:
                continue
            points = [(p, pair(p.pk, a.pk, b.pk)) for p in reversed(pulses)]
            points = [
                (p, avg if avg is not None and avg.mean is not None else None) for p, avg in points
            ]
            if any(avg is not None for _p, avg in points):
                trend.append((a, b, points))

    def pooled(pulse_id: int, b: int) -> tuple[float | None, int]:
        """How the other parties' respondents rate ``b``: the mean of their answers, pooled
        (a cell of its own for the three-answer rule), and how many people answered."""
        means: list[float] = []
        people: set[int] = set()
        for (p, a, about), values in sums.items():
            if p == pulse_id and about == b and a != b:
                means.extend(values)
                people |= respondents[(p, a, about)]
        if not people or len(people) < threshold:
            return None, len(people)
        return round(sum(means) / len(means), 2), len(people)

    seen_by_others = []
    suppressed = 0
    for b in ordered:
        points = []
        for p in reversed(pulses):
            mean, n = pooled(p.pk, b.pk)
            suppressed += 1 if (n and mean is None) else 0
            points.append((p, mean))
        if any(mean is not None for _p, mean in points):
            seen_by_others.append((b, points))
    gaps = []
    if latest is not None:
        for b in ordered:
            own = pair(latest.pk, b.pk, b.pk)
            seen, _n = pooled(latest.pk, b.pk)
            if own is not None and own.mean is not None and seen is not None:
                gaps.append((b, own.mean, seen, round(seen - own.mean, 2)))
    hidden_pairs = sum(
        1
        for key, people in respondents.items()
        if latest is not None and key[0] == latest.pk and len(people) < threshold
    )
    return {
        "pulses": pulses,
        "latest": latest,
        "parties": ordered,
        "matrix": matrix,
        "trend": trend,
        "seen_by_others": seen_by_others,
        "gaps": gaps,
        "threshold": threshold,
        "hidden_pairs": hidden_pairs,
    }


def pulse_round(user: Any, pulse: Any) -> dict[str, Any]:
    """A round as the team follows it: each respondent, whether they answered, and their
    answers one by one (``PulseRespondent`` and answers are the team's, by the policy)."""
    sheets = list(
        policy.pulse_respondents_visible_to(user)
        .filter(pulse=pulse)
        .select_related("person__party")
        .prefetch_related("about_parties")
        .order_by("person__party__name", "person__name")
    )
    answers: dict[int, list[TrustResponse]] = defaultdict(list)
    for r in (
        policy.trust_responses_visible_to(user)
        .filter(pulse=pulse)
        .select_related("about_party")
        .order_by("about_party__name")
    ):
        answers[r.respondent_id].append(r)
    rows = []
    for sheet in sheets:
        given = answers.get(sheet.person_id, [])
        rows.append(
            {
                "sheet": sheet,
                "state": pulse_links.state_of(sheet),
                "answers": [
                    (r, round(sum(getattr(r, d) for d in TRUST_DIMENSIONS) / 5, 1)) for r in given
                ],
            }
        )
    answered = sum(1 for s in sheets if s.submitted_at is not None)
    return {
        "rows": rows,
        "asked": len(sheets),
        "answered": answered,
        "not_answered": len(sheets) - answered,
    }


def pulse_rounds(user: Any, agreement: Agreement) -> list[dict[str, Any]]:
    """The agreement's rounds with how many were asked and answered (the team's list)."""
    asked = defaultdict(int)
    answered = defaultdict(int)
    for pulse_id, submitted in (
        policy.pulse_respondents_visible_to(user)
        .filter(pulse__agreement=agreement)
        .values_list("pulse_id", "submitted_at")
    ):
        asked[pulse_id] += 1
        answered[pulse_id] += submitted is not None
    today = clock.today()
    return [
        {
            "pulse": p,
            "asked": asked[p.pk],
            "answered": answered[p.pk],
            "open": p.closed_at is None and p.opens_on <= today <= p.closes_on,
        }
        for p in policy.trust_pulses_visible_to(user).filter(agreement=agreement)
    ]


def own_party_pulse_progress(
    user: Any, agreement: Agreement, party_id: int, pulses: list[Any]
) -> list[dict[str, Any]]:
    """For the representative of ``party_id``: in each of ``pulses`` (the agreement's rounds
    they see, latest first), who of their own party was asked or answered, and whether they
    answered — never what (the policy gives names and dates only). Rounds without anyone of
    the party are left out."""
    people: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for row in policy.pulse_sheets_of_own_party(user).filter(pulse__agreement=agreement):
        people[row["pulse_id"]][row["person_id"]] = {
            "name": row["person__name"],
            "answered": row["submitted_at"] is not None,
        }
    answerers = policy.pulse_answerers_visible_to(user).filter(
        pulse__agreement=agreement, respondent_party_id=party_id
    )
    for row in answerers:
        people[row["pulse_id"]][row["respondent_id"]] = {
            "name": row["respondent__name"],
            "answered": True,
        }
    today = clock.today()
    rounds = []
    for pulse in pulses:
        found = sorted(people.get(pulse.pk, {}).values(), key=lambda e: e["name"])
        if found:
            rounds.append(
                {
                    "pulse": pulse,
                    "people": found,
                    "answered": sum(1 for e in found if e["answered"]),
                    "open": pulse.closed_at is None and pulse.opens_on <= today <= pulse.closes_on,
                }
            )
    return rounds


# ----- risks and regulation -----


def risk_matrix(risks: list[Any]) -> list[tuple[int, list[tuple[int, list[Any]]]]]:
    """Likelihood rows (5 at the top) × impact columns (1 to 5), each cell its risks."""
    cells: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for risk in risks:
        cells[(risk.likelihood, risk.impact)].append(risk)
    return [(lk, [(im, cells[(lk, im)]) for im in range(1, 6)]) for lk in range(5, 0, -1)]


def agreement_risks(user: Any, agreement: Agreement) -> list[Any]:
    return list(
        policy.risks_visible_to(user)
        .filter(agreement=agreement)
        .select_related("owner")
        .prefetch_related("commitments")
    )


def requirements_by_jurisdiction(user: Any, agreement: Agreement) -> list[tuple[str, list]]:
    requirements = (
        policy.regulatory_requirements_visible_to(user)
        .filter(agreement=agreement)
        .select_related("authority")
        .prefetch_related("commitments")
        .order_by("jurisdiction", "deadline", "instrument")
    )
    grouped: dict[str, list[Any]] = defaultdict(list)
    for requirement in requirements:
        grouped[requirement.jurisdiction].append(requirement)
    return sorted(grouped.items())


# ----- local integration -----


@dataclass
class IndicatorSeries:
    indicator: Any
    observations: list[Any]

    @property
    def latest(self) -> Any:
        return self.observations[-1] if self.observations else None

    @property
    def share_of_target(self) -> Decimal | None:
        latest, target = self.latest, self.indicator.target
        if latest is None or not target:
            return None
        return round(100 * latest.value / target, 1)


def indicator_series(user: Any, agreement: Agreement) -> list[IndicatorSeries]:
    indicators = (
        policy.local_indicators_visible_to(user)
        .filter(agreement=agreement)
        .prefetch_related(
            Prefetch(
                "observations",
                queryset=policy.indicator_observations_visible_to(user).order_by("observed_on"),
            )
        )
    )
    return [IndicatorSeries(i, list(i.observations.all())) for i in indicators]


# ----- grievances -----


def grievance_register(user: Any, agreement: Agreement) -> QuerySet[Grievance]:
    return policy.grievances_visible_to(user).filter(agreement=agreement)
