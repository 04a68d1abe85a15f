"""Newest wins (issue 13, defects 1 and 2): OCDS releases and records of one ocid are
compiled together across files and imports, by date; an older OC4IDS project or IATI
activity never overwrites a newer one; what a newer version drops is ended with a note;
any order of the same files gives the same database, and a re-import changes nothing."""

from __future__ import annotations

import copy
import itertools
import json
from datetime import date
from typing import Any

import pytest

from alliance.interchange.engine import run_import_many
from alliance.interchange.ocds import _merger
from alliance.interchange.tests.helpers import empty_database, load, row_counts, write
from alliance.interchange.tests.test_defects import package, project, release
from alliance.partnerships.models import Agreement, Commitment, Participation
from alliance.testing import make_user


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


OCID = "ocds-abc123-LO-1"


def tender() -> dict[str, Any]:
    r = release(id="r1", date="2023-01-05T10:00:00Z", tag=["tender"])
    r["tender"] = {
        "id": "LO-1",
        "title": "Bridge deck works",
        "description": "Deck of the river bridge",
        "tenderPeriod": {"startDate": "2023-01-05T00:00:00Z"},
    }
    del r["awards"], r["contracts"]
    return r


def award() -> dict[str, Any]:
    r = release(id="r2", date="2023-02-10T10:00:00-06:00", tag=["award"])
    r["tender"] = {"id": "LO-1"}
    del r["contracts"]
    r["awards"][0]["date"] = "2023-02-10T00:00:00Z"
    return r


def contract() -> dict[str, Any]:
    """The newest release: contract signed, only what changed (no title, no tender)."""
    r = release(id="r3", date="2023-03-01T09:00:00Z", tag=["contract"])
    del r["tender"]
    r["contracts"][0]["milestones"] = [
        {"id": "m1", "title": "Deck poured", "dueDate": "2024-05-01T00:00:00Z",
         "status": "met", "dateMet": "2024-04-20T00:00:00Z"}
    ]  # fmt: skip
    return r


def record_package(*releases: dict[str, Any]) -> str:
    """A record package with the compiled release of ``releases`` and links to them."""
    compiled = _merger().create_compiled_release([copy.deepcopy(r) for r in releases])
    links = [{"url": f"https://example.invalid/{r['id']}.json", "date": r["date"],
              "tag": r["tag"]} for r in releases]  # fmt: skip
    record = {"ocid": OCID, "releases": links, "compiledRelease": compiled}
    return json.dumps(
        {
            "uri": "https://example.invalid/rp.json",
            "publishedDate": "2023-02-11T00:00:00Z",
            "version": "1.1",
            "publisher": {"name": "Test"},
            "records": [record],
        }
    )


def wipe() -> Any:
    """An empty database and an administrator to import (a new one each time)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="importer").delete()
    return empty_database()


def state() -> dict[str, Any]:
    """The database by content."""
    return {
        "agreements": sorted(
            Agreement.objects.values_list(
                "title", "reference", "signed_on", "effective_on", "ends_on", "value", "currency"
            )
        ),
        "participations": sorted(
            Participation.objects.values_list("agreement__title", "party__name", "role")
        ),
        "commitments": sorted(
            (c.title, c.status, c.due_on, c.delivered_on, c.owed_by.name, c.milestone_id is None)
            for c in Commitment.objects.select_related("owed_by")
        ),
    }


def files(tmp_path) -> list[Any]:
    folder = tmp_path / "process"
    folder.mkdir(exist_ok=True)
    return [
        write(folder, "record.json", record_package(tender(), award())),
        write(folder, "contract.json", package(contract())),
        write(folder, "award.json", package(award())),
    ]


def test_a_folder_of_records_and_releases_compiles_each_ocid(admin, tmp_path):
    paths = files(tmp_path)
    report = load(paths[0].parent, admin)
    assert report.committed, report.lines()
    assert report.files == ["award.json", "contract.json", "record.json"] or len(report.files) == 3
    agreement = Agreement.objects.get()
    # The contract release has no tender: the title, description and dates stay.
    assert agreement.title == "Bridge deck works"
    assert agreement.summary == "Deck of the river bridge"
    assert agreement.signed_on == date(2023, 3, 1)
    assert agreement.effective_on == date(2023, 4, 1) and agreement.ends_on == date(2025, 6, 30)
    assert agreement.value == 1000000 and agreement.currency == "MXN"
    assert Commitment.objects.get(title="Deck poured").status == "delivered"
    before = row_counts()
    again = load(paths[0].parent, admin)
    assert again.ok and again.total("created") == again.total("updated") == 0, again.lines()
    assert row_counts() == before


def test_any_order_of_separate_imports_gives_the_same_database(admin, tmp_path):
    paths = files(tmp_path)
    load(paths[0].parent, admin)
    expected = state()
    for order in itertools.permutations(paths):
        user = wipe()
        for path in order:
            report = load(path, user)
            assert report.committed, report.lines()
        assert state() == expected, [p.name for p in order]
        for path in order:  # and importing each again changes nothing
            assert load(path, user).total("updated") == 0


def test_a_shuffled_folder_imported_twice_gives_the_same_database(admin, tmp_path):
    first = [*files(tmp_path), write(tmp_path, "project.json", json.dumps(project()))]
    report = run_import_many(first, actor=admin, dry_run=False)
    assert report.committed, report.lines()
    expected = state()
    # The contract goes into the OC4IDS project's agreement, whatever the order given.
    assert {a[0] for a in expected["agreements"]} == {"River bridge"}
    for order in ([3, 1, 0, 2], [2, 3, 1, 0]):
        user = wipe()
        for _twice in range(2):
            report = run_import_many([first[i] for i in order], actor=user, dry_run=False)
            assert report.committed, report.lines()
            assert state() == expected


def test_an_older_oc4ids_project_never_overwrites_a_newer_one(admin, tmp_path):
    newer = project(updated="2024-03-01T00:00:00Z", title="River bridge (revised)")
    newer["budget"] = {"amount": {"amount": 500, "currency": "MXN"}}
    older = project(updated="2024-01-01T00:00:00Z", title="River bridge")
    older["budget"] = {"amount": {"amount": 100, "currency": "MXN"}}
    assert load(write(tmp_path, "v2.json", json.dumps(newer)), admin).committed
    report = load(write(tmp_path, "v1.json", json.dumps(older)), admin)
    assert report.committed and report.older == ["project"]
    assert any("Skipped as older" in n.reason for n in report.notes)
    agreement = Agreement.objects.get()
    assert agreement.title == "River bridge (revised)" and agreement.value == 500
    # The same two in one folder, in either order: the newer wins.
    for names in (("a.json", "b.json"), ("b.json", "a.json")):
        user = wipe()
        folder = tmp_path / "-".join(names)
        folder.mkdir()
        write(folder, names[0], json.dumps(older))
        write(folder, names[1], json.dumps(newer))
        assert load(folder, user).committed
        assert Agreement.objects.get().title == "River bridge (revised)"


def test_what_a_newer_version_drops_is_ended_with_a_note(admin, tmp_path):
    first = project(updated="2024-01-01T00:00:00Z")
    first["parties"].append(
        {"id": "MX-BANOBRAS", "name": "Banobras", "roles": ["funder"],
         "address": {"countryName": "Mexico"}}
    )  # fmt: skip
    first["milestones"] = [
        {"id": "1", "title": "Design approved", "type": "approval", "status": "scheduled",
         "dueDate": "2026-01-31T00:00:00Z"},
        {"id": "2", "title": "Site handed over", "type": "delivery", "status": "scheduled",
         "dueDate": "2026-06-30T00:00:00Z"},
    ]  # fmt: skip
    assert load(write(tmp_path, "v1.json", json.dumps(first)), admin).committed
    second = copy.deepcopy(first)
    second["updated"] = "2024-06-01T00:00:00Z"
    second["milestones"] = second["milestones"][:1]
    second["parties"] = [p for p in second["parties"] if p["id"] != "MX-RFC-ABC"]
    report = load(write(tmp_path, "v2.json", json.dumps(second)), admin)
    assert report.committed, report.lines()
    dropped = Commitment.objects.get(title="Site handed over")
    assert dropped.status == "waived"
    assert "no longer in the source" in dropped.status_changes.order_by("pk").last().evidence
    assert Commitment.objects.get(title="Design approved").status == "planned"
    reasons = " ".join(n.reason for n in report.notes)
    assert "Ended (waived)" in reasons
    assert "Constructora Norte is no longer in the source's version of 2024-06-01" in reasons
    # The party that left: its participation is marked ended on the version's date, with why.
    left = Participation.objects.get(party__name="Constructora Norte")
    assert left.ended_on == date(2024, 6, 1)
    assert left.end_note == "No longer in the source's version of 2024-06-01T00:00:00Z."
    assert Participation.objects.get(party__name="Banobras").ended_on is None
    # Importing the same version again changes nothing; a newer one naming it again resumes it.
    again = load(write(tmp_path, "v2.json", json.dumps(second)), admin)
    assert again.committed and again.total("updated") == 0, again.lines()
    third = copy.deepcopy(first)
    third["updated"] = "2024-09-01T00:00:00Z"
    third["milestones"] = second["milestones"]
    report = load(write(tmp_path, "v3.json", json.dumps(third)), admin)
    assert report.committed, report.lines()
    back = Participation.objects.get(party__name="Constructora Norte")
    assert back.ended_on is None and back.end_note == ""
    assert any("takes part again" in n.reason for n in report.notes)


IATI = """<iati-activities version="2.03">
<iati-activity last-updated-datetime="{updated}" default-currency="USD">
<iati-identifier>XM-DAC-41114-GH-1</iati-identifier>
<reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>
<title><narrative>{title}</narrative></title>
<participating-org role="1" ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative>
</participating-org>
<participating-org role="4" ref="GH-COH-123" type="70"><narrative>Accra Builders</narrative>
</participating-org>
<recipient-country code="GH" percentage="100"/>
<activity-date type="2" iso-date="2021-01-01"/>
</iati-activity></iati-activities>"""


def test_an_older_iati_activity_is_skipped(admin, tmp_path):
    new = IATI.format(updated="2024-05-01T12:00:00Z", title="Water works, phase 2")
    old = IATI.format(updated="2023-05-01T12:00:00Z", title="Water works")
    assert load(write(tmp_path, "new.xml", new), admin).committed
    report = load(write(tmp_path, "old.xml", old), admin)
    assert report.committed and report.older
    assert Agreement.objects.get().title == "Water works, phase 2"
