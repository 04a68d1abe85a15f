"""Every parameter of the insights engine, in one documented place.

Each model reads its knobs from a frozen dataclass defined here, with a
module-level default instance (``CALENDAR``, ``SCHEDULE``, ...). Callers that
want other values build their own instance (``dataclasses.replace`` works) and
pass it in; nothing else in ``alliance.insights`` hard-codes a tuning constant.
``docs/insights.md`` explains what each parameter means and where its default
comes from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# --------------------------------------------------------------------------
# Working calendars (rhythms)
# --------------------------------------------------------------------------

# Weekmask strings follow numpy's busday convention: seven characters, Monday
# to Sunday, "1" = working day.
MON_FRI = "1111100"
SUN_THU = "1111001"  # Friday-Saturday weekend
SAT_THU = "1111101"  # Friday-only weekend
MON_THU_SAT = "1111010"  # Friday and Sunday off (Brunei)

# Countries whose official weekend we state explicitly rather than trust to the
# `holidays` package's `weekend` attribute. Libya is listed because the package
# reports Saturday-Sunday; the United Arab Emirates moved to a Saturday-Sunday
# weekend on 1 January 2022, so it is *not* in the Friday-Saturday group.
_WEEKMASK_BY_COUNTRY = {
    **{
        code: SUN_THU
        for code in (
            "AF", "BD", "BH", "DZ", "EG", "IL", "IQ", "JO", "KW",
            "LY", "MV", "OM", "QA", "SA", "SD", "SY", "YE",
        )
    },
    "IR": SAT_THU,
    "BN": MON_THU_SAT,
    "AE": MON_FRI,
}  # fmt: skip


@dataclass(frozen=True)
class CalendarParameters:
    """How a party's working calendar is built when only its country is known.

    ``weekmask_by_country`` wins; otherwise the ``holidays`` package's own
    weekend for the country (and subdivision) is used; otherwise
    ``default_weekmask``.
    """

    default_weekmask: str = MON_FRI
    weekmask_by_country: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(dict(_WEEKMASK_BY_COUNTRY))
    )
    # Use the holidays package's weekend when a country is not listed above.
    use_package_weekend: bool = True
    # When a calendar is built for a forecast, holidays are loaded from the year
    # before the earliest date to this many years after the latest one.
    holiday_years_ahead: int = 5


CALENDAR = CalendarParameters()


# --------------------------------------------------------------------------
# Schedule risk (Monte Carlo over the commitment DAG)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleParameters:
    """Knobs of the schedule-risk Monte Carlo (docs/insights.md, "Schedule risk")."""

    iterations: int = 10_000
    seed: int = 20_260_101
    # "pert" (Beta-PERT, weight `pert_lambda` on the mode) or "triangular".
    distribution: str = "pert"
    pert_lambda: float = 4.0
    # "whole": a task takes whole working days of its owner, D = ceil(f X) (a 2.3-day task
    # takes three, so a chain of n tasks runs about n / 2 days longer than the continuous sum
    # peers report); "continuous": D is f X rounded up or down at random with the probability
    # of its fraction, so E[D] = E[f X] and chains keep the continuous mean. Every forecast
    # says which it used.
    working_days: str = "whole"
    # A started task is drawn given that the working days it has already run did not finish
    # it (P(D <= d | D > e)), as schedule-risk tools do from a status date. When its estimate
    # leaves less than `elapsed_min_survival` beyond those days, it is drawn from its
    # residual at the last day that still had that chance.
    condition_on_elapsed: bool = True
    elapsed_min_survival: float = 0.01
    # Learned slippage: a party's log(actual / planned) mean, shrunk toward
    # `slippage_prior_log_ratio` as if the prior were `slippage_pseudo_count`
    # observations. 0.0 = no slippage assumed before any history.
    slippage_prior_log_ratio: float = 0.0
    slippage_pseudo_count: float = 5.0
    # Clamp on the learned factor so one wild history cannot explode a forecast.
    slippage_min_factor: float = 0.5
    slippage_max_factor: float = 4.0
    # Correlation between durations of tasks owed by the same party (Gaussian
    # copula with one shared factor per party): the correlation of the latent
    # normals, so Spearman's rho between two such tasks is 6/pi asin(rho / 2).
    # 0 = independent tasks. With `learn_party_correlation`, this is the prior: the
    # correlation is learned from the agreement's deliveries (the intraclass correlation of
    # their overruns within parties, alliance.insights.correlation) when at least
    # `correlation_min_parties` parties delivered at least `correlation_min_deliveries`
    # commitments each and the estimate's standard error at the prior would be at most
    # `correlation_max_standard_error`; it is then clipped to [0, correlation_max].
    party_correlation: float = 0.3
    learn_party_correlation: bool = True
    correlation_min_parties: int = 5
    correlation_min_deliveries: int = 3
    correlation_max_standard_error: float = 0.15
    correlation_max: float = 0.9
    # Durations are drawn from a table of this many equiprobable quantiles per
    # task (a power of two): every probability is exact to 1 / quantile_table_size,
    # five times finer than the Monte Carlo noise at 10,000 iterations, and the
    # table of a task (2 KiB) stays in the CPU cache while its draws are made.
    quantile_table_size: int = 1024
    # The party factor of the copula is cut into this many equiprobable bins.
    copula_bins: int = 64
    # Iterations per chunk (sized so a chunk's arrays stay in the CPU cache) and
    # worker threads (0 = one per core). Results depend on the chunk size, not
    # on the number of threads.
    chunk_iterations: int = 512
    threads: int = 0
    # Risk events: a risk without its own probability takes the one its likelihood on the
    # register's 1-5 scale stands for (rare, unlikely, possible, likely, almost certain).
    likelihood_probability: tuple[float, ...] = (0.05, 0.15, 0.35, 0.6, 0.85)
    # Reported finish quantiles (P50, P80, P95).
    quantiles: tuple[float, ...] = (0.5, 0.8, 0.95)
    # A task is "at risk" when P(on time) is below this.
    at_risk_probability: float = 0.8
    # The delay cascade compares this quantile of downstream finishes.
    cascade_quantile: float = 0.8
    # Bound on how many late / at-risk tasks get a cascade analysis (each one
    # re-runs the downstream part of the simulation).
    cascade_max_tasks: int = 20
    # The cascade re-runs the first this-many iterations (the same draws with and
    # without the delay, so the difference is stable with fewer of them).
    cascade_iterations: int = 1_000
    # How many tasks each milestone's sensitivity ranking lists.
    sensitivity_top_n: int = 10
    # A task is on the critical path in an iteration when its finish drives its
    # successor's start; ties within this many working days count as driving.
    criticality_tie_days: int = 0


SCHEDULE = ScheduleParameters()


# --------------------------------------------------------------------------
# Salience (Mitchell-Agle-Wood classes, Mendelow grid)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SalienceParameters:
    """Scale and thresholds of a participation's power, legitimacy, urgency and interest."""

    # Attributes are scored 0..scale_max (the participation form's scale).
    scale_max: float = 5.0
    # Mitchell et al.: an attribute is "held" from this score up. 4 of 0..5 = clearly present:
    # the form's neutral default (3 on every attribute) holds none, so a party is definitive -
    # and key - only when someone scored it so, not because nobody scored it at all.
    attribute_threshold: float = 4.0
    # Mendelow: power / interest count as "high" from this score up (same reasoning).
    grid_threshold: float = 4.0


SALIENCE = SalienceParameters()


# --------------------------------------------------------------------------
# Trust (per directed pair and per agreement)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustParameters:
    """Knobs of the trust index (docs/insights.md, "Trust").

    Each behavioural or perceived component is a recency-weighted Beta estimate whose prior is
    (mean, strength): strength = how many events' worth of weight the prior carries, so a
    weak prior (2) lets a handful of events speak.
    """

    # Recency: an event's weight halves every `half_life_days` calendar days.
    half_life_days: float = 180.0
    promise_prior_mean: float = 0.7
    promise_prior_strength: float = 2.0
    response_prior_mean: float = 0.7
    response_prior_strength: float = 2.0
    engagement_prior_mean: float = 0.7
    engagement_prior_strength: float = 2.0
    # Likert midpoint 4 of 1..7 is 0.5 on the 0-1 scale.
    perception_prior_mean: float = 0.5
    perception_prior_strength: float = 2.0
    # The index is one Beta estimate over the pooled evidence of every component (Josang's
    # Beta reputation with weighted evidence): components without events add nothing, so "no
    # data" stays at this prior and is labelled insufficient instead of reading as a score.
    index_prior_mean: float = 0.5
    index_prior_strength: float = 2.0
    # What one event of each component weighs in the pooled evidence (a recent commitment of
    # materiality 1 is one event's worth): behaviour first, as promise keeping is the hardest
    # evidence, with a pulse answer (one person saying how far they trust); one gap between
    # meetings says little (a pair meeting weekly would otherwise drown every other signal).
    weight_promise: float = 1.0
    weight_response: float = 0.5
    weight_engagement: float = 0.1
    weight_perception: float = 1.0
    # Asymmetric updating (Slovic 1993; Kim, Ferrin et al. 2004): a violation (a commitment
    # late or missed, a follow-up left unanswered) weighs this many times a confirmation.
    # Promise and response events earn no partial credit: on time counts as a confirmation,
    # anything late only as a violation of weight (1 - score), so a late delivery never
    # raises trust. Engagement gaps and pulse answers are measured, not kept or broken: they
    # count fractionally (score, 1 - score) and symmetrically.
    violation_weight_promise: float = 4.0
    violation_weight_response: float = 2.0
    # A promise kept late is still a promise broken: its violating mass is at least
    # `breach_floor` confirmations' worth, growing with lateness to the full kappa of a miss,
    # b = w (floor + (kappa - floor)(1 - s)). With 0 a delivery a day late weighed a fraction
    # of one kept on time (kappa (1 - exp(-late / tau)) < 1 below 0.29 tau), against the
    # asymmetry above; 1 makes the breach itself weigh what a keep does and its severity
    # the rest.
    breach_floor: float = 1.0
    # Repair (Dirks, Lewicki & Zaheer 2009): a commitment re-dated after its original date
    # passed is a breach; delivering it by the renegotiated date recovers this share of the
    # breach's weight.
    repair_share: float = 0.5
    # Materiality of a commitment: an explicit importance the team sets wins; otherwise the
    # weight of its category, times 1 + dependents_step per commitment that depends on it
    # (directly or not), up to dependents_cap of them.
    importance_weights: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"minor": 0.25, "normal": 1.0, "major": 2.5, "critical": 5.0}
        )
    )
    category_weights: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"financial": 3.0, "regulatory": 2.5, "technical": 1.5, "local_content": 1.5,
             "governance": 1.0, "reporting": 0.5}
        )
    )  # fmt: skip
    default_materiality: float = 1.0
    dependents_step: float = 0.25
    dependents_cap: int = 8
    # State of the evidence behind an index: the recency- and materiality-weighted amount of
    # evidence (weights above, without the violation factor). Below provisional_from it is
    # insufficient (the figure is the prior, not a measurement); below established_from it is
    # provisional.
    provisional_from: float = 0.5
    established_from: float = 4.0
    # Lateness decay: score = exp(-late / tau), tau = this x the owing party's decision cycle
    # (``Party.decision_cycle_working_days``, working days like every duration here: a slow
    # ministry is judged on its own clock), at least tau_min.
    tau_per_cycle: float = 0.5
    tau_min_working_days: float = 3.0
    # An undelivered commitment counts as missed (score 0) once it is this many tau late.
    missed_after_tau: float = 3.0
    # A delivery declared by the owing party that the party owed was asked to confirm and
    # has not confirmed weighs this much of a confirmed one in that party's trust (a
    # contested one is not a delivery at all: the commitment is open again).
    unconfirmed_delivery_weight: float = 0.5
    # A follow-up answered within this many decision cycles scores 1.
    response_allowance_cycles: float = 1.0
    # Engagement cadence: the expected gap between two parties' interactions is this many
    # decision cycles (the slower party's), stretched by up to (1 + cadence_low_salience_slack)
    # when the pair's salience is low, and kept within [min, max] working days.
    cadence_cycles: float = 1.0
    cadence_low_salience_slack: float = 1.0
    cadence_min_working_days: float = 5.0
    cadence_max_working_days: float = 120.0
    # Two-sided interval reported around every index (0.8 = P10..P90).
    interval: float = 0.8
    # Performance-to-promise bands on the Say/Do percentage (lower bound, label), best first.
    bands: tuple[tuple[float, str], ...] = (
        (90.0, "excellent"),
        (80.0, "good"),
        (70.0, "needs attention"),
        (0.0, "critical"),
    )
    trend_months: int = 12
    top_events: int = 5


TRUST = TrustParameters()


# --------------------------------------------------------------------------
# Expectation alignment
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class AlignmentParameters:
    """Knobs of expectation alignment (docs/insights.md, "Expectation alignment")."""

    # Two target dates this many working days apart are fully misaligned on dates.
    date_tolerance_working_days: float = 60.0
    # Priorities are whole numbers 1..priority_levels; distance = steps / (levels - 1). By
    # default the scale is the domain's (engagement Priority: 1 low .. 4 critical), the larger
    # number ranking higher; priority_one_is_highest=True reads 1 as the highest instead. The
    # direction says which party ranks a topic higher (evidence, PairGap.higher_priority).
    priority_levels: int = 4
    priority_one_is_highest: bool = False
    # Relative target gap |a - b| / max(|a|, |b|) is capped here (1 = fully misaligned).
    target_gap_cap: float = 1.0
    # Weights of the three dimensions; re-normalised over those both parties stated.
    weight_date: float = 0.5
    weight_priority: float = 0.25
    weight_target: float = 0.25
    # A pair's gap "widens" when its date gap grows by this many working days, or its
    # overall distance by this much (0-1), between two snapshots.
    widening_working_days: float = 10.0
    widening_distance: float = 0.1


ALIGNMENT = AlignmentParameters()


# --------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkParameters:
    """Knobs of the interaction network (docs/insights.md, "Network")."""

    # Tie weight = sum over shared interactions of 0.5 ** (age / half_life_days),
    # counting only interactions within window_days.
    half_life_days: float = 90.0
    window_days: float = 365.0
    # A party is a broker when its betweenness centrality (Brandes, normalised) reaches this.
    broker_min_betweenness: float = 0.1
    # A party is isolated when its total tie weight is below this (about one fresh meeting).
    isolation_max_strength: float = 0.5
    # Louvain community detection: resolution and the fixed seed that makes it repeatable.
    louvain_resolution: float = 1.0
    seed: int = 7


NETWORK = NetworkParameters()


# --------------------------------------------------------------------------
# Maturity (Signed -> Calibrating -> Implementing -> Integrated -> Alliance)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MaturityParameters:
    """Thresholds of each maturity stage's criteria (docs/insights.md, "Maturity")."""

    # The roles that sign an agreement, by agreement kind (other kinds: signing_roles). A loan
    # is signed by its borrower (role "signatory": the domain has no borrower role) and by its
    # lenders, who are parties to the loan they grant.
    signing_roles: tuple[str, ...] = ("signatory",)
    signing_roles_by_kind: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({"loan": ("signatory", "lender")})
    )
    # Calibrating: share of signatories that recorded at least one expectation.
    expectations_coverage_min: float = 1.0
    # Calibrating: share of signatories met at least once within engagement_window_days.
    signatories_met_min: float = 1.0
    engagement_window_days: float = 90.0
    # Implementing: the agreement's promise keeping (trust's promise component pooled over its
    # pairs: recency-weighted, lateness on the owing party's clock) out of the critical band of
    # the performance-to-promise scale (TrustParameters.bands: below 70 is critical), and the
    # alignment score.
    promise_keeping_min: float = 0.7
    alignment_min: float = 70.0
    # Integrated: share of local parties met within the window, share of engagement that
    # crosses the local / international line, share of regulatory requirements aligned.
    local_engaged_min: float = 0.75
    crossing_share_min: float = 0.3
    regulatory_aligned_min: float = 0.8
    # Alliance: trust index both ways for every pair of key parties, and share of grievances
    # answered by their response date.
    trust_min: float = 65.0
    grievances_on_time_min: float = 0.9
    # Hysteresis of the recorded stage (applied by alliance.analytics, docs/insights.md "Stage
    # changes"): a higher stage is recorded at once; a lower one only after the criteria have
    # failed at every evaluation for this many days (or when a counsellor confirms it).
    downgrade_after_days: int = 14

    def signing_roles_of(self, kind: str) -> tuple[str, ...]:
        """The roles whose parties sign an agreement of this kind."""
        return self.signing_roles_by_kind.get(kind, self.signing_roles)


MATURITY = MaturityParameters()


# --------------------------------------------------------------------------
# Early warnings
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningParameters:
    """Thresholds of the early-warning rules (docs/insights.md, "Early warnings")."""

    # Overdue commitment: medium severity from this many working days late, high from the
    # next (owing party's days); less than that is a slip worth knowing (low).
    overdue_medium_working_days: int = 5
    overdue_high_working_days: int = 20
    # Trust falling: a drop of more than trust_drop_points over trust_drop_days.
    trust_drop_points: float = 10.0
    trust_drop_days: int = 90
    # Alignment widening: compare expectations as recorded this many days ago with today's;
    # medium when the pair's distance is at least alignment_medium_distance (0-1), else low.
    alignment_lookback_days: int = 90
    alignment_medium_distance: float = 0.5
    # Key party not met: no interaction for cadence_tolerance x its expected cadence.
    cadence_tolerance: float = 1.0
    # Schedule: P80 past due is medium from this many working days past, high from the next
    # — but high only when the due date is within p80_urgent_within_working_days.
    p80_medium_working_days: int = 5
    p80_high_working_days: int = 20
    p80_urgent_within_working_days: int = 40
    # Regulatory deadline near: unaligned requirement due within this many working days.
    regulatory_near_working_days: int = 20
    # ... medium within this many working days (low before), high once passed.
    regulatory_medium_working_days: int = 10
    # Grievance response overdue: high severity from this many working days past due.
    grievance_high_working_days: int = 10


WARNINGS = WarningParameters()


# --------------------------------------------------------------------------
# Calibration (the back-test of forecasts and trust, calibration.py)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationParameters:
    # "Of the last n commitments forecast this likely on time, k were."
    confident_probability: float = 0.8
    # The most recent checks scored (by due date); older ones are listed but not scored.
    max_checks: int = 200
    # Equal-width bins of P(on time) for the reliability table.
    bins: int = 5
    # Below this many judged forecasts a score is shown as provisional.
    established_from: int = 20


CALIBRATION = CalibrationParameters()
