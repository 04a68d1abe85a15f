"""``alliance restore FILE`` (see ``alliance.operations.backup``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from alliance.operations.backup import BackupError, restore, unapplied_migrations


class Command(BaseCommand):
    help = "Restore a backup into an empty database and an empty upload folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup (encrypted ones need BACKUP_ENCRYPTION_KEY)")

    def handle(self, *, file: str, **options: object) -> None:
        try:
            summary = restore(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Restored the %(vendor)s database and %(n)d uploaded files from %(path)s.")
            % {"vendor": summary.vendor, "n": summary.files, "path": summary.path}
        )
        if unapplied_migrations():
            self.stdout.write(
                _("The backup is older than this version: run `alliance manage migrate` next.")
            )
