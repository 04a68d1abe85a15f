"""Early warnings: each rule fires on its situation, with evidence and a stable key."""

import json
import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from alliance.insights.early_warnings import (
    RULES,
    SEVERITIES,
    early_warnings,
    portfolio_warnings,
    warning_key,
)
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
    frame_from_agreements,
)
from alliance.insights.tests.test_evidence import AS_OF, SETTINGS, agreements

KEY = dict(power=5, legitimacy=5, urgency=5, interest=5)
DAY = timedelta(days=1)


def troubled() -> AgreementData:
    """One agreement in which every rule has something to say."""
    parties = (Party("bank"), Party("min", decision_cycle_working_days=14), Party("epc"))
    good, bad = (
        dict.fromkeys(("ability", "integrity"), 7),
        dict.fromkeys(("ability", "integrity"), 1),
    )
    return AgreementData(
        "ag-1",
        parties,
        tuple(Participation(p.id, **KEY) for p in parties),
        commitments=(
            Commitment("c-permit", "min", ("bank", "epc"), AS_OF - 60 * DAY, label="permit"),
            Commitment("c-fresh", "min", ("bank",), AS_OF - 2 * DAY, label="report"),
            Commitment("c-done", "bank", ("min",), AS_OF - 9 * DAY, AS_OF - 10 * DAY),
            Commitment("c-waived", "bank", ("min",), AS_OF - 90 * DAY, status="waived"),
        ),
        interactions=(
            Interaction("i1", AS_OF - 5 * DAY, ("bank", "epc")),
            Interaction("i2", AS_OF - 200 * DAY, ("bank", "min")),
        ),
        pulses=(
            *(PulseResponse(f"old{k}", "bank", "min", AS_OF - 200 * DAY, **good) for k in range(6)),
            *(PulseResponse(f"new{k}", "bank", "min", AS_OF - 20 * DAY, **bad) for k in range(6)),
        ),
        expectations=(
            Expectation("bank", "close", date(2025, 9, 1), recorded=AS_OF - 300 * DAY),
            Expectation("min", "close", date(2025, 9, 1), recorded=AS_OF - 300 * DAY),
            Expectation("min", "close", date(2026, 3, 1), recorded=AS_OF - 30 * DAY),
        ),
        regulatory=(
            RegulatoryRequirement("r-esia", AS_OF + 10 * DAY, label="ESIA approval"),
            RegulatoryRequirement("r-far", AS_OF + 200 * DAY),
            RegulatoryRequirement("r-done", AS_OF + 5 * DAY, aligned=True),
        ),
        grievances=(
            Grievance("g-noise", AS_OF - 40 * DAY, AS_OF - 30 * DAY, label="noise"),
            Grievance("g-ok", AS_OF - 40 * DAY, AS_OF - 30 * DAY, AS_OF - 31 * DAY),
        ),
    )


SCHEDULE = {"t-civil": (date(2025, 12, 1), date(2025, 9, 1)), "t-ok": (AS_OF, AS_OF + DAY)}


def by_rule(warnings):
    out = {}
    for w in warnings:
        out.setdefault(w.rule, []).append(w)
    return out


def test_every_rule_fires_on_its_situation_and_only_there():
    found = by_rule(early_warnings(troubled(), AS_OF, schedule=SCHEDULE))
    assert set(found) == set(RULES)
    assert sorted(w.subject for w in found["overdue_commitment"]) == ["c-fresh", "c-permit"]
    assert [w.subject for w in found["trust_falling"]] == ["bank->min"]
    assert [w.subject for w in found["alignment_widening"]] == ["close|bank|min"]
    assert [w.subject for w in found["key_party_not_met"]] == ["min"]
    assert [w.subject for w in found["schedule_p80_late"]] == ["t-civil"]
    assert [w.subject for w in found["regulatory_deadline_near"]] == ["r-esia"]
    assert [w.subject for w in found["grievance_response_overdue"]] == ["g-noise"]


def test_a_forecast_past_a_due_date_already_gone_is_left_to_the_overdue_rule():
    gone = {"t-late": (AS_OF + 30 * DAY, AS_OF - 10 * DAY), **SCHEDULE}
    found = by_rule(early_warnings(troubled(), AS_OF, schedule=gone))
    assert [w.subject for w in found["schedule_p80_late"]] == ["t-civil"]


def test_severity_is_graded_from_the_evidence():
    found = {w.subject: w for w in early_warnings(troubled(), AS_OF, schedule=SCHEDULE)}
    # 60 days late is high; a slip of two days is worth knowing, not an alarm.
    assert found["c-permit"].severity == "high" and found["c-fresh"].severity == "low"
    assert found["t-civil"].severity == "medium"  # far past, but its due date is months away
    assert found["r-esia"].severity == "medium"  # ten days ahead, not aligned
    assert len({w.severity for w in found.values()}) == 3


def test_a_forecast_far_past_a_distant_due_date_is_not_yet_urgent():
    distant = {"t-civil": (AS_OF + 400 * DAY, AS_OF + 200 * DAY)}
    (found,) = by_rule(early_warnings(troubled(), AS_OF, schedule=distant))["schedule_p80_late"]
    assert found.severity == "medium"


def test_a_passed_regulatory_deadline_is_high_and_a_distant_one_low():
    data = troubled()
    late = replace(data, regulatory=(
        RegulatoryRequirement("r-passed", AS_OF - 3 * DAY),
        RegulatoryRequirement("r-soon", AS_OF + 25 * DAY),
    ))  # fmt: skip
    found = {w.subject: w.severity for w in early_warnings(late, AS_OF)}
    assert found["r-passed"] == "high" and found["r-soon"] == "low"


def test_every_warning_says_its_title_and_next_step_as_messages():
    for w in early_warnings(troubled(), AS_OF, schedule=SCHEDULE):
        assert w.message["msg"] == f"warning.{w.rule}" or w.message["msg"].startswith(
            ("warning.key_party_", "warning.regulatory_deadline_")
        )
        assert w.action["msg"].startswith("action.")
        assert w.owner == "lead"
        json.dumps([w.message, w.action, *[c.as_dict() for c in w.evidence]])
    (overdue,) = [w for w in early_warnings(troubled(), AS_OF) if w.subject == "c-permit"]
    assert overdue.message["params"] == {"commitment": "c-permit", "party": "min", "days": 42}
    assert overdue.evidence[0].message == {
        "msg": "evidence.due_not_delivered",
        "params": {"due": {"date": (AS_OF - 60 * DAY).isoformat()}},
    }


def test_warnings_carry_their_evidence():
    found = {w.subject: w for w in early_warnings(troubled(), AS_OF)}
    assert found["c-permit"].evidence[0].event_id == "c-permit"
    trust = found["bank->min"]
    assert trust.value > 10
    assert any(c.event_kind == "pulse" and c.contribution < 0 for c in trust.evidence)
    assert any("working days apart" in c.label for c in found["close|bank|min"].evidence)


def test_most_severe_first():
    severities = [w.severity for w in early_warnings(troubled(), AS_OF)]
    assert severities == sorted(severities, key=lambda s: -SEVERITIES.index(s))


def test_keys_are_stable_across_reruns_and_unique():
    first = early_warnings(troubled(), AS_OF, schedule=SCHEDULE)
    again = early_warnings(troubled(), AS_OF, schedule=SCHEDULE)
    assert [w.key for w in first] == [w.key for w in again]
    assert len({w.key for w in first}) == len(first)
    assert first[0].key == warning_key(first[0].rule, "ag-1", first[0].subject)


def test_keys_do_not_move_when_unrelated_records_are_added():
    data = troubled()
    more = replace(
        data,
        commitments=(Commitment("a-new", "epc", ("bank",), AS_OF + 30 * DAY), *data.commitments),
    )
    keys = {w.subject: w.key for w in early_warnings(data, AS_OF)}
    assert keys == {w.subject: w.key for w in early_warnings(more, AS_OF)}


def test_an_agreement_with_a_single_party_gets_its_warnings_and_no_trust_rule():
    data = troubled()
    alone = replace(
        data,
        parties=data.parties[1:2],
        participations=data.participations[1:2],
        commitments=(Commitment("c-own", "min", (), AS_OF - 60 * DAY),),
        interactions=(),
        pulses=(),
        expectations=(),
    )
    found = by_rule(early_warnings(alone, AS_OF))
    assert [w.subject for w in found["overdue_commitment"]] == ["c-own"]
    assert "trust_falling" not in found
    assert [w.subject for w in found["key_party_not_met"]] == ["min"]


def test_an_overdue_commitment_does_not_count_its_time_under_dispute():
    data = troubled()
    settled = Commitment(
        "c-tariff", "min", ("bank",), AS_OF - 60 * DAY, status="late",
        disputed_from=AS_OF - 70 * DAY, disputed_until=AS_OF - 7 * DAY,
    )  # fmt: skip
    found = {w.subject: w for w in early_warnings(replace(data, commitments=(settled,)), AS_OF)}
    # Overdue only since the dispute was settled, a week ago: 5 working days, not 40-odd.
    assert found["c-tariff"].value == 5 and found["c-tariff"].severity == "medium"


def test_only_parties_scored_as_key_are_chased_for_meetings():
    data = troubled()
    neutral = dict(power=3, legitimacy=3, urgency=3, interest=3)  # the form's default
    unscored = replace(
        data, participations=tuple(Participation(p.id, **neutral) for p in data.parties)
    )
    assert "key_party_not_met" not in by_rule(early_warnings(unscored, AS_OF))
    assert "key_party_not_met" in by_rule(early_warnings(data, AS_OF))


def test_portfolio_rows_match_the_per_agreement_warnings():
    data = troubled()
    frame = frame_from_agreements([data, data])
    found = portfolio_warnings(frame, AS_OF)
    assert len(found) == 2 * len(early_warnings(data, AS_OF))


@SETTINGS
@given(agreements(), st.randoms(use_true_random=False))
def test_keys_do_not_depend_on_input_order(data, rnd: random.Random):
    items = list(data.commitments)
    rnd.shuffle(items)
    a = early_warnings(data, AS_OF)
    b = early_warnings(replace(data, commitments=tuple(items)), AS_OF)
    assert sorted(w.key for w in a) == sorted(w.key for w in b)


def test_past_its_due_date_is_overdue_even_before_a_working_day_is_lost():
    """A commitment and a grievance due on a Saturday are overdue on Sunday, as every count
    of the site says, though no working day is lost yet: low, with a message of their own."""
    sunday = date(2025, 7, 6)
    data = replace(
        troubled(),
        commitments=(Commitment("c-saturday", "min", ("bank",), sunday - DAY, label="memo"),),
        grievances=(Grievance("g-saturday", sunday - 9 * DAY, sunday - DAY, label="dust"),),
    )
    found = {w.subject: w for w in early_warnings(data, sunday)}
    memo, dust = found["c-saturday"], found["g-saturday"]
    assert (memo.rule, memo.value, memo.severity) == ("overdue_commitment", 0, "low")
    assert memo.message["msg"] == "warning.overdue_commitment_no_working_day"
    assert (dust.rule, dust.value) == ("grievance_response_overdue", 0)
    assert dust.message["msg"] == "warning.grievance_response_no_working_day"
    # Nothing is overdue on its due date itself.
    on_the_day = {w.subject for w in early_warnings(data, sunday - DAY)}
    assert not {"c-saturday", "g-saturday"} & on_the_day


def _said(warnings) -> list:
    """Everything a warning says, messages included (they are left out of ``==``)."""
    return [(w, w.message, w.action, [c.message for c in w.evidence]) for w in warnings]


@SETTINGS
@given(agreements())
def test_the_warnings_say_the_same_with_or_without_the_trust_already_computed(data):
    # The server hands the warnings the trust it computed (result and arrays) and the frame;
    # alone, they compute the trust once and label only the pairs a warning is about.
    from alliance.insights.inputs import canonical
    from alliance.insights.trust import agreement_result, portfolio_trust

    data = canonical(data)
    frame = frame_from_agreements([data])
    for when in (AS_OF, AS_OF - timedelta(days=45)):
        now = portfolio_trust(frame, when, keep_events=True)
        given_ = early_warnings(
            data, when, frame=frame, trust_now=now,
            trust_result=agreement_result(data, frame, now, when),
        )  # fmt: skip
        assert _said(given_) == _said(early_warnings(data, when))


@SETTINGS
@given(st.lists(agreements(), min_size=1, max_size=4))
def test_the_portfolio_rules_and_keys_are_the_same_on_one_core_or_two(data):
    # Large frames run the trust rule in a thread beside the others; the keys are the
    # warning_key of each row's rule, agreement and subject.
    from alliance.insights import early_warnings as module

    frame = frame_from_agreements([replace(a, id=f"ag{g}") for g, a in enumerate(data)])
    threshold = module._THREADED_FROM
    try:
        module._THREADED_FROM = 0
        threaded = portfolio_warnings(frame, AS_OF)
    finally:
        module._THREADED_FROM = threshold
    alone = portfolio_warnings(frame, AS_OF)
    for name in ("rule", "ag", "subject", "severity", "value"):
        x, y = getattr(threaded, name), getattr(alone, name)
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
    ids = frame.party_ids

    def subject(rule: str, s) -> str:
        if rule == "trust_falling":
            return f"{ids[s[0]]}->{ids[s[1]]}"
        if rule == "alignment_widening":
            return f"{frame.topic_ids[s[0]]}|{ids[s[1]]}|{ids[s[2]]}"
        return ids[s[0]] if rule == "key_party_not_met" else str(int(s[0]))

    expected = [subject(RULES[r], s) for r, s in zip(alone.rule, alone.subject, strict=True)]
    assert alone.subjects(frame) == expected
    assert alone.keys(frame) == [
        warning_key(RULES[r], frame.agreement_ids[g], s)
        for r, g, s in zip(alone.rule, alone.ag, expected, strict=True)
    ]


def _last_met_by_grouping(frame, day, ag, party):
    """The key party's last meeting as the rule found it before: every participant row
    grouped (np.unique), the latest day per group, the wanted pairs looked up."""
    n = max(frame.n_parties, 1)
    seen = frame.ix_date <= day
    member = frame.ix_ag[seen] * n + frame.ix_party[seen]
    uniq, inv = np.unique(member, return_inverse=True)
    last = np.full(len(uniq) + 1, np.iinfo(np.int64).min)
    np.maximum.at(last, inv, frame.ix_date[seen].astype(np.int64))
    pos = np.searchsorted(uniq, ag * n + party)
    met = np.zeros(len(ag), bool)
    inside = pos < len(uniq)
    met[inside] = uniq[pos[inside]] == (ag * n + party)[inside]
    return met, last[pos]


@SETTINGS
@given(st.lists(agreements(), min_size=1, max_size=4), st.integers(-400, 60))
def test_a_key_partys_last_meeting_is_found_as_by_grouping_every_row(data, offset):
    from alliance.insights.early_warnings import last_met

    frame = frame_from_agreements([replace(a, id=f"ag{g}") for g, a in enumerate(data)])
    day = np.datetime64(AS_OF + timedelta(days=offset), "D")
    ag, party = frame.pp_ag, frame.pp_party  # every participant: each (agreement, party) once
    met, last = last_met(frame, day, ag, party)
    expected_met, expected_last = _last_met_by_grouping(frame, day, ag, party)
    np.testing.assert_array_equal(met, expected_met)
    np.testing.assert_array_equal(last[met], expected_last[met])
