"""Run an import: detect the format, read the file, write through the services inside one
transaction, and roll everything back on a dry run or when any row is refused."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alliance.interchange.errors import ImportRefused
from alliance.interchange.report import ImportContext, ImportReport, Progress

logger = logging.getLogger(__name__)
FORMATS = ("csv", "xlsx", "oc4ids", "ocds", "iati")
# Marked here, translated where it is reported (tests compare with the English text).
UNEXPECTED = gettext_noop("Unexpected error")


def _importer(fmt: str) -> Callable[[ImportContext, Path], None]:
    from alliance.interchange import iati, oc4ids, ocds, tabular

    return {
        "csv": tabular.import_csv,
        "xlsx": tabular.import_xlsx,
        "oc4ids": oc4ids.import_file,
        "ocds": ocds.import_file,
        "iati": iati.import_file,
    }[fmt]


def detect_format(path: Path, name: str = "") -> str:
    """Tell the format from the first bytes (and the name for CSV)."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        return "iati"
    if text.startswith((b"{", b"[")):
        return _json_flavour(head)
    if name.lower().endswith((".csv", ".txt", ".tsv")) or b"," in head or b";" in head:
        return "csv"
    raise ImportRefused(_("Unknown file format: expected CSV, XLSX, JSON or XML."), file=name)


def _json_flavour(head: bytes) -> str:
    """OC4IDS projects have ``projects`` or a project-shaped object; OCDS has releases,
    records or an ``ocid``."""
    text = head.decode("latin-1")
    if '"projects"' in text or '"contractingProcesses"' in text:
        return "oc4ids"
    for marker in ('"releases"', '"records"', '"ocid"', '"compiledRelease"'):
        if marker in text:
            return "ocds"
    return "oc4ids"


def run_import(
    path: Path | str,
    *,
    actor: Any,
    fmt: str | None = None,
    name: str | None = None,
    agreement: Any = None,
    dry_run: bool = True,
    progress: Progress | None = None,
    **options: Any,
) -> ImportReport:
    """Import one file all-or-nothing. A dry run (the preview) goes through every write
    and then rolls back, so it reports exactly what the real import would do."""
    path = Path(path)
    report = ImportReport(file=name or path.name, dry_run=dry_run)
    ctx = ImportContext(actor=actor, report=report, agreement=agreement, options=options)
    ctx.progress = progress
    try:
        report.format = fmt or detect_format(path, report.file)
        if report.format not in FORMATS:
            raise ImportRefused(_("Unknown format “%(f)s”.") % {"f": report.format})
        with transaction.atomic():
            _importer(report.format)(ctx, path)
            if dry_run or not report.ok:
                transaction.set_rollback(True)
            else:
                report.committed = True
                _refresh_statistics(report)
    except ImportRefused as exc:
        report.error(exc.problem.reason, **_place(exc.problem, report.file))
    except (DatabaseError, RecursionError, MemoryError, json.JSONDecodeError, ValueError) as exc:
        logger.exception("import of %s failed", report.file)
        report.error(f"{_(UNEXPECTED)}: {type(exc).__name__}")
    if not report.ok:
        report.committed = False
    return report


# Past this many new objects, PostgreSQL refreshes its statistics of the tables imports
# write (``ANALYZE``) rather than waiting for autovacuum: the queries right after a large
# import (its pages, the insights recompute) would otherwise be planned as if the tables
# were still small, reading them whole where an index would do.
ANALYZE_AFTER_OBJECTS = 5000
ANALYZED_APPS = ("partnerships", "engagement", "risks", "accounts", "interchange")


def _refresh_statistics(report: ImportReport) -> None:
    if connection.vendor != "postgresql" or report.total("created") < ANALYZE_AFTER_OBJECTS:
        return
    tables = sorted(
        {
            model._meta.db_table
            for app in ANALYZED_APPS
            for model in apps.get_app_config(app).get_models(include_auto_created=True)
        }
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(quote(table) for table in tables))


def _place(problem: Any, file: str) -> dict[str, Any]:
    place = problem.as_dict()
    place.pop("reason")
    place["file"] = place["file"] or file
    return place
