"""``alliance import FILE``: import CSV, XLSX, OC4IDS, OCDS or IATI, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from alliance.interchange.engine import FORMATS, files_in, run_import, run_import_many
from alliance.interchange.entities import SPECS
from alliance.interchange.management.commands._common import acting_user, agreement_named


class Command(BaseCommand):
    help = "Import a file (CSV, XLSX, OC4IDS, OCDS, IATI): nothing is written unless all is."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, nargs="+", help="files, or a folder: all imported together"
        )
        parser.add_argument("--format", choices=FORMATS, help="default: detected from the file")
        parser.add_argument("--agreement", help="UUID, reference or title of the agreement")
        parser.add_argument("--entity", choices=[s.name for s in SPECS], help="for CSV files")
        parser.add_argument("--country", help="ISO country when the file does not say")
        parser.add_argument("--kind", help="agreement kind for new agreements (loan, mou …)")
        parser.add_argument("--user", help="who imports (default: the only administrator)")
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument("--validate", action="store_true", help="IATI: check the XSD first")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["file"]
        for path in paths:
            if not path.exists():  # a file or a folder
                raise CommandError(_("No such file: %(path)s") % {"path": path})
        user = acting_user(options["user"])
        agreement = agreement_named(user, options["agreement"])
        extra = {k: options[k] for k in ("entity", "country", "kind", "validate") if options[k]}
        label = paths[0].name if len(paths) == 1 else _("%(n)s files") % {"n": len(paths)}
        with tqdm(desc=label, unit=" rows", disable=options["verbosity"] < 1) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total or None
                bar.update(done - bar.n)

            common = {"actor": user, "agreement": agreement, "progress": progress}
            if len(paths) == 1:
                report = run_import(
                    paths[0], fmt=options["format"], dry_run=options["dry_run"], **common, **extra
                )
            else:
                files = [f for p in paths for f in (files_in(p) if p.is_dir() else [p])]
                report = run_import_many(files, dry_run=options["dry_run"], **common, **extra)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(_("Import refused: nothing was written."))
        if report.committed:
            self.stdout.write(self.style.SUCCESS(_("Imported.")))
