"""Expectation alignment: identical expectations, distances per dimension, widening gaps."""

import random
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.insights.alignment import (
    agreement_alignment,
    alignment_widening,
    compare_snapshots,
    portfolio_alignment,
)
from alliance.insights.calendars import WorkingCalendar
from alliance.insights.inputs import (
    AgreementData,
    Expectation,
    Participation,
    Party,
    frame_from_agreements,
)
from alliance.insights.parameters import ALIGNMENT
from alliance.insights.tests.test_evidence import AS_OF, SETTINGS, agreements, assert_adds_up

IDS = ("bank", "epc", "min")


def agreement(*expectations: Expectation) -> AgreementData:
    return AgreementData(
        "ag",
        tuple(Party(i) for i in IDS),
        tuple(Participation(i) for i in IDS),
        expectations=expectations,
    )


def close(party, target=date(2025, 9, 1), priority=1, value=100.0, recorded=None):
    return Expectation(party, "financial close", target, priority, value, recorded)


def test_identical_expectations_score_100():
    r = agreement_alignment(agreement(*(close(p) for p in IDS)), AS_OF)
    assert r.score == 100.0
    assert all(v == 100.0 for row in r.matrix.values() for v in row.values())
    assert r.evidence.contributions == () and r.evidence.adds_up()


def test_each_dimension_distance_follows_the_parameters():
    # 2025-09-01 (Monday) to 2025-09-29 (Monday) is 20 working days on Monday-Friday.
    r = agreement_alignment(
        agreement(close("min"), close("bank", date(2025, 9, 29), priority=3, value=50.0)), AS_OF
    )
    g = r.pair("financial close", "min", "bank")
    assert abs(g.date_gap_working_days) == 20 and g.priority_steps == 2 and g.target_gap == 0.5
    expected = (
        ALIGNMENT.weight_date * 20 / ALIGNMENT.date_tolerance_working_days
        + ALIGNMENT.weight_priority * 2 / (ALIGNMENT.priority_levels - 1)
        + ALIGNMENT.weight_target * 0.5
    )
    assert g.distance == pytest.approx(expected)
    assert r.score == pytest.approx(100 * (1 - expected))
    assert_adds_up(r.evidence)


def test_the_priority_scale_and_its_direction_come_from_the_parameters():
    # The domain's scale by default: 1 low .. 4 critical, the larger number ranks higher.
    data = agreement(close("min", priority=4), close("bank", priority=1))
    g = agreement_alignment(data, AS_OF).pair("financial close", "min", "bank")
    assert (g.priority_steps, g.higher_priority) == (3, "min")
    (line,) = agreement_alignment(data, AS_OF).evidence.contributions
    assert "3 steps apart (min ranks it higher)" in line.label
    # Another scale: five levels read with 1 as the highest.
    five = replace(ALIGNMENT, priority_levels=5, priority_one_is_highest=True)
    r = agreement_alignment(data, AS_OF, five)
    g = r.pair("financial close", "min", "bank")
    assert g.higher_priority == "bank"
    assert g.distance == pytest.approx(ALIGNMENT.weight_priority * 3 / 4)  # 3 steps of 4
    same = agreement(close("min", priority=2), close("bank", priority=2))
    assert (
        agreement_alignment(same, AS_OF).pair("financial close", "min", "bank").higher_priority
        is None
    )


def test_deadlines_that_have_passed_are_due_now_not_apart():
    # Both target dates passed: they say the same thing today (it is due), whatever the gap.
    late = date(2025, 12, 1)
    data = agreement(close("min", date(2025, 3, 3)), close("bank", date(2025, 9, 1)))
    g = agreement_alignment(data, late).pair("financial close", "min", "bank")
    assert g.date_gap_working_days == 0 and g.distance == 0.0
    # One passed, one ahead: the gap runs from today to the later date (Monday to Monday).
    data = agreement(close("min", date(2025, 3, 3)), close("bank", date(2025, 12, 29)))
    g = agreement_alignment(data, late).pair("financial close", "min", "bank")
    assert abs(g.date_gap_working_days) == 20
    # Seen before either date, the full gap counts.
    g = agreement_alignment(data, date(2025, 1, 6)).pair("financial close", "min", "bank")
    assert abs(g.date_gap_working_days) > 200


def test_date_gaps_use_the_reference_calendar():
    data = agreement(close("min"), close("bank", date(2025, 9, 29), priority=1, value=100.0))
    sunday_week = WorkingCalendar(weekmask="1111001", holidays=(date(2025, 9, 2),))
    g = agreement_alignment(data, AS_OF, calendar=sunday_week).pair(
        "financial close", "min", "bank"
    )
    assert abs(g.date_gap_working_days) == 19


def test_dimensions_not_stated_by_both_are_left_out():
    r = agreement_alignment(
        agreement(close("min", value=None), close("bank", priority=None, value=10.0)), AS_OF
    )
    assert r.score == 100.0  # only the dates are comparable, and they agree


def test_missing_expectations_are_reported_per_party():
    r = agreement_alignment(agreement(close("min"), close("bank")), AS_OF)
    assert r.missing == {"epc": ("financial close",)}
    assert r.matrix["epc"]["financial close"] is None


def test_a_widening_gap_is_detected():
    data = agreement(
        close("min", recorded=date(2025, 1, 1)),
        close("bank", recorded=date(2025, 1, 1)),
        close("bank", date(2025, 12, 1), recorded=date(2025, 4, 1)),
    )
    (w,) = alignment_widening(data, date(2025, 2, 1), AS_OF)
    assert {w.party, w.other} == {"bank", "min"}
    assert w.before.date_gap_working_days == 0 and w.date_gap_change > 60
    assert not alignment_widening(data, date(2025, 5, 1), AS_OF)


def test_snapshot_comparison_detects_the_same_widening():
    before = agreement(close("min"), close("bank"))
    after = agreement(close("min"), close("bank", date(2026, 1, 5)))
    (w,) = compare_snapshots(before, after, AS_OF)
    assert w.topic == "financial close"


def test_portfolio_path_matches_the_per_agreement_path():
    one = agreement(close("min"), close("bank", priority=4))
    two = agreement(close("min"), close("epc", date(2025, 10, 1)))
    scores = portfolio_alignment(frame_from_agreements([one, two]), AS_OF).agreement_score
    assert scores.tolist() == pytest.approx(
        [agreement_alignment(a, AS_OF).score for a in (one, two)]
    )


@SETTINGS
@given(agreements())
def test_alignment_evidence_adds_up(data):
    assert_adds_up(agreement_alignment(data, AS_OF).evidence)


@SETTINGS
@given(agreements(), st.randoms(use_true_random=False))
def test_alignment_does_not_depend_on_input_order(data, rnd: random.Random):
    shuffled = list(data.expectations)
    rnd.shuffle(shuffled)
    a = agreement_alignment(data, AS_OF)
    b = agreement_alignment(replace(data, expectations=tuple(shuffled)), AS_OF)
    assert (a.score, a.matrix, a.topics) == (b.score, b.matrix, b.topics)


def test_the_documented_example_file_runs_and_detects_the_widening():
    import json
    from pathlib import Path

    from alliance.insights.alignment import alignment_report
    from alliance.insights.inputs import agreement_from_dict

    doc = json.loads((Path(__file__).parents[4] / "docs/examples/alignment.json").read_text())
    as_of, since = date.fromisoformat(doc.pop("as_of")), date.fromisoformat(doc.pop("since"))
    doc.pop("calendar")
    report = alignment_report(agreement_from_dict(doc), as_of, since)
    assert 0 < report["score"] < 100
    assert {w["other"] for w in report["widening"]} | {w["party"] for w in report["widening"]} >= {
        "lender"
    }
    assert report["missing"] == {"lender": ["local hires"]}


def test_cli_alignment_prints_the_report_and_the_widening(capsys):
    import json
    from pathlib import Path

    from alliance.insights.cli import main

    example = Path(__file__).parents[4] / "docs/examples/alignment.json"
    assert main(["alignment", str(example)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["since"] == "2025-03-01" and out["widening"]
