"""Maturity: stages computed from data, with the criteria that hold and what is missing."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given

from alliance.insights.inputs import (
    AgreementData,
    Commitment,
    Expectation,
    Grievance,
    Interaction,
    Participation,
    Party,
    PulseResponse,
    RegulatoryRequirement,
)
from alliance.insights.maturity import STAGES, assess_maturity
from alliance.insights.tests.test_evidence import AS_OF, SETTINGS, agreements

KEY = dict(power=5, legitimacy=5, urgency=5, interest=5)
GOOD = dict(ability=7, benevolence=7, integrity=7, predictability=7, communication=7)


def alliance() -> AgreementData:
    """An agreement that meets every criterion of every stage."""
    parties = (Party("bank", country="FR"), Party("min", country="SN"), Party("epc", country="SN"))
    ids = [p.id for p in parties]
    weekly = tuple(
        Interaction(f"i{k}", AS_OF - timedelta(days=7 * k), tuple(ids)) for k in range(30)
    )
    delivered = tuple(
        Commitment(
            f"c{k}{a}", a, (b,), AS_OF - timedelta(days=20 + k), AS_OF - timedelta(days=25 + k)
        )
        for k in range(10)
        for a in ids
        for b in ids
        if a != b
    )
    pulses = tuple(
        PulseResponse(f"q{a}{b}{k}", a, b, AS_OF - timedelta(days=30), **GOOD)
        for a in ids
        for b in ids
        for k in range(5)
        if a != b
    )
    return AgreementData(
        "ag",
        parties,
        tuple(Participation(i, "signatory", **KEY) for i in ids),
        commitments=delivered,
        interactions=weekly,
        pulses=pulses,
        expectations=tuple(Expectation(i, "financing", date(2026, 1, 5), 1, 10.0) for i in ids),
        regulatory=(RegulatoryRequirement("r1", date(2025, 9, 1), aligned=True),),
        grievances=(Grievance("g1", date(2025, 5, 1), date(2025, 5, 15), date(2025, 5, 10)),),
        host_country="SN",
    )


def test_an_agreement_meeting_every_criterion_is_an_alliance():
    r = assess_maturity(alliance(), AS_OF)
    assert r.stage == "Alliance" and r.next_stage is None and r.missing == ()
    assert all(s.holds for s in r.stages)


def test_missing_expectations_stop_at_signed_and_name_the_party():
    data = alliance()
    data = replace(data, expectations=tuple(e for e in data.expectations if e.party != "epc"))
    r = assess_maturity(data, AS_OF)
    assert r.stage == "Signed" and r.next_stage == "Calibrating"
    (missing,) = r.missing
    assert missing.key == "expectations_recorded" and missing.parties == ("epc",)
    assert missing.measured == 2 / 3 and "epc" in missing.missing


def test_late_commitments_stop_at_calibrating():
    data = alliance()
    late = tuple(replace(c, delivered=c.due + timedelta(days=30)) for c in data.commitments)
    r = assess_maturity(replace(data, commitments=late), AS_OF)
    assert r.stage == "Calibrating"
    assert [c.key for c in r.missing] == ["promise_keeping"]


def test_promise_keeping_is_where_the_agreement_stands_now_not_its_whole_history():
    data = alliance()
    # A bad first year (every promise two months late), then a year of on-time delivery.
    old = tuple(
        Commitment(f"old{k}", "min", ("bank",), AS_OF - timedelta(days=700 - 7 * k),
                   AS_OF - timedelta(days=640 - 7 * k))
        for k in range(12)
    )  # fmt: skip
    recent = tuple(
        Commitment(f"new{k}", a, (b,), AS_OF - timedelta(days=30 * k + 5),
                   AS_OF - timedelta(days=30 * k + 6))
        for k in range(10)
        for a, b in (("min", "bank"), ("bank", "epc"))
    )  # fmt: skip
    r = assess_maturity(replace(data, commitments=old + recent), AS_OF)
    promise = next(c for c in r.stages[2].criteria if c.key == "promise_keeping")
    assert 12 / 32 < 0.8 <= promise.measured  # all-time Say/Do would say 0.375
    assert promise.holds and promise.parties == ()
    # The same record read the other way round (good then bad) does not hold.
    swapped = tuple(
        replace(c, due=c.due - timedelta(days=680), delivered=c.delivered - timedelta(days=680))
        for c in recent
    ) + tuple(
        replace(c, due=c.due + timedelta(days=660), delivered=c.delivered + timedelta(days=660))
        for c in old
    )
    r = assess_maturity(replace(data, commitments=swapped), AS_OF)
    promise = next(c for c in r.stages[2].criteria if c.key == "promise_keeping")
    assert not promise.holds and promise.parties == ("min",)


def test_a_loan_is_signed_by_its_borrower_and_its_lenders():
    data = replace(
        alliance(),
        participations=(
            Participation("min", "signatory", **KEY),
            Participation("bank", "lender", **KEY),
            Participation("epc", "beneficiary", **KEY),
        ),
    )
    signed = {
        kind: next(c for c in assess_maturity(replace(data, kind=kind), AS_OF).stages[0].criteria)
        for kind in ("loan", "concession")
    }
    assert signed["loan"].holds and signed["loan"].measured == 2.0
    assert not signed["concession"].holds and signed["concession"].measured == 1.0


def test_every_stage_reports_its_criteria_even_above_the_stage_reached():
    data = replace(alliance(), regulatory=(RegulatoryRequirement("r1", aligned=False),))
    r = assess_maturity(data, AS_OF)
    assert r.stage == "Implementing" and r.next_stage == "Integrated"
    assert [s.stage for s in r.stages] == list(STAGES)
    reg = next(c for c in r.stages[3].criteria if c.key == "regulatory_aligned")
    assert (reg.holds, reg.measured, reg.threshold) == (False, 0.0, 0.8)
    assert [c.key for c in r.missing] == ["regulatory_aligned"]


def test_no_grievance_due_is_not_a_gap_but_no_regulation_is():
    r = assess_maturity(replace(alliance(), grievances=(), regulatory=()), AS_OF)
    keys = {c.key: c for s in r.stages for c in s.criteria}
    assert keys["grievances_on_time"].holds and keys["grievances_on_time"].measured is None
    assert not keys["regulatory_aligned"].holds
    assert keys["regulatory_aligned"].missing == "no regulatory requirement recorded"


def test_low_trust_between_key_parties_blocks_the_alliance_stage():
    data = alliance()
    bad = tuple(
        replace(p, ability=1, benevolence=1, integrity=1, predictability=1, communication=1)
        if p.respondent_party == "bank"
        else p
        for p in data.pulses
    )
    data = replace(data, pulses=bad, commitments=())
    r = assess_maturity(data, AS_OF)
    assert r.stage != "Alliance"
    keys = {c.key: c for s in r.stages for c in s.criteria}
    assert not keys["key_pairs_trust"].holds and "bank" in keys["key_pairs_trust"].parties


@SETTINGS
@given(agreements())
def test_criteria_that_fail_always_say_what_is_missing(data):
    r = assess_maturity(data, AS_OF)
    assert r.stage in STAGES
    for s in r.stages:
        for c in s.criteria:
            assert c.holds or c.missing
