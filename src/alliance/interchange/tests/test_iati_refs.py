"""An IATI transaction keeps its commitment when its publisher adds or removes its ``ref``
(issue 13): transactions are keyed by their ``ref`` when they have one, else by what they
say, so a transaction first published without a ref and republished with one (or the
reverse) used to become a second commitment. Built from the real World Bank activity
(seven transactions, none with a ref) republished with refs, then without them again."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from alliance.interchange import standards
from alliance.interchange.models import SourceIdentifier
from alliance.interchange.tests.helpers import DATA, load, row_counts
from alliance.partnerships.models import Commitment
from alliance.testing import make_user

WORLD_BANK = DATA / "iati" / "worldbank-activity.xml"


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


def activity() -> etree._Element:
    root = etree.parse(str(WORLD_BANK)).getroot()
    return copy.deepcopy(root.find("iati-activity"))


def save(element: etree._Element, path: Path, updated: str) -> Path:
    element.set("last-updated-datetime", updated)
    root = etree.Element("iati-activities", version="2.03")
    root.append(copy.deepcopy(element))
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return path


def with_refs(element: etree._Element, every: int = 1) -> etree._Element:
    """The activity with a ``ref`` on every ``every``-th transaction."""
    changed = copy.deepcopy(element)
    for number, transaction in enumerate(changed.findall("transaction")):
        if number % every == 0:
            transaction.set("ref", f"P175662-T{number:03d}")
    return changed


def transactions() -> dict[int, tuple]:
    """The stored transaction commitments: id → what they say."""
    return {
        c.pk: (c.title, c.due_on, c.status, c.delivered_on, c.owed_by_id)
        for c in Commitment.objects.filter(category="financial", status="delivered")
    }


def matched(report, what: str) -> int:
    return sum(n for _element, _kind, target, n in report.mapping_rows() if what in target)


@pytest.fixture(params=["batched", "one by one"])
def way(request, monkeypatch):
    """Through the batched re-import and through ``apply_project`` alone."""
    if request.param == "one by one":
        monkeypatch.setattr(standards, "_known", lambda ctx, projects, found: ([], []))
        monkeypatch.setattr(standards, "_fresh", lambda projects, found: [])
    return request.param


def test_a_ref_added_then_removed_keeps_each_transaction(admin, tmp_path, way):
    plain = activity()
    assert len(plain.findall("transaction")) == 7
    assert not any(t.get("ref") for t in plain.findall("transaction"))
    first = load(save(plain, tmp_path / "v1.xml", "2024-01-01T00:00:00Z"), admin)
    assert first.committed, first.lines()
    before, rows = transactions(), row_counts()
    assert len(before) == 7

    # Republished with a ref on every transaction: the same rows, each one matched.
    refs = load(save(with_refs(plain), tmp_path / "v2.xml", "2024-06-01T00:00:00Z"), admin)
    assert refs.committed, refs.lines()
    assert transactions() == before
    assert row_counts() == rows
    assert refs.counts["commitments"].get("created", 0) == 0, refs.lines()
    assert matched(refs, "its ref was added") == len(before), refs.mapping_rows()
    assert any("found again by what they say" in n.reason for n in refs.notes)
    links = SourceIdentifier.objects.filter(
        scheme="iati-commitment", identifier__startswith="44000-P175662/t/"
    )
    assert len(links) == 7 and {link.identifier.split("/")[2] for link in links} == {"ref"}
    # Imported again, nothing to match.
    again = load(save(with_refs(plain), tmp_path / "v2.xml", "2024-06-01T00:00:00Z"), admin)
    assert again.total("created") == again.total("updated") == 0, again.lines()
    assert matched(again, "its ref was") == 0

    # Republished without refs again: still the same rows.
    gone = load(save(plain, tmp_path / "v3.xml", "2024-09-01T00:00:00Z"), admin)
    assert gone.committed, gone.lines()
    assert transactions() == before
    assert row_counts() == rows
    assert matched(gone, "its ref was removed") == len(before), gone.mapping_rows()
    assert not Commitment.objects.filter(status="waived").exists()


def test_some_refs_added_and_a_new_transaction(admin, tmp_path, way):
    """Half the transactions gain a ref and one new transaction (with a ref) comes: only
    the new one is created; nothing else moves."""
    plain = activity()
    load(save(plain, tmp_path / "v1.xml", "2024-01-01T00:00:00Z"), admin)
    before = transactions()
    changed = with_refs(plain, every=2)
    extra = copy.deepcopy(changed.findall("transaction")[1])
    extra.set("ref", "P175662-NEW")
    extra.find("transaction-date").set("iso-date", "2022-02-02")
    changed.insert(changed.index(changed.findall("transaction")[-1]) + 1, extra)
    report = load(save(changed, tmp_path / "v2.xml", "2024-06-01T00:00:00Z"), admin)
    assert report.committed, report.lines()
    after = transactions()
    assert {pk: after[pk] for pk in before} == before
    assert len(after) == len(before) + 1
    assert report.counts["commitments"].get("created") == 1, report.lines()
    assert matched(report, "its ref was added") == 4


def test_a_folder_of_both_versions_in_any_order_twice_gives_the_same_database(admin, tmp_path):
    """The version without refs and the one with them in one folder, under names that put
    either first, imported twice: the same database each time (the newer wins)."""
    from alliance.interchange.engine import run_import_many
    from alliance.interchange.tests.helpers import empty_database
    from alliance.interchange.tests.test_newest import state

    plain = activity()
    states = []
    for first, second in (("a.xml", "b.xml"), ("b.xml", "a.xml")):
        user = empty_database() if states else admin
        folder = tmp_path / first
        folder.mkdir()
        old = save(plain, folder / first, "2024-01-01T00:00:00Z")
        new = save(with_refs(plain), folder / second, "2024-06-01T00:00:00Z")
        for paths in ([old, new], [new, old]):
            report = run_import_many(paths, actor=user, dry_run=False)
            assert report.committed, report.lines()
            assert Commitment.objects.filter(category="financial").count() == 7
            states.append(state())
        links = SourceIdentifier.objects.filter(identifier__startswith="44000-P175662/t/")
        assert {link.identifier.split("/")[2] for link in links} == {"ref"}
    assert all(s == states[0] for s in states)


ORG_GAINS_REF = """<iati-activities version="2.03">
<iati-activity last-updated-datetime="{updated}" default-currency="USD">
<iati-identifier>XM-DAC-41114-GH-1</iati-identifier>
<reporting-org {ref} type="40"><narrative>UNDP</narrative></reporting-org>
<title><narrative>Water works</narrative></title>
<participating-org role="1" {ref} type="40"><narrative>UNDP</narrative></participating-org>
<participating-org role="4" ref="GH-COH-123" type="70"><narrative>Accra Builders</narrative>
</participating-org>
<recipient-country code="GH" percentage="100"/>
<activity-date type="2" iso-date="2021-01-01"/>
<transaction><transaction-type code="3"/><transaction-date iso-date="2022-01-01"/>
<value>100</value></transaction>
</iati-activity></iati-activities>"""


def test_an_organisation_that_gains_its_identifier_stays_one_party(admin, tmp_path, way):
    """UNDP first named by its name alone, then with its identifier XM-DAC-41114: one
    party, and the disbursement it provides (keyed by what it says, the provider
    included) stays one commitment. Another organisation of the same name that already
    has another identifier is not taken for it."""
    from alliance.interchange.tests.helpers import write
    from alliance.partnerships.models import Party

    first = ORG_GAINS_REF.format(updated="2024-01-01T00:00:00Z", ref="")
    assert load(write(tmp_path, "a.xml", first), admin).committed
    parties, rows = sorted(Party.objects.values_list("pk", "name")), row_counts()
    assert sorted(name for _pk, name in parties) == ["Accra Builders", "UNDP"]
    second = ORG_GAINS_REF.format(updated="2024-06-01T00:00:00Z", ref='ref="XM-DAC-41114"')
    report = load(write(tmp_path, "b.xml", second), admin)
    assert report.committed, report.lines()
    assert sorted(Party.objects.values_list("pk", "name")) == parties
    assert Commitment.objects.count() == 1
    # Only one row more: the party's link under its identifier (beside its name's).
    rows["interchange.SourceIdentifier"] += 1
    assert row_counts() == rows
    assert matched(report, "identifier added: the party imported by its name") == 1
    assert any("it now has XM-DAC-41114" in n.reason for n in report.notes)
    assert SourceIdentifier.objects.filter(scheme="org", identifier="XM-DAC-41114").exists()
