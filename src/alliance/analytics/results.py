"""Engine results as snapshot JSON: one function per kind, shapes documented in the model.

Everything here is plain: it takes the engine's result dataclasses and the
:class:`~alliance.analytics.selectors.Names` of the agreement, and returns dicts of JSON
types. References to database objects carry both their UUID and their name or title; the
engine's English labels get names instead of UUIDs; generated text (summaries, the engine's
messages) is stored as message keys and parameters, said in the reader's language when shown
(``alliance.core.messages``). Pulse answers are merged per pulse round
and pair of parties, and a pair's perception figures are withheld below
:data:`MIN_RESPONDENTS` answers (discretion: see ``selectors``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from alliance.analytics.selectors import AgreementInputs, Names
from alliance.core.messages import message as msg
from alliance.insights.alignment import AlignmentResult, Widening
from alliance.insights.early_warnings import EarlyWarning
from alliance.insights.evidence import Contribution, Evidence
from alliance.insights.maturity import Criterion, MaturityResult
from alliance.insights.network import NetworkResult
from alliance.insights.parameters import SCHEDULE
from alliance.insights.salience import SalienceAssessment
from alliance.insights.schedule import ScheduleResult
from alliance.insights.trust import AgreementTrust, PairTrust, pooled

VERSION = 1
# Evidence lists keep their largest movers and one "k other events" line.
TOP_AGREEMENT = 40
TOP_PAIR = 5
TOP_EVENTS = 5
# Below this many answers, a pair's perception figures are not stored (the mean of one or two
# answers gives away who said what), nor the points a round's answers moved the index by: the
# snapshot is read by every member. The same number as the policy's MIN_ANSWERS_PER_CELL
# (alliance.accounts.policy, which this layer does not import; a test keeps them equal).
MIN_RESPONDENTS = 3
FIXED_STATUSES = {"delivered", "waived"}


# --------------------------------------------------------------------------
# Common pieces
# --------------------------------------------------------------------------


def num(value: Any, digits: int = 4) -> float | None:
    """A finite number rounded for storage, else None (NaN and infinity are not JSON)."""
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def envelope(kind: str, as_of: date, figure: Any, unit: str, summary: str, evidence: dict) -> dict:
    """The keys every kind starts with (one generic panel can show any snapshot)."""
    return {
        "version": VERSION,
        "kind": kind,
        "as_of": as_of.isoformat(),
        "figure": num(figure, 2),
        "unit": unit,
        "summary": summary,
        "evidence": evidence,
    }


def contribution(c: Contribution, names: Names) -> dict:
    """One line of evidence with a reference to what it is about."""
    out = {
        # A message where the engine gives one (rendered in the reader's language when
        # shown), else its English label with names for ids.
        "label": names.message(c.message) if c.message else names.readable(c.label),
        "contribution": num(c.contribution),
        "event_id": c.event_id,
        "event_kind": c.event_kind,
        "date": day(c.date),
    }
    out.update(_reference(c.event_kind, c.event_id or "", names))
    return out


def _reference(kind: str | None, event_id: str, names: Names) -> dict:
    if kind in ("commitment", "schedule"):
        return {"commitment": names.commitment(event_id)}
    if kind == "follow_up":
        commitment, _sep, party = event_id.partition(">")
        return {"commitment": names.commitment(commitment), "party": names.party(party)}
    if kind in ("interaction", "no_interaction"):
        return {"interaction": names.interactions.get(event_id)}
    if kind in ("tie", "trust"):
        separator = "|" if kind == "tie" else "->"
        return {"parties": [names.party(p) for p in event_id.split(separator)]}
    if kind == "expectation_gap":
        topic, *parties = event_id.split("|")
        return {
            "topic": names.topics.get(topic),
            "parties": [names.party(p) for p in parties[:2]],
            "dimension": parties[2] if len(parties) > 2 else None,
        }
    if kind == "cadence":
        return {"party": names.party(event_id)}
    if kind == "regulatory_requirement":
        return {"requirement": names.requirements.get(event_id)}
    if kind == "grievance":
        return {"grievance": names.grievances.get(event_id)}
    return {}


def evidence(ev: Evidence, names: Names, top: int | None = None) -> dict:
    """An :class:`Evidence` as JSON; ``top`` keeps the largest movers plus one lump line."""
    items = ev.contributions if top is None else ev.top(top)
    return {
        "figure": num(ev.figure),
        "baseline": num(ev.baseline),
        "contributions": [contribution(c, names) for c in items],
    }


def counted(figure: float, baseline: float, parts: Iterable[dict]) -> dict:
    """Evidence built here (not by the engine), already as JSON lines."""
    return {"figure": num(figure), "baseline": num(baseline), "contributions": list(parts)}


def _line(label: str, value: float, kind: str, event_id: str | None, **refs: Any) -> dict:
    return {
        "label": label,
        "contribution": num(value),
        "event_id": event_id,
        "event_kind": kind,
        "date": None,
        **refs,
    }


# --------------------------------------------------------------------------
# Trust
# --------------------------------------------------------------------------


def merge_pulses(ev: Evidence, inputs: AgreementInputs) -> Evidence:
    """The same evidence with pulse answers merged per (pulse round, respondent party, party
    rated): one line says how many answers moved the figure, never whose answer it was."""
    answers = {p.id: p for p in inputs.data.pulses}
    groups: dict[str, list[Contribution]] = defaultdict(list)
    kept: list[Contribution] = []
    for c in ev.contributions:
        answer = answers.get(c.event_id or "") if c.event_kind == "pulse" else None
        if answer is None:
            kept.append(c)
            continue
        pulse = inputs.names.pulse_of[answer.id]["uuid"]
        groups[f"{pulse}|{answer.respondent_party}|{answer.about_party}"].append(c)
    for key, items in groups.items():
        pulse, truster, trustee = key.split("|")
        title = _pulse_titles(inputs.names)[pulse]
        kept.append(
            Contribution(
                label=f"{title}: {len(items)} answers of {truster} about {trustee}",
                message=msg(
                    "evidence.pulse_answers",
                    pulse=title,
                    n=len(items),
                    truster=truster,
                    trustee=trustee,
                ),
                contribution=sum(c.contribution for c in items),
                event_id=key,
                event_kind="pulse",
                date=max(c.date for c in items if c.date),
            )
        )
    return Evidence(ev.figure, ev.baseline, tuple(kept))


def _pulse_titles(names: Names) -> dict[str, str]:
    return {v["uuid"]: v["title"] for v in names.pulse_of.values()}


def _pulse_reference(line: dict, names: Names) -> dict:
    if line["event_kind"] == "pulse" and line["event_id"]:
        pulse, truster, trustee = line["event_id"].split("|")
        line["pulse"] = {"uuid": pulse, "title": _pulse_titles(names).get(pulse, "")}
        line["parties"] = [names.party(truster), names.party(trustee)]
    return line


def _trust_evidence(ev: Evidence, inputs: AgreementInputs, top: int) -> dict:
    out = evidence(merge_pulses(ev, inputs), inputs.names, top)
    out["contributions"] = [_pulse_reference(c, inputs.names) for c in out["contributions"]]
    sizes = Counter(
        f"{inputs.names.pulse_of[p.id]['uuid']}|{p.respondent_party}|{p.about_party}"
        for p in inputs.data.pulses
        if p.id in inputs.names.pulse_of
    )
    for line in out["contributions"]:
        if line["event_kind"] == "pulse" and sizes.get(line["event_id"], 0) < MIN_RESPONDENTS:
            # One or two answers: the points they moved the index by would tell what they said.
            line["contribution"] = None
            line["withheld_below"] = MIN_RESPONDENTS
    return out


def trust(result: AgreementTrust, inputs: AgreementInputs) -> dict:
    """The ``trust`` snapshot."""
    names = inputs.names
    index = result.index
    summary = (
        msg("summary.trust", index=index, low=result.low, high=result.high)
        if index is not None
        else msg("summary.trust_none")
    )
    data = envelope(
        "trust",
        inputs.as_of,
        index,
        "/100",
        summary,
        _trust_evidence(result.evidence, inputs, TOP_AGREEMENT),
    )
    top = _trust_evidence(result.evidence, inputs, TOP_EVENTS)["contributions"]
    # Pulse answers per (respondent party, party rated), for withholding thin figures.
    answers = Counter((r.respondent_party, r.about_party) for r in inputs.data.pulses)
    data.update(
        index=num(index, 2),
        low=num(result.low, 2),
        high=num(result.high, 2),
        baseline=num(result.evidence.baseline, 2),
        # insufficient (the figure is the prior, not a measurement) / provisional / established
        evidence_state=result.state if index is not None else None,
        evidence_amount=num(result.amount),
        top_events=top,
        trend=[_trend_point(p) for p in result.trend],
        parties=_trust_by_party(result.pairs, names),
        # A pair with no event at all sits at the baseline (and weighs nothing in the agreement
        # index): nothing to show or explain.
        pairs=[_pair(p, inputs, answers) for p in result.pairs if _has_events(p)],
        pairs_without_events=sum(1 for p in result.pairs if not _has_events(p)),
        components={name: _component(c) for name, c in result.components.items()},
    )
    return data


def _component(c: Any) -> dict:
    return {
        "mean": num(c.mean, 2),
        "low": num(c.low, 2),
        "high": num(c.high, 2),
        "weight_sum": num(c.weight_sum),
        "n_events": c.n_events,
    }


def _has_events(p: PairTrust) -> bool:
    return any(c.n_events for c in p.components.values())


def _trend_point(p: Any) -> dict:
    return {
        "date": day(p.date),
        "index": num(p.index, 2),
        "low": num(p.low, 2),
        "high": num(p.high, 2),
    }


def _trust_by_party(pairs: Iterable[PairTrust], names: Names) -> list[dict]:
    """Per party: the trust others place in it and the trust it places in them, each the
    pooled evidence of its pairs (pairs without evidence add nothing), with its state."""
    received: dict[str, list[PairTrust]] = defaultdict(list)
    given: dict[str, list[PairTrust]] = defaultdict(list)
    for p in pairs:
        received[p.trustee].append(p)
        given[p.truster].append(p)
    parties = sorted(set(received) | set(given), key=lambda u: names.party(u)["name"])
    rows = []
    for u in parties:
        by_others, by_others_state = pooled(received[u]) if received[u] else (None, None)
        of_others, of_others_state = pooled(given[u]) if given[u] else (None, None)
        rows.append(
            {
                "party": names.party(u),
                "trusted_by_others": num(by_others, 2),
                "trusts_others": num(of_others, 2),
                "trusted_by_others_state": by_others_state,
                "trusts_others_state": of_others_state,
                "pairs": len(received[u]),
            }
        )
    return rows


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _pair(p: PairTrust, inputs: AgreementInputs, answers: Counter) -> dict:
    names = inputs.names
    pk = p.promise_keeping
    return {
        "truster": names.party(p.truster),
        "trustee": names.party(p.trustee),
        "index": num(p.index, 2),
        "low": num(p.low, 2),
        "high": num(p.high, 2),
        "baseline": num(p.baseline, 2),
        "weight": num(p.weight),
        "state": p.state,
        "amount": num(p.amount),
        "components": {name: _component(c) for name, c in p.components.items()},
        "promise_keeping": {
            "mean": num(pk.mean, 2),
            "low": num(pk.low, 2),
            "high": num(pk.high, 2),
            "n_due": pk.n_due,
            "n_on_time": pk.n_on_time,
            "say_do": num(pk.say_do),
            "band": pk.band,
        },
        "perception": _perception(p, answers),
        "evidence": _trust_evidence(p.evidence, inputs, TOP_PAIR),
    }


def _perception(p: PairTrust, answers: Counter) -> dict:
    """Pulse means of the pair, each withheld (null) below :data:`MIN_RESPONDENTS` answers."""
    n_self = answers[(p.trustee, p.trustee)]
    n_reverse = answers[(p.trustee, p.truster)]
    per = p.perception
    enough = per.n >= MIN_RESPONDENTS

    def shown(value: float | None, n: int) -> float | None:
        return num(value) if n >= MIN_RESPONDENTS else None

    return {
        "n": per.n,
        "general": shown(per.general, per.n),
        "subscales": {
            d: {"mean": shown(mean, n), "n": n} for d, (mean, n) in per.subscales.items()
        },
        "self_view": shown(per.self_view, n_self),
        "reverse_view": shown(per.reverse_view, n_reverse),
        "gap_vs_self": num(per.gap_vs_self) if enough and n_self >= MIN_RESPONDENTS else None,
        "gap_vs_reverse": (
            num(per.gap_vs_reverse) if enough and n_reverse >= MIN_RESPONDENTS else None
        ),
        "withheld_below": MIN_RESPONDENTS,
    }


# --------------------------------------------------------------------------
# Alignment
# --------------------------------------------------------------------------


def alignment(
    result: AlignmentResult, widening: Iterable[Widening], inputs: AgreementInputs
) -> dict:
    """The ``alignment`` snapshot."""
    names = inputs.names
    score = result.score
    summary = (
        msg(
            "summary.alignment",
            score=score,
            topics=sum(1 for t in result.topics if t.score is not None),
        )
        if score is not None
        else msg("summary.alignment_none")
    )
    data = envelope(
        "alignment",
        inputs.as_of,
        score,
        "/100",
        summary,
        evidence(result.evidence, names, TOP_AGREEMENT),
    )
    topic_ref = names.topics.get
    data.update(
        score=num(score, 2),
        topics=[
            {
                "topic": topic_ref(t.topic),
                "score": num(t.score, 2),
                "parties": [names.party(u) for u in t.parties],
                "pairs": [_gap(g, names) for g in t.pairs],
            }
            for t in result.topics
        ],
        matrix=[
            {
                "party": names.party(party),
                "cells": [{"topic": topic_ref(t), "score": num(v, 2)} for t, v in row.items()],
            }
            for party, row in result.matrix.items()
        ],
        missing=[
            {"party": names.party(party), "topics": [topic_ref(t) for t in topics]}
            for party, topics in result.missing.items()
        ],
        widening=[
            {
                "topic": topic_ref(w.topic),
                "party": names.party(w.party),
                "other": names.party(w.other),
                "before": _gap(w.before, names),
                "after": _gap(w.after, names),
                "date_gap_change": w.date_gap_change,
                "distance_change": num(w.distance_change),
            }
            for w in widening
        ],
    )
    return data


def _gap(g: Any, names: Names) -> dict:
    return {
        "party": names.party(g.party),
        "other": names.party(g.other),
        "date_gap_working_days": g.date_gap_working_days,
        "priority_steps": g.priority_steps,
        "target_gap": num(g.target_gap),
        "distance": num(g.distance),
        "higher_priority": names.party(g.higher_priority) if g.higher_priority else None,
    }


# --------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------


def network(result: NetworkResult, inputs: AgreementInputs, interactions: int) -> dict:
    """The ``network`` snapshot; the crossing share and its evidence in percent."""
    names = inputs.names
    share = result.crossing_share
    percent = Evidence(
        100.0 * result.crossing_evidence.figure,
        0.0,
        result.crossing_evidence.scaled(100.0),
    )
    summary = (
        msg("summary.network", share=100.0 * share)
        if share is not None
        else msg("summary.network_none")
    )
    data = envelope(
        "network",
        inputs.as_of,
        None if share is None else 100.0 * share,
        "%",
        summary,
        evidence(percent, names),
    )
    party = names.party
    data.update(
        crossing_share=num(share),
        interactions=interactions,
        parties=[
            {
                "party": party(p.party),
                "is_local": p.is_local,
                "strength": num(p.strength),
                "betweenness": num(p.betweenness),
                "community": p.community,
                "is_broker": p.is_broker,
                "is_isolated": p.is_isolated,
            }
            for p in result.parties
        ],
        ties=[
            {
                "a": party(t.a),
                "b": party(t.b),
                "weight": num(t.weight),
                "interactions": t.interactions,
                "crossing": t.crossing,
            }
            for t in result.ties
        ],
        communities=[[party(u) for u in c] for c in result.communities],
        brokers=[party(u) for u in result.brokers],
        isolated=[party(u) for u in result.isolated],
        person_brokers=[
            {**names.people[u], "party": party(inputs.people[u])}
            for u in result.person_brokers
            if u in names.people
        ],
    )
    return data


# --------------------------------------------------------------------------
# Schedule
# --------------------------------------------------------------------------


def schedule(result: ScheduleResult | None, inputs: AgreementInputs, error: str = "") -> dict:
    """The ``schedule`` snapshot: open commitments' forecasts, milestones and the cascade.

    The figure is the share of open commitments with a due date expected on time (P(on time)
    at least the parameters' ``at_risk_probability``); its evidence lists the others.
    """
    names = inputs.names
    if result is None:
        summary = error or msg("summary.schedule_none")
        data = envelope("schedule", inputs.as_of, None, "%", summary, counted(0.0, 0.0, []))
        data.update(
            error=error or None,
            counts={"open": 0, "at_risk": 0, "fixed": 0},
            commitments=[],
            milestones=[],
            cascade=[],
            parties=[],
            correlation=None,
        )
        return data
    if not result.tasks:
        return schedule(None, inputs)
    open_tasks = [t for t in result.tasks if t.status not in FIXED_STATUSES]
    dated = [t for t in open_tasks if t.probability_on_time is not None]
    at_risk = [t for t in dated if t.probability_on_time < SCHEDULE.at_risk_probability]
    share = 100.0 * (1 - len(at_risk) / len(dated)) if dated else None
    lines = [
        _line(
            msg("evidence.chance_on_time", commitment=t.label, chance=100 * t.probability_on_time),
            -100.0 / len(dated),
            "schedule",
            t.id,
            commitment=names.commitment(t.id),
        )
        for t in sorted(at_risk, key=lambda t: (t.probability_on_time, t.id))
    ]
    summary = (
        msg(
            "summary.schedule" if result.working_days == "whole" else "summary.schedule_continuous",
            ok=len(dated) - len(at_risk),
            n=len(dated),
        )
        if dated
        else msg("summary.schedule_no_due")
    )
    data = envelope(
        "schedule",
        inputs.as_of,
        share,
        "%",
        summary,
        counted(share or 0.0, 100.0 if dated else 0.0, lines),
    )
    data.update(
        error=None,
        iterations=result.iterations,
        seed=result.seed,
        distribution=result.distribution,
        # "whole" or "continuous" working days per commitment (ScheduleParameters).
        working_days=result.working_days,
        counts={
            "open": len(open_tasks),
            "at_risk": len(at_risk),
            "fixed": len(result.tasks) - len(open_tasks),
        },
        commitments=[_task(t, names) for t in open_tasks],
        milestones=[_milestone(m, names) for m in result.milestones],
        cascade=[_cascade(c, names) for c in result.cascade],
        parties=[
            {
                "party": names.party(p.party),
                "factor": num(p.factor),
                "observations": p.observations,
                "observed_log_ratio": num(p.observed_log_ratio),
                "shrunk_log_ratio": num(p.shrunk_log_ratio),
            }
            for p in result.parties
        ],
        correlation=_correlation(result.correlation),
    )
    return data


def _correlation(c: Any) -> dict | None:
    """The copula's party correlation, where it comes from and the sentence that says so."""
    if c is None:
        return None
    if c.source == "learned":
        says = msg(
            "schedule.correlation_learned",
            value=round(c.value, 2),
            error=round(c.standard_error, 2),
            n=c.deliveries,
            parties=c.parties,
        )
    elif c.source == "prior":
        says = msg(
            "schedule.correlation_prior",
            value=round(c.value, 2),
            parties=c.parties,
            min_parties=c.min_parties,
            min_deliveries=c.min_deliveries,
        )
    else:
        says = msg("schedule.correlation_set", value=round(c.value, 2))
    return {
        "value": num(c.value),
        "source": c.source,
        "prior": num(c.prior),
        "estimate": num(c.estimate),
        "standard_error": num(c.standard_error),
        "parties": c.parties,
        "deliveries": c.deliveries,
        "says": says,
    }


def _quantiles(q: dict[str, date]) -> dict[str, str | None]:
    return {name: day(value) for name, value in q.items()}


def _task(t: Any, names: Names) -> dict:
    milestone = names.milestones.get(t.milestone) if t.milestone else None
    return {
        "commitment": names.commitment(t.id),
        "party": names.party(t.party),
        "milestone": milestone,
        "status": t.status,
        "due": day(t.due),
        "quantiles": _quantiles(t.quantiles),
        "probability_on_time": num(t.probability_on_time),
        "criticality": num(t.criticality),
        "mean_duration": num(t.mean_duration, 2),
        "drivers": [
            {"commitment": names.commitment(d.task_id), "share": num(d.share)} for d in t.drivers
        ],
    }


def _milestone(m: Any, names: Names) -> dict:
    milestone = names.milestones.get(m.name, {"uuid": m.name, "title": m.name})
    return {
        "milestone": milestone,
        "due": day(m.due),
        "quantiles": _quantiles(m.quantiles),
        "probability_on_time": num(m.probability_on_time),
        "commitments": [names.commitment(t) for t in m.tasks],
        "sensitivity": [
            {"commitment": names.commitment(s.task_id), "spearman": num(s.spearman)}
            for s in m.sensitivity
        ],
        # CPM on most-likely durations, and what the P80 needs beyond it (working days).
        "deterministic": day(m.deterministic),
        "contingency_working_days": m.contingency_working_days,
        # Paths of open commitments merging into it (merge bias: the contingency's first cause).
        "paths": m.paths,
        "contingency": msg(
            "schedule.contingency",
            milestone=milestone["title"],
            plan=m.deterministic,
            p50=m.quantiles.get("P50"),
            p80=m.quantiles.get("P80"),
            days=m.contingency_working_days or 0,
        )
        if m.deterministic is not None
        else None,
        # The risk tornado: how far each risk moves its P80.
        "risks": [
            {
                "risk": {"uuid": r.risk_id, "title": r.label},
                "probability": num(r.probability),
                "impact": num(r.impact),
                "with_risk": day(r.with_risk),
                "without_risk": day(r.without_risk),
                "working_days": r.working_days,
                "says": msg(
                    "schedule.risk_moves",
                    milestone=milestone["title"],
                    days=r.working_days,
                    risk=r.label,
                ),
            }
            for r in m.risks
        ],
    }


def _cascade(c: Any, names: Names) -> dict:
    return {
        "commitment": names.commitment(c.task_id),
        "reason": c.reason,
        "probability_on_time": num(c.probability_on_time),
        "own_delay": c.own_delay,
        "days_added": c.days_added,
        "affected": [
            {
                "commitment": names.commitment(a.task_id),
                "with_delay": day(a.with_delay),
                "without_delay": day(a.without_delay),
                "working_days": a.working_days,
            }
            for a in c.affected
        ],
    }


# --------------------------------------------------------------------------
# Early warnings
# --------------------------------------------------------------------------


def warning_reference(w: EarlyWarning, names: Names) -> dict:
    """What a rule's warning is about, as references."""
    rule, subject = w.rule, w.subject
    if rule in ("overdue_commitment", "schedule_p80_late"):
        return {"commitment": names.commitment(subject)}
    if rule == "trust_falling":
        return {"parties": [names.party(u) for u in subject.split("->")]}
    if rule == "alignment_widening":
        topic, *parties = subject.split("|")
        return {"topic": names.topics.get(topic), "parties": [names.party(u) for u in parties]}
    if rule == "key_party_not_met":
        return {"party": names.party(subject)}
    if rule == "regulatory_deadline_near":
        return {"requirement": names.requirements.get(subject)}
    if rule == "grievance_response_overdue":
        return {"grievance": names.grievances.get(subject)}
    return {}


def warnings(
    found: Iterable[EarlyWarning],
    titles: dict[str, dict],
    rows: dict[str, Any],
    inputs: AgreementInputs,
    error: str = "",
) -> dict:
    """The ``warnings`` snapshot. ``titles`` are the translated titles by key; ``rows`` the
    stored ``EarlyWarning`` of each key (status, uuid); a key whose stored warning is no longer
    shared is left out (discretion)."""
    names = inputs.names
    shown = [w for w in found if w.key not in rows or rows[w.key].confidentiality == "shared"]
    items = [_warning(w, titles[w.key], rows.get(w.key), names) for w in shown]
    lines = [
        _line(item["title"], 1.0, "warning", item["key"], **warning_reference(w, names))
        for item, w in zip(items, shown, strict=True)
    ]
    summary = error or msg("summary.warnings", n=len(items))
    data = envelope(
        "warnings", inputs.as_of, len(items), "", summary, counted(len(items), 0.0, lines)
    )
    data.update(
        error=error or None,
        warnings=items,
        counts=dict(sorted(Counter(w.rule for w in shown).items())),
        severities=dict(sorted(Counter(w.severity for w in shown).items())),
    )
    return data


def _warning(w: EarlyWarning, title: dict, row: Any, names: Names) -> dict:
    return {
        "key": w.key,
        "rule": w.rule,
        "severity": w.severity,
        "subject": w.subject,
        "title": title,
        "action": names.message(w.action),
        "value": num(w.value),
        "status": row.status if row is not None else None,
        "warning": str(row.uuid) if row is not None else None,
        "evidence": [contribution(c, names) for c in w.evidence],
        **warning_reference(w, names),
    }


# --------------------------------------------------------------------------
# Maturity and salience
# --------------------------------------------------------------------------


def maturity(result: MaturityResult, inputs: AgreementInputs, stage_label: str) -> dict:
    """The ``maturity`` snapshot; the figure is the share of all criteria that hold."""
    names = inputs.names
    criteria = [c for s in result.stages for c in s.criteria]
    share = 100.0 * sum(c.holds for c in criteria) / len(criteria) if criteria else None
    lines = [_line(c.label, 100.0 / len(criteria), "criterion", c.key) for c in criteria if c.holds]
    summary = msg("summary.maturity", stage=msg(f"stage.{result.stage.lower()}"))
    data = envelope(
        "maturity", inputs.as_of, share, "%", summary, counted(share or 0.0, 0.0, lines)
    )
    data.update(
        stage=result.stage.lower(),
        next_stage=result.next_stage.lower() if result.next_stage else None,
        stages=[
            {
                "stage": s.stage.lower(),
                "holds": s.holds,
                "criteria": [_criterion(c, names) for c in s.criteria],
            }
            for s in result.stages
        ],
        missing=[_criterion(c, names) for c in result.missing],
    )
    return data


def _criterion(c: Criterion, names: Names) -> dict:
    return {
        "key": c.key,
        "stage": c.stage.lower(),
        "label": c.label,
        "holds": c.holds,
        "measured": num(c.measured),
        "threshold": num(c.threshold),
        "missing": names.message(c.missing_message)
        if c.missing_message
        else (names.readable(c.missing) if c.missing else None),
        "parties": [names.party(u) for u in c.parties],
    }


def salience(assessments: dict[str, SalienceAssessment], inputs: AgreementInputs) -> dict:
    """The ``salience`` snapshot; the figure is the number of key parties."""
    names = inputs.names
    roles = {p.party: p.role for p in inputs.data.participations}
    rows = sorted(assessments.values(), key=lambda a: (-a.score, names.party(a.party)["name"]))
    key = [a for a in rows if a.is_key]
    lines = [
        _line(names.party(a.party)["name"], 1.0, "party", a.party, party=names.party(a.party))
        for a in key
    ]
    summary = msg("summary.salience", n=len(key))
    data = envelope("salience", inputs.as_of, len(key), "", summary, counted(len(key), 0.0, lines))
    data.update(
        parties=[
            {
                "party": names.party(a.party),
                "role": roles.get(a.party),
                "mitchell_class": a.mitchell_class,
                "mendelow_quadrant": a.mendelow_quadrant,
                "attributes": list(a.attributes),
                "score": num(a.score),
                "is_key": a.is_key,
            }
            for a in rows
        ]
    )
    return data
