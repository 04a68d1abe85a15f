"""CSV and XLSX for every entity: import (rows through the services), export (through the
access policy) and empty templates. A workbook holds one sheet per entity; a CSV file holds
one entity, named by ``--entity`` or by the file name."""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from alliance.interchange.entities import SPECS, EntitySpec, spec_for
from alliance.interchange.errors import ImportRefused, RowError
from alliance.interchange.report import ImportContext
from alliance.interchange.rows import (
    LIST_SEPARATOR,
    NEW,
    UNCHANGED,
    apply_row,
    explain,
    note_created,
    plan_batch,
    read_row,
)
from alliance.interchange.values import _fold, decode_text
from alliance.interchange.xlsx_reader import BackgroundWorkbook, ReaderFailed, load_read_only

MAX_TABULAR_BYTES = getattr(settings, "INTERCHANGE_MAX_TABULAR_BYTES", 200 * 1024 * 1024)
MAX_UNZIPPED_BYTES = getattr(settings, "INTERCHANGE_MAX_UNZIPPED_BYTES", 1024 * 1024 * 1024)
Rows = Iterator[tuple[int, dict[str, Any]]]
FORMULA_STARTS = "=+-@"


def normalise_header(value: Any) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


# ----- reading -----


def read_csv_text(path: Path, name: str) -> str:
    size = path.stat().st_size
    if size > MAX_TABULAR_BYTES:
        raise ImportRefused(
            _("The file is %(mb)s MB; CSV imports are limited to %(max)s MB: split it.")
            % {"mb": size // 2**20, "max": MAX_TABULAR_BYTES // 2**20},
            file=name,
        )
    return decode_text(path.read_bytes(), name=name)


def csv_rows(text: str, name: str) -> tuple[list[str], Rows]:
    """The header and the rows of CSV text (comma, semicolon or tab separated)."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [normalise_header(h) for h in next(reader)]
    except StopIteration:
        raise ImportRefused(_("The file is empty."), file=name) from None
    except csv.Error as exc:
        raise ImportRefused(_("Not a readable CSV file: %(e)s") % {"e": exc}, file=name) from exc

    def rows() -> Rows:
        try:
            for number, cells in enumerate(reader, start=2):
                if any(c.strip() for c in cells):
                    yield number, _cells(header, cells, name, number)
        except csv.Error as exc:
            raise ImportRefused(
                _("Not a readable CSV file: %(e)s") % {"e": exc}, file=name, row=reader.line_num
            ) from exc

    return header, rows()


def _cells(header: list[str], cells: list[Any], name: str, number: int) -> dict[str, Any]:
    if len(cells) > len(header) and any(str(c).strip() for c in cells[len(header) :]):
        raise ImportRefused(
            _("This row has more cells (%(n)s) than the header has columns (%(h)s).")
            % {"n": len(cells), "h": len(header)},
            file=name,
            row=number,
        )
    return {h: unescape_formula(c) for h, c in zip(header, cells, strict=False) if h}


# From this size on, a workbook is parsed by a child process while this one writes (see
# ``xlsx_reader``); below it, starting that process costs more than it saves.
BACKGROUND_READ_BYTES = getattr(settings, "INTERCHANGE_BACKGROUND_READ_BYTES", 1024 * 1024)


def _limit(name: str, default: int) -> int:
    """An interchange limit, read when used (so a test or a deployment can change it)."""
    return int(getattr(settings, name, default))


def check_archive(path: Path, name: str) -> int:
    """Refuse a zip bomb before anything is inflated; return the bytes it unpacks to.

    The archive's directory declares each member's inflated size, and ``zipfile`` never
    inflates a member past it (a member that lies fails its CRC instead), so the declared
    sizes bound the work of any parser reading through ``zipfile`` — openpyxl does. A member
    may unpack to at most ``INTERCHANGE_MAX_MEMBER_BYTES``, the archive to at most
    ``INTERCHANGE_MAX_UNZIPPED_BYTES``, and a member of more than a megabyte may not be
    compressed more than ``INTERCHANGE_MAX_ZIP_RATIO`` times: spreadsheet XML compresses
    about 5 to 20 times, a bomb about a thousand."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in archive.namelist():
                raise ImportRefused(_("This zip archive is not an XLSX workbook."), file=name)
    except zipfile.BadZipFile as exc:
        raise ImportRefused(
            _("Not an XLSX workbook (not a zip archive, or truncated)."), file=name
        ) from exc
    max_member = _limit("INTERCHANGE_MAX_MEMBER_BYTES", 512 * 2**20)
    max_ratio = _limit("INTERCHANGE_MAX_ZIP_RATIO", 100)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > max_member or (member.file_size > 2**20 and ratio > max_ratio):
            raise ImportRefused(
                _(
                    "The workbook's part %(part)s unpacks to %(mb)s MB, %(ratio)s times its "
                    "packed size (limits: %(max)s MB, %(max_ratio)s times): it looks like a "
                    "zip bomb and is not read."
                )
                % {
                    "part": member.filename,
                    "mb": member.file_size // 2**20,
                    "ratio": int(ratio),
                    "max": max_member // 2**20,
                    "max_ratio": max_ratio,
                },
                file=name,
            )
    unzipped = sum(member.file_size for member in members)
    max_total = _limit("INTERCHANGE_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES)
    if unzipped > max_total:
        raise ImportRefused(
            _("The workbook unpacks to %(mb)s MB, over the %(max)s MB limit.")
            % {"mb": unzipped // 2**20, "max": max_total // 2**20},
            file=name,
        )
    return unzipped


def too_large_for_a_request(path: Path) -> bool:
    """Should the task worker rather than the web request parse this file, however small
    it is packed? Yes for a workbook that passes ``check_archive`` but unpacks to more than
    ``INTERCHANGE_REQUEST_UNZIPPED_BYTES``; a workbook that fails the checks is refused at
    once in the request (the import reads nothing of it)."""
    if not zipfile.is_zipfile(path):
        return False
    try:
        unzipped = check_archive(path, path.name)
    except ImportRefused:
        return False
    return unzipped > _limit("INTERCHANGE_REQUEST_UNZIPPED_BYTES", 64 * 2**20)


def open_workbook(path: Path, name: str) -> Any:
    """Open an XLSX file read-only (streamed), after checking it is a sane zip archive.

    Small workbooks are parsed here; anything of ``INTERCHANGE_BACKGROUND_READ_BYTES`` or
    more, or unpacking to more than ``INTERCHANGE_INLINE_UNZIPPED_BYTES``, is parsed by a
    child process with its own memory and processor-time limits (``xlsx_reader``)."""
    unzipped = check_archive(path, name)
    try:
        if path.stat().st_size >= BACKGROUND_READ_BYTES or unzipped > _limit(
            "INTERCHANGE_INLINE_UNZIPPED_BYTES", 16 * 2**20
        ):
            return BackgroundWorkbook(
                str(path),
                memory_bytes=_limit("INTERCHANGE_READER_MEMORY_MB", 1024) * 2**20,
                cpu_seconds=_limit("INTERCHANGE_READER_CPU_SECONDS", 300),
            )
        return load_read_only(path)
    except ReaderFailed as exc:
        raise ImportRefused(reader_failure(exc), file=name) from exc
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise ImportRefused(
            _("The workbook cannot be read: %(e)s") % {"e": type(exc).__name__}, file=name
        ) from exc


def _hit_limit(exc: Exception) -> bool:
    """Did the reading process stop at its memory or processor-time limit?"""
    return isinstance(exc, ReaderFailed) and exc.detail in ("MemoryError", "time")


def reader_failure(exc: ReaderFailed) -> str:
    """What went wrong in the reading process, in the reader's language."""
    if exc.detail == "MemoryError":
        return _(
            "Reading the workbook needs more than %(mb)s MB of memory: split it into smaller files."
        ) % {"mb": _limit("INTERCHANGE_READER_MEMORY_MB", 1024)}
    if exc.detail == "time":
        return _(
            "Reading the workbook took more than %(s)s seconds of processor time: split it "
            "into smaller files."
        ) % {"s": _limit("INTERCHANGE_READER_CPU_SECONDS", 300)}
    return _("The workbook cannot be read: %(e)s") % {"e": exc.detail}


def sheet_rows(sheet: Any, name: str) -> tuple[list[str], Rows]:
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = [normalise_header(h) for h in next(iterator)]
    except StopIteration:
        return [], iter(())
    except Exception as exc:
        reason = reader_failure(exc) if _hit_limit(exc) else _("The sheet cannot be read.")
        raise ImportRefused(reason, file=name, sheet=sheet.title) from exc

    def rows() -> Rows:
        try:
            for number, cells in enumerate(iterator, start=2):
                if any(c not in (None, "") for c in cells):
                    yield number, _cells(header, list(cells), name, number)
        except ImportRefused:
            raise
        except Exception as exc:
            reason = (
                reader_failure(exc)
                if _hit_limit(exc)
                else _("The sheet is damaged and cannot be read to the end.")
            )
            raise ImportRefused(reason, file=name, sheet=sheet.title) from exc

    return header, rows()


# ----- importing -----


def header_names(spec: EntitySpec) -> dict[str, str]:
    """Every way a column may be headed → its name: the name, and the field's label in
    English, French and German (whatever the interface's language), as typed or with
    underscores (``due_on``, ``Due on``, ``Échéance``, ``Fällig am``)."""
    return _header_names(spec.name)


@functools.cache
def _header_names(entity: str) -> dict[str, str]:
    spec = spec_for(entity)
    names: dict[str, str] = {}
    for column in spec.columns:
        names.setdefault(column.name, column.name)
        try:
            label = spec.model._meta.get_field(column.name).verbose_name
        except Exception:  # a column that is not a model field (id, created_at …)
            continue
        for language in ("en", "fr", "de"):
            with translation.override(language):
                text = normalise_header(_fold(str(label)))
            names.setdefault(text, column.name)
    return names


def check_header(ctx: ImportContext, spec: EntitySpec, header: list[str], sheet: str) -> bool:
    # Headers in any of the three languages become the columns' names, in place: the rows
    # are read with this very list.
    aliases = header_names(spec)
    header[:] = [aliases.get(normalise_header(_fold(h)), h) if h else h for h in header]
    known = {c.name for c in spec.columns}
    missing = [n for n in spec.required if n not in header and not _defaulted(ctx, n)]
    for column in missing:
        ctx.report.error(_("Required column is missing."), sheet=sheet, row=1, column=column)
    unknown = [h for h in header if h and h not in known]
    where = sheet or spec.name
    for column in header:
        if column in known:
            ctx.report.mapped(
                _("%(sheet)s, column %(c)s") % {"sheet": where, "c": column},
                _("field “%(c)s” of %(entity)s") % {"c": column, "entity": spec.name},
            )
    for column in unknown:
        ctx.report.dropped(
            _("%(sheet)s, column %(c)s") % {"sheet": where, "c": column},
            _("no field of this name: not imported"),
        )
    if unknown:
        ctx.report.note(
            _("Columns not imported (unknown): %(cols)s") % {"cols": ", ".join(unknown)},
            sheet=sheet,
            row=1,
        )
    return not missing


def _defaulted(ctx: ImportContext, column: str) -> bool:
    return column == "agreement" and ctx.agreement is not None


# Rows written per batch by an entity's ``create_many`` service: large enough that the
# per-batch queries vanish, small enough that a refused batch is cheap to redo row by row.
BATCH_SIZE = 500
Pending = list[tuple[int, dict[str, Any], dict[str, Any]]]


def import_rows(ctx: ImportContext, spec: EntitySpec, rows: Iterable, sheet: str = "") -> None:
    """Apply each row through the services; a bad row is reported and the next one tried,
    so the preview lists every error at once.

    Rows that create new objects of an entity with a ``create_many`` service are read and
    validated first and written in batches (see ``_flush``); everything else — updates,
    rows that name something a pending row creates — goes row by row, each in its own
    savepoint, after the pending batch is written so the file's order is kept."""
    seen: dict[tuple, int] = {}
    pending: Pending = []
    for number, cells in rows:
        key = row_key(spec, cells)
        if key is not None and key in seen:
            ctx.report.error(
                _("Duplicate key: the same item as row %(row)s.") % {"row": seen[key]},
                sheet=sheet,
                row=number,
                column=key[0],
            )
            ctx.report.count(spec.name, "skipped")
            _tick(ctx)
            continue
        if key is not None:
            seen[key] = number
        data = _read_for_batch(ctx, spec, cells)
        if data is not None:
            pending.append((number, cells, data))
            if len(pending) >= BATCH_SIZE:
                _flush(ctx, spec, pending, sheet)
                pending = []
        else:
            _flush(ctx, spec, pending, sheet)
            pending = []
            _apply_one(ctx, spec, number, cells, sheet)
        _tick(ctx)
    _flush(ctx, spec, pending, sheet)


def _tick(ctx: ImportContext) -> None:
    ctx.cache["rows_done"] = ctx.cache.get("rows_done", 0) + 1
    if ctx.cache["rows_done"] % 200 == 0:
        ctx.tick(ctx.cache["rows_done"], ctx.cache.get("rows_total", 0))


def _read_for_batch(ctx: ImportContext, spec: EntitySpec, cells: dict[str, Any]) -> Any:
    """The row's typed values when it may join a batch, else ``None`` (no batch service,
    or the row does not read cleanly — perhaps it names an object a pending row creates;
    the row-by-row path, run after the batch is written, reads it again and explains)."""
    if spec.create_many is None:
        return None
    try:
        return read_row(ctx, spec, cells)
    except RowError:
        return None


def _apply_one(
    ctx: ImportContext, spec: EntitySpec, number: int, cells: dict[str, Any], sheet: str
) -> None:
    """One row through the per-object services, in a savepoint (it may write several
    objects before failing)."""
    try:
        with transaction.atomic():
            outcome = apply_row(ctx, spec, cells)
    except Exception as exc:
        for column, reason in explain(exc):
            value = cells.get(column, "") if column else ""
            ctx.report.error(
                reason, sheet=sheet, row=number, column=column, value=str(value or "")[:200]
            )
        ctx.report.count(spec.name, "skipped")
    else:
        ctx.report.count(spec.name, outcome)


def _flush(ctx: ImportContext, spec: EntitySpec, pending: Pending, sheet: str) -> None:
    """Write the pending rows: new objects in one ``create_many`` call, the others (updates,
    ambiguous matches) row by row. If the batch service refuses anything, nothing of the
    batch is written (savepoint) and its rows are redone one by one, which names each bad
    row with its column and reason exactly as the row-by-row import always did."""
    if not pending:
        return
    plan = plan_batch(ctx, spec, [data for _n, _c, data in pending])
    batch = [(row, item) for row, (what, item) in zip(pending, plan, strict=True) if what == NEW]
    done: set[int] = set()
    # Rows naming an existing object they would not change (a re-imported file): counted
    # here from the batch's bulk reads, not replayed one by one.
    for (number, _cells, _data), (what, _item) in zip(pending, plan, strict=True):
        if what == UNCHANGED:
            ctx.report.count(spec.name, "unchanged")
            done.add(number)
    if batch:
        try:
            with transaction.atomic():
                objs = spec.create_many(actor=ctx.actor, items=[item for _row, item in batch])
        except Exception:
            pass
        else:
            note_created(ctx, objs)
            for ((number, _cells, _data), _item), _obj in zip(batch, objs, strict=True):
                ctx.report.count(spec.name, "created")
                done.add(number)
    for number, cells, _data in pending:
        if number not in done:
            _apply_one(ctx, spec, number, cells, sheet)


def row_key(spec: EntitySpec, cells: dict[str, Any]) -> tuple | None:
    """The row's identity as written: its id, else its first complete natural key."""
    ident = str(cells.get("id") or "").strip().lower()
    if ident:
        return ("id", ident)
    for key in spec.keys:
        texts = [str(cells.get(name) or "").strip().casefold() for name in key]
        if all(t or name == "clause" for t, name in zip(texts, key, strict=True)):
            return (key[0], *texts)
    return None


def import_csv(ctx: ImportContext, path: Path) -> None:
    name = ctx.report.file
    spec = _csv_spec(ctx, name)
    header, rows = csv_rows(read_csv_text(path, name), name)
    if check_header(ctx, spec, header, ""):
        import_rows(ctx, spec, rows)


def _csv_spec(ctx: ImportContext, name: str) -> EntitySpec:
    entity = ctx.options.get("entity") or name
    spec = spec_for(entity)
    if spec is None:
        raise ImportRefused(
            _("Say which entity this CSV file holds (one of: %(names)s).")
            % {"names": ", ".join(s.name for s in SPECS)},
            file=name,
        )
    return spec


def import_xlsx(ctx: ImportContext, path: Path) -> None:
    name = ctx.report.file
    workbook = open_workbook(path, name)
    try:
        sheets = _ordered_sheets(ctx, workbook)
        ctx.cache["rows_total"] = sum(max((s.max_row or 1) - 1, 0) for s, _spec in sheets)
        for sheet, spec in sheets:
            header, rows = sheet_rows(sheet, name)
            if header and check_header(ctx, spec, header, sheet.title):
                import_rows(ctx, spec, rows, sheet.title)
    finally:
        workbook.close()


def _ordered_sheets(ctx: ImportContext, workbook: Any) -> list[tuple[Any, EntitySpec]]:
    """Sheets in dependency order (parties before commitments …), unknown ones noted."""
    found: list[tuple[Any, EntitySpec]] = []
    forced = spec_for(ctx.options["entity"]) if ctx.options.get("entity") else None
    for sheet in workbook.worksheets:
        spec = forced if forced and len(workbook.worksheets) == 1 else spec_for(sheet.title)
        if spec is None:
            ctx.report.note(_("Sheet not imported: no entity has this name."), sheet=sheet.title)
            ctx.report.dropped(_("sheet %(s)s") % {"s": sheet.title}, _("no entity has this name"))
            continue
        found.append((sheet, spec))
    if not found:
        raise ImportRefused(
            _("No sheet is named after an entity (%(names)s).")
            % {"names": ", ".join(s.name for s in SPECS)},
            file=ctx.report.file,
        )
    order = {spec.name: i for i, spec in enumerate(SPECS)}
    return sorted(found, key=lambda pair: order[pair[1].name])


# ----- exporting -----


def cell_text(value: Any, kind: str = "text") -> str:
    """How a value is written in a file: ISO dates, plain decimals, codes, ``;`` lists."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return f"{LIST_SEPARATOR} ".join(cell_text(v) for v in value)
    return str(value)


def template_csv(spec: EntitySpec) -> str:
    """An empty CSV file with the entity's header (required columns marked in the docs)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([c.name for c in spec.columns])
    return buffer.getvalue()


def write_csv(header: list[str], rows: Iterable[list[str]]) -> str:
    """CSV text; a cell that a spreadsheet would run as a formula gets a leading ``'``
    (undone on import), so an exported file cannot attack whoever opens it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_escape_formula(v) for v in row] for row in rows)
    return buffer.getvalue()


def _escape_formula(value: str) -> str:
    if value and value[0] in FORMULA_STARTS and not _numberlike(value):
        return "'" + value
    return value


def unescape_formula(value: Any) -> Any:
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


def write_xlsx(sheets: Iterable[tuple[str, list[str], Iterable[list[str]]]]) -> bytes:
    """A workbook with one sheet per entity (written in streaming mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([_text_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet: Any, value: str) -> Any:
    """Every cell is text, so a value starting with ``=`` is never run as a formula."""
    if value[:1] != "=":
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _numberlike(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
