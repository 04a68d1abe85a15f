"""IATI mapped as a data officer expects (issue 13, defects 3 to 6), on activities built from
the 2.03 standard: reporting, participating and transaction organisations become parties;
transactions are owed by their provider to their receiver; values keep their currency;
organisations keep their own country, are told apart by a valid identifier or by name and
country, and get a kind from their type; everything dropped is counted with its reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alliance.interchange import organisations
from alliance.interchange.tests.helpers import load, write
from alliance.partnerships.models import Agreement, Commitment, Participation, Party
from alliance.testing import make_user


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


def org(tag: str, name: str, ref: str = "", type_: str = "", role: str = "") -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in (("ref", ref), ("type", type_), ("role", role)) if v)
    return f"<{tag}{attrs}><narrative>{name}</narrative></{tag}>"


def transaction(
    code: str, day: str, amount: str, provider: str = "", receiver: str = "", currency: str = ""
) -> str:
    value = (
        f'<value currency="{currency}">{amount}</value>' if currency else f"<value>{amount}</value>"
    )
    return (
        f'<transaction><transaction-type code="{code}"/><transaction-date iso-date="{day}"/>'
        f"{value}{provider}{receiver}</transaction>"
    )


def activity(body: str, identifier: str = "XI-IATI-EC_ECHO-2020-1", currency: str = "") -> str:
    default = f' default-currency="{currency}"' if currency else ""
    return (
        f'<iati-activity last-updated-datetime="2024-01-01T00:00:00Z"{default}>'
        f"<iati-identifier>{identifier}</iati-identifier>"
        + org("reporting-org", "European Commission - Humanitarian Aid", "XI-IATI-EC_ECHO", "40")
        + "<title><narrative>Shelter for displaced families</narrative></title>"
        + org("participating-org", "European Commission - Humanitarian Aid", "XI-IATI-EC_ECHO",
              "40", "1")
        + org("participating-org", "Ministerio de Asuntos Exteriores", "ES-DIR3-E04585801",
              "10", "3")
        + org("participating-org", "UNHCR", "XM-DAC-41121", "40", "4")
        + '<recipient-country code="IQ" percentage="100"/>'
        + '<activity-date type="2" iso-date="2020-02-01"/>'
        + '<sector code="72010" vocabulary="1"/><sector code="72040" vocabulary="1"/>'
        + '<location><name><narrative>Mosul</narrative></name></location>'
        + '<document-link url="https://example.invalid/d.pdf" format="application/pdf">'
        + "<title><narrative>Appraisal</narrative></title></document-link>"
        + body
        + "</iati-activity>"
    )  # fmt: skip


def iati(*activities: str) -> str:
    return f'<iati-activities version="2.03">{"".join(activities)}</iati-activities>'


ECHO = org("provider-org", "European Commission - Humanitarian Aid", "XI-IATI-EC_ECHO")
UNHCR = org("receiver-org", "UNHCR", "XM-DAC-41121")
BUILDER = org("receiver-org", "Erbil Construction Company", "IQ-RC-77123", "70")


def test_every_organisation_becomes_a_party_with_its_own_country_and_kind(admin, tmp_path):
    body = transaction("2", "2020-02-10", "1000000", ECHO, UNHCR, "EUR") + transaction(
        "4", "2020-06-30", "250000", org("provider-org", "UNHCR", "XM-DAC-41121"), BUILDER, "EUR"
    )
    report = load(write(tmp_path, "echo.xml", iati(activity(body))), admin)
    assert report.committed, report.lines()
    agreement = Agreement.objects.get()
    assert agreement.host_country == "IQ"
    parties = {p.name: p for p in Party.objects.all()}
    assert parties["European Commission - Humanitarian Aid"].country == "EU"
    assert parties["Ministerio de Asuntos Exteriores"].country == "ES"
    assert parties["UNHCR"].country == "UN"
    assert parties["Erbil Construction Company"].country == "IQ"
    assert parties["European Commission - Humanitarian Aid"].kind == "multilateral"
    assert parties["Ministerio de Asuntos Exteriores"].kind == "government"
    assert parties["Erbil Construction Company"].kind == "multinational"
    roles = dict(Participation.objects.values_list("party__name", "role"))
    assert roles["Erbil Construction Company"] == "beneficiary"  # the receiver takes part
    assert roles["UNHCR"] == "contractor"
    payment = Commitment.objects.get(title__startswith="Expenditure")
    assert payment.owed_by.name == "UNHCR"
    assert [p.name for p in payment.owed_to.all()] == ["Erbil Construction Company"]
    assert payment.title == "Expenditure: 250,000.00 EUR"
    # No default currency: each value's own currency makes the agreement's value.
    assert agreement.value == Decimal("1000000.00") and agreement.currency == "EUR"
    assert not any(
        {p.pk for p in c.owed_to.all()} == {c.owed_by_id} for c in Commitment.objects.all()
    )


def test_a_transaction_with_the_same_provider_and_receiver_is_dropped_with_its_reason(
    admin, tmp_path
):
    body = (
        transaction("3", "2020-03-01", "500", ECHO,
                    org("receiver-org", "European Commission - Humanitarian Aid",
                        "XI-IATI-EC_ECHO"), "EUR")
        + transaction("3", "2020-03-02", "-120", ECHO, UNHCR, "EUR")
        + transaction("3", "2020-03-03", "0", ECHO, UNHCR, "EUR")
        + transaction("3", "2020-03-04", "80", ECHO, UNHCR)
    )  # fmt: skip
    report = load(write(tmp_path, "self.xml", iati(activity(body))), admin)
    assert report.committed, report.lines()
    dropped = report.mapping["transaction"]["dropped"]
    assert dropped == {
        "provided and received by the same organisation": 1,
        "zero amount": 1,
        "no currency (neither the value nor the activity says one)": 1,
    }
    reversal = Commitment.objects.get(title__contains="reversal")
    assert reversal.title == "Disbursement (reversal): -120.00 EUR"
    assert report.mapping["sector"]["dropped"] == {"no place for it in Alliance": 2}
    assert report.mapping["location"]["dropped"] == {"no place for it in Alliance": 1}
    assert report.mapping["document-link"]["dropped"] == {"no place for it in Alliance": 1}
    lines = "\n".join(report.lines())
    assert "sector dropped (no place for it in Alliance): 2" in lines
    assert "transaction → financial commitment, delivered, owed by provider to receiver: 1" in (
        lines
    )


def test_several_currencies_are_not_added_and_budgets_give_a_value(admin, tmp_path):
    body = transaction("2", "2020-02-10", "100", ECHO, UNHCR, "USD") + transaction(
        "2", "2020-02-11", "40", ECHO, UNHCR, "EUR"
    )
    budgets = (
        '<budget type="1"><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>'
        '<value currency="GBP">900</value></budget>'
        '<budget type="2"><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>'
        '<value currency="GBP">1200</value></budget>'
        '<budget type="1"><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>'
        '<value currency="GBP">300</value></budget>'
    )
    content = iati(
        activity(body, currency="USD"),
        activity(budgets, identifier="XI-IATI-EC_ECHO-2020-2"),
    )
    report = load(write(tmp_path, "money.xml", content), admin)
    assert report.committed, report.lines()
    first = Agreement.objects.get(reference="XI-IATI-EC_ECHO-2020-1")
    assert first.value == Decimal("100.00") and first.currency == "USD"
    assert any("not in it: 40.00 EUR" in n.reason for n in report.notes)
    second = Agreement.objects.get(reference="XI-IATI-EC_ECHO-2020-2")
    assert second.value == Decimal("1500.00") and second.currency == "GBP"  # revised 2020


def test_generic_references_do_not_merge_organisations_valid_ones_do(admin, tmp_path):
    ministries = "".join(
        org("participating-org", f"Ministry of {name}", "MOF", "10", "2")
        for name in ("Finance", "Health", "Education", "Water", "Energy", "Transport",
                     "Agriculture", "Justice", "Interior", "Planning")
    )  # fmt: skip
    twice = org("participating-org", "UN Refugee Agency", "XM-DAC-41121", "40", "4")
    report = load(write(tmp_path, "orgs.xml", iati(activity(ministries + twice))), admin)
    assert report.committed, report.lines()
    assert Party.objects.filter(name__startswith="Ministry of").count() == 10
    assert not Party.objects.filter(name="UN Refugee Agency").exists()  # same as UNHCR
    assert any(
        "“UNHCR” and “UN Refugee Agency” have the same identifier XM-DAC-41121" in n.reason
        for n in report.notes
    )
    found_by_name = report.mapping["participating-org"]["mapped"]
    assert found_by_name["party found by name and country (no valid organisation identifier)"] == 10


@pytest.mark.parametrize(
    ("ref", "name", "valid", "country"),
    [
        ("XM-DAC-41114", "UNDP", True, "UN"),
        ("XI-IATI-EC_ECHO", "ECHO", True, "EU"),
        ("GB-COH-01234567", "A firm", True, "GB"),
        ("XM-DAC-12-1", "FCDO", True, "GB"),
        ("44001", "IBRD", True, "ZZ"),
        ("51000", "A university", False, "ZZ"),
        ("MOF", "Ministry of Finance", False, "ZZ"),
        ("", "Government of Ghana", False, "GH"),
        ("DAC-1601", "A foundation", False, "ZZ"),
    ],
)
def test_organisation_identifiers(ref, name, valid, country):
    assert organisations.valid_identifier(ref) is valid
    assert organisations.country_of(ref, name) == country
