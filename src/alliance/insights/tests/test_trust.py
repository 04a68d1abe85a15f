"""Trust: closed forms, working-day lateness, Say/Do bands, properties of the index."""

import random
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from alliance.insights.calendars import WorkingCalendar
from alliance.insights.inputs import (
    AgreementData,
    Commitment,
    FollowUp,
    Interaction,
    Participation,
    Party,
    PulseResponse,
    frame_from_agreements,
)
from alliance.insights.parameters import TRUST
from alliance.insights.tests.test_evidence import AS_OF, SETTINGS, agreements
from alliance.insights.trust import (
    agreement_trust,
    band,
    beta_interval,
    expected_cadence,
    month_ends,
    pair_trust,
    portfolio_trust,
)

# Recency weights all ~1: closed forms read as plain counts.
NO_DECAY = replace(TRUST, half_life_days=1e12)
PARTIES = (
    Party("min", decision_cycle_working_days=21),
    Party("bank", decision_cycle_working_days=21),
)
KEY = (
    Participation("min", power=5, legitimacy=5, urgency=5, interest=5),
    Participation("bank", power=5, legitimacy=5, urgency=5, interest=5),
)


def agreement(**records) -> AgreementData:
    return AgreementData("ag", records.pop("parties", PARTIES), KEY, **records)


def on_time(k: int, due: date = date(2025, 3, 3)) -> Commitment:
    return Commitment(f"c{k}", "min", ("bank",), due, due, "delivered", f"ok {k}")


def missed(k: int, due: date = date(2024, 6, 3)) -> Commitment:
    return Commitment(f"m{k}", "min", ("bank",), due, None, "late", f"missed {k}")


def test_promise_keeping_is_the_beta_posterior_closed_form():
    data = agreement(commitments=(*(on_time(k) for k in range(7)), *(missed(k) for k in range(3))))
    pk = pair_trust(data, "bank", "min", AS_OF, NO_DECAY, trend=False).promise_keeping
    # Asymmetric updating: each missed commitment weighs violation_weight_promise confirmations.
    a = TRUST.promise_prior_mean * TRUST.promise_prior_strength + 7
    b = (1 - TRUST.promise_prior_mean) * TRUST.promise_prior_strength
    b += 3 * TRUST.violation_weight_promise
    assert pk.mean == pytest.approx(100 * a / (a + b))
    assert pk.low == pytest.approx(100 * stats.beta.ppf(0.1, a, b))
    assert pk.high == pytest.approx(100 * stats.beta.ppf(0.9, a, b))
    assert (pk.n_due, pk.n_on_time, pk.say_do, pk.band) == (10, 7, 0.7, "needs attention")


def test_lateness_is_counted_in_the_owing_partys_working_days():
    # Due Thursday 2025-03-06, delivered Sunday 2025-03-09: working days in [due, delivered)
    # are Thursday and Friday on a Monday-Friday week, Thursday only on a Sunday-Thursday week.
    late = Commitment("c", "min", ("bank",), date(2025, 3, 6), date(2025, 3, 9), "delivered")
    saudi = (replace(PARTIES[0], calendar=WorkingCalendar(weekmask="1111001")), PARTIES[1])
    for parties, expected in ((PARTIES, 2), (saudi, 1)):
        result = agreement_trust(agreement(parties=parties, commitments=(late,)), AS_OF)
        contribution = result.pair("bank", "min").evidence.contributions[0]
        assert contribution.label == f"c delivered {expected} working days late"


def test_the_decision_cycle_is_read_in_working_days_without_conversion():
    # tau = tau_per_cycle x 10 working days = 5: five working days late scores exp(-1).
    parties = (replace(PARTIES[0], decision_cycle_working_days=10), PARTIES[1])
    late = Commitment("c", "min", ("bank",), date(2025, 3, 3), date(2025, 3, 10), "delivered")
    data = agreement(parties=parties, commitments=(late,))
    pk = pair_trust(data, "bank", "min", AS_OF, NO_DECAY, trend=False).promise_keeping
    prior, strength = TRUST.promise_prior_mean, TRUST.promise_prior_strength
    assert TRUST.tau_per_cycle == 0.5
    # Late: no confirming mass; a violation of the breach's floor plus its severity, which
    # grows to kappa: floor + (kappa - floor)(1 - exp(-1)).
    kappa, floor = TRUST.violation_weight_promise, TRUST.breach_floor
    violation = floor + (kappa - floor) * (1 - np.exp(-1))
    assert pk.mean == pytest.approx(100 * prior * strength / (strength + violation))


def test_a_promise_kept_late_weighs_at_least_one_kept_on_time():
    # One day late on a slow party's clock (tau 15 working days) used to violate with
    # kappa (1 - exp(-1/15)) = 0.26 of a confirmation: a kept and a slipped promise left the
    # pair above the prior, against the asymmetry of trust. The breach now weighs at least one.
    parties = (replace(PARTIES[0], decision_cycle_working_days=30), PARTIES[1])
    kept = Commitment("k", "min", ("bank",), date(2025, 3, 3), date(2025, 3, 3), "delivered")
    slipped = Commitment("s", "min", ("bank",), date(2025, 3, 3), date(2025, 3, 4), "delivered")
    data = agreement(parties=parties, commitments=(kept, slipped))
    pair = pair_trust(data, "bank", "min", AS_OF, NO_DECAY, trend=False)
    assert pair.index < pair.baseline
    lines = {c.event_id: c.contribution for c in pair.evidence.contributions}
    assert lines["s"] < -lines["k"] < 0
    # The old rule (no floor) is one parameter away and still reads it the other way.
    old = pair_trust(data, "bank", "min", AS_OF, replace(NO_DECAY, breach_floor=0.0), trend=False)
    assert old.index > old.baseline


def test_the_time_under_dispute_is_not_lateness():
    # Due Monday 3 March, disputed 24 February .. 17 March, delivered that day: on time.
    settled = Commitment(
        "c", "min", ("bank",), date(2025, 3, 3), date(2025, 3, 17), "delivered",
        disputed_from=date(2025, 2, 24), disputed_until=date(2025, 3, 17),
    )  # fmt: skip
    (line,) = pair_trust(
        agreement(commitments=(settled,)), "bank", "min", AS_OF
    ).evidence.contributions
    assert line.contribution > 0 and "on time (time under dispute not counted)" in line.label
    # Disputed for one week of the four it was late: three weeks of lateness remain.
    partly = replace(settled, delivered=date(2025, 3, 31), disputed_from=date(2025, 3, 10),
                     disputed_until=date(2025, 3, 17))  # fmt: skip
    (line,) = pair_trust(
        agreement(commitments=(partly,)), "bank", "min", AS_OF
    ).evidence.contributions
    assert "delivered 15 working days late" in line.label
    calendar = WorkingCalendar()
    assert partly.lateness(calendar, partly.delivered) == 15
    assert settled.lateness(calendar, settled.delivered) == 0


def test_a_delivery_confirmed_by_the_party_owed_counts_more_than_a_declared_one():
    declared = replace(on_time(1), unconfirmed_by=("bank",))
    confirmed = replace(on_time(1), confirmed_by=("bank",))
    prior, strength = TRUST.promise_prior_mean, TRUST.promise_prior_strength
    weight = TRUST.unconfirmed_delivery_weight
    assert 0 < weight < 1

    def promise(c):
        return pair_trust(agreement(commitments=(c,)), "bank", "min", AS_OF, NO_DECAY, trend=False)

    # A declared delivery counts as ``weight`` of an event, a confirmed one as a whole event.
    assert promise(declared).promise_keeping.mean == pytest.approx(
        100 * (prior * strength + weight) / (strength + weight)
    )
    assert promise(confirmed).promise_keeping.mean == pytest.approx(
        100 * (prior * strength + 1) / (strength + 1)
    )
    assert (
        promise(confirmed).index
        > promise(declared).index
        > promise(on_time(9, date(2030, 1, 1))).index
    )
    # The "why?" says which it was, in English and as a message for the site.
    (line,) = promise(confirmed).evidence.contributions
    assert line.label == "ok 1 delivered on time, confirmed by the party owed"
    assert line.message["msg"] == "trust.on_time_answered"
    assert line.message["params"]["confirmation"]["msg"] == "trust.delivery_confirmed"
    (line,) = promise(declared).evidence.contributions
    assert "not confirmed by the party owed" in line.label
    # Only the party that did not confirm weighs it less: the other party owed confirmed.
    both = replace(on_time(1), owed_to=("bank", "min"), owed_by="bank", confirmed_by=("min",))
    frame = frame_from_agreements([agreement(commitments=(both,))])
    assert not frame.cm_unconfirmed.any()


def test_a_long_overdue_commitment_counts_as_missed():
    result = pair_trust(agreement(commitments=(missed(1),)), "bank", "min", AS_OF)
    (c,) = result.evidence.contributions
    assert "missed" in c.label and c.contribution < 0


def test_performance_to_promise_bands():
    assert [band(x) for x in (0.95, 0.9, 0.85, 0.75, 0.5, None)] == [
        "excellent", "excellent", "good", "needs attention", "critical", None,
    ]  # fmt: skip


def test_thin_evidence_gives_a_wider_interval():
    thin = pair_trust(agreement(commitments=(on_time(1),)), "bank", "min", AS_OF)
    rich = pair_trust(
        agreement(commitments=tuple(on_time(k) for k in range(40))), "bank", "min", AS_OF
    )
    assert rich.high - rich.low < thin.high - thin.low


def test_no_evidence_sits_at_the_baseline_with_a_wide_interval():
    p = pair_trust(agreement(), "bank", "min", AS_OF)
    assert p.index == pytest.approx(p.baseline)
    assert p.evidence.contributions == ()
    assert p.high - p.low > 20


def test_slow_answers_lower_responsiveness_against_the_decision_cycle():
    quick = FollowUp("f1", "bank", "min", date(2025, 3, 3), date(2025, 3, 10))
    slow = FollowUp("f2", "bank", "min", date(2025, 3, 3), date(2025, 6, 10))
    [q], [s] = (
        pair_trust(agreement(follow_ups=(f,)), "bank", "min", AS_OF).evidence.contributions
        for f in (quick, slow)
    )
    assert q.contribution > 0 > s.contribution


def test_engagement_gaps_beyond_the_cadence_lower_trust():
    def meetings(step: int) -> tuple[Interaction, ...]:
        return tuple(
            Interaction(f"i{k}", date(2025, 1, 6) + timedelta(days=step * k), ("min", "bank"))
            for k in range(180 // step)
        )

    regular = pair_trust(agreement(interactions=meetings(14)), "bank", "min", AS_OF)
    sparse = pair_trust(agreement(interactions=meetings(90)), "bank", "min", AS_OF)
    assert regular.components["engagement"].mean > sparse.components["engagement"].mean


def test_expected_cadence_is_slower_for_low_salience_and_clipped():
    assert expected_cadence(30, 10, 0.0) > expected_cadence(30, 10, 1.0)
    assert expected_cadence(1000, 1000, 1.0) == TRUST.cadence_max_working_days


def test_perception_reports_subscales_and_the_360_gap():
    pulses = (
        PulseResponse("q1", "bank", "min", date(2025, 2, 1), ability=6, integrity=4),
        PulseResponse("q2", "min", "min", date(2025, 2, 1), ability=7, integrity=7),
        PulseResponse("q3", "min", "bank", date(2025, 2, 1), ability=3, integrity=3),
    )
    p = pair_trust(agreement(pulses=pulses), "bank", "min", AS_OF).perception
    assert (p.general, p.n, p.subscales["ability"]) == (5.0, 1, (6.0, 1))
    assert (p.gap_vs_self, p.gap_vs_reverse) == (-2.0, 2.0)


def test_monthly_trend_ends_today():
    ends = month_ends(date(2025, 7, 15), 3)
    assert ends == [date(2025, 5, 31), date(2025, 6, 30), date(2025, 7, 15)]
    p = pair_trust(agreement(commitments=(missed(1),)), "bank", "min", AS_OF)
    assert len(p.trend) == TRUST.trend_months and p.trend[-1].index == pytest.approx(p.index)


def test_beta_interval_matches_the_moments_and_stays_in_bounds():
    low, high = beta_interval(np.array([0.5, 0.99]), np.array([0.01, 0.001]))
    assert ((low >= 0) & (low < high) & (high <= 1)).all()


def test_an_agreement_with_a_single_party_has_no_index_and_does_not_fail():
    own = Commitment("c", "min", (), date(2025, 3, 3), date(2025, 3, 3), "delivered")
    alone = AgreementData("solo", PARTIES[:1], KEY[:1], commitments=(own,))
    result = agreement_trust(alone, AS_OF)
    assert result.index is None and result.pairs == () and result.trend == ()
    both = portfolio_trust(frame_from_agreements([alone, agreement()]), AS_OF)
    assert np.isnan(both.agreement_index[0]) and not np.isnan(both.agreement_index[1])


def test_pairs_without_events_do_not_dilute_the_agreement_index():
    busy = agreement(commitments=tuple(missed(k) for k in range(4)))
    crowd = tuple(Party(f"x{k}") for k in range(8))
    crowded = replace(
        busy,
        parties=busy.parties + crowd,
        participations=busy.participations + tuple(replace(KEY[0], party=p.id) for p in crowd),
    )
    a, b = (agreement_trust(d, AS_OF, trend=False) for d in (busy, crowded))
    assert a.index < a.evidence.baseline - 5
    assert b.index == pytest.approx(a.index)  # 89 silent pairs change nothing
    silent = [p for p in b.pairs if not p.evidence.contributions]
    assert len(silent) == 89 and all(p.weight == 0.0 for p in silent)


def test_pair_weights_follow_salience_and_the_amount_of_evidence():
    parties = (*PARTIES, Party("epc"))
    participations = (*KEY, Participation("epc", power=1, legitimacy=1, urgency=1, interest=1))
    # bank -> min: ten on-time deliveries; bank -> epc and min -> epc: one each (epc owes).
    data = AgreementData(
        "ag",
        parties,
        participations,
        commitments=(
            *(on_time(k) for k in range(10)),
            Commitment("e1", "epc", ("bank",), date(2025, 3, 3), date(2025, 3, 3), "delivered"),
            Commitment("e2", "epc", ("min",), date(2025, 3, 3), date(2025, 3, 3), "delivered"),
            Commitment("b1", "bank", ("min",), date(2025, 3, 3), date(2025, 3, 3), "delivered"),
        ),
    )
    result = agreement_trust(data, AS_OF, trend=False)
    w = {(p.truster, p.trustee): p.weight for p in result.pairs}
    assert sum(w.values()) == pytest.approx(1.0)
    assert w[("bank", "min")] > w[("min", "bank")]  # same salience, ten times the evidence
    assert w[("min", "bank")] > w[("min", "epc")] > 0  # same evidence, more salient pair
    assert w[("epc", "bank")] == 0.0  # nothing bank owed epc
    assert result.evidence.adds_up()
    promise = result.components["promise"]
    assert promise.n_events == 13 and promise.mean > TRUST.promise_prior_mean * 100


def test_portfolio_and_per_agreement_paths_agree():
    one = agreement(commitments=(on_time(1), missed(2)))
    two = agreement(follow_ups=(FollowUp("f", "bank", "min", date(2025, 1, 6), None),))
    together = portfolio_trust(frame_from_agreements([one, two]), AS_OF)
    for g, data in enumerate((one, two)):
        alone = agreement_trust(data, AS_OF, trend=False)
        assert together.agreement_index[g] == pytest.approx(alone.index)


@SETTINGS
@given(agreements(), st.data())
def test_delivering_a_commitment_on_time_never_lowers_trust(data, draw):
    # Delivering a waived or disputed commitment is a change of status, not a delivery.
    open_ones = [
        c
        for c in data.commitments
        if (c.delivered is None or c.delivered > AS_OF) and c.status not in ("waived", "disputed")
    ]
    if not open_ones:
        return
    c = draw.draw(st.sampled_from(open_ones))
    when = draw.draw(st.sampled_from([min(c.due, AS_OF), min(c.due, AS_OF) - timedelta(days=3)]))
    delivered = replace(c, delivered=when, status="delivered")
    after = replace(data, commitments=tuple(delivered if x is c else x for x in data.commitments))
    before_r, after_r = (agreement_trust(d, AS_OF, trend=False) for d in (data, after))
    for b, a in zip(before_r.pairs, after_r.pairs, strict=True):
        assert a.index >= b.index - 1e-9
    if before_r.index is not None:
        assert after_r.index >= before_r.index - 1e-9


@SETTINGS
@given(agreements(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(data, rnd: random.Random):
    def shuffled(items):
        items = list(items)
        rnd.shuffle(items)
        return tuple(items)

    mixed = replace(
        data,
        **{
            name: shuffled(getattr(data, name))
            for name in ("parties", "participations", "commitments", "interactions",
                         "follow_ups", "pulses")
        },
    )  # fmt: skip
    a, b = (agreement_trust(d, AS_OF, trend=False) for d in (data, mixed))
    assert a.index == b.index
    assert [(p.truster, p.trustee, p.index) for p in a.pairs] == [
        (p.truster, p.trustee, p.index) for p in b.pairs
    ]
    assert sorted(a.evidence.contributions, key=repr) == sorted(b.evidence.contributions, key=repr)


def test_the_documented_example_file_runs_and_its_evidence_adds_up():
    import json
    from pathlib import Path

    from alliance.insights.inputs import agreement_from_dict
    from alliance.insights.trust import trust_report

    doc = json.loads((Path(__file__).parents[4] / "docs/examples/trust.json").read_text())
    as_of = date.fromisoformat(doc.pop("as_of"))
    report = trust_report(agreement_from_dict(doc), as_of)
    assert 0 < report["low"] < report["index"] < report["high"] < 100
    assert len(report["pairs"]) == 12 and len(report["trend"]) == TRUST.trend_months
    explained = report["evidence"]["baseline"] + sum(
        c["contribution"] for c in report["evidence"]["contributions"]
    )
    assert explained == pytest.approx(report["index"], abs=1e-2)


def test_json_input_rejects_unknown_fields():
    from alliance.insights.inputs import agreement_from_dict

    with pytest.raises(ValueError, match="owed_too"):
        agreement_from_dict({"commitments": [{"id": "c", "owed_by": "a", "owed_too": ["b"]}]})
    # The old calendar-day key is refused rather than silently read as working days.
    with pytest.raises(ValueError, match="decision_cycle_days"):
        agreement_from_dict({"parties": [{"id": "a", "decision_cycle_days": 30}]})
    party = agreement_from_dict({"parties": [{"id": "a", "decision_cycle_working_days": 30}]})
    assert party.parties[0].decision_cycle_working_days == 30


def test_cli_trust_prints_the_report_as_json(capsys):
    import json
    from pathlib import Path

    from alliance.insights.cli import main

    example = Path(__file__).parents[4] / "docs/examples/trust.json"
    assert main(["trust", str(example), "--as-of", "2025-06-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_of"] == "2025-06-01"
    assert {p["promise_keeping"]["band"] for p in out["pairs"]} >= {"critical", "excellent"}


@contextmanager
def _compiled_from(rows: int):
    """Frames of ``rows`` participant rows or events and more take the compiled loops."""
    from alliance.insights import trust_portfolio

    threshold = trust_portfolio._COMPILED_FROM
    trust_portfolio._COMPILED_FROM = rows
    try:
        yield
    finally:
        trust_portfolio._COMPILED_FROM = threshold


@SETTINGS
@given(st.lists(agreements(), min_size=1, max_size=3), st.randoms(use_true_random=False))
def test_the_compiled_loops_give_the_numpy_results(data, rnd: random.Random):
    # Large frames take the compiled loops: the same meeting rows, pairs and opposite pairs in
    # the same order, with the participants grouped by interaction or shuffled (sorted then),
    # and a pair meeting more than 32 times in no date order (merge-sorted rather than
    # inserted); the same events' masses, to the last bit.
    from alliance.insights.parameters import SALIENCE
    from alliance.insights.trust_portfolio import TrustPreparation

    many = tuple(
        Interaction(f"x{k}", date(2024, 1, 1) + timedelta(days=rnd.randrange(500)), ("min", "bank"))
        for k in range(40)
    )
    data = [*(replace(a, id=f"ag{g}") for g, a in enumerate(data)), agreement(interactions=many)]
    frame = frame_from_agreements(data)
    rows = list(range(len(frame.ix_ag)))
    rnd.shuffle(rows)
    columns = ("ix_ag", "ix_event", "ix_date", "ix_party")
    shuffled = replace(frame, **{name: getattr(frame, name)[rows] for name in columns})
    for f in (frame, shuffled):
        with _compiled_from(10**12):
            numpy_ = TrustPreparation.build(f, SALIENCE)
            a = portfolio_trust(f, AS_OF, keep_events=True)
        with _compiled_from(0):
            compiled = TrustPreparation.build(f, SALIENCE)
            b = portfolio_trust(f, AS_OF, keep_events=True)
        for name in ("row", "pair", "back"):
            np.testing.assert_array_equal(getattr(compiled, name), getattr(numpy_, name))
        for name in ("confirm", "violate", "contribution"):
            np.testing.assert_array_equal(getattr(b.events, name), getattr(a.events, name))
        np.testing.assert_array_equal(b.index, a.index)
        np.testing.assert_array_equal(b.agreement_index, a.agreement_index)


def _same_arrays(a, b, skip=("events", "prepared")) -> None:
    """Every array of two results equal to the bit (dtype, shape and bytes)."""
    from dataclasses import fields

    for f in fields(a):
        if f.name in skip:
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert (x.dtype, x.shape) == (y.dtype, y.shape), f.name
        assert x.tobytes() == y.tobytes(), f.name


@SETTINGS
@given(st.lists(agreements(), min_size=1, max_size=3))
def test_the_compiled_sums_give_the_sums_over_the_concatenated_events(data):
    # A portfolio's sums are accumulated part by part (commitments, follow-ups, both sides of
    # the meeting gaps, pulses) instead of over the events concatenated (which the kept events
    # still are): the same floats, renegotiated commitments' breaches and repairs included.
    frame = frame_from_agreements([replace(a, id=f"ag{g}") for g, a in enumerate(data)])
    for when in (AS_OF, AS_OF - timedelta(days=90)):
        with _compiled_from(0):
            summed = portfolio_trust(frame, when)
            concatenated = portfolio_trust(frame, when, keep_events=True)
        _same_arrays(summed, concatenated)


@SETTINGS
@given(st.lists(agreements(), min_size=1, max_size=3), st.integers(1, 4))
def test_the_trend_repeats_the_preparation_of_the_date(data, copies):
    from alliance.insights.inputs import replicate
    from alliance.insights.parameters import SALIENCE
    from alliance.insights.trust_portfolio import TrustPreparation

    frame = frame_from_agreements([replace(a, id=f"ag{g}") for g, a in enumerate(data)])
    repeated = TrustPreparation.build(frame, SALIENCE).replicate(frame, copies)
    built = TrustPreparation.build(replicate(frame, copies), SALIENCE)
    for name in ("ag", "a", "b", "sal_a", "sal_b", "keys"):
        x, y = getattr(repeated.pairs, name), getattr(built.pairs, name)
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
    assert repeated.pairs.n_parties == built.pairs.n_parties
    for name in ("row", "pair", "back"):
        np.testing.assert_array_equal(getattr(repeated, name), getattr(built, name))


@SETTINGS
@given(agreements())
def test_one_agreements_pairs_are_the_portfolio_figures_pair_by_pair(data):
    # The per-agreement path reads every pair's intervals from one call and its events from
    # lists: the figures are those of the portfolio arrays, pair by pair, to the bit, and one
    # pair's evidence alone is the same as in the whole result.
    from alliance.insights.inputs import canonical
    from alliance.insights.trust import pair_evidence, posterior_interval

    data = canonical(data)
    frame = frame_from_agreements([data])
    r = portfolio_trust(frame, AS_OF, keep_events=True)
    result = agreement_trust(data, AS_OF, frame=frame)
    for k, pair in enumerate(result.pairs):
        low, high = posterior_interval(r.component_alpha[:, k], r.component_beta[:, k])
        assert [c.low for c in pair.components.values()] == [100.0 * float(x) for x in low]
        assert [c.high for c in pair.components.values()] == [100.0 * float(x) for x in high]
        assert pair.promise_keeping.low == 100.0 * float(low[0])
        counts = np.bincount(r.events.component[r.events.pair == k], minlength=4)
        assert [c.n_events for c in pair.components.values()] == counts.tolist()
        evidence = pair_evidence(data, frame, r, pair.truster, pair.trustee)
        assert evidence == pair.evidence
        assert [c.message for c in evidence.contributions] == [
            c.message for c in pair.evidence.contributions
        ]
