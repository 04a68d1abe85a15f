"""The back-test: scores computed by hand on small histories, what was known when, and the
engine's own forecasts checked against futures drawn from the distributions it assumes."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta

import numpy as np
import pytest

from alliance.insights.calibration import (
    Outcome,
    PastForecast,
    PastTrust,
    auc,
    auc_z,
    backtest_forecasts,
    backtest_trust,
    brier,
)
from alliance.insights.inputs import AgreementData, Participation, Party
from alliance.insights.parameters import CALIBRATION
from alliance.insights.studies import (
    engine_calibration,
    known_truth_spearman,
    planted_commitment,
)
from alliance.insights.trust import agreement_trust, month_ends

D = date(2026, 1, 5)


def day(n: int) -> date:
    return D + timedelta(days=n)


def test_scores_by_hand():
    assert brier([0.9, 0.2], [True, False]) == pytest.approx((0.01 + 0.04) / 2)
    assert auc([0.9, 0.8, 0.3], [True, False, False]) == 1.0
    assert auc([0.5, 0.5], [True, False]) == 0.5
    assert auc([0.1, 0.9], [True, False]) == 0.0
    assert auc([0.3], [True]) is None and brier([], []) is None


def test_forecast_backtest_uses_the_last_forecast_before_the_due_date_and_known_outcomes():
    forecasts = [
        # a: forecast twice before its due date (day 30); the later one counts
        PastForecast("a", day(0), day(30), 0.4, day(35)),
        PastForecast("a", day(20), day(30), 0.9, day(28)),
        PastForecast("a", day(31), day(30), 0.1, day(40)),  # after the due date: not a forecast
        # b: delivered late, past its P80
        PastForecast("b", day(10), day(20), 0.85, day(22)),
        # c: still open past its due date and its P80: late and a miss
        PastForecast("c", day(5), day(15), 0.95, day(18)),
        # d: delivered after the back-test's date: not known yet
        PastForecast("d", day(5), day(55), 0.5, day(58)),
        # e: waived: left out
        PastForecast("e", day(5), day(12), 0.3, day(14)),
    ]
    outcomes = [
        Outcome("a", day(27)),
        Outcome("b", day(25)),
        Outcome("c", None),
        Outcome("d", day(60)),
        Outcome("e", None, left_out=True),
    ]
    result = backtest_forecasts(forecasts, outcomes, as_of=day(50))
    checks = {c.task_id: c for c in result.checks}
    assert checks["a"].p_on_time == 0.9 and checks["a"].on_time and checks["a"].p80_hit
    assert checks["b"].on_time is False and checks["b"].p80_hit is False
    assert checks["c"].on_time is False and checks["c"].p80_hit is False
    assert checks["d"].on_time is None and checks["d"].p80_hit is None
    assert "e" not in checks
    assert (result.n_due, result.on_time) == (3, 1)
    assert (result.n_p80, result.p80_hits) == (3, 1)
    assert result.brier == pytest.approx(((0.9 - 1) ** 2 + 0.85**2 + 0.95**2) / 3)
    assert result.brier_base_rate == pytest.approx((1 / 3) * (2 / 3))
    # "Of the last 3 commitments forecast 80 % likely on time, 1 was."
    assert (result.confident, result.confident_on_time) == (3, 1)
    # Seen earlier, before any outcome was known: nothing to score.
    early = backtest_forecasts(forecasts, outcomes, as_of=day(12))
    assert early.n_due == 0 and early.brier is None


def test_trust_backtest_reads_the_index_computed_before_each_due_date():
    indexes = [
        PastTrust("A", "B", day(0), 80.0),
        PastTrust("A", "B", day(40), 20.0),  # after the first due date, before the second
        PastTrust("A", "C", day(0), 30.0),
    ]
    outcomes = [
        Outcome("b1", day(29), owed_by="B", owed_to=("A",), due=day(30)),  # on time, index 80
        Outcome("b2", day(70), owed_by="B", owed_to=("A",), due=day(60)),  # late, index 20
        Outcome("c1", None, owed_by="C", owed_to=("A",), due=day(50)),  # open past due, 30
        Outcome("x1", day(10), owed_by="B", owed_to=("Z",), due=day(20)),  # no index: skipped
    ]
    result = backtest_trust(indexes, outcomes, as_of=day(100))
    assert (result.n, result.on_time, result.without_index) == (3, 1, 1)
    assert result.auc == 1.0  # the on-time delivery had the highest index
    assert result.brier == pytest.approx(((0.8 - 1) ** 2 + 0.2**2 + 0.3**2) / 3)
    assert result.mean_index == pytest.approx((0.8 + 0.2 + 0.3) / 3)


def test_an_index_at_its_prior_is_counted_apart_not_scored():
    """An index whose evidence was insufficient is the prior (50), not a measurement of the
    pair: ranked beside measured indexes, which a breach pulls well below the share on time,
    it would "predict" every new pair's first delivery better than any measured pair's."""
    indexes = [
        PastTrust("A", "B", day(0), 50.0, "insufficient"),
        PastTrust("A", "B", day(40), 22.0, "provisional"),
        PastTrust("A", "C", day(0), 35.0, "established"),
        PastTrust("A", "D", day(0), 15.0, ""),  # a snapshot that did not say: scored
    ]
    outcomes = [
        Outcome("b1", day(35), owed_by="B", owed_to=("A",), due=day(30)),  # late, at the prior
        Outcome("b2", day(59), owed_by="B", owed_to=("A",), due=day(60)),  # on time, 22
        Outcome("c1", day(49), owed_by="C", owed_to=("A",), due=day(50)),  # on time, 35
        Outcome("d1", day(55), owed_by="D", owed_to=("A",), due=day(50)),  # late, 15
    ]
    result = backtest_trust(indexes, outcomes, as_of=day(100))
    assert (result.n, result.on_time, result.at_prior, result.without_index) == (3, 2, 1, 0)
    assert {c.task_id for c in result.checks} == {"b2", "c1", "d1"}
    assert result.auc == 1.0  # with b1 at its prior of 50 scored it was 0.5


def _staggered_truth(seed: int, as_of: date) -> AgreementData:
    """60 directed pairs of 30 parties, each with a planted reliability (uniform 0.1-0.95)
    and 8 commitments due within 120 days of the day the pair starts working together (any
    day of the year before ``as_of``): on time (0-9 days early) with that chance, else 3-59
    days late. The first deliveries of a pair fall due while its index is still the prior."""
    rng = np.random.default_rng(seed)
    ids = [f"p{i:02d}" for i in range(30)]
    chosen: set[tuple[str, str]] = set()
    while len(chosen) < 60:
        a, b = rng.choice(len(ids), 2, replace=False)
        chosen.add((ids[a], ids[b]))
    commitments = []
    for truster, trustee in sorted(chosen):
        reliability, start = rng.uniform(0.1, 0.95), int(rng.integers(0, 240))
        for k in range(8):
            due = as_of - timedelta(days=365 - start - int(rng.integers(0, 120)))
            key = f"{truster}-{trustee}-{k}"
            commitments.append(
                planted_commitment(rng, key, truster, trustee, due, reliability, as_of)
            )
    parties = tuple(Party(p, decision_cycle_working_days=10) for p in ids)
    participations = tuple(
        Participation(p, power=3, legitimacy=3, urgency=3, interest=3) for p in ids
    )
    return AgreementData("staggered", parties, participations, tuple(commitments))


def test_the_index_computed_before_a_delivery_foresees_it_when_reliability_is_planted():
    """Deliveries drawn from each pair's planted reliability, the index of every pair at each
    month end (as a monthly snapshot stores it) and the back-test's choice of the last one
    before each due date: the index ranks an on-time delivery above a late one well above
    chance. AUC over seeds 1-5: 0.66-0.78, against 0.62-0.72 with the indexes still at their
    prior scored (each pair's first deliveries, some 110 of 480, ranked at 50)."""
    as_of = date(2026, 12, 31)
    data = _staggered_truth(1, as_of)
    indexes = [
        PastTrust(p.truster, p.trustee, made, p.index, p.state)
        for made in month_ends(as_of, 13)[:-1]
        for p in agreement_trust(data, made, trend=False).pairs
    ]
    outcomes = [
        Outcome(c.id, c.delivered, owed_by=c.owed_by, owed_to=c.owed_to, due=c.due)
        for c in data.commitments
    ]
    every = dataclasses.replace(CALIBRATION, max_checks=10_000)
    result = backtest_trust(indexes, outcomes, as_of, every)
    assert result.at_prior > 50 and result.n > 300
    assert result.auc >= 0.75, result.auc  # 0.776; 0.722 with the priors scored


def test_the_engine_is_calibrated_against_futures_from_its_own_assumptions():
    """Independent commitments forecast by the engine, then delivered after durations drawn
    from the very distribution it assumes: a calibrated engine meets its P80 about 80 % of the
    time (within three and a half standard errors) and its P(on time) beats the base rate."""
    n = 400
    result = engine_calibration(n_tasks=n, seed=11)
    assert result.n_p80 == n
    # P80 is the first whole day with at least 80 %: it holds a little more (part of a day's
    # probability), never less (the bench reads 0.84 on 5,000 commitments).
    rate = result.p80_hit_rate
    assert 0.8 - 3.5 * math.sqrt(0.16 / n) < rate < 0.9, rate
    assert result.brier < result.brier_base_rate


def test_the_trust_index_ranks_pairs_by_their_latent_reliability():
    """Simulation study with known truth: 50 parties, 150 directed pairs each with a planted
    latent reliability, a year of commitments following it; the trust index, which sees only
    due and delivered dates, ranks the pairs with Spearman at least 0.8."""
    rho = known_truth_spearman(seed=1)
    assert rho >= 0.8, f"Spearman {rho:.3f} below 0.8"


@pytest.mark.parametrize(("positives", "negatives"), [(5, 40), (30, 30), (83, 91)])
def test_the_auc_z_of_scores_that_say_nothing_is_a_standard_normal(positives, negatives):
    """Against truth: scores drawn independently of the outcome give AUCs whose spread is the
    closed form's (the Mann–Whitney variance under the null), so |z| >= 1.96 about 5 % of
    the time."""
    rng = np.random.default_rng(positives * 1000 + negatives)
    labels = [True] * positives + [False] * negatives
    zs = np.array(
        [auc_z(auc(rng.random(positives + negatives), labels), positives, negatives)
         for _ in range(4000)]
    )  # fmt: skip
    assert abs(zs.mean()) < 0.06
    assert 0.95 < zs.std() < 1.05
    assert 0.035 < np.mean(np.abs(zs) >= 1.96) < 0.065


def test_the_auc_z_is_none_without_both_outcomes_and_signed_by_the_side_of_chance():
    assert auc_z(0.9, 0, 10) is None and auc_z(0.9, 10, 0) is None
    assert auc_z(0.5, 10, 10) == 0.0
    assert auc_z(0.8, 30, 30) > 1.96 > auc_z(0.6, 30, 30) > 0 > auc_z(0.4, 30, 30) > -1.96
    assert auc_z(0.2, 30, 30) < -1.96
