"""The forecast's compiled statistics and replayed cascades against the code they replaced.

Each fast path must give exactly what the previous one gave (``schedule_previous.py`` keeps
it verbatim): the same delay cascades, quantiles, P(on time), Spearman sensitivities (the
very same floats), upstream sets, merging paths and shared CDF rows, on small random
schedules with delivered and started work, risks, calendars and milestones.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.insights import schedule
from alliance.insights.parameters import SCHEDULE
from alliance.insights.schedule import ScheduleRisk, simulate
from alliance.insights.schedule_engine import Model, _shared_rows, counted_quantiles, plan
from alliance.insights.tests import schedule_previous as previous
from alliance.insights.tests.test_schedule import AS_OF, random_schedule

PARAMETERS = dataclasses.replace(
    SCHEDULE, chunk_iterations=64, cascade_iterations=90, at_risk_probability=0.95
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def schedule_input(seed: int, size: int, started: bool, risks: bool):
    data = random_schedule(seed, size=size)
    tasks = data.tasks
    if started:
        tasks = tuple(
            dataclasses.replace(
                task, status="in_progress", start=AS_OF - timedelta(days=2 + k % 15)
            )
            if k % 4 == 1 and task.status != "delivered"
            else task
            for k, task in enumerate(tasks)
        )
    ids = [task.id for task in tasks]
    threats = (
        (
            ScheduleRisk("a", 0.4, 3, tuple(ids[1::3]), "a"),
            ScheduleRisk("b", 0.7, 1.5, tuple(ids[::5]), "b"),
        )
        if risks
        else ()
    )
    return dataclasses.replace(data, tasks=tasks, risks=threats)


inputs = st.builds(
    schedule_input,
    seed=st.integers(0, 10_000),
    size=st.integers(2, 45),
    started=st.booleans(),
    risks=st.booleans(),
)


def simulated(data, iterations: int, seed: int = 3):
    sim = simulate(data, PARAMETERS, iterations=iterations, seed=seed)
    quantiles, on_time = schedule._task_quantiles(sim.model, sim.samples)
    return sim, quantiles, on_time


@SETTINGS
@given(data=inputs, iterations=st.integers(1, 300))
def test_the_replayed_cascades_are_the_planned_ones(data, iterations):
    sim, _, on_time = simulated(data, iterations)
    assert schedule._cascade(sim.model, sim, on_time) == previous.cascade(sim.model, sim, on_time)


@SETTINGS
@given(data=inputs, iterations=st.integers(2, 300))
def test_the_counted_sensitivity_is_the_matrix_product_one(data, iterations):
    sim, _, _ = simulated(data, iterations)
    if not sim.model.milestone_names:
        return
    found, expected = schedule._sensitivity(sim.model, sim), previous.sensitivity(sim.model, sim)
    np.testing.assert_array_equal(found, expected)  # NaN where NaN, every float the same


@SETTINGS
@given(data=inputs)
def test_the_upstream_sets_and_merging_paths_are_the_walked_ones(data):
    model = simulate(data, PARAMETERS, iterations=1).model
    strict, paths = schedule._strictly_upstream(model), schedule._paths(model)
    for row, members in enumerate(model.milestone_members):
        tasks = [int(model.order[p]) for p in members]
        upstream = strict[:, row].copy()
        upstream[members] = True
        assert set(np.flatnonzero(upstream)) == previous.upstream(model, tasks)
        ends = [p for p in members if p >= model.n_fixed and not strict[p, row]]
        assert sum(paths[p] for p in ends) == previous.merging_paths(model, tasks)


@SETTINGS
@given(data=inputs, iterations=st.integers(1, 300))
def test_the_counted_quantiles_are_the_histogram_ones(data, iterations):
    sim, quantiles, on_time = simulated(data, iterations)
    model, finish = sim.model, sim.samples.finish
    low = model.finish_low
    expected = previous.histogram_quantiles(
        finish,
        np.zeros_like(low),
        model.finish_high - low,
        PARAMETERS.quantiles,
        due=np.minimum(model.due, model.finish_high + 1) - low,
    )
    np.testing.assert_array_equal(quantiles, expected[0] + low[:, None])
    np.testing.assert_array_equal(on_time, expected[1])
    for q in (0.0, 0.31, 0.8, 1.0):
        np.testing.assert_array_equal(
            schedule._quantile_rows(sim.samples.milestones, q),
            previous.quantile_rows(sim.samples.milestones, q),
        )


@given(
    rows=st.lists(st.lists(st.integers(-40, 40), min_size=5, max_size=5), min_size=1),
    quantiles=st.lists(st.floats(0, 1), min_size=1, max_size=4),
    due=st.integers(-50, 50),
)
def test_quantiles_by_counting_in_any_order_of_quantiles(rows, quantiles, due):
    values = np.array(rows, dtype=np.int32)
    low, high = values.min(axis=1) - 1, values.max(axis=1) + 2
    dues = np.full(len(rows), due)
    found = counted_quantiles(values, low, high, quantiles, due=dues, threads=2)
    expected = previous.histogram_quantiles(values, low, high, quantiles, due=dues)
    np.testing.assert_array_equal(found[0], expected[0])
    np.testing.assert_array_equal(found[1], expected[1])


estimates = st.lists(
    st.tuples(
        st.sampled_from([0.0, 1.0, 2.0, 2.5, 3.0]),
        st.sampled_from([0.0, 1.0, 2.0, 4.0]),
        st.sampled_from([0.0, 1.0, 3.0]),
        st.sampled_from([1.0, 1.0, 0.8, 1.3]),
    ),
    min_size=0,
    max_size=30,
)


@given(rows=estimates, days=st.sampled_from(["whole", "continuous"]))
def test_the_shared_cdf_rows_are_the_first_equal_ones(rows, days):
    parameters = dataclasses.replace(SCHEDULE, working_days=days)
    tasks = [
        schedule.ScheduleTask(f"t{i}", "p", low, low + up, low + up + more)
        for i, (low, up, more, _) in enumerate(rows)
    ]
    factors = np.array([factor for *_, factor in rows], dtype=float)
    found = _shared_rows(tasks, factors, parameters)
    np.testing.assert_array_equal(found, previous.shared_rows(tasks, factors, parameters))


@SETTINGS
@given(data=inputs)
def test_the_plan_is_the_level_by_level_one(data):
    model = Model(data, PARAMETERS)
    fixed = set(model.fixed)
    open_tasks = [t for t in range(len(model.tasks)) if t not in fixed]
    laid = [{task: p for p, task in enumerate(model.fixed)} for _ in range(2)]
    edges: list[list] = [[], []]
    topological = sorted(model.topo, key=model.topo.__getitem__)
    order, flat = plan(open_tasks, model.preds, topological, laid[0], edges[0], model.started)
    old_order, levels = previous.plan(
        open_tasks, model.preds, model.topo, laid[1], edges[1], model.started
    )
    expected = previous.flatten(levels)
    assert order == old_order and laid[0] == laid[1] and edges[0] == edges[1]
    assert (flat.lo, flat.hi) == (expected.lo, expected.hi)
    for name in ("pred_ptr", "pred_pos", "pred_edge", "floor"):
        found, wanted = getattr(flat, name), getattr(expected, name)
        assert found.dtype == wanted.dtype, name
        np.testing.assert_array_equal(found, wanted)
