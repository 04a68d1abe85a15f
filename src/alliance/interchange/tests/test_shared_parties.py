"""An organisation that two standards name is one party, whichever file comes first.

This is the benchmark's "one object more" (11,604 objects for its IATI file against 11,603):
in the full run the OC4IDS packages are imported first into the same database, and one of
them names the World Bank (``XM-DAC-44000``) as a funder, so the IATI file, whose reporting
organisation is the World Bank, finds that party and creates three parties where, imported
alone, it creates four. Nothing is created twice: in either order the database ends the
same, and importing everything again writes nothing."""

from __future__ import annotations

import json

import pytest

from alliance.interchange.models import SourceIdentifier
from alliance.interchange.tests.helpers import DATA, load, row_counts, write
from alliance.partnerships.models import Agreement, Party, Person
from alliance.testing import make_user

IATI = DATA / "iati" / "worldbank-activity.xml"


def _funded_project(tmp_path):
    """An OC4IDS project funded by the World Bank, named by its organisation identifier."""
    project = {
        "id": "oc4ids-shared-1",
        "title": "Road section",
        "updated": "2025-01-01T00:00:00Z",
        "period": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2030-12-31T00:00:00Z"},
        "parties": [
            {"id": "GOV-1", "name": "Ministry of Roads", "roles": ["publicAuthority"],
             "address": {"countryName": "Senegal"}},
            {"id": "XM-DAC-44000", "name": "World Bank", "roles": ["funder"],
             "identifier": {"scheme": "XM-DAC", "id": "44000"}},
        ],
    }  # fmt: skip
    package = {"version": "0.9", "publishedDate": "2025-01-01T00:00:00Z", "projects": [project]}
    return write(tmp_path, "package.json", json.dumps(package))


def _clear() -> None:
    """No agreement, party, person or source link left (a database of its own)."""
    Agreement.objects.all().delete()
    Person.objects.all().delete()
    Party.objects.all().delete()
    SourceIdentifier.objects.all().delete()


def _created(report, entity: str = "parties") -> int:
    return report.counts[entity]["created"]


def _state() -> tuple[list[str], dict[str, int]]:
    names = sorted(Party.objects.values_list("name", flat=True))
    return names, row_counts()


@pytest.mark.parametrize("order", ["oc4ids first", "iati first"])
def test_an_organisation_both_standards_name_is_one_party(db, tmp_path, order):
    admin = make_user("root", is_staff=True, is_superuser=True)
    _clear()
    package = _funded_project(tmp_path)
    files = [(package, "oc4ids"), (IATI, "iati")]
    if order == "iati first":
        files.reverse()
    reports = {fmt: load(path, admin, fmt=fmt) for path, fmt in files}
    assert all(r.committed for r in reports.values()), [r.lines() for r in reports.values()]
    # The IATI file names four organisations; after the package, the World Bank exists.
    assert _created(reports["iati"]) == (3 if order == "oc4ids first" else 4)
    assert _created(reports["oc4ids"]) == (2 if order == "oc4ids first" else 1)
    assert Party.objects.filter(name="World Bank").count() == 1
    first = _state()
    for path, fmt in files:  # again: nothing new, nothing changed
        again = load(path, admin, fmt=fmt)
        assert again.committed, again.lines()
        assert sum(c["created"] + c["updated"] for c in again.counts.values()) == 0
    assert _state() == first


@pytest.mark.xfail(
    strict=True,
    reason="open: a party's kind is whatever the first standard said (OC4IDS guesses 'lender'"
    " from the funder role, IATI's organisation type 40 says 'multilateral'); a later import"
    " finds the party and leaves its kind, so the order decides",
)
def test_both_orders_give_the_same_parties(db, tmp_path):
    admin = make_user("root", is_staff=True, is_superuser=True)
    package = _funded_project(tmp_path)
    states = []
    for files in ([(package, "oc4ids"), (IATI, "iati")], [(IATI, "iati"), (package, "oc4ids")]):
        _clear()
        for path, fmt in files:
            assert load(path, admin, fmt=fmt).committed
        states.append(sorted(Party.objects.values_list("name", "kind", "country")))
    assert states[0] == states[1]
