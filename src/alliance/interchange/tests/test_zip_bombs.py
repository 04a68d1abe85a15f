"""XLSX zip bombs: refused from the archive's directory, before a byte is inflated, naming the
file; what passes is parsed with memory and processor-time limits, and a web request never
parses a workbook that unpacks to more than it should."""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alliance.interchange import tabular
from alliance.interchange.errors import ImportRefused
from alliance.interchange.models import ImportBatch
from alliance.interchange.tests.helpers import load, row_counts
from alliance.testing import build_world, make_user, tally

PKG = "http://schemas.openxmlformats.org/package/2006"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{MIME}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{MIME}.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{DOC}"><sheets><sheet name="parties" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
ROW = (
    '<row><c t="inlineStr"><is><t>Ministry</t></is></c>'
    '<c t="inlineStr"><is><t>ngo</t></is></c></row>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"
COLS = '<cols><col min="1" max="1" width="12"/></cols>'
CELL_OPEN = '<row><c t="inlineStr"><is><t>'
CELL_CLOSE = "</t></is></c></row>"


def bomb(path: Path, inflated_mb: int, *, shape: str = "rows") -> Path:
    """A real workbook (openpyxl reads it) whose one sheet unpacks to ``inflated_mb``
    megabytes, in one of four shapes: ``rows``, the same short row again and again (costly
    to parse); ``prologue``, short elements before the rows (parsed as the workbook
    opens); ``long_cells``, rows of one megabyte-long cell each (packed about a thousand
    times, as bombs are); ``one_cell``, a single cell of it all (costly to hold).

    Built as an attacker builds one, in a fraction of a second whatever its size: one
    megabyte of the sheet is deflated once, ending on a full flush (which empties the
    compressor's history), so the same compressed block inflates to the same megabyte
    wherever it stands and is simply written ``inflated_mb`` times."""
    head, tail = SHEET_HEAD, SHEET_TAIL
    if shape == "rows":
        chunk = ROW * (2**20 // len(ROW))
    elif shape == "prologue":
        head, tail = SHEET_HEAD.removesuffix("<sheetData>"), "<sheetData/></worksheet>"
        chunk = COLS * (2**20 // len(COLS))
    elif shape == "long_cells":
        chunk = CELL_OPEN + "A" * (2**20 - 60) + CELL_CLOSE
    else:
        head, chunk, tail = head + CELL_OPEN, "A" * 2**20, CELL_CLOSE + tail
    head_bytes, chunk_bytes, tail_bytes = head.encode(), chunk.encode(), tail.encode()
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    blocks = [
        deflate.compress(head_bytes) + deflate.flush(zlib.Z_FULL_FLUSH),
        deflate.compress(chunk_bytes) + deflate.flush(zlib.Z_FULL_FLUSH),
        deflate.compress(tail_bytes) + deflate.flush(zlib.Z_FINISH),
    ]
    crc = _crc32_combine(zlib.crc32(head_bytes), _crc32_repeated(chunk_bytes, inflated_mb), 0)
    size = len(chunk_bytes) * inflated_mb
    crc = _crc32_combine(crc, zlib.crc32(tail_bytes), len(tail_bytes))
    sheet = (
        "xl/worksheets/sheet1.xml",
        crc,
        [blocks[0], *[blocks[1]] * inflated_mb, blocks[2]],
        len(head_bytes) + size + len(tail_bytes),
    )
    parts = [
        (name, zlib.crc32(text.encode()), [_deflated(text.encode())], len(text.encode()))
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        )
    ]
    _write_zip(path, [*parts, sheet])
    return path


def _crc32_repeated(data: bytes, times: int) -> tuple[int, int]:
    """The CRC-32 and length of ``data`` repeated ``times`` times, by doubling."""
    result, length = 0, 0
    power, power_length = zlib.crc32(data), len(data)
    while times:
        if times & 1:
            result = _crc32_combine(result, power, power_length) if length else power
            length += power_length
        power = _crc32_combine(power, power, power_length)
        power_length *= 2
        times >>= 1
    return result, length


def _crc32_combine(crc1: int, crc2: int | tuple[int, int], len2: int) -> int:
    """zlib's crc32_combine: the CRC of A + B from the CRCs of A and B and B's length
    (``crc2`` may be a (crc, length) pair)."""
    if isinstance(crc2, tuple):
        crc2, len2 = crc2
    if len2 == 0:
        return crc1

    def times(matrix: list[int], vector: int) -> int:
        total, i = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[i]
            vector >>= 1
            i += 1
        return total

    def square(matrix: list[int]) -> list[int]:
        return [times(matrix, matrix[n]) for n in range(32)]

    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = square(odd)
    odd = square(even)
    while True:
        even = square(odd)
        if len2 & 1:
            crc1 = times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = square(even)
        if len2 & 1:
            crc1 = times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def _deflated(data: bytes) -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflate.compress(data) + deflate.flush()


def _write_zip(path: Path, members: list[tuple[str, int, list[bytes], int]]) -> None:
    """A zip archive of deflated members (APPNOTE 4.3: local headers, central directory,
    end record); sizes stay under 4 GB, so no zip64 records."""
    directory = b""
    with path.open("wb") as out:
        for name, crc, blocks, size in members:
            offset = out.tell()
            packed = sum(len(b) for b in blocks)
            fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, packed, size)
            out.write(b"PK\x03\x04" + fields + struct.pack("<HH", len(name), 0) + name.encode())
            for b in blocks:
                out.write(b)
            directory += (
                b"PK\x01\x02"
                + struct.pack("<H", 20)
                + fields
                + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset)
                + name.encode()
            )
        start = out.tell()
        out.write(directory)
        out.write(
            b"PK\x05\x06"
            + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(directory), start, 0)
        )


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture(scope="module")
def big_bomb(tmp_path_factory) -> Path:
    """About 1 MB on disk, 900 MB unpacked, like the bomb of the finding (3.6 MB)."""
    return bomb(tmp_path_factory.mktemp("bombs") / "budget.xlsx", 900, shape="long_cells")


def test_a_bomb_under_two_megabytes_is_refused_at_once_naming_the_file(admin, big_bomb):
    path = big_bomb
    assert path.stat().st_size < 2 * 2**20
    before = row_counts()
    started = time.monotonic()
    report = load(path, admin)
    tally("zip.refused")
    assert time.monotonic() - started < 10
    assert not report.ok and row_counts() == before
    error = report.errors[0]
    assert error.file == "budget.xlsx"
    assert "xl/worksheets/sheet1.xml" in error.reason and "zip bomb" in error.reason


def test_a_member_over_the_size_limit_is_refused_whatever_its_ratio(tmp_path, settings):
    settings.INTERCHANGE_MAX_MEMBER_BYTES = 4 * 2**20
    settings.INTERCHANGE_MAX_ZIP_RATIO = 10_000
    with pytest.raises(ImportRefused) as refused:
        tabular.check_archive(bomb(tmp_path / "wide.xlsx", inflated_mb=6), "wide.xlsx")
    tally("zip.refused")
    assert refused.value.problem.file == "wide.xlsx"
    assert "xl/worksheets/sheet1.xml" in str(refused.value) and "4 MB" in str(refused.value)


def test_an_ordinary_workbook_passes_the_archive_checks(tmp_path):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("commitments")
    sheet.append(["agreement", "title", "owed_by", "due_on"])
    for i in range(20_000):
        sheet.append(["AGR-1", f"Deliver report {i % 10}", "Ministry", "2026-01-01"])
    path = tmp_path / "ordinary.xlsx"
    book.save(path)
    assert tabular.check_archive(path, "ordinary.xlsx") > 2**20
    tally("zip.ordinary")


def test_the_reading_process_has_a_memory_limit(admin, tmp_path, settings):
    """A workbook that passes the archive checks but needs more memory than allowed is
    refused with the limit named; the importer's own process is not touched."""
    settings.INTERCHANGE_MAX_ZIP_RATIO = 10_000
    settings.INTERCHANGE_READER_MEMORY_MB = 300
    path = bomb(tmp_path / "heavy.xlsx", inflated_mb=500, shape="one_cell")
    report = load(path, admin)
    tally("zip.refused")
    assert not report.ok
    assert report.errors[0].file == "heavy.xlsx"
    assert "300 MB" in report.errors[0].reason


def test_the_reading_process_has_a_time_limit(admin, tmp_path, settings):
    settings.INTERCHANGE_MAX_ZIP_RATIO = 10_000
    settings.INTERCHANGE_READER_CPU_SECONDS = 1
    # Costly before the rows: what openpyxl parses as it opens the workbook.
    path = bomb(tmp_path / "slow.xlsx", inflated_mb=30, shape="prologue")
    started = time.monotonic()
    report = load(path, admin)
    tally("zip.refused")
    assert time.monotonic() - started < 30
    assert not report.ok
    assert report.errors[0].file == "slow.xlsx"
    assert "1 seconds" in report.errors[0].reason


def test_a_web_request_hands_a_workbook_that_unpacks_large_to_the_worker(
    db, client, tmp_path, settings
):
    """Past the ratio check (set loose here), a small upload that unpacks to more than a
    request should parse is queued for the task worker instead of parsed in the request."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.INTERCHANGE_MAX_ZIP_RATIO = 10_000
    settings.INTERCHANGE_REQUEST_UNZIPPED_BYTES = 4 * 2**20
    world = build_world()
    client.force_login(world.owner)
    path = bomb(tmp_path / "repetitive.xlsx", inflated_mb=6)
    upload = SimpleUploadedFile("repetitive.xlsx", path.read_bytes())
    url = reverse("interchange:import")
    started = time.monotonic()
    client.post(url, {"file": upload})
    tally("zip.queued")
    assert time.monotonic() - started < 5
    assert ImportBatch.objects.get().status == "previewing"


def test_a_bomb_uploaded_through_the_page_is_refused_naming_the_file(
    db, client, tmp_path, settings, big_bomb
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    client.force_login(world.owner)
    path = big_bomb
    upload = SimpleUploadedFile("budget.xlsx", path.read_bytes())
    url = reverse("interchange:import")
    started = time.monotonic()
    response = client.post(url, {"file": upload})
    tally("zip.refused")
    assert time.monotonic() - started < 5
    batch = ImportBatch.objects.get()
    assert batch.status == "refused"
    page = client.get(response.url).content.decode()
    assert "budget.xlsx" in page and "zip bomb" in page
