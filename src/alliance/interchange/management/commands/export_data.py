"""``alliance export``: CSV (one entity), XLSX (all entities) or an OC4IDS package, with
only what the acting user may see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from alliance.interchange import exports, oc4ids, publish
from alliance.interchange.entities import SPECS
from alliance.interchange.management.commands._common import acting_user, agreement_named


class Command(BaseCommand):
    help = "Export agreements' data as CSV, XLSX, OC4IDS, OCDS or IATI (what the user may see)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format", choices=("csv", "xlsx", "oc4ids", "ocds", "iati"), default="xlsx"
        )
        parser.add_argument("--entity", choices=[s.name for s in SPECS], help="CSV: which one")
        parser.add_argument("--agreement", help="UUID, reference or title (default: all)")
        parser.add_argument("--user", help="whose view (default: the only administrator)")
        parser.add_argument("--template", action="store_true", help="an empty file to fill in")
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        fmt, entity = options["format"], options["entity"]
        if fmt == "csv" and not entity:
            raise CommandError(_("A CSV file holds one entity: give --entity."))
        if options["template"]:
            if fmt not in ("csv", "xlsx"):
                raise CommandError(_("Templates are CSV or XLSX."))
            options["output"].write_bytes(exports.template(entity or "commitments", fmt))
            return
        user = acting_user(options["user"])
        agreement = agreement_named(user, options["agreement"])
        agreements = [agreement.pk] if agreement else None
        if fmt == "csv":
            text = exports.export_csv(user, entity, agreements)
            options["output"].write_text(text, encoding="utf-8-sig")
        elif fmt == "xlsx":
            entities = [entity] if entity else None
            options["output"].write_bytes(exports.export_xlsx(user, agreements, entities))
        elif fmt in ("ocds", "iati"):
            self._publish(fmt, user, agreements, options["output"])
        else:
            text = exports.export_oc4ids(user, agreements)
            errors = oc4ids.validate_package(json.loads(text))
            if errors:
                raise CommandError(
                    _("The OC4IDS package does not validate: %(errors)s")
                    % {"errors": "; ".join(errors[:5])}
                )
            options["output"].write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(_("Written %(path)s") % {"path": options["output"]}))

    def _publish(self, fmt: str, user: Any, agreements: Any, output: Path) -> None:
        """An OCDS release package or IATI activities, refused if it does not validate."""
        pks = agreements or list(exports.visible_agreements(user).values_list("pk", flat=True))
        if fmt == "ocds":
            package = publish.ocds_package(user, pks)
            errors = publish.validate_ocds(package)
            content = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
        else:
            content = publish.iati_document(user, pks)
            if b"<iati-activity " not in content:
                raise CommandError(_("No agreement has a funding party: no IATI activity."))
            errors = publish.validate_iati(content)
        if errors:
            raise CommandError(
                _("The export does not validate: %(errors)s") % {"errors": "; ".join(errors[:5])}
            )
        output.write_bytes(content)
