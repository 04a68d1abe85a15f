"""Benchmarks of the insights engine: `python bench/insights.py` prints a table.

`python bench/insights.py generator` also runs the known-truth study through PostgreSQL (the
scale generator, the real recompute): it drops and creates the database named by
``ALLIANCE_BENCH_DATABASE`` (default ``alliance_bench_truth``; PGHOST / PGPORT / PGUSER as in
``bench/generate.py``), migrates it and drops it afterwards. It is not part of the default run.

Each section is a function returning table rows; every timing is compared with
a baseline measured in the same run on the same machine, so the ratios mean
something wherever this runs. This is not a test: nothing fails, the numbers
are for the closing note of a change.
"""

from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from alliance.insights.alignment import agreement_alignment, portfolio_alignment
from alliance.insights.calendars import WorkingCalendar
from alliance.insights.early_warnings import early_warnings, portfolio_warnings
from alliance.insights.inputs import (
    AgreementData,
    Commitment,
    Expectation,
    FollowUp,
    Grievance,
    Interaction,
    Participation,
    Party,
    PortfolioFrame,
    PulseResponse,
    RegulatoryRequirement,
)
from alliance.insights.parameters import SCHEDULE
from alliance.insights.schedule import (
    PartyHistory,
    ScheduleInput,
    ScheduleRisk,
    ScheduleTask,
    forecast_schedule,
    simulate,
)
from alliance.insights.schedule_engine import Model, run, sample_all
from alliance.insights.studies import engine_calibration, known_truth_spearman
from alliance.insights.tests.schedule_reference import replay
from alliance.insights.trust import agreement_trust, portfolio_trust

Row = tuple[str, str, str, str, str]  # section, measure, value, ratio, goal

COUNTRIES = ["FR", "DE", "SA", "AE", "QA", "EG", "IR", "KE", "SN", "MA",
             "IN", "BR", "GB", "US", "JP", "NG", "ZA", "TR", "ID", "CI"]  # fmt: skip


class Timing(float):
    """A wall time (seconds) that carries the CPU time (all threads) of the same run.

    Formatted, it prints both — "1.49 s" becomes "1.49 s wall / 2.80 s CPU" — so every line
    of the table says how much of the wall time the machine actually spent on it (this
    machine is shared: a wall figure alone says little). Sums and scalings keep the CPU time;
    a ratio of two timings is a plain number.
    """

    cpu: float

    def __new__(cls, wall: float, cpu: float) -> Timing:
        value = super().__new__(cls, wall)
        value.cpu = cpu
        return value

    def __format__(self, spec: str) -> str:
        return f"{float(self):{spec}} wall / {self.cpu:{spec}}"

    def __add__(self, other):
        if isinstance(other, Timing):
            return Timing(float(self) + float(other), self.cpu + other.cpu)
        return float(self) + other

    __radd__ = __add__

    def __mul__(self, factor):
        if isinstance(factor, Timing):
            return float(self) * float(factor)
        return Timing(float(self) * factor, self.cpu * factor)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Timing):
            return float(self) / float(other)
        return Timing(float(self) / other, self.cpu / other)


def timed(function: Callable, repeat: int = 1):
    """Best wall time of `repeat` runs (with its CPU time, see Timing), and the last result."""
    best, cpu, result = timed_with_cpu(function, repeat)
    return Timing(best, cpu), result


def timed_with_cpu(function: Callable, repeat: int = 1):
    """Best wall time of `repeat` runs, the best CPU time (all threads) of them, the result.

    CPU time next to wall time shows how much other load on the machine slowed
    a measurement down. Each is the least of the runs, taken separately: on a shared machine
    the run with the least wall time is not the one with the least CPU time (a run descheduled
    for a while may have been spared the other processes' cache traffic), and the CPU time of
    the fastest-wall run swung the ratios of the same code by a third from one run to the next.
    """
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return best, cpu, result


def portfolio_schedule(tasks: int = 5_000, parties: int = 20, seed: int = 1) -> ScheduleInput:
    """A large agreement portfolio: ~2 dependencies per task, 20 parties on their own calendars."""
    rng = random.Random(seed)
    as_of = date(2026, 3, 2)
    years = range(2025, 2031)
    calendars = {
        f"party-{i:02d}": WorkingCalendar.for_country(
            country,
            years=years,
            blackouts=((date(2026, 7, 1 + i), date(2026, 7, 10 + i)),) if i % 5 == 0 else (),
        )
        for i, country in enumerate(COUNTRIES[:parties])
    }
    names = sorted(calendars)
    rows = []
    for i in range(tasks):
        low = rng.randint(1, 10)
        mode = low + rng.randint(0, 10)
        high = mode + rng.randint(1, 25)
        window = range(max(0, i - 400), i)
        deps = sorted(set(rng.sample(window, min(len(window), rng.choice([1, 2, 2, 3])))))
        status, actual = "planned", None
        if i < tasks // 20:
            status, actual = "delivered", as_of - timedelta(days=rng.randint(1, 60))
        due = as_of + timedelta(days=rng.randint(20, 700)) if rng.random() < 0.4 else None
        rows.append(
            ScheduleTask(
                id=f"c{i:05d}",
                party=rng.choice(names),
                optimistic=low,
                most_likely=mode,
                pessimistic=high,
                depends_on=tuple(f"c{j:05d}" for j in deps),
                due=due,
                status=status,
                actual_finish=actual,
                milestone=f"m{i % 25:02d}" if rng.random() < 0.05 else None,
            )
        )
    histories = tuple(
        PartyHistory(
            name,
            tuple(rng.uniform(5, 20) for _ in range(8)),
            tuple(rng.uniform(5, 30) for _ in range(8)),
        )
        for name in names[::2]
    )
    return ScheduleInput(tuple(rows), as_of, calendars, histories)


def schedule_section(iterations: int = 10_000, loop_iterations: int = 20) -> list[Row]:
    """Monte Carlo vs just drawing the durations vs the plain networkx loop, same input."""
    data = portfolio_schedule()
    dependencies = sum(len(task.depends_on) for task in data.tasks)
    case = f"schedule: {len(data.tasks):,} tasks, {dependencies:,} deps, 20 parties"
    seed, it = SCHEDULE.seed, f"{iterations:,} it"
    prepare, prepare_cpu, model = timed_with_cpu(lambda: Model(data, SCHEDULE), repeat=3)
    sampling, sampling_cpu, _ = timed_with_cpu(lambda: sample_all(model, iterations, seed), 5)
    core, core_cpu, _ = timed_with_cpu(lambda: run(model, iterations, seed), repeat=5)
    end_to_end, end_cpu, sim = timed_with_cpu(lambda: simulate(data, iterations=iterations), 3)
    full, full_cpu, result = timed_with_cpu(lambda: forecast_schedule(data, iterations=iterations))
    risky, started = with_risks_and_started_work(data)
    risk_wall, risk_cpu, _ = timed_with_cpu(lambda: simulate(risky, iterations=iterations), 5)
    durations = dict(zip(sim.task_ids, sim.durations, strict=True))
    loop, _ = timed(lambda: replay(data, durations, loop_iterations))
    loop_scaled = loop * iterations / loop_iterations
    numpy_beta = _numpy_pert_draws(data, iterations)
    peak_core = _peak_memory(lambda: simulate(data, iterations=iterations))
    peak_full = _peak_memory(lambda: forecast_schedule(data, iterations=iterations))

    def seconds(wall: float, cpu: float) -> str:
        return f"{wall:.3f} s (cpu {cpu:.2f} s)"

    return [
        (case, "prepare the model (tables, plan, bounds)", seconds(prepare, prepare_cpu), "", ""),
        (case, f"draw the durations only, {it} (baseline)", seconds(sampling, sampling_cpu),
         "1.00x", ""),
        (case, f"Monte Carlo run on the prepared model, {it}", seconds(core, core_cpu),
         f"{core / sampling:.2f}x (cpu {core_cpu / sampling_cpu:.2f}x)", "<= 3x"),
        (case, f"simulate() end to end, {it}", seconds(end_to_end, end_cpu), "", "< 2 s"),
        (case, f"networkx loop, {loop_iterations} it scaled to {it}", f"{loop_scaled:.1f} s",
         f"{float(loop_scaled) / end_to_end:.0f}x slower", ">= 50x"),
        (case, f"numpy rng.beta PERT draws, {it}", f"{numpy_beta:.3f} s",
         f"{float(numpy_beta) / sampling:.2f}x", ""),
        (case, f"simulate() with {len(risky.risks)} risk events and {started} started tasks "
         f"conditioned, {it}", seconds(risk_wall, risk_cpu),
         f"{risk_wall / sampling:.2f}x draws (cpu {risk_cpu / sampling_cpu:.2f}x)",
         "< 1 s, <= 2.5x"),
        (case, f"forecast_schedule(): + stats, {len(result.cascade)} cascades",
         seconds(full, full_cpu), f"{full / end_to_end:.2f}x simulate", ""),
        (case, "peak memory, simulate()", f"{peak_core / 2**20:.0f} MiB", "", "reported"),
        (case, "peak memory, forecast_schedule()", f"{peak_full / 2**20:.0f} MiB", "",
         "reported"),
    ]  # fmt: skip


def with_risks_and_started_work(data: ScheduleInput, seed: int = 5) -> tuple[ScheduleInput, int]:
    """The same portfolio with 50 risk events (5-50 % likely, 5-20 working days, each on 20
    commitments) and a tenth of the open commitments started 5-40 working days ago."""
    rng = random.Random(seed)
    open_ids = [t.id for t in data.tasks if t.status != "delivered"]
    risks = tuple(
        ScheduleRisk(
            f"r{k:02d}",
            rng.uniform(0.05, 0.5),
            rng.randint(5, 20),
            tuple(rng.sample(open_ids, 20)),
            f"risk {k}",
        )
        for k in range(50)
    )
    tasks, started = [], 0
    for task in data.tasks:
        if task.status != "delivered" and rng.random() < 0.1:
            begun = np.busday_offset(np.datetime64(data.as_of), -rng.randint(5, 40), roll="forward")
            task = dataclasses.replace(task, status="in_progress", start=begun.astype(date))
            started += 1
        tasks.append(task)
    return dataclasses.replace(data, tasks=tuple(tasks), risks=risks), started


def _numpy_pert_draws(data: ScheduleInput, iterations: int) -> float:
    """Time of the textbook way to draw PERT durations (numpy's Beta sampler), for reference."""
    tasks = [t for t in data.tasks if t.pessimistic > t.optimistic]
    spread = np.array([t.pessimistic - t.optimistic for t in tasks])
    alpha = 1 + 4 * np.array([t.most_likely - t.optimistic for t in tasks]) / spread
    beta = 1 + 4 * np.array([t.pessimistic - t.most_likely for t in tasks]) / spread
    rng = np.random.default_rng(0)
    return timed(lambda: rng.beta(alpha, beta, size=(iterations, len(tasks))))[0]


def _peak_memory(function: Callable) -> int:
    """Peak bytes allocated while ``function`` runs (numpy reports to tracemalloc)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --------------------------------------------------------------------------
# Portfolio: trust + alignment + warnings over 10,000 agreements
# --------------------------------------------------------------------------

PORTFOLIO_AS_OF = date(2026, 3, 2)


def portfolio_frame(
    agreements: int = 10_000,
    parties: int = 6,
    interactions: int = 1_000_000,
    commitments: int = 500_000,
    seed: int = 3,
) -> PortfolioFrame:
    """A synthetic portfolio as columns: `parties` per agreement on 20 national calendars,
    2-3 parties per interaction over two years, commitments slipping ~N(0, 20) days (a quarter
    still open), follow-ups, pulses, five topics of expectations with revisions, regulation and
    grievances."""
    rng = np.random.default_rng(seed)
    n, k = agreements, parties
    today = np.datetime64(PORTFOLIO_AS_OF, "D")
    calendars = tuple(WorkingCalendar.for_country(c, years=range(2023, 2028)) for c in COUNTRIES)

    def days(values) -> np.ndarray:
        return np.asarray(values, np.int64).astype("timedelta64[D]")

    def past(size: int, span: int = 730) -> np.ndarray:
        return today - days(rng.integers(0, span, size))

    def two_parties(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ag = rng.integers(0, n, size)
        a = rng.integers(0, k, size)
        return ag, ag * k + a, ag * k + (a + rng.integers(1, k, size)) % k

    # Interactions: a participant table, 2-3 distinct parties per interaction.
    ix_ag = rng.integers(0, n, interactions)
    slots = np.argsort(rng.random((interactions, k)), axis=1)
    present = np.arange(k)[None, :] < rng.integers(2, 4, interactions)[:, None]
    event = np.broadcast_to(np.arange(interactions)[:, None], (interactions, k))[present]
    ix_dates = past(interactions)
    cm_ag, cm_by, cm_to = two_parties(commitments)
    due = today - days(rng.integers(-200, 700, commitments))
    delivered = due + days(np.maximum(rng.normal(0, 20, commitments), -10))
    delivered[(rng.random(commitments) < 0.25) | (delivered > today)] = np.datetime64("NaT", "D")
    n_fu, n_pu = commitments // 2, commitments // 5
    fu_ag, fu_a, fu_b = two_parties(n_fu)
    asked = past(n_fu)
    answered = asked + days(rng.integers(1, 60, n_fu))
    answered[(rng.random(n_fu) < 0.2) | (answered > today)] = np.datetime64("NaT", "D")
    pu_ag, pu_a, pu_b = two_parties(n_pu)
    topics = 5
    ex_ag = np.repeat(np.arange(n), topics * k)
    ex_topic = np.tile(np.repeat(np.arange(topics), k), n)
    ex_party = ex_ag * k + np.tile(np.arange(k), n * topics)
    revised = rng.random(len(ex_ag)) < 0.2
    ex_ag, ex_topic, ex_party = (np.r_[x, x[revised]] for x in (ex_ag, ex_topic, ex_party))
    m, n_rev = len(ex_ag), int(revised.sum())
    n_rq, n_gr = 5 * n, 3 * n
    scores = {name: rng.integers(0, 6, n * k).astype(float) for name in ("p", "l", "u", "i")}
    return PortfolioFrame(
        n_agreements=n,
        agreement_ids=tuple(f"ag{g}" for g in range(n)),
        host_country=("SN",) * n,
        party_ids=tuple(f"p{p}" for p in range(n * k)),
        party_cycle=rng.choice([7.0, 14.0, 21.0, 43.0, 64.0], n * k),  # working days
        party_calendar=rng.integers(0, len(calendars), n * k),
        party_local=rng.random(n * k) < 0.5,
        calendars=calendars,
        pp_ag=np.repeat(np.arange(n), k),
        pp_party=np.arange(n * k),
        pp_power=scores["p"],
        pp_legitimacy=scores["l"],
        pp_urgency=scores["u"],
        pp_interest=scores["i"],
        pp_signatory=np.tile(np.arange(k) < 3, n),
        cm_ag=cm_ag,
        cm_ref=np.arange(commitments),
        cm_owed_by=cm_by,
        cm_owed_to=cm_to,
        cm_due=due,
        cm_delivered=delivered,
        cm_excluded=rng.random(commitments) < 0.03,
        ix_ag=ix_ag[event],
        ix_event=event,
        ix_date=ix_dates[event],
        ix_party=ix_ag[event] * k + slots[present],
        fu_ag=fu_ag,
        fu_ref=np.arange(n_fu),
        fu_asked_by=fu_a,
        fu_owed_by=fu_b,
        fu_asked=asked,
        fu_answered=answered,
        pu_ag=pu_ag,
        pu_ref=np.arange(n_pu),
        pu_from=pu_a,
        pu_about=pu_b,
        pu_date=past(n_pu),
        pu_score=rng.uniform(1, 7, n_pu),
        topic_ids=tuple(f"topic-{t}" for t in range(topics)),
        ex_ag=ex_ag,
        ex_ref=np.arange(m),
        ex_party=ex_party,
        ex_topic=ex_topic,
        ex_date=today + days(rng.integers(0, 700, m)),
        ex_priority=rng.integers(1, 5, m).astype(float),
        ex_value=np.where(rng.random(m) < 0.5, rng.uniform(10, 100, m), np.nan),
        ex_recorded=np.r_[past(m - n_rev, 700), past(n_rev, 60)],
        rq_ag=rng.integers(0, n, n_rq),
        rq_ref=np.arange(n_rq),
        rq_due=today + days(rng.integers(-60, 400, n_rq)),
        rq_aligned=rng.random(n_rq) < 0.6,
        gr_ag=rng.integers(0, n, n_gr),
        gr_ref=np.arange(n_gr),
        gr_due=past(n_gr, 200),
        gr_responded=np.where(rng.random(n_gr) < 0.7, today, np.datetime64("NaT", "D")),
    )


def agreement_from_frame(frame: PortfolioFrame, g: int) -> AgreementData:
    """Agreement ``g`` of a frame as the dataclasses the per-agreement API takes."""

    def day(x) -> date | None:
        return None if np.isnat(x) else x.astype(date)

    def pid(p) -> str:
        return frame.party_ids[int(p)]

    def rows(column: np.ndarray) -> np.ndarray:
        return np.flatnonzero(column == g)

    f = frame
    pp = rows(f.pp_ag)
    parties = tuple(
        Party(pid(p), decision_cycle_working_days=float(f.party_cycle[p]),
              is_local=bool(f.party_local[p]), calendar=f.calendars[int(f.party_calendar[p])])
        for p in f.pp_party[pp]
    )  # fmt: skip
    participations = tuple(
        Participation(pid(f.pp_party[r]), "signatory" if f.pp_signatory[r] else "observer",
                      f.pp_power[r], f.pp_legitimacy[r], f.pp_urgency[r], f.pp_interest[r])
        for r in pp
    )  # fmt: skip
    meetings: dict[int, tuple[date, list[str]]] = {}
    for r in rows(f.ix_ag):
        _, present = meetings.setdefault(int(f.ix_event[r]), (day(f.ix_date[r]), []))
        present.append(pid(f.ix_party[r]))
    return AgreementData(
        id=f.agreement_ids[g],
        parties=parties,
        participations=participations,
        commitments=tuple(
            Commitment(f"c{f.cm_ref[r]}", pid(f.cm_owed_by[r]), (pid(f.cm_owed_to[r]),),
                       day(f.cm_due[r]), day(f.cm_delivered[r]),
                       "waived" if f.cm_excluded[r] else "planned")
            for r in rows(f.cm_ag)
        ),
        interactions=tuple(Interaction(f"i{e}", d, tuple(ps)) for e, (d, ps) in meetings.items()),
        follow_ups=tuple(
            FollowUp(f"f{f.fu_ref[r]}", pid(f.fu_asked_by[r]), pid(f.fu_owed_by[r]),
                     day(f.fu_asked[r]), day(f.fu_answered[r]))
            for r in rows(f.fu_ag)
        ),
        pulses=tuple(
            PulseResponse(f"q{f.pu_ref[r]}", pid(f.pu_from[r]), pid(f.pu_about[r]),
                          day(f.pu_date[r]), ability=round(float(f.pu_score[r])))
            for r in rows(f.pu_ag)
        ),
        expectations=tuple(
            Expectation(pid(f.ex_party[r]), f.topic_ids[int(f.ex_topic[r])], day(f.ex_date[r]),
                        int(f.ex_priority[r]),
                        None if np.isnan(f.ex_value[r]) else float(f.ex_value[r]),
                        day(f.ex_recorded[r]), id=f"e{f.ex_ref[r]}")
            for r in rows(f.ex_ag)
        ),
        regulatory=tuple(
            RegulatoryRequirement(f"r{f.rq_ref[r]}", day(f.rq_due[r]), bool(f.rq_aligned[r]))
            for r in rows(f.rq_ag)
        ),
        grievances=tuple(
            Grievance(f"g{f.gr_ref[r]}", day(f.gr_due[r]) - timedelta(days=14),
                      day(f.gr_due[r]), day(f.gr_responded[r]))
            for r in rows(f.gr_ag)
        ),
        host_country="SN",
    )  # fmt: skip


def portfolio_section() -> list[Row]:
    frame = portfolio_frame()
    participants = len(frame.ix_ag)
    label = (
        f"{frame.n_agreements:,} agreements, {frame.ix_event.max() + 1:,} interactions, "
        f"{len(frame.cm_ag):,} commitments"
    )
    as_of = PORTFOLIO_AS_OF
    t_trust, trust = timed(lambda: portfolio_trust(frame, as_of), repeat=2)
    t_align, alignment = timed(lambda: portfolio_alignment(frame, as_of), repeat=2)
    t_warn, warnings = timed(
        lambda: portfolio_warnings(frame, as_of, trust_now=trust, alignment_now=alignment),
        repeat=2,
    )
    t_keys, _ = timed(lambda: warnings.keys(frame), repeat=2)
    total = t_trust + t_align + t_warn + t_keys
    one = agreement_from_frame(frame, 0)

    def evaluate(data: AgreementData) -> None:
        agreement_trust(data, as_of)
        agreement_alignment(data, as_of)
        early_warnings(data, as_of)

    evaluate(one)  # warm caches (calendars, imports), as a running server would have them
    met = tuple(p.id for p in one.parties[:2])
    touched = dataclasses.replace(
        one, interactions=(*one.interactions, Interaction("new", as_of, met))
    )
    t_one, _ = timed(lambda: evaluate(touched), repeat=5)
    size = f"{len(one.interactions)} interactions, {len(one.commitments)} commitments"
    return [
        (label, f"trust, {len(trust.index):,} pairs with intervals", f"{t_trust:.2f} s", "", ""),
        (label, "alignment (expectations in force, pair gaps)", f"{t_align:.2f} s", "", ""),
        (label, f"warnings, all rules ({len(warnings):,} raised)", f"{t_warn:.2f} s", "", ""),
        (label, "warning keys (SHA-1 of rule, agreement, subject)", f"{t_keys:.2f} s", "", ""),
        (label, f"total ({participants:,} interaction participants)", f"{total:.2f} s", "",
         "< 5 s"),
        (f"one agreement ({size})", "one new event: trust with trend, alignment, warnings",
         f"{t_one * 1000:.0f} ms", "", "< 50 ms"),
    ]  # fmt: skip


def studies_section() -> list[Row]:
    """Known truth: the calibration back-test of the engine at full size, and the trust index
    ranking pairs of a 50-party agreement by a planted latent reliability (five seeds)."""
    n = 5_000
    t_cal, cal = timed(lambda: engine_calibration(n_tasks=n, seed=11, iterations=10_000))
    label = f"engine back-test, {n:,} commitments"
    rows: list[Row] = [
        (label, f"P80 hit rate ({cal.p80_hits:,} of {cal.n_p80:,})",
         f"{cal.p80_hit_rate:.3f}", "", ">= 0.80 (whole-day P80)"),
        (label, "Brier of P(on time) / base rate", f"{cal.brier:.3f} / {cal.brier_base_rate:.3f}",
         f"{cal.brier / cal.brier_base_rate:.2f}", "< 1"),
        (label, "time", f"{t_cal:.2f} s", "", ""),
    ]  # fmt: skip
    for seed in range(1, 6):
        t_rho, rho = timed(lambda seed=seed: known_truth_spearman(seed=seed))
        rows.append(
            (f"known truth, seed {seed}", "Spearman(latent reliability, trust index), 150 pairs",
             f"{rho:.3f} ({t_rho:.1f} s)", "", ">= 0.8")
        )  # fmt: skip
    return rows


def generator_section(seeds: tuple[int, ...] = tuple(range(911, 921))) -> list[Row]:
    """Known truth through the database: one 50-party agreement with a year of history per
    seed, generated with a planted reliability per pair, recomputed by the real service, its
    stored trust index ranked against the truth; beside it the same data ranked by the index
    as it was before the breach floor (``breach_floor=0``) and by the plain share delivered on
    time (no weights: what the evidence alone allows). Then fewer commitments (about 12 and
    20 due per pair instead of 28): the ranking is limited by the evidence."""
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    name = os.environ.get("ALLIANCE_BENCH_DATABASE", "alliance_bench_truth")

    def psql(sql: str) -> None:
        command = ["psql", "-h", host, "-p", port, "-U", user, "-d", "postgres", "-qAtX", "-c"]
        subprocess.run([*command, sql], check=True, capture_output=True)

    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{name}"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
    alliance = str(Path(sys.executable).parent / "alliance")
    subprocess.run([alliance, "manage", "migrate", "-v", "0"], check=True, env=os.environ)
    import django

    django.setup()
    from django.db import connections

    from alliance.insights.parameters import TRUST
    from alliance.scenarios.truth import SHAPE, rank_with, run_study

    before = dataclasses.replace(TRUST, breach_floor=0.0)
    rows: list[Row] = []
    table: list[tuple[int, float, float, float]] = []
    try:
        cases = [(seed, SHAPE) for seed in seeds]
        cases += [(seeds[0] + 100 + k, dataclasses.replace(SHAPE, commitments=c))
                  for k, c in enumerate((1500, 2500))]  # fmt: skip
        for seed, shape in cases:
            study = run_study(seed, shape)
            old, share = rank_with(seed, before)
            per_pair = f"{sum(study.due) / max(len(study.due), 1):.0f}"
            full = shape == SHAPE
            if full:
                table.append((seed, old, study.spearman, share))
            generate = f"{study.generate_seconds:.1f} s wall, {study.generate_cpu:.1f} s CPU"
            recompute = f"{study.recompute_seconds:.1f} s wall, {study.recompute_cpu:.1f} s CPU"
            rows.append(
                (f"known truth via DB, seed {seed}",
                 f"Spearman before / after / share on time, {len(study.truth)} pairs, "
                 f"~{per_pair} due per pair",
                 f"{old:.3f} / {study.spearman:.3f} / {share:.3f}", "",
                 ">= 0.8" if full else "(less evidence)")
            )  # fmt: skip
            rows.append(
                (f"known truth via DB, seed {seed}",
                 f"generate {shape.commitments:,} commitments / recompute",
                 f"{generate} / {recompute}", "", "")
            )  # fmt: skip
    finally:
        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {name}")
    if table:
        columns = list(zip(*table, strict=True))[1:]
        summary = " / ".join(
            f"{np.mean(c):.3f} [{np.min(c):.3f}, {np.max(c):.3f}]" for c in columns
        )
        rows.append((f"known truth via DB, {len(table)} seeds",
                     "mean [min, max] before / after / share on time", summary, "",
                     ">= 0.8 on every seed"))  # fmt: skip
    return rows


# Sections run in order; other models append their own (name, function) here.
SECTIONS: list[tuple[str, Callable[[], list[Row]]]] = [
    ("schedule", schedule_section),
    ("portfolio", portfolio_section),
    ("studies", studies_section),
]
# Sections run only when named (they need a database).
OPTIONAL_SECTIONS: list[tuple[str, Callable[[], list[Row]]]] = [
    ("generator", generator_section),
]


def print_table(rows: list[Row]) -> None:
    header = ("case", "measure", "value (wall / CPU, all threads)", "ratio", "goal")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(5)]
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    print(line.format(*header))
    print(line.format(*("-" * width for width in widths)))
    for row in rows:
        print(line.format(*row))


def main(argv: list[str] | None = None) -> int:
    wanted = set(argv if argv is not None else sys.argv[1:])
    load = ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    print(f"{os.cpu_count()} cores{load}, numpy {np.__version__}, python {sys.version.split()[0]}")
    rows: list[Row] = []
    for name, section in SECTIONS:
        if not wanted or name in wanted:
            rows.extend(section())
    for name, section in OPTIONAL_SECTIONS:
        if name in wanted:
            rows.extend(section())
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
