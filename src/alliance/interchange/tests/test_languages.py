"""Spreadsheets in the counsellor's language (issue 13, defect 8): headers and choice labels
in French, English or German whatever the interface's language, common synonyms, a missing
reference said once with the rows that name it, values echoed as typed."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from alliance.interchange.engine import run_import
from alliance.interchange.tests.helpers import load, row_counts, write
from alliance.partnerships.models import Commitment
from alliance.testing import build_world


@pytest.fixture
def world(db):
    return build_world()


FRENCH = (
    "Accord;Titre;Catégorie;Dû par;Dû à;Échéance le;Statut;Réalisé le\n"
    "Corridor agreement;Étude du sol;technique;Ministry X;Lender Y;31/03/2025;Réalisé;"
    "30/03/2025\n"
    "Corridor agreement;Rapport trimestriel;Rapports;Lender Y;Ministry X;15/06/2025;Livré;"
    "14/06/2025\n"
    "Corridor agreement;Garantie;financier;Lender Y;Ministry X;30/04/2025;en cours;\n"
)
GERMAN = (
    "Vereinbarung,Titel,Kategorie,Geschuldet von,Geschuldet an,Fällig am,Status\n"
    "Corridor agreement,Bodengutachten,Technisch,Ministry X,Lender Y,31.03.2025,Geplant\n"
)


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_french_headers_and_labels_whatever_the_interface_language(world, tmp_path, language):
    path = write(tmp_path, "commitments.csv", FRENCH)
    with translation.override(language):
        report = load(path, world.owner)
    assert report.committed, report.lines()
    survey = Commitment.objects.get(title="Étude du sol")
    assert survey.status == "delivered" and survey.delivered_on == date(2025, 3, 30)
    assert survey.category == "technical" and survey.due_on == date(2025, 3, 31)
    assert Commitment.objects.get(title="Rapport trimestriel").status == "delivered"  # Livré
    assert Commitment.objects.get(title="Garantie").status == "in_progress"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_german_headers_and_labels(world, tmp_path, language):
    with translation.override(language):
        report = load(write(tmp_path, "commitments.csv", GERMAN), world.owner)
    assert report.committed, report.lines()
    assert Commitment.objects.get(title="Bodengutachten").status == "planned"


def test_an_unknown_label_lists_the_labels_of_the_reader(world, tmp_path):
    bad = FRENCH.replace("en cours", "peut-être")
    with translation.override("fr"):
        report = load(write(tmp_path, "commitments.csv", bad), world.owner)
    assert not report.ok
    (error,) = report.errors
    assert error.value == "peut-être" and error.row == 4
    assert "Réalisé (delivered)" in error.reason and "Prévu (planned)" in error.reason


def test_a_missing_reference_is_said_once_with_its_rows(world, tmp_path):
    rows = "".join(
        f"Lost agreement,Task {n},technical,Ministry X,Lender Y,31/03/2025\n" for n in range(34)
    )
    content = "agreement,title,category,owed_by,owed_to,due_on\n" + rows
    content += "Corridor agreement,Broken,technical,Ministry X,Lender Y,31/02/2027\n"
    before = row_counts()
    report = run_import(
        write(tmp_path, "commitments.csv", content), actor=world.owner, dry_run=False
    )
    assert row_counts() == before
    assert len(report.errors) == 2, report.lines()
    lost, broken = report.errors
    assert lost.value == "Lost agreement" and lost.row == 2
    assert "34 rows name it" in lost.reason and "rows 2, 3, 4" in lost.reason
    # The impossible date is echoed as typed, not rearranged.
    assert broken.value == "31/02/2027" and "“31/02/2027” is not a valid date" in broken.reason
