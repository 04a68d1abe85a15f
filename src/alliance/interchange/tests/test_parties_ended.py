"""Who an organisation is and when it stops taking part (issue 13, defects 2 and 5), on real
OCDS files and on files built from the standards: an OCDS party's country comes from its
address, its identifier's scheme or its name (never the contracting process's when it says
one); organisations are one party by a valid identifier, else by name and country (the same
name in two countries is two parties); a party or contract a newer version drops is marked
ended with a note, in OCDS, OC4IDS and IATI alike; the OC4IDS mapping report covers its
nested levels."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from alliance.interchange.tests.helpers import DATA, load, row_counts, write
from alliance.interchange.tests.test_defects import package, project, release
from alliance.interchange.tests.test_iati_mapping import activity, iati, org, transaction
from alliance.partnerships.models import Agreement, Commitment, Participation, Party
from alliance.testing import make_user


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


# ----- OCDS party country -----


def test_real_ocds_parties_get_their_own_country(admin, tmp_path):
    folder = tmp_path / "real"
    folder.mkdir()
    for name in (
        "nigeria-record-ocds-gyl66f-borbda-27yetd.json",
        "nigeria-record-ocds-gyl66f-borbda-2wlmoa.json",
        "mexico-release-package-1.json",
    ):
        write(folder, name, (DATA / "ocds" / name).read_bytes())
    report = load(folder, admin)
    assert report.committed, report.lines()
    countries = dict(Party.objects.values_list("name", "country"))
    # Checked by hand in the files: the procuring entity's address says Nigeria; the buyer
    # and the suppliers say nothing but their identifier schemes (NGA-BRBDA, NGA-DNL,
    # NGA-FCL) are Nigerian; the Mexican buyer and supplier write "MX" in their address.
    assert countries["benin-owena river basin development authority"] == "NG"
    assert countries["dtec nigeria limited"] == "NG"
    assert countries["fic consultant limited"] == "NG"
    assert countries["SECRETARÍA DE FINANZAS"] == "MX"
    assert countries["COMUNIC@RTE & CONSULTING SA DE C"] == "MX"
    # The authority is named with two ids in each record (buyer, procuring entity) and
    # other ids in the other record: same name, same country, no valid identifier → one.
    assert Party.objects.filter(name__icontains="benin-owena").count() == 1
    stated = report.mapping["parties/address/countryName"]["mapped"]
    assert stated["party country (as stated)"] >= 5


def test_an_ocds_party_country_from_its_address_identifier_or_name(admin, tmp_path):
    r = release()
    r["parties"] = [
        {"id": "GH-MOF", "name": "Ministry of Finance", "roles": ["buyer"],
         "address": {"countryName": "Ghana"}},
        {"id": "s1", "name": "Kumasi Works", "roles": ["supplier"],
         "identifier": {"scheme": "GB-COH", "id": "01234567"}},
        {"id": "s2", "name": "Bau GmbH", "roles": ["supplier"],
         "address": {"countryName": "Deutschland"}},
        {"id": "s3", "name": "Accra Roads Ltd", "roles": ["supplier"]},
        {"id": "f1", "name": "Kreditanstalt", "roles": ["funder"],
         "identifier": {"scheme": "DEU-HRB", "id": "123"}},
    ]  # fmt: skip
    r["buyer"] = {"id": "GH-MOF", "name": "Ministry of Finance"}
    r["awards"][0]["suppliers"] = [{"id": "s1", "name": "Kumasi Works"}]
    report = load(write(tmp_path, "r.json", package(r)), admin)
    assert report.committed, report.lines()
    countries = dict(Party.objects.values_list("name", "country"))
    assert countries == {
        "Ministry of Finance": "GH",
        "Kumasi Works": "GB",  # GB-COH: Companies House, whatever the process's country
        "Bau GmbH": "DE",  # German spelling of the country
        "Accra Roads Ltd": "GH",  # none stated: the buyer's, and the report says so
        "Kreditanstalt": "DE",  # a three-letter ISO prefix
    }
    said = report.mapping["parties/address/countryName"]["mapped"]
    assert said == {
        "party country (as stated)": 4,
        "party country: none stated, the project's is used": 1,
    }
    # Bau GmbH, Accra Roads Ltd and Kreditanstalt (DEU-HRB is no org-id.guide list).
    assert report.mapping["parties/identifier"]["mapped"] == {
        "party found by name and country (no valid organisation identifier)": 3
    }


def test_ocds_contracts_in_several_currencies_are_not_added(admin, tmp_path):
    r = release()
    r["contracts"].append(
        {"id": "c2", "awardID": "a1", "title": "Lighting", "dateSigned": "2023-03-01T00:00:00Z",
         "period": {"startDate": "2023-04-01T00:00:00Z", "endDate": "2024-06-30T00:00:00Z"},
         "value": {"amount": 50000, "currency": "USD"}}
    )  # fmt: skip
    report = load(write(tmp_path, "r.json", package(r)), admin)
    assert report.committed, report.lines()
    agreement = Agreement.objects.get()
    assert (agreement.value, agreement.currency) == (1000000, "MXN")
    assert any(
        n.reason == "The value is in MXN; not converted and not in it: 50,000.00 USD."
        for n in report.notes
    )


# ----- same name, different countries -----


def _process(ocid: str, buyer_country: str, buyer_id: str = "", **buyer: Any) -> dict[str, Any]:
    r = release(ocid=ocid, id=f"{ocid}-1")
    party = {"id": buyer_id or "b", "name": "Ministry of Finance", "roles": ["buyer"],
             "address": {"countryName": buyer_country}, **buyer}  # fmt: skip
    r["parties"] = [party, {**r["parties"][1], "address": {"countryName": buyer_country}}]
    r["buyer"] = {"id": party["id"], "name": "Ministry of Finance"}
    return r


def test_same_name_organisations_of_two_countries_stay_two_parties(admin, tmp_path):
    ghana, senegal = _process("ocds-x-1", "Ghana"), _process("ocds-x-2", "Senegal")
    report = load(write(tmp_path, "two.json", package(ghana, senegal)), admin)
    assert report.committed, report.lines()
    ministries = dict(
        Party.objects.filter(name__startswith="Ministry of Finance").values_list("name", "country")
    )
    assert ministries == {"Ministry of Finance": "GH", "Ministry of Finance (Senegal)": "SN"}
    for ocid, name in (("ocds-x-1", "Ministry of Finance"),
                       ("ocds-x-2", "Ministry of Finance (Senegal)")):  # fmt: skip
        agreement = Agreement.objects.get(reference=ocid)
        assert agreement.participations.filter(party__name=name, role="signatory").exists()
    # A third process, one at a time: same name and country as the Senegalese one → it.
    third = _process("ocds-x-3", "Sénégal")
    assert load(write(tmp_path, "three.json", package(third)), admin).committed
    assert Party.objects.filter(name__startswith="Ministry of Finance").count() == 2
    assert (
        Agreement.objects.get(reference="ocds-x-3")
        .participations.filter(party__name="Ministry of Finance (Senegal)")
        .exists()
    )
    # Again, everything: nothing changes.
    before = row_counts()
    again = load(write(tmp_path, "two.json", package(ghana, senegal)), admin)
    assert again.ok and again.total("created") == again.total("updated") == 0, again.lines()
    assert row_counts() == before


def test_a_valid_identifier_is_one_party_whatever_its_name_or_address(admin, tmp_path):
    first = _process(
        "ocds-y-1", "Ghana", identifier={"scheme": "GH-RGD", "id": "CS123"}, buyer_id="p1"
    )
    second = _process(
        "ocds-y-2", "Ghana", identifier={"scheme": "GH-RGD", "id": "CS123"}, buyer_id="p9"
    )
    second["parties"][0]["name"] = "Ministry of Finance and Economic Planning"
    second["buyer"]["name"] = "Ministry of Finance and Economic Planning"
    report = load(write(tmp_path, "p.json", package(first, second)), admin)
    assert report.committed, report.lines()
    assert not Party.objects.filter(name="Ministry of Finance and Economic Planning").exists()
    ministry = Party.objects.get(name="Ministry of Finance")
    assert ministry.participations.count() == 2
    merged = (
        "“Ministry of Finance” and “Ministry of Finance and Economic Planning” have the same"
        " identifier GH-RGD-CS123: they are one party."
    )
    assert [n.reason for n in report.notes].count(merged) == 1
    # And in a later import, under the new name alone: found by its identifier, and said.
    third = _process(
        "ocds-y-3", "Ghana", identifier={"scheme": "GH-RGD", "id": "CS123"}, buyer_id="p3"
    )
    third["parties"][0]["name"] = third["buyer"]["name"] = "MoFEP"
    report = load(write(tmp_path, "p3.json", package(third)), admin)
    assert report.committed, report.lines()
    assert ministry.participations.count() == 3
    assert any("“Ministry of Finance” and “MoFEP”" in n.reason for n in report.notes)


def test_iati_same_name_in_two_countries_is_two_parties(admin, tmp_path):
    def one(identifier: str, ref: str) -> str:
        body = org("participating-org", "Ministry of Health", ref, "10", "2")
        return activity(body, identifier=identifier)

    content = iati(one("XI-IATI-EC_ECHO-A", "GH-GOV-MOH"), one("XI-IATI-EC_ECHO-B", "SN-GOV-MOH"))
    report = load(write(tmp_path, "a.xml", content), admin)
    assert report.committed, report.lines()
    found = set(
        Party.objects.filter(name__startswith="Ministry of Health").values_list("name", "country")
    )
    assert found == {("Ministry of Health", "GH"), ("Ministry of Health (Senegal)", "SN")}


# ----- ended: OC4IDS (see also test_newest), OCDS, IATI -----


def test_ocds_a_supplier_replaced_in_a_newer_release_is_ended(admin, tmp_path):
    first = release()
    assert load(write(tmp_path, "r1.json", package(first)), admin).committed
    second = release(id="ocds-abc123-LO-1-v002", date="2023-09-01T00:00:00Z")
    second["parties"] = [
        second["parties"][0],
        {"id": "MX-RFC-ABC", "name": "Constructora Norte", "roles": ["tenderer"],
         "address": {"countryName": "Mexico"}},
        {"id": "MX-RFC-XYZ", "name": "Constructora Sur", "roles": ["supplier"],
         "address": {"countryName": "Mexico"}},
    ]  # fmt: skip
    second["awards"] = [
        {"id": "a2", "suppliers": [{"id": "MX-RFC-XYZ", "name": "Constructora Sur"}]}
    ]
    second["contracts"] = [
        {"id": "c1", "awardID": "a1", "status": "cancelled"},
        {"id": "c2", "awardID": "a2", "title": "Deck (retendered)",
         "dateSigned": "2023-09-01T00:00:00Z",
         "period": {"startDate": "2023-10-01T00:00:00Z", "endDate": "2025-12-31T00:00:00Z"}},
    ]  # fmt: skip
    report = load(write(tmp_path, "r2.json", package(first, second)), admin)
    assert report.committed, report.lines()
    north = Participation.objects.get(party__name="Constructora Norte")
    assert north.ended_on == date(2023, 9, 1)
    assert "No longer in the source's version of 2023-09-01" in north.end_note
    assert Participation.objects.get(party__name="Constructora Sur").ended_on is None
    # The contract of the supplier who left ends with it; the new one is planned.
    ended = Commitment.objects.get(title="Contract: Deck")
    assert ended.status == "waived"
    assert "no longer in the source" in ended.status_changes.order_by("pk").last().evidence
    retendered = Commitment.objects.get(title="Contract: Deck (retendered)")
    assert retendered.status == "planned" and retendered.owed_by.name == "Constructora Sur"


def test_ocds_a_contract_cancelled_in_a_newer_release_is_ended(admin, tmp_path):
    first = release()
    first["contracts"][0]["milestones"] = [
        {"id": "m1", "title": "Deck poured", "dueDate": "2024-05-01T00:00:00Z"}
    ]
    assert load(write(tmp_path, "r1.json", package(first)), admin).committed
    second = release(id="ocds-abc123-LO-1-v002", date="2023-09-01T00:00:00Z")
    second["contracts"] = [{"id": "c1", "status": "cancelled"}]
    report = load(write(tmp_path, "r2.json", package(second)), admin)
    assert report.committed, report.lines()
    for title in ("Contract: Deck", "Deck poured"):
        commitment = Commitment.objects.get(title=title)
        assert commitment.status == "waived"
        last = commitment.status_changes.order_by("pk").last()
        assert last.evidence == "Ended: the contract is cancelled (OCDS)."
    assert report.mapping["contracts"]["mapped"] == {
        "cancelled: its commitment is ended (waived)": 1,
        "milestone (group) and commitment of the supplier": 1,
    }


IATI_V = """<iati-activities version="2.03">
<iati-activity last-updated-datetime="{updated}" default-currency="USD">
<iati-identifier>XM-DAC-41114-GH-2</iati-identifier>
<reporting-org ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative></reporting-org>
<title><narrative>Water works</narrative></title>
<participating-org role="1" ref="XM-DAC-41114" type="40"><narrative>UNDP</narrative>
</participating-org>
<participating-org role="2" ref="GH-GOV-1" type="10"><narrative>Government of Ghana</narrative>
</participating-org>
{implementer}
<recipient-country code="GH" percentage="100"/>
<activity-date type="2" iso-date="2021-01-01"/>
{transactions}
</iati-activity></iati-activities>"""
BUILDER = (
    '<participating-org role="4" ref="GH-COH-123" type="70"><narrative>Accra Builders'
    "</narrative></participating-org>"
)
PAID = [
    transaction("3", "2021-03-01", "100", org("provider-org", "UNDP", "XM-DAC-41114"),
                org("receiver-org", "Government of Ghana", "GH-GOV-1")),
    transaction("3", "2021-06-01", "250", org("provider-org", "UNDP", "XM-DAC-41114"),
                org("receiver-org", "Government of Ghana", "GH-GOV-1")),
    transaction("3", "2021-09-01", "300", org("provider-org", "UNDP", "XM-DAC-41114"),
                org("receiver-org", "Government of Ghana", "GH-GOV-1")),
]  # fmt: skip


def test_iati_an_organisation_and_a_transaction_dropped_by_a_newer_version(admin, tmp_path):
    v1 = IATI_V.format(
        updated="2024-01-01T00:00:00Z", implementer=BUILDER, transactions="".join(PAID)
    )
    assert load(write(tmp_path, "v1.xml", v1), admin).committed
    paid = {c.title: c.pk for c in Commitment.objects.filter(category="financial")}
    assert len(paid) == 3
    # The publisher removes the first disbursement and the implementer.
    v2 = IATI_V.format(
        updated="2024-05-01T00:00:00Z", implementer="", transactions="".join(PAID[1:])
    )
    report = load(write(tmp_path, "v2.xml", v2), admin)
    assert report.committed, report.lines()
    builder = Participation.objects.get(party__name="Accra Builders")
    assert builder.ended_on == date(2024, 5, 1) and builder.end_note
    # The others are the same commitments, unchanged (not shifted by one); the dropped one
    # was delivered: it stays so, and the report says it is no longer in the source.
    after = {c.title: c.pk for c in Commitment.objects.filter(category="financial")}
    assert after == paid
    assert Commitment.objects.get(pk=paid["Disbursement: 250.00 USD"]).status_changes.count() == 1
    assert any(
        "No longer in the source's version" in n.reason and "stays" in n.reason
        for n in report.notes
    )
    assert report.counts["commitments"]["updated"] == 0, report.lines()


# ----- the OC4IDS mapping report covers nested levels -----


def test_oc4ids_mapping_report_covers_contracting_processes_and_their_milestones(admin, tmp_path):
    raw = project()
    raw["parties"][0]["contactPoint"] = {"name": "Desk"}
    raw["parties"].append({"id": "MX-RFC-T1", "name": "Loser SA", "roles": ["tenderer"]})
    raw["contractingProcesses"].append(
        {
            "id": "ocds-abc123-LO-2",
            "summary": {
                "ocid": "ocds-abc123-LO-2",
                "title": "Approach roads",
                "nature": ["construction"],
                "status": "implementation",
                "tender": {"procuringEntity": {"id": "MX-MOT", "name": "Ministry of Transport"},
                           "tenderPeriod": {"startDate": "2023-01-01T00:00:00Z"}},
                "suppliers": [{"id": "MX-RFC-ABC", "name": "Constructora Norte"}],
                "contractValue": {"amount": 2500000, "currency": "MXN"},
                "contractPeriod": {"startDate": "2023-05-01T00:00:00Z",
                                   "endDate": "2026-04-30T00:00:00Z"},
                "documents": [{"id": "d1", "url": "https://example.invalid/c.pdf"}],
                "milestones": [
                    {"id": "m1", "title": "Earthworks done", "dueDate": "2024-09-30T00:00:00Z",
                     "status": "scheduled", "code": "x"},
                    {"id": "m2", "title": "Undated"},
                ],
            },
        }
    )  # fmt: skip
    raw["contractingProcesses"].append(
        {"id": "ocds-abc123-LO-3", "summary": {"ocid": "ocds-abc123-LO-3", "title": "Nobody",
         "contractPeriod": {"endDate": "2026-04-30T00:00:00Z"}}}
    )  # fmt: skip
    raw["contractingProcesses"].append({"summary": {"title": "No id"}})
    report = load(write(tmp_path, "p.json", json.dumps(raw)), admin)
    assert report.committed, report.lines()
    m = report.mapping
    assert m["contractingProcesses"]["mapped"] == {
        "link: its OCDS releases go into this agreement": 1
    }
    assert m["contractingProcesses"]["dropped"] == {"no id, ocid or summary": 1}
    assert m["contractingProcesses/releases"]["mapped"]
    assert m["contractingProcesses/summary"]["mapped"] == {
        "milestone (group) and commitment of the supplier": 1
    }
    assert m["contractingProcesses/summary"]["dropped"] == {"no supplier": 1}
    for field in ("nature", "documents"):
        assert m[f"contractingProcesses/summary/{field}"]["dropped"] == {
            "no place for it in Alliance": 1
        }
    assert m["contractingProcesses/summary/contractValue"]["mapped"]
    assert m["contractingProcesses/summary/tender/tenderPeriod"]["dropped"]
    assert m["contractingProcesses/summary/tender/procuringEntity"]["mapped"]
    assert m["contractingProcesses/summary/milestones"]["mapped"] == {
        "commitment of the supplier": 1
    }
    assert m["contractingProcesses/summary/milestones"]["dropped"] == {
        "no id, due date, or two parties": 1
    }
    assert m["contractingProcesses/summary/milestones/code"]["dropped"]
    assert m["project/parties/contactPoint"]["dropped"] == {"no place for it in Alliance": 1}
    assert m["project/parties"]["dropped"] == {
        "unsuccessful tenderer: not a party to the agreement": 1
    }
    contract = Commitment.objects.get(title="Contract: Approach roads")
    assert "2,500,000.00 MXN" in contract.description
    assert Commitment.objects.get(title="Earthworks done").owed_by.name == "Constructora Norte"
    # The same rows on the command line (and the CSV): nothing read is left out.
    text = "\n".join(report.lines())
    assert (
        "contractingProcesses/summary/milestones dropped (no id, due date, or two parties): 1"
        in text
    )


def test_an_ended_participation_shows_on_the_parties_page(admin, tmp_path, client):
    first = release()
    assert load(write(tmp_path, "r1.json", package(first)), admin).committed
    second = release(id="ocds-abc123-LO-1-v002", date="2023-09-01T00:00:00Z")
    second["parties"][1]["roles"] = ["tenderer"]
    assert load(write(tmp_path, "r2.json", package(second)), admin).committed
    agreement = Agreement.objects.get()
    client.force_login(admin)
    page = client.get(reverse("agreement_parties", args=[agreement.uuid]))
    text = page.content.decode()
    assert page.status_code == 200
    ended = re.findall(r'<span class="badge">ended ([^<]+)</span>', text)
    assert len(ended) == 1 and "2023" in ended[0], ended  # Constructora Norte's only
    assert "No longer in the source&#x27;s version of 2023-09-01T00:00:00Z." in text
