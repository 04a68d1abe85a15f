"""A re-import of projects imported before takes the bulk path (issue 13): projects that
would not change — also when two projects list the same contracting process, and when a
republished file only gives its activities a newer date — are recognised from the batch's
bulk reads and never replayed one by one through ``apply_project``; a project that did
change still is, and its errors still name file, element, field and reason."""

from __future__ import annotations

import copy
import json

import pytest

from alliance.interchange import standards
from alliance.interchange.models import SourceIdentifier
from alliance.interchange.tests.helpers import DATA, load, row_counts, write
from alliance.interchange.tests.test_iati_refs import activity, save
from alliance.testing import make_user


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def one_by_one(monkeypatch):
    """The projects that went through ``apply_project`` (the one-by-one path)."""
    seen: list[str] = []
    original = standards.apply_project

    def spy(ctx, project):
        seen.append(project.key)
        return original(ctx, project)

    monkeypatch.setattr(standards, "apply_project", spy)
    return seen


def shared_process_package(tmp_path):
    """The standard's worked example twice under two project ids: both list the same
    three contracting processes (the second one named keeps them)."""
    example = json.loads((DATA / "oc4ids" / "example-fictional-m75.json").read_text("utf-8"))
    first = example["projects"][0]
    second = copy.deepcopy(first)
    second["id"] = f"{first['id']}-bis"
    second["title"] = f"{first['title']} (bis)"
    return write(tmp_path, "p.json", json.dumps({**example, "projects": [first, second]}))


def test_projects_sharing_a_process_are_not_replayed(admin, tmp_path, one_by_one):
    path = shared_process_package(tmp_path)
    assert load(path, admin).committed
    owners = dict(
        SourceIdentifier.objects.filter(scheme="ocds-process").values_list(
            "identifier", "object_uuid"
        )
    )
    assert len(owners) == 3 and len(set(owners.values())) == 1
    rows = row_counts()
    one_by_one.clear()
    again = load(path, admin)
    assert again.committed and again.total("created") == again.total("updated") == 0
    assert one_by_one == [], "an unchanged project went through the one-by-one path"
    assert again.counts["agreements"]["unchanged"] == 2
    assert row_counts() == rows
    assert (
        dict(
            SourceIdentifier.objects.filter(scheme="ocds-process").values_list(
                "identifier", "object_uuid"
            )
        )
        == owners
    )


def test_a_newer_date_alone_only_records_the_version(admin, tmp_path, one_by_one):
    plain = activity()
    assert load(save(plain, tmp_path / "v1.xml", "2024-01-01T00:00:00Z"), admin).committed
    rows = row_counts()
    one_by_one.clear()
    report = load(save(plain, tmp_path / "v2.xml", "2024-06-01T00:00:00Z"), admin)
    assert report.committed and report.total("created") == report.total("updated") == 0
    assert one_by_one == []
    assert row_counts() == rows
    version = SourceIdentifier.objects.get(scheme="iati-version")
    assert version.version == "2024-06-01T00:00:00Z"
    # The recorded version still guards: the first one is now older and skipped.
    older = load(save(plain, tmp_path / "v1.xml", "2024-01-01T00:00:00Z"), admin)
    assert older.older and SourceIdentifier.objects.get(scheme="iati-version").version == (
        "2024-06-01T00:00:00Z"
    )


def test_a_changed_project_still_reports_its_errors_with_their_place(admin, tmp_path, one_by_one):
    plain = activity()
    assert load(save(plain, tmp_path / "v1.xml", "2024-01-01T00:00:00Z"), admin).committed
    changed = copy.deepcopy(plain)
    # A disbursement dated in the future: refused, with the file and the element.
    changed.findall("transaction")[1].find("transaction-date").set("iso-date", "2999-01-01")
    report = load(save(changed, tmp_path / "v2.xml", "2024-06-01T00:00:00Z"), admin)
    assert not report.committed
    assert one_by_one == ["44000-P175662"]
    [error] = report.errors
    assert error.file == "v2.xml"
    assert error.column == "iati-activity[1]/transaction[2]"
    assert "2999-01-01 is in the future" in error.reason
