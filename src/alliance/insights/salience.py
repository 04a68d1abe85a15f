"""Stakeholder salience: Mitchell-Agle-Wood classes and Mendelow's power/interest quadrant.

Mitchell, Agle & Wood (1997) call a stakeholder salient by how many of three attributes it holds
(power, legitimacy, urgency): one attribute makes a *latent* stakeholder (dormant, discretionary,
demanding), two an *expectant* one (dominant, dangerous, dependent), three a *definitive* one;
none, a non-stakeholder. Mendelow (1991) places it on a power x interest grid to decide how to
engage it. An attribute is "held" when its score reaches the threshold in
:class:`~alliance.insights.parameters.SalienceParameters`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alliance.insights.inputs import Participation
from alliance.insights.parameters import SALIENCE, SalienceParameters

# Index = 4 * power + 2 * legitimacy + urgency (each 0 or 1).
MITCHELL_CLASSES = (
    "non-stakeholder",  # none
    "demanding",  # urgency
    "discretionary",  # legitimacy
    "dependent",  # legitimacy + urgency
    "dormant",  # power
    "dangerous",  # power + urgency
    "dominant",  # power + legitimacy
    "definitive",  # all three
)
# Index = 2 * high power + high interest.
MENDELOW_QUADRANTS = ("monitor", "keep informed", "keep satisfied", "key players")


@dataclass(frozen=True)
class SalienceAssessment:
    """A participation's salience: class, quadrant, attributes held and a 0-1 score."""

    party: str
    mitchell_class: str
    mendelow_quadrant: str
    attributes: tuple[str, ...]  # the attributes held, e.g. ("power", "urgency")
    score: float  # mean of power, legitimacy, urgency on 0-1 (weights in trust and cadence)

    @property
    def is_key(self) -> bool:
        """Key players and definitive stakeholders get the closest attention."""
        return self.mendelow_quadrant == "key players" or self.mitchell_class == "definitive"


def is_key(
    power: np.ndarray | float,
    legitimacy: np.ndarray | float,
    urgency: np.ndarray | float,
    interest: np.ndarray | float,
    params: SalienceParameters = SALIENCE,
) -> np.ndarray:
    """Vectorised :attr:`SalienceAssessment.is_key`: a key player (high power and interest) or
    a definitive stakeholder (power, legitimacy and urgency all held)."""
    t, g = params.attribute_threshold, params.grid_threshold
    p, lg, u, i = (np.asarray(x, float) for x in (power, legitimacy, urgency, interest))
    return ((p >= g) & (i >= g)) | ((p >= t) & (lg >= t) & (u >= t))


def mitchell_class(
    power: float, legitimacy: float, urgency: float, params: SalienceParameters = SALIENCE
) -> str:
    """The Mitchell-Agle-Wood class from the three attribute scores."""
    t = params.attribute_threshold
    return MITCHELL_CLASSES[4 * (power >= t) + 2 * (legitimacy >= t) + (urgency >= t)]


def mendelow_quadrant(power: float, interest: float, params: SalienceParameters = SALIENCE) -> str:
    """The Mendelow power/interest quadrant."""
    t = params.grid_threshold
    return MENDELOW_QUADRANTS[2 * (power >= t) + (interest >= t)]


def salience_score(
    power: np.ndarray | float,
    legitimacy: np.ndarray | float,
    urgency: np.ndarray | float,
    params: SalienceParameters = SALIENCE,
) -> np.ndarray:
    """Mean of the three attributes rescaled to 0-1 (arrays welcome); more attributes, more
    salience, as in Mitchell et al., but graded rather than counted."""
    total = np.asarray(power, float) + np.asarray(legitimacy, float) + np.asarray(urgency, float)
    return np.clip(total / (3.0 * params.scale_max), 0.0, 1.0)


def assess(
    participation: Participation, params: SalienceParameters = SALIENCE
) -> SalienceAssessment:
    """Classify one participation."""
    p = participation
    t = params.attribute_threshold
    held = tuple(
        name
        for name, value in (
            ("power", p.power),
            ("legitimacy", p.legitimacy),
            ("urgency", p.urgency),
        )
        if value >= t
    )
    return SalienceAssessment(
        party=p.party,
        mitchell_class=mitchell_class(p.power, p.legitimacy, p.urgency, params),
        mendelow_quadrant=mendelow_quadrant(p.power, p.interest, params),
        attributes=held,
        score=float(salience_score(p.power, p.legitimacy, p.urgency, params)),
    )


def assess_all(
    participations: Sequence[Participation], params: SalienceParameters = SALIENCE
) -> dict[str, SalienceAssessment]:
    """Assessment per party. A party with several roles keeps its most salient one."""
    out: dict[str, SalienceAssessment] = {}
    for pp in participations:
        a = assess(pp, params)
        if pp.party not in out or a.score > out[pp.party].score:
            out[pp.party] = a
    return out
