"""Defects a data officer found on real publications (issue 13), each reproduced with files
built from the standards: a DTD anywhere, empty files, ``--agreement`` on a known project,
OC4IDS contracting processes that only link to their OCDS releases."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alliance.interchange.engine import run_import
from alliance.interchange.tests.helpers import load, row_counts, write
from alliance.partnerships.models import Agreement, Commitment
from alliance.testing import make_user


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


ACTIVITY = """<iati-activity><iati-identifier>XM-DAC-1-A</iati-identifier>
<title><narrative>A</narrative></title>
<participating-org role="1" ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative>
</participating-org>
<recipient-country code="GH"/><activity-date type="2" iso-date="2020-01-01"/>
<transaction><transaction-type code="2"/><transaction-date iso-date="2020-01-02"/>
<value>&ent;</value></transaction></iati-activity>"""


def _iati_with_dtd_after(padding: int) -> str:
    comment = "<!--" + "x" * padding + "-->\n"
    return (
        '<?xml version="1.0"?>\n'
        + comment
        + '<!DOCTYPE iati-activities [<!ENTITY ent "100">]>\n'
        + f'<iati-activities version="2.03">{ACTIVITY}</iati-activities>'
    )


@pytest.mark.parametrize("padding", [10, 70_000, 300_000])
@pytest.mark.parametrize("validate", [False, True])
def test_a_dtd_anywhere_in_the_prolog_is_refused(admin, tmp_path, padding, validate):
    before = row_counts()
    path = write(tmp_path, "late-dtd.xml", _iati_with_dtd_after(padding))
    report = load(path, admin, **({"validate": True} if validate else {}))
    assert not report.ok and row_counts() == before
    assert "DTD" in report.errors[0].reason


def test_an_external_dtd_after_a_long_comment_is_refused(admin, tmp_path):
    content = (
        '<?xml version="1.0"?>\n<!--' + "y" * 100_000 + "-->\n"
        '<!DOCTYPE iati-activities SYSTEM "http://example.invalid/iati.dtd">\n'
        '<iati-activities version="2.03"><iati-activity/></iati-activities>'
    )
    report = load(write(tmp_path, "ext.xml", content), admin)
    assert not report.ok and "DTD" in report.errors[0].reason


@pytest.mark.parametrize("name", ["empty.json", "empty.xml", "empty.csv", "empty.xlsx"])
def test_an_empty_file_says_it_is_empty(admin, tmp_path, name):
    report = load(write(tmp_path, name, b""), admin)
    assert not report.ok
    assert report.errors[0].reason == "The file is empty (0 bytes): there is nothing to import."


def project(**extra: Any) -> dict[str, Any]:
    return {
        "id": "oc4ids-bridge",
        "title": "River bridge",
        "updated": "2024-01-10T00:00:00Z",
        "period": {"startDate": "2023-01-01T00:00:00Z", "endDate": "2027-12-31T00:00:00Z"},
        "parties": [
            {"id": "MX-MOT", "name": "Ministry of Transport", "roles": ["publicAuthority"],
             "address": {"countryName": "Mexico"}},
            {"id": "MX-RFC-ABC", "name": "Constructora Norte", "roles": ["supplier"],
             "address": {"countryName": "Mexico"}},
        ],
        "contractingProcesses": [
            {"id": "Release-ocds-abc123-LO-1",
             "releases": [{"id": "ocds-abc123-LO-1-v001", "date": "2023-03-01T00:00:00Z",
                           "tag": "contract", "url": "https://example.invalid/r.json"}]}
        ],
        **extra,
    }  # fmt: skip


def release(**extra: Any) -> dict[str, Any]:
    return {
        "ocid": "ocds-abc123-LO-1",
        "id": "ocds-abc123-LO-1-v001",
        "date": "2023-03-01T00:00:00Z",
        "tag": ["contract"],
        "initiationType": "tender",
        "parties": [
            {"id": "MX-MOT", "name": "Ministry of Transport", "roles": ["buyer"],
             "address": {"countryName": "Mexico"}},
            {"id": "MX-RFC-ABC", "name": "Constructora Norte", "roles": ["supplier"],
             "address": {"countryName": "Mexico"}},
        ],
        "buyer": {"id": "MX-MOT", "name": "Ministry of Transport"},
        "tender": {"id": "LO-1", "title": "Bridge deck works"},
        "awards": [{"id": "a1", "suppliers": [{"id": "MX-RFC-ABC", "name": "Constructora Norte"}]}],
        "contracts": [
            {"id": "c1", "awardID": "a1", "title": "Deck", "dateSigned": "2023-03-01T00:00:00Z",
             "period": {"startDate": "2023-04-01T00:00:00Z", "endDate": "2025-06-30T00:00:00Z"},
             "value": {"amount": 1000000, "currency": "MXN"}}
        ],
        **extra,
    }  # fmt: skip


def package(*releases: dict[str, Any]) -> str:
    return json.dumps(
        {
            "uri": "https://example.invalid/p.json",
            "publishedDate": "2024-01-01T00:00:00Z",
            "version": "1.1",
            "publisher": {"name": "Test"},
            "releases": list(releases),
        }
    )


def test_oc4ids_contracting_process_goes_into_its_project(admin, tmp_path):
    report = load(write(tmp_path, "project.json", json.dumps(project())), admin)
    assert report.committed, report.lines()
    assert any("ocds-abc123-LO-1" in note.reason for note in report.notes)
    agreement = Agreement.objects.get(title="River bridge")
    report = load(write(tmp_path, "releases.json", package(release())), admin)
    assert report.committed, report.lines()
    assert Agreement.objects.count() == 1
    agreement.refresh_from_db()
    assert agreement.title == "River bridge"  # the project's own fields stay
    contract = Commitment.objects.get(title="Contract: Deck")
    assert contract.agreement == agreement
    assert contract.owed_by.name == "Constructora Norte"
    before = row_counts()
    again = load(write(tmp_path, "releases.json", package(release())), admin)
    assert again.ok and again.total("created") == again.total("updated") == 0
    assert row_counts() == before


def test_agreement_option_on_an_imported_project_is_stated(admin, tmp_path):
    load(write(tmp_path, "project.json", json.dumps(project())), admin)
    other = load(
        write(tmp_path, "other.json", json.dumps(project(id="other", title="Other road"))), admin
    )
    assert other.committed
    chosen = Agreement.objects.get(title="Other road")
    report = run_import(tmp_path / "project.json", actor=admin, agreement=chosen, dry_run=False)
    assert report.committed, report.lines()
    assert any("not used for it" in note.reason for note in report.notes)
    chosen.refresh_from_db()
    assert chosen.title == "Other road"
    assert Agreement.objects.filter(title="River bridge").exists()
