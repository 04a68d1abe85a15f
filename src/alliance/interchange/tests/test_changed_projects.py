"""A re-import that changes projects' values (a new title, value, end date, a milestone's
title) writes them together (``standards._write_changed``), not project by project: the
database ends as after importing the changed file fresh and as through ``apply_project``
one by one, in a number of queries that does not grow with the number of projects."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.interchange import standards
from alliance.interchange.tests.test_project_batches import (
    _import,
    _package,
    _project,
    _state,
)
from alliance.interchange.tests.test_reimport_path import one_by_one  # noqa: F401 (fixture)
from alliance.testing import make_user


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


def _projects(n: int) -> list[dict[str, Any]]:
    return [_project(f"road-{i}", f"FIRM-{i}", f"Builder {i}", title=f"Road {i}") for i in range(n)]


def _changed(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every project with a new title, value and end date, and its first milestone renamed."""
    changed = deepcopy(projects)
    for project in changed:
        project["title"] += " (phase 2)"
        project["budget"]["amount"]["amount"] *= 3
        project["period"]["endDate"] = "2031-06-30T00:00:00Z"
        project["milestones"][0]["title"] += " (revised)"
    return changed


def _reimport(path: Any) -> tuple[dict, dict, int]:
    from alliance.interchange.tests.helpers import load

    actor = get_user_model().objects.get(username="importer")
    with CaptureQueriesContext(connection) as captured:
        report = load(path, actor)
    assert report.committed, report.lines()
    return report.counts, _state(), len(captured)


def _content(state: dict) -> dict:
    """What the database holds, without the trail (a fresh import creates what a re-import
    updates)."""
    return {k: v for k, v in state.items() if k not in {"audit", "owners"}}


def test_changed_projects_are_written_together_as_fresh(admin, tmp_path, one_by_one):  # noqa: F811
    projects = _projects(6)
    _import(_package(tmp_path, projects))
    again = _package(tmp_path, _changed(projects), "again.json")
    one_by_one.clear()
    counts, state, _queries = _reimport(again)
    assert one_by_one == [], "a changed project went through the one-by-one path"
    assert counts["agreements"]["updated"] == 6 and counts["agreements"]["unchanged"] == 6
    assert counts["commitments"]["updated"] == 6, counts
    assert counts["agreements"]["created"] == counts["parties"]["created"] == 0

    _fresh_counts, fresh = _import(again)
    assert _content(state) == _content(fresh)


def test_changed_projects_match_one_by_one(admin, tmp_path, monkeypatch):
    projects = _projects(4)
    changed = _package(tmp_path, _changed(projects), "again.json")
    _import(_package(tmp_path, projects))
    together = _reimport(changed)[:2]

    _import(_package(tmp_path, projects))
    monkeypatch.setattr(standards, "_write_changed", _refuse)
    assert _reimport(changed)[:2] == together


def _refuse(*args: Any) -> None:
    raise RuntimeError("one by one")


def test_queries_do_not_grow_with_the_changed_projects(admin, tmp_path):
    queries = []
    for n in (4, 16):
        projects = _projects(n)
        _import(_package(tmp_path, projects, f"first-{n}.json"))
        queries.append(_reimport(_package(tmp_path, _changed(projects), f"again-{n}.json"))[2])
    assert queries[1] == queries[0], queries
