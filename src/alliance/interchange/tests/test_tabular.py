"""CSV and XLSX: preview, all-or-nothing import, stable keys, errors that name their place,
exports through the access policy, and round trips into an empty database."""

from __future__ import annotations

import io
import multiprocessing
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from alliance.engagement.services import interaction_log
from alliance.interchange import exports, tabular
from alliance.interchange.engine import run_import
from alliance.interchange.tests.helpers import empty_database as _empty_database
from alliance.interchange.tests.helpers import load, row_counts, write
from alliance.partnerships import services as ps
from alliance.partnerships.models import Commitment, Party
from alliance.testing import build_world

COMMITMENTS_CSV = (
    "agreement,title,category,owed_by,owed_to,due_on,clause,status,delivered_on,evidence\n"
    "Corridor agreement,Land survey,technical,Ministry X,Lender Y,31/03/2025,4.1,,,\n"
    "Corridor agreement,Quarterly report,reporting,Lender Y,Ministry X,15.06.2025,7.2,,,\n"
    "Corridor agreement,Escrow funded,financial,Lender Y,Ministry X,2025-04-30,5.1,delivered,"
    "30 avril 2025,Bank letter\n"
)


@pytest.fixture
def world(db):
    return build_world()


def test_preview_reports_what_would_happen_and_writes_nothing(world, tmp_path):
    path = write(tmp_path, "commitments.csv", COMMITMENTS_CSV)
    before = row_counts()
    report = run_import(path, actor=world.owner, dry_run=True)
    assert report.ok, report.lines()
    assert report.counts["commitments"]["created"] == 3
    assert row_counts() == before


def test_import_creates_then_reimport_changes_nothing(world, tmp_path):
    path = write(tmp_path, "commitments.csv", COMMITMENTS_CSV)
    report = load(path, world.owner)
    assert report.committed, report.lines()
    escrow = Commitment.objects.get(title="Escrow funded")
    assert escrow.status == "delivered"
    assert escrow.delivered_on == date(2025, 4, 30)
    assert Commitment.objects.get(title="Quarterly report").due_on == date(2025, 6, 15)
    counts = row_counts()
    again = load(path, world.owner)
    assert again.counts["commitments"] == {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0}
    assert row_counts() == counts


def test_changed_row_updates_through_the_service(world, tmp_path):
    load(write(tmp_path, "commitments.csv", COMMITMENTS_CSV), world.owner)
    changed = COMMITMENTS_CSV.replace("31/03/2025", "30/04/2025")
    report = load(write(tmp_path, "commitments.csv", changed), world.owner)
    assert report.counts["commitments"]["updated"] == 1
    assert Commitment.objects.get(title="Land survey").due_on == date(2025, 4, 30)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_parties_in_any_common_encoding(world, tmp_path, encoding):
    text = "name;kind;country;decision_cycle_days\nSociété Énergie;local_firm;Sénégal;1 000\n"
    text = text.replace("Sénégal", "SN").replace("1 000", "30")
    path = write(tmp_path, "parties.csv", text.encode(encoding))
    report = load(path, world.admin)
    assert report.committed, report.lines()
    assert Party.objects.get(name="Société Énergie").decision_cycle_days == 30


def _refused(world, tmp_path, name, content, **options):
    before = row_counts()
    report = load(write(tmp_path, name, content), world.owner, **options)
    assert not report.ok
    assert not report.committed
    assert row_counts() == before
    return report


def test_every_bad_row_is_reported_with_row_column_and_reason(world, tmp_path):
    bad = COMMITMENTS_CSV.replace("Lender Y,31/03/2025", "Nobody Inc,31/03/2025").replace(
        "15.06.2025", "45.06.2025"
    )
    report = _refused(world, tmp_path, "commitments.csv", bad)
    places = {(e.row, e.column) for e in report.errors}
    assert (2, "owed_to") in places  # unknown reference
    assert (3, "due_on") in places  # impossible date
    assert any("Nobody Inc" in e.reason for e in report.errors)


def test_missing_required_column_is_refused(world, tmp_path):
    text = "agreement,title,category,owed_to,due_on\n"
    text += "Corridor agreement,X,technical,Lender Y,2025-01-01\n"
    report = _refused(world, tmp_path, "commitments.csv", text)
    assert report.errors[0].column == "owed_by"
    assert "missing" in report.errors[0].reason


def test_delivery_in_the_future_is_refused(world, tmp_path):
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    text = COMMITMENTS_CSV.replace("30 avril 2025", future)
    report = _refused(world, tmp_path, "commitments.csv", text)
    assert report.errors[0].column == "delivered_on"
    assert "future" in report.errors[0].reason


def test_duplicate_key_is_refused(world, tmp_path):
    text = "name,kind,country\nBrand New,government,SN\nOther,lender,FR\nbrand new ,lender,FR\n"
    report = _refused(world, tmp_path, "parties.csv", text)
    assert (report.errors[0].row, report.errors[0].column) == (4, "name")
    assert "row 2" in report.errors[0].reason


def test_wrong_format_truncated_and_binary_files_are_refused(world, tmp_path):
    assert "XLSX" in _refused(world, tmp_path, "x.xlsx", b"PK\x03\x04broken").errors[0].reason
    assert _refused(
        world, tmp_path, "parties.csv", "name,kind,country\n".encode("utf-16-le")
    ).errors
    report = _refused(world, tmp_path, "unknown.dat", b"\x00\x01\x02")
    assert "format" in report.errors[0].reason or "NUL" in report.errors[0].reason


def test_a_rep_cannot_import_into_what_they_may_not_change(world, tmp_path):
    report = load(write(tmp_path, "commitments.csv", COMMITMENTS_CSV), world.rep_x)
    assert not report.ok
    assert not Commitment.objects.filter(title="Land survey").exists()


def _rich_world(world):
    ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_y],
        title="Permit filed",
        category="regulatory",
        due_on=date(2025, 5, 1),
        duration_optimistic=5,
        duration_likely=10,
        duration_pessimistic=20,
    )
    interaction_log(
        actor=world.counsellor,
        agreement=world.agreement,
        parties=[world.party_x, world.party_y],
        kind="meeting",
        occurred_on=date(2025, 2, 3),
        summary="Internal read-out: the minister hesitates",
        confidentiality="internal",
    )
    interaction_log(
        actor=world.owner,
        agreement=world.agreement,
        parties=[world.party_x],
        kind="call",
        occurred_on=date(2025, 2, 4),
        summary="Shared call about the survey",
        tone=1,
    )


def test_party_representative_export_leaves_out_internal_items(world):
    _rich_world(world)
    team = exports.export_csv(world.counsellor, "interactions", [world.agreement.pk])
    rep = exports.export_csv(world.rep_x, "interactions", [world.agreement.pk])
    assert "the minister hesitates" in team
    assert "the minister hesitates" not in rep
    assert "Shared call about the survey" in rep
    assert exports.export_csv(world.outsider, "interactions").count("\n") == 1


def test_csv_round_trip_gives_the_same_files(world, tmp_path):
    _rich_world(world)
    names = [
        n
        for n in (
            "parties",
            "people",
            "agreements",
            "participations",
            "commitments",
            "interactions",
        )
    ]
    first = {n: exports.export_csv(world.admin, n, [world.agreement.pk]) for n in names}
    admin = _empty_database()
    for name in names:
        report = load(write(tmp_path, f"{name}.csv", first[name]), admin)
        assert report.committed, report.lines()
    from alliance.partnerships.models import Agreement

    again = {n: exports.export_csv(admin, n, [Agreement.objects.get().pk]) for n in names}
    assert again == first


@pytest.mark.parametrize("background", [False, True], ids=["in-process", "child-process"])
def test_xlsx_round_trip_gives_the_same_workbook(world, tmp_path, monkeypatch, background):
    if background:  # read by a child process, as large workbooks are
        monkeypatch.setattr(tabular, "BACKGROUND_READ_BYTES", 0)
    _rich_world(world)
    first = exports.export_xlsx(world.admin, [world.agreement.pk])
    admin = _empty_database()
    report = load(write(tmp_path, "all.xlsx", first), admin)
    assert report.committed, report.lines()
    from alliance.partnerships.models import Agreement

    second = exports.export_xlsx(admin, [Agreement.objects.get().pk])
    assert _sheets(first) == _sheets(second)


def _sheets(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


def test_xlsx_with_french_dates_and_numbers(world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Local indicators"
    sheet.append(["agreement", "kind", "name", "unit", "target", "target_on"])
    sheet.append(
        ["Corridor agreement", "Local hires", "Local staff", "people", "1 200,50", "31/12/2026"]
    )
    sheet.append(["Corridor agreement", "training", "Trainees", "people", 40, date(2026, 6, 30)])
    buffer = io.BytesIO()
    book.save(buffer)
    report = load(write(tmp_path, "indicators.xlsx", buffer.getvalue()), world.owner)
    assert report.committed, report.lines()
    from alliance.risks.models import LocalIndicator

    assert LocalIndicator.objects.get(name="Local staff").target == 1200.50


def test_formula_cells_are_defused_in_csv_and_come_back_intact(world, tmp_path):
    ps.person_create(actor=world.admin, party=world.party_x, name="=HYPERLINK(evil)")
    text = exports.export_csv(world.admin, "people", [world.agreement.pk])
    assert "'=HYPERLINK(evil)" in text


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_child_reader_skips_the_rest_of_a_refused_sheet(world, tmp_path, monkeypatch):
    """A sheet refused at its header leaves rows in the pipe: the next sheet still reads."""
    monkeypatch.setattr(tabular, "BACKGROUND_READ_BYTES", 0)
    content = _workbook(
        {
            "parties": [["name", "kind"]] + [[f"Org {i}", "ngo"] for i in range(1200)],
            "people": [["party", "name"], ["Ministry X", "Fatou Sow"]],
        }
    )
    before = row_counts()
    report = load(write(tmp_path, "two.xlsx", content), world.owner)
    assert [(e.sheet, e.column) for e in report.errors] == [("parties", "country")]
    assert row_counts() == before
    monkeypatch.setattr(tabular, "BACKGROUND_READ_BYTES", 10**12)
    in_process = load(write(tmp_path, "two.xlsx", content), world.owner)
    assert in_process.as_dict()["errors"] == report.as_dict()["errors"]
    assert multiprocessing.active_children() == []


def test_child_reader_names_a_damaged_sheet(world, tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "BACKGROUND_READ_BYTES", 0)
    rows = [["name", "kind", "country"]] + [[f"Org {i}", "ngo", "SN"] for i in range(3000)]
    content = _workbook({"parties": rows})
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(damaged, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]  # cut in the middle of the rows
            out.writestr(item, data)
    report = _refused(world, tmp_path, "cut.xlsx", damaged.getvalue())
    assert report.errors[0].sheet == "parties"
    assert "damaged" in report.errors[0].reason
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("write_only", [True, False], ids=["no-dimension", "dimension"])
def test_a_workbook_opens_with_openpyxl_s_own_sizes_and_rows(tmp_path, write_only):
    """``load_read_only`` looks for a sheet's ``<dimension>`` only before its rows (a
    write-only workbook, like Alliance's exports, has none): the same sizes and rows as
    openpyxl's own read-only loading."""
    from openpyxl.reader import excel
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    from alliance.interchange.xlsx_reader import load_read_only

    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("parties") if write_only else book.active
    for i in range(50):
        sheet.append([f"Organisation {i}", i, None if i % 7 else "x"])
    path = tmp_path / "parties.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        has_dimension = b"<dimension" in archive.read("xl/worksheets/sheet1.xml")
    assert has_dimension is not write_only

    ours = load_read_only(path)
    assert all(type(s) is not ReadOnlyWorksheet for s in ours.worksheets)
    excel.ReadOnlyWorksheet = ReadOnlyWorksheet
    theirs = load_workbook(path, read_only=True, data_only=True)
    for mine, own in zip(ours.worksheets, theirs.worksheets, strict=True):
        sizes = ("min_row", "max_row", "min_column", "max_column")
        assert [getattr(mine, s) for s in sizes] == [getattr(own, s) for s in sizes]
        assert list(mine.iter_rows(values_only=True)) == list(own.iter_rows(values_only=True))
    ours.close()
    theirs.close()
