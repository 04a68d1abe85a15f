"""The party correlation of the schedule's copula, learned from the deliveries: checked against
histories drawn by the engine itself with a planted correlation, and its fallback to the prior."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from alliance.insights.correlation import (
    LEARNED,
    PRIOR,
    SET,
    icc_standard_error,
    intraclass_correlation,
    learn_party_correlation,
)
from alliance.insights.parameters import SCHEDULE
from alliance.insights.schedule import (
    PartyHistory,
    ScheduleInput,
    ScheduleTask,
    forecast_schedule,
    result_as_dict,
    simulate,
)

AS_OF = date(2026, 1, 5)


def _planted_histories(
    rho: float, parties: int = 30, per_party: int = 8, histories: int = 200, seed: int = 3
) -> list[tuple[PartyHistory, ...]]:
    """``histories`` independent records of an agreement whose ``parties`` each delivered
    ``per_party`` commitments (most likely 5-40 working days, estimates of one shape), their
    durations drawn by the schedule engine with the party correlation ``rho`` (each Monte Carlo
    iteration is one possible history)."""
    rng = np.random.default_rng(seed)
    tasks = []
    for p in range(parties):
        for k in range(per_party):
            m = int(rng.integers(5, 41))
            tasks.append(ScheduleTask(f"t{p:02d}-{k}", f"p{p:02d}", round(0.6 * m), m, 2 * m))
    planted = dataclasses.replace(SCHEDULE, party_correlation=rho, learn_party_correlation=False)
    sim = simulate(ScheduleInput(tuple(tasks), AS_OF), planted, iterations=histories, seed=seed)
    rows = {task_id: row for row, task_id in enumerate(sim.task_ids)}
    durations = sim.durations
    out = []
    for r in range(histories):
        by_party: dict[str, tuple[list[float], list[float]]] = {}
        for task in tasks:
            planned, actual = by_party.setdefault(task.party, ([], []))
            planned.append(float(task.most_likely))
            actual.append(float(durations[rows[task.id], r]))
        out.append(tuple(PartyHistory(p, tuple(a), tuple(b)) for p, (a, b) in by_party.items()))
    return out


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.6])
def test_the_correlation_planted_in_the_deliveries_is_recovered_within_its_sampling_error(rho):
    learned = [learn_party_correlation(h) for h in _planted_histories(rho)]
    assert {c.source for c in learned} == {LEARNED}
    raw = np.array([c.raw_estimate for c in learned])
    error = np.array([c.standard_error for c in learned])
    # One history's estimate is off by its sampling error (about 0.04-0.08 here) at most
    # twice in most histories, and the error the estimator states is the spread it has.
    assert np.mean(np.abs(raw - rho) <= 2 * error) >= 0.88
    assert raw.std() == pytest.approx(error.mean(), rel=0.2)
    # Over 200 histories the mean sits within a fraction of one history's error: what is
    # left is the attenuation of whole working days and of 30 parties' normal scores.
    assert abs(raw.mean() - rho) <= 0.05
    assert abs(raw.mean() - rho) <= 0.5 * error.mean()
    # The value used is the estimate clipped to [0, 0.9].
    assert all(c.value == min(max(c.raw_estimate, 0.0), 0.9) for c in learned)


def test_planted_correlations_are_told_apart_in_one_history():
    """One agreement's record is enough to tell 0, 0.3 and 0.6 apart (30 parties x 8)."""
    values = [learn_party_correlation(_planted_histories(rho, histories=1)[0]).value
              for rho in (0.0, 0.3, 0.6)]  # fmt: skip
    assert values[0] < values[1] < values[2]


def test_intraclass_correlation_matches_the_anova_by_hand():
    groups = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [2.0, 2.0]]
    values = np.concatenate([np.array(g) for g in groups])
    sizes = np.array([3, 4, 2])
    means = np.array([2.0, 5.5, 2.0])
    msb = (sizes * (means - values.mean()) ** 2).sum() / 2
    msw = (2.0 + 5.0 + 0.0) / (9 - 3)
    n0 = (9 - (9 + 16 + 4) / 9) / 2
    icc = intraclass_correlation(groups)
    assert icc.estimate == pytest.approx((msb - msw) / (msb + (n0 - 1) * msw))
    assert icc.n0 == pytest.approx(n0)
    assert (icc.groups, icc.values) == (3, 9)
    with pytest.raises(ValueError):
        intraclass_correlation([[1.0, 2.0]])


def _histories(parties: int, per_party: int, seed: int = 1) -> tuple[PartyHistory, ...]:
    rng = np.random.default_rng(seed)
    return tuple(
        PartyHistory(
            f"p{p}",
            tuple(10.0 for _ in range(per_party)),
            tuple(float(rng.integers(6, 30)) for _ in range(per_party)),
        )
        for p in range(parties)
    )


@pytest.mark.parametrize(
    ("parties", "per_party", "why"),
    [
        (0, 0, "no history"),
        (1, 20, "one party"),
        (4, 40, "fewer parties than the rule's five"),
        (30, 2, "every party delivered fewer than three"),
        (6, 3, "six parties of three: the standard error at the prior would be 0.29"),
    ],
)
def test_too_little_evidence_keeps_the_prior_and_says_so(parties, per_party, why):
    found = learn_party_correlation(_histories(parties, per_party))
    assert found.source == PRIOR, why
    assert found.value == SCHEDULE.party_correlation == 0.3


def test_enough_evidence_is_the_rule_of_the_parameters():
    # 20 parties with three deliveries each: a standard error of 0.148 at the prior.
    assert icc_standard_error(0.3, 3, 20) <= SCHEDULE.correlation_max_standard_error
    assert learn_party_correlation(_histories(20, 3)).source == LEARNED
    assert learn_party_correlation(_histories(19, 3)).source == PRIOR
    strict = dataclasses.replace(SCHEDULE, correlation_min_parties=25)
    assert learn_party_correlation(_histories(20, 3), strict).source == PRIOR
    off = dataclasses.replace(SCHEDULE, learn_party_correlation=False, party_correlation=0.2)
    found = learn_party_correlation(_histories(40, 10), off)
    assert (found.source, found.value) == (SET, 0.2)


def _open_tasks(parties: int = 3, per_party: int = 4) -> tuple[ScheduleTask, ...]:
    return tuple(
        ScheduleTask(f"o{p}-{k}", f"p{p:02d}", 5, 10, 20, due=date(2026, 2, 2))
        for p in range(parties)
        for k in range(per_party)
    )


def test_the_forecast_uses_the_learned_correlation_and_says_which():
    history = _planted_histories(0.6, histories=1)[0]
    data = ScheduleInput(_open_tasks(), AS_OF, histories=history)
    result = forecast_schedule(data, iterations=2000)
    learned = result.correlation
    assert learned.source == LEARNED
    assert 0.35 < learned.value < 0.85
    # The copula drew with the learned value: the same draws as with that value set.
    fixed = dataclasses.replace(
        SCHEDULE, party_correlation=learned.value, learn_party_correlation=False
    )
    with_learned = simulate(data, iterations=500).durations
    with_value = simulate(data, fixed, iterations=500).durations
    with_prior = simulate(
        data, dataclasses.replace(SCHEDULE, learn_party_correlation=False), iterations=500
    ).durations
    assert np.array_equal(with_learned, with_value)
    assert not np.array_equal(with_learned, with_prior)
    assert result_as_dict(result)["correlation"]["source"] == "learned"


def test_a_forecast_without_history_says_it_assumed_the_prior():
    result = forecast_schedule(ScheduleInput(_open_tasks(), AS_OF), iterations=500)
    assert (result.correlation.source, result.correlation.value) == (PRIOR, 0.3)
    assert (result.correlation.parties, result.correlation.deliveries) == (0, 0)
