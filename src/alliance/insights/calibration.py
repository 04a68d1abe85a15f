"""The engine checks itself against what happened: a back-test of past forecasts and of the
trust index on an agreement's recorded history.

Each past forecast is taken as it was made (the stored as-of snapshot: only what was known
that day), and scored against what happened since, as known on ``as_of``:

- **schedule**: for each commitment, the last forecast made before its due date while it was
  still open. Its P80 date is *hit* when the commitment was delivered by it; its P(on time) is
  scored by the Brier score, ``mean((p − y)²)`` with ``y = 1`` for a delivery on or before
  the due date, beside the Brier score of always forecasting the observed base rate (a
  forecast worth having scores lower). "Of the last 40 commitments forecast 80 % likely on
  time, 31 were" is the count of forecasts at or above ``confident_probability`` and how many
  were on time.
- **trust**: does the index predict the next delivery? For each commitment fallen due, the index
  of the party owed in the party owing, as last computed before the due date, read as a
  probability (index / 100), is scored against "delivered on time" by the Brier score and by the
  area under the ROC curve (AUC: the chance a delivery on time had the higher index than a late
  one; 0.5 is no better than chance). The index is a level of trust, not a probability: a breach
  weighs more than a kept promise, so it sits below the share on time even where it ranks well,
  and its Brier score is worse than the base rate's for that reason alone. The AUC is what says
  whether it foresees; the mean index (``mean_index``, on the same 0–1 scale) is reported beside
  the share on time to show the level. An index whose evidence was insufficient then
  (``TrustParameters.provisional_from``) is the prior, not a measurement of the pair: it is
  counted apart (``at_prior``), not scored. Scored, the prior (50) would rank a pair nobody knew
  yet above most measured ones (a breach weighs up to four kept promises, so measured indexes
  sit well below the share on time): the first delivery of every new pair would be "predicted"
  by a figure that says nothing about it.

An outcome not yet known on ``as_of`` (not delivered, due date or P80 date still ahead) is
left out; a commitment still open past its due date is late, past its P80 a miss. Waived and
disputed commitments are left out. Plain Python and numpy: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from alliance.insights.parameters import CALIBRATION, CalibrationParameters

__all__ = [
    "CalibrationBin",
    "ForecastCalibration",
    "ForecastCheck",
    "Outcome",
    "PastForecast",
    "PastTrust",
    "TrustCalibration",
    "TrustCheck",
    "auc",
    "auc_z",
    "backtest_forecasts",
    "backtest_trust",
    "brier",
]


@dataclass(frozen=True)
class PastForecast:
    """One commitment's forecast as made on ``made``."""

    task_id: str
    made: date
    due: date | None
    p_on_time: float | None
    p80: date | None
    label: str = ""


@dataclass(frozen=True)
class Outcome:
    """What became of a commitment, as known on the back-test's date."""

    task_id: str
    finished: date | None  # delivered on (None: not delivered)
    left_out: bool = False  # waived or disputed: nothing to score
    owed_by: str = ""
    owed_to: tuple[str, ...] = ()
    due: date | None = None  # the due date in force (for the trust back-test)


@dataclass(frozen=True)
class ForecastCheck:
    task_id: str
    label: str
    made: date
    due: date | None
    p_on_time: float | None
    p80: date | None
    finished: date | None
    on_time: bool | None  # None: not known yet (or no due date)
    p80_hit: bool | None


@dataclass(frozen=True)
class CalibrationBin:
    """Forecasts with P(on time) in [low, high): how many, their mean and what happened."""

    low: float
    high: float
    n: int
    predicted: float | None
    observed: float | None


@dataclass(frozen=True)
class ForecastCalibration:
    as_of: date
    n_p80: int  # forecasts whose P80 can be judged
    p80_hits: int
    n_due: int  # forecasts whose P(on time) can be judged
    on_time: int
    brier: float | None
    brier_base_rate: float | None  # always forecasting the observed share on time
    confident: int  # forecast at least `confident_probability` likely on time
    confident_on_time: int
    confident_probability: float
    bins: tuple[CalibrationBin, ...]
    checks: tuple[ForecastCheck, ...]

    @property
    def p80_hit_rate(self) -> float | None:
        return self.p80_hits / self.n_p80 if self.n_p80 else None


@dataclass(frozen=True)
class PastTrust:
    """The index of ``truster`` in ``trustee`` (0–100) computed on ``made``."""

    truster: str
    trustee: str
    made: date
    index: float
    state: str = ""


@dataclass(frozen=True)
class TrustCheck:
    task_id: str
    truster: str
    trustee: str
    made: date
    index: float
    state: str
    on_time: bool


@dataclass(frozen=True)
class TrustCalibration:
    as_of: date
    n: int
    on_time: int
    brier: float | None
    brier_base_rate: float | None
    auc: float | None
    without_index: int  # deliveries fallen due with no index computed before them
    checks: tuple[TrustCheck, ...]  # the scored ones
    # Deliveries fallen due whose last index before them was the prior (insufficient evidence).
    at_prior: int = 0
    mean_index: float | None = None  # of the scored checks, index / 100


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


def brier(predicted: Sequence[float], observed: Sequence[bool]) -> float | None:
    """Mean squared difference between probabilities and outcomes (0 is perfect)."""
    if not len(predicted):
        return None
    p, y = np.asarray(predicted, dtype=float), np.asarray(observed, dtype=float)
    return float(np.mean((p - y) ** 2))


def _base_rate_brier(observed: Sequence[bool]) -> float | None:
    if not len(observed):
        return None
    rate = float(np.mean(observed))
    return rate * (1 - rate)


def auc(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """Area under the ROC curve by the Mann–Whitney statistic (ties count one half); None
    when one class is missing."""
    s, y = np.asarray(scores, dtype=float), np.asarray(positive, dtype=bool)
    pos, neg = s[y], s[~y]
    if not len(pos) or not len(neg):
        return None
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def auc_z(auc_value: float, positives: int, negatives: int) -> float | None:
    """How far an AUC stands from chance (0.5), in standard errors of the AUC when the
    scores say nothing: under that hypothesis the Mann–Whitney statistic has variance
    ``n1 n2 (n1 + n2 + 1) / 12``, so the AUC's standard error is
    ``sqrt((n1 + n2 + 1) / (12 n1 n2))`` (ties ignored, which makes it slightly larger than
    the exact one: the verdict errs towards "cannot be told from chance"). None when a class
    is empty."""
    if positives <= 0 or negatives <= 0:
        return None
    se = ((positives + negatives + 1) / (12.0 * positives * negatives)) ** 0.5
    return (auc_value - 0.5) / se


# --------------------------------------------------------------------------
# Schedule
# --------------------------------------------------------------------------


def _finished_by(outcome: Outcome | None, as_of: date) -> date | None:
    if outcome is None or outcome.finished is None or outcome.finished > as_of:
        return None
    return outcome.finished


def _check(forecast: PastForecast, outcome: Outcome | None, as_of: date) -> ForecastCheck:
    finished = _finished_by(outcome, as_of)
    on_time = p80_hit = None
    if forecast.due is not None and forecast.p_on_time is not None:
        if finished is not None:
            on_time = finished <= forecast.due
        elif as_of > forecast.due:
            on_time = False  # still open past its due date
    if forecast.p80 is not None:
        if finished is not None:
            p80_hit = finished <= forecast.p80
        elif as_of > forecast.p80:
            p80_hit = False
    return ForecastCheck(
        forecast.task_id,
        forecast.label,
        forecast.made,
        forecast.due,
        forecast.p_on_time,
        forecast.p80,
        finished,
        on_time,
        p80_hit,
    )


def _latest_before_due(forecasts: Iterable[PastForecast], outcomes: dict[str, Outcome]):
    """Per commitment, the last forecast made before its due date (or its P80 when it has
    none) while it was still open."""
    chosen: dict[str, PastForecast] = {}
    for f in forecasts:
        outcome = outcomes.get(f.task_id)
        if outcome is not None and outcome.finished is not None and f.made >= outcome.finished:
            continue  # made once it was delivered: nothing left to forecast
        limit = f.due or f.p80
        if limit is not None and f.made >= limit:
            continue
        best = chosen.get(f.task_id)
        if best is None or f.made > best.made:
            chosen[f.task_id] = f
    return chosen


def backtest_forecasts(
    forecasts: Iterable[PastForecast],
    outcomes: Iterable[Outcome],
    as_of: date,
    parameters: CalibrationParameters = CALIBRATION,
) -> ForecastCalibration:
    """Score past schedule forecasts against what happened by ``as_of`` (module docstring)."""
    by_task = {o.task_id: o for o in outcomes}
    chosen = _latest_before_due((f for f in forecasts if f.made < as_of), by_task)
    checks = [
        _check(f, by_task.get(f.task_id), as_of)
        for f in chosen.values()
        if not (by_task.get(f.task_id) and by_task[f.task_id].left_out)
    ]
    # The most recent first, at most `max_checks` of them.
    checks.sort(key=lambda c: (c.due or c.p80 or c.made, c.task_id), reverse=True)
    dated = [c for c in checks if c.on_time is not None][: parameters.max_checks]
    judged = [c for c in checks if c.p80_hit is not None][: parameters.max_checks]
    p = [c.p_on_time for c in dated]
    y = [bool(c.on_time) for c in dated]
    confident = [c for c in dated if c.p_on_time >= parameters.confident_probability]
    return ForecastCalibration(
        as_of=as_of,
        n_p80=len(judged),
        p80_hits=sum(bool(c.p80_hit) for c in judged),
        n_due=len(dated),
        on_time=sum(y),
        brier=brier(p, y),
        brier_base_rate=_base_rate_brier(y),
        confident=len(confident),
        confident_on_time=sum(bool(c.on_time) for c in confident),
        confident_probability=parameters.confident_probability,
        bins=_bins(p, y, parameters.bins),
        checks=tuple(checks),
    )


def _bins(p: Sequence[float], y: Sequence[bool], n_bins: int) -> tuple[CalibrationBin, ...]:
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    pa, ya = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    out = []
    for i in range(n_bins):
        low, high = float(edges[i]), float(edges[i + 1])
        inside = (pa >= low) & ((pa < high) if i < n_bins - 1 else (pa <= high))
        n = int(inside.sum())
        out.append(
            CalibrationBin(
                low,
                high,
                n,
                float(pa[inside].mean()) if n else None,
                float(ya[inside].mean()) if n else None,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------
# Trust
# --------------------------------------------------------------------------

# The evidence state of an index that is its prior (trust_portfolio.EVIDENCE_STATES[0]).
INSUFFICIENT = "insufficient"


def backtest_trust(
    indexes: Iterable[PastTrust],
    outcomes: Iterable[Outcome],
    as_of: date,
    parameters: CalibrationParameters = CALIBRATION,
) -> TrustCalibration:
    """Does the index of the party owed in the party owing, as last computed before a due
    date, predict whether that commitment was delivered on time?"""
    history: dict[tuple[str, str], list[PastTrust]] = {}
    for t in indexes:
        if t.made < as_of:
            history.setdefault((t.truster, t.trustee), []).append(t)
    for found in history.values():
        found.sort(key=lambda t: t.made)
    checks, without, at_prior = [], 0, 0
    for o in outcomes:
        if o.left_out or o.due is None or o.due >= as_of:
            continue
        finished = _finished_by(o, as_of)
        on_time = finished is not None and finished <= o.due
        for truster in o.owed_to:
            before = [t for t in history.get((truster, o.owed_by), ()) if t.made < o.due]
            if not before:
                without += 1
                continue
            last = before[-1]
            if last.state == INSUFFICIENT:
                at_prior += 1
                continue
            checks.append(
                TrustCheck(
                    o.task_id, truster, o.owed_by, last.made, last.index, last.state, on_time
                )
            )
    checks.sort(key=lambda c: (c.made, c.task_id, c.truster), reverse=True)
    scored = checks[: parameters.max_checks]
    p = [c.index / 100.0 for c in scored]
    y = [c.on_time for c in scored]
    return TrustCalibration(
        as_of=as_of,
        n=len(scored),
        on_time=sum(y),
        brier=brier(p, y),
        brier_base_rate=_base_rate_brier(y),
        auc=auc(p, y),
        without_index=without,
        checks=tuple(checks),
        at_prior=at_prior,
        mean_index=float(np.mean(p)) if p else None,
    )
