"""Re-encrypt every confidential value with the newest key of FIELD_ENCRYPTION_KEYS: every
encrypted field of every model, the encrypted values and names the audit trail keeps of them,
and the secrets of authenticator apps."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Q
from django.utils.translation import ngettext

from alliance.accounts.audit import rewriting_content
from alliance.accounts.models import AuditEvent
from alliance.core.encryption import PREFIX, EncryptedTextField, is_sealed, rotate


class Command(BaseCommand):
    help = "Re-encrypt confidential text with the newest key, so older keys can be retired."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            for field in fields:
                total += self._rotate(model, field)
        total += self._rotate_authenticator_secrets()
        total += self._rotate_audit_trail()
        self.stdout.write(
            ngettext("%(n)d value re-encrypted.", "%(n)d values re-encrypted.", total)
            % {"n": total}
        )

    @transaction.atomic
    def _rotate_authenticator_secrets(self) -> int:
        """The secrets of authenticator apps (allauth stores them in a JSON field, encrypted
        with the same keys by ``TwoFactorAdapter``)."""
        count = 0
        for auth in Authenticator.objects.select_for_update().filter(type=Authenticator.Type.TOTP):
            auth.data = {**auth.data, "secret": rotate(auth.data["secret"])}
            auth.save(update_fields=["data"])
            count += 1
        return count

    def _rotate_audit_trail(self) -> int:
        """The trail keeps encrypted fields encrypted (their values before and after, and the
        name of an object named by its words): rotated in place, the one rewrite the
        append-only trail allows (``audit.rewriting_content``)."""
        count = 0
        sealed = Q(object_repr__startswith=PREFIX)
        for column in ("before", "after"):
            # JSON text of the column contains a token: cheap to find on both databases.
            sealed |= Q(**{f"{column}__icontains": PREFIX})
        with rewriting_content():
            events = AuditEvent.objects.filter(sealed).only("pk", "object_repr", "before", "after")
            for event in events.iterator(chunk_size=500):
                before, after = _rotated(event.before), _rotated(event.after)
                name = rotate(event.object_repr) if is_sealed(event.object_repr) else None
                AuditEvent.objects.filter(pk=event.pk).update(
                    before=before, after=after, object_repr=name or event.object_repr
                )
                count += sum(is_sealed(v) for v in (*before.values(), *after.values()))
                count += name is not None
        return count

    @transaction.atomic
    def _rotate(self, model: Any, field: EncryptedTextField) -> int:
        # Read the stored (encrypted) text without decrypting it, write it back rotated.
        table, column, pk = model._meta.db_table, field.column, model._meta.pk.column
        count = 0
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT "{pk}", "{column}" FROM "{table}"')
            for row_id, stored in cursor.fetchall():
                if stored:
                    cursor.execute(
                        f'UPDATE "{table}" SET "{column}" = %s WHERE "{pk}" = %s',
                        [rotate(stored), row_id],
                    )
                    count += 1
        return count


def _rotated(values: Any) -> Any:
    if not isinstance(values, dict):
        return values
    return {k: rotate(v) if is_sealed(v) else v for k, v in values.items()}
