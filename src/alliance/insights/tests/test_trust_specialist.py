"""Trust as a trust researcher would try it: materiality, asymmetry, repair, coverage.

The cases of issue 11, each of which the former index got wrong: many trivial promises
hiding one broken material one, "no data" reading as a measurement, clear-cut records
squeezed into the middle of the scale, and a late delivery raising trust.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.insights.inputs import AgreementData, Commitment, Participation, Party
from alliance.insights.parameters import TRUST
from alliance.insights.tests.test_evidence import AS_OF, SETTINGS, agreements
from alliance.insights.trust import agreement_trust, pair_trust

PARTIES = (Party("min", decision_cycle_working_days=20), Party("bank"))
KEY = (
    Participation("min", power=5, legitimacy=5, urgency=5, interest=5),
    Participation("bank", power=5, legitimacy=5, urgency=5, interest=5),
)


def agreement(*commitments: Commitment) -> AgreementData:
    return AgreementData("ag", PARTIES, KEY, commitments=commitments)


def kept(k: int, due: date, **fields) -> Commitment:
    return Commitment(f"k{k:02d}", "min", ("bank",), due, due, "delivered", f"kept {k}", **fields)


def broken(k: int, due: date, **fields) -> Commitment:
    return Commitment(f"b{k:02d}", "min", ("bank",), due, None, "late", f"broken {k}", **fields)


def bank_trusts_min(data: AgreementData):
    return pair_trust(data, "bank", "min", AS_OF, trend=False)


# Ten due dates over the past year, one every five weeks.
DUES = [AS_OF - timedelta(days=20 + 35 * k) for k in range(10)]


def test_many_trivial_promises_kept_do_not_hide_one_broken_material_one():
    """The issue's case: a broken financial close plus 20 trivial promises kept scored 71.7,
    above a party whose only commitment, the same financial close, was on time (66.9)."""
    close = date(2025, 3, 3)
    trivial = [kept(k, AS_OF - timedelta(days=7 * k + 5), category="reporting") for k in range(20)]
    gamed = bank_trusts_min(agreement(broken(0, close, category="financial"), *trivial))
    honest = bank_trusts_min(agreement(kept(0, close, category="financial")))
    assert gamed.index < honest.index - 25
    assert gamed.index < 60
    # The same with an importance the team set explicitly.
    minor = [replace(c, category="", importance="minor") for c in trivial]
    critical = broken(0, close, importance="critical")
    assert bank_trusts_min(agreement(critical, *minor)).index < 40


def test_no_data_is_insufficient_evidence_not_a_measurement():
    nothing = bank_trusts_min(agreement())
    assert nothing.state == "insufficient"
    assert nothing.index == pytest.approx(100 * TRUST.index_prior_mean)
    result = agreement_trust(agreement(), AS_OF, trend=False)
    assert result.state == "insufficient"


@pytest.mark.parametrize("category", ["", "financial", "technical"])
def test_clear_cut_records_read_clearly(category):
    """Ten of ten material promises on time, nothing else known: at least 80; ten of ten
    broken: at most 20; both established."""
    good = bank_trusts_min(agreement(*(kept(k, d, category=category) for k, d in enumerate(DUES))))
    bad = bank_trusts_min(agreement(*(broken(k, d, category=category) for k, d in enumerate(DUES))))
    assert good.index >= 80 and bad.index <= 20
    assert good.state == bad.state == "established"
    # The agreement index of a two-party agreement reads the same way.
    assert agreement_trust(agreement(*(kept(k, d) for k, d in enumerate(DUES))), AS_OF,
                           trend=False).index >= 80  # fmt: skip


def test_one_or_two_events_are_provisional():
    one = bank_trusts_min(agreement(kept(0, DUES[0])))
    assert one.state == "provisional"
    assert TRUST.provisional_from <= one.amount < TRUST.established_from


def test_a_violation_weighs_more_than_a_confirmation():
    """One kept and one broken promise of equal weight: below the prior, not at it."""
    mixed = bank_trusts_min(agreement(kept(0, DUES[0]), broken(1, DUES[0])))
    assert mixed.index < 100 * TRUST.index_prior_mean - 15


def test_materiality_comes_from_importance_category_and_dependents():
    due = DUES[0]
    plain = bank_trusts_min(agreement(broken(0, due)))
    financial = bank_trusts_min(agreement(broken(0, due, category="financial")))
    needed = bank_trusts_min(
        agreement(broken(0, due), *(kept(k, due, depends_on=("b00",)) for k in range(1, 5)))
    )
    # A breach others depend on weighs more than the same breach alone, whatever the kept ones add.
    lone_kept = bank_trusts_min(agreement(broken(0, due), *(kept(k, due) for k in range(1, 5))))
    assert financial.index < plain.index
    assert needed.index < lone_kept.index
    line = next(c for c in financial.evidence.contributions if c.event_id == "b00")
    assert "materiality 3" in line.label and line.message["params"]["weight"]["params"] == {
        "weight": 3.0
    }
    minor = bank_trusts_min(agreement(broken(0, due, category="financial", importance="minor")))
    assert minor.index > plain.index  # the team's word wins over the category


def test_meeting_a_renegotiated_date_repairs_part_of_the_breach():
    original, new = date(2025, 3, 3), date(2025, 4, 14)
    redated = Commitment("r", "min", ("bank",), new, new, "delivered", "permit",
                         renegotiated_from=original)  # fmt: skip
    still_open = replace(redated, delivered=None, status="in_progress", due=AS_OF + timedelta(10))
    late_anyway = replace(redated, delivered=new + timedelta(days=21))
    never_redated = Commitment("r", "min", ("bank",), original, new, "delivered", "permit")
    on_time = Commitment("r", "min", ("bank",), original, original, "delivered", "permit")
    index = {
        name: bank_trusts_min(agreement(c)).index
        for name, c in [("repaired", redated), ("open", still_open), ("late", late_anyway),
                        ("late_plain", never_redated), ("on_time", on_time)]
    }  # fmt: skip
    assert index["open"] < index["repaired"] < index["on_time"]
    assert index["late"] < index["repaired"]
    result = bank_trusts_min(agreement(redated))
    lines = {c.message["msg"]: c.contribution for c in result.evidence.contributions}
    assert lines["trust.redated"] < 0 < lines["trust.repaired"]
    assert result.evidence.adds_up()


def late_or_missed(draw, data: AgreementData) -> Commitment:
    ids = [p.id for p in data.parties]
    debtor = draw(st.sampled_from(ids))
    creditor = draw(st.sampled_from([i for i in ids if i != debtor]))
    due = AS_OF - timedelta(days=draw(st.integers(7, 400)))
    delivered = draw(
        st.one_of(st.none(), st.integers(7, 120).map(lambda d: min(due + timedelta(days=d), AS_OF)))
    )
    return Commitment(
        "added", debtor, (creditor,), due, delivered, "late" if delivered is None else "delivered",
        "added", category=draw(st.sampled_from(["", "financial", "reporting"])),
        importance=draw(st.sampled_from(["", "minor", "critical"])),
    )  # fmt: skip


@SETTINGS
@given(agreements(), st.data())
def test_adding_a_late_or_missed_delivery_never_raises_trust(data, draw):
    """The issue found +1.2 points in 14 of 150 random agreements; never again, for any pair
    or the agreement, and its evidence line is never positive."""
    added = late_or_missed(draw.draw, data)
    after = replace(data, commitments=(*data.commitments, added))
    before_r, after_r = (agreement_trust(d, AS_OF, trend=False) for d in (data, after))
    for b, a in zip(before_r.pairs, after_r.pairs, strict=True):
        assert a.index <= b.index + 1e-9
    if before_r.index is not None:
        assert after_r.index <= before_r.index + 1e-9
    pair = after_r.pair(added.owed_to[0], added.owed_by)
    for line in pair.evidence.contributions:
        if line.event_id == "added":
            assert line.contribution <= 1e-12


AGAINST = ("trust.late", "trust.missed", "trust.still_open", "trust.redated")


@SETTINGS
@given(agreements())
def test_delivered_late_lines_are_never_positive_and_evidence_adds_up(data):
    result = agreement_trust(data, AS_OF, trend=False)
    for pair in result.pairs:
        assert pair.evidence.adds_up()
        for line in pair.evidence.contributions:
            if line.message and line.message["msg"] in AGAINST:
                assert line.contribution <= 1e-12
        assert pair.state in ("insufficient", "provisional", "established")
    assert result.evidence.adds_up() or result.index is None
