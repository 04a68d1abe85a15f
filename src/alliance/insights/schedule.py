"""Schedule risk: a vectorised Monte Carlo over the commitment dependency graph.

Each commitment (a *task* here) has a three-point duration estimate in working
days, an owing party, dependencies, maybe a due date and maybe an earliest
start. One iteration of the simulation draws every duration (Beta-PERT or
triangular, scaled by the owing party's learned slippage, correlated between one
party's tasks through a Gaussian copula whose correlation is learned from the
agreement's deliveries when there are enough, see ``correlation.py``), then walks the graph: a
task starts when all its predecessors are finished (and not before its own
earliest start, nor before ``as_of`` if it has not started), works on its owing
party's working days and finishes on the last of them. Delivered tasks are
fixed at their actual finish.

The iterations are cut into cache-sized chunks that run on all cores, each with
its own random stream; in a chunk, one compiled loop (numba, without the GIL)
walks the tasks in topological order, each over the chunk's iterations.
Working-day arithmetic is integer indexing into per-calendar lookup tables and
durations are drawn by indexing per-task tables of equiprobable quantiles (the
machinery is in ``schedule_engine.py`` and ``schedule_compiled.py``). Results
depend on the input and the seed only, not on the order of tasks or the number
of threads.

The model, its formulas, parameters and sources are in ``docs/insights.md``;
every knob is in :class:`alliance.insights.parameters.ScheduleParameters`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from alliance.insights.calendars import WorkingCalendar
from alliance.insights.correlation import PartyCorrelation, learn_party_correlation
from alliance.insights.parameters import CALENDAR, SCHEDULE, CalendarParameters, ScheduleParameters
from alliance.insights.schedule_engine import (
    STARTED_STATUSES,
    Model,
    PartyHistory,
    PartySlippage,
    Samples,
    ScheduleCycleError,
    ScheduleInput,
    ScheduleInputError,
    ScheduleRisk,
    ScheduleTask,
    counted_quantiles,
    forward,
    learn_slippage,
    on_rows,
    run,
    sample_all,
)

__all__ = [
    "STARTED_STATUSES",
    "CascadeEffect",
    "DownstreamShift",
    "Driver",
    "MilestoneForecast",
    "PartyCorrelation",
    "PartyHistory",
    "PartySlippage",
    "RiskShift",
    "ScheduleCycleError",
    "ScheduleInput",
    "ScheduleInputError",
    "ScheduleResult",
    "ScheduleRisk",
    "ScheduleTask",
    "Sensitivity",
    "Simulation",
    "TaskForecast",
    "forecast_schedule",
    "learn_party_correlation",
    "learn_slippage",
    "result_as_dict",
    "sample_durations",
    "schedule_input_from_dict",
    "simulate",
]


# --------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------


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
class RiskShift:
    """How far one risk moves a milestone's P80 (the tornado), in working days."""

    risk_id: str
    label: str
    probability: float
    impact: float
    with_risk: date
    without_risk: date
    working_days: int


@dataclass(frozen=True)
class MilestoneForecast:
    """A milestone finishes when the last of its tasks does."""

    name: str
    due: date | None
    quantiles: dict[str, date]
    probability_on_time: float | None
    tasks: tuple[str, ...]
    sensitivity: tuple[Sensitivity, ...]
    # CPM on most-likely durations (no slippage, no risk): the date a plan would promise, and
    # the contingency the P80 needs beyond it, in working days (merge bias, spread, risks).
    deterministic: date | None = None
    contingency_working_days: int | None = None
    # Each risk threatening it, by how many working days it moves its P80, largest first.
    risks: tuple[RiskShift, ...] = ()
    # How many paths of open tasks merge into it (1: a single chain; 0: nothing left open):
    # each extra path is a chance for the last one to finish late (merge bias).
    paths: int = 0


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
    # "whole" working days per task (the default) or "continuous" (ScheduleParameters).
    working_days: str = "whole"
    # The copula's party correlation: learned from the deliveries, or the prior (and why).
    correlation: PartyCorrelation | None = None

    def task(self, task_id: str) -> TaskForecast:
        """The forecast of one task by id."""
        return next(task for task in self.tasks if task.id == task_id)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


@dataclass
class Simulation:
    """The raw Monte Carlo, for tests and analysts: rows follow ``task_ids``.

    ``durations`` are the sampled whole working days (0 for delivered tasks)
    and ``finish`` the finish days counted from ``origin``; iterations run
    along axis 1.
    """

    task_ids: tuple[str, ...]
    origin: date
    model: Model = field(repr=False)
    samples: Samples = field(repr=False)

    @property
    def durations(self) -> np.ndarray:
        return self.samples.extra + self.model.pos[:, None].astype(np.int16)

    @property
    def finish(self) -> np.ndarray:
        return self.model.absolute(self.samples.finish)


def simulate(
    data: ScheduleInput,
    parameters: ScheduleParameters = SCHEDULE,
    *,
    iterations: int | None = None,
    seed: int | None = None,
) -> Simulation:
    """Run the Monte Carlo and return the sampled durations and finishes per task."""
    model = Model(data, parameters)
    iterations = parameters.iterations if iterations is None else iterations
    if iterations < 1:
        raise ScheduleInputError("iterations must be at least 1")
    samples = run(model, iterations, parameters.seed if seed is None else seed)
    ids = tuple(model.tasks[t].id for t in model.order)
    return Simulation(ids, model.origin, model, samples)


def sample_durations(
    data: ScheduleInput,
    parameters: ScheduleParameters = SCHEDULE,
    *,
    iterations: int | None = None,
    seed: int | None = None,
) -> np.ndarray:
    """Only draw the durations, chunked and threaded as :func:`simulate` draws them.

    The benchmark's baseline: whatever the engine adds on top of this is the
    cost of walking the graph. Returns extra working days after the first.
    """
    model = Model(data, parameters)
    iterations = parameters.iterations if iterations is None else iterations
    return sample_all(model, iterations, parameters.seed if seed is None else seed)


def forecast_schedule(
    data: ScheduleInput,
    parameters: ScheduleParameters = SCHEDULE,
    *,
    iterations: int | None = None,
    seed: int | None = None,
) -> ScheduleResult:
    """P50/P80/P95 finishes, P(on time), criticality, sensitivity and the delay cascade.

    An input without any task (an agreement with no commitment yet) has nothing to forecast:
    the result is empty rather than an error.
    """
    if not data.tasks:
        return ScheduleResult(
            as_of=data.as_of,
            iterations=0,
            seed=parameters.seed if seed is None else seed,
            distribution=parameters.distribution,
            tasks=(),
            milestones=(),
            cascade=(),
            parties=(),
            working_days=parameters.working_days,
            correlation=learn_party_correlation(data.histories, parameters),
        )
    sim = simulate(data, parameters, iterations=iterations, seed=seed)
    model, samples = sim.model, sim.samples
    quantiles, on_time = _task_quantiles(model, samples)
    return ScheduleResult(
        as_of=model.as_of,
        iterations=samples.finish.shape[1],
        seed=parameters.seed if seed is None else seed,
        distribution=parameters.distribution,
        tasks=tuple(sorted(_task_forecasts(model, sim, quantiles, on_time), key=lambda t: t.id)),
        milestones=_milestone_forecasts(model, sim),
        cascade=_cascade(model, sim, on_time),
        parties=tuple(model.slippage[party] for party in model.parties),
        working_days=parameters.working_days,
        correlation=model.correlation,
    )


def _quantile_names(parameters: ScheduleParameters) -> list[str]:
    return [f"P{round(q * 100)}" for q in parameters.quantiles]


def _task_quantiles(model: Model, samples: Samples) -> tuple[np.ndarray, np.ndarray]:
    """Finish quantiles (positions x quantiles, days) and P(finish <= due) per position."""
    finish, low = samples.finish, model.finish_low  # offsets from the earliest possible finish
    quantiles, on_time = counted_quantiles(
        finish,
        np.zeros_like(low),
        model.finish_high - low,
        model.parameters.quantiles,
        due=np.minimum(model.due, model.finish_high + 1) - low,
        threads=model.parameters.threads,
    )
    return quantiles + low[:, None], on_time


def _task_forecasts(model: Model, sim: Simulation, quantiles, on_time) -> list[TaskForecast]:
    samples = sim.samples
    n, names = samples.finish.shape[1], _quantile_names(model.parameters)
    mean_duration = samples.extra.mean(axis=1, dtype=np.float64) + model.pos
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


def _milestone_forecasts(model: Model, sim: Simulation) -> tuple[MilestoneForecast, ...]:
    samples = sim.samples
    if not model.milestone_names:
        return ()
    parameters, names = model.parameters, _quantile_names(model.parameters)
    finish = samples.milestones
    low = np.array([model.finish_low[m].max() for m in model.milestone_members])
    high = np.array([model.finish_high[m].max() for m in model.milestone_members])
    dues = np.array([model.days(d) if d else np.iinfo(np.int64).max for d in model.milestone_dues])
    quantiles, on_time = counted_quantiles(finish, low, high, parameters.quantiles, due=dues)
    rho = _sensitivity(model, sim)
    strict = _strictly_upstream(model)
    paths = _paths(model)
    deterministic = _deterministic_milestones(model)
    tornado = _risk_tornado(model, sim)
    p80 = names.index("P80") if "P80" in names else len(names) - 1
    result = []
    for row, name in enumerate(model.milestone_names):
        members = model.milestone_members[row]
        # Only the milestone's own tasks and those upstream can move it.
        upstream = strict[:, row].copy()
        upstream[members] = True
        upstream = np.flatnonzero(upstream)
        upstream = upstream[(upstream >= model.n_fixed) & np.isfinite(rho[upstream, row])]
        # Strongest first, ties by id (tasks are numbered in id order).
        ranked = upstream[np.lexsort((model.order[upstream], -rho[upstream, row]))]
        ranked = ranked[: parameters.sensitivity_top_n]
        sensitivity = tuple(
            Sensitivity(
                model.tasks[model.order[p]].id,
                model.tasks[model.order[p]].label,
                float(rho[p, row]),
            )
            for p in ranked
        )
        due = model.milestone_dues[row]
        plan_day = int(deterministic[row])
        contingency = _working_days(
            model, members[-1:], np.array([plan_day]), np.array([int(quantiles[row, p80])])
        )
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
                deterministic=model.date(plan_day),
                contingency_working_days=int(contingency[0]),
                risks=tornado[row],
                paths=sum(paths[p] for p in members if p >= model.n_fixed and not strict[p, row]),
            )
        )
    return tuple(result)


def _deterministic_milestones(model: Model) -> np.ndarray:
    """Each milestone's finish day with every open task at its most likely duration (CPM)."""
    ready = model.new_ready(1)
    forward(model, model.flat, model.rows, model.plan_extra, ready)
    finish = model.finish_from_ready(ready)[:, 0]
    return np.array([finish[m].max() for m in model.milestone_members], dtype=np.int64)


def _risk_tornado(model: Model, sim: Simulation) -> list[tuple[RiskShift, ...]]:
    """Per milestone, each risk's effect on its P80: the iterations replayed with that risk's
    days taken out where it occurred (common random numbers), over ``cascade_iterations``."""
    parameters = model.parameters
    shifts: list[list[RiskShift]] = [[] for _ in model.milestone_names]
    if not model.risks or not model.milestone_names:
        return [() for _ in model.milestone_names]
    n = min(sim.samples.finish.shape[1], parameters.cascade_iterations)
    with_risk = _quantile_rows(sim.samples.milestones[:, :n], parameters.cascade_quantile)
    for r, risk in enumerate(model.risks):
        rows, days = model.risk_positions[r], model.risk_days[r]
        if not len(rows) or not days:
            continue
        extra = sim.samples.extra[:, :n].copy()
        hit = sim.samples.risks[r, :n]
        extra[np.ix_(rows, np.flatnonzero(hit))] -= days
        ready = model.new_ready(n)
        forward(model, model.flat, model.rows, extra, ready)
        finish = model.finish_from_ready(ready)
        milestones = np.stack([finish[m].max(axis=0) for m in model.milestone_members])
        without = _quantile_rows(milestones, parameters.cascade_quantile)
        for row, members in enumerate(model.milestone_members):
            moved = _working_days(
                model, members[-1:], without[row : row + 1], with_risk[row : row + 1]
            )
            if moved[0] > 0:
                shifts[row].append(
                    RiskShift(
                        risk.id,
                        risk.label,
                        risk.probability,
                        risk.impact,
                        model.date(with_risk[row]),
                        model.date(without[row]),
                        int(moved[0]),
                    )
                )
    return [tuple(sorted(found, key=lambda s: (-s.working_days, s.risk_id))) for found in shifts]


def _strictly_upstream(model: Model) -> np.ndarray:
    """Whether each position is strictly upstream of each milestone (positions x milestones):
    some member waits for it, directly or not. One pass back over the plan's edges, last task
    first, carrying each task's milestones (bits) to its predecessors."""
    from alliance.insights.schedule_compiled import trace_back

    total, kinds, flat = len(model.order), len(model.milestone_names), model.flat
    words = (kinds + 63) // 64
    marks = np.zeros((total, words), dtype=np.uint64)
    for row, members in enumerate(model.milestone_members):
        bit = np.uint64(1) << np.uint64(row % 64)
        for p in members[(members >= flat.lo) & (members < flat.hi)] - flat.lo:
            preds = flat.pred_pos[flat.pred_ptr[p] : flat.pred_ptr[p + 1]]
            marks[preds, row // 64] |= bit
    every = np.full((len(model.edges), words), np.iinfo(np.uint64).max, dtype=np.uint64)
    trace_back(flat.lo, flat.hi, flat.pred_ptr, flat.pred_pos, flat.pred_edge, marks, every)
    shifts = (np.arange(kinds) % 64).astype(np.uint64)
    return ((marks[:, np.arange(kinds) // 64] >> shifts) & np.uint64(1)).astype(bool)


def _paths(model: Model) -> list[int]:
    """Per position, how many distinct paths of open tasks end in it (1 for a task waiting for
    no open one): a milestone's merging paths are the sum over its open members that no
    other member waits for (a chain is one path, four parallel branches four, a diamond two).
    Delivered tasks carry no uncertainty and are not counted. Python integers: the count
    grows with the product of the branchings."""
    flat, first = model.flat, model.n_fixed
    count = [0] * len(model.order)
    ptr, preds = flat.pred_ptr.tolist(), flat.pred_pos.tolist()
    for p in range(flat.lo, flat.hi):
        r = p - flat.lo
        count[p] = sum(count[q] for q in preds[ptr[r] : ptr[r + 1]] if q >= first) or 1
    return count


def _sensitivity(model: Model, sim: Simulation) -> np.ndarray:
    """Spearman correlation (mid-ranks for ties) of each duration with each milestone finish.

    NaN where a duration or a milestone never varies. The sums are taken in integers (twice
    each centred mid-rank is one), by counting rather than sorting
    (:func:`~alliance.insights.schedule_compiled.rank_products`): exactly the values a float
    matrix product of the ranks gives while its every partial sum is exact, which it is up to
    some 300,000 iterations (a sum of products of half-integers below n^3 / 12).
    """
    from alliance.insights.schedule_compiled import centred_ranks, rank_products

    samples = sim.samples
    milestones = samples.milestones
    kinds, n = milestones.shape
    # Twice the centred ranks fit in 32 bits, and so do their sums per value below 46,341
    # iterations (|sum| < n^2).
    wide = np.int32 if n * n < 2**31 else np.int64
    targets = np.empty((kinds, n), dtype=wide)
    milestone_var = np.empty(kinds, dtype=np.int64)
    low, high = milestones.min(axis=1).astype(np.int64), milestones.max(axis=1).astype(np.int64)
    centred_ranks(milestones, low, high, 0, kinds, targets, milestone_var)
    targets = np.ascontiguousarray(targets.T)
    rows = len(model.order)
    numerator = np.empty((rows, kinds), dtype=np.int64)
    duration_var = np.empty(rows, dtype=np.int64)
    low, high = model.extra_low, model.extra_high
    extra = samples.extra
    on_rows(
        rows,
        lambda lo, hi: rank_products(extra, low, high, lo, hi, targets, numerator, duration_var),
        model.parameters.threads,
    )
    # Each sum is four times the one of the mid-ranks themselves (exact in floats: a power of
    # two, integers far below 2^53).
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (numerator / 4) / np.sqrt((duration_var / 4)[:, None] * (milestone_var / 4)[None, :])
    rho[~np.isfinite(rho)] = np.nan
    return rho


# --------------------------------------------------------------------------
# Delay cascade (analysis by exclusion)
# --------------------------------------------------------------------------


def _cascade(model: Model, sim: Simulation, on_time) -> tuple[CascadeEffect, ...]:
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
    offsets = _quantile_rows(sim.samples.finish[:, :n], parameters.cascade_quantile)
    with_delay = offsets + model.finish_low
    # The first n iterations' ready days and extra days, once for every cascade.
    ready = (sim.samples.finish[:, :n] + model.store_offset[:, None]).astype(model.day_dtype)
    replay = _Replay(ready, np.ascontiguousarray(sim.samples.extra[:, :n]), ready.copy())
    return tuple(
        _exclusion(model, sim, replay, with_delay, position, reason, probability)
        for probability, _, position, reason in candidates[: parameters.cascade_max_tasks]
    )


@dataclass
class _Replay:
    """The stored iterations a cascade replays: ready days (positions x n, the model's day
    type) and extra days, C-ordered for the compiled pass, and a copy of the ready days each
    cascade changes and puts back."""

    ready: np.ndarray
    extra: np.ndarray
    scratch: np.ndarray


def _exclusion(
    model: Model, sim: Simulation, replay: _Replay, with_delay, position, reason, probability
):
    """Re-run everything downstream of one task forced to its most likely duration.

    The task keeps its sampled start (its own predecessors are unchanged) but
    takes its most likely duration with no slippage and no ``as_of`` floor, as
    if it had gone to plan; downstream tasks keep their sampled durations
    (common random numbers), over the first ``cascade_iterations`` iterations.
    Each downstream quantile finish moves by the delay this one task passes on.

    The tasks after it in the model's own order (a topological one) are passed again over the
    stored ready days, each only if a predecessor's days changed
    (:func:`~alliance.insights.schedule_compiled.replay_pass`): only the rows that changed can
    shift (a row that did not keeps its quantile).
    """
    from alliance.insights.schedule_compiled import replay_pass

    task_index = int(model.order[position])
    n = replay.ready.shape[1]
    forced = _forced_finish(model, sim, position, n)
    ready, flat, rows = replay.scratch, model.flat, model.rows
    ready[position] = forced + model.pos[position]
    changed = np.zeros(len(model.order), dtype=bool)
    changed[position] = True
    after = flat.starting_at(position + 1)
    replay_pass(
        after.lo,
        after.hi,
        after.pred_ptr,
        after.pred_pos,
        after.floor,
        rows.earliest,
        rows.rank_base,
        rows.as_of,
        rows.region_end,
        model.rank_flat,
        model.ready_flat,
        model.span,
        replay.extra,
        replay.ready,
        ready,
        changed,
    )
    moved = position + 1 + np.flatnonzero(changed[position + 1 :])
    without = _quantile_rows(
        ready[moved] - model.pos[moved, None], model.parameters.cascade_quantile
    )
    ready[moved], ready[position] = replay.ready[moved], replay.ready[position]  # put back
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
    own_without = _quantile_rows(forced[None, :], model.parameters.cascade_quantile)
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


def _ready(model: Model, positions: np.ndarray, finish: np.ndarray) -> np.ndarray:
    """Ready days back from finish days: next day, same day for zero-duration tasks."""
    step = np.where(positions < model.n_fixed, 1, model.pos[positions])
    return (finish + step[:, None]).astype(model.day_dtype)


def _forced_finish(model: Model, sim: Simulation, position: int, n: int) -> np.ndarray:
    """Finish days of one task had it taken its most likely duration, per iteration."""
    task_index = int(model.order[position])
    start = np.full(n, model.rows.earliest[position], dtype=np.int32)
    preds = np.array([model.position[p] for p in model.preds[task_index]], dtype=np.int64)
    if len(preds):
        finish = model.absolute(sim.samples.finish[preds, :n], preds)
        np.maximum(start, _ready(model, preds, finish).max(axis=0), out=start)
    extra = max(int(model.most_likely[position]) - int(model.pos[position]), 0)
    index = model.rank_flat[start + model.rows.rank_base[position]] + extra
    return model.ready_flat[index] - model.pos[position]


def _quantile_rows(values: np.ndarray, q: float) -> np.ndarray:
    """The q-quantile of each row (integer days)."""
    return counted_quantiles(values, None, None, [q])[0][:, 0]


def _working_days(model: Model, positions: np.ndarray, first, last) -> np.ndarray:
    """Working days of each task's owner in [first, last), 0 when last <= first."""
    base = model.rows.rank_base[positions]
    last = np.maximum(last, first)
    return model.rank_flat[base + last] - model.rank_flat[base + first]


# --------------------------------------------------------------------------
# Portable JSON (the `schedule` command's input and output)
# --------------------------------------------------------------------------


def schedule_input_from_dict(
    document: Mapping, calendar_parameters: CalendarParameters = CALENDAR
) -> ScheduleInput:
    """Build the input from the documented JSON shape (see docs/insights.md).

    Parties name a country (holidays and weekend from the `holidays` package)
    and/or give their own weekmask, extra holidays and blackout periods.
    """
    try:
        as_of = date.fromisoformat(document["as_of"])
        tasks = tuple(_task_from_dict(item) for item in document["commitments"])
    except KeyError as missing:
        raise ScheduleInputError(f"missing field {missing}") from None
    dates = [as_of, *(d for t in tasks for d in (t.due, t.start, t.actual_finish) if d)]
    first, last = min(dates).year - 1, max(dates).year + calendar_parameters.holiday_years_ahead
    calendars = {
        party: _calendar_from_dict(spec or {}, range(first, last + 1), calendar_parameters)
        for party, spec in document.get("parties", {}).items()
    }
    histories = tuple(
        PartyHistory(item["party"], tuple(item.get("planned", ())), tuple(item.get("actual", ())))
        for item in document.get("history", ())
    )
    dues = {name: date.fromisoformat(day) for name, day in document.get("milestones", {}).items()}
    risks = tuple(
        ScheduleRisk(
            id=str(item["id"]),
            probability=float(item["probability"]),
            impact=float(item["impact"]),
            tasks=tuple(str(t) for t in item.get("commitments", ())),
            label=item.get("label", ""),
        )
        for item in document.get("risks", ())
    )
    return ScheduleInput(tasks, as_of, calendars, histories, dues, risks)


def _optional_date(value) -> date | None:
    return date.fromisoformat(value) if value else None


def _task_from_dict(item: Mapping) -> ScheduleTask:
    return ScheduleTask(
        id=str(item["id"]),
        party=str(item["party"]),
        optimistic=float(item["optimistic"]),
        most_likely=float(item["most_likely"]),
        pessimistic=float(item["pessimistic"]),
        depends_on=tuple(str(dep) for dep in item.get("depends_on", ())),
        due=_optional_date(item.get("due")),
        start=_optional_date(item.get("start")),
        milestone=item.get("milestone"),
        status=item.get("status", "planned"),
        actual_finish=_optional_date(item.get("actual_finish")),
        label=item.get("label", ""),
    )


def _calendar_from_dict(spec: Mapping, years: range, parameters: CalendarParameters):
    blackouts = tuple(
        (date.fromisoformat(a), date.fromisoformat(b)) for a, b in spec.get("blackouts", ())
    )
    extra = tuple(date.fromisoformat(day) for day in spec.get("holidays", ()))
    if spec.get("country"):
        base = WorkingCalendar.for_country(
            spec["country"],
            spec.get("subdivision"),
            years=years,
            weekmask=spec.get("weekmask"),
            parameters=parameters,
        )
        return WorkingCalendar(base.weekmask, base.holidays + extra, blackouts)
    return WorkingCalendar(spec.get("weekmask", parameters.default_weekmask), extra, blackouts)


def result_as_dict(result: ScheduleResult) -> dict:
    """The result as plain JSON-ready data (dates as ISO strings, tuples as lists)."""
    return _plain(dataclasses.asdict(result))


def _plain(value):
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, np.generic):
        return _plain(value.item())
    return value
