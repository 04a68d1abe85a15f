"""Vectorised trust engine: every directed pair of every agreement in a few numpy passes.

See :mod:`alliance.insights.trust` for the model; this module holds the arithmetic over a
:class:`~alliance.insights.inputs.PortfolioFrame`: one event table per component (commitments,
follow-ups, interaction gaps, pulse answers), weighted Beta posteriors by ``np.bincount`` over
(component, pair), fusion, and the agreement's index from the pairs' evidence pooled per
component (each pair weighted by its salience). No Python loop runs per event or per agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from scipy.special import betaincinv

from alliance.insights.inputs import (
    LIKERT_MAX,
    LIKERT_MIN,
    PortfolioFrame,
    days_between,
    ordered_pairs_within,
    working_days_between,
)
from alliance.insights.parameters import SALIENCE, TRUST, SalienceParameters, TrustParameters
from alliance.insights.salience import salience_score

COMPONENTS = ("promise", "response", "engagement", "perception")
_PROMISE, _RESPONSE, _ENGAGEMENT, _PERCEPTION = range(4)
EVIDENCE_STATES = ("insufficient", "provisional", "established")
_ORDINARY, _BREACH, _REPAIR = range(3)


@dataclass(frozen=True)
class PortfolioTrust:
    """Trust for every directed pair and agreement of a frame, as arrays (0-100)."""

    pair_ag: np.ndarray
    pair_truster: np.ndarray  # global party index
    pair_trustee: np.ndarray
    pair_weight: np.ndarray  # the pair's share of its agreement's pooled evidence (0 if none)
    index: np.ndarray
    low: np.ndarray
    high: np.ndarray
    baseline: np.ndarray
    component_mean: np.ndarray  # (4, n_pairs), 0-1
    component_var: np.ndarray
    component_weight: np.ndarray  # recency-weighted event count
    component_alpha: np.ndarray  # Beta posterior parameters
    component_beta: np.ndarray
    n_due: np.ndarray
    n_on_time: np.ndarray
    # Recency- and materiality-weighted amount of evidence behind each pair's index, and its
    # state: 0 insufficient, 1 provisional, 2 established (EVIDENCE_STATES).
    amount: np.ndarray
    state: np.ndarray
    agreement_index: np.ndarray  # NaN for an agreement with fewer than two parties
    agreement_low: np.ndarray
    agreement_high: np.ndarray
    # (4, n_agreements): each component pooled over the agreement's pairs (0-1), and the
    # salience-weighted, recency-weighted amount of evidence behind it.
    agreement_component_mean: np.ndarray = field(default_factory=lambda: np.zeros((4, 0)))
    agreement_component_weight: np.ndarray = field(default_factory=lambda: np.zeros((4, 0)))
    agreement_amount: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # (4, n_agreements): each component as a plain recency-weighted share kept (partial credit
    # for lateness, no materiality, no asymmetry): what the performance-to-promise scale reads.
    agreement_component_share: np.ndarray = field(default_factory=lambda: np.zeros((4, 0)))
    agreement_state: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # The pooled Beta of each pair's index (alpha, beta), for pooling pairs further (a party's
    # trust in all others, or all others' trust in it).
    alpha: np.ndarray = field(default_factory=lambda: np.zeros(0))
    beta: np.ndarray = field(default_factory=lambda: np.zeros(0))
    events: TrustEvents | None = None
    prepared: TrustPreparation | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class TrustEvents:
    """Every scored event: which pair and component, its score, weight and contribution."""

    component: np.ndarray
    pair: np.ndarray
    ref: np.ndarray  # row of the source record (commitment, follow-up, interaction, pulse)
    score: np.ndarray
    weight: np.ndarray
    date: np.ndarray
    working_days: np.ndarray  # lateness / latency / gap, working days
    expected: np.ndarray  # allowance or expected gap, working days (NaN if none)
    open: np.ndarray  # True: still open at the date (overdue, unanswered, not met since)
    # 0 an ordinary event; for a re-dated commitment, 1 the breach of its original date and
    # 2 the repair (its renegotiated date met).
    repair: np.ndarray
    materiality: np.ndarray  # the commitment's weight (1 for other components)
    confirm: np.ndarray  # confirming mass (recency x weight x materiality)
    violate: np.ndarray  # violating mass (negative for a repair: it takes some back)
    contribution: np.ndarray  # points of its pair's index
    agreement_contribution: np.ndarray  # points of its agreement's index
    # How much the event counts before recency (1; less for a delivery not confirmed by
    # the party owed): ``weight`` already includes it.
    strength: np.ndarray = field(default_factory=lambda: np.zeros(0))


# --------------------------------------------------------------------------
# Portfolio path
# --------------------------------------------------------------------------


def portfolio_trust(
    frame: PortfolioFrame,
    as_of: date | np.ndarray,
    params: TrustParameters = TRUST,
    salience: SalienceParameters = SALIENCE,
    *,
    keep_events: bool = False,
    intervals: bool = True,
    prepared: TrustPreparation | None = None,
) -> PortfolioTrust:
    """Trust of every directed pair and agreement in ``frame`` at ``as_of``.

    ``as_of`` is one date or one ``datetime64[D]`` per agreement; events after it are ignored,
    so the same frame gives past values (trend, "trust falling" warnings). ``intervals=False``
    skips the pairs' intervals (NaN), the costliest step, when only the indexes are needed.
    ``prepared`` (a previous result's ``prepared``, same frame and salience parameters) skips
    the date-independent work: pairing participants and sorting every pair's meetings.
    """
    day = np.broadcast_to(np.asarray(as_of, "datetime64[D]"), (frame.n_agreements,))
    if prepared is None and len(frame.ix_ag) >= _COMPILED_FROM:
        # A portfolio: the meeting timelines are sorted (compiled, without the GIL) on the
        # other core while the other components' events are scored here.
        pairs = _Pairs.build(frame, salience)
        with ThreadPoolExecutor(max_workers=1) as pool:
            timelines = pool.submit(TrustPreparation.build, frame, salience, pairs)
            others = _other_events(frame, pairs, day, params)
            prepared = timelines.result()
    else:
        prepared = prepared or TrustPreparation.build(frame, salience)
        others = _other_events(frame, prepared.pairs, day, params)
    pairs = prepared.pairs
    parts = [*others[:2], *_engagement_events(frame, prepared, day, params), others[2]]
    # (np.bincount over no event at all gives integers: that case stays with it.)
    if not keep_events and sum(len(p["pair"]) for p in parts) >= max(_COMPILED_FROM, 1):
        # A portfolio: each part's sums accumulated in place, in the order of the events of
        # all parts (the same floats as the sums over the parts concatenated).
        sums = _compiled_sums(pairs, parts, day, params)
        return replace(_fused(frame, pairs, *sums, params, intervals), prepared=prepared)
    ev = _concat_events(parts)
    ev_weight = _recency(ev, pairs, day, params)
    result = _fuse(frame, pairs, ev, ev_weight, day, params, keep_events, intervals)
    return replace(result, prepared=prepared)


def _other_events(frame, pairs, day, params) -> list[dict[str, np.ndarray]]:
    """The promise, response and perception events (all but the meeting gaps)."""
    return [
        _promise_events(frame, pairs, day, params),
        _response_events(frame, pairs, day, params),
        _perception_events(frame, pairs, day),
    ]


def _recency(ev, pairs, day, params: TrustParameters) -> np.ndarray:
    """Each event's weight: recency at its agreement's date, strength and materiality."""
    w = 0.5 ** (days_between(ev["date"], day[pairs.ag[ev["pair"]]]) / params.half_life_days)
    return w * ev["strength"] * ev["materiality"]


def _compiled_sums(pairs, parts, day, params: TrustParameters):
    """What :func:`_fuse` sums over the events (weights, confirming and violating masses, the
    plain share's weights and scores per (component, pair); Say/Do counts per pair), part by
    part into the same arrays, without concatenating millions of events."""
    from alliance.insights.trust_compiled import accumulate

    n = len(pairs)
    sums = np.zeros((5, 4 * n))
    n_due, n_on_time = np.zeros(n, np.int64), np.zeros(n, np.int64)
    for part in parts:
        if not len(part["pair"]):
            continue
        w = _recency(part, pairs, day, params)
        confirm, violate = _masses(part, w, params, compiled=True)
        slot = part["component"] * n + part["pair"]
        accumulate(slot, w, confirm, violate, part["materiality"], part["score"], sums)
        due, on_time = _say_do_counts(part, n)
        n_due += due
        n_on_time += on_time
    W, P, N, weight, scored = (x.reshape(4, n) for x in sums)
    return W, P, N, (weight, scored), n_due, n_on_time


@dataclass(frozen=True)
class _Pairs:
    """Ordered participant pairs of every agreement, with a sorted key for lookups."""

    ag: np.ndarray
    a: np.ndarray
    b: np.ndarray
    sal_a: np.ndarray
    sal_b: np.ndarray
    keys: np.ndarray  # sorted; pair i has key keys[i]
    n_parties: int

    @classmethod
    def build(cls, frame: PortfolioFrame, salience: SalienceParameters) -> _Pairs:
        n = max(frame.n_parties, 1)
        score = salience_score(frame.pp_power, frame.pp_legitimacy, frame.pp_urgency, salience)
        member = frame.pp_ag * n + frame.pp_party
        # A party with several roles keeps its most salient one.
        uniq, inv = np.unique(member, return_inverse=True)
        best = np.full(len(uniq), -1.0)
        np.maximum.at(best, inv, score)
        ag, party = uniq // n, uniq % n
        i, j = ordered_pairs_within(ag)
        keys = (ag[i] * n + party[i]) * n + party[j]
        order = np.argsort(keys)
        i, j = i[order], j[order]
        return cls(ag[i], party[i], party[j], best[i], best[j], keys[order], n)

    def lookup(self, ag: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Pair index of each (agreement, truster, trustee); -1 when not a participant pair
        (a party index of -1, "nobody", is never one)."""
        if len(self.keys) == 0 or len(ag) == 0:
            return np.full(len(ag), -1, np.int64)
        key = (ag * self.n_parties + a) * self.n_parties + b
        pos = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return np.where((self.keys[pos] == key) & (a >= 0) & (b >= 0), pos, -1)

    def reverse(self, pair: np.ndarray) -> np.ndarray:
        """Index of the opposite direction (B, A) of each pair (A, B)."""
        return self.lookup(self.ag[pair], self.b[pair], self.a[pair])

    def __len__(self) -> int:
        return len(self.keys)


def _tau(frame: PortfolioFrame, party: np.ndarray, params: TrustParameters) -> np.ndarray:
    return np.maximum(params.tau_per_cycle * frame.party_cycle[party], params.tau_min_working_days)


def party_working_days(
    frame: PortfolioFrame, party: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Working days from ``start`` to ``end`` of each row, on the calendar of its ``party``."""
    return working_days_between(frame.calendars, frame.party_calendar[party], start, end)


def commitment_lateness(frame: PortfolioFrame, rows: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Working days each commitment row is late at ``end``, on its owing party's calendar, the
    days it spent disputed not counted (the clock stops while the obligation itself is
    contested); 0 if on time. Vectorised twin of :meth:`Commitment.lateness`."""
    debtor, due = frame.cm_owed_by[rows], frame.cm_due[rows]
    late = party_working_days(frame, debtor, due, end)
    start = np.maximum(frame.cm_disputed_from[rows], due)  # NaT stays NaT
    stop = np.minimum(frame.cm_disputed_until[rows], end)
    paused = ~np.isnat(start) & ~np.isnat(stop) & (stop > start)
    if paused.any():
        late[paused] -= party_working_days(frame, debtor[paused], start[paused], stop[paused])
    return np.maximum(late, 0)


def _event(
    pair,
    ref,
    score,
    date_,
    wd,
    expected,
    open_,
    component,
    strength=None,
    materiality=None,
    repair=None,
) -> dict[str, np.ndarray]:
    return {
        "strength": np.ones(len(pair)) if strength is None else strength,
        "component": np.full(len(pair), component, np.int64),
        "pair": pair,
        "ref": ref,
        "score": score,
        "date": date_,
        "working_days": wd.astype(np.float64),
        "expected": expected,
        "open": open_,
        "materiality": np.ones(len(pair)) if materiality is None else materiality,
        "repair": np.zeros(len(pair), np.int64) if repair is None else repair,
    }


def materiality(frame: PortfolioFrame, rows: np.ndarray, params: TrustParameters) -> np.ndarray:
    """Each commitment row's weight: its explicit importance, else its category's weight times
    ``1 + dependents_step * min(dependents, dependents_cap)``."""
    from alliance.insights.inputs import IMPORTANCE_LEVELS

    by_category = np.array(
        [params.category_weights.get(c, params.default_materiality) for c in frame.category_ids]
        + [params.default_materiality]
    )
    category = frame.cm_category[rows]
    derived = by_category[np.where(category >= 0, category, len(frame.category_ids))]
    derived = derived * (
        1.0 + params.dependents_step * np.minimum(frame.cm_dependents[rows], params.dependents_cap)
    )
    explicit = np.array(
        [params.importance_weights.get(level, params.default_materiality)
         for level in IMPORTANCE_LEVELS]
    )  # fmt: skip
    importance = frame.cm_importance[rows]
    return np.where(importance >= 0, explicit[np.maximum(importance, 0)], derived)


def _promise_events(frame, pairs, day, params) -> dict[str, np.ndarray]:
    """Commitments B owed A, due or delivered by the date: scored by lateness, weighted by
    materiality. A commitment re-dated after its original date passed adds the breach of that
    date and, once delivered by the new one, the repair."""
    as_of = day[frame.cm_ag]
    delivered = frame.cm_delivered
    done = ~np.isnat(delivered) & (delivered <= as_of)
    overdue = ~done & (frame.cm_due < as_of)
    rows = np.flatnonzero(~frame.cm_excluded & (done | overdue))
    pair = pairs.lookup(frame.cm_ag[rows], frame.cm_owed_to[rows], frame.cm_owed_by[rows])
    rows, pair = rows[pair >= 0], pair[pair >= 0]
    debtor = frame.cm_owed_by[rows]
    done_r = done[rows]
    end = np.where(done_r, delivered[rows], as_of[rows])
    late = commitment_lateness(frame, rows, end)
    tau = _tau(frame, debtor, params)
    score = np.exp(-late / tau)
    score[~done_r & (late >= params.missed_after_tau * tau)] = 0.0
    weight = materiality(frame, rows, params)
    # An overdue commitment that is not yet a working day late has nothing to say.
    keep = done_r | (late > 0)
    # A delivery the party owed has not confirmed is weaker evidence than a confirmed one.
    strength = np.where(
        done_r & frame.cm_unconfirmed[rows], params.unconfirmed_delivery_weight, 1.0
    )
    kind = np.zeros(len(rows), np.int64)
    # Met by its renegotiated date: the repair of the breach (instead of an on-time delivery).
    original = frame.cm_renegotiated_from[rows]
    redated = ~np.isnat(original) & (original < frame.cm_due[rows])
    kind[redated & done_r & (late == 0)] = _REPAIR
    main = _event(
        pair[keep], frame.cm_ref[rows[keep]], score[keep], end[keep], late[keep],
        np.full(keep.sum(), np.nan), ~done_r[keep], _PROMISE, strength[keep], weight[keep],
        kind[keep],
    )  # fmt: skip
    # The breach: the original date passed, re-dated by the working days to the new one
    # (counted so far while the new date is still ahead).
    every = np.flatnonzero(~frame.cm_excluded)
    original = frame.cm_renegotiated_from[every]
    b = every[~np.isnat(original) & (original < frame.cm_due[every]) & (original < as_of[every])]
    b_pair = pairs.lookup(frame.cm_ag[b], frame.cm_owed_to[b], frame.cm_owed_by[b])
    b, b_pair = b[b_pair >= 0], b_pair[b_pair >= 0]
    stop = np.minimum(frame.cm_due[b], as_of[b])
    b_debtor = frame.cm_owed_by[b]
    since = frame.cm_renegotiated_from[b]
    breach_late = np.maximum(party_working_days(frame, b_debtor, since, stop), 0)
    breach = _event(
        b_pair, frame.cm_ref[b], np.exp(-breach_late / _tau(frame, b_debtor, params)), since,
        breach_late, np.full(len(b), np.nan), np.zeros(len(b), bool), _PROMISE, None,
        materiality(frame, b, params), np.full(len(b), _BREACH, np.int64),
    )  # fmt: skip
    return _concat_events([main, breach])


def _response_events(frame, pairs, day, params) -> dict[str, np.ndarray]:
    """Follow-ups A asked of B: latency in B's working days against its decision cycle."""
    as_of = day[frame.fu_ag]
    answered = frame.fu_answered
    done = ~np.isnat(answered) & (answered <= as_of)
    rows = np.flatnonzero(frame.fu_asked <= as_of)
    pair = pairs.lookup(frame.fu_ag[rows], frame.fu_asked_by[rows], frame.fu_owed_by[rows])
    rows, pair = rows[pair >= 0], pair[pair >= 0]
    debtor = frame.fu_owed_by[rows]
    done_r = done[rows]
    end = np.where(done_r, answered[rows], as_of[rows])
    latency = np.maximum(party_working_days(frame, debtor, frame.fu_asked[rows], end), 0)
    allowance = params.response_allowance_cycles * frame.party_cycle[debtor]
    excess = np.maximum(latency - allowance, 0.0)
    score = np.exp(-excess / _tau(frame, debtor, params))
    # Unanswered but still within the allowance: nothing to judge yet.
    keep = done_r | (excess > 0)
    return _event(
        pair[keep],
        frame.fu_ref[rows[keep]],
        score[keep],
        end[keep],
        latency[keep],
        allowance[keep],
        ~done_r[keep],
        _RESPONSE,
    )


def expected_cadence(
    cycle_a: np.ndarray | float,
    cycle_b: np.ndarray | float,
    salience_pair: np.ndarray | float,
    params: TrustParameters = TRUST,
) -> np.ndarray:
    """Expected working days between two parties' interactions (cycles in working days).

    The slower party's decision cycle sets the pace (nothing useful happens faster), and a pair
    of low salience may wait up to ``1 + cadence_low_salience_slack`` times longer.
    """
    cycle = np.maximum(np.asarray(cycle_a, float), np.asarray(cycle_b, float))
    base = params.cadence_cycles * cycle
    stretch = 1.0 + params.cadence_low_salience_slack * (1.0 - np.asarray(salience_pair, float))
    return np.clip(base * stretch, params.cadence_min_working_days, params.cadence_max_working_days)


@dataclass(frozen=True)
class TrustPreparation:
    """The date-independent part of trust: participant pairs and every pair's meeting timeline.

    Meetings are symmetric, so each unordered pair's timeline (participant row, pair, opposite
    pair) is sorted once by (pair, date, interaction); evaluating another date only filters it.
    """

    pairs: _Pairs
    row: np.ndarray
    pair: np.ndarray
    back: np.ndarray

    @classmethod
    def build(
        cls, frame: PortfolioFrame, salience: SalienceParameters, pairs: _Pairs | None = None
    ) -> TrustPreparation:
        """The preparation of ``frame`` (``pairs``: its participant pairs, if built already)."""
        pairs = _Pairs.build(frame, salience) if pairs is None else pairs
        group = frame.ix_ag * (frame.ix_event.max(initial=0) + 1) + frame.ix_event
        if len(group) >= _COMPILED_FROM and len(pairs):
            i, pair, back = _compiled_meeting_pairs(frame, pairs, group)
            order = _compiled_timeline_order(pair, frame.ix_date[i], frame.ix_event[i], len(pairs))
            return cls(pairs, i[order], pair[order], back[order])
        i, j = ordered_pairs_within(group, both_ways=False)
        # Orient each meeting pair from the lower party index, as the pair keys expect.
        swap = frame.ix_party[i] > frame.ix_party[j]
        i, j = np.where(swap, j, i), np.where(swap, i, j)
        pair = pairs.lookup(frame.ix_ag[i], frame.ix_party[i], frame.ix_party[j])
        i, pair = i[pair >= 0], pair[pair >= 0]
        order = _timeline_order(pair, frame.ix_date[i], frame.ix_event[i])
        i, pair = i[order], pair[order]
        return cls(pairs, i, pair, pairs.reverse(pair))

    def replicate(self, frame: PortfolioFrame, copies: int) -> TrustPreparation:
        """The preparation of ``inputs.replicate(frame, copies)`` (``self`` is ``frame``'s):
        copy ``t``'s pairs and timelines are the frame's, shifted by ``t`` agreements, pairs
        and participant rows; the copies' keys sort after each other, so the arrays are the
        ones :meth:`build` gives, without pairing and sorting again."""
        p, n = self.pairs, len(self.pairs)
        t = np.arange(copies)

        def tiled(values: np.ndarray, step: int) -> np.ndarray:
            return (values[None, :] + (t * step)[:, None]).ravel()

        ag = tiled(p.ag, frame.n_agreements)
        keys = (ag * p.n_parties + np.tile(p.a, copies)) * p.n_parties + np.tile(p.b, copies)
        pairs = _Pairs(
            ag, np.tile(p.a, copies), np.tile(p.b, copies), np.tile(p.sal_a, copies),
            np.tile(p.sal_b, copies), keys, p.n_parties,
        )  # fmt: skip
        back = np.where(self.back[None, :] >= 0, tiled(self.back, n).reshape(copies, -1), -1)
        return TrustPreparation(
            pairs, tiled(self.row, len(frame.ix_ag)), tiled(self.pair, n), back.ravel()
        )


# Participant rows from which the meeting timelines come from the compiled loops (numba,
# imported then); small frames (one agreement's models) keep the numpy passes and do not pay
# for importing numba.
_COMPILED_FROM = 20_000


def _compiled_meeting_pairs(frame: PortfolioFrame, pairs: _Pairs, group: np.ndarray):
    """The meeting pairs from one compiled loop, in the timeline order the numpy passes give.

    Rows of one interaction are usually contiguous already (the event column ascending, one
    agreement per event): the loop then walks them as they are, without sorting by interaction.
    The pairs come out grouped in another order than ``ordered_pairs_within``'s, but within an
    interaction in the same one, and only rows of the same interaction can tie in the timeline's
    stable sort by (pair, date, event): the sorted timeline is the same.
    """
    from alliance.insights.trust_compiled import meeting_pairs

    event = frame.ix_event
    contiguous = np.all(group[1:] >= group[:-1]) or (
        np.all(event[1:] >= event[:-1])
        and np.array_equal(group[1:] != group[:-1], event[1:] != event[:-1])
    )
    order = np.arange(len(group)) if contiguous else np.argsort(group, kind="stable")
    ag_start = np.searchsorted(pairs.ag, np.arange(frame.n_agreements + 1))
    return meeting_pairs(
        order, np.asarray(group, np.int64), np.asarray(frame.ix_party, np.int64),
        np.asarray(frame.ix_ag, np.int64), pairs.keys.astype(np.int64, copy=False),
        ag_start.astype(np.int64), np.int64(pairs.n_parties),
    )  # fmt: skip


def _engagement_events(frame, prepared, day, params) -> list[dict[str, np.ndarray]]:
    """Gaps between consecutive interactions of A and B against the cadence expected of them,
    each counted on its own side's calendar (A's working days for A's trust in B)."""
    pairs = prepared.pairs
    seen = frame.ix_date[prepared.row] <= day[frame.ix_ag[prepared.row]]
    i, pair, back = prepared.row[seen], prepared.pair[seen], prepared.back[seen]
    dates = frame.ix_date[i]
    same = np.r_[False, pair[1:] == pair[:-1]][: len(pair)]
    last = np.r_[pair[1:] != pair[:-1], True][: len(pair)]
    expected = expected_cadence(
        frame.party_cycle[pairs.a[pair]],
        frame.party_cycle[pairs.b[pair]],
        (pairs.sal_a[pair] + pairs.sal_b[pair]) / 2.0,
        params,
    )
    prev = np.r_[dates[:1], dates[:-1]]
    ref = frame.ix_event[i]
    as_of = day[pairs.ag[pair[last]]]
    sides = [
        _gap_events(frame, pairs, side, same, last, dates, prev, ref, expected, as_of)
        for side in (pair, back)
    ]
    return sides


def _compiled_timeline_order(
    pair: np.ndarray, dates: np.ndarray, event: np.ndarray, n_pairs: int
) -> np.ndarray:
    """:func:`_timeline_order` by the compiled counting sort (when the key fits in 63 bits)."""
    if len(pair) == 0:
        return np.zeros(0, np.int64)
    d = dates.astype(np.int64)
    d = d - d.min()
    span_e = int(event.max()) + 1
    if (int(d.max()) + 1) * span_e >= 2**62:
        return _timeline_order(pair, dates, event)
    from alliance.insights.trust_compiled import timeline_order

    return timeline_order(pair, d * span_e + event, np.int64(n_pairs))


def _timeline_order(pair: np.ndarray, dates: np.ndarray, event: np.ndarray) -> np.ndarray:
    """Order by (pair, date, event) with one integer sort when the key fits in 63 bits."""
    if len(pair) == 0:
        return np.zeros(0, np.int64)
    d = dates.astype(np.int64)
    d = d - d.min()
    span_d, span_e = int(d.max()) + 1, int(event.max()) + 1
    if (int(pair.max()) + 1) * span_d * span_e < 2**62:
        return np.argsort((pair * span_d + d) * span_e + event, kind="stable")
    return np.lexsort((event, dates, pair))


def _gap_events(frame, pairs, pair, same, last, dates, prev, ref, expected, as_of):
    """One side's events: closed gaps, then the still-open gap once it exceeds the cadence."""
    truster = pairs.a[pair]
    gap = party_working_days(frame, truster[same], prev[same], dates[same]).astype(np.float64)
    open_gap = party_working_days(frame, truster[last], dates[last], as_of).astype(np.float64)
    late_open = open_gap > expected[last]
    ev_gap = np.r_[gap, open_gap[late_open]]
    ev_exp = np.r_[expected[same], expected[last][late_open]]
    score = np.where(ev_gap <= ev_exp, 1.0, np.exp(-(ev_gap - ev_exp) / ev_exp))
    return _event(
        np.r_[pair[same], pair[last][late_open]],
        np.r_[ref[same], ref[last][late_open]],
        score,
        np.r_[dates[same], as_of[late_open]],
        ev_gap,
        ev_exp,
        np.r_[np.zeros(same.sum(), bool), np.ones(late_open.sum(), bool)],
        _ENGAGEMENT,
    )


def _perception_events(frame, pairs, day) -> dict[str, np.ndarray]:
    """Pulse answers of A's people about B, Likert 1-7 rescaled to 0-1."""
    rows = np.flatnonzero((frame.pu_date <= day[frame.pu_ag]) & ~np.isnan(frame.pu_score))
    pair = pairs.lookup(frame.pu_ag[rows], frame.pu_from[rows], frame.pu_about[rows])
    rows, pair = rows[pair >= 0], pair[pair >= 0]
    score = (frame.pu_score[rows] - LIKERT_MIN) / (LIKERT_MAX - LIKERT_MIN)
    nan = np.full(len(rows), np.nan)
    return _event(
        pair,
        frame.pu_ref[rows],
        score,
        frame.pu_date[rows],
        nan,
        nan,
        np.zeros(len(rows), bool),
        _PERCEPTION,
    )


def _concat_events(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _priors(params: TrustParameters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = np.array(
        [
            params.promise_prior_mean,
            params.response_prior_mean,
            params.engagement_prior_mean,
            params.perception_prior_mean,
        ]
    )
    strength = np.array(
        [
            params.promise_prior_strength,
            params.response_prior_strength,
            params.engagement_prior_strength,
            params.perception_prior_strength,
        ]
    )
    weight = np.array(
        [
            params.weight_promise,
            params.weight_response,
            params.weight_engagement,
            params.weight_perception,
        ]
    )
    return mean, strength, weight


def _masses(
    ev, w: np.ndarray, params: TrustParameters, *, compiled: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Each event's confirming and violating mass (before the component's weight).

    Promise and response events: a full score confirms (mass w); anything less only violates,
    with mass ``w * (floor + (kappa - floor) * (1 - score))`` (asymmetric updating: the breach
    itself weighs ``breach_floor`` confirmations, its severity up to ``kappa``), so a late
    delivery can never count in favour. Engagement gaps and pulse answers count fractionally
    and symmetrically, ``(w s, w (1 - s))``. A repair takes back ``repair_share`` of its
    breach's violating mass.
    """
    c, s = ev["component"], ev["score"]
    kappas = np.array([params.violation_weight_promise, params.violation_weight_response, 1.0, 1.0])
    if compiled or len(s) >= _COMPILED_FROM:
        # The same arithmetic in one compiled pass (a large portfolio: millions of events).
        from alliance.insights.trust_compiled import event_masses

        confirm, violate = event_masses(c, s, w, kappas, float(params.breach_floor))
    else:
        kappa = kappas[c]
        behaviour = (c == _PROMISE) | (c == _RESPONSE)
        full = s >= 1.0 - 1e-12
        confirm = np.where(behaviour, np.where(full, w, 0.0), w * s)
        floor = np.where(behaviour & ~full, np.minimum(params.breach_floor, kappa), 0.0)
        violate = w * (floor + (kappa - floor) * (1.0 - s))
    repair = ev["repair"] == _REPAIR
    if repair.any():
        # The breach of the same commitment row towards the same pair, weighted alike.
        breach = ev["repair"] == _BREACH
        key = ev["pair"] * (ev["ref"].max(initial=0) + 1) + ev["ref"]
        lookup = dict(zip(key[breach].tolist(), violate[breach].tolist(), strict=True))
        confirm[repair] = 0.0
        violate[repair] = [-params.repair_share * lookup.get(k, 0.0) for k in key[repair]]
    return confirm, violate


def evidence_state(amount: np.ndarray, params: TrustParameters) -> np.ndarray:
    """0 insufficient, 1 provisional, 2 established, from the amount of evidence."""
    amount = np.asarray(amount, float)
    return (amount >= params.provisional_from).astype(np.int64) + (
        amount >= params.established_from
    ).astype(np.int64)


def _fuse(frame, pairs, ev, w, day, params, keep_events, intervals) -> PortfolioTrust:
    """Components (each its own Beta, for the "why?") and the index: one Beta over the
    evidence of all components pooled, each event weighted by its component's weight, so a
    component without events adds nothing (coverage-aware by construction)."""
    n = len(pairs)
    c = ev["component"]
    slot = c * n + ev["pair"]
    confirm, violate = _masses(ev, w, params)
    W = np.bincount(slot, w, minlength=4 * n).reshape(4, n)
    P = np.bincount(slot, confirm, minlength=4 * n).reshape(4, n)
    N = np.bincount(slot, violate, minlength=4 * n).reshape(4, n)
    # The plain share kept reads recency only (no materiality, no asymmetry), as the
    # performance-to-promise scale always has.
    recency = w / ev["materiality"]
    plain = (
        np.bincount(slot, recency, minlength=4 * n).reshape(4, n),
        np.bincount(slot, recency * ev["score"], minlength=4 * n).reshape(4, n),
    )
    n_due, n_on_time = _say_do_counts(ev, n)
    events = (ev, w, confirm, violate) if keep_events else None
    return _fused(frame, pairs, W, P, N, plain, n_due, n_on_time, params, intervals, events)


def _fused(
    frame, pairs, W, P, N, plain, n_due, n_on_time, params, intervals, events=None
) -> PortfolioTrust:
    """The result from the sums per (component, pair) (``events``: the events, their weights
    and masses, to keep with their contributions)."""
    n = len(pairs)
    prior, strength, comp_w = _priors(params)
    alpha = prior[:, None] * strength[:, None] + P
    beta = (1.0 - prior[:, None]) * strength[:, None] + N
    total = alpha + beta
    mean = alpha / total
    var = mean * (1.0 - mean) / (total + 1.0)
    m0, n0 = params.index_prior_mean, params.index_prior_strength
    a = m0 * n0 + comp_w @ P
    b = (1.0 - m0) * n0 + comp_w @ N
    index = 100.0 * a / (a + b)
    amount = comp_w @ W
    baseline = 100.0 * m0
    if intervals:
        low, high = posterior_interval(a, b, params.interval)
    else:
        low = high = np.full(n, np.nan)
    pool = _AgreementPool.build(pairs, W, P, N, frame.n_agreements, params, plain)
    kept = None
    if events is not None:
        ev, w, confirm, violate = events
        c = ev["component"]
        ew = comp_w[c]
        contribution = 100.0 * ew * (confirm - m0 * (confirm + violate)) / (a + b)[ev["pair"]]
        kept = TrustEvents(
            component=c,
            pair=ev["pair"],
            ref=ev["ref"],
            score=ev["score"],
            weight=w,
            date=ev["date"],
            working_days=ev["working_days"],
            expected=ev["expected"],
            open=ev["open"],
            repair=ev["repair"],
            materiality=ev["materiality"],
            confirm=confirm,
            violate=violate,
            contribution=contribution,
            agreement_contribution=pool.contribution(pairs, ev, confirm, violate, params),
            strength=ev["strength"],
        )
    return PortfolioTrust(
        pair_ag=pairs.ag,
        pair_truster=pairs.a,
        pair_trustee=pairs.b,
        pair_weight=pool.pair_weight,
        index=index,
        low=100.0 * low,
        high=100.0 * high,
        baseline=np.full(n, baseline),
        component_mean=mean,
        component_var=var,
        component_weight=W,
        component_alpha=alpha,
        component_beta=beta,
        n_due=n_due,
        n_on_time=n_on_time,
        amount=amount,
        state=evidence_state(amount, params),
        agreement_index=pool.index,
        agreement_low=pool.low,
        agreement_high=pool.high,
        agreement_component_mean=pool.mean,
        agreement_component_weight=pool.weight,
        agreement_amount=pool.amount,
        agreement_component_share=pool.share,
        agreement_state=evidence_state(pool.amount, params),
        alpha=a,
        beta=b,
        events=kept,
    )


def _say_do_counts(ev, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Plain Say/Do: commitments due by the date, and those delivered on time."""
    promise = (ev["component"] == _PROMISE) & (ev["repair"] != _BREACH)
    pair = ev["pair"][promise]
    on_time = ~ev["open"][promise] & (ev["working_days"][promise] == 0)
    return np.bincount(pair, minlength=n), np.bincount(pair[on_time], minlength=n)


def pair_salience(pairs: _Pairs, n_agreements: int) -> np.ndarray:
    """Each pair's salience relative to its agreement's most salient pair (0-1]: truster's x
    trustee's salience score, divided by the largest such product in the agreement.

    Pairs of parties with no salience at all still count a little, so an agreement whose
    attributes were never scored pools its pairs evenly rather than not at all.
    """
    raw = pairs.sal_a * pairs.sal_b + 1e-6
    if len(raw) == 0:
        return raw
    # Pairs are sorted by agreement: one reduceat over the runs of each agreement.
    starts = np.flatnonzero(np.r_[True, pairs.ag[1:] != pairs.ag[:-1]])
    largest = np.maximum.reduceat(raw, starts)
    return raw / np.repeat(largest, np.diff(np.r_[starts, len(raw)]))


@dataclass(frozen=True)
class _AgreementPool:
    """Agreement trust: every pair's evidence pooled, each pair weighted by its relative
    salience ``sigma_p``.

    The index is the Beta estimate of the pooled masses, ``alpha = m0 n0 + sum_p sigma_p A_p``,
    ``beta = (1 - m0) n0 + sum_p sigma_p B_p`` (``A_p``, ``B_p`` the pair's weighted confirming
    and violating masses). A pair without events adds nothing (it does not pull the agreement
    toward the prior), a thin pair adds little, and an event moves the agreement by
    ``100 w_c sigma_p (a_e - m0 (a_e + b_e)) / (alpha + beta)`` exactly, so the evidence adds
    up, an on-time delivery never lowers it and a late one never raises it. Each component is
    also pooled on its own (with its own prior) for the component view.
    """

    sigma: np.ndarray  # per pair
    mean: np.ndarray  # (4, n_agreements)
    weight: np.ndarray  # (4, n_agreements): sum_p sigma_p W_cp
    total: np.ndarray  # (n_agreements,): alpha + beta of the index
    amount: np.ndarray  # (n_agreements,): weighted amount of evidence
    index: np.ndarray
    low: np.ndarray
    high: np.ndarray
    pair_weight: np.ndarray
    share: np.ndarray  # (4, n_agreements): recency-weighted share kept

    @classmethod
    def build(cls, pairs: _Pairs, W, P, N, n_agreements: int, params: TrustParameters, plain=None):
        prior, strength, comp_w = _priors(params)
        n = n_agreements
        sigma = pair_salience(pairs, n)
        slot = (np.arange(4)[:, None] * n + pairs.ag[None, :]).ravel()
        size = 4 * n

        def pooled(values: np.ndarray) -> np.ndarray:
            # Float sums even with no pair at all (numpy returns integers for an empty input).
            flat = np.bincount(slot, (sigma[None, :] * values).ravel(), minlength=size)
            return flat.astype(np.float64).reshape(4, n)

        weight, kept, broken = pooled(W), pooled(P), pooled(N)
        mean = (prior[:, None] * strength[:, None] + kept) / (strength[:, None] + kept + broken)
        m0, n0 = params.index_prior_mean, params.index_prior_strength
        a = m0 * n0 + comp_w @ kept
        b = (1.0 - m0) * n0 + comp_w @ broken
        index = 100.0 * a / (a + b)
        low, high = posterior_interval(a, b, params.interval)
        low, high = 100.0 * low, 100.0 * high
        empty = np.bincount(pairs.ag, minlength=n) == 0
        for values in (index, low, high):
            values[empty] = np.nan
        # A pair's share of the pooled evidence, as the index weighs it.
        share = sigma * (comp_w @ W)
        per_ag = np.bincount(pairs.ag, share, minlength=n).astype(np.float64)
        denominator = per_ag[pairs.ag]
        pair_weight = np.divide(share, denominator, out=np.zeros_like(share), where=denominator > 0)
        # The plain share kept (partial credit for lateness, no asymmetry), as the
        # performance-to-promise scale and the maturity criteria read it.
        plain_weight, scored = (pooled(x) for x in plain) if plain is not None else (weight, kept)
        kept_share = (prior[:, None] * strength[:, None] + scored) / (
            strength[:, None] + plain_weight
        )
        return cls(
            sigma, mean, weight, a + b, comp_w @ weight, index, low, high, pair_weight, kept_share
        )

    def contribution(self, pairs: _Pairs, ev, confirm, violate, params: TrustParameters):
        """Points each event moves its agreement's index (they add up to index - baseline)."""
        _prior, _strength, comp_w = _priors(params)
        c, pair = ev["component"], ev["pair"]
        m0 = params.index_prior_mean
        pooled_total = self.total[pairs.ag[pair]]
        mass = confirm - m0 * (confirm + violate)
        return 100.0 * comp_w[c] * self.sigma[pair] * mass / pooled_total


def beta_interval(
    mean: np.ndarray, var: np.ndarray, level: float = TRUST.interval
) -> tuple[np.ndarray, np.ndarray]:
    """Central ``level`` interval of the Beta distribution with this mean and variance.

    Matching the moments keeps a fused index's interval inside [0, 1] and skewed the right way
    near the bounds, where a normal interval would spill over.
    """
    m = np.clip(np.asarray(mean, float), 1e-9, 1 - 1e-9)
    v = np.maximum(np.asarray(var, float), 1e-12)
    nu = np.maximum(m * (1.0 - m) / v - 1.0, 1e-6)
    return posterior_interval(m * nu, (1.0 - m) * nu, level)


def posterior_interval(
    alpha: np.ndarray, beta: np.ndarray, level: float = TRUST.interval
) -> tuple[np.ndarray, np.ndarray]:
    """Central ``level`` interval of Beta(alpha, beta) (same as ``scipy.stats.beta.ppf``)."""
    tail = (1.0 - level) / 2.0
    if np.size(alpha) < _THREADED_FROM:
        return betaincinv(alpha, beta, tail), betaincinv(alpha, beta, 1.0 - tail)
    # The inverse incomplete beta costs ~2 us per value and releases the GIL: on a portfolio
    # the two tails run on two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        low, high = pool.map(lambda q: betaincinv(alpha, beta, q), (tail, 1.0 - tail))
    return low, high


_THREADED_FROM = 50_000


def band(say_do: float | None, params: TrustParameters = TRUST) -> str | None:
    """Performance-to-promise band of a Say/Do ratio (0-1)."""
    if say_do is None:
        return None
    for lower, label in params.bands:
        if 100.0 * say_do >= lower:
            return label
    return params.bands[-1][1]
