"""Malicious, broken and oversized files: a clear reason, and not one row written."""

from __future__ import annotations

from collections import deque

import pytest

from alliance.interchange import jsonio, tabular
from alliance.interchange.engine import run_import
from alliance.interchange.tests.helpers import DATA, load, row_counts, write
from alliance.testing import make_user

XXE = """<?xml version="1.0"?>
<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&xxe;</iati-identifier>
</iati-activity></iati-activities>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<iati-activities version="2.03"><iati-activity><iati-identifier>&lol3;</iati-identifier>
</iati-activity></iati-activities>"""

V1 = """<iati-activities version="1.03"><iati-activity><iati-identifier>X-1</iati-identifier>
</iati-activity></iati-activities>"""


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


def refused(admin, path, **options):
    before = row_counts()
    report = load(path, admin, **options)
    assert not report.ok and not report.committed
    assert row_counts() == before
    assert "Unexpected" not in report.errors[0].reason
    return report.errors[0]


@pytest.mark.parametrize("content", [XXE, LAUGHS])
def test_xml_with_entities_is_refused_for_safety(admin, tmp_path, content):
    error = refused(admin, write(tmp_path, "evil.xml", content))
    assert "DTD" in error.reason


def test_iati_1x_file_is_refused_with_its_version(admin, tmp_path):
    error = refused(admin, write(tmp_path, "old.xml", V1))
    assert "1.03" in error.reason and "2.0x" in error.reason


def test_truncated_xml_names_the_line(admin, tmp_path):
    text = (DATA / "iati" / "worldbank-activity.xml").read_text()
    error = refused(admin, write(tmp_path, "cut.xml", text[: len(text) // 2]))
    assert "truncated" in error.reason and error.row


NAN_PROJECT = """{"id": "p-1", "title": "Bridge", "period": {"startDate": "2024-01-01"},
"parties": [{"id": "G", "name": "Ministry", "roles": ["publicAuthority"],
"address": {"countryName": "Senegal"}}], "budget": {"amount": {"amount": %s,
"currency": "XOF"}}}"""


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_that_are_not_numbers_are_refused(admin, tmp_path, constant):
    error = refused(admin, write(tmp_path, "nan.json", NAN_PROJECT % constant))
    assert constant.lstrip("-") in error.reason


def test_the_word_nan_in_a_text_is_read(admin, tmp_path):
    text = NAN_PROJECT.replace('"Bridge"', '"NaN and Infinity bridge"') % "1000"
    report = load(write(tmp_path, "words.json", text), admin)
    assert report.committed, report.lines()


def test_truncated_json_names_the_line(admin, tmp_path):
    text = (DATA / "oc4ids" / "example-fictional-m75.json").read_text()
    error = refused(admin, write(tmp_path, "cut.json", text[:5000]))
    assert "JSON" in error.reason and error.row


def test_json_that_is_neither_standard_is_refused(admin, tmp_path):
    error = refused(admin, write(tmp_path, "x.json", '{"hello": "world"}'))
    assert "OC4IDS" in error.reason


def test_oc4ids_project_without_country_asks_for_one(admin, tmp_path):
    project = '{"id": "p-1", "title": "T", "period": {"startDate": "2020-01-01T00:00:00Z"}}'
    error = refused(admin, write(tmp_path, "p.json", project))
    assert "--country" in error.reason
    report = load(write(tmp_path, "p.json", project), admin, country="SN")
    assert report.committed, report.lines()


def test_ocds_future_payment_is_an_impossible_date(admin, tmp_path):
    release = {
        "ocid": "ocds-x-1",
        "id": "1",
        "date": "2020-01-01T00:00:00Z",
        "tag": ["contract"],
        "buyer": {"id": "B", "name": "Buyer", "address": {"countryName": "SN"}},
        "awards": [{"id": "a", "suppliers": [{"id": "S", "name": "Supplier"}]}],
        "contracts": [
            {
                "id": "c",
                "awardID": "a",
                "period": {"startDate": "2020-01-01T00:00:00Z", "endDate": "2020-12-31T00:00:00Z"},
                "implementation": {
                    "transactions": [
                        {
                            "id": "t",
                            "date": "2999-01-01T00:00:00Z",
                            "value": {"amount": 5, "currency": "XOF"},
                        }
                    ]
                },
            }
        ],
    }
    import json

    error = refused(admin, write(tmp_path, "r.json", json.dumps({"releases": [release]})))
    assert "future" in error.reason and "transactions[0]" in error.column


def test_huge_files_are_refused_before_reading(admin, tmp_path, monkeypatch):
    monkeypatch.setattr(jsonio, "MAX_JSON_BYTES", 1000)
    monkeypatch.setattr(tabular, "MAX_TABULAR_BYTES", 1000)
    error = refused(admin, DATA / "oc4ids" / "example-fictional-m75.json")
    assert "MB" in error.reason
    path = write(tmp_path, "parties.csv", "name,kind,country\n" + "A,ngo,SN\n" * 500)
    assert "MB" in refused(admin, path).reason


def test_large_iati_is_streamed_with_flat_memory(admin, tmp_path, monkeypatch):
    """Each activity is freed once read: the tree never holds more than one at a time."""
    from alliance.interchange import iati

    activity = (DATA / "iati" / "canada-activity.xml").read_text()
    body = activity[activity.index("<iati-activity ") : activity.index("</iati-activities>")]
    path = write(
        tmp_path, "many.xml", '<iati-activities version="2.03">' + body * 500 + "</iati-activities>"
    )
    held: list[int] = []
    # Read every activity, write none (the writes are batched and measured elsewhere).
    monkeypatch.setattr(iati, "apply_projects", lambda ctx, projects: deque(projects, 0))
    original = iati._activity

    def spy(ctx, element, number):
        held.append(len(element.getparent()))
        return original(ctx, element, number)

    monkeypatch.setattr(iati, "_activity", spy)
    report = run_import(path, actor=admin, dry_run=True)
    assert report.ok, report.lines()
    # libxml2 reads ahead a little, but what is held never grows with the file.
    assert len(held) == 500 and max(held) <= 10
