"""Soundness of the schedule-risk Monte Carlo: closed forms, a slow reference, properties."""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import date, timedelta

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from alliance.insights.calendars import WorkingCalendar
from alliance.insights.parameters import SCHEDULE
from alliance.insights.schedule import (
    PartyHistory,
    ScheduleCycleError,
    ScheduleInput,
    ScheduleInputError,
    ScheduleTask,
    forecast_schedule,
    learn_slippage,
    simulate,
)
from alliance.insights.tests.schedule_reference import replay

AS_OF = date(2026, 3, 2)  # a Monday
EVERY_DAY = WorkingCalendar(weekmask="1111111")
INDEPENDENT = dataclasses.replace(SCHEDULE, party_correlation=0.0)


def task(task_id: str, low: float, mode: float, high: float, *deps: str, **fields) -> ScheduleTask:
    fields.setdefault("party", "p")
    return ScheduleTask(
        task_id, optimistic=low, most_likely=mode, pessimistic=high, depends_on=deps, **fields
    )


def pert_cdf(low: float, mode: float, high: float, x, lam: float = 4.0):
    """P(X <= x) for the Beta-PERT distribution."""
    if high == low:
        return np.asarray(x >= low, dtype=float)
    c = (mode - low) / (high - low)
    y = np.clip((np.asarray(x, dtype=float) - low) / (high - low), 0, 1)
    return special.betainc(1 + lam * c, 1 + lam * (1 - c), y)


def mean_whole_days(low: float, mode: float, high: float, factor: float = 1.0) -> float:
    """E[ceil(factor X)] = sum over k >= 0 of P(factor X > k)."""
    k = np.arange(0, math.ceil(factor * high) + 1)
    return float((1 - pert_cdf(low, mode, high, k / factor)).sum())


def random_schedule(seed: int, size: int = 24) -> ScheduleInput:
    """A random DAG over three parties with different calendars, some tasks delivered or started."""
    rng = random.Random(seed)
    calendars = {
        "ministry": WorkingCalendar.for_country("SA", years=[2026, 2027]),
        "lender": WorkingCalendar.for_country("FR", years=[2026, 2027]),
        "contractor": WorkingCalendar(blackouts=((date(2026, 3, 20), date(2026, 4, 5)),)),
    }
    tasks = []
    for i in range(size):
        low = rng.choice([0, 1, 2, 3])
        mode = low + rng.choice([0, 1, 2, 4])
        high = mode + rng.choice([0, 1, 3, 8])
        deps = tuple(f"t{j:02d}" for j in range(i) if rng.random() < 2.5 / (i + 1))
        fields = {"party": rng.choice(sorted(calendars)), "label": f"task {i}"}
        if rng.random() < 0.5:
            fields["due"] = AS_OF + timedelta(days=rng.randint(-5, 60))
        if rng.random() < 0.3:
            fields["start"] = AS_OF + timedelta(days=rng.randint(-10, 20))
        roll = rng.random()
        if roll < 0.15:
            fields.update(
                status="delivered", actual_finish=AS_OF - timedelta(days=rng.randint(0, 9))
            )
        elif roll < 0.3:
            fields["status"] = "in_progress"
        if rng.random() < 0.3:
            fields["milestone"] = rng.choice(["financial close", "works start"])
        tasks.append(task(f"t{i:02d}", low, mode, high, *deps, **fields))
    histories = (PartyHistory("ministry", (10, 5, 8), (15, 9, 8)),)
    return ScheduleInput(tuple(tasks), AS_OF, calendars, histories)


# -- agreement with the slow reference ---------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_vectorised_run_matches_one_iteration_at_a_time_reference(seed):
    data = random_schedule(seed)
    sim = simulate(data, iterations=40, seed=seed)
    durations = dict(zip(sim.task_ids, sim.durations, strict=True))
    finishes, critical = replay(data, durations, 40)
    for row, task_id in enumerate(sim.task_ids):
        engine = [sim.origin + timedelta(days=int(day)) for day in sim.finish[row]]
        assert engine == finishes[task_id], task_id
        assert sim.samples.critical[row] == critical[task_id], task_id


def test_critical_paths_match_the_reference_when_flags_span_several_words():
    # Chunks of 96 iterations pack into two 64-bit words, the last chunk of 34 into a padded one.
    data = random_schedule(2, size=30)
    parameters = dataclasses.replace(SCHEDULE, chunk_iterations=96)
    sim = simulate(data, parameters, iterations=130, seed=5)
    durations = dict(zip(sim.task_ids, sim.durations, strict=True))
    _, critical = replay(data, durations, 130)
    assert {
        task_id: int(sim.samples.critical[row]) for row, task_id in enumerate(sim.task_ids)
    } == (critical)
    assert sum(critical.values()) >= 130  # every iteration has a path


@pytest.mark.parametrize("seed", range(3))
def test_days_beyond_two_bytes_give_the_same_forecast(seed):
    """Days are counted in two bytes while the plan spans under ninety years; a delivery a
    century back stretches the span past that, the engine counts in four, and nothing moves."""
    data = random_schedule(seed)
    ancient = task("a-ancient", 1, 2, 3, status="delivered", actual_finish=date(1926, 3, 2))
    old = dataclasses.replace(data, tasks=(*data.tasks, ancient))
    sims = [simulate(d, iterations=300, seed=seed) for d in (data, old)]
    assert [sim.model.day_dtype for sim in sims] == [np.int16, np.int32]
    (new_sim, old_sim), rows = sims, {task_id: row for row, task_id in enumerate(sims[1].task_ids)}
    for row, task_id in enumerate(new_sim.task_ids):
        other = rows[task_id]
        np.testing.assert_array_equal(new_sim.durations[row], old_sim.durations[other])
        np.testing.assert_array_equal(
            new_sim.finish[row] + (new_sim.origin - old_sim.origin).days, old_sim.finish[other]
        )
        assert new_sim.samples.critical[row] == old_sim.samples.critical[other]
    forecasts = [forecast_schedule(d, iterations=300, seed=seed) for d in (data, old)]
    assert forecasts[0].milestones == forecasts[1].milestones
    assert forecasts[0].tasks == tuple(t for t in forecasts[1].tasks if t.id != "a-ancient")


def test_project_length_is_the_networkx_longest_path():
    data = random_schedule(7, size=30)
    plain = tuple(
        dataclasses.replace(
            t, status="planned", actual_finish=None, start=None, optimistic=max(t.optimistic, 1)
        )
        for t in data.tasks
    )
    data = ScheduleInput(plain, AS_OF, {})
    data = dataclasses.replace(
        data, calendars=dict.fromkeys(("ministry", "lender", "contractor"), EVERY_DAY)
    )
    sim = simulate(data, iterations=25, seed=3)
    graph = nx.DiGraph((dep, t.id) for t in plain for dep in t.depends_on)
    graph.add_nodes_from(t.id for t in plain)
    row = {task_id: i for i, task_id in enumerate(sim.task_ids)}
    for i in range(25):
        weighted = nx.DiGraph()
        for u, v in graph.edges:
            weighted.add_edge(u, v, weight=int(sim.durations[row[u], i]))
        for node in graph:  # a sink per task carries the task's own duration
            weighted.add_edge(node, ("end", node), weight=int(sim.durations[row[node], i]))
        length = nx.dag_longest_path_length(weighted)
        last_ready = sim.finish[:, i].max() + 1
        assert sim.origin + timedelta(days=int(last_ready)) == AS_OF + timedelta(days=length)


# -- closed forms --------------------------------------------------------------


def test_merge_bias_probability_is_the_product_of_the_branches():
    branches = [(2, 4, 9), (3, 5, 7), (1, 4, 12), (4, 4, 6)]
    due = AS_OF + timedelta(days=5)  # branch finishes on day d - 1, so on time iff d <= 6
    tasks = [task(f"b{i}", *est, party=f"p{i}") for i, est in enumerate(branches)]
    tasks.append(
        task("merge", 1, 1, 1, *(t.id for t in tasks), party="m", due=due + timedelta(days=1))
    )
    data = ScheduleInput(
        tuple(tasks), AS_OF, dict.fromkeys([f"p{i}" for i in range(4)] + ["m"], EVERY_DAY)
    )
    n = 20_000
    result = forecast_schedule(data, iterations=n, seed=11)
    expected = math.prod(float(pert_cdf(*est, 6)) for est in branches)
    standard_error = math.sqrt(expected * (1 - expected) / n)
    assert abs(result.task("merge").probability_on_time - expected) < 3 * standard_error
    # and each branch alone has its own probability (the merge is lower than every one)
    assert expected < min(float(pert_cdf(*est, 6)) for est in branches)


def test_serial_chain_mean_finish_is_the_sum_of_means():
    chain = [(2, 3, 7), (1, 5, 6), (3, 3, 3), (0, 2, 10), (4, 6, 15)]
    tasks = [task(f"c{i}", *est, *((f"c{i - 1}",) if i else ())) for i, est in enumerate(chain)]
    history = PartyHistory("p", (10, 10, 10, 10, 10), (13, 11, 14, 12, 12))
    data = ScheduleInput(tuple(tasks), AS_OF, {"p": EVERY_DAY}, (history,))
    factor = learn_slippage("p", data.histories).factor
    n = 20_000
    sim = simulate(data, INDEPENDENT, iterations=n, seed=5)
    last = sim.finish[sim.task_ids.index("c4")] - (AS_OF - sim.origin).days
    expected = sum(mean_whole_days(*est, factor) for est in chain) - 1
    assert factor > 1
    assert abs(last.mean() - expected) < 3 * last.std() / math.sqrt(n)


def test_sampled_durations_follow_the_pert_distribution():
    data = ScheduleInput((task("x", 2, 5, 14),), AS_OF, {"p": EVERY_DAY})
    durations = simulate(data, iterations=20_000, seed=1).durations[0]
    k = np.arange(2, 15)
    observed = np.array([(durations <= value).mean() for value in k])
    assert np.abs(observed - pert_cdf(2, 5, 14, k)).max() < 0.015


def test_party_correlation_links_one_partys_durations_and_keeps_their_distribution():
    tasks = (task("a", 2, 5, 14), task("b", 2, 5, 14), task("c", 2, 5, 14, party="other"))
    data = ScheduleInput(tasks, AS_OF, {})
    rho = 0.5
    sim = simulate(
        data, dataclasses.replace(SCHEDULE, party_correlation=rho), iterations=20_000, seed=2
    )
    a, b, c = sim.durations
    expected = 6 / math.pi * math.asin(rho / 2)  # Spearman of a Gaussian copula
    assert (
        abs(stats.spearmanr(a, b).statistic - expected) < 0.05
    )  # ties in whole days lower it a little
    assert abs(stats.spearmanr(a, c).statistic) < 0.03
    assert abs(a.mean() - mean_whole_days(2, 5, 14)) < 3 * a.std() / math.sqrt(len(a))


# -- behaviour -----------------------------------------------------------------


def test_delivered_task_is_fixed_and_lets_successors_start_the_next_day():
    finished = date(2026, 2, 27)  # a Friday
    tasks = (
        task("done", 5, 8, 20, status="delivered", actual_finish=finished),
        task("next", 1, 1, 1, "done"),
    )
    result = forecast_schedule(ScheduleInput(tasks, date(2026, 2, 27), {}), iterations=50)
    assert set(result.task("done").quantiles.values()) == {finished}
    assert set(result.task("next").quantiles.values()) == {date(2026, 3, 2)}  # Monday


def test_blackout_holds_work_until_it_ends():
    calendar = WorkingCalendar(blackouts=((date(2026, 3, 2), date(2026, 3, 13)),))
    data = ScheduleInput((task("vote", 2, 2, 2),), AS_OF, {"p": calendar})
    assert forecast_schedule(data, iterations=10).task("vote").quantiles["P50"] == date(2026, 3, 17)


def test_cycle_error_names_the_cycle():
    tasks = (
        task("a", 1, 2, 3, "c", label="permit"),
        task("b", 1, 2, 3, "a"),
        task("c", 1, 2, 3, "b"),
        task("d", 1, 2, 3),
    )
    with pytest.raises(ScheduleCycleError) as error:
        simulate(ScheduleInput(tasks, AS_OF), iterations=10)
    assert sorted(error.value.cycle) == ["a", "b", "c"]
    assert "a (permit)" in str(error.value)


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        ((task("a", 1, 2, 3, "ghost"),), "unknown"),
        ((task("a", 3, 2, 1),), "optimistic"),
        ((task("a", 1, 2, 3, status="delivered"),), "actual_finish"),
        ((task("a", 1, 2, 3), task("a", 1, 2, 3)), "unique"),
    ],
)
def test_inconsistent_input_is_refused(tasks, message):
    with pytest.raises(ScheduleInputError, match=message):
        simulate(ScheduleInput(tasks, AS_OF), iterations=10)


def test_an_input_without_tasks_forecasts_nothing_instead_of_failing():
    empty = ScheduleInput((), AS_OF, milestone_dues={"financial close": AS_OF})
    result = forecast_schedule(empty)
    assert (result.tasks, result.milestones, result.cascade, result.parties) == ((), (), (), ())
    assert result.as_of == AS_OF and result.iterations == 0
    with pytest.raises(ScheduleInputError, match="no task"):
        simulate(empty, iterations=10)


def test_delay_cascade_shows_what_a_late_task_pushes_downstream():
    tasks = (
        task("permit", 5, 10, 40, due=AS_OF + timedelta(days=7), label="environmental permit"),
        task("design", 5, 6, 8, "permit"),
        task("works", 10, 12, 15, "design", milestone="works start"),
        task("unrelated", 1, 2, 3, due=AS_OF + timedelta(days=30)),
    )
    result = forecast_schedule(ScheduleInput(tasks, AS_OF), iterations=1000, seed=4)
    (cascade,) = result.cascade
    assert cascade.task_id == "permit"
    assert cascade.reason == "at risk"
    assert cascade.own_delay > 0
    assert [shift.task_id for shift in cascade.affected] == ["design", "works"] or {
        shift.task_id for shift in cascade.affected
    } == {"design", "works"}
    assert cascade.days_added == max(shift.working_days for shift in cascade.affected)
    for shift in cascade.affected:
        assert shift.with_delay > shift.without_delay
        assert shift.with_delay == result.task(shift.task_id).quantiles["P80"]


def test_overdue_task_is_in_the_cascade():
    tasks = (
        task(
            "late",
            3,
            4,
            6,
            status="in_progress",
            start=AS_OF - timedelta(days=20),
            due=AS_OF - timedelta(days=3),
        ),
    )
    result = forecast_schedule(ScheduleInput(tasks, AS_OF), iterations=100)
    assert result.task("late").probability_on_time == 0
    assert [(c.task_id, c.reason) for c in result.cascade] == [("late", "overdue")]


def test_sensitivity_ranks_the_uncertain_branch_first_and_criticality_follows_it():
    tasks = (
        task("volatile", 1, 5, 30),
        task("steady", 4, 4, 4),
        task("close", 1, 1, 1, "volatile", "steady", milestone="financial close"),
    )
    result = forecast_schedule(ScheduleInput(tasks, AS_OF, {}), iterations=3000, seed=9)
    (milestone,) = result.milestones
    assert milestone.sensitivity[0].task_id == "volatile"
    assert "steady" not in [s.task_id for s in milestone.sensitivity]  # never varies
    assert result.task("volatile").criticality > result.task("steady").criticality
    assert result.task("close").criticality == 1
    shares = {driver.task_id: driver.share for driver in result.task("close").drivers}
    assert shares["volatile"] > shares["steady"]


def test_slippage_is_shrunk_toward_the_prior_when_history_is_short():
    short = learn_slippage("p", [PartyHistory("p", (10,), (20,))])
    long = learn_slippage("p", [PartyHistory("p", (10,) * 50, (20,) * 50)])
    assert 1 < short.factor < long.factor < 2.0001
    assert short.observations == 1 and short.observed_log_ratio == pytest.approx(math.log(2))


# -- properties ------------------------------------------------------------------

small_schedules = st.integers(min_value=0, max_value=10_000).map(
    lambda seed: random_schedule(seed, size=12)
)


@settings(max_examples=15, deadline=None)
@given(small_schedules, st.data())
def test_delaying_a_task_never_brings_a_downstream_p80_earlier(data, draw):
    open_tasks = [t for t in data.tasks if t.status != "delivered"]
    chosen = draw.draw(st.sampled_from(open_tasks))
    extra = draw.draw(st.integers(min_value=1, max_value=10))
    slower = dataclasses.replace(
        chosen, most_likely=chosen.most_likely + extra, pessimistic=chosen.pessimistic + extra
    )
    delayed = dataclasses.replace(
        data, tasks=tuple(slower if t is chosen else t for t in data.tasks)
    )
    before = forecast_schedule(data, iterations=200, seed=1)
    after = forecast_schedule(delayed, iterations=200, seed=1)
    for old, new in zip(before.tasks, after.tasks, strict=True):
        assert new.quantiles["P80"] >= old.quantiles["P80"], old.id


@settings(max_examples=10, deadline=None)
@given(small_schedules, st.randoms())
def test_results_do_not_depend_on_input_order(data, rnd):
    shuffled = list(data.tasks)
    rnd.shuffle(shuffled)
    shuffled = [
        dataclasses.replace(t, depends_on=tuple(rnd.sample(t.depends_on, len(t.depends_on))))
        for t in shuffled
    ]
    reordered = dataclasses.replace(
        data, tasks=tuple(shuffled), calendars=dict(reversed(data.calendars.items()))
    )
    assert forecast_schedule(reordered, iterations=300) == forecast_schedule(data, iterations=300)


@settings(max_examples=5, deadline=None)
@given(small_schedules)
def test_same_seed_gives_the_same_result_whatever_the_threads(data):
    one_thread = dataclasses.replace(SCHEDULE, threads=1, chunk_iterations=64)
    two_threads = dataclasses.replace(one_thread, threads=2)
    assert forecast_schedule(data, one_thread, iterations=300, seed=8) == forecast_schedule(
        data, two_threads, iterations=300, seed=8
    )
