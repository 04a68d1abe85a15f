"""The schedule forecast's statistics as they were before they were compiled: the references
the fast paths are checked against (``test_schedule_fast_paths.py``), kept verbatim.

The delay cascade planned each downstream set anew; quantiles came from one bincount of all
the rows; the sensitivity was a float matrix product of gathered mid-ranks; each milestone
walked the graph in Python for its upstream tasks and merging paths; equal CDF rows were
found with a dictionary; the model's plan was made level by level in Python (``plan``,
``flatten``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from alliance.insights.schedule import (
    CascadeEffect,
    DownstreamShift,
    Simulation,
    _forced_finish,
    _ready,
    _working_days,
)
from alliance.insights.schedule_engine import Flat, Model, ScheduleParameters, forward


def cascade(model: Model, sim: Simulation, on_time) -> tuple[CascadeEffect, ...]:
    """For each late or at-risk task (fewest chances first), what its delay adds downstream."""
    parameters, as_of = model.parameters, model.days(model.as_of)
    candidates = []
    for position in range(model.n_fixed, len(model.order)):
        task = model.tasks[model.order[position]]
        if task.due is None or on_time[position] >= parameters.at_risk_probability:
            continue
        reason = "overdue" if model.due[position] < as_of else "at risk"
        candidates.append((on_time[position], task.id, position, reason))
    if not candidates:
        return ()
    candidates.sort()
    n = min(sim.samples.finish.shape[1], parameters.cascade_iterations)
    # Quantiles of the stored offsets, shifted back: no copy of every finish as absolute days.
    offsets = quantile_rows(sim.samples.finish[:, :n], parameters.cascade_quantile)
    with_delay = offsets + model.finish_low
    return tuple(
        exclusion(model, sim, n, with_delay, position, reason, probability)
        for probability, _, position, reason in candidates[: parameters.cascade_max_tasks]
    )


def exclusion(model: Model, sim: Simulation, n: int, with_delay, position, reason, probability):
    """Re-run everything downstream of one task forced to its most likely duration.

    The task keeps its sampled start (its own predecessors are unchanged) but
    takes its most likely duration with no slippage and no ``as_of`` floor, as
    if it had gone to plan; downstream tasks keep their sampled durations
    (common random numbers), over the first ``cascade_iterations`` iterations.
    Each downstream quantile finish moves by the delay this one task passes on.
    """
    task_index = int(model.order[position])
    downstream = sorted(model.descendants(task_index))
    inputs = {p for t in downstream for p in model.preds[t]} - set(downstream) | {task_index}
    externals = sorted(inputs)
    local = {task: i for i, task in enumerate(externals)}
    order, levels = plan(downstream, model.preds, model.topo, local, started=model.started)
    positions = np.array([model.position[t] for t in externals + order], dtype=np.int64)
    ready = _ready(model, positions, model.absolute(sim.samples.finish[positions, :n], positions))
    forced = _forced_finish(model, sim, position, n)
    ready[local[task_index]] = forced + model.pos[position]
    extra = sim.samples.extra[positions, :n]
    forward(model, flatten(levels), model.rows.take(positions), extra, ready)
    moved = positions[len(externals) :]
    without = quantile_rows(
        ready[len(externals) :] - model.pos[moved, None], model.parameters.cascade_quantile
    )
    days = _working_days(model, moved, without, with_delay[moved])
    shifts = [
        DownstreamShift(
            model.tasks[model.order[p]].id,
            model.tasks[model.order[p]].label,
            model.date(with_delay[p]),
            model.date(before),
            int(late),
        )
        for p, before, late in zip(moved, without, days, strict=True)
        if late > 0
    ]
    shifts.sort(key=lambda shift: (-shift.working_days, shift.task_id))
    own_without = quantile_rows(forced[None, :], model.parameters.cascade_quantile)
    own = _working_days(model, np.array([position]), own_without, with_delay[[position]])
    task = model.tasks[task_index]
    return CascadeEffect(
        task_id=task.id,
        label=task.label,
        reason=reason,
        probability_on_time=float(probability),
        own_delay=int(own[0]),
        days_added=max((shift.working_days for shift in shifts), default=0),
        affected=tuple(shifts),
    )


def quantile_rows(values: np.ndarray, q: float) -> np.ndarray:
    """The q-quantile of each row (integer days)."""
    result = np.empty(len(values), dtype=np.int64)
    for block in row_blocks(len(values), values.shape[1]):
        part = values[block]
        low, high = part.min(axis=1).astype(np.int64), part.max(axis=1).astype(np.int64)
        result[block] = histogram_quantiles(part, low, high, [q])[0][:, 0]
    return result


def sensitivity(model: Model, sim: Simulation) -> np.ndarray:
    """Spearman correlation (mid-ranks for ties) of each duration with each milestone finish.

    NaN where a duration or a milestone never varies.
    """
    from scipy import stats  # here: scipy.stats takes 0.6 s to import, every process paid it

    samples = sim.samples
    n = samples.finish.shape[1]
    centre = (n + 1) / 2
    milestone_ranks = stats.rankdata(samples.milestones, axis=1) - centre
    milestone_var = (milestone_ranks**2).sum(axis=1)
    low, high = model.extra_low, model.extra_high
    rho = np.full((len(model.order), len(model.milestone_names)), np.nan)
    for block in row_blocks(len(model.order), n):
        width = high[block] - low[block] + 1
        base = np.concatenate(([0], np.cumsum(width)[:-1]))
        shifted = samples.extra[block] - (low[block] - base)[:, None]
        counts = np.bincount(shifted.ravel(), minlength=int(width.sum()))
        below = np.cumsum(counts) - counts - np.repeat(np.arange(len(width)) * n, width)
        mid = below + (counts + 1) / 2 - centre  # centred mid-rank of each value
        duration_var = np.add.reduceat(counts * mid**2, base)
        ranks = mid[shifted]
        numerator = ranks @ milestone_ranks.T
        with np.errstate(invalid="ignore", divide="ignore"):
            rho[block] = numerator / np.sqrt(duration_var[:, None] * milestone_var[None, :])
    rho[~np.isfinite(rho)] = np.nan
    return rho


def merging_paths(model: Model, tasks: list[int]) -> int:
    """How many distinct paths of open tasks end in the milestone's last open tasks (those no
    other of its tasks waits for): a chain is one path, four parallel branches four, a
    diamond two. Delivered tasks carry no uncertainty and are not counted."""
    fixed = set(model.fixed)
    open_members = [t for t in tasks if t not in fixed]
    upstream: set[int] = set()  # strictly upstream of some member: not an end
    stack = [p for t in open_members for p in model.preds[t]]
    while stack:
        task = stack.pop()
        if task not in upstream:
            upstream.add(task)
            stack.extend(model.preds[task])
    count: dict[int, int] = {}
    for task in sorted(upstream | set(open_members), key=model.topo.__getitem__):
        if task not in fixed:
            count[task] = sum(count[p] for p in model.preds[task] if p not in fixed) or 1
    return sum(count[t] for t in open_members if t not in upstream)


def upstream(model: Model, tasks: list[int]) -> set[int]:
    """Positions of the given tasks and of every task they (transitively) depend on."""
    seen, stack = set(tasks), list(tasks)
    while stack:
        for pred in model.preds[stack.pop()]:
            if pred not in seen:
                seen.add(pred)
                stack.append(pred)
    return {model.position[task] for task in seen}


def shared_rows(tasks, factor: np.ndarray, parameters: ScheduleParameters) -> np.ndarray:
    """Per task, the first task whose CDF row is the very same (itself when none is).

    The same estimate and factor give the same row. In whole working days, with factor 1 and
    whole-day estimates, so does the same shape (most likely and pessimistic minus optimistic):
    ``(d - optimistic) / spread`` is then computed exactly, whatever the optimistic.
    """
    estimate = np.array(
        [(task.optimistic, task.most_likely, task.pessimistic) for task in tasks], dtype=float
    ).reshape(len(tasks), 3)
    keys = np.column_stack([estimate, factor])
    if parameters.working_days == "whole":
        shape = (factor == 1.0) & (estimate == np.floor(estimate)).all(axis=1)
        # (mode - low, high - low, -1, -1): no factor is -1, so no estimate's key is a shape's.
        keys[shape, :2] = estimate[shape, 1:] - estimate[shape, :1]
        keys[shape, 2:] = -1.0
    first: dict[tuple, int] = {}
    rows = map(tuple, keys.tolist())
    return np.array([first.setdefault(key, i) for i, key in enumerate(rows)], dtype=np.int64)


def histogram_quantiles(values, low, high, quantiles: Iterable[float], due=None):
    """Row-wise lower quantiles (and P(value <= due)) of integer rows known to lie in [low, high].

    Counting is cheaper than sorting: one bincount over all rows, then a search
    in the running totals. A quantile q is the smallest value v with
    P(value <= v) >= q (the "inverted CDF" definition).
    """
    rows, n = values.shape
    width = (high - low + 1).astype(np.int64)
    base = np.concatenate(([0], np.cumsum(width)[:-1]))
    shifted = values - (low - base)[:, None]
    cum = np.cumsum(np.bincount(shifted.ravel(), minlength=int(width.sum())))
    before = np.arange(rows, dtype=np.int64) * n
    quantiles = tuple(quantiles)
    result = np.empty((rows, len(quantiles)), dtype=np.int64)
    for column, q in enumerate(quantiles):
        need = before + max(1, math.ceil(q * n - 1e-9))
        result[:, column] = np.searchsorted(cum, need, side="left") - base + low
    on_time = None
    if due is not None:
        offset = np.clip(due - low, -1, width - 1)
        counted = np.where(offset >= 0, cum[base + np.maximum(offset, 0)] - before, 0)
        on_time = counted / n
    return result, on_time


def row_blocks(rows: int, iterations: int, cells: int = 4_000_000) -> list[slice]:
    """Row slices of about ``cells`` elements, to bound temporary memory."""
    step = max(1, cells // max(iterations, 1))
    return [slice(lo, min(lo + step, rows)) for lo in range(0, rows, step)]


@dataclass
class Level:
    """One topological level: positions lo..hi, the tasks with most predecessors first."""

    lo: int
    hi: int
    # Rows (from lo) of the tasks that started before as_of: only those need the
    # "not before as_of" floor, the others cannot start before it anyway.
    started: np.ndarray
    # (m, predecessor positions, first edge id): the k-th predecessor of the
    # level's first m tasks, for k = 0, 1...; edge ids run on from the first.
    columns: list[tuple[int, np.ndarray, int]]


def plan(
    subset: list[int],
    preds: Mapping[int, list[int]],
    topo_rank: Mapping[int, int],
    position: dict[int, int],
    edges: list[tuple[int, int]] | None = None,
    started: Collection[int] = (),
) -> tuple[list[int], list[Level]]:
    """Order ``subset`` by level (most predecessors first within one) and plan each level.

    Predecessors outside ``subset`` must already have a position (they are read,
    not computed); positions for ``subset`` continue from ``len(position)``.
    The edges, in the order the forward pass meets them, are appended to ``edges``.
    """
    inside, depth = set(subset), {}
    for task in sorted(subset, key=topo_rank.__getitem__):
        depth[task] = 1 + max((depth[p] for p in preds[task] if p in inside), default=-1)
    order = sorted(subset, key=lambda task: (depth[task], -len(preds[task]), task))
    for task in order:
        position[task] = len(position)
    edges = [] if edges is None else edges
    levels = []
    for _, group in itertools.groupby(order, key=depth.__getitem__):
        members = list(group)
        columns = []
        for k in range(len(preds[members[0]])):
            having = [task for task in members if len(preds[task]) > k]
            columns.append(
                (len(having), np.array([position[preds[t][k]] for t in having]), len(edges))
            )
            edges.extend((preds[t][k], t) for t in having)
        early = np.array([row for row, task in enumerate(members) if task in started], dtype=int)
        levels.append(Level(position[members[0]], position[members[-1]] + 1, early, columns))
    return order, levels


def flatten(levels: list[Level]) -> Flat:
    """The levels' rows, predecessors and floors as flat arrays (row by row, the k-th
    predecessor of a row k-th)."""
    lo = levels[0].lo if levels else 0
    hi = levels[-1].hi if levels else 0
    rows, preds, edges = [np.empty(0, dtype=np.int64)], [np.empty(0, np.int64)], []
    floor = np.zeros(hi - lo, dtype=np.bool_)
    for level in levels:
        for m, column, first in level.columns:
            rows.append(np.arange(level.lo - lo, level.lo - lo + m))
            preds.append(column)
            edges.append(first + np.arange(m))
        floor[level.lo - lo + level.started] = True
    row = np.concatenate(rows)
    by_row = np.argsort(row, kind="stable")  # columns were concatenated in order
    return Flat(
        lo,
        hi,
        np.searchsorted(row[by_row], np.arange(hi - lo + 1)).astype(np.int64),
        np.concatenate(preds).astype(np.int64)[by_row],
        np.concatenate([np.empty(0, np.int64), *edges]).astype(np.int64)[by_row],
        floor,
    )
