"""Run an import: detect the format, read the file, write through the services inside one
transaction, and roll everything back on a dry run or when any row is refused."""

from __future__ import annotations

import json
import logging
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alliance.interchange.errors import ImportRefused
from alliance.interchange.jsonio import parsed_data_spared
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


# The disk full or a folder not writable, said to the importer (the place is logged).
DISK_PROBLEM = gettext_noop(
    "The server could not write what the import needs (%(reason)s): its disk is full or a"
    " folder is not writable. Nothing was imported; tell your administrator."
)
_DISK_FULL = ("disk is full", "no space left", "disk i/o error", "readonly database")


def _unexpected(exc: BaseException) -> str:
    """What an import that failed on ``exc`` reports: the disk's state when it is the disk
    (SQLite says so in its error), else the kind of error."""
    if isinstance(exc, DatabaseError) and any(m in str(exc).lower() for m in _DISK_FULL):
        return _(DISK_PROBLEM) % {"reason": str(exc)}
    return f"{_(UNEXPECTED)}: {type(exc).__name__}"


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
    and then rolls back, so it reports exactly what the real import would do. A folder
    is imported as all its files together (``run_import_many``). A disk that fails under
    it (full, read-only) refuses the import with that reason: the transaction is rolled
    back, nothing is written."""
    try:
        return _run_import(
            Path(path),
            actor=actor,
            fmt=fmt,
            name=name,
            agreement=agreement,
            dry_run=dry_run,
            progress=progress,
            **options,
        )
    except OSError as exc:
        logger.warning("import of %s failed on the disk: %s", name or path, exc)
        report = ImportReport(file=name or Path(path).name, dry_run=dry_run)
        report.error(_(DISK_PROBLEM) % {"reason": exc.strerror or exc})
        return report


def _run_import(
    path: Path,
    *,
    actor: Any,
    fmt: str | None,
    name: str | None,
    agreement: Any,
    dry_run: bool,
    progress: Progress | None,
    **options: Any,
) -> ImportReport:
    if path.is_file() and is_archive(path):
        with tempfile.TemporaryDirectory(prefix="alliance-import-") as folder:
            report = ImportReport(file=name or path.name, dry_run=dry_run)
            try:
                files = extract_archive(path, Path(folder), report.file)
            except ImportRefused as exc:
                report.error(exc.problem.reason, **_place(exc.problem, report.file))
                return report
            return run_import_many(
                [Path(folder) / f for f in files],
                actor=actor,
                name=name or path.name,
                names=files,
                agreement=agreement,
                dry_run=dry_run,
                progress=progress,
                **options,
            )
    if path.is_dir():
        return run_import_many(
            files_in(path),
            actor=actor,
            name=name or path.name,
            agreement=agreement,
            dry_run=dry_run,
            progress=progress,
            **options,
        )
    report = ImportReport(file=name or path.name, dry_run=dry_run)
    ctx = ImportContext(actor=actor, report=report, agreement=agreement, options=options)
    ctx.progress = progress
    try:
        if path.is_file() and path.stat().st_size == 0:
            raise ImportRefused(_("The file is empty (0 bytes): there is nothing to import."))
        report.format = fmt or detect_format(path, report.file)
        if report.format not in FORMATS:
            raise ImportRefused(_("Unknown format “%(f)s”.") % {"f": report.format})
        with transaction.atomic(), parsed_data_spared():
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
        report.error(_unexpected(exc))
    if not report.ok:
        report.committed = False
    return report


# An uploaded archive of files to import together: bounded, so a zip bomb is refused.
MAX_ARCHIVE_FILES = 1000
MAX_ARCHIVE_BYTES = 500 * 1024 * 1024


def is_archive(path: Path) -> bool:
    """A zip of files to import together (a workbook is a zip too, with its own content
    types part: that is an XLSX file, not an archive)."""
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return "[Content_Types].xml" not in archive.namelist()


def _hidden(name: str) -> bool:
    return any(part.startswith((".", "__MACOSX")) for part in Path(name).parts)


def extract_archive(path: Path, folder: Path, name: str) -> list[str]:
    """Extract an archive's files (hidden ones and folders' own entries left out) into
    ``folder``, refusing absolute or climbing paths and archives too large once unpacked;
    the relative names, sorted."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            relative = Path(member.filename)
            if relative.is_absolute() or ".." in relative.parts:
                raise ImportRefused(
                    _("The archive names a file outside itself: %(f)s") % {"f": member.filename},
                    file=name,
                )
        members = [m for m in archive.infolist() if not m.is_dir() and not _hidden(m.filename)]
        unpacked = sum(m.file_size for m in members)
        if len(members) > MAX_ARCHIVE_FILES or unpacked > MAX_ARCHIVE_BYTES:
            raise ImportRefused(
                _("The archive holds more than %(n)s files or %(mb)s MB once unpacked.")
                % {"n": MAX_ARCHIVE_FILES, "mb": MAX_ARCHIVE_BYTES // 2**20},
                file=name,
            )
        names = []
        for member in members:
            relative = Path(member.filename)
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as out:
                written = 0
                while chunk := source.read(1 << 20):
                    written += len(chunk)
                    if written > member.file_size:  # a size that lies
                        raise ImportRefused(
                            _("The archive is damaged: %(f)s") % {"f": member.filename}, file=name
                        )
                    out.write(chunk)
            names.append(relative.as_posix())
    return sorted(names)


# The order formats are read in when several files are imported together: OC4IDS projects
# first (their contracting processes take in the OCDS releases that follow), then OCDS,
# IATI, and spreadsheets last (their rows may name what the others made).
ORDER = ("oc4ids", "ocds", "iati", "xlsx", "csv")


def files_in(folder: Path) -> list[Path]:
    """The files of a folder and its subfolders (hidden ones left out), by name."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def run_import_many(
    paths: list[Path],
    *,
    actor: Any,
    name: str = "",
    agreement: Any = None,
    dry_run: bool = True,
    progress: Progress | None = None,
    names: list[str] | None = None,
    **options: Any,
) -> ImportReport:
    """Import several files as one: one transaction, one preview, one report. OCDS
    releases and records of the same ocid from every file are compiled together; for
    every standard, the newest version of a project wins whatever the order of the files.
    ``names`` are the files' names as the user knows them (uploads), else their paths."""
    shown = names or [str(p) for p in paths]
    report = ImportReport(file=name or _("%(n)s files") % {"n": len(paths)}, dry_run=dry_run)
    report.files = list(shown)
    ctx = ImportContext(actor=actor, report=report, agreement=agreement, options=options)
    ctx.progress = progress
    folder = report.file
    try:
        if not paths:
            raise ImportRefused(_("No file to import."))
        kinds: dict[str, list[tuple[Path, str]]] = {}
        for path, shown_name in zip(paths, shown, strict=True):
            if path.stat().st_size == 0:
                raise ImportRefused(
                    _("The file is empty (0 bytes): there is nothing to import."), file=shown_name
                )
            fmt = options.get("fmt") or detect_format(path, shown_name)
            kinds.setdefault(fmt, []).append((path, shown_name))
        report.format = ", ".join(f for f in ORDER if f in kinds)
        with transaction.atomic(), parsed_data_spared():
            for fmt in ORDER:
                if fmt == "ocds" and fmt in kinds:
                    from alliance.interchange import ocds

                    ocds.import_files(ctx, kinds[fmt])
                    continue
                for path, shown_name in kinds.get(fmt, []):
                    report.file = shown_name
                    try:
                        _importer(fmt)(ctx, path)
                    finally:
                        report.file = folder
            if dry_run or not report.ok:
                transaction.set_rollback(True)
            else:
                report.committed = True
                _refresh_statistics(report)
    except ImportRefused as exc:
        report.error(exc.problem.reason, **_place(exc.problem, report.file))
    except (DatabaseError, RecursionError, MemoryError, json.JSONDecodeError, ValueError) as exc:
        logger.exception("import of %s failed", report.file)
        report.error(_unexpected(exc))
    report.file = folder
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
