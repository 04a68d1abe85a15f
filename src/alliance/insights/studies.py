"""Studies with known truth: synthetic histories whose behaviour follows a planted truth, so the
models can be checked against it (the tests run them small, ``bench/insights.py`` at full
size).

- :func:`known_truth_agreement` — a many-party agreement in which every chosen directed pair
  has a latent reliability (the chance the trustee delivers a promise owed to the truster on
  time) and a year of commitments follows it; :func:`known_truth_spearman` ranks the pairs by
  the trust index and returns Spearman's correlation with the latent reliability.
- :func:`engine_calibration` — independent commitments forecast by the schedule engine, then
  delivered after durations drawn from the very distribution the engine assumes: a calibrated
  engine meets its P80 about 80 % of the time.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta

import numpy as np
from scipy import stats

from alliance.insights.calendars import WorkingCalendar
from alliance.insights.calibration import (
    ForecastCalibration,
    Outcome,
    PastForecast,
    backtest_forecasts,
)
from alliance.insights.inputs import AgreementData, Commitment, Participation, Party
from alliance.insights.parameters import CALIBRATION, SCHEDULE
from alliance.insights.schedule import ScheduleInput, ScheduleTask, forecast_schedule
from alliance.insights.trust import agreement_trust

KNOWN_TRUTH_AS_OF = date(2026, 12, 31)

__all__ = [
    "engine_calibration",
    "known_truth_agreement",
    "known_truth_spearman",
    "planted_commitment",
]


def known_truth_agreement(
    n_parties: int = 50, pairs: int = 150, per_pair: int = 12, seed: int = 1
) -> tuple[AgreementData, dict[tuple[str, str], float]]:
    """An agreement of ``n_parties`` whose ``pairs`` directed pairs each have a latent
    reliability drawn uniformly in [0.1, 0.95] and ``per_pair`` commitments due within the
    year before :data:`KNOWN_TRUTH_AS_OF`: on time (0–9 days early) with that probability,
    else 3–59 days late (still open if not delivered by then)."""
    rng = np.random.default_rng(seed)
    as_of = KNOWN_TRUTH_AS_OF
    parties = tuple(Party(f"p{i:02d}", decision_cycle_working_days=10) for i in range(n_parties))
    ids = [p.id for p in parties]
    chosen: set[tuple[str, str]] = set()
    while len(chosen) < pairs:
        a, b = rng.choice(n_parties, 2, replace=False)
        chosen.add((ids[a], ids[b]))
    latent = {pair: float(rng.uniform(0.1, 0.95)) for pair in sorted(chosen)}
    commitments = []
    for (truster, trustee), reliability in latent.items():
        for k in range(per_pair):
            due = as_of - timedelta(days=int(rng.integers(15, 365)))
            commitments.append(
                planted_commitment(rng, f"{truster}-{trustee}-{k}", truster, trustee, due,
                                   reliability, as_of)
            )  # fmt: skip
    participations = tuple(
        Participation(p, power=3, legitimacy=3, urgency=3, interest=3) for p in ids
    )
    return AgreementData("known-truth", parties, participations, tuple(commitments)), latent


def planted_commitment(
    rng: np.random.Generator,
    key: str,
    truster: str,
    trustee: str,
    due: date,
    reliability: float,
    as_of: date,
) -> Commitment:
    """A commitment of ``trustee`` to ``truster`` delivered on time (0–9 days early) with
    chance ``reliability``, else 3–59 days late; still open (late) if that day is after
    ``as_of``."""
    if rng.random() < reliability:
        delivered = due - timedelta(days=int(rng.integers(0, 10)))
    else:
        delivered = due + timedelta(days=int(rng.integers(3, 60)))
    done = delivered <= as_of
    return Commitment(
        id=key,
        owed_by=trustee,
        owed_to=(truster,),
        due=due,
        delivered=delivered if done else None,
        status="delivered" if done else "late",
        category="technical",
    )


def known_truth_spearman(seed: int = 1, **kwargs: int) -> float:
    """Spearman's correlation between the planted reliability and the trust index, over the
    pairs of :func:`known_truth_agreement`."""
    data, latent = known_truth_agreement(seed=seed, **kwargs)
    result = agreement_trust(data, KNOWN_TRUTH_AS_OF, trend=False)
    index = {(p.truster, p.trustee): p.index for p in result.pairs}
    pairs = sorted(latent)
    return float(stats.spearmanr([latent[p] for p in pairs], [index[p] for p in pairs])[0])


def _day(value: object) -> date:
    return np.datetime64(value, "D").astype(date)


def engine_calibration(
    n_tasks: int = 400, seed: int = 11, iterations: int = 4000
) -> ForecastCalibration:
    """Forecast ``n_tasks`` independent commitments starting on a Monday, deliver each after a
    duration drawn from its Beta-PERT estimate (whole working days, as the engine counts),
    and back-test the forecasts against those deliveries."""
    rng = np.random.default_rng(seed)
    calendar = WorkingCalendar()
    start = date(2026, 3, 2)
    tasks, finished = [], {}
    for i in range(n_tasks):
        a = int(rng.integers(3, 15))
        m = a + int(rng.integers(0, 15))
        b = m + int(rng.integers(1, 30))
        due = _day(calendar.add_working_days(start, int(rng.integers(a, b + 1))))
        task_id = f"t{i:05d}"
        tasks.append(ScheduleTask(task_id, f"p{i % 7}", a, m, b, due=due))
        alpha, beta = 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a)
        duration = math.ceil(a + (b - a) * rng.beta(alpha, beta))
        # Started on `start`, it finishes on its `duration`-th working day.
        finished[task_id] = _day(calendar.add_working_days(start, duration - 1))
    parameters = dataclasses.replace(SCHEDULE, party_correlation=0.0)
    data = ScheduleInput(tuple(tasks), start, {})
    result = forecast_schedule(data, parameters, iterations=iterations)
    forecasts = [
        PastForecast(t.id, start, t.due, t.probability_on_time, t.quantiles["P80"])
        for t in result.tasks
    ]
    outcomes = [Outcome(task_id, day) for task_id, day in finished.items()]
    every = dataclasses.replace(CALIBRATION, max_checks=n_tasks)
    return backtest_forecasts(forecasts, outcomes, date(2030, 1, 1), every)
