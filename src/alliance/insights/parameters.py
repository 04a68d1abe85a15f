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
    # Learned slippage: a party's log(actual / planned) mean, shrunk toward
    # `slippage_prior_log_ratio` as if the prior were `slippage_pseudo_count`
    # observations. 0.0 = no slippage assumed before any history.
    slippage_prior_log_ratio: float = 0.0
    slippage_pseudo_count: float = 5.0
    # Clamp on the learned factor so one wild history cannot explode a forecast.
    slippage_min_factor: float = 0.5
    slippage_max_factor: float = 4.0
    # Correlation between durations of tasks owed by the same party (Gaussian
    # copula with one shared factor per party). 0 = independent tasks.
    party_correlation: float = 0.3
    # Reported finish quantiles (P50, P80, P95).
    quantiles: tuple[float, ...] = (0.5, 0.8, 0.95)
    # A task is "at risk" when P(on time) is below this.
    at_risk_probability: float = 0.8
    # The delay cascade compares this quantile of downstream finishes.
    cascade_quantile: float = 0.8
    # Bound on how many late / at-risk tasks get a cascade analysis (each one
    # re-runs the downstream part of the simulation).
    cascade_max_tasks: int = 50
    # How many tasks each milestone's sensitivity ranking lists.
    sensitivity_top_n: int = 10
    # A task is on the critical path in an iteration when its finish drives its
    # successor's start; ties within this many working days count as driving.
    criticality_tie_days: int = 0


SCHEDULE = ScheduleParameters()
