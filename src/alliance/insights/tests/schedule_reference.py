"""A slow, obviously-correct schedule simulation: networkx, one iteration at a time.

It replays the durations the vectorised engine sampled (``Simulation.durations``)
with plain ``WorkingCalendar`` arithmetic, task by task in topological order, so
tests can demand exact agreement and the benchmark has an honest baseline.
"""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx
import numpy as np

from alliance.insights.calendars import WorkingCalendar
from alliance.insights.schedule_engine import ScheduleInput, earliest_start, is_fixed

ONE_DAY = timedelta(days=1)


def dependency_graph(data: ScheduleInput) -> nx.DiGraph:
    """Tasks and dependencies; a delivered task's own dependencies are dropped."""
    graph = nx.DiGraph()
    tasks = {task.id: task for task in data.tasks}
    graph.add_nodes_from(tasks)
    for task in data.tasks:
        if not is_fixed(task):
            graph.add_edges_from((dep, task.id) for dep in task.depends_on)
    return graph


def _as_date(value) -> date:
    return np.datetime64(value, "D").astype(date)


def replay(data: ScheduleInput, durations: dict[str, np.ndarray], iterations: int, tie: int = 0):
    """Finish dates and critical-path membership per task, one iteration at a time."""
    graph = dependency_graph(data)
    tasks = {task.id: task for task in data.tasks}
    order = list(nx.topological_sort(graph))
    finishes = {task_id: [] for task_id in tasks}
    critical = dict.fromkeys(tasks, 0)
    for i in range(iterations):
        finish, ready, start = {}, {}, {}
        for task_id in order:
            task = tasks[task_id]
            if is_fixed(task):
                finish[task_id] = task.actual_finish
                ready[task_id] = task.actual_finish + ONE_DAY
                continue
            calendar = data.calendars.get(task.party, WorkingCalendar())
            begin = max(
                [earliest_start(task, data.as_of)] + [ready[p] for p in graph.predecessors(task_id)]
            )
            start[task_id] = begin
            days = int(durations[task_id][i])
            end = _as_date(calendar.add_working_days(begin, max(days - 1, 0)))
            end = max(end, _as_date(calendar.add_working_days(data.as_of, 0)))
            finish[task_id] = end
            ready[task_id] = end + ONE_DAY if days > 0 else end
        for task_id, on_path in critical_path(graph, finish, ready, start, tie).items():
            critical[task_id] += on_path
        for task_id in tasks:
            finishes[task_id].append(finish[task_id])
    return finishes, critical


def critical_path(graph, finish, ready, start, tie: int = 0) -> dict[str, bool]:
    """Back-track from the last finish through every predecessor that set a start."""
    last = max(finish.values())
    on_path = {task_id: finish[task_id] == last for task_id in graph}
    for task_id in reversed(list(nx.topological_sort(graph))):
        if not on_path[task_id] or task_id not in start:
            continue
        for pred in graph.predecessors(task_id):
            if ready[pred] + timedelta(days=tie) >= start[task_id]:
                on_path[pred] = True
    return on_path
