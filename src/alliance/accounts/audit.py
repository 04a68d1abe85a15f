"""Reading the audit trail: which events a reader sees, and how much of each.

The rows a reader may see come from the access policy (``audit_events_visible_to``: the
owners of an agreement, administrators everywhere). Within a visible event, the text of a
confidential item (an internal or restricted interaction, note or warning) is shown only if
the reader may see that item today *and* the event's own snapshot says it was not restricted
to others at the time; otherwise the event says which fields changed, never what they held.
Values of encrypted fields are kept encrypted in the trail (``fernet:…``, as in their table):
they are decrypted for a reader who may see the item, and shown as "changed" to any other
(as are values recorded as mere changes).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.accounts.models import AuditEvent
from alliance.core.encryption import is_sealed, unseal
from alliance.core.models import Confidentiality
from alliance.partnerships.models import Agreement

# Items whose text has a confidentiality level.
CONFIDENTIAL_TYPES = {
    "engagement.interaction",
    "engagement.personnote",
    "risks.earlywarning",
    "risks.risk",
}
ENCRYPTED_PREFIX = "fernet:"
# How the trail records that an encrypted field held or changed a value without the value
# (core.encryption.SEALED_MARK is "[encrypted]").
CHANGED_MARKERS = ("[encrypted]", "__changed__", "<changed>", "changed")


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    """One event as the audit page and its export show it."""

    at: datetime
    actor: str
    agreement: str
    action: str
    action_label: str
    object_type: str
    object_label: str
    object_id: str
    object_repr: str
    changes: tuple[Change, ...]
    redacted: bool


@contextlib.contextmanager
def rewriting_content() -> Iterator[None]:
    """Allow rewriting the snapshots (``before``, ``after``, ``object_repr``) of audit rows
    inside this block — re-encrypting with a new key, redacting text stored in clear — which
    PostgreSQL's append-only trigger otherwise refuses. Who, when, what and which object
    stay untouchable, and no row can be deleted (migration 0005)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL alliance.audit_rewrite_content = 'on'")
        yield


def present(events: Iterable[AuditEvent], reader: Any) -> list[AuditRow]:
    """The events as ``reader`` may read them (one batch of queries for the whole page)."""
    events = list(events)
    readable = _readable_confidential(events, reader)
    actors = _names(e.actor_id for e in events)
    titles = _agreement_titles(e.agreement_id for e in events)
    return [_row(event, reader, readable, actors, titles) for event in events]


def _row(
    event: AuditEvent,
    reader: Any,
    readable: set[tuple[str, str]],
    actors: dict[int, str],
    titles: dict[int, str],
) -> AuditRow:
    confidential = event.object_type in CONFIDENTIAL_TYPES
    redacted = confidential and not (
        (event.object_type, event.object_id) in readable and _snapshot_allows(event, reader)
    )
    model = _model(event.object_type)
    label = str(model._meta.verbose_name) if model else event.object_type
    changes = tuple(_changes(event, model, redacted))
    if event.actor_id is None:
        actor = _("Alliance (automatic)")
    else:
        actor = actors.get(event.actor_id) or _("deleted user #%(id)s") % {"id": event.actor_id}
    agreement = ""
    if event.agreement_id is not None:
        agreement = titles.get(event.agreement_id) or _("deleted agreement #%(id)s") % {
            "id": event.agreement_id
        }
    return AuditRow(
        at=event.at,
        actor=actor,
        agreement=agreement,
        action=event.action,
        action_label=event.get_action_display(),
        object_type=event.object_type,
        object_label=label.capitalize(),
        object_id=event.object_id,
        object_repr=_("(confidential item)") if redacted else _opened(event.object_repr),
        changes=changes,
        redacted=redacted,
    )


def _changes(event: AuditEvent, model: Any, redacted: bool) -> Iterator[Change]:
    before, after = event.before or {}, event.after or {}
    for name in sorted(set(before) | set(after)):
        label = _field_label(model, name)
        if redacted and name not in {"confidentiality", "status", "kind", "occurred_on"}:
            yield Change(name, label, "", _("changed"))
            continue
        yield Change(
            name, label, _shown(_opened(before.get(name))), _shown(_opened(after.get(name)))
        )


def _opened(value: Any) -> Any:
    """The text of an encrypted value (the caller has decided the reader may read it); a
    value no key in force opens stays "changed"."""
    if not is_sealed(value):
        return value
    try:
        text = unseal(value)
    except ImproperlyConfigured:
        return value
    if text.startswith(("{", "[")):  # an encrypted JSON field (a warning's evidence)
        with contextlib.suppress(ValueError):
            return json.loads(text)
    return text


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict) and value.get("changed"):
        return _("changed")
    if isinstance(value, str) and (value.startswith(ENCRYPTED_PREFIX) or value in CHANGED_MARKERS):
        return _("changed")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _snapshot_allows(event: AuditEvent, reader: Any) -> bool:
    """Whether the event's snapshots were readable by ``reader`` when written: not
    restricted, or restricted to a list that names the reader."""
    if reader.is_superuser:
        return True
    for snap in (event.before or {}, event.after or {}):
        if snap.get("confidentiality") == Confidentiality.RESTRICTED:
            named = {str(pk) for pk in snap.get("restricted_to") or []}
            if str(reader.pk) not in named:
                return False
    return True


def _readable_confidential(events: list[AuditEvent], reader: Any) -> set[tuple[str, str]]:
    """(type, id) of the confidential items in ``events`` that ``reader`` may see today."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.object_type in CONFIDENTIAL_TYPES:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    readable = set()
    for label, ids in wanted.items():
        model = _model(label)
        if model is None:
            continue
        visible = policy.visible_to(reader, model).filter(uuid__in=_uuids(ids))
        readable |= {(label, str(uuid)) for uuid in visible.values_list("uuid", flat=True)}
    return readable


def _uuids(ids: Iterable[str]) -> list[str]:
    import uuid

    valid = []
    for value in ids:
        with contextlib.suppress(ValueError):
            valid.append(str(uuid.UUID(value)))
    return valid


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_label(model: Any, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:
        return name.replace("_", " ").capitalize()


def _names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    users = get_user_model().objects.filter(pk__in=wanted)
    return {u.pk: u.get_full_name() or u.get_username() for u in users}


def _agreement_titles(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    return {a.pk: str(a) for a in Agreement.objects.filter(pk__in=wanted)}
