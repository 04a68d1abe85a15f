"""Expectation alignment: how far each party's expectation on a topic lies from the others'.

On each topic, every two parties that both recorded an expectation are compared on up to three
dimensions, each turned into a distance between 0 (same) and 1 (fully apart):

* target dates - working days apart / ``date_tolerance_working_days`` (capped at 1), a date
  already past counting as the date itself: two deadlines that have both passed say the same
  thing now (it is due), however far apart they were;
* priority - steps apart / (``priority_levels`` - 1), on the scale and in the direction the
  parameters give (by default the domain's: 1 low .. 4 critical);
* measurable target - relative gap ``|a - b| / max(|a|, |b|)`` (capped).

A pair's distance is the weighted mean of the dimensions both stated. A topic scores
``100 * (1 - mean pair distance)``; the agreement scores the mean over its topics, so identical
expectations give 100. Each (topic, pair, dimension) is one line of evidence, taking its share
of points off the baseline of 100. Comparing two dates (or two snapshots) flags the pairs whose
gap widened.

The latest expectation each party recorded on a topic up to the date counts. Dates are counted
on one reference calendar (the host country's, by default Monday-Friday) so that the distance
between two parties is the same seen from either side.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from alliance.insights.calendars import WorkingCalendar
from alliance.insights.evidence import Contribution, Evidence, combine
from alliance.insights.inputs import (
    AgreementData,
    PortfolioFrame,
    canonical,
    frame_from_agreements,
    jsonable,
    ordered_pairs_within,
)
from alliance.insights.messages import Message, msg
from alliance.insights.parameters import ALIGNMENT, AlignmentParameters

DIMENSIONS = ("date", "priority", "target")


@dataclass(frozen=True)
class PairGap:
    """How far ``party`` and ``other`` stand apart on ``topic``."""

    topic: str
    party: str
    other: str
    date_gap_working_days: int | None  # other's target date minus party's (a passed one reads
    # as the date of the result: it is due now), signed
    priority_steps: int | None
    target_gap: float | None  # relative, 0-1
    distance: float  # weighted, 0-1
    higher_priority: str | None = None  # the party ranking the topic higher (None: same)


@dataclass(frozen=True)
class TopicAlignment:
    """One topic: its score (None when fewer than two parties can be compared) and pairs."""

    topic: str
    score: float | None
    parties: tuple[str, ...]
    pairs: tuple[PairGap, ...]


@dataclass(frozen=True)
class AlignmentResult:
    """An agreement's alignment at a date."""

    agreement: str
    as_of: date
    score: float | None
    topics: tuple[TopicAlignment, ...]
    # party -> topic -> 0-100 (100 = agrees with everyone else on it; None = nothing to compare)
    matrix: dict[str, dict[str, float | None]]
    # participating parties with no expectation on a topic that others have addressed
    missing: dict[str, tuple[str, ...]]
    evidence: Evidence

    def pair(self, topic: str, party: str, other: str) -> PairGap:
        """The gap between two parties on a topic (either order); KeyError if not compared."""
        for t in self.topics:
            for g in t.pairs if t.topic == topic else ():
                if {g.party, g.other} == {party, other}:
                    return g
        raise KeyError((topic, party, other))


@dataclass(frozen=True)
class Widening:
    """A pair whose gap on a topic grew between two dates."""

    topic: str
    party: str
    other: str
    before: PairGap
    after: PairGap
    date_gap_change: int | None  # growth of |date gap|, working days
    distance_change: float


@dataclass(frozen=True)
class PortfolioAlignment:
    """Arrays for a whole frame: one row per compared pair, scores per topic and agreement."""

    pair_ag: np.ndarray
    pair_topic: np.ndarray
    pair_a: np.ndarray  # expectation rows (frame.ex_*) of the two parties
    pair_b: np.ndarray
    date_gap: np.ndarray  # signed working days b - a, NaN if either date missing
    dim_distance: np.ndarray  # (3, n_pairs), NaN where not stated by both
    distance: np.ndarray
    dim_share: np.ndarray  # (3, n_pairs): each dimension's points off the agreement score
    topic_ag: np.ndarray
    topic_id: np.ndarray
    topic_score: np.ndarray
    agreement_score: np.ndarray  # NaN when nothing can be compared


# --------------------------------------------------------------------------
# Portfolio path
# --------------------------------------------------------------------------


def portfolio_alignment(
    frame: PortfolioFrame,
    as_of: date | np.ndarray,
    params: AlignmentParameters = ALIGNMENT,
    calendar: WorkingCalendar | None = None,
) -> PortfolioAlignment:
    """Alignment of every agreement in ``frame`` at ``as_of`` (one date or one per agreement)."""
    day = np.broadcast_to(np.asarray(as_of, "datetime64[D]"), (frame.n_agreements,))
    rows = latest_expectations(frame, day)
    group = frame.ex_ag[rows] * max(len(frame.topic_ids), 1) + frame.ex_topic[rows]
    i, j = ordered_pairs_within(group)
    keep = frame.ex_party[rows[i]] < frame.ex_party[rows[j]]
    a, b = rows[i[keep]], rows[j[keep]]
    date_gap, dims = _dimension_distances(
        frame, a, b, day[frame.ex_ag[a]], params, calendar or WorkingCalendar()
    )
    weights = np.array([params.weight_date, params.weight_priority, params.weight_target])
    stated = ~np.isnan(dims)
    wsum = (weights[:, None] * stated).sum(axis=0)
    comparable = wsum > 0
    a, b, date_gap, dims, stated, wsum = (
        x[..., comparable] for x in (a, b, date_gap, dims, stated, wsum)
    )
    part = np.where(stated, dims, 0.0) * weights[:, None] / wsum
    distance = part.sum(axis=0)
    return _scores(frame, a, b, date_gap, dims, part, distance)


def latest_expectations(frame: PortfolioFrame, day: np.ndarray) -> np.ndarray:
    """Rows of the expectations in force at each agreement's date: per (agreement, topic,
    party), the last one recorded on or before it (undated ones always count)."""
    recorded = frame.ex_recorded
    seen = np.flatnonzero(np.isnat(recorded) | (recorded <= day[frame.ex_ag]))
    n_topics, n_parties = max(len(frame.topic_ids), 1), max(frame.n_parties, 1)
    key = (frame.ex_ag[seen] * n_topics + frame.ex_topic[seen]) * n_parties + frame.ex_party[seen]
    stamp = np.where(np.isnat(recorded[seen]), np.datetime64("1900-01-01"), recorded[seen])
    order = np.lexsort((frame.ex_ref[seen], stamp, key))
    key = key[order]
    last = np.r_[key[1:] != key[:-1], True][: len(key)]
    return seen[order][last]


def _dimension_distances(frame, a, b, today, params, calendar) -> tuple[np.ndarray, np.ndarray]:
    """Signed date gaps and the (3, n) matrix of dimension distances, NaN where unstated.

    Alignment is about what is still to come: a target date already past reads as ``today``
    (it is due now), so the gap between two passed deadlines is history, not disagreement.
    """
    da, db = (np.maximum(frame.ex_date[x], today) for x in (a, b))  # NaT stays NaT
    dated = ~np.isnat(da) & ~np.isnat(db)
    date_gap = np.full(len(a), np.nan)
    if dated.any():
        date_gap[dated] = calendar.working_days_between(da[dated], db[dated])
    d_date = np.minimum(np.abs(date_gap) / params.date_tolerance_working_days, 1.0)
    steps = np.abs(frame.ex_priority[a] - frame.ex_priority[b])
    d_priority = np.minimum(steps / max(params.priority_levels - 1, 1), 1.0)
    va, vb = frame.ex_value[a], frame.ex_value[b]
    scale = np.maximum(np.abs(va), np.abs(vb))
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(scale > 0, np.abs(va - vb) / scale, 0.0)
    d_target = np.where(np.isnan(va) | np.isnan(vb), np.nan, np.minimum(rel, params.target_gap_cap))
    return date_gap, np.vstack([d_date, d_priority, d_target])


def _scores(frame, a, b, date_gap, dims, part, distance) -> PortfolioAlignment:
    n_topics = max(len(frame.topic_ids), 1)
    ag = frame.ex_ag[a]
    group = ag * n_topics + frame.ex_topic[a]
    groups, inverse = np.unique(group, return_inverse=True)
    n_pairs = np.bincount(inverse, minlength=len(groups))
    topic_score = 100.0 * (1.0 - np.bincount(inverse, distance, len(groups)) / n_pairs)
    topic_ag = groups // n_topics
    n_topics_ag = np.bincount(topic_ag, minlength=frame.n_agreements)
    total = np.bincount(topic_ag, topic_score, minlength=frame.n_agreements)
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement_score = np.where(n_topics_ag > 0, total / n_topics_ag, np.nan)
    # Points each (pair, dimension) takes off its agreement's score.
    share = 100.0 * part / (n_pairs[inverse] * n_topics_ag[ag])
    return PortfolioAlignment(
        pair_ag=ag,
        pair_topic=frame.ex_topic[a],
        pair_a=a,
        pair_b=b,
        date_gap=date_gap,
        dim_distance=dims,
        distance=distance,
        dim_share=share,
        topic_ag=topic_ag,
        topic_id=groups % n_topics,
        topic_score=topic_score,
        agreement_score=agreement_score,
    )


def portfolio_widening(
    frame: PortfolioFrame,
    before: date | np.ndarray,
    after: date | np.ndarray,
    params: AlignmentParameters = ALIGNMENT,
    calendar: WorkingCalendar | None = None,
    *,
    after_result: PortfolioAlignment | None = None,
) -> tuple[PortfolioAlignment, PortfolioAlignment, np.ndarray, np.ndarray]:
    """Pairs whose gap widened from ``before`` to ``after``.

    Returns both results and, for the widened pairs, their row in ``after`` and their row in
    ``before``. A pair is matched across dates by (agreement, topic, party, other).
    ``after_result`` reuses an alignment already computed at ``after``.
    """
    old = portfolio_alignment(frame, before, params, calendar)
    new = after_result or portfolio_alignment(frame, after, params, calendar)
    old_key, new_key = _pair_keys(frame, old), _pair_keys(frame, new)
    order = np.argsort(old_key)
    pos = np.minimum(np.searchsorted(old_key[order], new_key), max(len(old_key) - 1, 0))
    found = (old_key[order][pos] == new_key) if len(old_key) else np.zeros(len(new_key), bool)
    k_new = np.flatnonzero(found)
    k_old = order[pos[found]]
    grew_dates = np.abs(new.date_gap[k_new]) - np.abs(old.date_gap[k_old])
    grew = (grew_dates >= params.widening_working_days) | (
        new.distance[k_new] - old.distance[k_old] >= params.widening_distance
    )
    return old, new, k_new[grew], k_old[grew]


def _pair_keys(frame: PortfolioFrame, r: PortfolioAlignment) -> np.ndarray:
    n_topics, n_parties = max(len(frame.topic_ids), 1), max(frame.n_parties, 1)
    pa, pb = frame.ex_party[r.pair_a], frame.ex_party[r.pair_b]
    return ((r.pair_ag * n_topics + r.pair_topic) * n_parties + pa) * n_parties + pb


# --------------------------------------------------------------------------
# Per-agreement path
# --------------------------------------------------------------------------


def agreement_alignment(
    data: AgreementData,
    as_of: date,
    params: AlignmentParameters = ALIGNMENT,
    calendar: WorkingCalendar | None = None,
    *,
    frame: PortfolioFrame | None = None,
) -> AlignmentResult:
    """Alignment of one agreement at ``as_of``, with its matrix and evidence. ``frame``: as
    for ``trust.agreement_trust``."""
    if frame is None:
        data = canonical(data)
        frame = frame_from_agreements([data])
    r = portfolio_alignment(frame, as_of, params, calendar)
    return _result(data, frame, r, as_of, params)


def alignment_widening(
    data: AgreementData,
    before: date,
    after: date,
    params: AlignmentParameters = ALIGNMENT,
    calendar: WorkingCalendar | None = None,
    *,
    frame: PortfolioFrame | None = None,
    after_result: PortfolioAlignment | None = None,
) -> tuple[Widening, ...]:
    """Pairs of ``data`` whose gap on a topic widened between ``before`` and ``after``.
    ``frame``: as for ``trust.agreement_trust``; ``after_result``: as for
    :func:`portfolio_widening` (on ``frame``)."""
    if frame is None:
        data = canonical(data)
        frame = frame_from_agreements([data])
    old, new, k_new, k_old = portfolio_widening(
        frame, before, after, params, calendar, after_result=after_result
    )
    out = []
    after, before = (
        _gaps(frame, new, params, k_new.tolist()),
        _gaps(frame, old, params, k_old.tolist()),
    )
    for gap_after, gap_before in zip(after, before, strict=True):
        change = None
        if (
            gap_after.date_gap_working_days is not None
            and gap_before.date_gap_working_days is not None
        ):
            change = abs(gap_after.date_gap_working_days) - abs(gap_before.date_gap_working_days)
        out.append(
            Widening(
                topic=gap_after.topic,
                party=gap_after.party,
                other=gap_after.other,
                before=gap_before,
                after=gap_after,
                date_gap_change=change,
                distance_change=gap_after.distance - gap_before.distance,
            )
        )
    return tuple(out)


def compare_snapshots(
    before: AgreementData,
    after: AgreementData,
    as_of: date,
    params: AlignmentParameters = ALIGNMENT,
    calendar: WorkingCalendar | None = None,
) -> tuple[Widening, ...]:
    """Widening between two snapshots of the same agreement's expectations (e.g. two imports)."""
    stamped = (
        _restamp(before.expectations, date(1900, 1, 1)),
        _restamp(after.expectations, as_of),
    )
    merged = AgreementData(
        before.id, after.parties, after.participations, expectations=stamped[0] + stamped[1]
    )
    return alignment_widening(merged, date(1900, 1, 1), as_of, params, calendar)


def _restamp(expectations, when: date) -> tuple:
    return tuple(replace(e, recorded=when) for e in expectations)


def _gaps(
    frame: PortfolioFrame, r: PortfolioAlignment, params: AlignmentParameters, rows=None
) -> list[PairGap]:
    """The pair gaps of rows ``rows`` of ``r`` (all by default), read from Python lists (one
    conversion per column, the same values as numpy's scalars)."""
    rows = range(len(r.distance)) if rows is None else rows
    ids, topics = frame.party_ids, frame.topic_ids
    party, priority = frame.ex_party.tolist(), frame.ex_priority.tolist()
    pair_a, pair_b, topic = r.pair_a.tolist(), r.pair_b.tolist(), r.pair_topic.tolist()
    date_gap, target, distance = (
        r.date_gap.tolist(),
        r.dim_distance[2].tolist(),
        r.distance.tolist(),
    )
    out = []
    for k in rows:
        a, b = pair_a[k], pair_b[k]
        name, other = ids[party[a]], ids[party[b]]
        steps = abs(priority[a] - priority[b])
        gap = date_gap[k]
        out.append(
            PairGap(
                topic=topics[topic[k]],
                party=name,
                other=other,
                date_gap_working_days=None if np.isnan(gap) else int(gap),
                priority_steps=None if np.isnan(steps) else int(steps),
                target_gap=None if np.isnan(target[k]) else target[k],
                distance=distance[k],
                higher_priority=_higher(priority[a], priority[b], name, other, params),
            )
        )
    return out


def _higher(pa: float, pb: float, party: str, other: str, params: AlignmentParameters):
    """Which of the two ranks the topic higher, in the scale's direction (None: same or unsaid)."""
    if np.isnan(pa) or np.isnan(pb) or pa == pb:
        return None
    a_higher = (pa < pb) if params.priority_one_is_highest else (pa > pb)
    return party if a_higher else other


def _result(
    data: AgreementData,
    frame: PortfolioFrame,
    r: PortfolioAlignment,
    as_of: date,
    params: AlignmentParameters = ALIGNMENT,
):
    gaps = _gaps(frame, r, params)
    score = None if np.isnan(r.agreement_score[0]) else float(r.agreement_score[0])
    shares, stated = r.dim_share.T.tolist(), (~np.isnan(r.dim_distance)).T.tolist()
    contributions = [c for k, g in enumerate(gaps) for c in _contributions(g, shares[k], stated[k])]
    evidence = combine(score if score is not None else 100.0, 100.0, contributions)
    return AlignmentResult(
        agreement=data.id,
        as_of=as_of,
        score=score,
        topics=_topics(data, frame, r, gaps, as_of),
        matrix=_matrix(data, gaps, frame, r, as_of),
        missing=_missing(data, as_of),
        evidence=evidence,
    )


def _topics(data, frame, r, gaps, as_of) -> tuple[TopicAlignment, ...]:
    scores = {
        frame.topic_ids[int(t)]: float(s) for t, s in zip(r.topic_id, r.topic_score, strict=True)
    }
    stated = _stated(data, as_of)
    out = []
    for topic in sorted(stated):
        out.append(
            TopicAlignment(
                topic=topic,
                score=scores.get(topic),
                parties=tuple(sorted(stated[topic])),
                pairs=tuple(g for g in gaps if g.topic == topic),
            )
        )
    return tuple(out)


def _stated(data: AgreementData, as_of: date) -> dict[str, set[str]]:
    """topic -> parties with an expectation in force at ``as_of``."""
    out: dict[str, set[str]] = {}
    for e in data.expectations:
        if e.recorded is None or e.recorded <= as_of:
            out.setdefault(e.topic, set()).add(e.party)
    return out


def _matrix(data, gaps, frame, r, as_of) -> dict[str, dict[str, float | None]]:
    """Party x topic: 100 minus the party's mean distance from the others on the topic."""
    sums: dict[tuple[str, str], list[float]] = {}
    for g in gaps:
        sums.setdefault((g.party, g.topic), []).append(g.distance)
        sums.setdefault((g.other, g.topic), []).append(g.distance)
    topics = sorted(_stated(data, as_of))
    parties = sorted({pp.party for pp in data.participations})
    return {
        p: {
            t: 100.0 * (1.0 - sum(sums[(p, t)]) / len(sums[(p, t)])) if (p, t) in sums else None
            for t in topics
        }
        for p in parties
    }


def _missing(data: AgreementData, as_of: date) -> dict[str, tuple[str, ...]]:
    stated = _stated(data, as_of)
    parties = sorted({pp.party for pp in data.participations})
    out = {}
    for p in parties:
        gaps = tuple(t for t in sorted(stated) if p not in stated[t])
        if gaps:
            out[p] = gaps
    return out


def _contributions(g: PairGap, shares: list[float], stated: list[bool]) -> list[Contribution]:
    """The lines of one pair: each dimension both stated that takes points off (``shares``,
    ``stated``: the pair's ``dim_share`` and whether its ``dim_distance`` is a number)."""
    out = []
    for d in range(len(DIMENSIONS)):
        points = shares[d]
        if not stated[d] or points == 0.0:
            continue
        text, said = _dimension_said(g, d)
        out.append(
            Contribution(
                label=f"{g.topic}: {g.party} vs {g.other}, {text}",
                contribution=-points,
                event_id=f"{g.topic}|{g.party}|{g.other}|{DIMENSIONS[d]}",
                event_kind="expectation_gap",
                message=msg("alignment.gap", topic=g.topic, party=g.party, other=g.other,
                            gap=said),
            )
        )  # fmt: skip
    return out


def _dimension_said(g: PairGap, d: int) -> tuple[str, Message]:
    """What one dimension's gap says: the English text and the message."""
    if d == 0:
        days = abs(g.date_gap_working_days or 0)
        return f"target dates {days} working days apart", msg("alignment.dates_apart", days=days)
    if d == 1:
        return (
            f"priorities {g.priority_steps} steps apart ({g.higher_priority} ranks it higher)",
            msg("alignment.priorities_apart", steps=g.priority_steps, higher=g.higher_priority),
        )
    return (
        f"measurable targets {100 * (g.target_gap or 0):.0f} % apart",
        msg("alignment.targets_apart", percent=round(100 * (g.target_gap or 0))),
    )


def alignment_report(
    data: AgreementData,
    as_of: date,
    since: date | None = None,
    params: AlignmentParameters = ALIGNMENT,
    calendar: WorkingCalendar | None = None,
) -> dict:
    """The JSON output of ``alliance insights alignment``: score, matrix, topics with their
    pair gaps, what is missing, the evidence and, given ``since``, the gaps that widened."""
    report = jsonable(agreement_alignment(data, as_of, params, calendar))
    if since is not None:
        report["since"] = since.isoformat()
        report["widening"] = jsonable(alignment_widening(data, since, as_of, params, calendar))
    return report
