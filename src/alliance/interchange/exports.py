"""Files a user downloads: CSV per entity, one XLSX workbook, an OC4IDS package. Each starts
from the access policy (``alliance.accounts.policy``) through ``selectors``."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import QuerySet

from alliance.accounts import policy
from alliance.interchange import oc4ids
from alliance.interchange.entities import BY_NAME
from alliance.interchange.selectors import export_rows, export_tables
from alliance.interchange.tabular import template_csv, write_csv, write_xlsx

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_TYPE = "application/json"


def visible_agreements(user: Any, agreements: Any = None) -> QuerySet:
    """The requested agreements (all by default) that ``user`` may see."""
    qs = policy.agreements_visible_to(user)
    return qs if agreements is None else qs.filter(pk__in=agreements)


def export_csv(user: Any, entity: str, agreements: Any = None) -> str:
    """One entity's rows as CSV text (UTF-8; the HTTP layer adds a BOM for Excel)."""
    spec = BY_NAME[entity]
    rows = export_rows(user, spec, visible_agreements(user, agreements))
    return write_csv([c.name for c in spec.columns], rows)


def export_xlsx(user: Any, agreements: Any = None, entities: list[str] | None = None) -> bytes:
    """A workbook with one sheet per entity, in the order an import reads them."""
    return write_xlsx(export_tables(user, visible_agreements(user, agreements), entities))


def export_oc4ids(user: Any, agreements: Any = None, *, published: str | None = None) -> str:
    package = oc4ids.export_package(user, visible_agreements(user, agreements), published=published)
    return json.dumps(package, ensure_ascii=False, indent=2)


def template(entity: str, fmt: str) -> bytes:
    """An empty file with the entity's columns, to fill in and import."""
    spec = BY_NAME[entity]
    if fmt == "xlsx":
        return write_xlsx([(spec.name, [c.name for c in spec.columns], [])])
    return template_csv(spec).encode("utf-8-sig")


def mapping_csv(report: Any) -> str:
    """An import's mapping report as CSV (with a BOM for spreadsheets): per source element,
    what it became or why it was dropped, and how many. A cell starting with a formula
    sign gets a leading quote, as every CSV export."""
    import csv
    import io

    from django.utils.translation import gettext as _

    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Source element"), _("Outcome"), _("Became, or why dropped"), _("How many")])
    for element, outcome, what, n in report.mapping_rows():
        shown = _("mapped") if outcome == "mapped" else _("dropped")
        writer.writerow([_safe(element), shown, _safe(what), n])
    return out.getvalue()


def _safe(cell: str) -> str:
    return f"'{cell}" if cell[:1] in ("=", "+", "-", "@") else cell
