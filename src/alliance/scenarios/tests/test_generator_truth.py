"""A simulation study with known truth, through the database: the scale generator plants a
latent reliability per directed pair and lets deliveries follow it; the real recompute must
rank the pairs by it (issue 11: Spearman >= 0.8 on a 50-party agreement with a year of
history). ``bench/insights.py generator`` runs more seeds."""

from __future__ import annotations

import pytest

from alliance.analytics.models import InsightSnapshot
from alliance.analytics.services import insights_recompute_history
from alliance.core import clock
from alliance.partnerships.models import Agreement
from alliance.scenarios import generator
from alliance.scenarios.generator import Shape
from alliance.scenarios.truth import AS_OF, SHAPE, rank_with, run_study

pytestmark = pytest.mark.django_db


def test_the_trust_index_ranks_pairs_as_their_planted_reliability():
    study = run_study(seed=911)
    assert len(study.truth) >= 140  # of the 150 pairs the generator plants
    # 0.867 for this seed; 0.807-0.893 over seeds 911-920 (docs/insights.md).
    assert study.spearman >= 0.8
    # With 50 parties and some 2,500 deliveries the forecast learns its party correlation.
    correlation = study.snapshots["schedule"]["correlation"]
    assert (correlation["source"], correlation["parties"]) == ("learned", 50)


def test_the_planted_reliability_is_the_seeds_and_the_pairs_alone():
    assert generator.latent_reliability(7, 3, 5) == generator.latent_reliability(7, 3, 5)
    assert generator.latent_reliability(7, 3, 5) != generator.latent_reliability(7, 5, 3)
    assert generator.latent_reliability(7, 3, 5) != generator.latent_reliability(8, 3, 5)
    values = [generator.latent_reliability(1, a, b) for a in range(40) for b in range(3)]
    assert 0 < min(values) < 0.2 and 0.8 < max(values) < 1
    assert generator.pool_position(7, "gen7-00042 Ministry of Finance (SN)") == 41
    with pytest.raises(ValueError):
        generator.pool_position(8, "gen7-00042 Ministry of Finance (SN)")


def test_the_ranking_holds_on_the_hardest_of_ten_seeds():
    """Seed 915 is the lowest of 911-920 (0.793 before a late delivery weighed at least one
    kept on time, 0.807 now); the index computed from the database like the recompute's."""
    generator.generate(agreements=1, seed=915, as_of=AS_OF, shape=SHAPE)
    index, share = rank_with(915)
    assert index >= 0.8
    # The plain share on time, with no weight at all, bounds what the evidence allows.
    assert index < share


def test_the_stored_back_test_finds_the_index_foresaw_the_planted_deliveries():
    """The trust back-test through the real path: a generated agreement whose deliveries follow
    the planted reliability, its insights stored at every quarter end and today, and the
    calibration of today's trust snapshot, which reads the index of each pair (party owed ->
    party owing) in the snapshot stored before each due date. An index that foresees nothing
    scores about 0.5; a direction swapped, or today's figures read for past dates, would show."""
    generator.generate(
        agreements=1,
        seed=911,
        shape=Shape(parties=12, history_days=540, commitments=400, plan_days=450),
    )
    agreement = Agreement.objects.get(reference="GEN911-00001")
    with clock.frozen(AS_OF):
        dates = insights_recompute_history(actor=None, agreement=agreement, until=AS_OF)
    trust = InsightSnapshot.objects.get(agreement=agreement, kind="trust", as_of=dates[-1]).data
    calibration = trust["calibration"]
    assert calibration["snapshots"] == len(dates) - 1 == 5
    assert calibration["n"] == 200 and calibration["at_prior"] > 0
    assert calibration["auc"] >= 0.6, calibration  # 0.661 (200 deliveries, 132 on time)
