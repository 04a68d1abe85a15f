"""``alliance backup FILE [--encrypt]`` (see ``alliance.operations.backup``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from alliance.operations.backup import BackupError, backup, new_key


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive (optionally encrypted)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="where to write the backup (a .tar file)")
        parser.add_argument(
            "--encrypt",
            action="store_true",
            help="encrypt it with BACKUP_ENCRYPTION_KEY (a Fernet key)",
        )
        parser.add_argument("--new-key", action="store_true", help="print a new key and stop")

    def handle(self, *, file: str | None, encrypt: bool, **options: object) -> None:
        if options["new_key"]:
            self.stdout.write(new_key())
            return
        if not file:
            raise CommandError(_("Say where to write the backup: alliance backup FILE"))
        try:
            summary = backup(Path(file), encrypt=encrypt)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Backed up the %(vendor)s database and %(n)d uploaded files to %(path)s%(enc)s.")
            % {
                "vendor": summary.vendor,
                "n": summary.files,
                "path": summary.path,
                "enc": _(" (encrypted)") if summary.encrypted else "",
            }
        )
