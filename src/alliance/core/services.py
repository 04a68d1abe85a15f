"""The shared mechanics of every service: permission, validation, save, audit — in one
transaction, so a refused or invalid write leaves nothing behind."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from alliance.accounts.choices import AuditAction
from alliance.accounts.models import AuditEvent


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's field values as JSON-ready text (many-to-many as sorted ids)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"id", "translations"}:
            continue
        value = field.value_from_object(obj)
        data[field.name] = None if value is None else field.value_to_string(obj)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(
                str(pk) for pk in getattr(obj, field.name).values_list("pk", flat=True)
            )
    return data


def audit(
    *,
    actor: Any,
    obj: models.Model,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Write the audit event of one change (only the fields that changed, for updates)."""
    from alliance.accounts.policy import agreement_of

    before = dict(before or {})
    after = dict(after if after is not None else snapshot(obj))
    if action in (AuditAction.UPDATE, AuditAction.STATUS):
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        agreement_id=agreement_of(obj),
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "uuid", obj.pk)),
        object_repr=str(obj)[:300],
        action=action,
        before=before,
        after=after,
    )


def require_change(actor: Any, obj: models.Model) -> None:
    """Refuse the write unless the access policy lets ``actor`` change ``obj``."""
    from alliance.accounts.policy import can_change

    if not can_change(actor, obj):
        raise PermissionDenied(_("You may not change this item."))


def save_new[M: models.Model](
    *, actor: Any, obj: M, m2m: Mapping[str, Iterable[Any]] | None = None, check: bool = True
) -> M:
    """Validate, save and audit a new object (call inside ``transaction.atomic``)."""
    if check:
        require_change(actor, obj)
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit(actor=actor, obj=obj, action=AuditAction.CREATE)
    return obj


def save_changes[M: models.Model](
    *,
    actor: Any,
    obj: M,
    changes: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    action: str = AuditAction.UPDATE,
) -> M:
    """Apply ``changes`` to a saved object, validate, save and audit the difference."""
    require_change(actor, obj)
    before = snapshot(obj)
    for name, value in changes.items():
        if name not in {f.name for f in obj._meta.concrete_fields}:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit(actor=actor, obj=obj, action=action, before=before)
    return obj


def delete_audited(*, actor: Any, obj: models.Model) -> None:
    """Delete an object and keep its last values in the trail."""
    require_change(actor, obj)
    before = snapshot(obj)
    audit(actor=actor, obj=obj, action=AuditAction.DELETE, before=before, after={})
    obj.delete()
