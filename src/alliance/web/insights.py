"""Where the cockpit reads the insights engine's results: stored snapshots
(``alliance.analytics``' ``InsightSnapshot``), never a computation per request. The caller
has already checked that the user sees the agreement (snapshots are for every member).

Each kind has one partial, ``web/insights/<kind>.html``, that receives the snapshot's ``data``
(shapes documented on the model). Without a snapshot a panel says "not computed yet": a panel
never shows a made-up figure. Snapshots are computed from shared data only (the analytics
app's discretion rule), so every member of the agreement may read them, evidence included.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from alliance.analytics.selectors import agreements_updating, latest_snapshots_for

# Every insight panel of the cockpit: kind -> title.
PANELS: dict[str, Any] = {
    "maturity": _("Criteria met and missing"),
    "trust": _("Trust index"),
    "warnings": _("Early warnings from the rules"),
    "schedule": _("Schedule forecast"),
    "alignment": _("Alignment of expectations"),
    "network": _("Engagement network"),
}


@dataclass(frozen=True)
class Panel:
    kind: str
    title: str
    snapshot: Any  # the stored snapshot, or None when nothing is computed yet
    template: str
    updating: bool = False  # a recomputation of the agreement is queued or running

    @property
    def computed(self) -> bool:
        return self.snapshot is not None

    @property
    def data(self) -> dict[str, Any]:
        return self.snapshot.data if self.snapshot is not None else {}


def latest_snapshots(agreement: Any, kinds: Iterable[str]) -> dict[str, Any]:
    """The newest snapshot of each kind for ``agreement`` (one query)."""
    kinds = list(kinds)
    if not kinds:
        return {}
    return latest_snapshots_for([agreement], kinds).get(agreement.pk, {})


def panels(agreement: Any, *kinds: str) -> dict[str, Panel]:
    """The panels named ``kinds`` for one agreement, ready for ``{% include panel.template %}``."""
    found = latest_snapshots(agreement, kinds)
    updating = bool(agreements_updating([agreement]))
    return {
        kind: Panel(
            kind=kind,
            title=str(PANELS[kind]),
            snapshot=found.get(kind),
            template=f"web/insights/{kind}.html",
            updating=updating,
        )
        for kind in kinds
    }


@dataclass(frozen=True)
class TrustSummary:
    """The portfolio's trust column: the index, its band and a sparkline of the trend."""

    index: float
    low: float | None
    high: float | None
    as_of: date
    points: tuple[float, ...]
    change: float | None  # since the previous point of the trend

    def sparkline(self, width: int = 80, height: int = 20) -> str:
        """SVG polyline points for the trend, scaled to the box (empty with fewer than two)."""
        if len(self.points) < 2:
            return ""
        lo, hi = min(self.points), max(self.points)
        span = (hi - lo) or 1.0
        step = width / (len(self.points) - 1)
        return " ".join(
            f"{i * step:.1f},{height - (p - lo) / span * height:.1f}"
            for i, p in enumerate(self.points)
        )


def portfolio_trust(agreements: Sequence[Any]) -> dict[int, TrustSummary]:
    """Trust figures of many agreements in one query, reading only the keys the column uses."""
    if not agreements:
        return {}
    keys = ("index", "low", "high", "trend")
    found = latest_snapshots_for(list(agreements), ["trust"], keys=keys)
    summaries = {}
    for pk, kinds in found.items():
        data = kinds.get("trust")
        if not data or data.get("index") is None:
            continue
        points = tuple(p["index"] for p in data.get("trend") or () if p.get("index") is not None)
        summaries[pk] = TrustSummary(
            index=data["index"],
            low=data.get("low"),
            high=data.get("high"),
            as_of=data["as_of"],
            points=points,
            change=round(points[-1] - points[-2], 1) if len(points) > 1 else None,
        )
    return summaries


@dataclass(frozen=True)
class PartyTrust:
    agreement: Any
    trusted_by_others: float | None
    trusts_others: float | None
    as_of: date


def party_trust(agreements: Sequence[Any], party: Any) -> list[PartyTrust]:
    """Trust both ways for one party in each agreement that has a trust snapshot (one query,
    reading only the per-party part of the snapshots)."""
    if not agreements:
        return []
    found = latest_snapshots_for(list(agreements), ["trust"], keys=("parties",))
    rows = []
    for agreement in agreements:
        data = found.get(agreement.pk, {}).get("trust")
        mine = next(
            (p for p in (data or {}).get("parties") or () if p["party"]["uuid"] == str(party.uuid)),
            None,
        )
        if mine is not None:
            rows.append(
                PartyTrust(
                    agreement, mine["trusted_by_others"], mine["trusts_others"], data["as_of"]
                )
            )
    return rows
