"""The brief's ratings: progress and implementation on the six-point scale lenders use
(highly satisfactory … highly unsatisfactory) and the overall risk on four points (low …
high), derived from the stored insight snapshots by the rule documented in
``docs/briefings.md``.

Pure Python, like ``alliance.insights``: it reads the plain ``data`` of snapshots (dicts)
and the open risks' ratings, and returns plain results that keep the measured facts, so
every rating can say what it rests on. The caller turns the facts into a sentence in the
reader's language. All thresholds are in :data:`RATING`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from alliance.partnerships.choices import RUNNING_COMMITMENT_STATUSES, CommitmentStatus

# The six-point scale, best first; and the four-point risk scale, lowest first.
SIX_POINT = (
    "highly_satisfactory",
    "satisfactory",
    "moderately_satisfactory",
    "moderately_unsatisfactory",
    "unsatisfactory",
    "highly_unsatisfactory",
)
RISK_LEVELS = ("low", "moderate", "substantial", "high")
STAGES = ("signed", "calibrating", "implementing", "integrated", "alliance")

# How much a rating can be relied on (the design's "honesty of a figure").
ESTABLISHED, PROVISIONAL, INSUFFICIENT = "established", "provisional", "insufficient"


@dataclass(frozen=True)
class RatingParameters:
    # Lower bounds of the 0-100 score for highly satisfactory, satisfactory, moderately
    # satisfactory, moderately unsatisfactory and unsatisfactory; below the last one the
    # rating is highly unsatisfactory. Equal steps of 15 points from 30 to 90.
    six_point_bounds: tuple[float, ...] = (90.0, 75.0, 60.0, 45.0, 30.0)
    # The forecast's view of risk: the share (%) of open dated commitments likely on time
    # (P(on time) >= the schedule's at-risk probability, 0.8). At or above the first bound the
    # risk is low, then moderate, substantial; below the last one, high.
    on_track_bounds: tuple[float, ...] = (80.0, 60.0, 40.0)
    # A rating resting on fewer data points than this (criteria, promises due, dated open
    # commitments) is provisional; with none at all it is not given.
    min_evidence: int = 5
    # "Previous" is the newest snapshot dated at least this many days before the current
    # one: a rating period, not yesterday's recomputation.
    previous_gap_days: int = 28


RATING = RatingParameters()


@dataclass(frozen=True)
class Rating:
    """One rating with the facts it rests on.

    ``level`` is a code of :data:`SIX_POINT` or :data:`RISK_LEVELS`, ``None`` when there is
    no evidence at all. ``score`` is the 0-100 number the level was read from (``None`` for
    the risk, which is a maximum of two views). ``facts`` keep the measured values by name
    (documented per rating in ``docs/briefings.md``) for the evidence line.
    """

    name: str  # "progress", "implementation" or "risk"
    level: str | None
    score: float | None
    state: str
    as_of: date | None
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def rank(self) -> int | None:
        """0 for the best level of its scale (highly satisfactory, low risk), larger worse."""
        if self.level is None:
            return None
        scale = RISK_LEVELS if self.name == "risk" else SIX_POINT
        return scale.index(self.level)


def six_point(score: float, params: RatingParameters = RATING) -> str:
    """The six-point level of a 0-100 score (higher is better)."""
    for level, bound in zip(SIX_POINT, params.six_point_bounds, strict=False):
        if score >= bound:
            return level
    return SIX_POINT[-1]


def _state(n: int, params: RatingParameters) -> str:
    if n <= 0:
        return INSUFFICIENT
    return ESTABLISHED if n >= params.min_evidence else PROVISIONAL


def _as_of(*snapshots: Mapping[str, Any] | None) -> date | None:
    days = [date.fromisoformat(s["as_of"]) for s in snapshots if s and s.get("as_of")]
    return max(days) if days else None


# ----- progress on the path to alliance ---------------------------------------------------


def progress(maturity: Mapping[str, Any] | None, params: RatingParameters = RATING) -> Rating:
    """Progress: the share of the maturity criteria, up to and including the next stage,
    that hold. An agreement at "Implementing" is rated on the criteria of Calibrating,
    Implementing and Integrated: what it has and what it needs for its next step."""
    if not maturity or not maturity.get("stages"):
        return Rating("progress", None, None, INSUFFICIENT, _as_of(maturity))
    target = maturity.get("next_stage") or STAGES[-1]
    limit = STAGES.index(target) if target in STAGES else len(STAGES) - 1
    criteria = [
        c
        for s in maturity["stages"]
        if s.get("stage") in STAGES and STAGES.index(s["stage"]) <= limit
        for c in s.get("criteria") or ()
    ]
    held = [c for c in criteria if c.get("holds")]
    if not criteria:
        return Rating("progress", None, None, INSUFFICIENT, _as_of(maturity))
    score = 100.0 * len(held) / len(criteria)
    facts = {
        "stage": maturity.get("stage"),
        "next_stage": maturity.get("next_stage"),
        "held": len(held),
        "criteria": len(criteria),
        "missing": [c.get("key") for c in criteria if not c.get("holds")],
    }
    # Criteria are measured facts, not samples: the rating is as firm as they are.
    return Rating("progress", six_point(score, params), score, ESTABLISHED, _as_of(maturity), facts)


# ----- implementation: promises kept and nothing left overdue -----------------------------


def _overdue(schedule: Mapping[str, Any], as_of: date | None) -> tuple[int, int]:
    """(overdue, open with a due date) among the schedule snapshot's open commitments, counted
    as the pages count them today (``alliance.attention.counts``): a disputed commitment is
    open but not overdue, the dispute stopping the clock. So an earlier rating and today's
    compare like with like (the brief's arrow between them). Rows stored before snapshots
    kept a status count as running."""
    rows = [c for c in schedule.get("commitments") or () if c.get("due")]
    if as_of is None:
        return 0, len(rows)
    late = sum(
        1
        for c in rows
        if date.fromisoformat(c["due"]) < as_of
        and c.get("status", CommitmentStatus.PLANNED) in RUNNING_COMMITMENT_STATUSES
    )
    return late, len(rows)


def implementation(
    trust: Mapping[str, Any] | None,
    schedule: Mapping[str, Any] | None,
    params: RatingParameters = RATING,
    overdue: tuple[int, int] | None = None,
) -> Rating:
    """Implementation: the mean of (a) promise keeping — the trust model's promise
    component pooled over the agreement's pairs (recency-weighted share delivered on time,
    lateness on the owing party's calendar), 0-100 — and (b) the share of open dated
    commitments that are not overdue. One of the two alone when the other has no evidence.

    ``overdue`` is (overdue, open) as the pages count them today
    (``alliance.attention.counts``): the brief passes it for today's rating so that its
    "x of n overdue" is the figure every page shows; without it (an earlier rating, to
    compare with) they are counted among the schedule snapshot's commitments on its date.
    Either way this half needs a schedule forecast: without one, nothing is rated yet."""
    as_of = _as_of(trust, schedule)
    parts: list[float] = []
    facts: dict[str, Any] = {}
    evidence = 0
    promise = ((trust or {}).get("components") or {}).get("promise") or {}
    if promise.get("mean") is not None and promise.get("n_events"):
        facts["promise_keeping"] = round(float(promise["mean"]), 1)  # already 0-100
        facts["promise_events"] = int(promise["n_events"])
        parts.append(facts["promise_keeping"])
        evidence += facts["promise_events"]
    if schedule and not schedule.get("error"):
        late, dated = overdue if overdue is not None else _overdue(schedule, _as_of(schedule))
        if dated:
            facts["overdue"], facts["open_dated"] = late, dated
            parts.append(100.0 * (dated - late) / dated)
            evidence += dated
    if not parts:
        return Rating("implementation", None, None, INSUFFICIENT, as_of, facts)
    score = sum(parts) / len(parts)
    state = _state(evidence, params)
    return Rating("implementation", six_point(score, params), score, state, as_of, facts)


# ----- overall risk ------------------------------------------------------------------------


def register_view(ratings: Sequence[str]) -> str | None:
    """The risk register's view: the highest rating that at least two open risks hold; a
    rating that a single risk holds counts one step lower (one outlier does not make the
    whole partnership high-risk, but it does not vanish either)."""
    known = sorted((RISK_LEVELS.index(r) for r in ratings if r in RISK_LEVELS), reverse=True)
    if not known:
        return None
    top = known[0]
    if len(known) > 1 and known[1] == top:
        return RISK_LEVELS[top]
    return RISK_LEVELS[max(top - 1, 0)]


def forecast_view(
    schedule: Mapping[str, Any] | None, params: RatingParameters = RATING
) -> tuple[str | None, float | None, int]:
    """The forecast's view: (level, on-track share %, dated open commitments)."""
    if not schedule or schedule.get("error") or schedule.get("figure") is None:
        return None, None, 0
    dated = sum(1 for c in schedule.get("commitments") or () if c.get("due"))
    if not dated:
        return None, None, 0
    share = float(schedule["figure"])
    for level, bound in zip(RISK_LEVELS, params.on_track_bounds, strict=False):
        if share >= bound:
            return level, share, dated
    return RISK_LEVELS[-1], share, dated


def overall_risk(
    risk_ratings: Sequence[str],
    schedule: Mapping[str, Any] | None,
    params: RatingParameters = RATING,
) -> Rating:
    """Overall risk: the higher of the register's view and the forecast's view."""
    register = register_view(risk_ratings)
    forecast, share, dated = forecast_view(schedule, params)
    views = [v for v in (register, forecast) if v is not None]
    facts: dict[str, Any] = {
        "register": register,
        "open_risks": len(risk_ratings),
        "by_rating": {r: list(risk_ratings).count(r) for r in RISK_LEVELS if r in risk_ratings},
        "forecast": forecast,
        "on_track": round(share, 1) if share is not None else None,
        "open_dated": dated,
    }
    if not views:
        return Rating("risk", None, None, INSUFFICIENT, _as_of(schedule), facts)
    level = max(views, key=RISK_LEVELS.index)
    state = _state(len(risk_ratings) + dated, params)
    return Rating("risk", level, None, state, _as_of(schedule), facts)
