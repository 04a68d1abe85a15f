"""Evidence: for every index, baseline + contributions = the figure; and shared strategies."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.insights.evidence import Contribution, Evidence, combine
from alliance.insights.inputs import (
    AgreementData,
    Commitment,
    Expectation,
    FollowUp,
    Interaction,
    Participation,
    Party,
    PulseResponse,
)

AS_OF = date(2025, 7, 1)
START = date(2024, 1, 1)
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

days = st.integers(min_value=0, max_value=(AS_OF - START).days + 60).map(
    lambda d: START + timedelta(days=d)
)
scores = st.integers(min_value=0, max_value=5)
likert = st.one_of(st.none(), st.integers(min_value=1, max_value=7))


@st.composite
def agreements(draw) -> AgreementData:
    """A small random agreement with every kind of record the models read."""
    n = draw(st.integers(min_value=2, max_value=4))
    ids = [f"p{k}" for k in range(n)]
    parties = tuple(
        Party(
            i,
            country=draw(st.sampled_from(["SN", "FR", "SA"])),
            decision_cycle_working_days=draw(st.sampled_from([7, 21, 64])),
        )
        for i in ids
    )
    participations = tuple(
        Participation(
            i,
            role=draw(st.sampled_from(["signatory", "lender", "regulator"])),
            power=draw(scores),
            legitimacy=draw(scores),
            urgency=draw(scores),
            interest=draw(scores),
        )
        for i in ids
    )
    party = st.sampled_from(ids)
    return AgreementData(
        id="ag",
        parties=parties,
        participations=participations,
        commitments=tuple(draw(_commitment(k, party)) for k in range(draw(st.integers(0, 8)))),
        interactions=tuple(draw(_interaction(k, ids)) for k in range(draw(st.integers(0, 10)))),
        follow_ups=tuple(draw(_follow_up(k, party)) for k in range(draw(st.integers(0, 4)))),
        pulses=tuple(draw(_pulse(k, party)) for k in range(draw(st.integers(0, 5)))),
        expectations=tuple(draw(_expectation(k, party)) for k in range(draw(st.integers(0, 8)))),
        host_country="SN",
    )


@st.composite
def _commitment(draw, k, party):
    due = draw(days)
    delivered = draw(st.one_of(st.none(), days))
    status = draw(st.sampled_from(["planned", "delivered", "waived", "late"]))
    return Commitment(
        f"c{k}", draw(party), (draw(party),), due, delivered, status, f"item {k}",
        category=draw(st.sampled_from(["", "financial", "reporting"])),
        importance=draw(st.sampled_from(["", "", "minor", "critical"])),
        renegotiated_from=draw(st.one_of(st.none(), st.just(due - timedelta(days=30)))),
    )  # fmt: skip


@st.composite
def _interaction(draw, k, ids):
    present = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True))
    return Interaction(f"i{k}", draw(days), tuple(present), tone=draw(st.integers(-2, 2)))


@st.composite
def _follow_up(draw, k, party):
    asked = draw(days)
    answered = draw(st.one_of(st.none(), days.filter(lambda d: d >= asked)))
    return FollowUp(f"f{k}", draw(party), draw(party), asked, answered)


@st.composite
def _pulse(draw, k, party):
    return PulseResponse(
        f"q{k}",
        draw(party),
        draw(party),
        draw(days),
        ability=draw(likert),
        benevolence=draw(likert),
        integrity=draw(likert),
        predictability=draw(likert),
        communication=draw(likert),
    )


@st.composite
def _expectation(draw, k, party):
    return Expectation(
        draw(party),
        draw(st.sampled_from(["financing", "permits", "local hiring"])),
        target_date=draw(st.one_of(st.none(), days)),
        priority=draw(st.one_of(st.none(), st.integers(1, 4))),
        target_value=draw(st.one_of(st.none(), st.floats(0, 1000))),
        recorded=draw(days),
        id=f"e{k}",
    )


def assert_adds_up(evidence: Evidence) -> None:
    """The evidence contract: baseline + contributions reproduce the figure."""
    assert evidence.explained == pytest.approx(evidence.figure, abs=1e-6)


def test_top_events_keep_adding_up_with_an_other_events_line():
    ev = Evidence(
        figure=10.0,
        baseline=4.0,
        contributions=tuple(Contribution(f"e{k}", v) for k, v in enumerate([3, -1, 2, 0.5, 1.5])),
    )
    top = ev.top(2)
    assert [c.label for c in top] == ["e0", "e2", "3 other events"]
    assert ev.baseline + sum(c.contribution for c in top) == pytest.approx(ev.figure)


def test_combine_drops_zero_contributions_and_reports_residual():
    ev = combine(5.0, 5.0, [Contribution("nothing", 0.0)])
    assert ev.contributions == ()
    assert ev.adds_up()
    assert not Evidence(6.0, 5.0).adds_up()


@SETTINGS
@given(agreements())
def test_trust_evidence_adds_up_for_every_pair_and_the_agreement(data):
    from alliance.insights.trust import agreement_trust

    result = agreement_trust(data, AS_OF, trend=False)
    for pair in result.pairs:
        assert_adds_up(pair.evidence)
    assert_adds_up(result.evidence)
