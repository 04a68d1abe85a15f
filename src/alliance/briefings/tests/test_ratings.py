"""The rating rule (docs/briefings.md) on plain snapshot data: closed cases, and invariants
that hold for any data (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.briefings import ratings
from alliance.briefings.ratings import RISK_LEVELS, SIX_POINT


def maturity(held: list[list[bool]], next_stage: str | None = "integrated") -> dict:
    stages = ratings.STAGES
    return {
        "as_of": "2026-11-20",
        "stage": "implementing",
        "next_stage": next_stage,
        "stages": [
            {
                "stage": stages[i],
                "holds": all(h),
                "criteria": [{"key": f"{stages[i]}-{k}", "holds": v} for k, v in enumerate(h)],
            }
            for i, h in enumerate(held)
        ],
    }


def schedule(rows: list[tuple[str, float]], figure: float | None = None) -> dict:
    return {
        "as_of": "2026-11-20",
        "error": None,
        "figure": figure,
        "commitments": [{"due": due, "probability_on_time": p} for due, p in rows],
    }


def test_six_point_bounds_are_lower_bounds():
    assert ratings.six_point(100) == "highly_satisfactory"
    assert ratings.six_point(90) == "highly_satisfactory"
    assert ratings.six_point(89.99) == "satisfactory"
    assert ratings.six_point(60) == "moderately_satisfactory"
    assert ratings.six_point(45) == "moderately_unsatisfactory"
    assert ratings.six_point(30) == "unsatisfactory"
    assert ratings.six_point(29.9) == "highly_unsatisfactory"
    assert ratings.six_point(0) == "highly_unsatisfactory"


def test_progress_counts_the_criteria_up_to_the_next_stage_only():
    # 7 of the 8 criteria up to "integrated" hold; the two of "alliance" are not counted.
    data = maturity([[True], [True, True], [True, True], [True, True, False], [False, False]])
    rating = ratings.progress(data)
    assert rating.facts["held"] == 7 and rating.facts["criteria"] == 8
    assert rating.score == 87.5
    assert rating.level == "satisfactory"
    assert rating.facts["missing"] == ["integrated-2"]


def test_progress_without_a_maturity_snapshot_is_not_rated():
    rating = ratings.progress(None)
    assert rating.level is None and rating.state == ratings.INSUFFICIENT


def test_implementation_is_the_mean_of_promise_keeping_and_not_overdue():
    trust = {"as_of": "2026-11-20", "components": {"promise": {"mean": 70.0, "n_events": 12}}}
    # 1 of 4 open dated commitments overdue on 2026-11-20: 75 % not overdue.
    plan = schedule([("2026-11-01", 0.0), ("2026-12-01", 1), ("2027-01-01", 1), ("2027-02-01", 1)])
    rating = ratings.implementation(trust, plan)
    assert rating.score == (70.0 + 75.0) / 2
    assert rating.level == "moderately_satisfactory"
    assert rating.facts == {
        "promise_keeping": 70.0,
        "promise_events": 12,
        "overdue": 1,
        "open_dated": 4,
    }
    assert rating.state == ratings.ESTABLISHED


def test_an_earlier_rating_counts_overdue_as_the_pages_do_today():
    """The brief's arrow compares today's rating (overdue as every page counts it) with the
    previous snapshot's: both must count the same way, so a disputed commitment past its due
    date is open but not overdue in the snapshot too."""
    rows = [
        {"due": "2026-11-01", "status": "disputed", "probability_on_time": 0.0},
        {"due": "2026-11-02", "status": "late", "probability_on_time": 0.0},
        {"due": "2026-11-03", "status": "in_progress", "probability_on_time": 0.0},
        {"due": "2027-01-01", "status": "planned", "probability_on_time": 1.0},
    ]
    plan = {"as_of": "2026-11-20", "error": None, "figure": None, "commitments": rows}
    from_snapshot = ratings.implementation(None, plan)
    as_the_pages_count = ratings.implementation(None, plan, overdue=(2, 4))
    assert from_snapshot.facts == as_the_pages_count.facts == {"overdue": 2, "open_dated": 4}
    assert from_snapshot.level == as_the_pages_count.level


def test_implementation_on_little_evidence_is_provisional():
    trust = {"as_of": "2026-11-20", "components": {"promise": {"mean": 90.0, "n_events": 2}}}
    rating = ratings.implementation(trust, None)
    assert rating.level == "highly_satisfactory"
    assert rating.state == ratings.PROVISIONAL


def test_a_single_high_risk_counts_one_step_lower_two_count_fully():
    assert ratings.register_view(["high", "moderate"]) == "substantial"
    assert ratings.register_view(["high", "high", "low"]) == "high"
    assert ratings.register_view(["low"]) == "low"
    assert ratings.register_view([]) is None


def test_overall_risk_is_the_higher_of_register_and_forecast():
    plan = schedule([("2027-01-01", 0.1)] * 10, figure=35.0)
    rating = ratings.overall_risk(["moderate", "moderate"], plan)
    assert rating.facts["register"] == "moderate"
    assert rating.facts["forecast"] == "high"
    assert rating.level == "high"
    calm = ratings.overall_risk(["substantial", "substantial"], schedule([], figure=None))
    assert calm.level == "substantial"


levels = st.sampled_from(RISK_LEVELS)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(st.lists(st.booleans(), min_size=1, max_size=3), min_size=5, max_size=5))
def test_one_more_criterion_holding_never_lowers_progress(held):
    before = ratings.progress(maturity(held))
    for i, stage in enumerate(held):
        for k, value in enumerate(stage):
            if not value:
                better = [list(s) for s in held]
                better[i][k] = True
                after = ratings.progress(maturity(better))
                assert SIX_POINT.index(after.level) <= SIX_POINT.index(before.level)


@SETTINGS
@given(st.lists(levels, max_size=8), levels)
def test_a_new_risk_never_lowers_the_register_view(existing, added):
    before = ratings.register_view(existing)
    after = ratings.register_view([*existing, added])
    assert after is not None
    if before is not None:
        assert RISK_LEVELS.index(after) >= RISK_LEVELS.index(before)


@SETTINGS
@given(st.floats(0, 100), st.floats(0, 100))
def test_more_commitments_on_track_never_raise_the_risk(a, b):
    low, high = sorted((a, b))
    worse = ratings.overall_risk([], schedule([("2027-01-01", 0.5)], figure=low))
    better = ratings.overall_risk([], schedule([("2027-01-01", 0.5)], figure=high))
    assert RISK_LEVELS.index(better.level) <= RISK_LEVELS.index(worse.level)


@SETTINGS
@given(st.floats(0, 100), st.floats(0, 100), st.integers(1, 50))
def test_implementation_score_stays_between_its_parts(promise, share_late, n):
    late = round(n * share_late / 100)
    rows = [("2020-01-01", 0.0)] * late + [("2099-01-01", 1.0)] * (n - late)
    trust = {"as_of": "2026-11-20", "components": {"promise": {"mean": promise, "n_events": 9}}}
    rating = ratings.implementation(trust, schedule(rows))
    on_time = 100 * (n - late) / n
    assert min(promise, on_time) - 1e-9 <= rating.score <= max(promise, on_time) + 1e-9
