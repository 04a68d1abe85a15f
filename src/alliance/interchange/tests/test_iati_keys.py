"""IATI planned disbursements and results keep their identity across versions (issue 13): on
real activities from the D-Portal sample, a republished version that inserts one at the
top, removes one and reorders the rest updates each stored commitment from its own
element — nothing duplicated, nothing mislabelled, the removed one waived as a removed
transaction is. A project imported by an earlier version of the importer (keys by
position) is re-keyed by what its commitments say, once."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from lxml import etree

from alliance.interchange.models import SourceIdentifier
from alliance.interchange.tests.helpers import DATA, load
from alliance.partnerships.choices import CommitmentStatus
from alliance.partnerships.models import Commitment
from alliance.testing import make_user

SAMPLE = DATA / "iati" / "dportal-west-central-africa-activities.xml"
UNICEF = "XM-DAC-41122-Sierra Leone-3900/A0/07/883/006"  # five planned disbursements
CERF = "XM-OCHA-CERF-19-RR-WFP-005"  # three results, five indicator periods


@pytest.fixture
def admin(db):
    return make_user("root", is_staff=True, is_superuser=True)


def real_activity(identifier: str) -> etree._Element:
    for _event, element in etree.iterparse(str(SAMPLE), tag="iati-activity"):
        if element.findtext("iati-identifier") == identifier:
            return copy.deepcopy(element)
    raise AssertionError(identifier)


def save(activity: etree._Element, path: Path, updated: str) -> Path:
    activity.set("last-updated-datetime", updated)
    root = etree.Element("iati-activities", version="2.03")
    root.append(copy.deepcopy(activity))
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
    return path


def republish(activity: etree._Element, tag: str, new: etree._Element) -> etree._Element:
    """The activity with ``new`` inserted before the first ``tag``, the second ``tag``
    removed and the others in reverse order."""
    changed = copy.deepcopy(activity)
    found = changed.findall(tag)
    first = changed.index(found[0])
    for element in found:
        changed.remove(element)
    kept = [found[0], *found[2:]][::-1]
    for offset, element in enumerate([new, *kept]):
        changed.insert(first + offset, element)
    return changed


def stored(category: str) -> dict[tuple, int]:
    """What each open or ended commitment of a category says → its id."""
    return {
        (c.title, c.due_on, c.start_on): c.pk
        for c in Commitment.objects.filter(category=category, status__in=OPEN_OR_WAIVED)
    }


OPEN_OR_WAIVED = (CommitmentStatus.PLANNED, CommitmentStatus.LATE, CommitmentStatus.WAIVED)


def new_disbursement(activity: etree._Element) -> etree._Element:
    element = copy.deepcopy(activity.find("planned-disbursement"))
    element.find("period-start").set("iso-date", "2020-01-01")
    element.find("period-end").set("iso-date", "2020-12-31")
    element.find("value").text = "777000"
    return element


def new_result(activity: etree._Element) -> etree._Element:
    element = copy.deepcopy(activity.find("result"))
    element.find("title/narrative").text = "Output 0"
    for indicator in element.findall("indicator"):
        title = indicator.find("title/narrative")
        title.text = title.text.replace("Indicator 1", "Indicator 0")
    return element


CASES = {
    "planned-disbursement": (UNICEF, "financial", new_disbursement),
    "result": (CERF, "reporting", new_result),
}


def check_republished(tag: str, before: dict[tuple, int], removed: list[tuple]) -> None:
    """After ``republish``: the inserted element (one planned disbursement, or a result of
    two indicator periods) is new, the removed one waived, the others untouched."""
    added = {"planned-disbursement": 1, "result": 2}[tag]
    category = CASES[tag][1]
    after = stored(category)
    waived = {k for k, pk in after.items() if Commitment.objects.get(pk=pk).status == "waived"}
    # Nothing mislabelled: what was there keeps its id and says the same.
    assert {k: after[k] for k in before} == before
    # The removed one is waived, as a removed transaction is; only it.
    assert waived == set(removed)
    gone = Commitment.objects.get(pk=before[removed[0]])
    assert "no longer in the source" in gone.status_changes.latest("pk").evidence
    # Nothing duplicated: only the new ones are more.
    assert len(after) == len(before) + added
    assert Commitment.objects.filter(category=category).exclude(status="delivered").count() == len(
        after
    )
    new = set(after) - set(before)
    assert {Commitment.objects.get(pk=after[k]).status for k in new} == {"planned"}


def removed_of(activity: etree._Element, tag: str, before: dict[tuple, int]) -> list[tuple]:
    """The stored commitments of the second ``tag`` (the one ``republish`` removes)."""
    category = CASES[tag][1]
    return [
        key
        for key in before
        if Commitment.objects.get(pk=before[key]).category == category
        and (
            key[1].isoformat() in etree.tostring(activity.findall(tag)[1]).decode()
            if tag == "planned-disbursement"
            else key[0].startswith("Indicator 2")
        )
    ]


@pytest.mark.parametrize("tag", CASES)
def test_inserted_removed_and_reordered_elements_keep_their_commitments(admin, tmp_path, tag):
    identifier, category, make_new = CASES[tag]
    activity = real_activity(identifier)
    assert load(save(activity, tmp_path / "v1.xml", "2024-01-01T00:00:00Z"), admin).committed
    before = stored(category)
    assert len(before) == {"financial": 5, "reporting": 5}[category]
    removed = removed_of(activity, tag, before)
    assert len(removed) == 1
    v2 = republish(activity, tag, make_new(activity))
    report = load(save(v2, tmp_path / "v2.xml", "2024-06-01T00:00:00Z"), admin)
    assert report.committed, report.lines()
    check_republished(tag, before, removed)
    # Imported again, the same version changes nothing.
    again = load(save(v2, tmp_path / "v2.xml", "2024-06-01T00:00:00Z"), admin)
    counts = again.counts.get("commitments", {})
    assert counts.get("updated", 0) == counts.get("created", 0) == 0, again.lines()


# ----- the upgrade: a project imported under position keys -----


def as_imported_by_position(activity: etree._Element) -> None:
    """Put the database back as the importer that keyed planned disbursements, result
    periods and conditions by position left it: links ``pd/1``, ``r/1/1/1``, ``c/1`` and a
    recorded version without ``keys``. Commitments were created in the file's order (every
    element of these activities was imported)."""
    identifier = activity.findtext("iati-identifier")
    positions = {
        "Planned disbursement": [
            f"pd/{n}" for n, _ in enumerate(activity.findall("planned-disbursement"), 1)
        ],
        "Condition": [f"c/{n}" for n, _ in enumerate(activity.iter("condition"), 1)],
        "": [
            f"r/{r}/{i}/{p}"
            for r, result in enumerate(activity.findall("result"), 1)
            for i, indicator in enumerate(result.findall("indicator"), 1)
            for p, _period in enumerate(indicator.findall("period"), 1)
        ],
    }
    prefix = f"{identifier}/"
    links = SourceIdentifier.objects.filter(scheme="iati-commitment", identifier__startswith=prefix)
    by_uuid = {link.object_uuid: link for link in links}
    open_ones = Commitment.objects.exclude(status="delivered").order_by("pk")
    for start, names in positions.items():
        found = [c for c in open_ones if c.uuid in by_uuid and c.title.startswith(start)]
        assert len(found) == len(names)
        for commitment, name in zip(found, names, strict=True):
            link = by_uuid.pop(commitment.uuid)
            link.identifier = f"{prefix}{name}"
            link.save()
    version = SourceIdentifier.objects.get(scheme="iati-version", identifier=identifier)
    document = dict(version.document)
    document.pop("keys")
    document["commitments"] = sorted(
        link.identifier[len(prefix) :]
        for link in SourceIdentifier.objects.filter(
            scheme="iati-commitment", identifier__startswith=prefix
        )
    )
    version.document = document
    version.save()


POSITION = re.compile(r"/(pd/\d+|r/\d+/\d+/\d+|c/\d+)$")


@pytest.mark.parametrize("tag", CASES)
def test_position_keys_of_an_earlier_import_are_moved_once(admin, tmp_path, tag):
    identifier, category, make_new = CASES[tag]
    activity = real_activity(identifier)
    assert load(save(activity, tmp_path / "v1.xml", "2024-01-01T00:00:00Z"), admin).committed
    before = stored(category)
    removed = removed_of(activity, tag, before)
    as_imported_by_position(activity)
    # (the activity's planned disbursements and result periods alike)
    positioned = SourceIdentifier.objects.filter(identifier__regex=POSITION.pattern).count()
    assert positioned == Commitment.objects.exclude(status="delivered").count() >= len(before)
    v2 = republish(activity, tag, make_new(activity))
    report = load(save(v2, tmp_path / "v2.xml", "2024-06-01T00:00:00Z"), admin)
    assert report.committed, report.lines()
    check_republished(tag, before, removed)
    assert any("found again by what they say" in n.reason for n in report.notes)
    # Only the removed one is still under its position key; the version says how keys
    # are made, so position keys are not read again: a newer version inserting another
    # one at the top creates it, and touches nothing else.
    left = SourceIdentifier.objects.filter(identifier__regex=POSITION.pattern)
    assert [link.object_uuid for link in left] == [
        Commitment.objects.get(pk=before[removed[0]]).uuid
    ]
    assert SourceIdentifier.objects.get(scheme="iati-version").document["keys"] == 2
    middle = stored(category)
    extra = make_new(activity)
    if tag == "planned-disbursement":
        extra.find("period-start").set("iso-date", "2021-01-01")
    else:
        extra.find("title/narrative").text = "Output minus one"
        for n, indicator in enumerate(extra.findall("indicator"), 1):
            indicator.find("title/narrative").text = f"Indicator 9.{n}"
    v3 = copy.deepcopy(v2)
    v3.insert(v3.index(v3.find(tag)), extra)
    report = load(save(v3, tmp_path / "v3.xml", "2024-09-01T00:00:00Z"), admin)
    assert report.committed, report.lines()
    after = stored(category)
    assert {k: after[k] for k in middle} == middle
    assert len(after) == len(middle) + {"planned-disbursement": 1, "result": 2}[tag]
    assert report.counts.get("commitments", {}).get("updated", 0) == 0, report.lines()
