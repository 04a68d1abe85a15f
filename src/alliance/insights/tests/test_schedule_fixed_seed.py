"""The engine's draws and results for a fixed seed, pinned: an optimisation must not move them.

The digests below were taken from the engine before its forward pass, critical-path trace and
risk additions were rewritten for speed; the same input and seed must still give the very same
durations, finishes, milestone finishes, critical and driving counts, risk occurrences and the
whole forecast (quantiles, tornado, cascade, sensitivity). The input has everything the engine
treats specially: delivered and started work (conditioned on its elapsed days), three calendars,
party correlation, risk events (one threatening a delivered task), milestones and dues; the
iterations run in several chunks on two threads, the last chunk short.

If numpy ever changes its random streams these digests change with it: check the reference and
closed-form tests still pass, then take the new digests from the failure message.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import timedelta

import numpy as np

from alliance.insights.parameters import SCHEDULE
from alliance.insights.schedule import (
    ScheduleRisk,
    forecast_schedule,
    result_as_dict,
    simulate,
)
from alliance.insights.tests.test_schedule import AS_OF, random_schedule

PARAMETERS = dataclasses.replace(SCHEDULE, threads=2, chunk_iterations=128, cascade_iterations=300)
ITERATIONS, SEED = 700, 20261203


def pinned_input():
    data = random_schedule(11, size=60)
    # Every sixth open task started 4 to 24 days ago: some well inside their estimate, some
    # beyond their pessimistic duration.
    tasks = tuple(
        dataclasses.replace(task, status="in_progress", start=AS_OF - timedelta(days=4 + k % 21))
        if k % 6 == 1 and task.status != "delivered"
        else task
        for k, task in enumerate(data.tasks)
    )
    ids = [task.id for task in tasks]
    risks = (
        ScheduleRisk("permits", 0.35, 6, tuple(ids[5:40:3]), "permits"),
        ScheduleRisk("election", 0.2, 12.5, (ids[0], ids[1], ids[30], ids[59]), "election"),
        ScheduleRisk("currency", 0.6, 2, tuple(ids[::7]), "currency"),
    )
    return dataclasses.replace(data, tasks=tasks, risks=risks)


def digest(*parts) -> str:
    sha = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            sha.update(str((part.dtype.kind, part.shape)).encode())
            sha.update(np.ascontiguousarray(part.astype(np.int64)).tobytes())
        else:
            sha.update(json.dumps(part, sort_keys=True, default=str).encode())
    return sha.hexdigest()


def test_the_simulation_gives_the_pinned_draws_for_a_fixed_seed():
    sim = simulate(pinned_input(), PARAMETERS, iterations=ITERATIONS, seed=SEED)
    model, samples = sim.model, sim.samples
    driving = sorted(
        (model.tasks[pred].id, model.tasks[task].id, int(count))
        for (pred, task), count in zip(model.edges, samples.driving, strict=True)
    )
    found = {
        "durations": digest(list(sim.task_ids), sim.durations),
        "finish": digest(list(sim.task_ids), sim.finish),
        "milestones": digest(model.milestone_names, samples.milestones),
        "critical": digest(list(sim.task_ids), samples.critical),
        "driving": digest(driving),
        "risks": digest(samples.risks),
    }
    assert found == PINNED_SIMULATION


def test_the_forecast_is_the_pinned_one_for_a_fixed_seed():
    result = forecast_schedule(pinned_input(), PARAMETERS, iterations=ITERATIONS, seed=SEED)
    assert result.cascade and any(milestone.risks for milestone in result.milestones)
    document = result_as_dict(result)
    # Said since the correlation is learned when the deliveries allow (this input has too few
    # of them: the prior, as when the digest was taken); not part of the pinned figures.
    assert document.pop("correlation")["source"] == "prior"
    assert digest(document) == PINNED_FORECAST


PINNED_SIMULATION = {
    "durations": "5177bf8253b651cd92f17e75841de897fdc61fd3ff0a2eef3abea273365376e1",
    "finish": "d7d066d8c6380d0f4a3a2d34b45f0266ee3df5d921a4588b9e5914529832fe1e",
    "milestones": "94a31828bb3211e0bfdbd734a423c9cbd44c5f5666759963ce2ad0fd6282c195",
    "critical": "1e83de7933a92c79d1d4251efe98c4471bdf7e8934adef7ca1d68e699ac1a39b",
    "driving": "27f1b4cef01c98ca08a2a7b33a16dc142169cd39c373676e10019163b1356315",
    "risks": "ca116dbf3c3bca661419b0e68fadf7b468e0dd031977faebee96755dcb6decc6",
}
PINNED_FORECAST = "ed47250333d8b96965a2db04ba8c419c567f41a63f2652e5606fe9711468a880"
