"""One spreadsheet row in: read its cells, resolve its references, find the object it
describes (by id or natural key), then create or update it through the domain services."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.core.bulk import chunked
from alliance.core.models import Confidentiality
from alliance.core.search import is_encrypted
from alliance.core.services import save_changes
from alliance.engagement import models as em
from alliance.interchange import values
from alliance.interchange.entities import Column, EntitySpec
from alliance.interchange.errors import RowError, messages_of
from alliance.interchange.report import ImportContext
from alliance.partnerships import models as pm
from alliance.partnerships import services as ps
from alliance.partnerships.choices import CommitmentStatus
from alliance.risks import models as rm

TARGETS: dict[str, type[models.Model]] = {
    "party": pm.Party,
    "person": pm.Person,
    "agreement": pm.Agreement,
    "milestone": pm.Milestone,
    "commitment": pm.Commitment,
    "topic": em.Topic,
    "pulse": em.TrustPulse,
    "indicator": rm.LocalIndicator,
}
# Within an agreement, the fields a reference may name (besides the UUID).
NAMED_BY: dict[str, tuple[str, ...]] = {
    "party": ("name", "short_name"),
    "person": ("name",),
    "agreement": ("reference", "title"),
    "milestone": ("title",),
    "commitment": ("clause", "title"),
    "topic": ("name",),
    "pulse": ("title",),
    "indicator": ("name",),
}
LIST_SEPARATOR = ";"


def created_ids(ctx: ImportContext, model: type[models.Model]) -> set[int]:
    """Objects this import created that the policy may hide from the importer (see
    ``note_created``): later rows may still name them."""
    return ctx.cache.setdefault(("created", model), set())


def note_created(ctx: ImportContext, objs: Iterable[models.Model]) -> None:
    """Remember the created objects the importer might not see through the policy: only
    internal or restricted ones (a restricted item need not name its author). Everything
    else an importer creates, it sees (it had to take part to create it), so it stays out
    of the set, which keeps every lookup of a large import small."""
    for obj in objs:
        level = getattr(obj, "confidentiality", Confidentiality.SHARED)
        if level != Confidentiality.SHARED:
            created_ids(ctx, type(obj)).add(obj.pk)


def reachable(ctx: ImportContext, model: type[models.Model]) -> models.QuerySet:
    """What a row may refer to: what the actor may see, plus what this import created.
    Parties are shared and their names unique, so any party may be named."""
    if model is pm.Party:
        return pm.Party.objects.all()
    visible = policy.visible_to(ctx.actor, model)
    made = created_ids(ctx, model)
    if not made:
        return visible
    return model._default_manager.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=made))


def resolve(ctx: ImportContext, target: str, text: str, agreement: Any) -> Any:
    """The object a cell names (by UUID or natural name), or ``RowError``."""
    if target == "user":
        user = get_user_model().objects.filter(username=text).first()
        if user is None:
            raise RowError(_("No user named “%(name)s”.") % {"name": text})
        return user
    cache_key = ("ref", target, getattr(agreement, "pk", None), text)
    if cache_key in ctx.cache:
        return ctx.cache[cache_key]
    model = TARGETS[target]
    qs = reachable(ctx, model)
    if agreement is not None and target not in {"party", "person", "agreement"}:
        qs = qs.filter(agreement=agreement)
    found = _lookup(qs, target, text)
    ctx.cache[cache_key] = found
    return found


def _lookup(qs: models.QuerySet, target: str, text: str) -> Any:
    try:
        return qs.get(uuid=uuid.UUID(text))
    except (ValueError, qs.model.DoesNotExist):
        pass
    for name_field in NAMED_BY[target]:
        matches = list(qs.filter(**{name_field: text})[:2])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise RowError(
                _("“%(text)s” names more than one %(what)s: use its id.")
                % {"text": text, "what": qs.model._meta.verbose_name}
            )
    raise RowError(
        _("Unknown %(what)s “%(text)s”.") % {"what": qs.model._meta.verbose_name, "text": text}
    )


def parse_cell(ctx: ImportContext, column: Column, raw: Any, agreement: Any) -> Any:
    """The typed value of one cell (``None`` when empty)."""
    text = values.clean_text(raw) if not hasattr(raw, "year") else raw
    if text in ("", None):
        return [] if column.kind in {"refs", "list"} else None
    try:
        value = _typed(ctx, column, text, agreement)
    except ValueError as exc:
        raise RowError(str(exc), column.name, raw) from exc
    except RowError as exc:
        raise RowError(exc.reason, column.name, raw) from exc
    if column.past and value is not None and _day(value) > ctx.today:
        raise RowError(_("This date cannot be in the future."), column.name, raw)
    return value


def _day(value: Any) -> Any:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _typed(ctx: ImportContext, column: Column, text: Any, agreement: Any) -> Any:
    kind = column.kind
    if kind == "uuid":
        try:
            return uuid.UUID(str(text))
        except ValueError as exc:
            raise ValueError(_("“%(v)s” is not an id (UUID).") % {"v": text}) from exc
    if kind == "date":
        return values.parse_date(text)
    if kind == "datetime":
        return values.parse_datetime(text)
    if kind == "decimal":
        return values.parse_decimal(text)
    if kind == "int":
        return values.parse_int(text)
    if kind == "country":
        code = values.country_code(text)
        if code is None:
            raise ValueError(_("“%(v)s” is not a country (use its ISO code).") % {"v": text})
        return code
    if kind == "list":
        return [_country_or_fail(part) for part in _split(str(text))]
    if kind == "ref":
        return resolve(ctx, column.target, str(text), agreement)
    if kind == "refs":
        return [resolve(ctx, column.target, part, agreement) for part in _split(str(text))]
    return str(text)


def _country_or_fail(text: str) -> str:
    code = values.country_code(text)
    if code is None:
        raise ValueError(_("“%(v)s” is not a country (use its ISO code).") % {"v": text})
    return code


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]


def parse_choice(model: type[models.Model], column: Column, value: Any) -> Any:
    """A choice by its code or its label (English or the current language)."""
    table = _choice_table(model, column.name, translation.get_language())
    code = table.get(values._fold(str(value)), _NO_CHOICE)
    if code is not _NO_CHOICE:
        return code
    field = model._meta.get_field(column.name)
    labels = ", ".join(f"{label} ({code})" for code, label in field.choices or ())
    raise RowError(
        _("“%(v)s” is not one of: %(codes)s.") % {"v": value, "codes": labels}, column.name, value
    )


# Words people write for a status, in English, French and German, beside the labels.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "delivered": ("livre", "livree", "fait", "termine", "terminee", "acheve", "done",
                  "completed", "complete", "finished", "met", "erledigt", "geliefert",
                  "abgeschlossen", "erfullt", "fertig"),
    "in_progress": ("en cours", "commence", "ongoing", "started", "underway", "in bearbeitung",
                    "laufend", "begonnen", "in arbeit"),
    "planned": ("prevu", "a venir", "planifie", "scheduled", "not started", "todo", "to do",
                "geplant", "offen", "vorgesehen"),
    "late": ("en retard", "retard", "overdue", "delayed", "verspatet", "uberfallig",
             "verzogert"),
    "waived": ("abandonne", "renonce", "annule", "cancelled", "canceled", "dropped",
               "verzichtet", "erlassen", "aufgehoben"),
    "disputed": ("conteste", "litigieux", "en litige", "contested", "umstritten", "strittig"),
}  # fmt: skip


_NO_CHOICE = object()


@functools.lru_cache(maxsize=256)
def _choice_table(model: type[models.Model], name: str, language: str | None) -> dict[str, Any]:
    """Folded code and labels → code, per language: built once, not once per cell (folding
    and translating every label of every cell was most of a large sheet's import time).
    The first choice that matches wins, as when the labels were compared in order."""
    table: dict[str, Any] = {}
    choices = model._meta.get_field(name).choices or ()
    for code, label in choices:
        texts = [str(code), str(code).replace("_", " "), str(label)]
        for other in ("en", "fr", "de"):  # whatever the interface's language
            with translation.override(other):
                texts.append(str(label))
        for text in texts:
            table.setdefault(values._fold(text), code)
    for code, _label in choices:
        for text in SYNONYMS.get(str(code), ()):
            table.setdefault(text, code)
    return table


def read_row(ctx: ImportContext, spec: EntitySpec, cells: dict[str, Any]) -> dict[str, Any]:
    """Typed values of the row's known columns, the agreement first (others depend on it)."""
    data: dict[str, Any] = {}
    agreement = ctx.agreement
    if spec.scoped and values.clean_text(cells.get("agreement")):
        agreement = parse_cell(ctx, spec.column("agreement"), cells["agreement"], None)
    if spec.scoped:
        if agreement is None:
            raise RowError(_("Name the agreement (column agreement, or choose one)."), "agreement")
        data["agreement"] = agreement
    for column in spec.columns:
        if column.name == "agreement" or column.name not in cells:
            continue
        value = parse_cell(ctx, column, cells[column.name], agreement)
        if column.kind == "choice" and value is not None:
            value = parse_choice(spec.model, column, value)
        if column.kind == "int" and column.name in {"priority", "tone"} and value is not None:
            value = parse_choice(spec.model, column, value)
        data[column.name] = value
    missing = [name for name in spec.required if data.get(name) in (None, [], "")]
    if missing:
        raise RowError(_("This value is required."), missing[0])
    return data


def find_existing(ctx: ImportContext, spec: EntitySpec, data: dict[str, Any]) -> Any:
    """The object the row describes: by its id, else by its natural key."""
    qs = reachable(ctx, spec.model)
    if data.get("id"):
        found = qs.filter(uuid=data["id"]).first()
        if found is not None:
            return found
        if spec.model._default_manager.filter(uuid=data["id"]).exists():
            raise RowError(_("This id belongs to something you may not change."), "id")
        return None
    for key in spec.keys:
        if all(data.get(name) not in (None, "") or name == "clause" for name in key):
            lookup = {name: data.get(name) or "" for name in key}
            lookup = {k: (None if v == "" and k != "clause" else v) for k, v in lookup.items()}
            # An encrypted key (an interaction's summary) is compared once decrypted.
            sealed = {k: lookup.pop(k) for k in list(lookup) if is_encrypted(spec.model, k)}
            matches = [
                obj
                for obj in qs.filter(**lookup)
                if all(getattr(obj, k) == v for k, v in sealed.items())
            ][:2]
            if len(matches) > 1:
                raise RowError(_("Several existing items match this row: give its id."), key[0])
            return matches[0] if matches else None
    return None


NEW, UNCHANGED = "new", "unchanged"


def plan_batch(
    ctx: ImportContext, spec: EntitySpec, rows: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any] | None]]:
    """``find_existing`` and ``apply_row``'s decision for a whole batch of read rows, from a
    few bulk reads: ``(NEW, create arguments)`` for a row that describes a new object,
    ``(UNCHANGED, None)`` for one that names exactly one existing object it would not
    change (compared with the same ``_changes``), ``(None, None)`` for the others — an
    update, an ambiguous match, a refusal, the same object twice — which go through
    ``apply_row`` one by one. Objects are found by id, else by the first complete natural
    key; only what the importer may reach is matched, but an id anyone holds is taken."""
    by_id = [data["id"] for data in rows if data.get("id")]
    taken_ids = {
        uuid
        for chunk in chunked(by_id)
        for uuid in spec.model._default_manager.filter(uuid__in=chunk).values_list(
            "uuid", flat=True
        )
    }
    keys = [None if data.get("id") else _natural_key(spec, data) for data in rows]
    matches = _matches(ctx, spec, rows, keys)
    out: list[tuple[str, dict[str, Any] | None]] = []
    in_batch: set[Any] = set()
    for data, key, found in zip(rows, keys, matches, strict=True):
        ident = data.get("id")
        if ident in taken_ids or found:
            same = len(found) == 1 and _changes(spec, found[0], data) == ({}, {})
            out.append((UNCHANGED, None) if same else (None, None))
            continue
        if (key or ident) in in_batch:
            out.append((None, None))  # the same object twice: row by row, after the batch
            continue
        if key is not None or ident:
            in_batch.add(key or ident)
        item = {k: v for k, v in data.items() if v is not None and v != []}
        if "id" in item:
            item["uuid"] = item.pop("id")
        if not spec.takes_identity and ("uuid" in item or "created_at" in item):
            out.append((None, None))
            continue
        if spec.model is pm.Commitment:  # the defaults ``_create`` gives one row
            identity = {"created_at": item["created_at"]} if "created_at" in item else {}
            item = _commitment_defaults(ctx, item, identity) | identity
        out.append((NEW, item))
    return out


def _matches(
    ctx: ImportContext,
    spec: EntitySpec,
    rows: list[dict[str, Any]],
    keys: list[tuple[Any, ...] | None],
) -> list[list[Any]]:
    """For each row, the reachable objects it names (by id, else by its natural key),
    with their references and links, read in chunks: every key column is filtered, the one
    with the most values in chunks, so the reads do not grow with what already exists."""
    model = spec.model
    related = [
        c.name
        for c in spec.columns
        if c.kind == "ref" and c.name != "agreement" and model._meta.get_field(c.name).many_to_one
    ]
    qs = reachable(ctx, model).prefetch_related(*spec.m2m)
    if related:
        qs = qs.select_related(*related)
    by_id: dict[str, Any] = {}
    for chunk in chunked({str(data["id"]) for data in rows if data.get("id")}):
        by_id.update((str(obj.uuid), obj) for obj in qs.filter(uuid__in=chunk))
    wanted: dict[tuple[str, ...], set[tuple[Any, ...]]] = {}
    for key in keys:
        if key is not None:
            wanted.setdefault(key[1], set()).add(key[2])
    by_key: dict[tuple[Any, ...], list[Any]] = {}
    for key_fields, asked in wanted.items():
        attnames = [model._meta.get_field(name).attname for name in key_fields]
        columns = [{value[i] for value in asked} for i in range(len(attnames))]
        # Encrypted key columns are not filtered by the database, only compared below.
        usable = [i for i, name in enumerate(key_fields) if not is_encrypted(model, name)]
        widest = max(usable, key=lambda i: len(columns[i]))
        fixed = {f"{attnames[i]}__in": list(columns[i]) for i in usable if i != widest}
        for chunk in chunked(columns[widest]):
            for obj in qs.filter(**fixed, **{f"{attnames[widest]}__in": chunk}):
                found = tuple(getattr(obj, a) for a in attnames)
                if found in asked:
                    by_key.setdefault((key_fields, found), []).append(obj)
    return [
        ([by_id[str(data["id"])]] if str(data["id"]) in by_id else [])
        if data.get("id")
        else by_key.get((key[1], key[2]), [])
        if key is not None
        else []
        for data, key in zip(rows, keys, strict=True)
    ]


def _natural_key(spec: EntitySpec, data: dict[str, Any]) -> tuple[Any, ...] | None:
    """``(first column, key columns, values)`` of the first complete natural key."""
    for key in spec.keys:
        # A blank clause is a value (""), as ``find_existing`` matches it.
        if all(data.get(name) not in (None, "") or name == "clause" for name in key):
            values = tuple(
                "" if data.get(name) in (None, "") else _key_value(data[name]) for name in key
            )
            return (key[0], key, values)
    return None


def _key_value(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def apply_row(ctx: ImportContext, spec: EntitySpec, cells: dict[str, Any]) -> str:
    """Create or update the row's object; returns ``created``, ``updated`` or ``unchanged``."""
    data = read_row(ctx, spec, cells)
    existing = find_existing(ctx, spec, data)
    if existing is None:
        obj = _create(ctx, spec, data)
        note_created(ctx, [obj])
        return "created"
    return "updated" if _update(ctx, spec, existing, data) else "unchanged"


def _create(ctx: ImportContext, spec: EntitySpec, data: dict[str, Any]) -> Any:
    data = {k: v for k, v in data.items() if v is not None and v != []}
    identity = {"uuid": data.pop("id", None), "created_at": data.pop("created_at", None)}
    identity = {k: v for k, v in identity.items() if v is not None}
    if spec.model is pm.Commitment:
        data = _commitment_defaults(ctx, data, identity)
    if spec.takes_identity:
        return spec.create(actor=ctx.actor, **data, **identity)
    obj = spec.create(actor=ctx.actor, **data)
    if identity:
        save_changes(actor=ctx.actor, obj=obj, changes=identity)
    return obj


def _commitment_defaults(
    ctx: ImportContext, data: dict[str, Any], identity: dict[str, Any]
) -> dict[str, Any]:
    """Durations default to the working days left until the due date (½×, 1×, 2×), as
    follow-ups of meetings do; a delivered commitment is recorded no later than delivered."""
    durations = ("duration_optimistic", "duration_likely", "duration_pessimistic")
    if not any(name in data for name in durations):
        start = data.get("start_on") or data["agreement"].signed_on
        days = max((data["due_on"] - start).days * 5 // 7, 1)
        data.update(zip(durations, (max(days // 2, 1), days, days * 2), strict=True))
    delivered = data.get("delivered_on")
    if delivered and "created_at" not in identity:
        identity["created_at"] = _midnight(min(delivered, data.get("start_on") or delivered))
    return data


def _midnight(day: Any) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _changes(spec: EntitySpec, obj: Any, data: dict[str, Any]) -> tuple[dict, dict]:
    fields, m2m = {}, {}
    for name, value in data.items():
        if name in {"id", "created_at", "agreement"}:
            continue
        if name in spec.m2m:
            current = {o.pk for o in getattr(obj, name).all()}
            if {o.pk for o in value} != current:
                m2m[name] = value
            continue
        if value is None and name not in _nullable(spec):
            continue
        current = getattr(obj, name)
        if _differs(current, value):
            fields[name] = value
    return fields, m2m


def _nullable(spec: EntitySpec) -> set[str]:
    return {
        f.name
        for f in spec.model._meta.concrete_fields
        if f.null or (f.blank and isinstance(f, models.CharField | models.TextField))
    }


def _differs(current: Any, new: Any) -> bool:
    if isinstance(current, models.Model) or isinstance(new, models.Model):
        return getattr(current, "pk", None) != getattr(new, "pk", None)
    if new is None and current == "":
        return False
    return current != new


def _update(ctx: ImportContext, spec: EntitySpec, obj: Any, data: dict[str, Any]) -> bool:
    fields, m2m = _changes(spec, obj, data)
    fields = {
        k: ("" if v is None and isinstance(getattr(obj, k), str) else v) for k, v in fields.items()
    }
    if not fields and not m2m:
        return False
    if spec.model is pm.Commitment:
        _update_commitment(ctx, obj, fields, m2m)
    elif spec.update is not None:
        spec.update(actor=ctx.actor, obj=obj, **fields, **m2m)
    else:
        save_changes(actor=ctx.actor, obj=obj, changes=fields, m2m=m2m or None)
    return True


def _update_commitment(ctx: ImportContext, obj: Any, fields: dict, m2m: dict) -> None:
    status = fields.pop("status", None)
    delivered_on = fields.pop("delivered_on", None)
    evidence = fields.pop("evidence", None)
    for prerequisite in m2m.pop("depends_on", []):
        if not obj.depends_on.filter(pk=prerequisite.pk).exists():
            ps.commitment_add_dependency(actor=ctx.actor, commitment=obj, prerequisite=prerequisite)
    if fields or m2m:
        ps.commitment_update(actor=ctx.actor, commitment=obj, **fields, **m2m)
    if status and status != obj.status:
        on = delivered_on if status == CommitmentStatus.DELIVERED else None
        ps.commitment_change_status(
            actor=ctx.actor, commitment=obj, status=status, on=on, evidence=evidence or ""
        )
    elif evidence is not None and evidence != obj.evidence:
        save_changes(actor=ctx.actor, obj=obj, changes={"evidence": evidence})


def explain(exc: Exception) -> list[tuple[str, str]]:
    """``(column, reason)`` pairs for an exception raised while writing a row."""
    if isinstance(exc, RowError):
        return [(exc.column, exc.reason)]
    if isinstance(exc, ValidationError):
        return messages_of(exc)
    if isinstance(exc, PermissionDenied):
        return [("", str(exc) or _("You may not change this item."))]
    if isinstance(exc, IntegrityError):
        return [("", _("This row conflicts with existing data (duplicate or broken link)."))]
    raise exc
