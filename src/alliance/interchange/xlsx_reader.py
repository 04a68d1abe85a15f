"""Reading a large XLSX workbook in another process while this one writes.

openpyxl parses a sheet in pure Python: for a 100,000-row sheet that is a quarter of the
import's time, spent on one core while the other waits. ``BackgroundWorkbook`` runs
openpyxl (read-only, streamed) in a child process and hands the rows over a pipe, a few
hundred at a time; the importer writes one batch while the child parses the next. The
pipe's buffer bounds what is held in memory: the child blocks until rows are taken.

It offers what ``tabular`` uses of openpyxl's read-only workbook (``worksheets``, each
with ``title``, ``max_row`` and ``iter_rows(values_only=True)``, and ``close``), one sheet
at a time, in the order they are read. This module imports nothing of Django: the child
is started with ``spawn`` and loads only openpyxl.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import resource
import signal
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

ROWS_PER_MESSAGE = 500


class ReaderFailed(Exception):
    """The child could not read the workbook (``stage`` is ``load`` or ``sheet``)."""

    def __init__(self, stage: str, detail: str) -> None:
        super().__init__(f"{stage}: {detail}")
        self.stage = stage
        self.detail = detail


def load_read_only(path: Any) -> Any:
    """``openpyxl.load_workbook(path, read_only=True, data_only=True)``, without reading
    every row of a sheet that has no ``<dimension>`` one extra time.

    openpyxl looks for a read-only sheet's ``<dimension>`` as it opens the workbook, by
    parsing the sheet until the *end* of ``<sheetData>``: a sheet without one (openpyxl's
    own write-only workbooks — Alliance's exports —, many generators) is parsed in full
    just to learn that, before the rows are read again. The element can only stand before
    ``<sheetData>`` (the schema's order), so looking until its *start* finds the same
    dimension, or the same absence."""
    from openpyxl import load_workbook
    from openpyxl.reader import excel

    excel.ReadOnlyWorksheet = _sized_from_prologue()
    return load_workbook(path, read_only=True, data_only=True)


@functools.cache
def _sized_from_prologue() -> type:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    class Worksheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            source = self._get_source()
            try:
                for _event, element in iterparse(source, events=("start",)):
                    if element.tag == DIMENSION_TAG:
                        dimensions = SheetDimension.from_tree(element).boundaries
                        if dimensions is not None:
                            (self._min_column, self._min_row, self._max_column,
                             self._max_row) = dimensions  # fmt: skip
                        return
                    if element.tag == DATA_TAG:
                        return
            finally:
                source.close()

    return Worksheet


def _limit_self(memory_bytes: int | None, cpu_seconds: int | None) -> None:
    """Bound what parsing may cost: past ``memory_bytes`` of address space an allocation
    fails (MemoryError), past ``cpu_seconds`` of processor time the kernel stops the
    process (SIGXCPU). A workbook built to exhaust either fails alone, not the importer."""
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def _serve(
    path: str, conn: Connection, memory_bytes: int | None = None, cpu_seconds: int | None = None
) -> None:
    """The child: open the workbook, send the sheets' titles and sizes, then stream each
    sheet asked for until told to stop."""
    try:
        _limit_self(memory_bytes, cpu_seconds)
        book = load_read_only(path)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        conn.send(("error", "load", type(exc).__name__))
        return
    try:
        conn.send(("sheets", [(s.title, s.max_row) for s in book.worksheets]))
        while (title := conn.recv()) is not None:
            try:
                chunk: list[tuple[Any, ...]] = []
                for cells in book[title].iter_rows(values_only=True):
                    chunk.append(cells)
                    if len(chunk) >= ROWS_PER_MESSAGE:
                        conn.send(("rows", chunk))
                        chunk = []
                conn.send(("rows", chunk))
                conn.send(("end", None))
            except Exception as exc:
                conn.send(("error", "sheet", type(exc).__name__))
    except (EOFError, BrokenPipeError):
        pass  # the importer stopped early
    finally:
        book.close()


class BackgroundSheet:
    def __init__(self, book: BackgroundWorkbook, title: str, max_row: int | None) -> None:
        self._book = book
        self.title = title
        self.max_row = max_row

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple[Any, ...]]:
        return self._book._rows(self.title)


class BackgroundWorkbook:
    """openpyxl's read-only workbook, read by a child process (see the module)."""

    def __init__(
        self, path: str, *, memory_bytes: int | None = None, cpu_seconds: int | None = None
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_conn = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(path, child_conn, memory_bytes, cpu_seconds), daemon=True
        )
        self._process.start()
        child_conn.close()
        kind, *payload = self._receive()
        if kind == "error":
            self.close()
            raise ReaderFailed(payload[0], payload[1])
        self.worksheets = [BackgroundSheet(self, title, size) for title, size in payload[0]]
        self._streaming = False  # a sheet's rows are on their way (perhaps not all read)

    def _receive(self) -> tuple[Any, ...]:
        try:
            return self._conn.recv()
        except (EOFError, OSError) as exc:
            self._process.join(timeout=5)
            if self._process.exitcode == -signal.SIGXCPU:
                raise ReaderFailed("sheet", "time") from exc
            if self._process.exitcode == -signal.SIGKILL:
                raise ReaderFailed("sheet", "MemoryError") from exc
            raise ReaderFailed("sheet", "the reading process stopped") from exc

    def _rows(self, title: str) -> Iterator[tuple[Any, ...]]:
        self._drain()
        self._conn.send(title)
        self._streaming = True
        while True:
            kind, *payload = self._receive()
            if kind in ("end", "error"):
                self._streaming = False
                if kind == "error":
                    raise ReaderFailed(payload[0], payload[1])
                return
            yield from payload[0]

    def _drain(self) -> None:
        """Skip what is left of a sheet the importer stopped reading (a refused header)."""
        while self._streaming:
            kind, *_payload = self._receive()
            self._streaming = kind not in ("end", "error")

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._conn.send(None)
        self._conn.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
