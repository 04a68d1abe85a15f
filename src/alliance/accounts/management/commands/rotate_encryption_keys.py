"""Re-encrypt every confidential value with the newest key of FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.translation import ngettext

from alliance.core.encryption import EncryptedTextField, rotate


class Command(BaseCommand):
    help = "Re-encrypt confidential text with the newest key, so older keys can be retired."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            for field in fields:
                total += self._rotate(model, field)
        self.stdout.write(
            ngettext("%(n)d value re-encrypted.", "%(n)d values re-encrypted.", total)
            % {"n": total}
        )

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
