"""The party correlation of the schedule's copula, learned from an agreement's deliveries.

When a ministry is slow, it tends to be slow on everything: the schedule Monte Carlo ties the
durations of one party's commitments through a Gaussian copula whose correlation ``rho`` is the
share of the latent variance the party's commitments share (``schedule_engine.copula_table``).
This module estimates that share from what happened: each delivered commitment's overrun
``log(actual / planned)`` (the quantity the party's slippage is learned from), turned into a
normal score over all the agreement's deliveries, and the intraclass correlation of those
scores within parties — the one-way random-effects ANOVA estimator ICC(1):

    MSB = sum_i n_i (mean_i - mean)^2 / (g - 1)
    MSW = sum_i sum_j (z_ij - mean_i)^2 / (N - g)
    n0  = (N - sum_i n_i^2 / N) / (g - 1)
    ICC = (MSB - MSW) / (MSB + (n0 - 1) MSW)

with Fisher's large-sample standard error
``SE(rho) = sqrt(2 (1 - rho)^2 (1 + (n0 - 1) rho)^2 / (n0 (n0 - 1) (g - 1)))``.

The normal scores make the estimate the copula's own parameter: under the forecast's model the
latent variable of a commitment is a monotone transform of its overrun with the same marginal
for every commitment (estimates of the same shape), so the normal scores of the pooled overruns
recover the latent normals, and their ICC estimates ``rho`` whatever the duration distribution
and however long the tail of a wild delivery. The estimate is used only with enough evidence
(``ScheduleParameters.correlation_*``); otherwise the forecast keeps the prior and says so.
Everything is documented in ``docs/insights.md`` ("Party correlation learned from history").
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from alliance.insights.parameters import SCHEDULE, ScheduleParameters

__all__ = [
    "LEARNED",
    "PRIOR",
    "SET",
    "IntraclassCorrelation",
    "PartyCorrelation",
    "icc_standard_error",
    "intraclass_correlation",
    "learn_party_correlation",
    "overrun_groups",
]

# Where the correlation a forecast used comes from.
LEARNED = "learned"  # estimated from the agreement's deliveries (enough evidence)
PRIOR = "prior"  # too little evidence: the parameter's value, as a prior
SET = "set"  # learning switched off: the parameter's value as given


@dataclass(frozen=True)
class IntraclassCorrelation:
    """ICC(1) of groups of values: the estimate (unclipped), its standard error at the
    estimate, the effective group size ``n0``, the number of groups and of values."""

    estimate: float
    standard_error: float
    n0: float
    groups: int
    values: int


@dataclass(frozen=True)
class PartyCorrelation:
    """The party correlation a forecast used, and the evidence behind it.

    ``value`` is what the copula used; ``source`` says where it comes from (``learned``,
    ``prior`` or ``set``). ``estimate`` is the history's ICC clipped to ``[0, max]`` (None when
    fewer than two parties had enough deliveries to compute one), ``raw_estimate`` the same
    before clipping, ``standard_error`` its sampling error; ``parties`` and ``deliveries`` count
    the evidence that qualified (parties with at least ``min_deliveries`` deliveries each).
    """

    value: float
    source: str
    prior: float
    estimate: float | None = None
    raw_estimate: float | None = None
    standard_error: float | None = None
    parties: int = 0
    deliveries: int = 0
    min_parties: int = 0
    min_deliveries: int = 0
    max_standard_error: float = 0.0


def intraclass_correlation(groups: Sequence[Sequence[float]]) -> IntraclassCorrelation:
    """One-way random-effects ANOVA estimator of the intraclass correlation (ICC(1), unbalanced
    groups through the effective size ``n0``). Needs two groups and one more value than groups;
    a within-group variance of zero with some between-group variance reads 1."""
    arrays = [np.asarray(g, dtype=float) for g in groups if len(g)]
    g = len(arrays)
    sizes = np.array([len(a) for a in arrays], dtype=float)
    n = float(sizes.sum())
    if g < 2 or n <= g:
        raise ValueError("the intraclass correlation needs two groups and a repeated value")
    means = np.array([a.mean() for a in arrays])
    grand = float(np.concatenate(arrays).mean())
    msb = float((sizes * (means - grand) ** 2).sum()) / (g - 1)
    msw = float(sum(((a - m) ** 2).sum() for a, m in zip(arrays, means, strict=True))) / (n - g)
    n0 = (n - float((sizes**2).sum()) / n) / (g - 1)
    denominator = msb + (n0 - 1) * msw
    estimate = (msb - msw) / denominator if denominator > 0 else 0.0
    return IntraclassCorrelation(
        estimate=float(estimate),
        standard_error=icc_standard_error(min(max(estimate, 0.0), 1.0), n0, g),
        n0=float(n0),
        groups=g,
        values=int(n),
    )


def icc_standard_error(rho: float, n0: float, groups: int) -> float:
    """Fisher's large-sample standard error of ICC(1) at ``rho`` with ``groups`` groups of
    (effective) size ``n0``; infinite when it cannot be computed (one group, groups of one)."""
    if groups < 2 or n0 <= 1:
        return math.inf
    variance = 2 * (1 - rho) ** 2 * (1 + (n0 - 1) * rho) ** 2 / (n0 * (n0 - 1) * (groups - 1))
    return math.sqrt(variance)


def overrun_groups(histories: Iterable, min_deliveries: int) -> dict[str, np.ndarray]:
    """Each party's delivered commitments as normal scores of their overrun, for the parties
    with at least ``min_deliveries`` of them (by party id, sorted).

    The overrun of a delivery is ``log(max(actual, 0.5) / planned)`` (planned > 0), as the
    slippage reads it; the scores are ``Phi^-1((rank - 1/2) / N)`` over the qualifying
    deliveries of every party (mid-ranks for ties)."""
    overruns: dict[str, list[float]] = defaultdict(list)
    for history in histories:
        for planned, actual in zip(history.planned, history.actual, strict=True):
            if planned > 0:
                overruns[history.party].append(math.log(max(actual, 0.5) / planned))
    kept = {p: v for p, v in sorted(overruns.items()) if len(v) >= max(min_deliveries, 1)}
    if not kept:
        return {}
    from scipy import stats  # here: scipy.stats takes 0.6 s to import (see insights.schedule)

    values = np.concatenate([np.asarray(v) for v in kept.values()])
    scores = special.ndtri((stats.rankdata(values) - 0.5) / len(values))
    out, start = {}, 0
    for party, party_values in kept.items():
        out[party] = scores[start : start + len(party_values)]
        start += len(party_values)
    return out


def learn_party_correlation(
    histories: Iterable, parameters: ScheduleParameters = SCHEDULE
) -> PartyCorrelation:
    """The copula's party correlation for a forecast: learned from ``histories`` (the
    agreement's :class:`~alliance.insights.schedule_engine.PartyHistory`) when there is enough
    evidence, else the ``party_correlation`` parameter as a prior.

    Enough evidence: at least ``correlation_min_parties`` parties with at least
    ``correlation_min_deliveries`` deliveries each, and few enough sampling error — the
    standard error such a design would have at the prior, at most
    ``correlation_max_standard_error``. The learned value is the ICC clipped to
    ``[0, correlation_max]``.
    """
    prior = float(parameters.party_correlation)
    rule = {
        "min_parties": parameters.correlation_min_parties,
        "min_deliveries": parameters.correlation_min_deliveries,
        "max_standard_error": parameters.correlation_max_standard_error,
    }
    if not parameters.learn_party_correlation:
        return PartyCorrelation(prior, SET, prior, **rule)
    groups = overrun_groups(histories, parameters.correlation_min_deliveries)
    deliveries = sum(len(v) for v in groups.values())
    if len(groups) < 2:
        return PartyCorrelation(
            prior, PRIOR, prior, parties=len(groups), deliveries=deliveries, **rule
        )
    icc = intraclass_correlation(list(groups.values()))
    clipped = min(max(icc.estimate, 0.0), parameters.correlation_max)
    enough = (
        icc.groups >= parameters.correlation_min_parties
        and icc_standard_error(prior, icc.n0, icc.groups)
        <= parameters.correlation_max_standard_error
    )
    return PartyCorrelation(
        value=clipped if enough else prior,
        source=LEARNED if enough else PRIOR,
        prior=prior,
        estimate=clipped,
        raw_estimate=icc.estimate,
        standard_error=icc.standard_error,
        parties=icc.groups,
        deliveries=icc.values,
        **rule,
    )
