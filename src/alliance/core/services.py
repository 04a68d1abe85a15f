"""The shared mechanics of every service: permission, validation, save, audit — in one
transaction, so a refused or invalid write leaves nothing behind."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext as _

from alliance.accounts.choices import AuditAction
from alliance.accounts.models import AuditEvent
from alliance.core.bulk import insert_many, insert_values
from alliance.core.encryption import is_sealed, unseal

# The columns ``_create_event`` fills (``at`` takes its default: now).
EVENT_COLUMNS = (
    "actor_id",
    "agreement_id",
    "object_type",
    "object_id",
    "object_repr",
    "action",
    "before",
    "after",
)


def snapshot(obj: models.Model, *, many_to_many: bool = True) -> dict[str, Any]:
    """The object's field values as JSON-ready text (many-to-many as sorted ids, read from
    the database unless ``many_to_many`` is false). An encrypted field gives its token, never
    its text: the trail stays as unreadable as the table without the keys."""
    data: dict[str, Any] = {}
    for field, name, attname, as_text in _snapshot_plan(type(obj)):
        value = getattr(obj, attname)
        if value is None:
            data[name] = None
        elif as_text is None:
            data[name] = field.value_to_string(obj)
        else:
            data[name] = as_text(value)
    if obj.pk is not None and many_to_many:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(
                str(pk) for pk in getattr(obj, field.name).values_list("pk", flat=True)
            )
    return data


@functools.cache
def _snapshot_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if f.name not in {"id", "translations"})


# Django's own text, integer, boolean and UUID field classes (exactly these: subclasses such
# as the encrypted fields keep their own behaviour): a value's text is ``str(value)`` and its
# ``clean`` depends on the value alone. Each use below adds the classes that hold for it only.
_SCALAR_FIELDS = frozenset(
    {
        models.CharField,
        models.TextField,
        models.SlugField,
        models.EmailField,
        models.URLField,
        models.IntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.BooleanField,
        models.UUIDField,
    }
)
# Whose ``value_to_string`` of a non-empty value is ``str(value)``, or its ``isoformat()``
# for dates and times.
_STR_FIELDS = _SCALAR_FIELDS | {
    models.DecimalField,
    models.FloatField,
    models.ForeignKey,
    models.OneToOneField,
}
_ISO_FIELDS = frozenset({models.DateField, models.DateTimeField, models.TimeField})


@functools.cache
def _snapshot_plan(model: type[models.Model]) -> tuple[tuple[Any, ...], ...]:
    """For each snapshot field: the field, its name, its attribute, and how a non-empty
    value becomes text without the two method calls per value of ``value_to_string``
    (None: call it)."""
    plan = []
    for field in _snapshot_fields(model):
        kind = type(field)
        as_text = str if kind in _STR_FIELDS else _iso if kind in _ISO_FIELDS else None
        plan.append((field, field.name, field.attname, as_text))
    return tuple(plan)


def _iso(value: Any) -> str:
    return value.isoformat()


def audit(
    *,
    actor: Any,
    obj: models.Model,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Write the audit event of one change (only the fields that changed, for updates)."""
    event = audit_event(actor=actor, obj=obj, action=action, before=before, after=after)
    event.save()
    return event


def audit_event(
    *,
    actor: Any,
    obj: models.Model,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """The audit event :func:`audit` writes, not saved yet (for a batch of changes written
    with one ``bulk_create``)."""
    before = dict(before or {})
    after = dict(after if after is not None else snapshot(obj))
    if action in (AuditAction.UPDATE, AuditAction.STATUS):
        changed = {k for k in after if not _same(before.get(k), after.get(k))}
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    return AuditEvent(**_event_values(actor, obj, action, before, after))


def _same(before: Any, after: Any) -> bool:
    """Whether a field kept its value (two encryptions of one text differ: compare texts)."""
    if before == after:
        return True
    if is_sealed(before) or is_sealed(after):
        return unseal(before) == unseal(after)
    return False


def audit_repr(obj: models.Model) -> str:
    """How the trail names ``obj``: its ``audit_repr()`` if it has one (an object whose name
    is confidential text gives it encrypted), else its ``str``."""
    named = getattr(obj, "audit_repr", None)
    return named() if callable(named) else str(obj)[:300]


def _event_values(
    actor: Any, obj: models.Model, action: str, before: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any]:
    """An audit event's columns (``EVENT_COLUMNS``): who, which object, what changed."""
    from alliance.accounts.policy import agreement_of

    return {
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "agreement_id": agreement_of(obj),
        "object_type": obj._meta.label_lower,
        "object_id": str(getattr(obj, "uuid", obj.pk)),
        "object_repr": audit_repr(obj),
        "action": action,
        "before": before,
        "after": after,
    }


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


def save_new_many[M: models.Model](
    *,
    actor: Any,
    objs: list[M],
    m2m: list[Mapping[str, Iterable[Any]]] | None = None,
    check: bool = True,
) -> list[M]:
    """Validate, insert and audit many new objects of one model, all or none.

    The same rows and audit events as ``save_new`` called once per object, in a handful
    of queries instead of ~25 per object: the permission is checked once per distinct
    ``policy.permission_key`` (agreement, party …), each object is validated in Python
    (``full_clean`` without the per-object unique and constraint queries), repeated values
    of unique fields within the batch are refused, and the objects (``insert_many``),
    their many-to-many links and audit events (``insert_values``) go in a few statements.
    Uniqueness against existing rows, multi-column and check constraints are left to the
    database: a violation raises ``IntegrityError`` and, since this runs in its own
    savepoint, writes nothing —
    callers that must say *which* object failed retry one by one with ``save_new``.
    ``m2m`` is one mapping per object (same order as ``objs``).
    """
    from alliance.accounts.policy import permission_key

    if not objs:
        return objs
    model = type(objs[0])
    links = m2m or [{} for _obj in objs]
    if check:
        allowed: dict[Any, None] = {}
        for obj in objs:
            key = permission_key(obj)
            if key not in allowed:
                require_change(actor, obj)
                allowed[key] = None
    _clean_many(objs)
    _check_unique_fields(model, objs)
    with transaction.atomic():
        insert_many(objs)
        for name in {name for mapping in links for name in mapping}:
            field = model._meta.get_field(name)
            through = getattr(model, name).through
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            insert_values(
                through,
                (f"{source}_id", f"{target}_id"),
                (
                    (obj.pk, value.pk)
                    for obj, mapping in zip(objs, links, strict=True)
                    for value in mapping.get(name, ())
                ),
            )
        insert_values(
            AuditEvent,
            EVENT_COLUMNS,
            (_create_event(actor, obj, mapping) for obj, mapping in zip(objs, links, strict=True)),
        )
    return objs


# Django's own field classes whose ``clean`` depends on the value alone (not on the object or
# the database) and gives an equal value back: within a batch, a value already found valid
# is not validated again.
# Subclasses (the project's encrypted fields, say) and relations are always validated; not
# decimals, floats or datetimes: equal values may still differ (1.0 and 1.00, -0.0 and 0.0,
# one instant in two time zones), and each keeps its own.
_PURE_FIELDS = _SCALAR_FIELDS | {models.DateField}
_UNSEEN = object()


def _clean_many(objs: list[models.Model]) -> None:
    """``full_clean(exclude=loaded relations, validate_unique=False,
    validate_constraints=False)`` of each object, with each plain field's ``clean`` of a
    given value done once per batch (a sheet of 100,000 parties of five kinds and one
    country validated the same few values 100,000 times). Every value is still validated
    and every object's own ``clean()`` runs; an object with any invalid value goes through
    the real ``full_clean``, so its errors are exactly the ones it always gave."""
    if not objs:
        return
    fields = [f for f in objs[0]._meta.fields if not f.generated]
    seen: dict[tuple[Any, ...], Any] = {}
    for obj in objs:
        exclude = set(_loaded_relations(obj))
        try:
            for field in fields:
                if field.name in exclude:
                    continue
                raw = getattr(obj, field.attname)
                if (field.blank and raw in field.empty_values) or isinstance(raw, DatabaseDefault):
                    continue
                if type(field) not in _PURE_FIELDS:
                    setattr(obj, field.attname, field.clean(raw, obj))
                    continue
                try:
                    key = (field, type(raw), raw)
                    cleaned = seen.get(key, _UNSEEN)
                except TypeError:  # an unhashable value (a list, a dict)
                    setattr(obj, field.attname, field.clean(raw, obj))
                    continue
                if cleaned is _UNSEEN:
                    cleaned = seen[key] = field.clean(raw, obj)
                setattr(obj, field.attname, cleaned)
            obj.clean()
        except ValidationError:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
            raise


def _loaded_relations(obj: models.Model) -> list[str]:
    """Foreign keys set to an object read from the database, whose validation would only
    query again that the object exists (one query per key per object); the database's own
    foreign key constraint still refuses a dangling one (deferred to the commit, so an
    object deleted by someone else mid-import fails the whole import as a database error
    rather than a row error). Keys with ``limit_choices_to`` are still validated."""
    return [
        field.name
        for field in obj._meta.concrete_fields
        if field.many_to_one
        and not field.get_limit_choices_to()
        and getattr(field.get_cached_value(obj, None), "pk", None) is not None
    ]


def _check_unique_fields(model: type[models.Model], objs: list[Any]) -> None:
    """Refuse a batch that repeats a value of a single-column unique field, with the
    message ``full_clean`` would give. A value already in the table is left to the
    database's unique constraint (an ``IntegrityError`` in the batch's savepoint): asking
    first cost one query per field and batch, and importers redo a refused batch one by
    one anyway, where ``full_clean`` names the row."""
    for field in model._meta.concrete_fields:
        if not field.unique or field.primary_key:
            continue
        seen: set[Any] = set()
        for obj in objs:
            value = field.value_from_object(obj)
            if value in (None, ""):
                continue
            if value in seen:
                raise ValidationError({field.name: obj.unique_error_message(model, (field.name,))})
            seen.add(value)


def _create_event(
    actor: Any, obj: models.Model, m2m: Mapping[str, Iterable[Any]]
) -> tuple[Any, ...]:
    """The values (``EVENT_COLUMNS``) of the audit event ``audit(action=CREATE)`` writes,
    without its per-object queries (the many-to-many values are the ones just linked, not
    read back)."""
    after = snapshot(obj, many_to_many=False)
    for field in obj._meta.many_to_many:
        after[field.name] = sorted(str(value.pk) for value in m2m.get(field.name, ()))
    values = _event_values(actor, obj, AuditAction.CREATE, {}, after)
    return tuple(values[column] for column in EVENT_COLUMNS)


def _apply_changes(
    actor: Any,
    obj: models.Model,
    changes: Mapping[str, Any],
    *,
    partial: bool,
    checked: bool = False,
    constraints: bool = True,
) -> dict[str, Any]:
    """Check that ``actor`` may change ``obj`` (unless ``checked`` already), set ``changes``
    on it and validate it (only the changed fields when ``partial``: the others were
    validated when written, and many-to-many links are then left out of the audit; without
    ``constraints``, check constraints are left to the database). Returns the snapshot
    before."""
    if not checked:
        require_change(actor, obj)
    before = snapshot(obj, many_to_many=not partial)
    concrete = {f.name for f in obj._meta.concrete_fields}
    for name, value in changes.items():
        if name not in concrete:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
        setattr(obj, name, value)
    if partial:
        obj.full_clean(
            exclude=[f.name for f in obj._meta.fields if f.name not in changes],
            validate_constraints=constraints,
        )
    else:
        obj.full_clean()
    return before


def save_changes[M: models.Model](
    *,
    actor: Any,
    obj: M,
    changes: Mapping[str, Any],
    m2m: Mapping[str, Iterable[Any]] | None = None,
    action: str = AuditAction.UPDATE,
) -> M:
    """Apply ``changes`` to a saved object, validate, save and audit the difference."""
    before = _apply_changes(actor, obj, changes, partial=False)
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    audit(actor=actor, obj=obj, action=action, before=before)
    return obj


def save_changes_batched(
    *, actor: Any, obj: models.Model, changes: Mapping[str, Any]
) -> AuditEvent | None:
    """:func:`save_changes` for one of many objects written together: only the ``changes``
    are validated (the other fields were when they were written) and only their columns
    saved; many-to-many links are left alone. Returns the audit event, not yet saved, for a
    ``bulk_create`` of the batch's events (None when nothing changed)."""
    if not changes:
        return None
    before = _apply_changes(actor, obj, changes, partial=True)
    obj.save(update_fields=list(changes))
    after = snapshot(obj, many_to_many=False)
    return audit_event(actor=actor, obj=obj, action=AuditAction.UPDATE, before=before, after=after)


def save_changes_bulk(
    *,
    actor: Any,
    changes: Iterable[tuple[models.Model, Mapping[str, Any]]],
    constraints: bool = True,
) -> list[AuditEvent]:
    """:func:`save_changes_batched` for many objects at once: all are checked against the
    access policy together (``policy.can_change_all``: the roles read once) and each one's
    changes validated as there, then the rows are written with one ``bulk_update`` per
    model and set of changed columns (only those columns). Without ``constraints``, check
    constraints are left to the database (a violation raises ``IntegrityError``; callers
    that must say which object failed redo the changes one by one). Returns the audit
    events, not yet saved (call inside ``transaction.atomic``)."""
    from alliance.accounts.policy import can_change_all

    changes = [(obj, fields) for obj, fields in changes if fields]
    if not can_change_all(actor, [obj for obj, _fields in changes]):
        raise PermissionDenied(_("You may not change this item."))
    pending = []
    for obj, fields in changes:
        before = _apply_changes(
            actor, obj, fields, partial=True, checked=True, constraints=constraints
        )
        pending.append((obj, before, tuple(sorted(fields))))
    groups: dict[tuple[type[models.Model], tuple[str, ...]], list[models.Model]] = {}
    for obj, _before, names in pending:
        groups.setdefault((type(obj), names), []).append(obj)
    for (model, names), objs in groups.items():
        model._default_manager.bulk_update(objs, list(names), batch_size=500)
    return [
        audit_event(
            actor=actor,
            obj=obj,
            action=AuditAction.UPDATE,
            before=before,
            after=snapshot(obj, many_to_many=False),
        )
        for obj, before, _names in pending
    ]


@dataclass
class DeletionPlan:
    """What deleting ``obj`` would do, read before doing it: every row the delete removes
    (``obj`` and each row it cascades to, many-to-many links included), every row whose
    reference to one of them is emptied, and how many of all those the actor may not see or
    change (``hidden``). With ``archive`` the object itself stays: it belongs to agreements
    the actor does not run, and is only taken out of ``detach_from`` (what ``rows`` and
    ``links`` then list is what leaves with it)."""

    obj: models.Model
    rows: dict[type[models.Model], list[models.Model]] = dataclasses.field(default_factory=dict)
    links: list[tuple[models.Model, str, models.Model]] = dataclasses.field(default_factory=list)
    updates: list[tuple[models.Model, str]] = dataclasses.field(default_factory=list)
    hidden: int = 0
    shown: dict[Any, int] = dataclasses.field(default_factory=dict)
    archive: bool = False
    detach_from: list[Any] = dataclasses.field(default_factory=list)

    def counts(self) -> list[tuple[str, int]]:
        """What will go or change, per kind, counting only what the actor may see (for the
        confirmation page; ``shown`` is filled by ``plan_deletion``)."""
        shown = self.shown or {model._meta: len(rows) for model, rows in self.rows.items() if rows}
        result = [
            (str(meta.verbose_name if n == 1 else meta.verbose_name_plural), n)
            for meta, n in shown.items()
            if meta.model in self.rows
        ]
        if self.links:
            result.append((str(_("links to other items")), len(self.links)))
        return sorted(result)


def plan_deletion(actor: Any, obj: models.Model) -> DeletionPlan:
    """Every row deleting ``obj`` would remove or change, from Django's own collector (the
    same cascade ``obj.delete()`` runs). Raises ``ProtectedError`` as the delete would."""
    from alliance.accounts.policy import agreement_of, deletable_rows

    collector = Collector(using=router.db_for_write(type(obj)), origin=obj)
    collector.collect([obj])
    plan = DeletionPlan(obj=obj)
    found: dict[type[models.Model], list[models.Model]] = {}
    for model, instances in collector.data.items():
        found.setdefault(model, []).extend(instances)
    for queryset in collector.fast_deletes:
        found.setdefault(queryset.model, []).extend(queryset)
    links: dict[type[models.Model], tuple[str, str]] = {}
    for model, rows in found.items():
        owner = _link_owner(model, obj)
        if owner == _OWN_LINKS:
            continue  # the deleted object's own many-to-many values: its snapshot lists them
        if owner is not None:
            links[model] = owner
        else:
            plan.rows[model] = rows
    going = {(type(row), row.pk) for rows in plan.rows.values() for row in rows}
    for model, (name, source) in links.items():
        for row in found[model]:
            kept = getattr(row, source)  # a link of a row that stays loses a value
            if (type(kept), kept.pk) not in going:
                plan.links.append((kept, name, row))
    for (fk, _value), batches in collector.field_updates.items():
        for batch in batches:
            plan.updates.extend((row, fk.name) for row in batch if (type(row), row.pk) not in going)
    checked: dict[type[models.Model], list[models.Model]] = {}
    for row in [r for rows in plan.rows.values() for r in rows] + [
        *(kept for kept, _name, _row in plan.links),
        *(row for row, _field in plan.updates),
    ]:
        checked.setdefault(type(row), []).append(row)
    whole = obj.pk if obj._meta.label_lower == "partnerships.agreement" else None
    for model, rows in checked.items():
        allowed = {id(row) for row in deletable_rows(actor, model, rows)}
        for row in rows:
            if id(row) in allowed:
                plan.shown[model._meta] = plan.shown.get(model._meta, 0) + 1
            elif whole is None or agreement_of(row) != whole:
                # Deleting an agreement (its owner's decision) takes all of it, restricted
                # items included; anything else may take only what the actor may see.
                plan.hidden += 1
    return plan


_OWN_LINKS = ("", "")


def _link_owner(through: type[models.Model], deleted: models.Model) -> tuple[str, str] | None:
    """For an automatic many-to-many table: the field's name and the through column pointing
    at the row that declares it, when that row stays (``_OWN_LINKS`` when it is the deleted
    object itself; None for an ordinary table)."""
    if not through._meta.auto_created:
        return None
    for model in apps.get_models():
        for m2m in model._meta.many_to_many:
            if m2m.remote_field.through is through:
                if isinstance(deleted, model):
                    return _OWN_LINKS
                return m2m.name, m2m.m2m_field_name()
    return None


def delete_audited(*, actor: Any, obj: models.Model) -> None:
    """Delete an object and everything its deletion cascades to, each through the policy:
    refused if any of those rows is one the actor may not see or change; otherwise every
    removed row, emptied reference and removed link is written to the trail, then deleted."""
    require_change(actor, obj)
    plan = plan_deletion(actor, obj)
    if plan.hidden:
        raise PermissionDenied(
            _("“%(obj)s” cannot be deleted: items you may not see or change depend on it.")
            % {"obj": obj}
        )
    audit_deletion(actor, plan)
    obj.delete()


def audit_deletion(actor: Any, plan: DeletionPlan) -> None:
    """One audit event per row the plan removes or changes (in one insert)."""
    events = []
    for rows in plan.rows.values():
        for row in rows:
            values = _event_values(actor, row, AuditAction.DELETE, snapshot(row), {})
            events.append(tuple(values[c] for c in EVENT_COLUMNS))
    for row, name in plan.updates:
        before = {name: snapshot(row, many_to_many=False).get(name)}
        values = _event_values(actor, row, AuditAction.UPDATE, before, {name: None})
        events.append(tuple(values[c] for c in EVENT_COLUMNS))
    for owner, name, _link in plan.links:
        gone = str(getattr(plan.obj, "uuid", plan.obj.pk))
        values = _event_values(actor, owner, AuditAction.UPDATE, {name: [gone]}, {name: []})
        events.append(tuple(values[c] for c in EVENT_COLUMNS))
    insert_values(AuditEvent, EVENT_COLUMNS, events)
