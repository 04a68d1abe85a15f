"""Writes on risks, regulatory requirements, local indicators and early warnings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from alliance.core.models import Confidentiality
from alliance.core.services import delete_audited, save_changes, save_new, save_new_many
from alliance.partnerships.models import Agreement, Commitment
from alliance.risks.choices import WarningStatus
from alliance.risks.models import (
    EarlyWarning,
    IndicatorObservation,
    LocalIndicator,
    RegulatoryRequirement,
    Risk,
)


@transaction.atomic
def risk_create(
    *,
    actor: Any,
    agreement: Agreement,
    commitments: Iterable[Commitment] = (),
    restricted_to: Iterable[Any] = (),
    **fields: Any,
) -> Risk:
    """A new risk; a restricted one is always readable by the person who wrote it."""
    users = list(restricted_to)
    if fields.get("confidentiality") == Confidentiality.RESTRICTED and getattr(actor, "pk", None):
        users.append(actor)
    return save_new(
        actor=actor,
        obj=Risk(agreement=agreement, **fields),
        m2m={"commitments": commitments, "restricted_to": users},
    )


@transaction.atomic
def risk_create_many(*, actor: Any, items: Iterable[Mapping[str, Any]]) -> list[Risk]:
    """``risk_create`` for many risks at once (imports)."""
    return _create_many_linked(actor, Risk, items)


def _create_many_linked(actor: Any, model: type, items: Iterable[Mapping[str, Any]]) -> list:
    """New objects with their ``commitments`` links, through ``save_new_many``."""
    objs, links = [], []
    for raw in items:
        fields = dict(raw)
        links.append({"commitments": list(fields.pop("commitments", ()))})
        objs.append(model(**fields))
    return save_new_many(actor=actor, objs=objs, m2m=links)


@transaction.atomic
def regulatory_requirement_create_many(
    *, actor: Any, items: Iterable[Mapping[str, Any]]
) -> list[RegulatoryRequirement]:
    """``regulatory_requirement_create`` for many requirements at once (imports)."""
    return _create_many_linked(actor, RegulatoryRequirement, items)


@transaction.atomic
def local_indicator_create_many(
    *, actor: Any, items: Iterable[Mapping[str, Any]]
) -> list[LocalIndicator]:
    """``local_indicator_create`` for many indicators at once (imports)."""
    return save_new_many(actor=actor, objs=[LocalIndicator(**fields) for fields in items])


@transaction.atomic
def indicator_observe_many(
    *, actor: Any, items: Iterable[Mapping[str, Any]]
) -> list[IndicatorObservation]:
    """``indicator_observe`` for many observations at once (imports)."""
    return save_new_many(actor=actor, objs=[IndicatorObservation(**fields) for fields in items])


@transaction.atomic
def risk_update(*, actor: Any, risk: Risk, **changes: Any) -> Risk:
    m2m = {name: changes.pop(name) for name in ("commitments", "restricted_to") if name in changes}
    return save_changes(actor=actor, obj=risk, changes=changes, m2m=m2m or None)


@transaction.atomic
def regulatory_requirement_create(
    *, actor: Any, agreement: Agreement, commitments: Iterable[Commitment] = (), **fields: Any
) -> RegulatoryRequirement:
    requirement = RegulatoryRequirement(agreement=agreement, **fields)
    return save_new(actor=actor, obj=requirement, m2m={"commitments": commitments})


@transaction.atomic
def regulatory_requirement_update(
    *, actor: Any, regulatory_requirement: RegulatoryRequirement, **changes: Any
) -> RegulatoryRequirement:
    """Change a requirement (its text too: the model's field is ``requirement``, hence the
    longer name of the object changed)."""
    m2m = {"commitments": changes.pop("commitments")} if "commitments" in changes else None
    return save_changes(actor=actor, obj=regulatory_requirement, changes=changes, m2m=m2m)


@transaction.atomic
def local_indicator_create(*, actor: Any, agreement: Agreement, **fields: Any) -> LocalIndicator:
    return save_new(actor=actor, obj=LocalIndicator(agreement=agreement, **fields))


@transaction.atomic
def indicator_observe(
    *, actor: Any, indicator: LocalIndicator, observed_on: date, value: Decimal, source: str = ""
) -> IndicatorObservation:
    """Record the measured value of a local indicator on a date."""
    observation = IndicatorObservation(
        indicator=indicator, observed_on=observed_on, value=value, source=source
    )
    return save_new(actor=actor, obj=observation)


@transaction.atomic
def early_warning_raise(
    *,
    actor: Any,
    agreement: Agreement,
    key: str,
    restricted_to: Iterable[Any] = (),
    **fields: Any,
) -> tuple[EarlyWarning, bool]:
    """Raise a warning once per key: raising it again refreshes its evidence and severity
    instead of duplicating it. Returns the warning and whether it is new."""
    existing = EarlyWarning.objects.filter(agreement=agreement, key=key).first()
    if existing is not None:
        changes = warning_reraise_changes(existing, fields)
        if changes:
            save_changes(actor=actor, obj=existing, changes=changes)
        return existing, False
    warning = EarlyWarning(agreement=agreement, key=key, **fields)
    users = list(restricted_to)
    if fields.get("confidentiality") == Confidentiality.RESTRICTED and getattr(actor, "pk", None):
        users.append(actor)
    return save_new(actor=actor, obj=warning, m2m={"restricted_to": users}), True


REFRESHED_ON_RERAISE = ("title", "explanation", "message", "evidence", "severity")


def warning_reraise_changes(existing: EarlyWarning, fields: Mapping[str, Any]) -> dict[str, Any]:
    """What raising ``existing`` again with ``fields`` changes: its wording, evidence and
    severity where they differ, and a resolved warning reopened."""
    changes = {
        k: v for k, v in fields.items() if k in REFRESHED_ON_RERAISE and getattr(existing, k) != v
    }
    if existing.status == WarningStatus.RESOLVED:
        changes["status"] = WarningStatus.OPEN
    return changes


@transaction.atomic
def early_warning_set_status(*, actor: Any, warning: EarlyWarning, status: str) -> EarlyWarning:
    return save_changes(actor=actor, obj=warning, changes={"status": status})


# ----- corrections and deletions (each audited with the values it removes) -----


@transaction.atomic
def risk_delete(*, actor: Any, risk: Risk) -> None:
    delete_audited(actor=actor, obj=risk)


@transaction.atomic
def regulatory_requirement_delete(*, actor: Any, requirement: RegulatoryRequirement) -> None:
    delete_audited(actor=actor, obj=requirement)


@transaction.atomic
def local_indicator_update(
    *, actor: Any, indicator: LocalIndicator, **changes: Any
) -> LocalIndicator:
    return save_changes(actor=actor, obj=indicator, changes=changes)


@transaction.atomic
def local_indicator_delete(*, actor: Any, indicator: LocalIndicator) -> None:
    delete_audited(actor=actor, obj=indicator)


@transaction.atomic
def indicator_observation_update(
    *, actor: Any, observation: IndicatorObservation, **changes: Any
) -> IndicatorObservation:
    return save_changes(actor=actor, obj=observation, changes=changes)


@transaction.atomic
def indicator_observation_delete(*, actor: Any, observation: IndicatorObservation) -> None:
    delete_audited(actor=actor, obj=observation)


@transaction.atomic
def early_warning_update(*, actor: Any, warning: EarlyWarning, **changes: Any) -> EarlyWarning:
    """Edit a warning raised by a person (what, why, severity, owner, confidentiality)."""
    m2m = {"restricted_to": changes.pop("restricted_to")} if "restricted_to" in changes else None
    return save_changes(actor=actor, obj=warning, changes=changes, m2m=m2m)


@transaction.atomic
def early_warning_delete(*, actor: Any, warning: EarlyWarning) -> None:
    delete_audited(actor=actor, obj=warning)
