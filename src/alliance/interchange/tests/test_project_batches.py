"""Projects written together (``standards.apply_projects``) end up exactly as projects
written one by one: same objects, same links, same source identifiers, same audit events,
same report; a refused batch is redone one by one; re-imports and new projects mix."""

from __future__ import annotations

import json
from collections import Counter
from copy import deepcopy
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max

from alliance.accounts.models import AuditEvent, Membership
from alliance.interchange import standards
from alliance.interchange.models import SourceIdentifier
from alliance.interchange.tests.helpers import DATA, empty_database, load, row_counts, write
from alliance.partnerships import services as ps
from alliance.partnerships.models import (
    Agreement,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    Participation,
    Party,
)
from alliance.testing import make_user


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


def _package(tmp_path, extra: list[dict] | None = None, name: str = "package.json") -> Any:
    """The standard's worked example, the five real Nuevo León projects, and ``extra``."""
    example = json.loads((DATA / "oc4ids" / "example-fictional-m75.json").read_text("utf-8"))
    projects = list(example["projects"])
    for path in sorted((DATA / "oc4ids").glob("nuevo-leon-project-*.json")):
        projects.append(json.loads(path.read_text("utf-8")))
    projects.extend(extra or [])
    return write(tmp_path, name, json.dumps({**example, "projects": projects}))


def _project(key: str, firm: str, firm_name: str, title: str = "Road") -> dict[str, Any]:
    """A small project whose parties recur across projects (same ids, or same name)."""
    return {
        "id": key,
        "title": title,
        "period": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2029-12-31T00:00:00Z"},
        "budget": {"amount": {"amount": 1000, "currency": "XOF"}},
        "parties": [
            {"id": "GOV", "name": "Ministry", "roles": ["publicAuthority"],
             "address": {"countryName": "Senegal"}},
            {"id": firm, "name": firm_name, "roles": ["supplier"]},
        ],
        "milestones": [
            {"id": "1", "title": f"Works of {key}", "type": "delivery", "status": "met",
             "dueDate": "2024-06-30T00:00:00Z", "dateMet": "2024-06-20T00:00:00Z",
             "x_owedBy": {"id": firm}, "x_owedTo": [{"id": "GOV"}]},
            {"id": "2", "title": f"Hand-over of {key}", "type": "delivery",
             "status": "scheduled", "dueDate": "2027-03-15T00:00:00Z",
             "x_owedBy": {"id": firm}, "x_owedTo": [{"id": "GOV"}]},
        ],
    }  # fmt: skip


# The id of the last audit event before the current import.
_AUDIT_SINCE = [0]


def _state() -> dict[str, Any]:
    """What the database holds, by content (not by key or creation time)."""
    names = dict(Party.objects.values_list("pk", "name"))
    titles = dict(Agreement.objects.values_list("pk", "title"))
    objects = {
        **{("agreement", a.uuid): a.title for a in Agreement.objects.all()},
        **{("party", p.uuid): p.name for p in Party.objects.all()},
        **{("milestone", m.uuid): m.title for m in Milestone.objects.all()},
        **{("commitment", c.uuid): c.title for c in Commitment.objects.all()},
    }
    return {
        "agreements": sorted(
            Agreement.objects.values_list(
                "title", "kind", "signed_on", "effective_on", "ends_on", "host_country",
                "value", "currency", "reference", "stage",
            )
        ),
        "parties": sorted(Party.objects.values_list("name", "kind", "country")),
        "participations": sorted(
            (titles[a], names[p], role)
            for a, p, role in Participation.objects.values_list("agreement", "party", "role")
        ),
        "milestones": sorted(
            (titles[m.agreement_id], m.title, m.due_on, m.reached_on)
            for m in Milestone.objects.all()
        ),
        "commitments": sorted(
            (
                titles[c.agreement_id], c.title, names[c.owed_by_id],
                tuple(sorted(p.name for p in c.owed_to.all())), c.due_on, c.start_on,
                c.status, c.delivered_on, c.milestone.title if c.milestone else None,
                c.created_at, c.duration_likely, c.category, c.evidence,
            )
            for c in Commitment.objects.select_related("milestone")
        ),
        "sources": sorted(
            # a party's kind record is keyed by the party's UUID: compared by its party
            (s.scheme, "" if s.scheme == "party-kind" else s.identifier, s.content_type.model,
             objects[s.content_type.model, s.object_uuid])
            for s in SourceIdentifier.objects.select_related("content_type")
        ),
        "owners": Membership.objects.filter(role="owner").count(),
        "status_changes": CommitmentStatusChange.objects.count(),
        "audit": Counter(
            AuditEvent.objects.filter(id__gt=_AUDIT_SINCE[0]).values_list("object_type", "action")
        ),
    }  # fmt: skip


def _import(path: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Import into an empty database; the report's counts and what was written."""
    # The trail is append-only (PostgreSQL refuses deletes): count only the events after here.
    _AUDIT_SINCE[0] = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    get_user_model().objects.filter(username="importer").delete()
    actor = empty_database()
    report = load(path, actor)
    assert report.committed, report.lines()
    return report.counts, _state()


EXTRA = [
    _project("road-1", "FIRM-A", "Builder A"),
    _project("road-2", "FIRM-A", "Builder A"),  # the same firm, same id
    _project("road-3", "FIRM-A2", "Builder A"),  # the same firm under another id
    _project("road-4", "FIRM-B", "Builder B"),
]


def test_projects_written_together_match_one_by_one(admin, tmp_path, monkeypatch):
    path = _package(tmp_path, EXTRA)
    together = _import(path)
    assert together[0]["agreements"]["created"] == 10
    # "Builder A" under two ids that are no organisation identifiers is one organisation
    # (same name and country): counted once.
    assert together[0]["parties"] == {"created": 23, "updated": 0, "unchanged": 0, "skipped": 0}
    assert together[1]["commitments"], "the worked example and the extra projects owe things"

    monkeypatch.setattr(standards, "_fresh", lambda projects, found: [])
    one_by_one = _import(path)
    assert together == one_by_one


def test_a_refused_batch_is_redone_one_by_one_with_the_same_result(admin, tmp_path, monkeypatch):
    path = _package(tmp_path, EXTRA)
    expected = _import(path)
    calls = []

    def refuse_once(**kwargs: Any) -> Any:
        calls.append(kwargs)
        if len(calls) == 1:
            raise ValidationError("refused")
        return original(**kwargs)

    original = ps.participation_add_many
    monkeypatch.setattr(ps, "participation_add_many", refuse_once)
    assert _import(path) == expected
    assert len(calls) > 1  # the batch, then the projects one by one


def test_a_batch_mixing_known_and_new_projects(admin, tmp_path):
    load(_package(tmp_path, EXTRA[:2]), admin)
    changed = deepcopy(EXTRA[0]) | {"title": "Road, renamed"}
    before = row_counts()
    report = load(_package(tmp_path, [changed, EXTRA[1], EXTRA[3]]), admin)
    assert report.committed, report.lines()
    assert report.counts["agreements"] == {
        "created": 1, "updated": 1, "unchanged": 7, "skipped": 0
    }  # fmt: skip
    assert Agreement.objects.filter(title="Road, renamed").count() == 1
    assert row_counts()["partnerships.Agreement"] == before["partnerships.Agreement"] + 1


def test_an_error_in_a_batch_names_its_place_and_writes_nothing(admin, tmp_path):
    late = _project("road-9", "FIRM-C", "Builder C")
    late["milestones"][0]["dateMet"] = "2999-01-01T00:00:00Z"
    before = row_counts()
    report = load(_package(tmp_path, [EXTRA[0], late]), admin)
    assert not report.committed
    [error] = report.errors
    assert "future" in error.reason and "projects[7]" in error.column
    assert row_counts() == before


def test_batches_are_bounded(admin, tmp_path, monkeypatch):
    """A package larger than one batch is written in several, with the same result."""
    path = _package(tmp_path, EXTRA)
    expected = _import(path)
    monkeypatch.setattr(standards, "BATCH", 3)
    assert _import(path) == expected


def _reimport(path: Any, actor: Any, queries: list[int]) -> tuple[dict, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        report = load(path, actor)
    assert report.committed, report.lines()
    queries.append(len(captured))
    return report.counts, _state()


@pytest.mark.parametrize("change", [None, "status", "owed_to", "due"])
def test_reimport_recognised_in_bulk_matches_one_by_one(admin, tmp_path, monkeypatch, change):
    """A re-import: unchanged projects are recognised from bulk reads; what they count and
    what stays in the database are what ``apply_project`` one by one gives, and a project
    with one difference is still updated."""
    extra = deepcopy(EXTRA)
    path = _package(tmp_path, extra)
    _import(path)
    if change == "status":
        extra[1]["milestones"][1] |= {"status": "met", "dateMet": "2025-01-10T00:00:00Z"}
    elif change == "owed_to":
        extra[1]["milestones"][0]["x_owedTo"] = [{"id": "GOV"}, {"id": "FIRM-A"}]
    elif change == "due":
        extra[1]["milestones"][0]["dueDate"] = "2024-07-31T00:00:00Z"
    path = _package(tmp_path, extra, "again.json")
    snapshot = {k: v for k, v in _state().items() if k != "audit"}
    queries: list[int] = []
    in_bulk = _reimport(path, get_user_model().objects.get(username="importer"), queries)
    if change is None:
        assert in_bulk[0]["agreements"]["unchanged"] == 10
        assert {k: v for k, v in in_bulk[1].items() if k != "audit"} == snapshot
    else:
        assert in_bulk[0]["commitments"]["updated"] == 1, in_bulk[0]

    _import(_package(tmp_path, EXTRA))  # the first import again, from an empty database
    monkeypatch.setattr(standards, "_known", lambda ctx, projects, found: ([], []))
    one_by_one = _reimport(path, get_user_model().objects.get(username="importer"), queries)
    assert in_bulk == one_by_one
    assert queries[0] * 3 < queries[1]  # recognised in bulk, not project by project
