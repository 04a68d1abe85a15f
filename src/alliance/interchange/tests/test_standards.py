"""The real published files in ../shared/data: each imports (values checked against what
the file says) or is refused with its reason; a second import changes nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from alliance.interchange import exports, oc4ids
from alliance.interchange.models import SourceIdentifier
from alliance.interchange.tests.helpers import DATA, empty_database, load, row_counts, write
from alliance.partnerships.models import Agreement, Commitment, Participation, Party
from alliance.testing import make_user


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


def _imported(path, admin, **options):
    report = load(path, admin, **options)
    assert report.committed, report.lines()
    return report


def _reimport_changes_nothing(path, admin, **options):
    counts = row_counts()
    report = load(path, admin, **options)
    assert report.ok, report.lines()
    assert report.total("created") == 0 and report.total("updated") == 0
    assert row_counts() == counts


def test_oc4ids_package_worked_example(admin):
    path = DATA / "oc4ids" / "example-fictional-m75.json"
    _imported(path, admin)
    agreement = Agreement.objects.get(title="M75 Junctions 4 to 5 upgrade smart motorway")
    assert agreement.reference == "M75/SM/4-5"
    assert agreement.value == Decimal("40000000.00") and agreement.currency == "GBP"
    assert agreement.signed_on == date(2016, 1, 1) and agreement.host_country == "GB"
    assert (
        Participation.objects.get(agreement=agreement, party__name="Motorways UK").role
        == "signatory"
    )
    grant = Commitment.objects.get(agreement=agreement, title="Grant disbursement")
    assert grant.status == "delivered" and grant.delivered_on == date(2016, 1, 1)
    contract = Commitment.objects.get(title__startswith="Contract: Smart Motorways Programme")
    assert (
        contract.due_on == date(2018, 7, 1)
        and contract.owed_by.name == "Concrete Motorways Construction"
    )
    _reimport_changes_nothing(path, admin)


@pytest.mark.parametrize(
    ("name", "title", "budget", "signed"),
    [
        ("nuevo-leon-project-000001-v000001.json",
         "Construcción de una Esfera Cultural en el municipio de Galeana, Nuevo León",
         Decimal("20459221.19"), date(2017, 2, 6)),
        ("nuevo-leon-project-000006-v000003.json",
         "Construcción de corredor de movilidad urbana sustentable", Decimal("49921738.00"),
         date(2019, 7, 8)),
    ],
)  # fmt: skip
def test_oc4ids_bare_projects_from_nuevo_leon(admin, name, title, budget, signed):
    report = _imported(DATA / "oc4ids" / name, admin)
    agreement = Agreement.objects.get(title=title)
    assert (agreement.value, agreement.currency, agreement.signed_on) == (budget, "MXN", signed)
    assert agreement.host_country == "MX"
    assert agreement.parties.filter(name="Secretaría de Infraestructura").exists()
    # Contracting processes that only link to OCDS releases are reported, not invented.
    assert any("OCDS releases" in n.reason for n in report.notes)
    assert any("tenderers" in n.reason for n in report.notes)
    _reimport_changes_nothing(DATA / "oc4ids" / name, admin)


def test_ocds_release_package(admin):
    path = DATA / "ocds" / "mexico-release-package-1.json"
    _imported(path, admin)
    agreement = Agreement.objects.get(reference="OCDS-87SD3T-AD-SF-DRM-063-2015")
    assert agreement.title == "ARRENDAMIENTO DE BIENES INFORMÁTICOS"
    assert agreement.signed_on == date(2015, 12, 30)
    assert agreement.parties.filter(name="SECRETARÍA DE FINANZAS").exists()
    payment = Commitment.objects.get(agreement=agreement, due_on=date(2016, 4, 8))
    assert "109,272.00 MXN" in payment.title and payment.status == "delivered"
    # The award names the supplier "… SA DE C" (cut short in the file itself).
    assert payment.owed_to.get().name.startswith("COMUNIC@RTE & CONSULTING SA DE C")
    _reimport_changes_nothing(path, admin)


def test_ocds_latin1_package(admin):
    path = DATA / "ocds" / "mexico-release-package_encoding-iso-8859-1.json"
    _imported(path, admin)
    agreement = Agreement.objects.get(reference="OCDS-87SD3T-SEFIN-DRM-AD-024-2016")
    assert agreement.title == "MANTENIMIENTO A MÁQUINA CORTADORA"
    assert agreement.value == Decimal("193817.35")
    assert Commitment.objects.filter(agreement=agreement, due_on=date(2016, 12, 13)).exists()


@pytest.mark.parametrize(
    "name", ["mexico-record-package-1.json", "mexico-record-package_versioned.json"]
)
def test_ocds_record_packages(admin, name):
    path = DATA / "ocds" / name
    report = _imported(path, admin)
    assert report.counts["agreements"]["created"] >= 1
    if name == "mexico-record-package-1.json":
        agreement = Agreement.objects.get(reference="ocds-07smqs-993235")
        assert agreement.parties.filter(name__startswith="GLOBAL ASSURANCE BROKERS").exists()
        assert agreement.value == Decimal("227584.71")  # 189654 + 37930.71 MXN
    _reimport_changes_nothing(path, admin)


@pytest.mark.parametrize("suffix", ["27yetd", "2wlmoa", "3t7hsh"])
def test_ocds_bare_records_from_nigeria(admin, suffix):
    path = DATA / "ocds" / f"nigeria-record-ocds-gyl66f-borbda-{suffix}.json"
    _imported(path, admin)
    agreement = Agreement.objects.get(reference=f"ocds-gyl66f-borbda-{suffix}")
    assert agreement.host_country == "NG" and agreement.currency == "NGN"
    assert agreement.parties.filter(name="benin-owena river basin development authority").exists()
    if suffix == "27yetd":
        assert agreement.value == Decimal("54389500.00")
        assert agreement.parties.filter(name="dtec nigeria limited").exists()
    _reimport_changes_nothing(path, admin)


def test_iati_world_bank_activity(admin):
    path = DATA / "iati" / "worldbank-activity.xml"
    _imported(path, admin)
    agreement = Agreement.objects.get(reference="44000-P175662")
    assert agreement.title.startswith("Jordan Inclusive, Transparent and Climate Responsive")
    assert agreement.host_country == "JO" and agreement.signed_on == date(2021, 6, 10)
    assert agreement.kind == "loan"
    lender = Participation.objects.get(agreement=agreement, role="lender").party
    assert lender.name == "International Bank for Reconstruction and Development"
    first = Commitment.objects.get(
        agreement=agreement, title__startswith="Commitment: 500,000,000.00 USD"
    )
    assert first.delivered_on == date(2021, 6, 30)
    assert (
        Commitment.objects.filter(agreement=agreement, title__startswith="Condition:").count() == 3
    )
    _reimport_changes_nothing(path, admin)


@pytest.mark.parametrize(
    ("name", "identifier", "title"),
    [
        ("usaid-activity.xml", "US-GOV-1-AID-EPP-A-00-09-00001",
         "Enhancing Sustainable Utility Regulations (ENSURE)"),
        ("canada-activity.xml", "CA-3-D002451001",
         "Partnerships for Municipal Innovation in Local Economic Development"),
    ],
)  # fmt: skip
def test_iati_usaid_and_canada(admin, name, identifier, title):
    _imported(DATA / "iati" / name, admin)
    agreement = Agreement.objects.get(reference=identifier)
    assert agreement.title == title
    assert agreement.commitments.filter(category="financial", status="delivered").exists()


def test_iati_mixed_versions_file_keeps_2x_and_explains_1x(admin):
    path = DATA / "iati" / "dportal-west-central-africa-activities.xml"
    report = _imported(path, admin)
    assert Agreement.objects.get(reference="GB-CHC-202918-MLIB06").title == (
        "Response to the outbreak of the disease Ebola in Mali"
    )
    skipped_1x = [n for n in report.notes if "version 1." in n.reason]
    assert len(skipped_1x) == 3
    assert Party.objects.filter(name="Oxfam GB").exists()


def test_iati_validates_against_the_xsd_on_request(admin, tmp_path):
    report = load(DATA / "iati" / "worldbank-activity.xml", admin, validate=True)
    assert report.ok, report.lines()
    # The Canadian file as published is not valid 2.03: a location point without <pos>.
    report = load(DATA / "iati" / "canada-activity.xml", admin, validate=True)
    assert "Missing child element(s). Expected is ( pos )" in report.errors[0].reason
    broken = (
        (DATA / "iati" / "worldbank-activity.xml")
        .read_text()
        .replace("<iati-identifier>", "<iati-identifierx>", 1)
    )
    broken = broken.replace("</iati-identifier>", "</iati-identifierx>", 1)
    report = load(write(tmp_path, "bad.xml", broken), admin, validate=True)
    assert "schema" in report.errors[0].reason


def test_oc4ids_export_validates_and_round_trips(admin):
    _imported(DATA / "oc4ids" / "example-fictional-m75.json", admin)
    _imported(DATA / "iati" / "worldbank-activity.xml", admin)
    first = exports.export_oc4ids(admin, published="2025-01-01T00:00:00Z")
    assert oc4ids.validate_package(json.loads(first)) == []
    importer = empty_database()
    assert not SourceIdentifier.objects.exists()
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        _imported(write(Path(folder), "package.json", first), importer)
    second = exports.export_oc4ids(importer, published="2025-01-01T00:00:00Z")
    assert json.loads(second) == json.loads(first)
