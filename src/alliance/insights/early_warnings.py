"""Early warnings: rules over commitments, trust, alignment, cadence, schedule, regulation and
grievances, each raised with a severity, its evidence and a stable key.

The key is a hash of (rule, agreement, subject): re-running the rules on the same situation
yields the same keys, so the caller can upsert warnings instead of duplicating them, and a
warning that no longer fires can be closed. Rules (thresholds in
:class:`~alliance.insights.parameters.WarningParameters`):

=========================  =================================================================
overdue_commitment         undelivered past its due date (owing party's working days)
trust_falling              a pair's trust fell by more than X points over the last Y days
alignment_widening         a pair's expectation gap on a topic widened over the lookback
key_party_not_met          a key party not met within its expected cadence
schedule_p80_late          the schedule forecast's P80 finish is past a due date still ahead
regulatory_deadline_near   an unaligned regulatory requirement is due soon (or overdue)
grievance_response_overdue a grievance still unanswered after its response date
=========================  =================================================================

:func:`portfolio_warnings` evaluates every rule over a whole
:class:`~alliance.insights.inputs.PortfolioFrame` with array operations;
:func:`early_warnings` runs it on one agreement and labels each warning.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, partial

import numpy as np

from alliance.insights.alignment import (
    PortfolioAlignment,
    Widening,
    alignment_widening,
    portfolio_alignment,
    portfolio_widening,
)
from alliance.insights.calendars import WorkingCalendar
from alliance.insights.evidence import Contribution, Evidence
from alliance.insights.inputs import AgreementData, PortfolioFrame, canonical, frame_from_agreements
from alliance.insights.messages import Message, msg
from alliance.insights.parameters import (
    ALIGNMENT,
    SALIENCE,
    TRUST,
    WARNINGS,
    AlignmentParameters,
    SalienceParameters,
    TrustParameters,
    WarningParameters,
)
from alliance.insights.salience import is_key, salience_score
from alliance.insights.trust import AgreementTrust, pair_evidence
from alliance.insights.trust_portfolio import (
    PortfolioTrust,
    commitment_lateness,
    expected_cadence,
    party_working_days,
    portfolio_trust,
)

RULES = (
    "overdue_commitment",
    "trust_falling",
    "alignment_widening",
    "key_party_not_met",
    "schedule_p80_late",
    "regulatory_deadline_near",
    "grievance_response_overdue",
)
# Graded from each rule's evidence (thresholds in WarningParameters): "low" is worth knowing,
# "medium" needs action this week, "high" needs action now.
SEVERITIES = ("low", "medium", "high")
_LOW, _MEDIUM, _HIGH = 0, 1, 2

# Per-task schedule results, as the schedule model reports them: task id -> (P80 finish, due).
ScheduleForecast = Mapping[str, tuple[date, date]]


def warning_key(rule: str, agreement: str, subject: str) -> str:
    """Stable identity of a warning: the same rule on the same subject gives the same key."""
    return hashlib.sha1(f"{rule}|{agreement}|{subject}".encode()).hexdigest()[:20]


@dataclass(frozen=True)
class EarlyWarning:
    """One raised warning."""

    key: str
    rule: str
    severity: str  # "low", "medium" or "high"
    agreement: str
    subject: str  # what it is about: a commitment id, "bank->ministry", a party id, ...
    title: str
    value: float  # the measure that tripped the rule (working days, points, ...)
    evidence: tuple[Contribution, ...]
    # The title and the suggested next step as messages (ids stand for names).
    message: Message = field(default_factory=dict, compare=False, hash=False)
    action: Message = field(default_factory=dict, compare=False, hash=False)
    owner: str = "lead"  # who should act by default (see DEFAULT_OWNERS)


@dataclass(frozen=True)
class PortfolioWarnings:
    """Every warning of a frame as columns. ``subject`` holds up to three integers whose meaning
    depends on the rule (record ``*_ref``, party indexes, topic index); -1 where unused."""

    rule: np.ndarray
    ag: np.ndarray
    subject: np.ndarray  # (n, 3)
    severity: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return len(self.rule)

    def subjects(self, frame: PortfolioFrame) -> list[str]:
        """Readable subject of each row (records by their ``*_ref``, parties by id)."""
        # Rule by rule, from Python ints (one conversion, not a numpy scalar per field).
        out: list[str] = [""] * len(self)
        for r, name in enumerate(RULES):
            rows = np.flatnonzero(self.rule == r)
            said = _SUBJECTS.get(name, _record_subjects)(frame, self.subject[rows].tolist())
            for k, subject in zip(rows.tolist(), said, strict=True):
                out[k] = subject
        return out

    def keys(self, frame: PortfolioFrame) -> list[str]:
        """Stable keys. Records are named by ``*_ref``: in a portfolio frame, make the refs
        stable ids (e.g. primary keys) for the keys to survive inserts."""
        ids = frame.agreement_ids or tuple(str(g) for g in range(frame.n_agreements))
        # warning_key, row by row: the same strings hashed, without a call per row.
        sha1 = hashlib.sha1
        return [
            sha1(f"{RULES[r]}|{ids[g]}|{s}".encode()).hexdigest()[:20]
            for r, g, s in zip(self.rule.tolist(), self.ag.tolist(), self.subjects(frame),
                               strict=True)
        ]  # fmt: skip


def _record_subjects(frame: PortfolioFrame, s: list[list[int]]) -> list[str]:
    return [str(x[0]) for x in s]


def _pair_subjects(frame: PortfolioFrame, s: list[list[int]]) -> list[str]:
    ids = frame.party_ids
    return [f"{ids[a]}->{ids[b]}" for a, b, _ in s]


def _topic_pair_subjects(frame: PortfolioFrame, s: list[list[int]]) -> list[str]:
    ids, topics = frame.party_ids, frame.topic_ids
    return [f"{topics[t]}|{ids[a]}|{ids[b]}" for t, a, b in s]


def _party_subjects(frame: PortfolioFrame, s: list[list[int]]) -> list[str]:
    ids = frame.party_ids
    return [ids[x[0]] for x in s]


# The subjects of the rules whose subject is not a record's ``*_ref``.
_SUBJECTS = {
    "trust_falling": _pair_subjects,
    "alignment_widening": _topic_pair_subjects,
    "key_party_not_met": _party_subjects,
}


# --------------------------------------------------------------------------
# Portfolio path
# --------------------------------------------------------------------------


def portfolio_warnings(
    frame: PortfolioFrame,
    as_of: date,
    params: WarningParameters = WARNINGS,
    *,
    schedule: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
    trust: TrustParameters = TRUST,
    alignment: AlignmentParameters = ALIGNMENT,
    salience: SalienceParameters = SALIENCE,
    calendar: WorkingCalendar | None = None,
    trust_now: PortfolioTrust | None = None,
    alignment_now: PortfolioAlignment | None = None,
) -> PortfolioWarnings:
    """Every rule over ``frame`` at ``as_of``. ``schedule`` is optional columns
    (agreement, task ref, P80 date, due date); ``calendar`` counts the days of rules that have
    no owing party (schedule, regulation, grievances), Monday-Friday by default. Pass the trust
    and alignment already computed at ``as_of`` (same parameters) to skip computing them again."""
    day = np.datetime64(as_of, "D")
    cal = calendar or WorkingCalendar()
    falling = partial(_trust_falling, frame, as_of, params, trust, salience, trust_now)
    with ThreadPoolExecutor(max_workers=1) if _large(frame) else nullcontext() as pool:
        # On a portfolio the costliest rule (trust again at an earlier date, its numpy and
        # compiled passes releasing the GIL) runs on the second core beside the others.
        trust_rows = pool.submit(falling) if pool else None
        parts = [
            _overdue(frame, day, params),
            _widening(frame, as_of, params, alignment, cal, alignment_now),
            _not_met(frame, day, params, trust, salience),
            _regulatory(frame, day, params, cal),
            _grievances(frame, day, params, cal),
        ]
        parts.insert(1, trust_rows.result() if trust_rows else falling())
    if schedule is not None:
        parts.append(_schedule(*schedule, day, params, cal))
    return PortfolioWarnings(
        rule=np.concatenate([p[0] for p in parts]),
        ag=np.concatenate([p[1] for p in parts]),
        subject=np.concatenate([p[2] for p in parts]),
        severity=np.concatenate([p[3] for p in parts]),
        value=np.concatenate([p[4] for p in parts]).astype(np.float64),
    )


# Participant and commitment rows from which the trust rule runs in a thread of its own.
_THREADED_FROM = 200_000


def _large(frame: PortfolioFrame) -> bool:
    return len(frame.ix_ag) + len(frame.cm_ag) >= _THREADED_FROM


def _level(value, medium_from, high_from) -> np.ndarray:
    """Severity codes of ``value``: low below ``medium_from``, high from ``high_from``."""
    value = np.asarray(value, np.float64)
    return np.where(value >= high_from, _HIGH, np.where(value >= medium_from, _MEDIUM, _LOW))


def _rows(rule: str, ag, subject, level, value):
    subject = np.atleast_2d(np.asarray(subject, np.int64))
    if subject.shape[0] != len(ag):
        subject = subject.T
    padded = np.full((len(ag), 3), -1, np.int64)
    padded[:, : subject.shape[1]] = subject
    return (
        np.full(len(ag), RULES.index(rule), np.int64),
        np.asarray(ag, np.int64),
        padded,
        np.broadcast_to(np.asarray(level, np.int64), (len(ag),)).copy(),
        np.asarray(value, np.float64),
    )


def _overdue(frame: PortfolioFrame, day, params: WarningParameters):
    open_ = np.isnat(frame.cm_delivered) | (frame.cm_delivered > day)
    rows = np.flatnonzero(open_ & ~frame.cm_excluded & (frame.cm_due < day))
    # A commitment owed to several parties has one row per creditor; warn once.
    _, first = np.unique(frame.cm_ag[rows] * (frame.cm_ref.max(initial=0) + 1) + frame.cm_ref[rows],
                         return_index=True)  # fmt: skip
    rows = rows[first]
    # Past its due date is overdue, as every count says (alliance.attention.counts); the
    # working days lost (0 over a weekend, a holiday or a dispute's pause) grade it.
    late = commitment_lateness(frame, rows, np.full(len(rows), day))
    return _rows(
        "overdue_commitment", frame.cm_ag[rows], frame.cm_ref[rows][:, None],
        _level(late, params.overdue_medium_working_days, params.overdue_high_working_days), late,
    )  # fmt: skip


def _trust_falling(frame, as_of: date, params, trust, salience, now_r):
    then = as_of - timedelta(days=params.trust_drop_days)
    now_r = now_r or portfolio_trust(frame, as_of, trust, salience, intervals=False)
    old_r = portfolio_trust(frame, then, trust, salience, intervals=False, prepared=now_r.prepared)
    drop = old_r.index - now_r.index
    # Only a measurement can fall: an index that was still the prior (insufficient evidence)
    # meeting its first breach is new evidence, which the overdue rules already raise.
    k = np.flatnonzero((drop > params.trust_drop_points) & (old_r.state > 0))
    return _rows(
        "trust_falling", now_r.pair_ag[k],
        np.stack([now_r.pair_truster[k], now_r.pair_trustee[k]], axis=1),
        np.where(drop[k] > 2 * params.trust_drop_points, _HIGH, _MEDIUM), drop[k],
    )  # fmt: skip


def _widening(frame, as_of: date, params, alignment, cal, new):
    then = as_of - timedelta(days=params.alignment_lookback_days)
    old, new, k_new, k_old = portfolio_widening(
        frame, then, as_of, alignment, cal, after_result=new
    )
    subject = np.stack(
        [
            new.pair_topic[k_new],
            frame.ex_party[new.pair_a[k_new]],
            frame.ex_party[new.pair_b[k_new]],
        ],
        axis=1,
    )
    grown = new.distance[k_new] - old.distance[k_old]
    level = np.where(new.distance[k_new] >= params.alignment_medium_distance, _MEDIUM, _LOW)
    return _rows("alignment_widening", new.pair_ag[k_new], subject, level, grown)


def _not_met(frame, day, params, trust, salience):
    """Key participants whose last interaction is older than their expected cadence."""
    key = _key_participants(frame, salience)
    ag, party = frame.pp_ag[key], frame.pp_party[key]
    met, last = last_met(frame, day, ag, party)
    since = np.where(met, last.astype("datetime64[D]"), day)
    gap = party_working_days(frame, party, since, np.full(len(ag), day)).astype(np.float64)
    cadence = expected_cadence(
        frame.party_cycle[party], frame.party_cycle[party], _sal(frame, key, salience), trust
    )
    late = ~met | (gap > params.cadence_tolerance * cadence)
    value = np.where(met, gap, np.inf)
    return _rows(
        "key_party_not_met", ag[late], party[late][:, None],
        np.where(~met[late] | (gap[late] > 2 * params.cadence_tolerance * cadence[late]),
                 _MEDIUM, _LOW), value[late],
    )  # fmt: skip


def last_met(
    frame: PortfolioFrame, day, ag: np.ndarray, party: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each (agreement, party), all distinct, took part in an interaction on or before
    ``day``, and the day of its last one (as days since the epoch; the least int64 if none).

    Each participant row is looked up among the few wanted pairs (a binary search), instead of
    sorting millions of rows to group them."""
    n = max(frame.n_parties, 1)
    wanted = ag * n + party
    order = np.argsort(wanted, kind="stable")
    ordered = wanted[order]
    seen = frame.ix_date <= day
    member = frame.ix_ag[seen] * n + frame.ix_party[seen]
    met = np.zeros(len(wanted), bool)
    last = np.full(len(wanted), np.iinfo(np.int64).min)
    if len(ordered) and len(member):
        pos = np.minimum(np.searchsorted(ordered, member), len(ordered) - 1)
        hit = ordered[pos] == member
        at = pos[hit]
        found = np.full(len(ordered), np.iinfo(np.int64).min)
        np.maximum.at(found, at, frame.ix_date[seen][hit].astype(np.int64))
        last[order] = found
        met[order] = np.bincount(at, minlength=len(ordered)) > 0
    return met, last


def _key_participants(frame: PortfolioFrame, salience: SalienceParameters) -> np.ndarray:
    """Participation rows of key players (Mendelow) or definitive stakeholders, one per party."""
    key = is_key(frame.pp_power, frame.pp_legitimacy, frame.pp_urgency, frame.pp_interest, salience)
    rows = np.flatnonzero(key)
    n = max(frame.n_parties, 1)
    _, first = np.unique(frame.pp_ag[rows] * n + frame.pp_party[rows], return_index=True)
    return rows[first]


def _sal(frame: PortfolioFrame, rows: np.ndarray, salience: SalienceParameters) -> np.ndarray:
    return salience_score(
        frame.pp_power[rows], frame.pp_legitimacy[rows], frame.pp_urgency[rows], salience
    )


def _regulatory(frame, day, params, cal):
    rows = np.flatnonzero(~frame.rq_aligned & ~np.isnat(frame.rq_due))
    left = cal.working_days_between(np.full(len(rows), day), frame.rq_due[rows])
    left = np.asarray(left, np.int64)
    keep = left <= params.regulatory_near_working_days
    rows, left = rows[keep], left[keep]
    level = np.where(
        left < 0, _HIGH, np.where(left <= params.regulatory_medium_working_days, _MEDIUM, _LOW)
    )
    return _rows("regulatory_deadline_near", frame.rq_ag[rows], frame.rq_ref[rows][:, None],
                 level, left)  # fmt: skip


def _grievances(frame, day, params, cal):
    open_ = np.isnat(frame.gr_responded) | (frame.gr_responded > day)
    rows = np.flatnonzero(open_ & (frame.gr_due < day))
    late = np.asarray(
        cal.working_days_between(frame.gr_due[rows], np.full(len(rows), day)), np.int64
    )
    late = np.maximum(late, 0)  # past its response date is overdue, whatever the weekday
    return _rows(
        "grievance_response_overdue", frame.gr_ag[rows], frame.gr_ref[rows][:, None],
        np.where(late >= params.grievance_high_working_days, _HIGH, _MEDIUM), late,
    )  # fmt: skip


def _schedule(ag, task, p80, due, day, params, cal):
    """Forecasts finishing past a due date that is still ahead: an early warning. Once the
    due date has passed, the commitment is overdue and that rule speaks for it."""
    p80, due = np.asarray(p80, "datetime64[D]"), np.asarray(due, "datetime64[D]")
    past = np.asarray(cal.working_days_between(due, p80), np.int64)
    keep = (past > 0) & (due >= day)
    # A forecast is not a fact: it is urgent only when the due date is close as well.
    ahead = np.asarray(cal.working_days_between(np.full(len(due), day), due), np.int64)
    level = _level(past, params.p80_medium_working_days, params.p80_high_working_days)
    level = np.where((level == _HIGH) & (ahead > params.p80_urgent_within_working_days),
                     _MEDIUM, level)  # fmt: skip
    return _rows(
        "schedule_p80_late", np.asarray(ag)[keep], np.asarray(task)[keep][:, None],
        level[keep], past[keep],
    )  # fmt: skip


# --------------------------------------------------------------------------
# Per-agreement path
# --------------------------------------------------------------------------


def early_warnings(
    data: AgreementData,
    as_of: date,
    params: WarningParameters = WARNINGS,
    *,
    schedule: ScheduleForecast | None = None,
    trust: TrustParameters = TRUST,
    alignment: AlignmentParameters = ALIGNMENT,
    salience: SalienceParameters = SALIENCE,
    calendar: WorkingCalendar | None = None,
    trust_result: AgreementTrust | None = None,
    frame: PortfolioFrame | None = None,
    trust_now: PortfolioTrust | None = None,
) -> tuple[EarlyWarning, ...]:
    """Every warning of one agreement at ``as_of``, most severe first. ``schedule`` maps task
    ids to (P80 finish, due date) from the schedule-risk model; ``trust_result`` is the
    agreement's trust at ``as_of`` with the same parameters if the caller has it already
    (the trust warnings' evidence is read from it; otherwise it is computed when needed).
    ``frame``: as for ``trust.agreement_trust``; ``trust_now``: ``portfolio_trust(frame,
    as_of, trust, salience, keep_events=True)`` if the caller has it (``trust_result`` was
    made from it), not computed again."""
    if frame is None:
        data = canonical(data)
        frame = frame_from_agreements([data])
    tasks = sorted(schedule or {})
    columns = None
    if tasks:
        columns = (
            np.zeros(len(tasks), np.int64),
            np.arange(len(tasks)),
            np.array([schedule[t][0] for t in tasks], "datetime64[D]"),
            np.array([schedule[t][1] for t in tasks], "datetime64[D]"),
        )
    # The trust at the date, once: the rules read its indexes, the trust warnings its events.
    now = trust_now or portfolio_trust(frame, as_of, trust, salience, keep_events=True)
    # The alignment at the date, once: the widening rule and its evidence compare with it.
    aligned = portfolio_alignment(frame, as_of, alignment, calendar)
    found = portfolio_warnings(
        frame, as_of, params, schedule=columns, trust=trust, alignment=alignment,
        salience=salience, calendar=calendar, trust_now=now, alignment_now=aligned,
    )  # fmt: skip
    ctx = _Ctx(
        data, frame, tasks, as_of, params, trust, alignment, salience, calendar, trust_result, now,
        aligned,
    )  # fmt: skip
    out = [_labelled(ctx, found, k) for k in range(len(found))]
    return tuple(sorted(out, key=lambda w: (-SEVERITIES.index(w.severity), w.rule, w.subject)))


@dataclass(frozen=True)
class _Ctx:
    data: AgreementData
    frame: PortfolioFrame
    tasks: list[str]
    as_of: date
    params: WarningParameters
    trust: TrustParameters
    alignment: AlignmentParameters
    salience: SalienceParameters
    calendar: WorkingCalendar | None
    given_trust: AgreementTrust | None = None
    trust_now: PortfolioTrust | None = None
    alignment_now: PortfolioAlignment | None = None

    def pair_evidence(self, truster: str, trustee: str) -> Evidence:
        """The evidence of a pair's trust at the date (its events labelled only when asked)."""
        if self.given_trust is not None:
            return self.given_trust.pair(truster, trustee).evidence
        return pair_evidence(self.data, self.frame, self.trust_now, truster, trustee)

    # Computed once, and only when a warning of that rule needs its details.
    @cached_property
    def widenings(self) -> tuple[Widening, ...]:
        then = self.as_of - timedelta(days=self.params.alignment_lookback_days)
        return alignment_widening(
            self.data, then, self.as_of, self.alignment, self.calendar, frame=self.frame,
            after_result=self.alignment_now,
        )  # fmt: skip


# Who should act on a rule's warning by default: "lead" is the agreement's lead counsellor
# (its owner); the site may refine it. The suggested next step names the party to call.
DEFAULT_OWNERS = dict.fromkeys(RULES, "lead")


def _labelled(ctx: _Ctx, found: PortfolioWarnings, k: int) -> EarlyWarning:
    rule = RULES[int(found.rule[k])]
    said = _DESCRIBE[rule](ctx, found.subject[k], float(found.value[k]))
    return EarlyWarning(
        key=warning_key(rule, ctx.data.id, said.subject),
        rule=rule,
        severity=SEVERITIES[int(found.severity[k])],
        agreement=ctx.data.id,
        subject=said.subject,
        title=said.title,
        value=float(found.value[k]),
        evidence=said.evidence,
        message=said.message,
        action=said.action,
        owner=DEFAULT_OWNERS[rule],
    )


@dataclass(frozen=True)
class _Said:
    """What a rule says about one warning: English title, messages, evidence."""

    subject: str
    title: str
    message: Message
    action: Message
    evidence: tuple[Contribution, ...]


def _fact(label: str, value: float, kind: str, event_id: str | None, when=None,
          message: Message | None = None) -> tuple:  # fmt: skip
    return (Contribution(label, value, event_id, kind, when, message=message),)


def _days(value: float) -> int:
    return round(abs(value))


def _describe_overdue(ctx, s, value):
    c = ctx.data.commitments[int(s[0])]
    name = c.label or c.id
    if value > 0:
        title = f"{name} ({c.owed_by}) is {value:.0f} working days overdue"
        message = msg("warning.overdue_commitment", commitment=c.id, party=c.owed_by,
                      days=_days(value))  # fmt: skip
    else:
        title = f"{name} ({c.owed_by}) is past its due date, no working day lost yet"
        message = msg("warning.overdue_commitment_no_working_day", commitment=c.id)
    return _Said(
        c.id, title,
        message,
        msg("action.overdue_commitment", party=c.owed_by),
        _fact(f"due {c.due}, not delivered", value, "commitment", c.id, c.due,
              msg("evidence.due_not_delivered", due=c.due)),
    )  # fmt: skip


def _describe_trust(ctx, s, value):
    a, b = ctx.frame.party_ids[int(s[0])], ctx.frame.party_ids[int(s[1])]
    days = ctx.params.trust_drop_days
    title = f"{a}'s trust in {b} fell {value:.0f} points in {days} days"
    message = msg("warning.trust_falling", truster=a, trustee=b, points=_days(value), days=days)
    # The events of the period that pulled it down, largest first.
    since = ctx.as_of - timedelta(days=days)
    recent = [c for c in ctx.pair_evidence(a, b).contributions if c.date and c.date > since]
    movers = sorted((c for c in recent if c.contribution < 0), key=lambda c: c.contribution)
    facts = _fact(title, -value, "trust", f"{a}->{b}", message=message) + tuple(movers[:5])
    return _Said(f"{a}->{b}", title, message,
                 msg("action.trust_falling", truster=a, trustee=b), facts)  # fmt: skip


def _describe_widening(ctx, s, value):
    ids = ctx.frame.party_ids
    topic, a, b = ctx.frame.topic_ids[int(s[0])], ids[int(s[1])], ids[int(s[2])]
    title = f"{a} and {b} drift apart on {topic}"
    subject = f"{topic}|{a}|{b}"
    facts = [
        Contribution(f"distance grew by {value:.2f}", value, subject, "expectation_gap",
                     message=msg("evidence.distance_grew", change=round(value, 2)))
    ]  # fmt: skip
    for w in ctx.widenings:
        if (w.topic, w.party, w.other) == (topic, a, b) and w.date_gap_change is not None:
            before = abs(w.before.date_gap_working_days)
            after = abs(w.after.date_gap_working_days)
            text = f"target dates {before} -> {after} working days apart"
            facts.append(
                Contribution(text, float(w.date_gap_change), subject, "expectation_gap",
                             message=msg("evidence.target_dates_apart", before=before,
                                         after=after))
            )  # fmt: skip
    return _Said(
        subject, title, msg("warning.alignment_widening", party=a, other=b, topic=topic),
        msg("action.alignment_widening", party=a, other=b, topic=topic), tuple(facts),
    )  # fmt: skip


def _describe_not_met(ctx, s, value):
    party = ctx.frame.party_ids[int(s[0])]
    if np.isinf(value):
        title = f"{party} (key party) has never been met"
        message = msg("warning.key_party_never_met", party=party)
    else:
        title = f"{party} (key party) not met for {value:.0f} working days"
        message = msg("warning.key_party_not_met", party=party, days=_days(value))
    return _Said(party, title, message, msg("action.key_party_not_met", party=party),
                 _fact(title, value, "cadence", party, message=message))  # fmt: skip


def _describe_schedule(ctx, s, value):
    task = ctx.tasks[int(s[0])]
    title = f"{task}: P80 finish {value:.0f} working days past the due date"
    owed_by = next((c.owed_by for c in ctx.data.commitments if c.id == task), "")
    message = msg("warning.schedule_p80_late", commitment=task, days=_days(value))
    return _Said(task, title, message, msg("action.schedule_p80_late", party=owed_by),
                 _fact(title, value, "schedule", task, message=message))  # fmt: skip


def _describe_regulatory(ctx, s, value):
    r = ctx.data.regulatory[int(s[0])]
    name = r.label or r.id
    if value < 0:
        title = f"{name}: regulatory deadline passed {-value:.0f} working days ago"
        message = msg("warning.regulatory_deadline_passed", requirement=r.id, days=_days(value))
        action = msg("action.regulatory_deadline_passed")
    else:
        title = f"{name}: regulatory deadline in {value:.0f} working days, not aligned"
        message = msg("warning.regulatory_deadline_near", requirement=r.id, days=_days(value))
        action = msg("action.regulatory_deadline_near")
    return _Said(r.id, title, message, action,
                 _fact(title, value, "regulatory_requirement", r.id, r.due, message))  # fmt: skip


def _describe_grievance(ctx, s, value):
    g = ctx.data.grievances[int(s[0])]
    if value > 0:
        title = f"{g.label or g.id}: response {value:.0f} working days overdue"
        message = msg("warning.grievance_response_overdue", grievance=g.id, days=_days(value))
    else:
        title = f"{g.label or g.id}: response date passed, no working day lost yet"
        message = msg("warning.grievance_response_no_working_day", grievance=g.id)
    return _Said(g.id, title, message, msg("action.grievance_response_overdue"),
                 _fact(title, value, "grievance", g.id, g.response_due, message))  # fmt: skip


_DESCRIBE = {
    "overdue_commitment": _describe_overdue,
    "trust_falling": _describe_trust,
    "alignment_widening": _describe_widening,
    "key_party_not_met": _describe_not_met,
    "schedule_p80_late": _describe_schedule,
    "regulatory_deadline_near": _describe_regulatory,
    "grievance_response_overdue": _describe_grievance,
}
