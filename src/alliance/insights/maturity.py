"""Maturity: where an agreement stands on the path Signed -> Calibrating -> Implementing ->
Integrated -> Alliance.

Each stage has criteria computed from data, with the measured value, the threshold (in
:class:`~alliance.insights.parameters.MaturityParameters`) and, when a criterion does not hold,
what is missing in words and which parties it concerns. The stage reached is the last one whose
criteria hold together with those of every stage before it: an agreement does not become an
alliance by skipping calibration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from alliance.insights.alignment import AlignmentResult, agreement_alignment
from alliance.insights.calendars import WorkingCalendar
from alliance.insights.inputs import EXCLUDED_STATUSES, AgreementData, canonical
from alliance.insights.messages import Message, msg
from alliance.insights.network import NetworkResult, network_analysis
from alliance.insights.parameters import (
    MATURITY,
    SALIENCE,
    TRUST,
    MaturityParameters,
    SalienceParameters,
    TrustParameters,
)
from alliance.insights.salience import assess_all
from alliance.insights.trust import AgreementTrust, agreement_trust

STAGES = ("Signed", "Calibrating", "Implementing", "Integrated", "Alliance")


@dataclass(frozen=True)
class Criterion:
    """One condition of a stage, as measured."""

    key: str
    stage: str
    label: str
    holds: bool
    measured: float | None  # None: nothing to measure yet
    threshold: float | None
    missing: str | None = None  # what is lacking, in words, when it does not hold
    parties: tuple[str, ...] = ()  # the parties the gap concerns
    # What is lacking as a message (``missing.*`` key), for the site to say in any language.
    missing_message: Message | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class StageResult:
    """A stage and its criteria."""

    stage: str
    criteria: tuple[Criterion, ...]

    @property
    def holds(self) -> bool:
        return all(c.holds for c in self.criteria)


@dataclass(frozen=True)
class MaturityResult:
    """The stage reached, every stage's criteria, and what the next stage still needs."""

    agreement: str
    as_of: date
    stage: str
    next_stage: str | None
    stages: tuple[StageResult, ...]
    missing: tuple[Criterion, ...]  # criteria not holding, up to and including the next stage


@dataclass(frozen=True)
class _Context:
    data: AgreementData
    as_of: date
    params: MaturityParameters
    salience: SalienceParameters
    trust_params: TrustParameters
    trust: AgreementTrust
    alignment: AlignmentResult
    network: NetworkResult

    @property
    def signatories(self) -> list[str]:
        roles = self.params.signing_roles_of(self.data.kind)
        return sorted({p.party for p in self.data.participations if p.role in roles})

    def met_recently(self) -> set[str]:
        since = self.as_of - timedelta(days=self.params.engagement_window_days)
        return {
            p for ix in self.data.interactions if since <= ix.date <= self.as_of for p in ix.parties
        }


def assess_maturity(
    data: AgreementData,
    as_of: date,
    params: MaturityParameters = MATURITY,
    *,
    salience: SalienceParameters = SALIENCE,
    trust_params: TrustParameters = TRUST,
    trust: AgreementTrust | None = None,
    alignment: AlignmentResult | None = None,
    network: NetworkResult | None = None,
) -> MaturityResult:
    """The maturity stage of ``data`` at ``as_of``. Pass already computed trust / alignment /
    network results (computed with ``trust_params`` and ``salience``) to avoid computing them
    twice."""
    data = canonical(data)
    ctx = _Context(
        data=data,
        as_of=as_of,
        params=params,
        salience=salience,
        trust_params=trust_params,
        trust=trust or agreement_trust(data, as_of, trust_params, salience, trend=False),
        alignment=alignment or agreement_alignment(data, as_of),
        network=network or network_analysis(data, as_of),
    )
    stages = tuple(
        StageResult(stage, tuple(check(ctx) for check in CRITERIA[stage])) for stage in STAGES
    )
    reached = 0
    while reached + 1 < len(stages) and stages[reached].holds and stages[reached + 1].holds:
        reached += 1
    nxt = reached + 1 if reached + 1 < len(STAGES) else None
    upto = stages[: (nxt if nxt is not None else reached) + 1]
    return MaturityResult(
        agreement=data.id,
        as_of=as_of,
        stage=STAGES[reached],
        next_stage=STAGES[nxt] if nxt is not None else None,
        stages=stages,
        missing=tuple(c for s in upto for c in s.criteria if not c.holds),
    )


# --------------------------------------------------------------------------
# Criteria, one small function each
# --------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _at_least(
    key, stage, label, measured, threshold, missing, parties=(), *, empty_holds=False,
    said: Message | None = None,
) -> Criterion:  # fmt: skip
    """A criterion holding when ``measured`` reaches ``threshold``. ``missing`` says what is
    lacking in English; ``said`` the same as a message (default ``missing.<key>`` with the
    parties it concerns)."""
    holds = empty_holds if measured is None else measured >= threshold
    return Criterion(
        key=key,
        stage=stage,
        label=label,
        holds=holds,
        measured=measured,
        threshold=threshold,
        missing=None if holds else missing,
        parties=() if holds else tuple(parties),
        missing_message=None if holds else (said or msg(f"missing.{key}", parties=parties)),
    )


def _signatories(ctx: _Context) -> Criterion:
    n = len(ctx.signatories)
    return _at_least(
        "signatories", "Signed", "at least two signatories recorded", float(n), 2.0,
        "record the signatory parties",
    )  # fmt: skip


def _expectations_recorded(ctx: _Context) -> Criterion:
    stated = {
        e.party for e in ctx.data.expectations if e.recorded is None or e.recorded <= ctx.as_of
    }
    lacking = [p for p in ctx.signatories if p not in stated]
    return _at_least(
        "expectations_recorded", "Calibrating", "expectations recorded for every signatory",
        _share(len(ctx.signatories) - len(lacking), len(ctx.signatories)),
        ctx.params.expectations_coverage_min,
        f"record the expectations of {', '.join(lacking) or 'the signatories'}", lacking,
    )  # fmt: skip


def _signatories_met(ctx: _Context) -> Criterion:
    met = ctx.met_recently()
    lacking = [p for p in ctx.signatories if p not in met]
    days = int(ctx.params.engagement_window_days)
    return _at_least(
        "signatories_met", "Calibrating", f"every signatory met in the last {days} days",
        _share(len(ctx.signatories) - len(lacking), len(ctx.signatories)),
        ctx.params.signatories_met_min,
        f"meet {', '.join(lacking) or 'the signatories'}", lacking,
    )  # fmt: skip


def _promise_keeping(ctx: _Context) -> Criterion:
    """Trust's promise keeping pooled over the agreement: where the agreement stands now (recent
    promises weigh most, a small slip counts less than a miss), not the whole history."""
    promise = ctx.trust.components.get("promise")
    # The plain weighted share kept (the performance-to-promise scale the threshold is on),
    # not trust's asymmetric reading of the same events.
    measured = ctx.trust.promise_share if promise is not None and promise.n_events else None
    since = ctx.as_of - timedelta(days=ctx.trust_params.half_life_days)
    return _at_least(
        "promise_keeping", "Implementing", "promises kept, recent ones weighing most",
        measured, ctx.params.promise_keeping_min,
        "deliver commitments on time" if measured is not None
        else "no commitment has fallen due yet",
        late := _late_parties(ctx.data, since, ctx.as_of),
        said=msg("missing.promise_keeping", parties=late) if measured is not None
        else msg("missing.nothing_due_yet"),
    )  # fmt: skip


def _late_parties(data: AgreementData, since: date, as_of: date) -> list[str]:
    """Parties with a commitment due in (since, as_of] that was late or is still overdue."""
    calendars = {p.id: p.calendar or WorkingCalendar() for p in data.parties}
    late: set[str] = set()
    for c in data.commitments:
        if c.status in EXCLUDED_STATUSES or not since < c.due <= as_of:
            continue
        done = c.delivered is not None and c.delivered <= as_of
        if c.lateness(calendars[c.owed_by], c.delivered if done else as_of) > 0:
            late.add(c.owed_by)
    return sorted(late)


def _aligned(ctx: _Context) -> Criterion:
    worst = sorted(
        (v, p) for p, row in ctx.alignment.matrix.items() for v in row.values() if v is not None
    )
    return _at_least(
        "alignment", "Implementing", "expectations aligned across parties",
        ctx.alignment.score, ctx.params.alignment_min,
        "close the widest expectation gaps" if ctx.alignment.score is not None
        else "no topic has expectations from two parties yet",
        [p for v, p in worst if v < ctx.params.alignment_min],
        said=None if ctx.alignment.score is not None else msg("missing.no_shared_topic"),
    )  # fmt: skip


def _local_engaged(ctx: _Context) -> Criterion:
    local = [p.id for p in ctx.data.parties if ctx.data.is_local(p)]
    met = ctx.met_recently()
    lacking = [p for p in local if p not in met]
    return _at_least(
        "local_engaged", "Integrated", "local parties engaged",
        _share(len(local) - len(lacking), len(local)), ctx.params.local_engaged_min,
        f"engage {', '.join(lacking)}" if local else "no local party recorded", lacking,
        said=None if local else msg("missing.no_local_party"),
    )  # fmt: skip


def _crossing(ctx: _Context) -> Criterion:
    return _at_least(
        "crossing_share", "Integrated", "engagement crossing the local / international line",
        ctx.network.crossing_share, ctx.params.crossing_share_min,
        "bring local and international parties to the same table",
        ctx.network.isolated,
    )  # fmt: skip


def _regulatory(ctx: _Context) -> Criterion:
    reqs = ctx.data.regulatory
    aligned = sum(1 for r in reqs if r.aligned)
    return _at_least(
        "regulatory_aligned", "Integrated", "regulatory requirements aligned",
        _share(aligned, len(reqs)), ctx.params.regulatory_aligned_min,
        "align the open regulatory requirements" if reqs else "no regulatory requirement recorded",
        said=None if reqs else msg("missing.no_regulatory_requirement"),
    )  # fmt: skip


def _key_trust(ctx: _Context) -> Criterion:
    key = sorted(
        p for p, a in assess_all(ctx.data.participations, ctx.salience).items() if a.is_key
    )
    pairs = [p for p in ctx.trust.pairs if p.truster in key and p.trustee in key]
    low = [p for p in pairs if p.index < ctx.params.trust_min]
    return _at_least(
        "key_pairs_trust", "Alliance", "trust both ways between key parties",
        min((p.index for p in pairs), default=None), ctx.params.trust_min,
        "build trust between " + ", ".join(f"{p.truster}->{p.trustee}" for p in low)
        if pairs else "fewer than two key parties",
        sorted({x for p in low for x in (p.truster, p.trustee)}),
        said=msg("missing.key_pairs_trust",
                 pairs=[msg("missing.pair", truster=p.truster, trustee=p.trustee) for p in low])
        if pairs else msg("missing.fewer_than_two_key_parties"),
    )  # fmt: skip


def _grievances(ctx: _Context) -> Criterion:
    due = [g for g in ctx.data.grievances if g.response_due <= ctx.as_of]
    on_time = [g for g in due if g.responded is not None and g.responded <= g.response_due]
    return _at_least(
        "grievances_on_time", "Alliance", "grievances answered by their response date",
        _share(len(on_time), len(due)), ctx.params.grievances_on_time_min,
        "answer grievances by their response date", empty_holds=True,
    )  # fmt: skip


CRITERIA: dict[str, tuple[Callable[[_Context], Criterion], ...]] = {
    "Signed": (_signatories,),
    "Calibrating": (_expectations_recorded, _signatories_met),
    "Implementing": (_promise_keeping, _aligned),
    "Integrated": (_local_engaged, _crossing, _regulatory),
    "Alliance": (_key_trust, _grievances),
}
