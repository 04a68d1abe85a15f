"""Audit snapshots keep encrypted fields encrypted: values the trail copied in clear from
fields now encrypted (a note's text, an interaction's summary, a warning's what, why and
evidence, a pulse comment, a grievance's complainant, a point for a meeting) are replaced by
their encryption, and so are the names of notes and warnings (``object_repr``), which quote
their words. On PostgreSQL this is the one rewrite the append-only trigger allows (snapshots
only, inside a transaction that asks for it: migration 0005)."""

import json

from django.db import migrations

from alliance.core.encryption import encrypt, is_sealed, seal_short

# Encrypted fields per audited object type (as ``object_type`` names it).
SEALED_FIELDS = {
    "engagement.interaction": ("summary",),
    "engagement.personnote": ("text",),
    "engagement.trustresponse": ("comment",),
    "engagement.grievance": ("complainant",),
    "risks.earlywarning": ("title", "explanation", "evidence"),
    "briefings.partybriefnote": ("text", "answer"),
}
# Types whose name in the trail quotes confidential words.
SEALED_NAMES = ("engagement.personnote", "risks.earlywarning")


def _sealed(values, fields):
    if not isinstance(values, dict):
        return values, False
    out, changed = dict(values), False
    for name in fields:
        value = out.get(name)
        if value in (None, "", [], {}) or is_sealed(value):
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        out[name] = encrypt(text)
        changed = True
    return out, changed


def seal_snapshots(apps, schema_editor):
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL alliance.audit_rewrite_content = 'on'")
    events = AuditEvent.objects.filter(object_type__in=list(SEALED_FIELDS)).only(
        "pk", "object_type", "object_repr", "before", "after"
    )
    for event in events.iterator(chunk_size=500):
        fields = SEALED_FIELDS[event.object_type]
        before, changed_before = _sealed(event.before, fields)
        after, changed_after = _sealed(event.after, fields)
        name = event.object_repr
        if event.object_type in SEALED_NAMES and name and not is_sealed(name):
            name = seal_short(name)
        if changed_before or changed_after or name != event.object_repr:
            AuditEvent.objects.filter(pk=event.pk).update(
                before=before, after=after, object_repr=name
            )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_cache_table")]

    operations = [migrations.RunPython(seal_snapshots, migrations.RunPython.noop)]
