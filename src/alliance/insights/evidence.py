"""Evidence: the events behind a figure, each with its signed contribution.

Every index in ``alliance.insights`` is returned with an :class:`Evidence` so the interface can
answer "why?". The contract is arithmetic, not narrative: ``baseline + sum(contributions)``
equals the figure (within rounding). The baseline is what the figure would be with no events at
all (the prior for trust, 100 for alignment, 0 for a share), so each contribution says how many
points that one event moved the figure away from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from alliance.insights.messages import msg

# Contributions are compared with the figure after rounding both to this many decimals.
ROUNDING_DECIMALS = 6


@dataclass(frozen=True)
class Contribution:
    """One event's signed share of a figure (e.g. "permit delivered 45 working days late: -6")."""

    label: str
    contribution: float
    event_id: str | None = None
    event_kind: str | None = None
    date: date | None = None
    # The label as a message (key and parameters, ``alliance.insights.messages``) so the site
    # can say it in the reader's language; None where only the English label exists yet.
    message: dict | None = field(default=None, compare=False, hash=False)

    def as_dict(self) -> dict:
        """JSON-ready form (dates as ISO strings)."""
        out = {
            "label": self.label,
            "contribution": round(self.contribution, 4),
            "event_id": self.event_id,
            "event_kind": self.event_kind,
            "date": self.date.isoformat() if self.date else None,
        }
        if self.message is not None:
            out["message"] = self.message
        return out


@dataclass(frozen=True)
class Evidence:
    """A figure, the baseline it starts from and every contribution that moved it."""

    figure: float
    baseline: float
    contributions: tuple[Contribution, ...] = field(default_factory=tuple)

    @property
    def explained(self) -> float:
        """Baseline plus all contributions: equals ``figure`` when the evidence is complete."""
        return self.baseline + sum(c.contribution for c in self.contributions)

    @property
    def residual(self) -> float:
        """What the contributions leave unexplained (zero up to floating-point rounding)."""
        return self.figure - self.explained

    def adds_up(self, tolerance: float = 10.0**-ROUNDING_DECIMALS) -> bool:
        """True when baseline + contributions reproduce the figure within ``tolerance``."""
        return abs(self.residual) <= tolerance * max(1.0, abs(self.figure))

    def top(self, n: int = 5) -> tuple[Contribution, ...]:
        """The ``n`` largest movers by absolute size, plus one "other events" line if any remain.

        The lump keeps the shortened list adding up to the figure, so a "top events" panel
        stays honest about everything it does not show.
        """
        ranked = sorted(self.contributions, key=_rank_key)
        shown, rest = ranked[:n], ranked[n:]
        if not rest:
            return tuple(shown)
        lump = Contribution(
            label=f"{len(rest)} other events",
            contribution=sum(c.contribution for c in rest),
            message=msg("evidence.other_events", n=len(rest)),
        )
        return (*shown, lump)

    def scaled(self, factor: float, prefix: str = "") -> tuple[Contribution, ...]:
        """Contributions multiplied by ``factor`` (used when a figure feeds a weighted total)."""
        return tuple(_scale(c, factor, prefix) for c in self.contributions)

    def as_dict(self, top: int | None = None) -> dict:
        """JSON-ready form; ``top`` shortens the list (with an "other events" lump)."""
        items = self.contributions if top is None else self.top(top)
        return {
            "figure": round(self.figure, 4),
            "baseline": round(self.baseline, 4),
            "contributions": [c.as_dict() for c in items],
        }


def combine(
    figure: float, baseline: float, parts: Iterable[Contribution], *, drop_zero: bool = True
) -> Evidence:
    """Build an :class:`Evidence`, dropping exact-zero contributions that explain nothing."""
    kept = tuple(c for c in parts if not (drop_zero and c.contribution == 0.0))
    return Evidence(figure=figure, baseline=baseline, contributions=kept)


def _rank_key(c: Contribution) -> tuple:
    # Largest movers first; ties broken by date then id so the order never depends on input order.
    return (-abs(c.contribution), c.date or date.min, c.event_id or "", c.label)


def _scale(c: Contribution, factor: float, prefix: str) -> Contribution:
    return Contribution(
        label=f"{prefix}{c.label}",
        contribution=c.contribution * factor,
        event_id=c.event_id,
        event_kind=c.event_kind,
        date=c.date,
        message=c.message,
    )
