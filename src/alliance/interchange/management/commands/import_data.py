"""``alliance import FILE``: import CSV, XLSX, OC4IDS, OCDS or IATI, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from alliance.interchange.engine import FORMATS, run_import
from alliance.interchange.entities import SPECS
from alliance.interchange.management.commands._common import acting_user, agreement_named


class Command(BaseCommand):
    help = "Import a file (CSV, XLSX, OC4IDS, OCDS, IATI): nothing is written unless all is."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="default: detected from the file")
        parser.add_argument("--agreement", help="UUID, reference or title of the agreement")
        parser.add_argument("--entity", choices=[s.name for s in SPECS], help="for CSV files")
        parser.add_argument("--country", help="ISO country when the file does not say")
        parser.add_argument("--kind", help="agreement kind for new agreements (loan, mou …)")
        parser.add_argument("--user", help="who imports (default: the only administrator)")
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument("--validate", action="store_true", help="IATI: check the XSD first")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = acting_user(options["user"])
        agreement = agreement_named(user, options["agreement"])
        with tqdm(desc=path.name, unit=" rows", disable=options["verbosity"] < 1) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total or None
                bar.update(done - bar.n)

            report = run_import(
                path,
                actor=user,
                fmt=options["format"],
                agreement=agreement,
                dry_run=options["dry_run"],
                progress=progress,
                **{k: options[k] for k in ("entity", "country", "kind", "validate") if options[k]},
            )
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(_("Import refused: nothing was written."))
        if report.committed:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))
