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
from alliance.partnerships.choices import PartyKind
from alliance.partnerships.models import Agreement, Party, Person
from alliance.partnerships.services import party_create
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


def _kind_notes(report) -> list[str]:
    return [n.reason for n in report.notes if n.reason.startswith("The kind of")]


def test_both_orders_give_the_same_parties(db, tmp_path):
    """OC4IDS guesses 'lender' from the World Bank's funder role; IATI's organisation type
    40 says 'multilateral': the code wins in either order, and the report says why."""
    admin = make_user("root", is_staff=True, is_superuser=True)
    package = _funded_project(tmp_path)
    states = []
    for files in ([(package, "oc4ids"), (IATI, "iati")], [(IATI, "iati"), (package, "oc4ids")]):
        _clear()
        reports = {fmt: load(path, admin, fmt=fmt) for path, fmt in files}
        assert all(r.committed for r in reports.values())
        states.append(sorted(Party.objects.values_list("name", "kind", "country")))
        assert Party.objects.get(name="World Bank").kind == PartyKind.MULTILATERAL
        if files[0][1] == "oc4ids":  # the guess came first: changed, and said
            (note,) = _kind_notes(reports["iati"])
            assert "World Bank" in note and "IATI 40" in note and "guessed" in note
            assert "party kind changed: a coded type over a guess" in str(
                reports["iati"].mapping["organisation"]["mapped"]
            )
        else:  # the code came first: the guess changes nothing
            assert _kind_notes(reports["oc4ids"]) == []
    assert states[0] == states[1]


def _classified(tmp_path, name: str, updated: str, code: str | None, role: str = "funder"):
    """A project naming the same organisation (by identifier) with an IATI organisation
    type among its classifications, or none (its kind then guessed from its role)."""
    party = {"id": "XM-DAC-41114", "name": "UNDP", "roles": [role]}
    if code:
        party["classifications"] = [{"scheme": "IATI-OrganisationType", "id": code}]
    project = {
        "id": f"oc4ids-kind-{name}", "title": "Water", "updated": updated,
        "period": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2030-12-31T00:00:00Z"},
        "parties": [{"id": "GOV-1", "name": "Ministry of Water", "roles": ["publicAuthority"],
                     "address": {"countryName": "Senegal"}}, party],
    }  # fmt: skip
    return write(tmp_path, f"{name}.json", json.dumps({"version": "0.9", "projects": [project]}))


@pytest.mark.parametrize("order", ["older first", "newer first"])
def test_between_two_codes_the_newer_publication_wins(db, tmp_path, order):
    admin = make_user("root", is_staff=True, is_superuser=True)
    _clear()
    older = _classified(tmp_path, "older", "2023-01-01T00:00:00Z", "21")  # an NGO
    newer = _classified(tmp_path, "newer", "2025-01-01T00:00:00Z", "40")  # a multilateral
    files = [older, newer] if order == "older first" else [newer, older]
    reports = [load(path, admin, fmt="oc4ids") for path in files]
    assert all(r.committed for r in reports)
    assert Party.objects.get(name="UNDP").kind == PartyKind.MULTILATERAL
    assert len(_kind_notes(reports[1])) == (1 if order == "older first" else 0)


@pytest.mark.parametrize("order", ["lender first", "contractor first"])
def test_between_two_guesses_the_kind_stays(db, tmp_path, order):
    admin = make_user("root", is_staff=True, is_superuser=True)
    _clear()
    lender = _classified(tmp_path, "a", "2023-01-01T00:00:00Z", None, role="funder")
    firm = _classified(tmp_path, "b", "2025-01-01T00:00:00Z", None, role="supplier")
    files = [lender, firm] if order == "lender first" else [firm, lender]
    reports = [load(path, admin, fmt="oc4ids") for path in files]
    assert all(r.committed for r in reports)
    first = PartyKind.LENDER if order == "lender first" else PartyKind.LOCAL_FIRM
    assert Party.objects.get(name="UNDP").kind == first
    assert _kind_notes(reports[1]) == []


def test_a_kind_a_person_chose_is_left_alone(db, tmp_path):
    """A party made by hand (no record of a coded or guessed kind) keeps its kind."""
    admin = make_user("root", is_staff=True, is_superuser=True)
    _clear()
    party_create(actor=admin, name="UNDP", kind=PartyKind.NGO, country="UN")
    report = load(_classified(tmp_path, "p", "2025-01-01T00:00:00Z", "40"), admin, fmt="oc4ids")
    assert report.committed
    assert _created(report) == 1  # the ministry: UNDP is found by its name and country
    assert Party.objects.get(name="UNDP").kind == PartyKind.NGO
