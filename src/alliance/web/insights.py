"""Where the cockpit reads the insights engine's results: stored snapshots, never a
computation per request.

The lead adds a model shaped like ``InsightSnapshot(agreement, kind, as_of, data JSON)``; until
it exists every panel says "not computed yet" (a panel never shows a made-up figure). The
lookup is by model name so that this module does not depend on which app ends up owning it.

Each kind has one partial, ``web/insights/<kind>.html``, that receives ``snapshot`` (or None)
and renders ``snapshot.data`` — the JSON the engine stored (figures with their evidence as
``alliance.insights.evidence.Evidence.as_dict`` gives it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

# Every insight panel of the cockpit: kind -> title. Order is display order.
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

    @property
    def computed(self) -> bool:
        return self.snapshot is not None


def snapshot_model() -> type[Model] | None:
    """The snapshot model once it exists, else None (no query is made then)."""
    for model in apps.get_models():
        if model.__name__ == "InsightSnapshot":
            return model
    return None


def latest_snapshots(agreement: Any, kinds: Iterable[str]) -> dict[str, Any]:
    """The newest snapshot of each kind for ``agreement`` (one query, none without a model)."""
    model = snapshot_model()
    kinds = list(kinds)
    if model is None or not kinds:
        return {}
    latest: dict[str, Any] = {}
    rows = model._default_manager.filter(agreement=agreement, kind__in=kinds).order_by("-as_of")
    for row in rows.only("kind", "as_of", "data"):
        latest.setdefault(row.kind, row)
        if len(latest) == len(kinds):
            break
    return latest


def panels(agreement: Any, *kinds: str) -> dict[str, Panel]:
    """The panels named ``kinds`` for one agreement, ready for ``{% include panel.template %}``."""
    found = latest_snapshots(agreement, kinds)
    return {
        kind: Panel(
            kind=kind,
            title=str(PANELS[kind]),
            snapshot=found.get(kind),
            template=f"web/insights/{kind}.html",
        )
        for kind in kinds
    }
