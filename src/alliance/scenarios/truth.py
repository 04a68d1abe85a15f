"""The known-truth study through the database: generate an agreement whose deliveries follow
the generator's planted reliability, recompute its insights with the real service and rank the
pairs of the stored trust snapshot against the truth (docs/insights.md, "Simulation study with
known truth"). The test runs one seed (``tests/test_generator_truth.py``), ``bench/insights.py
generator`` several, at full size.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from scipy import stats

from alliance.analytics.selectors import agreement_inputs
from alliance.analytics.services import insights_recompute
from alliance.insights.parameters import TRUST, TrustParameters
from alliance.insights.trust import agreement_trust
from alliance.partnerships.models import Agreement, Party
from alliance.scenarios import generator
from alliance.scenarios.generator import Shape

AS_OF = generator.DEFAULT_AS_OF
# 50 parties, each owing to three counterparts (150 directed pairs), a year of history, and
# commitments starting in its first 250 days, so that nearly all are due by its end: about
# 28 due per pair. With 20 per pair Spearman is 0.78-0.85 over seeds, with 12 about 0.74:
# the ranking is limited by the evidence (docs/insights.md).
SHAPE = Shape(parties=50, history_days=365, commitments=3500, plan_days=250)
# A pair is ranked when it has at least this many commitments due.
MIN_DUE = 5


@dataclass(frozen=True)
class TruthStudy:
    """One generated agreement against its planted truth."""

    snapshots: dict  # stored snapshot data by kind
    truth: list[float]  # planted reliability of each ranked pair
    index: list[float]  # its trust index, in the same order
    due: list[int]  # its commitments due, in the same order
    generate_seconds: float
    recompute_seconds: float
    generate_cpu: float
    recompute_cpu: float

    @property
    def spearman(self) -> float:
        return float(stats.spearmanr(self.truth, self.index)[0])


def planted_reliability(seed: int, agreement: Agreement) -> dict[tuple[str, str], float]:
    """The generator's latent reliability of every directed pair of the agreement's parties,
    by (truster uuid, trustee uuid)."""
    position = {
        str(uuid): generator.pool_position(seed, name)
        for uuid, name in Party.objects.filter(participations__agreement=agreement).values_list(
            "uuid", "name"
        )
    }
    return {
        (truster, trustee): generator.latent_reliability(seed, position[trustee], position[truster])
        for truster in position
        for trustee in position
        if truster != trustee
    }


def rank_with(
    seed: int,
    params: TrustParameters = TRUST,
    as_of: date = AS_OF,
    min_due: int = MIN_DUE,
) -> tuple[float, float]:
    """Spearman of the planted reliability of seed's generated agreement (already in the
    database) with the trust index computed with ``params`` (not stored), and with the plain
    share of commitments delivered on time (no weights at all: what the evidence allows),
    over the pairs with at least ``min_due`` commitments due."""
    agreement = Agreement.objects.get(reference=f"GEN{seed}-00001")
    data = agreement_inputs(agreement, as_of).data
    planted = planted_reliability(seed, agreement)
    pairs = [
        p
        for p in agreement_trust(data, as_of, params, trend=False).pairs
        if p.promise_keeping.n_due >= min_due
    ]
    truth = [planted[(p.truster, p.trustee)] for p in pairs]
    index = float(stats.spearmanr(truth, [p.index for p in pairs])[0])
    share = [p.promise_keeping.say_do for p in pairs]
    return index, float(stats.spearmanr(truth, share)[0])


def run_study(
    seed: int, shape: Shape = SHAPE, as_of: date = AS_OF, min_due: int = MIN_DUE
) -> TruthStudy:
    """Generate one agreement of ``shape`` with ``seed``, recompute its insights as of
    ``as_of`` through ``insights_recompute`` and pair the stored index of every pair with at
    least ``min_due`` commitments due with its planted reliability."""
    wall, cpu = time.perf_counter(), time.process_time()
    generator.generate(agreements=1, seed=seed, as_of=as_of, shape=shape)
    generated_wall, generated_cpu = time.perf_counter(), time.process_time()
    agreement = Agreement.objects.get(reference=f"GEN{seed}-00001")
    stored = insights_recompute(actor=None, agreement=agreement, as_of=as_of, effects=False)
    done_wall, done_cpu = time.perf_counter(), time.process_time()
    snapshots = {kind: s.data for kind, s in stored.items()}
    planted = planted_reliability(seed, agreement)
    pairs = [
        p for p in snapshots["trust"]["pairs"] if (p["promise_keeping"]["n_due"] or 0) >= min_due
    ]
    return TruthStudy(
        snapshots=snapshots,
        truth=[planted[(p["truster"]["uuid"], p["trustee"]["uuid"])] for p in pairs],
        index=[p["index"] for p in pairs],
        due=[p["promise_keeping"]["n_due"] for p in pairs],
        generate_seconds=generated_wall - wall,
        recompute_seconds=done_wall - generated_wall,
        generate_cpu=generated_cpu - cpu,
        recompute_cpu=done_cpu - generated_cpu,
    )
