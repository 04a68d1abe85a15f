"""The machinery under :mod:`alliance.insights.schedule`: inputs, tables and the passes.

Everything here works on integer arrays laid out task by iteration ("positions"
x iterations): tasks sorted by topological level so that a level is a
contiguous block of rows, days counted from a common origin, working-day
arithmetic as indexing into per-calendar lookup tables, durations as indexing
into per-task quantile tables. The forward pass and the critical-path trace are
compiled loops (``schedule_compiled.py``). Public names live in ``schedule.py``.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from scipy import special

from alliance.insights.calendars import WorkingCalendar
from alliance.insights.correlation import learn_party_correlation
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
        names = [f"{task} ({labels[task]})" if labels.get(task) else task for task in cycle]
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
    risks: tuple[ScheduleRisk, ...] = ()


@dataclass(frozen=True)
class ScheduleRisk:
    """A risk event (the risk-driver method, AACE 57R-09): in each iteration it occurs with
    ``probability`` and then adds ``impact`` working days to every open commitment it threatens
    (one occurrence for all of them: a common cause moves them together)."""

    id: str
    probability: float
    impact: float
    tasks: tuple[str, ...]
    label: str = ""


@dataclass(frozen=True)
class PartySlippage:
    """How much slower (or faster) than planned a party works, and from what evidence."""

    party: str
    factor: float
    observations: int
    observed_log_ratio: float | None
    shrunk_log_ratio: float


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
    low, high = parameters.slippage_min_factor, parameters.slippage_max_factor
    return PartySlippage(party, min(max(math.exp(shrunk), low), high), n, observed, shrunk)


def is_fixed(task: ScheduleTask) -> bool:
    """Delivered (or waived with a date) tasks no longer move."""
    return task.actual_finish is not None and task.status in (DELIVERED, WAIVED)


def earliest_start(task: ScheduleTask, as_of: date) -> date:
    """A started task began at its start; any other cannot start before ``as_of``."""
    if task.status in STARTED_STATUSES and task.start is not None:
        return task.start
    return max(task.start or as_of, as_of)


# --------------------------------------------------------------------------
# Duration tables
# --------------------------------------------------------------------------


def unit_cdf(kind: str, lam: float, c: np.ndarray, y: np.ndarray) -> np.ndarray:
    """P(Y <= y) of the standardised estimate on [0, 1] with mode ``c`` (0 and 1 included).

    Triangular: ``y^2 / c`` up to the mode, ``1 - (1 - y)^2 / (1 - c)`` after it; with the
    mode at the minimum (c = 0) the left branch is the single point y = 0, whose probability
    is 0, and with the mode at the maximum (c = 1) the right branch is empty.
    """
    if kind == "pert":
        return special.betainc(1 + lam * c, 1 + lam * (1 - c), y)
    if kind == "triangular":
        left = np.divide(y * y, c, out=np.zeros_like(y), where=c > 0)
        right = 1 - np.divide((1 - y) ** 2, 1 - c, out=np.ones_like(y), where=c < 1)
        return np.clip(np.where(y <= c, left, right), 0.0, 1.0)
    raise ScheduleInputError(f"unknown duration distribution {kind!r}")


def unit_partial_mean(kind: str, lam: float, c: np.ndarray, y: np.ndarray) -> np.ndarray:
    """E[Y; Y <= y] of the standardised estimate (the integral of t dF(t) from 0 to y)."""
    if kind == "pert":
        a, b = 1 + lam * c, 1 + lam * (1 - c)
        return a / (a + b) * special.betainc(a + 1, b, y)
    if kind == "triangular":
        left = np.divide(2 * y**3, 3 * c, out=np.zeros_like(y), where=c > 0)
        tail = (y * y / 2 - y**3 / 3) - (c * c / 2 - c**3 / 3)
        right = 2 * c * c / 3 + np.divide(2 * tail, 1 - c, out=np.zeros_like(y), where=c < 1)
        return np.where(y <= c, left, right)
    raise ScheduleInputError(f"unknown duration distribution {kind!r}")


def _duration_cdf(tasks, factors, row, values, parameters: ScheduleParameters) -> np.ndarray:
    """P(D <= value) for each (task row, value) pair; D the task's sampled working days.

    Whole days (the default): ``D = ceil(f X)``, so ``P(D <= d) = P(f X <= d)``. Continuous
    days: ``D`` is ``f X`` rounded up or down at random with the probability of its fraction
    (``E[D] = E[f X]`` exactly, no half day gained per task), whose CDF is the mean of the
    continuous CDF over [d, d + 1]: ``P(D <= d) = H(d + 1) - H(d)`` with
    ``H(z) = z G(z) - E[f X; f X <= z]``. A task with any work takes at least one day.
    """
    low, mode, high = (
        np.array([getattr(task, name) for task in tasks], dtype=float)[row]
        for name in ("optimistic", "most_likely", "pessimistic")
    )
    factor = np.asarray(factors, dtype=float)[row]
    kind, lam = parameters.distribution, parameters.pert_lambda
    spread = high - low
    point = spread < 1e-9
    spread = np.where(point, 1.0, spread)
    c = np.clip((mode - low) / spread, 0.0, 1.0)

    def below(z: np.ndarray) -> np.ndarray:  # G(z) = P(f X <= z)
        y = np.clip((z / factor - low) / spread, 0.0, 1.0)
        return np.where(point, (z / factor >= low - 1e-9).astype(float), unit_cdf(kind, lam, c, y))

    if parameters.working_days == "whole":
        return below(values)
    if parameters.working_days != "continuous":
        raise ScheduleInputError(f"unknown working-day convention {parameters.working_days!r}")

    def integral(z: np.ndarray) -> np.ndarray:  # H(z): the integral of G up to z
        y = np.clip((z / factor - low) / spread, 0.0, 1.0)
        g = below(z)
        partial = factor * (low * g + spread * unit_partial_mean(kind, lam, c, y))
        return np.where(point, np.maximum(z - factor * low, 0.0), z * g - partial)

    cdf = np.clip(integral(values + 1.0) - integral(values), 0.0, 1.0)
    working = high * factor > 0
    return np.where(working & (values < 1), 0.0, cdf)


def _shared_rows(tasks, factor: np.ndarray, parameters: ScheduleParameters) -> np.ndarray:
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
    # Sorted by key (stably: a run of equal keys keeps the task order), each run's first task.
    count = len(keys)
    by_key = np.lexsort(keys.T[::-1]) if count else np.empty(0, dtype=np.intp)
    ordered = keys[by_key]
    starts = np.ones(count, dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)  # == as floats: 0.0 is -0.0
    run = np.cumsum(starts) - 1
    first = np.empty(count, dtype=np.int64)
    first[by_key] = by_key[np.flatnonzero(starts)][run]
    return first


def quantile_table(
    tasks, factors, parameters: ScheduleParameters, elapsed: np.ndarray | None = None
) -> np.ndarray:
    """Per task, the whole-working-day duration at G equiprobable quantiles (tasks x G).

    Column j holds the smallest duration d with P(D <= d) >= (j + 0.5) / G, so
    drawing j uniformly draws D with every probability exact to 1 / G. D is
    ``ceil(factor * X)``: a commitment needing 2.3 working days takes three.

    ``elapsed`` (working days already spent on a started task, -1 for the others) conditions
    D on the work not being finished: ``P(D <= d | D > e) = (F(d) - F(e)) / (1 - F(e))``.
    When the estimate leaves less than ``elapsed_min_survival`` beyond e, the task is drawn
    from its residual at the last day e* that still had that chance, moved on by e - e*.
    """
    size, count = parameters.quantile_table_size, len(tasks)
    factor = np.asarray(factors, dtype=float)
    low = np.floor(factor * [task.optimistic for task in tasks]).astype(np.int64)
    high = np.ceil(factor * [task.pessimistic for task in tasks]).astype(np.int64)
    width = high - low + 1  # every (task, candidate duration) pair, flattened
    row = np.repeat(np.arange(count), width)
    offset = np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
    values = low[row] + offset
    # The CDF of each distinct row once (the costly part: an incomplete beta per pair).
    shared = _shared_rows(tasks, factor, parameters)
    own = np.flatnonzero(shared == np.arange(count))
    own_width = width[own]
    own_row = np.repeat(np.arange(len(own)), own_width)
    own_values = low[own][own_row] + np.arange(own_width.sum())
    own_values -= np.repeat(np.cumsum(own_width) - own_width, own_width)
    own_cdf = _duration_cdf(
        [tasks[t] for t in own], factor[own], own_row, own_values.astype(float), parameters
    )
    slot = np.zeros(count, dtype=np.int64)
    slot[own] = np.cumsum(width[own]) - width[own]
    cdf = own_cdf[slot[shared][row] + offset]
    shift = np.zeros(count, dtype=np.int64)
    if elapsed is not None and (elapsed >= 0).any():
        cdf, shift = _condition(cdf, row, values, low, high, np.asarray(elapsed), parameters)
    if count and (high + shift).max() > np.iinfo(np.int16).max:
        raise ScheduleInputError("a duration estimate exceeds 32767 working days")
    # Rounding can dent a CDF by an ulp; a running maximum per task keeps it monotone.
    cdf = np.maximum.accumulate(cdf + 2.0 * row) - 2.0 * row
    # Value i of a task fills the quantiles j in [start_i, end_i): quantile j has
    # passed value i once cdf(i) < (j + 0.5) / G, i.e. from j = step(cdf(i)) on.
    ends = np.clip(np.floor(cdf * size - 0.5).astype(np.int64) + 1, 0, size)
    last = np.cumsum(width) - 1
    ends[last] = size
    starts = np.concatenate(([0], ends[:-1]))
    starts[last[:-1] + 1] = 0
    table = np.repeat((values + shift[row]).astype(np.int16), ends - starts)
    return table.reshape(count, size)


def _condition(cdf, row, values, low, high, elapsed, parameters: ScheduleParameters):
    """The CDF of each started task given that its ``elapsed`` days did not finish it."""
    count = len(low)
    # F(e) per task from its own row of the table (0 below the range, 1 above it).
    first = np.cumsum(high - low + 1) - (high - low + 1)
    survival = np.ones(count)
    started = elapsed >= 0
    inside = started & (elapsed >= low) & (elapsed <= high)
    survival[inside] = 1.0 - cdf[first[inside] + elapsed[inside] - low[inside]]
    survival[started & (elapsed > high)] = 0.0
    # e*: the last day with enough chance left; -1 when even the first is too unlikely.
    floor = parameters.elapsed_min_survival
    fit = np.where(1.0 - cdf >= floor, values, -1)
    last_fit = np.full(count, -1, dtype=np.int64)
    np.maximum.at(last_fit, row, fit)
    last_fit = np.maximum(last_fit, low - 1)
    point = np.where(started & (survival < floor), np.minimum(elapsed, last_fit), elapsed)
    shift = np.where(started & (survival < floor), elapsed - point, 0)
    at = np.zeros(count)
    inside = started & (point >= low) & (point <= high)
    at[inside] = cdf[first[inside] + point[inside] - low[inside]]
    base = at[row]
    conditioned = np.clip((cdf - base) / np.maximum(1.0 - base, 1e-12), 0.0, 1.0)
    conditioned = np.where(values <= point[row], 0.0, conditioned)
    return np.where(started[row], conditioned, cdf), shift


@functools.lru_cache(maxsize=8)
def copula_table(size: int, bins: int, rho: float) -> np.ndarray:
    """Quantile index drawn given the party's shared factor (bins x G).

    The Gaussian copula: latent X = sqrt(rho) Z_party + sqrt(1 - rho) e. The
    party factor Z is cut into K equiprobable bins; row b is the inverse CDF of
    the quantile index J = floor(Phi(X) G) given Z in bin b, so drawing the bin
    and then a uniform index reproduces the copula, with J exactly uniform
    overall.
    """
    sub, s = 16, math.sqrt(rho)
    z = special.ndtri((np.arange(bins * sub) + 0.5) / (bins * sub)).reshape(bins, sub)
    edges = special.ndtri(np.arange(size + 1) / size)
    with np.errstate(invalid="ignore"):
        cond = special.ndtr((edges[None, None, :] - s * z[:, :, None]) / math.sqrt(1 - s * s))
    cdf = np.nan_to_num(cond.mean(axis=1), nan=0.0)  # P(J < j | bin), j = 0..G
    cdf[:, 0], cdf[:, -1] = 0.0, 1.0
    targets = (np.arange(size) + 0.5) / size
    rows = [np.searchsorted(row, targets, side="left") - 1 for row in cdf]
    table = np.clip(np.array(rows), 0, size - 1).astype(np.uint16)
    table.flags.writeable = False  # shared by every model (cached)
    return table


# --------------------------------------------------------------------------
# Plans: tasks in level order
# --------------------------------------------------------------------------


@dataclass
class Rows:
    """Per-position constants of the tasks a forward pass computes."""

    earliest: np.ndarray  # earliest start, days since origin
    rank_base: np.ndarray  # where the owner's rank table starts in the flat table
    as_of: np.ndarray  # flat working-day index of as_of on the owner's calendar
    region_end: np.ndarray  # last flat index of the owner's working-day table

    def take(self, positions: np.ndarray) -> Rows:
        return Rows(*(getattr(self, name)[positions] for name in self.__dataclass_fields__))


def plan(
    subset: Sequence[int],
    preds: Mapping[int, list[int]],
    topological: Sequence[int],
    position: dict[int, int],
    edges: list[tuple[int, int]] | None = None,
    started: Collection[int] = (),
) -> tuple[list[int], Flat]:
    """Order ``subset`` by level (most predecessors first within one, then by task) and lay it
    out for the compiled pass.

    ``preds`` has every task 0..N-1, ``topological`` lists them in a topological order.
    Predecessors outside ``subset`` must already have a position (they are read, not
    computed); positions for ``subset`` continue from ``len(position)``. The edges, in the
    order the forward pass meets them (level by level, the k-th predecessors of the level's
    tasks k-th), are appended to ``edges``; the "not before as_of" floor is set for the
    ``started`` tasks. Array work, and one compiled pass for the levels.
    """
    from alliance.insights.schedule_compiled import subset_depths

    total = len(preds)
    counts = np.fromiter((len(preds[t]) for t in range(total)), dtype=np.int64, count=total)
    ptr = np.zeros(total + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    every = itertools.chain.from_iterable(preds[t] for t in range(total))
    pred_task = np.fromiter(every, dtype=np.int64, count=int(ptr[-1]))
    chosen = np.asarray(subset, dtype=np.int64)
    inside = np.zeros(total, dtype=bool)
    inside[chosen] = True
    depth = np.zeros(total, dtype=np.int64)
    subset_depths(np.asarray(topological, dtype=np.int64), ptr, pred_task, inside, depth)
    rows = chosen[np.lexsort((chosen, -counts[chosen], depth[chosen]))]
    order = rows.tolist()
    first = len(position)
    position.update(zip(order, range(first, first + len(order)), strict=True))
    edges = [] if edges is None else edges
    if not order:
        return order, Flat(
            0, 0, np.zeros(1, np.int64), np.empty(0, np.int64), np.empty(0, np.int64),
            np.empty(0, dtype=np.bool_),
        )  # fmt: skip
    at = np.full(total, -1, dtype=np.int64)
    at[np.fromiter(position.keys(), np.int64)] = np.fromiter(position.values(), np.int64)
    # Row r's k-th predecessor is entry row_ptr[r] + k.
    sizes = counts[rows]
    row_ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(sizes, out=row_ptr[1:])
    row = np.repeat(np.arange(len(rows)), sizes)
    k = np.arange(int(row_ptr[-1])) - row_ptr[:-1][row]
    pred = pred_task[ptr[rows][row] + k]
    meets = np.lexsort((row, k, depth[rows][row]))  # level, then k, then row
    pred_edge = np.empty(len(meets), dtype=np.int64)
    pred_edge[meets] = len(edges) + np.arange(len(meets))
    edges.extend(zip(pred[meets].tolist(), rows[row[meets]].tolist(), strict=True))
    early = np.zeros(total, dtype=bool)
    early[np.fromiter(started, np.int64, count=len(started))] = True
    flat = Flat(first, first + len(rows), row_ptr, at[pred], pred_edge, early[rows])
    return order, flat


@dataclass
class Flat:
    """Levels as the compiled pass reads them: positions lo..hi, and per row r = p - lo the
    predecessor positions and edge ids ``[pred_ptr[r], pred_ptr[r + 1])`` and whether the
    "not before as_of" floor binds."""

    lo: int
    hi: int
    pred_ptr: np.ndarray
    pred_pos: np.ndarray
    pred_edge: np.ndarray
    floor: np.ndarray

    def starting_at(self, lo: int) -> Flat:
        """The same rows from position ``lo`` on (``lo`` within ``self.lo..self.hi``)."""
        first = min(max(lo, self.lo), self.hi) - self.lo
        return Flat(
            self.lo + first,
            self.hi,
            self.pred_ptr[first:],
            self.pred_pos,
            self.pred_edge,
            self.floor[first:],
        )


# --------------------------------------------------------------------------
# The prepared model
# --------------------------------------------------------------------------


class Model:
    """The input as arrays: tasks by position (delivered first), calendars as integer tables."""

    def __init__(self, data: ScheduleInput, parameters: ScheduleParameters):
        self.parameters, self.as_of = parameters, data.as_of
        if not data.tasks:
            raise ScheduleInputError("nothing to simulate: the input has no task")
        self.tasks = sorted(data.tasks, key=lambda task: task.id)
        self.index = {task.id: i for i, task in enumerate(self.tasks)}
        if len(self.index) != len(self.tasks):
            raise ScheduleInputError("task ids must be unique")
        self._check(parameters)
        self.fixed = [i for i, task in enumerate(self.tasks) if is_fixed(task)]
        self.n_fixed = len(self.fixed)
        self.preds = self._predecessors()
        topological = self._topological_order()
        self.topo = {task: rank for rank, task in enumerate(topological)}
        # A delivered task is fixed: its predecessors no longer matter.
        for task in self.fixed:
            self.preds[task] = []
        self.succs: dict[int, list[int]] = {task: [] for task in self.preds}
        for task, preds in self.preds.items():
            for pred in preds:
                self.succs[pred].append(task)
        self.position: dict[int, int] = {task: p for p, task in enumerate(self.fixed)}
        fixed = set(self.fixed)
        open_tasks = [i for i in range(len(self.tasks)) if i not in fixed]
        self.edges: list[tuple[int, int]] = []
        self.earliest_dates = [earliest_start(task, data.as_of) for task in self.tasks]
        self.started = {i for i in open_tasks if self.earliest_dates[i] < data.as_of}
        order, self.planned = plan(
            open_tasks, self.preds, topological, self.position, self.edges, self.started
        )
        self.order = np.array(self.fixed + order, dtype=np.int64)  # position -> task
        self.parties = sorted({task.party for task in self.tasks})
        self.slippage = {p: learn_slippage(p, data.histories, parameters) for p in self.parties}
        # The copula's correlation: learned from the deliveries when there are enough of them.
        self.correlation = learn_party_correlation(data.histories, parameters)
        self.calendars = {p: data.calendars.get(p, WorkingCalendar()) for p in self.parties}
        self._durations(parameters)
        self._risks(data)
        self._dates(data)
        self._milestones(data)

    def by_position(self) -> list[ScheduleTask]:
        return [self.tasks[t] for t in self.order]

    # -- validation and graph ---------------------------------------------

    def _check(self, parameters: ScheduleParameters) -> None:
        size = parameters.quantile_table_size
        if size & (size - 1) or not 2 <= size <= 2**16:
            raise ScheduleInputError("quantile_table_size must be a power of two up to 65536")
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

    def _topological_order(self) -> list[int]:
        """Tasks in a topological order (Kahn's algorithm, compiled, over the predecessor
        lists as arrays; the level order of the plan does not depend on which).

        Only when a cycle leaves tasks unsorted is networkx asked to name it.
        """
        from alliance.insights.schedule_compiled import topological_order

        total = len(self.tasks)
        counts = np.fromiter((len(self.preds[t]) for t in range(total)), np.int64, count=total)
        every = itertools.chain.from_iterable(self.preds[t] for t in range(total))
        preds = np.fromiter(every, dtype=np.int64, count=int(counts.sum()))
        task = np.repeat(np.arange(total, dtype=np.int64), counts)
        by_pred = np.argsort(preds, kind="stable")
        succ_ptr = np.zeros(total + 1, dtype=np.int64)
        np.cumsum(np.bincount(preds, minlength=total), out=succ_ptr[1:])
        order = topological_order(counts, succ_ptr, task[by_pred]).tolist()
        if len(order) < len(self.tasks):
            import networkx as nx  # only to name a cycle: 0.3 s to import

            graph = nx.DiGraph()
            graph.add_nodes_from(range(len(self.tasks)))
            graph.add_edges_from((p, t) for t, ps in self.preds.items() for p in ps)
            ids = [self.tasks[edge[0]].id for edge in nx.find_cycle(graph)]
            raise ScheduleCycleError(ids, {task.id: task.label for task in self.tasks})
        return order

    def descendants(self, task: int) -> set[int]:
        """Every task that (transitively) waits for ``task``; delivered tasks wait for none."""
        seen: set[int] = set()
        stack = list(self.succs[task])
        while stack:
            successor = stack.pop()
            if successor not in seen:
                seen.add(successor)
                stack.extend(self.succs[successor])
        return seen

    # -- durations ----------------------------------------------------------

    def _durations(self, parameters: ScheduleParameters) -> None:
        tasks = self.by_position()
        factors = [self.slippage[task.party].factor for task in tasks]
        self.elapsed = self._elapsed(tasks)
        table = quantile_table(tasks, factors, parameters, self.elapsed)
        table[: self.n_fixed] = 0
        # Only an all-zero estimate gives zero days (ceil of a continuous draw is >= 1),
        # so "zero-duration" is a property of the task, not of a draw.
        self.pos = (table[:, -1] > 0).astype(np.int32)
        table -= self.pos[:, None].astype(np.int16)  # extra days after the first
        # One byte per draw when it fits: half the memory traffic of every pass.
        self.table = table.astype(np.uint8) if table.max(initial=0) < 256 else table
        self.table_base = np.arange(len(tasks), dtype=np.int32)[self.n_fixed :, None] * (
            parameters.quantile_table_size
        )
        party_ids = {party: i for i, party in enumerate(self.parties)}
        self.party_of = np.array([party_ids[task.party] for task in tasks], dtype=np.int64)
        counts = np.bincount(self.party_of[self.n_fixed :], minlength=len(self.parties))
        # Correlation only matters between two or more open tasks of one party.
        rho = self.correlation.value
        self.correlated = rho > 0 and bool((counts > 1).any())
        if self.correlated:
            self.copula = copula_table(
                parameters.quantile_table_size, parameters.copula_bins, rho
            ).ravel()
            bins = parameters.copula_bins
            self.copula_edges = special.ndtri(np.arange(1, bins) / bins)
        most_likely = [math.ceil(task.most_likely - 1e-9) for task in tasks]
        self.most_likely = np.array(most_likely, dtype=np.int64)

    def _elapsed(self, tasks: list[ScheduleTask]) -> np.ndarray:
        """Working days each started task has already run by ``as_of`` (-1: not started).

        Only counted when ``condition_on_elapsed``: a started task is then drawn given that
        those days did not finish it.
        """
        elapsed = np.full(len(tasks), -1, dtype=np.int64)
        if not self.parameters.condition_on_elapsed:
            return elapsed
        started: dict[str, list[int]] = {}  # by party: one vectorised count per calendar
        for position in range(self.n_fixed, len(tasks)):
            if self._is_started(tasks[position]):
                started.setdefault(tasks[position].party, []).append(position)
        for party, positions in started.items():
            starts = [tasks[p].start for p in positions]
            days = self.calendars[party].working_days_between(starts, self.as_of)
            elapsed[positions] = days
        return elapsed

    def _is_started(self, task: ScheduleTask) -> bool:
        return (
            task.status in STARTED_STATUSES and task.start is not None and task.start < self.as_of
        )

    def _risks(self, data: ScheduleInput) -> None:
        """Per risk, the positions of the open commitments it threatens and its whole days."""
        self.risks = tuple(data.risks)
        self.risk_positions, self.risk_days = [], []
        add = np.zeros(len(self.order), dtype=np.int64)
        position = self.position
        for risk in self.risks:
            if not 0.0 <= risk.probability <= 1.0 or risk.impact < 0:
                raise ScheduleInputError(
                    f"risk {risk.id}: need 0 <= probability <= 1 and impact >= 0"
                )
            unknown = [t for t in risk.tasks if t not in self.index]
            if unknown:
                raise ScheduleInputError(f"risk {risk.id} threatens unknown task(s) {unknown}")
            rows = sorted({position[self.index[t]] for t in risk.tasks})
            rows = np.array([p for p in rows if p >= self.n_fixed], dtype=np.int64)
            days = math.ceil(risk.impact - 1e-9)
            self.risk_positions.append(rows)
            self.risk_days.append(days)
            add[rows] += days
        self.risk_pairs = self._risk_pairs()
        # Per open position (from n_fixed), its risks: risk_ids[risk_ptr[r]:risk_ptr[r + 1]].
        positions, self.risk_ids, _ = self.risk_pairs
        self.risk_ptr = np.searchsorted(positions, np.arange(self.n_fixed, len(self.order) + 1))
        # Extra days a position can take: its table's range plus every risk that may hit it.
        self.extra_low = self.table[:, 0].astype(np.int64)
        self.extra_high = self.table[:, -1].astype(np.int64) + add
        if self.extra_high.max(initial=0) > np.iinfo(np.int16).max:
            raise ScheduleInputError("a duration with its risks exceeds 32767 working days")
        # The deterministic plan's extra days (most likely durations) in the table's type when
        # they fit, so that every forward pass of a model runs one compiled specialisation.
        plan = np.maximum(self.most_likely - self.pos, 0)
        plan[: self.n_fixed] = 0
        longest = max(self.extra_high.max(initial=0), plan.max(initial=0))
        if self.table.dtype == np.uint8 and longest >= 256:
            self.table = self.table.astype(np.int16)
        fits = plan.max(initial=0) <= np.iinfo(self.table.dtype).max
        self.plan_extra = plan.astype(self.table.dtype if fits else np.int64)[:, None]

    def _risk_pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position, risk, round) of every open task a risk (with days) threatens, by
        position; a task's round counts the risks before it that threaten it too."""
        pairs = sorted(
            (int(p), r)
            for r, (rows, days) in enumerate(zip(self.risk_positions, self.risk_days, strict=True))
            if days
            for p in rows
        )
        positions = np.array([p for p, _ in pairs], dtype=np.int64)
        risks = np.array([r for _, r in pairs], dtype=np.int64)
        firsts = np.searchsorted(positions, positions)
        return positions, risks, np.arange(len(pairs)) - firsts

    def risk_rounds(self, lo: int, hi: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """The risks threatening positions lo..hi as (rows from lo, risk ids) rounds, a row
        at most once in each: ``extra[rows] += added[risks]`` round after round adds every
        risk to every task it threatens."""
        positions, risks, rounds = self.risk_pairs
        a, b = np.searchsorted(positions, [lo, hi])
        found = rounds[a:b]
        return [
            (positions[a:b][found == r] - lo, risks[a:b][found == r])
            for r in range(int(found.max(initial=-1)) + 1)
        ]

    # -- dates and calendars -----------------------------------------------

    def _dates(self, data: ScheduleInput) -> None:
        tasks = self.by_position()
        known = [data.as_of, *(d for task in tasks for d in (task.start, task.actual_finish) if d)]
        self.origin = min(known) - timedelta(days=1)
        origin = self.origin
        earliest = [(self.earliest_dates[t] - origin).days for t in self.order]
        self.earliest = np.array(earliest, dtype=np.int32)
        finish = [self.days(task.actual_finish) for task in tasks[: self.n_fixed]]
        self.fixed_finish = np.array(finish, dtype=np.int32)
        never = np.iinfo(np.int32).max
        self.due = np.array([self.days(t.due) if t.due else never for t in tasks], dtype=np.int64)
        self.distinct_calendars = sorted(set(self.calendars.values()), key=repr)
        number = {calendar: i for i, calendar in enumerate(self.distinct_calendars)}
        of_party = {party: number[calendar] for party, calendar in self.calendars.items()}
        self.calendar_of = np.array([of_party[t.party] for t in tasks], dtype=np.int64)
        span = int(max(self.earliest.max(initial=0), self.fixed_finish.max(initial=0))) + 800
        every = self.planned  # every floor: the bounds do not know yet which bind
        while True:
            self._tables(span)
            low, high = self._bounds(every)
            if high.max(initial=0) < span - 2:
                break
            span *= 2
        self.finish_low, self.finish_high = low, high
        # Finishes are stored as offsets from the earliest possible one, in two
        # bytes when the spread allows: half the memory of absolute days.
        spread = int((high - low).max(initial=0))
        self.finish_dtype = np.uint16 if spread < np.iinfo(np.uint16).max else np.int32
        self.store_offset = (low + self.step).astype(self.day_dtype)
        # The tasks that can finish last in some iteration: whose latest finish is not before
        # the earliest finish of every other (where critical paths are traced back from),
        # and that no task waits for. A task with a successor never finishes after it (the
        # successor starts on or after its ready day), and where it finishes on the same day
        # (a zero-duration link) the successor's start was set by it, so the trace back
        # reaches it anyway: seeding from the ends of the paths alone gives the same flags
        # from a fraction of the rows (467 of 2,622 on the bench's 5,000 tasks).
        waited_for = np.zeros(len(self.order), dtype=bool)
        waited_for[self.planned.pred_pos] = True
        self.last_candidates = np.flatnonzero((high >= low.max(initial=0)) & ~waited_for)
        self._floors()

    def _floors(self) -> None:
        """Keep only the started tasks whose "not before as_of" floor can bind.

        It binds only where the shortest extra days (a draw, or the most likely duration of
        the deterministic plan) from the earliest start end before as_of; conditioned on its
        elapsed days, a started task's draws never do, and the forward pass skips its floor.
        """
        shortest = np.minimum(self.extra_low, np.maximum(self.most_likely - self.pos, 0))
        rows = self.rows
        earliest = self.rank_flat[rows.rank_base + rows.earliest] + shortest
        binds = earliest < rows.as_of
        planned = self.planned
        floor = planned.floor & binds[planned.lo : planned.hi]
        self.flat = dataclasses.replace(planned, floor=floor)

    def days(self, day: date) -> int:
        """Days since the model's origin."""
        return (day - self.origin).days

    def date(self, days: int) -> date:
        return self.origin + timedelta(days=int(days))

    def _tables(self, span: int) -> None:
        """Flat rank and ready-day tables, one region per (calendar, zero-duration or not).

        ``ready_flat[rank_flat[rank_base + s] + extra]`` is then the day a task
        starting on day ``s`` and working ``extra`` more days is ready: the day
        after its last working day (or that day itself for a zero-duration task).
        """
        tables = [cal.lookup_tables(self.origin, span) for cal in self.distinct_calendars]
        width = max(len(working) for _, working in tables) + 1
        # Days fit in two bytes for any plan shorter than ninety years: half the memory
        # traffic of every gather, maximum and comparison of the forward pass.
        self.day_dtype = np.int16 if span + 1 <= np.iinfo(np.int16).max else np.int32
        ranks, ready = [], []
        for region in range(2 * len(tables)):
            rank, working = tables[region // 2]
            ranks.append(rank + region * width)
            # Pad with a day past the span, so an overflow shows in the bounds.
            padded = np.full(width, span + 1, dtype=np.int32)
            padded[: len(working)] = working + region % 2
            ready.append(padded)
        # Flat indices are numpy's own index type: a gather with them converts nothing.
        self.rank_flat = np.concatenate(ranks).astype(np.intp)
        self.ready_flat = np.concatenate(ready).astype(self.day_dtype)
        self.span, self.width = span, width
        region = 2 * self.calendar_of + self.pos
        rank_base = (region * (span + 1)).astype(np.intp)
        as_of = self.rank_flat[rank_base + self.days(self.as_of)]
        region_end = (region * width + width - 1).astype(np.intp)
        earliest = self.earliest.astype(self.day_dtype)
        self.rows = Rows(earliest, rank_base, as_of, region_end)

    def _bounds(self, flat: Flat) -> tuple[np.ndarray, np.ndarray]:
        """Earliest and latest possible finish of every task (all-shortest / all-longest draws)."""
        extra = np.stack([self.extra_low, self.extra_high], axis=1).astype(self.table.dtype)
        ready = self.new_ready(2)
        forward(self, flat, self.rows, extra, ready, clip=True)
        finish = self.finish_from_ready(ready)
        return finish[:, 0].astype(np.int64), finish[:, 1].astype(np.int64)

    def absolute(self, stored: np.ndarray, positions=slice(None)) -> np.ndarray:
        """Finish days (int32) from stored offsets of the tasks at ``positions``."""
        return stored.astype(np.int32) + self.finish_low[positions, None].astype(np.int32)

    def new_ready(self, n: int) -> np.ndarray:
        """Ready-day array with the delivered tasks filled in (ready the day after)."""
        ready = np.empty((len(self.order), n), dtype=self.day_dtype)
        ready[: self.n_fixed] = (self.fixed_finish + 1)[:, None]
        return ready

    @functools.cached_property
    def step(self) -> np.ndarray:
        """Ready day minus finish day: 1, or 0 for a zero-duration task."""
        step = self.pos.copy()
        step[: self.n_fixed] = 1
        return step

    def finish_from_ready(self, ready: np.ndarray, positions=slice(None)) -> np.ndarray:
        """Finish day = the day before ready, except for zero-duration tasks."""
        return ready - self.step[positions, None]

    def _milestones(self, data: ScheduleInput) -> None:
        members: dict[str, list[int]] = {}
        dues: dict[str, list[date]] = {}
        for p, task in enumerate(self.by_position()):
            if task.milestone:
                members.setdefault(task.milestone, []).append(p)
                if task.due:
                    dues.setdefault(task.milestone, []).append(task.due)
        self.milestone_names = sorted(members)
        self.milestone_members = [np.array(members[name]) for name in self.milestone_names]
        # All members in one gather, each milestone's maximum by one reduceat.
        self.milestone_rows = np.concatenate([[], *self.milestone_members]).astype(np.intp)
        sizes = [len(m) for m in self.milestone_members]
        self.milestone_starts = np.cumsum([0, *sizes[:-1]]).astype(np.intp)
        self.milestone_dues = [
            data.milestone_dues.get(name, max(dues.get(name, ()), default=None))
            for name in self.milestone_names
        ]


# --------------------------------------------------------------------------
# The forward pass (compiled: schedule_compiled.py)
# --------------------------------------------------------------------------


_NO_LANES = np.empty((0, 0), dtype=np.uint16)
_NO_BINS = np.empty((0, 0), dtype=np.int32)
_NO_DRIVES = np.empty((0, 0), dtype=np.uint8)
_NO_FINISH = np.empty((0, 0), dtype=np.uint16)  # the finishes' type but for the widest plans
_NO_COPULA = np.empty(0, dtype=np.uint16)
_NO_COPULA.flags.writeable = False  # as the cached copula tables


def forward(
    model: Model,
    flat: Flat,
    rows: Rows,
    extra: np.ndarray | None,
    ready: np.ndarray,
    drives: np.ndarray | None = None,
    clip: bool = False,
    draws: Draws | None = None,
    finish: np.ndarray | None = None,
    column: int = 0,
) -> None:
    """Fill ``ready`` (first day successors may start) for the tasks at ``flat``'s positions.

    A task starts on the first working day of its owner on or after the latest
    of its earliest start and its predecessors' ready days, works its d days
    there (``extra`` = d - 1), finishes on the last and is ready the next
    calendar day; a zero-duration task finishes on its start day and is ready
    at once. A task not yet delivered cannot finish before ``as_of``.
    ``drives[e]`` records, per edge, whether the predecessor set the start, as bits (eight
    iterations a byte, as ``np.packbits``). With ``draws`` (a chunk of the Monte Carlo), each
    task's extra days are looked up from them as the task is reached and written to
    ``extra``, and its finish stored as an offset in ``finish``. ``clip`` keeps every index
    inside the tables (the bounds are computed before the span is known to be wide enough).

    One compiled loop (:func:`~alliance.insights.schedule_compiled.forward_pass`) over the
    tasks, each over the iterations, without the GIL.
    """
    if flat.hi == flat.lo:
        return
    n = ready.shape[1]
    # Arrays a pass does not use are empty ones of the same types as when it does: every pass
    # over one model runs the same compiled specialisation.
    table = model.table
    lanes, shift, bins, added = _NO_LANES, 0, _NO_BINS, np.empty((0, n), table.dtype)
    if draws is not None:
        if flat.lo != model.n_fixed:
            raise ValueError("draws are for the model's own plan (every open task)")
        lanes, shift = draws.lanes, 17 - model.parameters.quantile_table_size.bit_length()
        bins = _NO_BINS if draws.bins is None else draws.bins
        added = added if draws.added is None else draws.added
    copula = model.copula if model.correlated else _NO_COPULA
    from alliance.insights.schedule_compiled import forward_pass  # numba: loaded when first run

    forward_pass(
        flat.lo,
        flat.hi,
        flat.pred_ptr,
        flat.pred_pos,
        flat.pred_edge,
        flat.floor,
        rows.earliest,
        rows.rank_base,
        rows.as_of,
        rows.region_end,
        model.rank_flat,
        model.ready_flat,
        clip,
        model.span,
        model.parameters.criticality_tie_days,
        extra,
        column,
        lanes,
        shift,
        bins,
        copula,
        table.ravel(),
        model.table_base.ravel(),
        model.party_of,
        model.risk_ptr,
        model.risk_ids,
        added,
        ready,
        _NO_DRIVES if drives is None else drives,
        _NO_FINISH if finish is None else finish,
        np.empty(0, model.day_dtype) if finish is None else model.store_offset,
    )


def _take(table: np.ndarray, index: np.ndarray, axis=None, out=None) -> np.ndarray:
    """``table[index]``, two to three times as fast: the indices are in range by construction,
    so the mode only decides speed (numpy's wrap loop is the fastest for in-range indices).
    The array's own method: ``np.take`` adds two Python calls to each of some 8,000 a run."""
    return table.take(index, axis=axis, out=out, mode="wrap")


@dataclass
class Draws:
    """One chunk's random numbers, drawn for the whole chunk in the stream's order.

    Quantile indices come straight from the generator's raw 64-bit words, four
    16-bit lanes each (G is a power of two, so the top bits are exactly
    uniform); then the party factors of the copula, then the risk occurrences.
    :func:`lookup` turns any block of rows into extra working days: all at once, or a
    level at a time inside the forward pass (the same numbers, so the same days).
    """

    lanes: np.ndarray  # (open positions x n) raw 16-bit lanes
    bins: np.ndarray | None  # (parties x n) each party factor's copula bin, times G
    added: np.ndarray | None  # (risks x n) the days each risk adds where it occurred


def draw(
    model: Model, rng: np.random.Generator, n: int, hits: np.ndarray | None = None
) -> Draws | None:
    """The chunk's random numbers (None when every task is delivered: nothing is drawn)."""
    size, first, total = model.parameters.quantile_table_size, model.n_fixed, len(model.order)
    count = (total - first) * n
    if not count:
        return None
    raw = rng.bit_generator.random_raw((count + 3) // 4)
    lanes = raw.view(np.uint16)[:count].reshape(total - first, n)
    bins = added = None
    if model.correlated:
        factor = rng.standard_normal((len(model.parties), n))
        bins = np.searchsorted(model.copula_edges, factor).astype(np.int32) * size
    if model.risks:
        occurred = risk_occurrences(model, rng, n)
        if hits is not None:
            hits[...] = occurred
        days = np.array(model.risk_days, dtype=np.int64)[:, None]
        added = (occurred * days).astype(model.table.dtype)
    return Draws(lanes, bins, added)


def lookup(model: Model, draws: Draws, lo: int, hi: int, risks, out: np.ndarray) -> None:
    """Extra working days of positions lo..hi (all open) into ``out``: the quantile drawn
    (re-drawn given the party factor's bin with the copula), then every risk that occurred."""
    size, first = model.parameters.quantile_table_size, model.n_fixed
    index = draws.lanes[lo - first : hi - first] >> (17 - size.bit_length())
    if draws.bins is not None:
        party = model.party_of[lo:hi]
        index = _take(model.copula, _take(draws.bins, party, axis=0) + index)
    _take(model.table.ravel(), model.table_base[lo - first : hi - first] + index, out=out)
    for rows, which in risks:
        out[rows] += draws.added[which]


def sample(
    model: Model, rng: np.random.Generator, n: int, hits: np.ndarray | None = None
) -> np.ndarray:
    """Extra working days after the first, (positions x n); zero for delivered tasks."""
    first, total = model.n_fixed, len(model.order)
    extra = np.zeros((total, n), dtype=model.table.dtype)
    draws = draw(model, rng, n, hits)
    if draws is not None:
        risks = model.risk_rounds(first, total) if draws.added is not None else []
        lookup(model, draws, first, total, risks, extra[first:])
    return extra


def risk_occurrences(model: Model, rng: np.random.Generator, n: int) -> np.ndarray:
    """Whether each risk occurs in each of ``n`` iterations (risks x n), drawn after the
    durations from the same stream: the chunk's draws say which iterations it hit."""
    probability = np.array([risk.probability for risk in model.risks])
    return rng.random((len(model.risks), n)) < probability[:, None]


# --------------------------------------------------------------------------
# Chunks, on all cores
# --------------------------------------------------------------------------


@dataclass
class Samples:
    """Everything kept from all iterations (positions x iterations) plus running counts.

    ``finish`` holds offsets from ``Model.finish_low`` (see ``Model.absolute``).
    """

    extra: np.ndarray
    finish: np.ndarray
    milestones: np.ndarray
    critical: np.ndarray
    driving: np.ndarray
    risks: np.ndarray  # (risks x iterations): whether each risk occurred


def criticality(model: Model, ready: np.ndarray, drives: np.ndarray):
    """Per task, iterations on the critical path; per edge, iterations it set the start.

    The critical path of an iteration is traced back from the task(s) that
    finish last through every predecessor whose ready day set its successor's
    start (ties included), stopping where an earliest start or ``as_of`` ruled.
    Flags are packed 64 iterations to a word and traced back by one compiled loop over the
    edges, last task first (:func:`~alliance.insights.schedule_compiled.trace_back`);
    ``drives`` is packed so already (see :func:`forward`).
    """
    words = (ready.shape[1] + 63) // 64
    # Only a task that can finish after every other's earliest finish can be last.
    candidates = model.last_candidates
    last = model.finish_from_ready(ready[candidates], candidates)
    critical = np.zeros((len(model.order), words), dtype=np.uint64)
    critical[candidates] = _pack(last == last.max(axis=0), words)
    flat = model.flat
    from alliance.insights.schedule_compiled import trace_back

    trace_back(flat.lo, flat.hi, flat.pred_ptr, flat.pred_pos, flat.pred_edge, critical, drives)
    return _count(critical), _count(drives)


def _pack(flags: np.ndarray, words: int) -> np.ndarray:
    """Boolean rows as bits in ``words`` 64-bit words per row (zero-padded)."""
    packed = np.packbits(flags, axis=1)
    if packed.shape[1] < 8 * words:
        packed = np.pad(packed, ((0, 0), (0, 8 * words - packed.shape[1])))
    return packed.view(np.uint64)


def _count(flags: np.ndarray) -> np.ndarray:
    """Set bits per row of packed flags."""
    return np.bitwise_count(flags).sum(axis=1, dtype=np.int64)


def run_chunk(model: Model, rng: np.random.Generator, lo: int, hi: int, out: Samples):
    n = hi - lo
    draws = draw(model, rng, n, out.risks[:, lo:hi])
    ready = model.new_ready(n)
    words = (n + 63) // 64
    drives = np.zeros((len(model.edges), 8 * words), dtype=np.uint8)  # zero-padded bits
    stored = out.finish[:, lo:hi]
    # Delivered tasks: no draw (zero extra days), their finish stored once here.
    fixed = slice(0, model.n_fixed)
    np.subtract(ready[fixed], model.store_offset[fixed, None], out=stored[fixed], casting="unsafe")
    forward(
        model,
        model.flat,
        model.rows,
        out.extra,
        ready,
        drives,
        draws=draws,
        finish=out.finish,
        column=lo,
    )
    if len(model.milestone_rows):
        rows = model.milestone_rows
        finish = model.finish_from_ready(ready[rows], rows)
        out.milestones[:, lo:hi] = np.maximum.reduceat(finish, model.milestone_starts, axis=0)
    return criticality(model, ready, drives.view(np.uint64))


def usable_cores() -> int:
    """The cores this thread may run on (its affinity: the daily jobs' worker keeps off one,
    ``alliance.cli.yield_the_cores``), where the system says; else every core."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def in_chunks(model: Model, iterations: int, seed: int, work: Callable) -> list:
    """``work(generator, lo, hi)`` for every chunk of iterations, on all cores.

    Each chunk draws from its own stream spawned from ``seed``, so the result
    does not depend on how many threads ran or in which order they finished.
    """
    size = model.parameters.chunk_iterations
    bounds = range(0, iterations, size)
    seeds = np.random.SeedSequence(seed).spawn(len(bounds))
    workers = model.parameters.threads or usable_cores()

    def run(chunk: int):
        lo = bounds[chunk]
        return work(np.random.default_rng(seeds[chunk]), lo, min(lo + size, iterations))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(len(bounds))))


def sample_all(model: Model, iterations: int, seed: int) -> np.ndarray:
    """Only the draws :func:`run` makes (extra working days), chunked and threaded alike."""
    extra = np.zeros((len(model.order), iterations), dtype=model.table.dtype)

    def draw(rng: np.random.Generator, lo: int, hi: int) -> None:
        extra[:, lo:hi] = sample(model, rng, hi - lo)

    in_chunks(model, iterations, seed, draw)
    return extra


def run(model: Model, iterations: int, seed: int) -> Samples:
    """The whole Monte Carlo: durations, finishes, milestone finishes and critical counts."""
    total = len(model.order)
    # np.zeros (calloc) rather than np.empty: much cheaper first touch for big arrays.
    samples = Samples(
        np.zeros((total, iterations), dtype=model.table.dtype),
        np.zeros((total, iterations), dtype=model.finish_dtype),
        np.zeros((len(model.milestone_members), iterations), dtype=np.int32),
        np.zeros(total, dtype=np.int64),
        np.zeros(len(model.edges), dtype=np.int64),
        np.zeros((len(model.risks), iterations), dtype=bool),
    )
    chunks = in_chunks(
        model, iterations, seed, lambda g, lo, hi: run_chunk(model, g, lo, hi, samples)
    )
    for critical, driving in chunks:
        samples.critical += critical
        samples.driving += driving
    return samples


# --------------------------------------------------------------------------
# Quantiles by counting
# --------------------------------------------------------------------------


def on_rows(rows: int, work: Callable[[int, int], object], threads: int = 0) -> None:
    """``work(lo, hi)`` over the rows cut in one range per thread (``threads``, 0: every usable
    core), side by side: for compiled kernels, which release the GIL."""
    threads = max(1, min(threads or usable_cores(), rows))
    bounds = [rows * k // threads for k in range(threads + 1)]
    if threads == 1:
        work(0, rows)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(work, bounds[:-1], bounds[1:]))


def counted_quantiles(values, low, high, quantiles: Iterable[float], due=None, threads: int = 1):
    """Row-wise lower quantiles (and P(value <= due)) of integer rows known to lie in [low, high].

    Counting is cheaper than sorting: one compiled count per row, then a walk up its running
    totals (:func:`~alliance.insights.schedule_compiled.row_quantiles`). A quantile q is the
    smallest value v with P(value <= v) >= q (the "inverted CDF" definition). ``low`` and
    ``high`` None: each row's own minimum and maximum bound it.
    """
    from alliance.insights.schedule_compiled import row_quantiles

    rows, n = values.shape
    need = np.array([max(1, math.ceil(q * n - 1e-9)) for q in quantiles], dtype=np.int64)
    result = np.empty((rows, len(need)), dtype=np.int64)
    if low is None:
        low = high = np.empty(0, dtype=np.int64)
    low, high = np.asarray(low, dtype=np.int64), np.asarray(high, dtype=np.int64)
    dues = np.empty(0, np.int64) if due is None else np.asarray(due, dtype=np.int64)
    counted = np.zeros(rows if due is not None else 0, dtype=np.int64)
    on_rows(
        rows,
        lambda lo, hi: row_quantiles(values, low, high, lo, hi, need, dues, result, counted),
        threads,
    )
    return result, (None if due is None else counted / n)
