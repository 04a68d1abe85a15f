"""Three-point estimates at their edges, work already under way, and the day convention.

Each duration table is checked against the distribution written out here in closed form
(independently of the engine's code): the table's share of draws at or below d is exact to
1 / G, so the tolerance is that, not Monte Carlo noise.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from alliance.insights.calendars import WorkingCalendar
from alliance.insights.parameters import SCHEDULE
from alliance.insights.schedule import ScheduleInput, ScheduleTask, forecast_schedule, simulate
from alliance.insights.schedule_engine import _duration_cdf, _shared_rows, quantile_table

AS_OF = date(2026, 3, 2)  # a Monday
EVERY_DAY = WorkingCalendar(weekmask="1111111")
G = SCHEDULE.quantile_table_size
TRIANGULAR = dataclasses.replace(SCHEDULE, distribution="triangular", party_correlation=0.0)
PERT = dataclasses.replace(SCHEDULE, party_correlation=0.0)


def triangular_cdf(a: float, c: float, b: float, x: float) -> float:
    """P(X <= x) for the triangular distribution (min a, mode c, max b), degenerate ones too."""
    if b == a:
        return float(x >= a)
    if x <= a:
        return 0.0
    if x >= b:
        return 1.0
    if x <= c:
        return (x - a) ** 2 / ((b - a) * (c - a))
    return 1.0 - (b - x) ** 2 / ((b - a) * (b - c))


def pert_cdf(a: float, c: float, b: float, x: float, lam: float = 4.0) -> float:
    if b == a:
        return float(x >= a)
    y = min(max((x - a) / (b - a), 0.0), 1.0)
    m = (c - a) / (b - a)
    return float(special.betainc(1 + lam * m, 1 + lam * (1 - m), y))


CDF = {"triangular": triangular_cdf, "pert": pert_cdf}


def table_cdf(row: np.ndarray, d: int) -> float:
    return float((row <= d).mean())


def one(low: float, mode: float, high: float, **fields) -> ScheduleTask:
    fields.setdefault("party", "p")
    return ScheduleTask("x", optimistic=low, most_likely=mode, pessimistic=high, **fields)


degenerate = st.tuples(
    st.integers(0, 30), st.integers(0, 25), st.sampled_from(["min=mode", "mode=max", "all"])
).map(
    lambda t: {
        "min=mode": (t[0], t[0], t[0] + t[1] + 1),
        "mode=max": (t[0], t[0] + t[1] + 1, t[0] + t[1] + 1),
        "all": (t[0], t[0], t[0]),
    }[t[2]]
)


@settings(max_examples=60, deadline=None)
@given(
    estimate=degenerate,
    kind=st.sampled_from(["triangular", "pert"]),
    factor=st.sampled_from([1.0, 0.7, 1.35]),
)
def test_degenerate_estimates_draw_their_closed_form_distribution(estimate, kind, factor):
    """min = mode, mode = max and min = mode = max: every whole-day probability is the
    closed form P(ceil(f X) <= d) = F(d / f), to the table's resolution."""
    parameters = dataclasses.replace(PERT, distribution=kind)
    row = quantile_table([one(*estimate)], [factor], parameters)[0].astype(int)
    low, _, high = estimate
    for d in range(math.floor(factor * low) - 1, math.ceil(factor * high) + 2):
        expected = CDF[kind](*estimate, d / factor)
        assert abs(table_cdf(row, d) - expected) <= 1.0 / G + 1e-9, (d, expected)


@pytest.mark.parametrize("kind", ["triangular", "pert"])
@pytest.mark.parametrize("estimate", [(3, 3, 8), (3, 8, 8), (3, 3, 3), (0, 0, 4), (0, 4, 4)])
def test_a_forecast_with_a_degenerate_estimate_runs(kind, estimate):
    """The crash of the issue: optimistic = most likely failed the whole forecast."""
    parameters = dataclasses.replace(SCHEDULE, distribution=kind)
    tasks = (
        one(*estimate, due=AS_OF + timedelta(days=10)),
        ScheduleTask("y", "p", 1, 2, 3, depends_on=("x",)),
    )
    result = forecast_schedule(ScheduleInput(tasks, AS_OF), parameters, iterations=2_000)
    finish = result.task("x").quantiles
    assert AS_OF <= finish["P50"] <= finish["P80"] <= finish["P95"]
    assert result.task("y").quantiles["P50"] > finish["P50"]


estimates = st.lists(
    st.tuples(
        st.sampled_from([0, 1, 2, 3, 2.5, 7, 40]),
        st.sampled_from([0, 1, 4, 0.5]),
        st.sampled_from([0, 1, 6, 2.25]),
        st.sampled_from([1.0, 1.0, 0.7, 1.35]),
    ),
    min_size=1,
    max_size=12,
)


def cdf_row(task: ScheduleTask, factor: float, parameters) -> np.ndarray:
    """The task's own CDF over its candidate whole days, computed for it alone."""
    low = math.floor(factor * task.optimistic)
    values = np.arange(low, math.ceil(factor * task.pessimistic) + 1).astype(float)
    return _duration_cdf([task], [factor], np.zeros(len(values), dtype=int), values, parameters)


@settings(max_examples=80, deadline=None)
@given(
    estimates=estimates,
    kind=st.sampled_from(["triangular", "pert"]),
    days=st.sampled_from(["whole", "continuous"]),
)
def test_tasks_that_share_a_cdf_row_have_the_very_same_row(estimates, kind, days):
    """The table computes each distinct CDF row once (same estimate and factor or, in whole
    days with factor 1 and whole-day estimates, the same shape shifted): the row a task
    borrows is bit for bit the one it would compute itself."""
    parameters = dataclasses.replace(PERT, distribution=kind, working_days=days)
    tasks = [one(low, low + up, low + up + more) for low, up, more, _ in estimates]
    factors = np.array([factor for *_, factor in estimates])
    for i, shared in enumerate(_shared_rows(tasks, factors, parameters)):
        assert shared <= i
        mine, theirs = (cdf_row(tasks[t], factors[t], parameters) for t in (i, shared))
        np.testing.assert_array_equal(mine, theirs)


# -- work already under way ------------------------------------------------------------------


def started(low, mode, high, days_ago: int, **fields) -> ScheduleTask:
    return one(low, mode, high, start=AS_OF - timedelta(days=days_ago), status="in_progress",
               **fields)  # fmt: skip


def conditional(kind: str, estimate, elapsed: int, d: int) -> float:
    """P(D <= d | D > elapsed) in closed form."""
    cdf = CDF[kind]
    before = cdf(*estimate, elapsed)
    return max(cdf(*estimate, d) - before, 0.0) / (1.0 - before)


@pytest.mark.parametrize("kind", ["triangular", "pert"])
def test_work_already_late_is_drawn_given_the_days_it_has_run(kind):
    """The issue's case: started 30 working days ago, estimate 10/20/40. Its remaining
    duration follows the conditional distribution, not the whole estimate floored at today."""
    parameters = dataclasses.replace(PERT, distribution=kind)
    estimate = (10, 20, 40)
    data = ScheduleInput(
        (
            started(*estimate, 30, due=AS_OF + timedelta(days=4)),
            ScheduleTask("y", "p", 5, 5, 5, depends_on=("x",)),
        ),
        AS_OF,
        {"p": EVERY_DAY},
    )
    sim = simulate(data, parameters, iterations=20_000, seed=4)
    row = sim.durations[sim.task_ids.index("x")]
    for d in range(30, 42):
        assert abs(table_cdf(row, d) - conditional(kind, estimate, 30, d)) < 0.012, d
    result = forecast_schedule(data, parameters, iterations=20_000, seed=4)
    x = result.task("x")
    # On time iff D <= 35 (D = 31 finishes on as_of, the due date is four days later).
    expected = conditional(kind, estimate, 30, 35)
    assert abs(x.probability_on_time - expected) < 4 * math.sqrt(expected * (1 - expected) / 2e4)
    assert x.probability_on_time < 0.95
    assert x.quantiles["P80"] > AS_OF
    # The successor inherits the remaining work: it starts the day after x finishes.
    median = min(d for d in range(31, 41) if conditional(kind, estimate, 30, d) >= 0.5)
    assert x.quantiles["P50"] == AS_OF + timedelta(days=median - 31)
    assert result.task("y").quantiles["P50"] == x.quantiles["P50"] + timedelta(days=5)


@settings(max_examples=40, deadline=None)
@given(
    estimate=st.tuples(st.integers(0, 10), st.integers(0, 10), st.integers(0, 20)).map(
        lambda t: (t[0], t[0] + t[1], t[0] + t[1] + t[2])
    ),
    elapsed=st.integers(0, 60),
    kind=st.sampled_from(["triangular", "pert"]),
)
def test_a_started_task_never_finishes_within_the_days_it_has_already_run(estimate, elapsed, kind):
    """Conditioned draws exceed the elapsed days; within the estimate's reach they follow
    P(D <= d | D > e), and past it the task still has work left."""
    parameters = dataclasses.replace(PERT, distribution=kind)
    task = started(*estimate, elapsed)
    row = quantile_table([task], [1.0], parameters, np.array([elapsed]))[0].astype(int)
    assert row.min() > elapsed
    survival = 1.0 - CDF[kind](*estimate, elapsed)
    if survival >= parameters.elapsed_min_survival:
        for d in range(elapsed, estimate[2] + 2):
            expected = conditional(kind, estimate, elapsed, d)
            assert abs(table_cdf(row, d) - expected) <= 1.0 / G + 1e-6 / survival, d


def test_a_task_still_open_later_is_never_forecast_to_finish_earlier():
    """The same started task seen at later status dates, still not finished: each new day
    without delivery moves its P50 and P80 later or leaves them, never earlier."""
    start = AS_OF - timedelta(days=30)
    finishes = []
    for days in (0, 5, 10, 15, 20, 30):
        as_of = AS_OF - timedelta(days=20) + timedelta(days=days)
        task = one(10, 20, 40, start=start, status="in_progress")
        result = forecast_schedule(ScheduleInput((task,), as_of, {"p": EVERY_DAY}), PERT,
                                   iterations=4_000)  # fmt: skip
        finishes.append((result.task("x").quantiles["P50"], result.task("x").quantiles["P80"]))
    for earlier, later in itertools.pairwise(finishes):
        assert later[0] >= earlier[0] and later[1] >= earlier[1]


def test_conditioning_can_be_switched_off_for_the_old_floor():
    data = ScheduleInput((started(10, 20, 40, 30),), AS_OF, {"p": EVERY_DAY})
    old = dataclasses.replace(PERT, condition_on_elapsed=False)
    assert forecast_schedule(data, old, iterations=4_000).task("x").quantiles["P80"] == AS_OF
    assert forecast_schedule(data, PERT, iterations=4_000).task("x").quantiles["P80"] > AS_OF


# -- whole or continuous working days --------------------------------------------------------


def mean_continuous(low, mode, high, lam=4.0) -> float:
    return (low + lam * mode + high) / (lam + 2)


def test_continuous_days_keep_a_chains_mean_and_whole_days_add_half_a_day_per_task():
    estimate = (2, 4, 9)
    n_tasks, n = 20, 20_000
    tasks = tuple(
        ScheduleTask(f"c{i:02d}", "p", *estimate, depends_on=((f"c{i - 1:02d}",) if i else ()))
        for i in range(n_tasks)
    )
    data = ScheduleInput(tasks, AS_OF, {"p": EVERY_DAY})
    lengths = {}
    for convention in ("whole", "continuous"):
        parameters = dataclasses.replace(PERT, working_days=convention)
        sim = simulate(data, parameters, iterations=n, seed=9)
        # Days from as_of to the last finish, inclusive: the chain's length in working days.
        last = sim.finish[sim.task_ids.index("c19")] - (AS_OF - sim.origin).days + 1
        lengths[convention] = (last.mean(), last.std() / math.sqrt(n))
    expected = n_tasks * mean_continuous(*estimate)
    mean, error = lengths["continuous"]
    assert abs(mean - expected) < 4 * error + 0.05
    whole, _ = lengths["whole"]
    assert 0.4 * n_tasks < whole - expected < 0.6 * n_tasks


@settings(max_examples=40, deadline=None)
@given(
    estimate=st.tuples(st.integers(0, 10), st.integers(0, 10), st.integers(0, 20)).map(
        lambda t: (t[0], t[0] + t[1], t[0] + t[1] + t[2])
    ),
    kind=st.sampled_from(["triangular", "pert"]),
)
def test_continuous_days_are_unbiased_whole_draws(estimate, kind):
    """E[D] = E[X] (at least one day for a task with work): the fraction is kept on average."""
    parameters = dataclasses.replace(PERT, distribution=kind, working_days="continuous")
    row = quantile_table([one(*estimate)], [1.0], parameters)[0].astype(float)
    low, mode, high = estimate
    grid = np.linspace(low, high, 20_001)
    density_mean = (
        (low + mode + high) / 3 if kind == "triangular" else mean_continuous(low, mode, high)
    )
    if high == 0:
        assert row.max() == 0
        return
    # E[max(D, 1)] differs from E[X] only by the mass below one day.
    below_one = sum(CDF[kind](*estimate, x) for x in grid[grid < 1]) * (grid[1] - grid[0])
    expected = density_mean + below_one * (high > 0)
    assert abs(row.mean() - expected) < 0.02 * max(1.0, expected) + 1.0 / G * high


def test_every_forecast_says_its_day_convention():
    data = ScheduleInput((one(2, 4, 9),), AS_OF)
    assert forecast_schedule(data, iterations=500).working_days == "whole"
    continuous = dataclasses.replace(SCHEDULE, working_days="continuous")
    assert forecast_schedule(data, continuous, iterations=500).working_days == "continuous"


# -- risk events and contingency -------------------------------------------------------------


def test_a_risk_event_adds_its_days_with_its_probability_to_every_task_it_threatens():
    """Risk driver (AACE 57R-09): one occurrence per iteration shared by the commitments it
    threatens, so they are late together (P = p, not p squared)."""
    from alliance.insights.schedule import ScheduleRisk

    tasks = (
        ScheduleTask("a", "p", 10, 10, 10, due=AS_OF + timedelta(days=12)),
        ScheduleTask("b", "p", 5, 5, 5, due=AS_OF + timedelta(days=6)),
    )
    risk = ScheduleRisk("resettlement", 0.3, 7, ("a", "b"), "resettlement")
    n = 20_000
    data = ScheduleInput(tasks, AS_OF, {"p": EVERY_DAY}, risks=(risk,))
    sim = simulate(data, PERT, iterations=n, seed=3)
    a, b = (sim.durations[sim.task_ids.index(t)] for t in ("a", "b"))
    assert set(np.unique(a)) == {10, 17} and set(np.unique(b)) == {5, 12}
    late_a, late_b = a > 10, b > 5
    assert abs(late_a.mean() - 0.3) < 4 * math.sqrt(0.21 / n)
    assert (late_a == late_b).all()  # the same occurrence
    result = forecast_schedule(data, PERT, iterations=n, seed=3)
    assert abs(result.task("a").probability_on_time - 0.7) < 4 * math.sqrt(0.21 / n)


def test_the_tornado_says_how_far_each_risk_moves_a_milestones_p80():
    from alliance.insights.schedule import ScheduleRisk

    tasks = (
        ScheduleTask("works", "p", 10, 10, 10, milestone="commissioning"),
        ScheduleTask("permit", "p", 3, 3, 3, milestone="commissioning"),
    )
    risks = (
        ScheduleRisk("resettlement", 0.5, 23, ("works",), "resettlement"),
        ScheduleRisk("strike", 0.1, 5, ("works",), "strike"),  # below the P80: moves nothing
        ScheduleRisk("rain", 0.9, 2, ("permit",), "rain"),  # off the longest path
    )
    data = ScheduleInput(tasks, AS_OF, {"p": EVERY_DAY}, risks=risks)
    (milestone,) = forecast_schedule(data, PERT, iterations=10_000).milestones
    assert [(s.risk_id, s.working_days) for s in milestone.risks] == [("resettlement", 23)]
    assert milestone.risks[0].without_risk == AS_OF + timedelta(days=9)
    assert milestone.deterministic == AS_OF + timedelta(days=9)
    assert milestone.contingency_working_days == 23


def test_contingency_is_what_the_p80_needs_beyond_the_deterministic_plan():
    """Four parallel branches into one milestone: CPM on most-likely durations promises the
    longest most-likely branch; merge bias puts the P80 later, and the contingency says so."""
    branches = [(2, 4, 9), (3, 5, 7), (1, 4, 12), (4, 5, 6)]
    tasks = tuple(
        ScheduleTask(f"b{i}", f"p{i}", *est, milestone="close") for i, est in enumerate(branches)
    )
    data = ScheduleInput(tasks, AS_OF, dict.fromkeys([f"p{i}" for i in range(4)], EVERY_DAY))
    (close,) = forecast_schedule(data, PERT, iterations=10_000).milestones
    assert close.deterministic == AS_OF + timedelta(days=4)  # the longest most likely: 5 days
    p80 = close.quantiles["P80"]
    assert close.contingency_working_days == (p80 - close.deterministic).days > 0
    assert close.paths == 4  # the merge of four paths is what the contingency is for


def test_merging_paths_count_the_open_paths_into_a_milestone():
    """A chain is one path, a diamond two, a delivered branch none; a task that another task of
    the milestone waits for is not a separate end."""
    t = ScheduleTask
    delivered = dict(status="delivered", actual_finish=AS_OF - timedelta(days=3))
    tasks = (
        t("a", "p", 1, 2, 3, milestone="chain"),
        t("b", "p", 1, 2, 3, depends_on=("a",), milestone="chain"),
        t("s", "p", 1, 2, 3),
        t("l", "p", 1, 2, 3, depends_on=("s",)),
        t("r", "p", 1, 2, 3, depends_on=("s",)),
        t("d", "p", 1, 2, 3, depends_on=("l", "r"), milestone="diamond"),
        t("x", "p", 1, 2, 3, milestone="with delivered", **delivered),
        t("y", "p", 1, 2, 3, milestone="with delivered"),
        t("z", "p", 1, 2, 3, milestone="done", **delivered),
    )
    data = ScheduleInput(tasks, AS_OF, {"p": EVERY_DAY})
    result = forecast_schedule(data, PERT, iterations=200)
    paths = {m.name: m.paths for m in result.milestones}
    assert paths == {"chain": 1, "diamond": 2, "with delivered": 1, "done": 0}
