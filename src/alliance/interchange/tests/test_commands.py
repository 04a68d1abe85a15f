"""``alliance import`` and ``alliance export``: the same engine, from the command line."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from alliance.interchange.oc4ids import validate_package
from alliance.interchange.tests.helpers import DATA, row_counts
from alliance.partnerships.models import Agreement
from alliance.testing import build_world


@pytest.fixture
def world(db):
    return build_world()


def test_import_dry_run_then_real(world, capsys):
    path = str(DATA / "iati" / "worldbank-activity.xml")
    before = row_counts()
    call_command("import_data", path, "--user", "admin", "--dry-run", verbosity=0)
    assert row_counts() == before
    assert "Dry run" in capsys.readouterr().out
    call_command("import_data", path, "--user", "admin", verbosity=0)
    assert Agreement.objects.filter(reference="44000-P175662").exists()


def test_refused_import_exits_with_an_error(world, tmp_path):
    path = tmp_path / "commitments.csv"
    path.write_text("title\nX\n")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_data", str(path), "--user", "owner", verbosity=0)


def test_import_into_an_agreement_with_csv_entity(world, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("title;due_on\nMilestone one;01.09.2025\n", encoding="latin-1")
    call_command(
        "import_data", str(path), "--user", "owner", "--entity", "milestones",
        "--agreement", "Corridor agreement", verbosity=0,
    )  # fmt: skip
    assert world.agreement.milestones.get().title == "Milestone one"


def test_export_oc4ids_validates_and_respects_the_user(world, tmp_path):
    out = tmp_path / "package.json"
    call_command("export_data", "--format", "oc4ids", "--user", "rep_x", "-o", str(out))
    package = json.loads(out.read_text())
    assert validate_package(package) == []
    assert [p["title"] for p in package["projects"]] == ["Corridor agreement"]


def test_export_csv_needs_an_entity_and_templates_are_empty(world, tmp_path):
    with pytest.raises(CommandError, match="--entity"):
        call_command("export_data", "--format", "csv", "-o", str(tmp_path / "x.csv"))
    out = tmp_path / "t.csv"
    call_command(
        "export_data", "--format", "csv", "--entity", "risks", "--template", "-o", str(out)
    )
    assert out.read_text(encoding="utf-8-sig").strip().startswith("id,agreement,title")
