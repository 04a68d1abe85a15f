"""Exports in the open standards: an OCDS release package and IATI 2.03 activities, each
validated against the standard's schema, with only what the user may see."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from alliance.interchange import publish
from alliance.interchange.tests.helpers import DATA, load
from alliance.partnerships.models import Agreement
from alliance.testing import build_world, make_user

STAMP = "2026-01-01T00:00:00Z"


@pytest.fixture
def world(db):
    return build_world()


def test_ocds_export_validates_and_respects_the_user(world):
    package = publish.ocds_package(world.owner, [world.agreement.pk], published=STAMP)
    assert publish.validate_ocds(package) == []
    (release,) = package["releases"]
    assert release["contracts"][0]["title"] == "Corridor agreement"
    assert {p["name"] for p in release["parties"]} == {"Ministry X", "Lender Y"}
    outsider = publish.ocds_package(world.outsider, [world.agreement.pk], published=STAMP)
    assert outsider["releases"] == []


def test_iati_export_validates_for_an_agreement_with_a_funder(world):
    document = publish.iati_document(world.owner, [world.agreement.pk], published=STAMP)
    assert publish.validate_iati(document) == []
    text = document.decode()
    assert text.count("<iati-activity ") == 1 and "Lender Y" in text
    assert 'role="1"' in text and 'role="2"' in text
    # The other agreement has no funding party: no activity.
    other = publish.iati_document(world.other_owner, [world.other_agreement.pk], published=STAMP)
    assert b"<iati-activity " not in other  # and an empty document is not valid IATI
    assert publish.validate_iati(other) != []


def test_real_files_export_valid_ocds_and_iati(db, tmp_path):
    admin = make_user("root", is_staff=True, is_superuser=True)
    for path in (
        DATA / "iati" / "worldbank-activity.xml",
        DATA / "ocds" / "mexico-release-package-1.json",
    ):
        assert load(path, admin).committed
    agreements = list(Agreement.objects.values_list("pk", flat=True))
    package = publish.ocds_package(admin, agreements, published=STAMP)
    assert publish.validate_ocds(package) == [] and len(package["releases"]) == len(agreements)
    document = publish.iati_document(admin, agreements, published=STAMP)
    assert publish.validate_iati(document) == []
    assert b"<iati-identifier>44000-P175662</iati-identifier>" in document


def test_export_command_and_pages(world, tmp_path, client):
    out = tmp_path / "ocds.json"
    call_command("export_data", "--format", "ocds", "--user", "owner", "-o", str(out), verbosity=0)
    assert publish.validate_ocds(json.loads(out.read_text())) == []
    out = tmp_path / "iati.xml"
    call_command("export_data", "--format", "iati", "--user", "owner", "-o", str(out), verbosity=0)
    assert publish.validate_iati(out.read_bytes()) == []
    client.force_login(world.rep_x)
    answer = client.get(reverse("interchange:export_ocds", args=[world.agreement.uuid]))
    assert answer.status_code == 200
    assert publish.validate_ocds(json.loads(answer.content)) == []
    answer = client.get(reverse("interchange:export_iati", args=[world.agreement.uuid]))
    assert answer.status_code == 200 and publish.validate_iati(answer.content) == []
    client.force_login(world.outsider)
    assert (
        client.get(reverse("interchange:export_iati", args=[world.agreement.uuid])).status_code
        == 404
    )
