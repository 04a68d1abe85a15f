"""Schedule risk: a vectorised Monte Carlo over the commitment dependency graph.

Each commitment (a *task* here) has a three-point duration estimate in working
days, an owing party, dependencies, maybe a due date and maybe an earliest
start. One iteration of the simulation draws every duration (Beta-PERT or
triangular, scaled by the owing party's learned slippage, optionally correlated
between one party's tasks through a Gaussian copula), then walks the graph:
a task starts when all its predecessors are finished (and not before its own
earliest start, nor before ``as_of`` if it has not started), works on its
owing party's working days, and finishes on the last of them. Delivered tasks
are fixed at their actual finish.

All iterations run at once: tasks are processed by topological level, and each
level is a handful of numpy operations over (tasks in level x iterations).
Working-day arithmetic is integer indexing into per-calendar lookup tables
(:meth:`WorkingCalendar.lookup_tables`), and durations are drawn by indexing a
per-task table of equiprobable quantiles, so nothing loops per iteration. The
iterations are cut into chunks that fit the CPU cache and run on all cores;
every chunk has its own random stream, so results depend on the seed only.

The model, its formulas, parameters and sources are in ``docs/insights.md``;
every knob is in :class:`alliance.insights.parameters.ScheduleParameters`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

import networkx as nx
import numpy as np
from scipy import special, stats

from alliance.insights.calendars import WorkingCalendar
from alliance.insights.parameters import SCHEDULE, ScheduleParameters

DELIVERED = "delivered"
WAIVED = "waived"
# Statuses meaning work has begun: the task's `start` is when it began, even if
# that is before `as_of`.
STARTED_STATUSES = frozenset({"in_progress", "late", "disputed"})


class ScheduleInputError(ValueError):
    """The schedule input is inconsistent (unknown dependency, bad estimate...)."""


class ScheduleCycleError(ScheduleInputError):
    """The dependencies contain a cycle; ``cycle`` lists the task ids in order."""

    def __init__(self, cycle: list[str], labels: Mapping[str, str]):
        self.cycle = tuple(cycle)
        names = [
            f"{task_id} ({labels[task_id]})" if labels.get(task_id) else task_id
            for task_id in cycle
        ]
        super().__init__("dependency cycle: " + " -> ".join([*names, names[0]]))


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleTask:
    """One commitment: a three-point estimate in working days of its owing party."""

    id: str
    party: str
    optimistic: float
    most_likely: float
    pessimistic: float
    depends_on: tuple[str, ...] = ()
    due: date | None = None
    # Earliest (planned) start; for a started task, when work began.
    start: date | None = None
    milestone: str | None = None
    status: str = "planned"
    actual_finish: date | None = None
    label: str = ""


@dataclass(frozen=True)
class PartyHistory:
    """Planned vs actual durations (working days) of a party's past commitments."""

    party: str
    planned: tuple[float, ...] = ()
    actual: tuple[float, ...] = ()


@dataclass(frozen=True)
class ScheduleInput:
    """Everything the forecast needs; parties without a calendar work Monday-Friday."""

    tasks: tuple[ScheduleTask, ...]
    as_of: date
    calendars: Mapping[str, WorkingCalendar] = field(default_factory=dict)
    histories: tuple[PartyHistory, ...] = ()
    # Due date of a milestone; by default the latest due date of its tasks.
    milestone_dues: Mapping[str, date] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartySlippage:
    """How much slower (or faster) than planned a party works, and from what evidence."""

    party: str
    factor: float
    observations: int
    observed_log_ratio: float | None
    shrunk_log_ratio: float


@dataclass(frozen=True)
class Driver:
    """A predecessor and the share of iterations in which its finish set the task's start."""

    task_id: str
    share: float


@dataclass(frozen=True)
class TaskForecast:
    """Forecast of one task; ``quantiles`` maps "P50", "P80", ... to finish dates."""

    id: str
    label: str
    party: str
    milestone: str | None
    status: str
    due: date | None
    quantiles: dict[str, date]
    probability_on_time: float | None
    criticality: float
    mean_duration: float
    drivers: tuple[Driver, ...]


@dataclass(frozen=True)
class Sensitivity:
    """Spearman rank correlation of a task's sampled duration with a milestone's finish."""

    task_id: str
    label: str
    spearman: float


@dataclass(frozen=True)
class MilestoneForecast:
    """A milestone finishes when the last of its tasks does."""

    name: str
    due: date | None
    quantiles: dict[str, date]
    probability_on_time: float | None
    tasks: tuple[str, ...]
    sensitivity: tuple[Sensitivity, ...]


@dataclass(frozen=True)
class DownstreamShift:
    """How much later a downstream task's quantile finish is because of an upstream delay."""

    task_id: str
    label: str
    with_delay: date
    without_delay: date
    working_days: int


@dataclass(frozen=True)
class CascadeEffect:
    """Analysis by exclusion: one late or at-risk task forced to its most likely duration."""

    task_id: str
    label: str
    reason: str
    probability_on_time: float | None
    own_delay: int
    days_added: int
    affected: tuple[DownstreamShift, ...]


@dataclass(frozen=True)
class ScheduleResult:
    """The whole forecast, every figure with the tasks and shares behind it."""

    as_of: date
    iterations: int
    seed: int
    distribution: str
    tasks: tuple[TaskForecast, ...]
    milestones: tuple[MilestoneForecast, ...]
    cascade: tuple[CascadeEffect, ...]
    parties: tuple[PartySlippage, ...]

    def task(self, task_id: str) -> TaskForecast:
        """The forecast of one task by id."""
        return next(task for task in self.tasks if task.id == task_id)


# --------------------------------------------------------------------------
# Slippage and duration tables
# --------------------------------------------------------------------------


def learn_slippage(
    party: str, histories: Iterable[PartyHistory], parameters: ScheduleParameters = SCHEDULE
) -> PartySlippage:
    """A party's duration multiplier: mean log(actual / planned), shrunk toward the prior.

    ``shrunk = (n * observed + k * prior) / (n + k)`` with ``k`` the prior's
    pseudo-count, so three observations move the factor less than thirty.
    """
    ratios = [
        math.log(max(actual, 0.5) / planned)
        for history in histories
        if history.party == party
        for planned, actual in zip(history.planned, history.actual, strict=True)
        if planned > 0
    ]
    n, k = len(ratios), parameters.slippage_pseudo_count
    observed = sum(ratios) / n if n else None
    shrunk = (sum(ratios) + k * parameters.slippage_prior_log_ratio) / (n + k) if n + k else 0.0
    factor = min(
        max(math.exp(shrunk), parameters.slippage_min_factor), parameters.slippage_max_factor
    )
    return PartySlippage(party, factor, n, observed, shrunk)


def _duration_cdf(
    task: ScheduleTask, factor: float, values: np.ndarray, parameters: ScheduleParameters
) -> np.ndarray:
    """P(ceil(factor * X) <= value) for the task's three-point distribution X."""
    a, m, b = task.optimistic, task.most_likely, task.pessimistic
    x = values / factor
    if b - a < 1e-9:
        return (x >= a - 1e-9).astype(float)
    y = np.clip((x - a) / (b - a), 0.0, 1.0)
    c = (m - a) / (b - a)
    if parameters.distribution == "pert":
        lam = parameters.pert_lambda
        return special.betainc(1 + lam * c, 1 + lam * (1 - c), y)
    if parameters.distribution == "triangular":
        left = np.divide(y * y, c, out=np.ones_like(y), where=c > 0)
        right = 1 - np.divide((1 - y) ** 2, 1 - c, out=np.zeros_like(y), where=c < 1)
        return np.where(y <= c, left, right)
    raise ScheduleInputError(f"unknown duration distribution {parameters.distribution!r}")


def _quantile_table(
    tasks: list[ScheduleTask], factors: list[float], parameters: ScheduleParameters
) -> np.ndarray:
    """Per task, the whole-working-day duration at G equiprobable quantiles (G x tasks).

    Row j holds the smallest duration d with P(D <= d) >= (j + 0.5) / G, so
    drawing j uniformly draws D with every probability exact to 1 / G.
    """
    size = parameters.quantile_table_size
    table = np.zeros((len(tasks), size + 1), dtype=np.int32)
    first = np.zeros(len(tasks), dtype=np.int32)
    for row, (task, factor) in enumerate(zip(tasks, factors, strict=True)):
        low = math.floor(factor * task.optimistic)
        values = np.arange(low, math.ceil(factor * task.pessimistic) + 1, dtype=float)
        cdf = _duration_cdf(task, factor, values, parameters)
        # Count, for each quantile j, the values whose CDF is still below it.
        steps = np.floor(cdf[cdf < 1] * size - 0.5).astype(np.int64) + 1
        np.add.at(table[row], np.clip(steps, 0, size), 1)
        first[row] = low
    table = first[:, None] + np.cumsum(table[:, :size], axis=1)
    if table.size and table.max() > np.iinfo(np.int16).max:
        raise ScheduleInputError("a duration estimate exceeds 32767 working days")
    return table.astype(np.int16)


def _copula_table(parameters: ScheduleParameters) -> np.ndarray:
    """Quantile index drawn given the party's shared factor (bins x G).

    The Gaussian copula: latent X = sqrt(rho) Z_party + sqrt(1 - rho) e. The
    party factor Z is cut into K equiprobable bins; row b is the inverse CDF of
    the quantile index J = floor(Phi(X) G) given Z in bin b, so drawing the bin
    and then a uniform index reproduces the copula, with J exactly uniform
    overall.
    """
    size, bins, sub = parameters.quantile_table_size, parameters.copula_bins, 16
    s = math.sqrt(parameters.party_correlation)
    z = special.ndtri((np.arange(bins * sub) + 0.5) / (bins * sub)).reshape(bins, sub)
    edges = special.ndtri(np.arange(size + 1) / size)
    with np.errstate(invalid="ignore"):
        cond = special.ndtr((edges[None, None, :] - s * z[:, :, None]) / math.sqrt(1 - s * s))
    cdf = np.nan_to_num(cond.mean(axis=1), nan=0.0)  # P(J < j | bin), j = 0..G
    cdf[:, 0], cdf[:, -1] = 0.0, 1.0
    targets = (np.arange(size) + 0.5) / size
    rows = [np.searchsorted(row, targets, side="left") - 1 for row in cdf]
    return np.clip(np.array(rows), 0, size - 1).astype(np.int64)


# --------------------------------------------------------------------------
# The prepared model: tasks in level order, integer calendars, plans
# --------------------------------------------------------------------------


@dataclass
class _Level:
    """One topological level: positions lo..hi, most predecessors first."""

    lo: int
    hi: int
    # (m, positions): the k-th predecessor of the level's first m tasks, k = 0, 1...
    columns: list[tuple[int, np.ndarray]]
    # (task positions, predecessor positions, edge ids), each predecessor at most
    # once per group, so or-ing criticality into predecessors never loses a write.
    groups: list[tuple[np.ndarray, np.ndarray, np.ndarray]]


@dataclass
class _Rows:
    """Per-position constants of the tasks a forward pass computes."""

    earliest: np.ndarray  # earliest start, days since origin
    rank_base: np.ndarray  # offset of the owner's calendar in the flat rank table
    wd_base: np.ndarray  # offset of the owner's calendar in the flat working-day table
    as_of_index: np.ndarray  # working-day index of as_of on the owner's calendar

    def take(self, positions: np.ndarray) -> _Rows:
        return _Rows(*(getattr(self, name)[positions] for name in self.__dataclass_fields__))


def _plan(
    subset: list[int],
    preds: Mapping[int, list[int]],
    topo_rank: Mapping[int, int],
    position: dict[int, int],
    edge_id: Mapping[tuple[int, int], int] | None = None,
) -> tuple[list[int], list[_Level]]:
    """Order ``subset`` by level and build the level plans.

    Predecessors outside ``subset`` must already have a position (they are read,
    not computed). Positions for ``subset`` are assigned from ``len(position)``.
    """
    inside, depth = set(subset), {}
    for task in sorted(subset, key=topo_rank.__getitem__):
        depth[task] = 1 + max((depth[p] for p in preds[task] if p in inside), default=-1)
    order = sorted(subset, key=lambda task: (depth[task], -len(preds[task]), task))
    for task in order:
        position[task] = len(position)
    levels = []
    for value in sorted(set(depth.values())):
        members = [task for task in order if depth[task] == value]
        levels.append(_level(members, preds, position, edge_id))
    return order, levels


def _level(members, preds, position, edge_id) -> _Level:
    columns = []
    for k in range(len(preds[members[0]])):
        m = sum(1 for task in members if len(preds[task]) > k)
        columns.append((m, np.array([position[preds[task][k]] for task in members[:m]])))
    groups = []
    if edge_id is not None:
        edges = sorted(
            (
                (position[task], position[p], edge_id[p, task])
                for task in members
                for p in preds[task]
            ),
            key=lambda edge: edge[1],
        )
        seen: dict[int, int] = {}
        by_occurrence: dict[int, list] = {}
        for edge in edges:
            seen[edge[1]] = seen.get(edge[1], -1) + 1
            by_occurrence.setdefault(seen[edge[1]], []).append(edge)
        for chosen in by_occurrence.values():
            groups.append(tuple(np.array(column) for column in zip(*chosen, strict=True)))
    return _Level(position[members[0]], position[members[-1]] + 1, columns, groups)


class _Model:
    """The input turned into arrays: tasks by position, calendars as integer tables."""

    def __init__(self, data: ScheduleInput, parameters: ScheduleParameters):
        self.parameters = parameters
        self.tasks = sorted(data.tasks, key=lambda task: task.id)
        self.index = {task.id: i for i, task in enumerate(self.tasks)}
        if len(self.index) != len(self.tasks):
            raise ScheduleInputError("task ids must be unique")
        self.as_of = data.as_of
        self._check_estimates()
        self.fixed = [i for i, task in enumerate(self.tasks) if _is_fixed(task)]
        self.preds = self._predecessors()
        self.graph = self._graph()
        topo = {
            task: rank for rank, task in enumerate(nx.lexicographical_topological_sort(self.graph))
        }
        self.edges = sorted(self.graph.edges)
        self.edge_id = {edge: i for i, edge in enumerate(self.edges)}
        self.position: dict[int, int] = {task: p for p, task in enumerate(self.fixed)}
        fixed_set = set(self.fixed)
        stochastic = [i for i in range(len(self.tasks)) if i not in fixed_set]
        order, self.levels = _plan(stochastic, self.preds, topo, self.position, self.edge_id)
        self.order = np.array(self.fixed + order, dtype=np.int64)  # position -> task
        self.n_fixed, self.topo = len(self.fixed), topo
        self.parties = sorted({task.party for task in self.tasks})
        self.slippage = {p: learn_slippage(p, data.histories, parameters) for p in self.parties}
        self.calendars = {p: data.calendars.get(p, WorkingCalendar()) for p in self.parties}
        self._durations(parameters)
        self._dates_and_tables(data)
        self._milestones(data)

    # -- validation and graph ---------------------------------------------

    def _check_estimates(self) -> None:
        for task in self.tasks:
            if not 0 <= task.optimistic <= task.most_likely <= task.pessimistic:
                raise ScheduleInputError(
                    f"task {task.id}: need 0 <= optimistic <= most_likely <= pessimistic"
                )
            if task.status == DELIVERED and task.actual_finish is None:
                raise ScheduleInputError(f"task {task.id} is delivered but has no actual_finish")

    def _predecessors(self) -> dict[int, list[int]]:
        preds = {}
        for i, task in enumerate(self.tasks):
            unknown = [dep for dep in task.depends_on if dep not in self.index]
            if unknown:
                raise ScheduleInputError(f"task {task.id} depends on unknown task(s) {unknown}")
            preds[i] = sorted({self.index[dep] for dep in task.depends_on})
        return preds

    def _graph(self) -> nx.DiGraph:
        graph = nx.DiGraph()
        graph.add_nodes_from(range(len(self.tasks)))
        graph.add_edges_from((p, t) for t, ps in self.preds.items() for p in ps)
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            cycle = None
        if cycle:
            ids = [self.tasks[edge[0]].id for edge in cycle]
            raise ScheduleCycleError(ids, {task.id: task.label for task in self.tasks})
        # A delivered task is fixed: its predecessors no longer matter.
        for task in self.fixed:
            self.preds[task] = []
        graph.remove_edges_from([(p, t) for t in self.fixed for p in list(graph.predecessors(t))])
        return graph

    # -- durations ----------------------------------------------------------

    def _durations(self, parameters: ScheduleParameters) -> None:
        tasks = [self.tasks[t] for t in self.order]
        factors = [self.slippage[task.party].factor for task in tasks]
        self.table = _quantile_table(tasks, factors, parameters)
        self.table[: self.n_fixed] = 0
        party_ids = {party: i for i, party in enumerate(self.parties)}
        self.party_of = np.array([party_ids[task.party] for task in tasks], dtype=np.int64)
        counts = np.bincount(self.party_of[self.n_fixed :], minlength=len(self.parties))
        # Correlation only matters between two or more open tasks of one party.
        self.correlated = parameters.party_correlation > 0 and bool((counts > 1).any())
        self.copula = _copula_table(parameters) if self.correlated else None
        most_likely = np.array([math.ceil(task.most_likely - 1e-9) for task in tasks])
        self.most_likely = most_likely.astype(np.int64)

    def _milestones(self, data: ScheduleInput) -> None:
        tasks = [self.tasks[t] for t in self.order]
        self.milestone_names = sorted({task.milestone for task in tasks if task.milestone})
        self.milestone_members = [
            np.array([p for p, task in enumerate(tasks) if task.milestone == name])
            for name in self.milestone_names
        ]
        self.milestone_dues = []
        for name in self.milestone_names:
            dues = [task.due for task in tasks if task.milestone == name and task.due]
            self.milestone_dues.append(data.milestone_dues.get(name, max(dues, default=None)))

    # -- dates and calendars -----------------------------------------------

    def _dates_and_tables(self, data: ScheduleInput) -> None:
        tasks = [self.tasks[t] for t in self.order]
        known = [data.as_of, *(d for task in tasks for d in (task.start, task.actual_finish) if d)]
        self.origin = min(known) - timedelta(days=1)
        as_of = self.days(data.as_of)
        earliest = []
        for task in tasks:
            start = self.days(task.start) if task.start else as_of
            started = task.status in STARTED_STATUSES and task.start is not None
            earliest.append(start if started else max(start, as_of))
        self.earliest_days = np.array(earliest, dtype=np.int64)
        finish = [self.days(task.actual_finish) if _is_fixed(task) else 0 for task in tasks]
        self.fixed_finish = np.array(finish[: self.n_fixed], dtype=np.int64)
        self.due = np.array(
            [self.days(task.due) if task.due else np.iinfo(np.int64).max for task in tasks]
        )
        distinct = sorted(set(self.calendars.values()), key=repr)
        self.calendar_of = np.array(
            [distinct.index(self.calendars[task.party]) for task in tasks], dtype=np.int64
        )
        self.distinct_calendars = distinct
        span = int(max(self.earliest_days.max(), self.fixed_finish.max(initial=0))) + 800
        while True:
            self._tables(span, as_of)
            low, high = self._bounds()
            if high.max(initial=0) < span - 2:
                break
            span *= 2
        self.finish_low, self.finish_high = low, high

    def days(self, day: date) -> int:
        """Days since the model's origin."""
        return (day - self.origin).days

    def date(self, days: int) -> date:
        return self.origin + timedelta(days=int(days))

    def _tables(self, span: int, as_of: int) -> None:
        tables = [cal.lookup_tables(self.origin, span) for cal in self.distinct_calendars]
        width = max(len(working) for _, working in tables) + 1
        self.rank_flat = np.concatenate([rank for rank, _ in tables]).astype(np.int64)
        # Pad each calendar's working days with `span`: an overflow shows as `span`.
        padded = [
            np.pad(working, (0, width - len(working)), constant_values=span)
            for _, working in tables
        ]
        self.wd_flat = np.concatenate(padded).astype(np.int64)
        self.span, self.wd_width = span, width
        rank_base = self.calendar_of * (span + 1)
        as_of_index = self.rank_flat[rank_base + as_of]
        self.rows = _Rows(self.earliest_days, rank_base, self.calendar_of * width, as_of_index)

    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Earliest and latest possible finish of every task (all-shortest / all-longest draws)."""
        d = np.stack([self.table[:, 0], self.table[:, -1]], axis=1).astype(np.int16)
        ready = self.new_ready(2)
        _forward(self, self.levels, self.rows, d, ready, clip=True)
        finish = _finish(self, d, ready)
        return finish[:, 0], finish[:, 1]

    def new_ready(self, n: int) -> np.ndarray:
        """Ready-day array with the fixed (delivered) tasks filled in."""
        ready = np.empty((len(self.order), n), dtype=np.int64)
        ready[: self.n_fixed] = (self.fixed_finish + 1)[:, None]
        return ready


def _is_fixed(task: ScheduleTask) -> bool:
    """Delivered (or waived with a date) tasks no longer move."""
    return task.actual_finish is not None and task.status in (DELIVERED, WAIVED)


# --------------------------------------------------------------------------
# The vectorised forward pass
# --------------------------------------------------------------------------


def _forward(
    model: _Model,
    levels: list[_Level],
    rows: _Rows,
    d: np.ndarray,
    ready: np.ndarray,
    start: np.ndarray | None = None,
    clip: bool = False,
) -> None:
    """Fill ``ready`` (first day successors may start) for the levels' tasks.

    A task starts on the first working day of its owner on or after the latest
    of its earliest start and its predecessors' ready days. With d working days
    it finishes on the d-th working day from there (d = 0: on its start day)
    and is ready the next calendar day (d = 0: the same day). A task that has
    not been delivered cannot finish before ``as_of``.
    """
    n = ready.shape[1]
    for level in levels:
        lo, hi = level.lo, level.hi
        at = slice(lo, hi)
        s = np.repeat(rows.earliest[at, None], n, axis=1)
        for m, preds in level.columns:
            np.maximum(s[:m], ready[preds], out=s[:m])
        if start is not None:
            start[at] = s
        if clip:
            np.minimum(s, model.span, out=s)
        s += rows.rank_base[at, None]
        index = model.rank_flat[s]
        dd = d[at]
        index += dd
        index -= dd > 0
        np.maximum(index, rows.as_of_index[at, None], out=index)
        if clip:
            np.minimum(index, model.wd_width - 1, out=index)
        index += rows.wd_base[at, None]
        finish = model.wd_flat[index]
        finish += dd > 0
        ready[at] = finish


def _finish(model: _Model, d: np.ndarray, ready: np.ndarray) -> np.ndarray:
    """Finish day from ready day: the day before, except for zero-duration tasks."""
    finish = ready - (d > 0)
    finish[: model.n_fixed] = model.fixed_finish[:, None]
    return finish


# --------------------------------------------------------------------------
# Sampling, chunks and statistics
# --------------------------------------------------------------------------


def _sample(model: _Model, rng: np.random.Generator, n: int) -> np.ndarray:
    """Durations in whole working days, (positions x n); zero for delivered tasks."""
    size, first = model.parameters.quantile_table_size, model.n_fixed
    total = len(model.order)
    d = np.zeros((total, n), dtype=np.int16)
    if first == total:
        return d
    j = rng.integers(0, size, size=(total - first, n), dtype=np.int64)
    if model.correlated:
        bins = model.parameters.copula_bins
        factor = rng.standard_normal((len(model.parties), n))
        edges = special.ndtri(np.arange(1, bins) / bins)
        offsets = np.searchsorted(edges, factor) * size
        j += offsets[model.party_of[first:]]
        j = model.copula.ravel()[j]
    j += (np.arange(first, total, dtype=np.int64) * size)[:, None]
    d[first:] = model.table.ravel()[j]
    return d


@dataclass
class _Samples:
    """Everything kept from all iterations, positions x iterations."""

    durations: np.ndarray
    finish: np.ndarray
    milestones: np.ndarray
    critical: np.ndarray
    driving: np.ndarray


def _criticality(model: _Model, finish, ready, start) -> tuple[np.ndarray, np.ndarray]:
    """Per task, iterations on the critical path; per edge, iterations it drove the start.

    The critical path of an iteration is traced back from the task(s) that
    finish last through every predecessor whose ready day set its successor's
    start (ties included), stopping where an earliest start or ``as_of`` ruled.
    """
    tie = model.parameters.criticality_tie_days
    critical = finish == finish.max(axis=0)
    driving = np.zeros(len(model.edges), dtype=np.int64)
    for level in reversed(model.levels):
        for tasks, preds, ids in level.groups:
            drives = ready[preds] + tie >= start[tasks]
            driving[ids] += drives.sum(axis=1)
            critical[preds] |= critical[tasks] & drives
    return critical.sum(axis=1), driving


def _run_chunk(model: _Model, seed: np.random.SeedSequence, lo: int, hi: int, out: _Samples):
    n = hi - lo
    d = _sample(model, np.random.default_rng(seed), n)
    ready, start = model.new_ready(n), np.empty((len(model.order), n), dtype=np.int64)
    _forward(model, model.levels, model.rows, d, ready, start)
    finish = _finish(model, d, ready)
    out.durations[:, lo:hi] = d
    out.finish[:, lo:hi] = finish
    for row, members in enumerate(model.milestone_members):
        out.milestones[row, lo:hi] = finish[members].max(axis=0)
    critical, driving = _criticality(model, finish, ready, start)
    return critical, driving


def _simulate(model: _Model, iterations: int, seed: int) -> _Samples:
    """Run all chunks (on all cores) and keep durations and finishes."""
    parameters, total = model.parameters, len(model.order)
    samples = _Samples(
        np.empty((total, iterations), dtype=np.int16),
        np.empty((total, iterations), dtype=np.int32),
        np.empty((len(model.milestone_members), iterations), dtype=np.int32),
        np.zeros(total, dtype=np.int64),
        np.zeros(len(model.edges), dtype=np.int64),
    )
    bounds = range(0, iterations, parameters.chunk_iterations)
    seeds = np.random.SeedSequence(seed).spawn(len(bounds))
    workers = parameters.threads or os.cpu_count() or 1

    def run(chunk: int):
        lo = bounds[chunk]
        return _run_chunk(
            model, seeds[chunk], lo, min(lo + parameters.chunk_iterations, iterations), samples
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for critical, driving in pool.map(run, range(len(bounds))):
            samples.critical += critical
            samples.driving += driving
    return samples


def _histogram_quantiles(
    values: np.ndarray, low: np.ndarray, high: np.ndarray, quantiles: Iterable[float], due=None
) -> tuple[np.ndarray, np.ndarray | None]:
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
    result = np.empty((rows, len(tuple(quantiles))), dtype=np.int64)
    for column, q in enumerate(quantiles):
        need = before + max(1, math.ceil(q * n - 1e-9))
        result[:, column] = np.searchsorted(cum, need, side="left") - base + low
    on_time = None
    if due is not None:
        offset = np.clip(due - low, -1, width - 1)
        counted = np.where(offset >= 0, cum[base + np.maximum(offset, 0)] - before, 0)
        on_time = counted / n
    return result, on_time


def _row_blocks(rows: int, iterations: int, cells: int = 4_000_000) -> list[slice]:
    step = max(1, cells // max(iterations, 1))
    return [slice(lo, min(lo + step, rows)) for lo in range(0, rows, step)]


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


@dataclass
class Simulation:
    """The raw Monte Carlo, for tests and analysts: rows follow ``task_ids``.

    ``durations`` are the sampled whole working days and ``finish`` the finish
    days counted from ``origin`` (iterations along axis 1).
    """

    task_ids: tuple[str, ...]
    origin: date
    durations: np.ndarray
    finish: np.ndarray
    model: _Model = field(repr=False)
    samples: _Samples = field(repr=False)


def simulate(
    data: ScheduleInput,
    parameters: ScheduleParameters = SCHEDULE,
    *,
    iterations: int | None = None,
    seed: int | None = None,
) -> Simulation:
    """Run the Monte Carlo and return the sampled durations and finishes per task."""
    model = _Model(data, parameters)
    iterations = parameters.iterations if iterations is None else iterations
    if iterations < 1:
        raise ScheduleInputError("iterations must be at least 1")
    samples = _simulate(model, iterations, parameters.seed if seed is None else seed)
    ids = tuple(model.tasks[t].id for t in model.order)
    return Simulation(ids, model.origin, samples.durations, samples.finish, model, samples)


def forecast_schedule(
    data: ScheduleInput,
    parameters: ScheduleParameters = SCHEDULE,
    *,
    iterations: int | None = None,
    seed: int | None = None,
) -> ScheduleResult:
    """P50/P80/P95 finishes, P(on time), criticality, sensitivity and the delay cascade."""
    sim = simulate(data, parameters, iterations=iterations, seed=seed)
    model, samples = sim.model, sim.samples
    n = samples.finish.shape[1]
    quantiles, on_time = _task_quantiles(model, samples)
    tasks = _task_forecasts(model, samples, quantiles, on_time)
    milestones = _milestone_forecasts(model, samples)
    cascade = _cascade(model, samples, quantiles, on_time)
    return ScheduleResult(
        as_of=model.as_of,
        iterations=n,
        seed=parameters.seed if seed is None else seed,
        distribution=parameters.distribution,
        tasks=tuple(sorted(tasks, key=lambda task: task.id)),
        milestones=milestones,
        cascade=cascade,
        parties=tuple(model.slippage[party] for party in model.parties),
    )


def _quantile_names(parameters: ScheduleParameters) -> list[str]:
    return [f"P{round(q * 100)}" for q in parameters.quantiles]


def _task_quantiles(model: _Model, samples: _Samples) -> tuple[np.ndarray, np.ndarray]:
    """Finish quantiles (positions x quantiles, days) and P(finish <= due) per position."""
    finish = samples.finish
    rows, n = finish.shape
    quantiles = np.empty((rows, len(model.parameters.quantiles)), dtype=np.int64)
    on_time = np.empty(rows)
    for block in _row_blocks(rows, n):
        quantiles[block], on_time[block] = _histogram_quantiles(
            finish[block],
            model.finish_low[block],
            model.finish_high[block],
            model.parameters.quantiles,
            due=model.due[block],
        )
    return quantiles, on_time


def _task_forecasts(model: _Model, samples: _Samples, quantiles, on_time) -> list[TaskForecast]:
    n, names = samples.finish.shape[1], _quantile_names(model.parameters)
    mean_duration = samples.durations.mean(axis=1, dtype=np.float64)
    drivers: dict[int, list[Driver]] = {}
    for (pred, task), count in zip(model.edges, samples.driving, strict=True):
        if count:
            drivers.setdefault(task, []).append(Driver(model.tasks[pred].id, float(count / n)))
    forecasts = []
    for position, index in enumerate(model.order):
        task = model.tasks[index]
        fixed = position < model.n_fixed
        forecasts.append(
            TaskForecast(
                id=task.id,
                label=task.label,
                party=task.party,
                milestone=task.milestone,
                status=task.status,
                due=task.due,
                quantiles={
                    name: model.date(day)
                    for name, day in zip(names, quantiles[position], strict=True)
                },
                probability_on_time=float(on_time[position]) if task.due else None,
                criticality=float(samples.critical[position] / n),
                mean_duration=0.0 if fixed else float(mean_duration[position]),
                drivers=tuple(sorted(drivers.get(index, []), key=lambda d: (-d.share, d.task_id))),
            )
        )
    return forecasts


def _milestone_forecasts(model: _Model, samples: _Samples) -> tuple[MilestoneForecast, ...]:
    if not model.milestone_names:
        return ()
    parameters, names = model.parameters, _quantile_names(model.parameters)
    finish = samples.milestones
    low = np.array([model.finish_low[m].max() for m in model.milestone_members])
    high = np.array([model.finish_high[m].max() for m in model.milestone_members])
    dues = np.array([model.days(d) if d else np.iinfo(np.int64).max for d in model.milestone_dues])
    quantiles, on_time = _histogram_quantiles(finish, low, high, parameters.quantiles, due=dues)
    rho = _sensitivity(model, samples)
    result = []
    for row, name in enumerate(model.milestone_names):
        members = model.milestone_members[row]
        upstream = set(members.tolist())
        for position in members:
            upstream |= {
                model.position[a] for a in nx.ancestors(model.graph, int(model.order[position]))
            }
        ranked = sorted(
            (p for p in upstream if p >= model.n_fixed and np.isfinite(rho[p, row])),
            key=lambda p: (-rho[p, row], model.tasks[model.order[p]].id),
        )[: parameters.sensitivity_top_n]
        sensitivity = tuple(
            Sensitivity(
                model.tasks[model.order[p]].id,
                model.tasks[model.order[p]].label,
                float(rho[p, row]),
            )
            for p in ranked
        )
        due = model.milestone_dues[row]
        result.append(
            MilestoneForecast(
                name=name,
                due=due,
                quantiles={
                    q: model.date(day) for q, day in zip(names, quantiles[row], strict=True)
                },
                probability_on_time=float(on_time[row]) if due else None,
                tasks=tuple(sorted(model.tasks[model.order[p]].id for p in members)),
                sensitivity=sensitivity,
            )
        )
    return tuple(result)


def _sensitivity(model: _Model, samples: _Samples) -> np.ndarray:
    """Spearman correlation (mid-ranks for ties) of each duration with each milestone finish.

    NaN where a duration or a milestone never varies.
    """
    n = samples.finish.shape[1]
    centre = (n + 1) / 2
    milestone_ranks = stats.rankdata(samples.milestones, axis=1) - centre
    milestone_var = (milestone_ranks**2).sum(axis=1)
    low = model.table[:, 0].astype(np.int64)
    high = model.table[:, -1].astype(np.int64)
    rho = np.full((len(model.order), len(model.milestone_names)), np.nan)
    for block in _row_blocks(len(model.order), n):
        width = high[block] - low[block] + 1
        base = np.concatenate(([0], np.cumsum(width)[:-1]))
        shifted = samples.durations[block] - (low[block] - base)[:, None]
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


# --------------------------------------------------------------------------
# Delay cascade (analysis by exclusion)
# --------------------------------------------------------------------------


def _cascade(model: _Model, samples: _Samples, quantiles, on_time) -> tuple[CascadeEffect, ...]:
    """For each late or at-risk task, what its delay adds to every downstream task."""
    parameters, as_of = model.parameters, model.days(model.as_of)
    candidates = []
    for position in range(model.n_fixed, len(model.order)):
        task = model.tasks[model.order[position]]
        if task.due is None or on_time[position] >= parameters.at_risk_probability:
            continue
        reason = "overdue" if model.due[position] < as_of else "at risk"
        candidates.append((on_time[position], task.id, position, reason))
    candidates.sort()
    return tuple(
        _exclusion(model, samples, position, reason, probability)
        for probability, _, position, reason in candidates[: parameters.cascade_max_tasks]
    )


def _exclusion(model: _Model, samples: _Samples, position: int, reason: str, probability):
    """Re-run everything downstream of one task forced to its most likely duration.

    The task keeps its sampled start (its own predecessors are unchanged) but
    takes its most likely duration with no slippage and no ``as_of`` floor, as
    if it had gone to plan; downstream tasks keep their sampled durations. The
    shift of each downstream quantile finish, in its owner's working days, is
    the delay this one task passes on.
    """
    q = model.parameters.cascade_quantile
    task_index = int(model.order[position])
    downstream = sorted(nx.descendants(model.graph, task_index))
    externals = sorted(
        {p for t in downstream for p in model.preds[t]} - set(downstream) | {task_index}
    )
    local = {task: i for i, task in enumerate(externals)}
    order, levels = _plan(downstream, model.preds, model.topo, local)
    global_positions = np.array([model.position[t] for t in externals + order], dtype=np.int64)
    rows = model.rows.take(global_positions)
    durations = samples.durations[global_positions]
    ready = samples.finish[global_positions].astype(np.int64) + (durations > 0)
    ready[: len(externals)][global_positions[: len(externals)] < model.n_fixed] += 1
    forced_finish = _forced_finish(model, samples, position)
    forced_ready = forced_finish + (model.most_likely[position] > 0)
    ready[local[task_index]] = forced_ready
    _forward(model, levels, rows, durations, ready)
    finish = ready[len(externals) :] - (durations[len(externals) :] > 0)
    without = _row_quantile(finish, q)
    with_delay = _row_quantile(samples.finish[global_positions[len(externals) :]], q)
    own_with = _row_quantile(samples.finish[[position]], q)[0]
    own_without = _row_quantile(forced_finish[None, :], q)[0]
    shifts = []
    for i, task in enumerate(order):
        days = _working_days(model, model.position[task], without[i], with_delay[i])
        if days > 0:
            label = model.tasks[task].label
            dates = model.date(with_delay[i]), model.date(without[i])
            shifts.append(DownstreamShift(model.tasks[task].id, label, *dates, days))
    shifts.sort(key=lambda shift: (-shift.working_days, shift.task_id))
    task = model.tasks[task_index]
    return CascadeEffect(
        task_id=task.id,
        label=task.label,
        reason=reason,
        probability_on_time=float(probability),
        own_delay=_working_days(model, position, own_without, own_with),
        days_added=max((shift.working_days for shift in shifts), default=0),
        affected=tuple(shifts),
    )


def _forced_finish(model: _Model, samples: _Samples, position: int) -> np.ndarray:
    """Finish days of one task had it taken its most likely duration, per iteration."""
    task_index = int(model.order[position])
    n = samples.finish.shape[1]
    start = np.full(n, model.rows.earliest[position], dtype=np.int64)
    for pred in model.preds[task_index]:
        p = model.position[pred]
        np.maximum(
            start, samples.finish[p] + (samples.durations[p] > 0) + (p < model.n_fixed), out=start
        )
    most_likely = model.most_likely[position]
    index = model.rank_flat[start + model.rows.rank_base[position]] + max(most_likely - 1, 0)
    return model.wd_flat[index + model.rows.wd_base[position]]


def _row_quantile(values: np.ndarray, q: float) -> np.ndarray:
    low, high = values.min(axis=1).astype(np.int64), values.max(axis=1).astype(np.int64)
    return _histogram_quantiles(values, low, high, [q])[0][:, 0]


def _working_days(model: _Model, position: int, first: int, last: int) -> int:
    """Working days of the task's owner in [first, last) (0 if last <= first)."""
    if last <= first:
        return 0
    base = model.rows.rank_base[position]
    return int(model.rank_flat[base + last] - model.rank_flat[base + first])
