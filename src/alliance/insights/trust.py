"""Trust per directed pair of parties (A's trust in B) and per agreement, 0-100 with an interval.

Four components, each a recency-weighted Beta estimate of a score in [0, 1] per event
(Beta-Bernoulli reputation, Josang & Ismail 2002, with fractional outcomes):

* promise keeping - each commitment B owed A scores ``exp(-late / tau)``, lateness counted in
  B's working days, ``tau`` from B's decision cycle; 1 on time, 0 once missed;
* responsiveness - each follow-up A asked of B scores 1 when answered within B's decision
  cycle, decaying after it (and still decaying while unanswered);
* engagement cadence - each gap between A and B's interactions scores 1 within the cadence
  expected from their rhythms and salience, decaying beyond it;
* perception - each pulse answer of A's people about B (mean of ability, benevolence,
  integrity, predictability, communication; Likert 1-7, Mayer, Davis & Schoorman 1995).

Each component's posterior mean is ``(prior_mean * strength + sum w*s) / (strength + sum w)``
with ``w = 0.5 ** (age / half_life)``. The index is the fixed-weight sum of the four means, so
an event moves it by exactly ``100 * weight * w * (s - prior_mean) / (strength + sum w)``: the
evidence adds up to the index minus the baseline (the index with no events). The interval comes
from each component's Beta variance: thin evidence, wide interval.

The agreement's index pools the pairs' evidence the same way, each pair's events counting in
proportion to the pair's salience: pairs without events do not dilute it, thin pairs weigh
little, and each pair's share of the pooled evidence is reported as its ``weight``.

Everything runs on a :class:`~alliance.insights.inputs.PortfolioFrame`, vectorised over all
agreements (:func:`portfolio_trust`, in :mod:`alliance.insights.trust_portfolio`);
:func:`agreement_trust` runs the same arithmetic on one agreement and adds the labelled
evidence, the perception details and the monthly trend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from alliance.insights.evidence import Contribution, Evidence, combine
from alliance.insights.inputs import (
    PULSE_DIMENSIONS,
    AgreementData,
    PortfolioFrame,
    canonical,
    frame_from_agreements,
    jsonable,
    replicate,
)
from alliance.insights.messages import Message, msg
from alliance.insights.parameters import SALIENCE, TRUST, SalienceParameters, TrustParameters
from alliance.insights.trust_portfolio import (
    _BREACH,
    _ENGAGEMENT,
    _PROMISE,
    _REPAIR,
    COMPONENTS,
    EVIDENCE_STATES,
    PortfolioTrust,
    TrustEvents,
    _priors,
    band,
    beta_interval,
    evidence_state,
    expected_cadence,
    portfolio_trust,
    posterior_interval,
)

__all__ = [
    "COMPONENTS", "EVIDENCE_STATES", "AgreementTrust", "ComponentScore", "PairTrust", "Perception",
    "PortfolioTrust", "PromiseKeeping", "TrendPoint", "TrustEvents", "agreement_trust",
    "band", "beta_interval", "expected_cadence", "month_ends", "pair_trust", "perception", "pooled",
    "portfolio_trust", "posterior_interval", "trust_report",
]  # fmt: skip


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentScore:
    """One component of a pair's trust: posterior mean and interval on 0-100."""

    name: str
    mean: float
    low: float
    high: float
    weight_sum: float  # recency-weighted number of events behind it
    n_events: int


@dataclass(frozen=True)
class PromiseKeeping:
    """Promise keeping of B towards A: the Beta estimate plus the plain Say/Do view."""

    mean: float  # 0-100
    low: float
    high: float
    n_due: int  # commitments due by the date (waived / disputed excluded)
    n_on_time: int
    say_do: float | None  # n_on_time / n_due, 0-1
    band: str | None  # performance-to-promise band of say_do


@dataclass(frozen=True)
class Perception:
    """What A's people say about B (Likert 1-7), and the 360-degree comparison."""

    general: float | None
    n: int
    subscales: dict[str, tuple[float, int]]  # dimension -> (mean, n)
    self_view: float | None  # how B's people rate B
    reverse_view: float | None  # how B's people rate A
    gap_vs_self: float | None  # general - self_view (negative: B sees itself better)
    gap_vs_reverse: float | None  # general - reverse_view


@dataclass(frozen=True)
class TrendPoint:
    """The index at one month end."""

    date: date
    index: float
    low: float
    high: float


@dataclass(frozen=True)
class PairTrust:
    """A's (``truster``) trust in B (``trustee``) within one agreement."""

    truster: str
    trustee: str
    index: float
    low: float
    high: float
    baseline: float
    components: dict[str, ComponentScore]
    promise_keeping: PromiseKeeping
    perception: Perception
    evidence: Evidence
    trend: tuple[TrendPoint, ...] = ()
    # The pair's share of its agreement's pooled evidence (0 without events; the pairs with
    # events sum to 1): how much the agreement index listens to this pair.
    weight: float = 0.0
    # How much evidence is behind the index (recency- and materiality-weighted events) and
    # what that makes of it: "insufficient" (the figure is the prior), "provisional",
    # "established" (TrustParameters.provisional_from, established_from).
    amount: float = 0.0
    state: str = "insufficient"
    # The index's Beta posterior (alpha, beta): pairs pool by adding their evidence.
    alpha: float = field(default=0.0, repr=False)
    beta: float = field(default=0.0, repr=False)


@dataclass(frozen=True)
class AgreementTrust:
    """Trust of an agreement (its pairs' evidence pooled by salience), with every pair."""

    agreement: str
    as_of: date
    index: float | None
    low: float | None
    high: float | None
    pairs: tuple[PairTrust, ...]
    evidence: Evidence
    trend: tuple[TrendPoint, ...] = ()
    # Each component pooled over the pairs (promise, response, engagement, perception), 0-100;
    # empty for an agreement with fewer than two parties.
    components: dict[str, ComponentScore] = field(default_factory=dict)
    amount: float = 0.0
    state: str = "insufficient"
    # Promise keeping as a plain share (0-1) over the pooled pairs, recency-weighted, with
    # partial credit for lateness, no materiality and no asymmetry: the performance-to-promise
    # reading maturity compares with its threshold.
    promise_share: float | None = None

    def pair(self, truster: str, trustee: str) -> PairTrust:
        """The pair (truster -> trustee); KeyError if one of them does not participate."""
        for p in self.pairs:
            if (p.truster, p.trustee) == (truster, trustee):
                return p
        raise KeyError((truster, trustee))


# --------------------------------------------------------------------------
# Per-agreement path: the same arithmetic, plus labelled evidence and trend
# --------------------------------------------------------------------------


def agreement_trust(
    data: AgreementData,
    as_of: date,
    params: TrustParameters = TRUST,
    salience: SalienceParameters = SALIENCE,
    *,
    trend: bool = True,
    frame: PortfolioFrame | None = None,
) -> AgreementTrust:
    """Trust of every directed pair of ``data``'s participants and of the agreement at ``as_of``,
    each with its evidence (and, unless ``trend=False``, a monthly trend). ``frame``:
    ``frame_from_agreements([canonical(data)])`` if the caller has built it (``data`` is then
    canonical already): one agreement's models share one frame."""
    if frame is None:
        data = canonical(data)
        frame = frame_from_agreements([data])
    result = portfolio_trust(frame, as_of, params, salience, keep_events=True)
    return agreement_result(data, frame, result, as_of, params, salience, trend=trend)


def agreement_result(
    data: AgreementData,
    frame: PortfolioFrame,
    result: PortfolioTrust,
    as_of: date,
    params: TrustParameters = TRUST,
    salience: SalienceParameters = SALIENCE,
    *,
    trend: bool = True,
) -> AgreementTrust:
    """:func:`agreement_trust` from ``result``, ``portfolio_trust(frame, as_of, params,
    salience, keep_events=True)`` already computed (``data`` canonical, ``frame`` its frame)."""
    trends = _trends(frame, as_of, params, salience, result.prepared) if trend else None
    ev = result.events
    labelled = _labelled(data, ev)
    # Every pair's component intervals in one call (the same values pair by pair: element-wise).
    intervals = posterior_interval(result.component_alpha, result.component_beta, params.interval)
    per_pair = _events_by_pair(ev.pair, len(result.index))
    counts = _component_counts(ev, len(result.index))
    views = _pulse_views(data, as_of)
    points = _trend_columns(trends)
    pairs = tuple(
        _pair_result(frame, result, k, params, points, labelled, per_pair[k], intervals,
                     counts[k], views)
        for k in range(len(result.index))
    )  # fmt: skip
    agreement_contribution = ev.agreement_contribution.tolist()
    contributions = [
        Contribution(c.label, agreement_contribution[i], c.event_id, c.event_kind, c.date,
                     message=c.message)
        for i, c in enumerate(labelled)
    ]  # fmt: skip
    index = _none_if_nan(result.agreement_index[0])
    baseline = float(result.baseline[0]) if len(pairs) else 0.0
    evidence = combine(index if index is not None else baseline, baseline, _merge(contributions))
    return AgreementTrust(
        agreement=data.id,
        as_of=as_of,
        index=index,
        low=_none_if_nan(result.agreement_low[0]),
        high=_none_if_nan(result.agreement_high[0]),
        pairs=pairs,
        evidence=evidence,
        trend=_agreement_trend(trends) if trends else (),
        components=_agreement_components(result, ev, params) if pairs else {},
        amount=float(result.agreement_amount[0]) if pairs else 0.0,
        promise_share=float(result.agreement_component_share[_PROMISE, 0]) if pairs else None,
        state=EVIDENCE_STATES[int(result.agreement_state[0])] if pairs else "insufficient",
    )


def pair_evidence(
    data: AgreementData, frame: PortfolioFrame, result: PortfolioTrust, truster: str, trustee: str
) -> Evidence:
    """The evidence of one pair, as :func:`agreement_result` gives it, without labelling the
    other pairs' events. KeyError if one of them does not participate."""
    ids = frame.party_ids
    found = [
        k for k, (a, b) in enumerate(zip(result.pair_truster, result.pair_trustee, strict=True))
        if (ids[a], ids[b]) == (truster, trustee)
    ]  # fmt: skip
    if not found:
        raise KeyError((truster, trustee))
    k = found[0]
    ev = result.events
    mine = np.flatnonzero(ev.pair == k)
    labelled = _labelled(data, ev, mine)
    return combine(float(result.index[k]), float(result.baseline[k]), labelled)


def pair_trust(
    data: AgreementData,
    truster: str,
    trustee: str,
    as_of: date,
    params: TrustParameters = TRUST,
    salience: SalienceParameters = SALIENCE,
    *,
    trend: bool = True,
) -> PairTrust:
    """``truster``'s trust in ``trustee`` within the agreement ``data``."""
    return agreement_trust(data, as_of, params, salience, trend=trend).pair(truster, trustee)


def pooled(pairs: Sequence[PairTrust], params: TrustParameters = TRUST) -> tuple[float, str]:
    """One index (0-100) and its evidence state from several pairs' evidence added up (e.g. a
    party's trust in all the others): pairs without evidence add nothing to it."""
    m0, n0 = params.index_prior_mean, params.index_prior_strength
    a = m0 * n0 + sum(p.alpha - m0 * n0 for p in pairs)
    b = (1.0 - m0) * n0 + sum(p.beta - (1.0 - m0) * n0 for p in pairs)
    amount = sum(p.amount for p in pairs)
    state = EVIDENCE_STATES[int(evidence_state(np.array([amount]), params)[0])]
    return 100.0 * a / (a + b), state


def month_ends(as_of: date, months: int) -> list[date]:
    """The last day of each of the ``months - 1`` months before ``as_of``'s month, then
    ``as_of`` itself: the dates of a monthly trend that ends today."""
    first_of_month = np.datetime64(as_of, "M")
    ends = [
        (first_of_month - np.timedelta64(k - 1, "M")).astype("datetime64[D]")
        - np.timedelta64(1, "D")
        for k in range(months - 1, 0, -1)
    ]
    return [e.astype(date) for e in ends] + [as_of]


def _trends(frame, as_of, params, salience, prepared=None) -> tuple[list[date], PortfolioTrust]:
    dates = month_ends(as_of, params.trend_months)
    stacked = replicate(frame, len(dates))
    day = np.repeat(np.array(dates, "datetime64[D]"), frame.n_agreements)
    # The copies' pairs and meeting timelines are the frame's, repeated: not built again.
    again = prepared.replicate(frame, len(dates)) if prepared is not None else None
    return dates, portfolio_trust(stacked, day, params, salience, prepared=again)


def _agreement_trend(trends) -> tuple[TrendPoint, ...]:
    dates, r = trends
    return tuple(
        TrendPoint(
            d, float(r.agreement_index[t]), float(r.agreement_low[t]), float(r.agreement_high[t])
        )
        for t, d in enumerate(dates)
        if not np.isnan(r.agreement_index[t])
    )


def _trend_columns(trends):
    """The trend's dates, and each pair's index, low and high as lists (row t * n + k)."""
    if not trends:
        return None
    dates, r = trends
    return dates, len(r.index) // len(dates), r.index.tolist(), r.low.tolist(), r.high.tolist()


def _pair_trend(points, k: int) -> tuple[TrendPoint, ...]:
    if not points:
        return ()
    dates, n, index, low, high = points
    return tuple(
        TrendPoint(d, index[t * n + k], low[t * n + k], high[t * n + k])
        for t, d in enumerate(dates)
    )


def _events_by_pair(pair: np.ndarray, n: int) -> list[np.ndarray]:
    """The events of each pair, ascending (as ``np.flatnonzero(pair == k)``)."""
    order = np.argsort(pair, kind="stable")
    return np.split(order, np.cumsum(np.bincount(pair, minlength=n))[:-1]) if n else []


def _component_counts(ev: TrustEvents, n: int) -> np.ndarray:
    """(n_pairs, 4): each pair's number of events per component."""
    return np.bincount(ev.pair * 4 + ev.component, minlength=4 * n).reshape(n, 4)


def _pair_result(frame, result, k, params, points, labelled, mine, intervals, counts, views):
    truster = frame.party_ids[result.pair_truster[k]]
    trustee = frame.party_ids[result.pair_trustee[k]]
    contributions = [labelled[i] for i in mine.tolist()]
    index = float(result.index[k])
    return PairTrust(
        truster=truster,
        trustee=trustee,
        index=index,
        low=float(result.low[k]),
        high=float(result.high[k]),
        baseline=float(result.baseline[k]),
        components=_components(result, k, intervals, counts),
        promise_keeping=_promise_keeping(result, k, params, intervals),
        perception=_perception(views, truster, trustee),
        evidence=combine(index, float(result.baseline[k]), contributions),
        trend=_pair_trend(points, k),
        weight=float(result.pair_weight[k]),
        amount=float(result.amount[k]),
        state=EVIDENCE_STATES[int(result.state[k])],
        alpha=float(result.alpha[k]),
        beta=float(result.beta[k]),
    )


def _components(result, k, intervals, counts) -> dict[str, ComponentScore]:
    low, high = intervals[0][:, k], intervals[1][:, k]
    return {
        name: ComponentScore(
            name=name,
            mean=100.0 * float(result.component_mean[c, k]),
            low=100.0 * float(low[c]),
            high=100.0 * float(high[c]),
            weight_sum=float(result.component_weight[c, k]),
            n_events=int(counts[c]),
        )
        for c, name in enumerate(COMPONENTS)
    }


def _agreement_components(result, ev, params) -> dict[str, ComponentScore]:
    """Each component pooled over the agreement's pairs, with its interval and event count."""
    mean, weight = result.agreement_component_mean[:, 0], result.agreement_component_weight[:, 0]
    _prior, strength, _w = _priors(params)
    total = strength + weight
    low, high = posterior_interval(mean * total, (1.0 - mean) * total, params.interval)
    counts = np.bincount(ev.component, minlength=4)
    return {
        name: ComponentScore(
            name=name,
            mean=100.0 * float(mean[c]),
            low=100.0 * float(low[c]),
            high=100.0 * float(high[c]),
            weight_sum=float(weight[c]),
            n_events=int(counts[c]),
        )
        for c, name in enumerate(COMPONENTS)
    }


def _promise_keeping(result, k, params, intervals) -> PromiseKeeping:
    low, high = intervals[0][_PROMISE, k], intervals[1][_PROMISE, k]
    n_due, n_on_time = int(result.n_due[k]), int(result.n_on_time[k])
    say_do = n_on_time / n_due if n_due else None
    return PromiseKeeping(
        mean=100.0 * float(result.component_mean[_PROMISE, k]),
        low=100.0 * float(low),
        high=100.0 * float(high),
        n_due=n_due,
        n_on_time=n_on_time,
        say_do=say_do,
        band=band(say_do, params),
    )


def perception(data: AgreementData, truster: str, trustee: str, as_of: date) -> Perception:
    """Unweighted pulse means (Likert 1-7) of ``truster``'s people about ``trustee``, per
    dimension and overall, and the 360-degree comparison with what ``trustee``'s people say."""
    return _perception(_pulse_views(data, as_of), truster, trustee)


def _pulse_views(data: AgreementData, as_of: date) -> dict[tuple[str, str], list]:
    """The pulse answers given by ``as_of``, by (respondent party, party rated), in order."""
    views: dict[tuple[str, str], list] = {}
    for p in data.pulses:
        if p.date <= as_of:
            views.setdefault((p.respondent_party, p.about_party), []).append(p)
    return views


def _perception(views, truster: str, trustee: str) -> Perception:
    about = views.get((truster, trustee), [])
    general = _mean([p.general() for p in about])
    self_view = _mean([p.general() for p in views.get((trustee, trustee), [])])
    reverse = _mean([p.general() for p in views.get((trustee, truster), [])])
    subscales = {}
    for d in PULSE_DIMENSIONS:
        values = [getattr(p, d) for p in about if getattr(p, d) is not None]
        if values:
            subscales[d] = (sum(values) / len(values), len(values))
    return Perception(
        general=general,
        n=sum(1 for p in about if p.general() is not None),
        subscales=subscales,
        self_view=self_view,
        reverse_view=reverse,
        gap_vs_self=_diff(general, self_view),
        gap_vs_reverse=_diff(general, reverse),
    )


def _mean(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _none_if_nan(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


_KINDS = ("commitment", "follow_up", "interaction", "pulse")


class _Columns:
    """The event columns the labels read, as Python lists: one conversion per column instead
    of a numpy scalar per event and field (the same values: lists hold them exactly)."""

    __slots__ = ("component", "contribution", "date", "expected", "materiality", "open", "ref",
                 "repair", "score", "strength", "working_days")  # fmt: skip

    def __init__(self, ev: TrustEvents) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(ev, name).tolist())


def _labelled(data: AgreementData, ev: TrustEvents, rows=None) -> list[Contribution]:
    """Each event (or each of ``rows``) as a labelled contribution to its pair's index."""
    cols = _Columns(ev)
    records = (data.commitments, data.follow_ups, data.interactions, data.pulses)
    out = []
    for i in range(len(cols.component)) if rows is None else rows.tolist():
        c = cols.component[i]
        record = records[c][cols.ref[i]]
        kind = "no_interaction" if c == _ENGAGEMENT and cols.open[i] else _KINDS[c]
        out.append(
            Contribution(
                label=_LABELLERS[c](record, cols, i),
                contribution=cols.contribution[i],
                event_id=record.id,
                event_kind=kind,
                date=cols.date[i],
                message=_MESSAGES[c](record, cols, i),
            )
        )
    return out


def _promise_label(c, ev, i) -> str:
    name, late = c.label or c.id, int(ev.working_days[i])
    # The days under dispute do not count (Commitment.lateness): say so when there were some.
    paused = " (time under dispute not counted)" if c.disputed_until is not None else ""
    if not ev.open[i]:
        paused += _CONFIRMATION_LABELS[_confirmation(c, ev, i)]
    paused += f" (materiality {ev.materiality[i]:.2g})" if ev.materiality[i] != 1.0 else ""
    if ev.repair[i] == _BREACH:
        return f"{name} original date missed, re-dated by {late} working days{paused}"
    if ev.repair[i] == _REPAIR:
        return f"{name} renegotiated date met, part of the breach repaired{paused}"
    if ev.open[i]:
        state = "missed" if ev.score[i] == 0.0 else "still open"
        return f"{name} {state}, {late} working days overdue{paused}"
    if late == 0:
        return f"{name} delivered on time{paused}"
    return f"{name} delivered {late} working days late{paused}"


def _response_label(f, ev, i) -> str:
    name, days, allow = f.label or f.id, int(ev.working_days[i]), ev.expected[i]
    verb = "unanswered for" if ev.open[i] else "answered in"
    return f"follow-up {name} {verb} {days} working days (allowance {allow:.0f})"


def _engagement_label(ix, ev, i) -> str:
    gap, cadence = int(ev.working_days[i]), ev.expected[i]
    if ev.open[i]:
        return f"not met for {gap} working days since {ix.date} (cadence {cadence:.0f})"
    name = ix.label or ix.kind
    return f"{name} after a gap of {gap} working days (cadence {cadence:.0f})"


def _perception_label(p, ev, i) -> str:
    who = p.respondent or p.id
    return f"pulse answer by {who}: {p.general():.1f}/7"


_LABELLERS = (_promise_label, _response_label, _engagement_label, _perception_label)


# The same lines as messages (keys and parameters) for the site to say in any language.
def _promise_message(c, ev, i) -> Message:
    name, late = c.label or c.id, int(ev.working_days[i])
    paused = _paused(c.disputed_until is not None)
    weight = _materiality(c, float(ev.materiality[i]))
    if ev.repair[i] == _BREACH:
        return msg("trust.redated", commitment=name, days=late, paused=paused, weight=weight)
    if ev.repair[i] == _REPAIR:
        return msg("trust.repaired", commitment=name, paused=paused, weight=weight)
    if ev.open[i]:
        key = "trust.missed" if ev.score[i] == 0.0 else "trust.still_open"
        return msg(key, commitment=name, days=late, paused=paused, weight=weight)
    confirmation = _confirmation(c, ev, i)
    if not confirmation:
        if late == 0:
            return msg("trust.on_time", commitment=name, paused=paused, weight=weight)
        return msg("trust.late", commitment=name, days=late, paused=paused, weight=weight)
    how = msg(f"trust.delivery_{confirmation}")
    if late == 0:
        return msg(
            "trust.on_time_answered", commitment=name, paused=paused, confirmation=how,
            weight=weight,
        )  # fmt: skip
    return msg(
        "trust.late_answered", commitment=name, days=late, paused=paused, confirmation=how,
        weight=weight,
    )  # fmt: skip


def _confirmation(c, ev, i) -> str:
    """How a delivery stands with the party owed: "confirmed", "unconfirmed" (asked, not
    confirmed: it counted for less) or "" (nobody was asked)."""
    if len(ev.strength) and ev.strength[i] < 1.0:
        return "unconfirmed"
    return "confirmed" if c.confirmed_by else ""


_CONFIRMATION_LABELS = {
    "": "",
    "confirmed": ", confirmed by the party owed",
    "unconfirmed": ", not confirmed by the party owed (counts for less)",
}


def _paused(paused: bool) -> Message | str:
    return msg("trust.dispute_not_counted") if paused else ""


def _materiality(c, weight: float) -> Message | str:
    """Why the line weighs what it does, when it is not one ordinary commitment's worth."""
    if weight == 1.0:
        return ""
    if c.importance:
        return msg("trust.materiality_set", weight=round(weight, 2))
    return msg("trust.materiality", weight=round(weight, 2))


def _response_message(f, ev, i) -> Message:
    key = "trust.follow_up_unanswered" if ev.open[i] else "trust.follow_up_answered"
    return msg(key, follow_up=f.label or f.id, days=int(ev.working_days[i]),
               allowance=round(float(ev.expected[i])))  # fmt: skip


def _engagement_message(ix, ev, i) -> Message:
    gap, cadence = int(ev.working_days[i]), round(float(ev.expected[i]))
    if ev.open[i]:
        return msg("trust.not_met", days=gap, since=ix.date, cadence=cadence)
    return msg("trust.met_after_gap", interaction=ix.label or ix.kind, days=gap, cadence=cadence)


def _perception_message(p, ev, i) -> Message:
    return msg("trust.pulse_answer", respondent=p.respondent or p.id, score=round(p.general(), 1))


_MESSAGES = (_promise_message, _response_message, _engagement_message, _perception_message)


def _merge(contributions: Sequence[Contribution]) -> list[Contribution]:
    """One line per event across pairs (a commitment owed to two parties moves two pairs)."""
    merged: dict[tuple, Contribution] = {}
    for c in contributions:
        key = (c.event_kind, c.event_id, c.date)
        if key in merged:
            old = merged[key]
            c = Contribution(
                old.label,
                old.contribution + c.contribution,
                c.event_id,
                c.event_kind,
                c.date,
                message=old.message,
            )
        merged[key] = c
    return list(merged.values())


def trust_report(data: AgreementData, as_of: date, params: TrustParameters = TRUST) -> dict:
    """The JSON output of ``alliance insights trust``: the agreement's index, its top events,
    and every pair with components, promise keeping, perception, evidence and trend."""
    result = agreement_trust(data, as_of, params)
    report = jsonable(result)
    report["top_events"] = jsonable(result.evidence.top(params.top_events))
    for pair, out in zip(result.pairs, report["pairs"], strict=True):
        out["top_events"] = jsonable(pair.evidence.top(params.top_events))
    return report
