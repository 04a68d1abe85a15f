"""Exports of agreements in the open standards lenders and governments publish in: an OCDS
1.1 release package (one release per agreement) and IATI 2.03 activities (each agreement
with a funding party). Built from what ``user`` may see (the policy's querysets), each
validated against the standard's schema bundled under ``interchange/schemas``."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

from django.utils import timezone
from lxml import etree

from alliance.accounts import policy
from alliance.interchange import services
from alliance.interchange.values import SCHEMA_DIR
from alliance.partnerships import models as pm
from alliance.partnerships.choices import CommitmentStatus, ParticipationRole, PartyKind

Role = ParticipationRole
OCDS_ROLES = {
    Role.SIGNATORY: ["buyer"],
    Role.LENDER: ["funder"],
    Role.CONTRACTOR: ["supplier"],
    Role.REGULATOR: ["reviewBody"],
    Role.BENEFICIARY: ["interestedParty"],
    Role.OBSERVER: ["interestedParty"],
}
MILESTONE_STATUS = {
    CommitmentStatus.PLANNED: "scheduled",
    CommitmentStatus.IN_PROGRESS: "scheduled",
    CommitmentStatus.LATE: "notMet",
    CommitmentStatus.DELIVERED: "met",
    CommitmentStatus.WAIVED: "notMet",
    CommitmentStatus.DISPUTED: "notMet",
}
IATI_ROLES = {Role.LENDER: "1", Role.SIGNATORY: "2", Role.CONTRACTOR: "4"}
IATI_TYPES = {
    PartyKind.GOVERNMENT: "10",
    PartyKind.REGULATOR: "10",
    PartyKind.LOCAL_AUTHORITY: "11",
    PartyKind.STATE_ENTERPRISE: "15",
    PartyKind.NGO: "21",
    PartyKind.COMMUNITY: "23",
    PartyKind.MULTILATERAL: "40",
    PartyKind.LENDER: "40",
    PartyKind.MULTINATIONAL: "70",
    PartyKind.LOCAL_FIRM: "72",
}


def _stamp(day: date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00Z" if day else None


def _org_id(party: pm.Party) -> str:
    return services.source_identifier_of("org", party) or f"XI-ALLIANCE-{party.uuid}"


def _now(published: str | None) -> str:
    return published or timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")


# ----- OCDS -----


def ocds_release(user: Any, agreement: pm.Agreement, published: str) -> dict[str, Any]:
    """One agreement as an OCDS release: parties with roles, the buyer, and one contract
    whose milestones are the commitments ``user`` may see."""
    ocid = services.source_identifier_of("ocds", agreement) or f"ocds-alliance-{agreement.uuid}"
    participations = (
        policy.participations_visible_to(user)
        .filter(agreement=agreement)
        .select_related("party")
        .order_by("party__name")
    )
    parties = [
        {
            "id": _org_id(p.party),
            "name": p.party.name,
            "roles": OCDS_ROLES[p.role],
            "address": {"countryName": p.party.country},
        }
        for p in participations
    ]
    release: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{published}",
        "date": published,
        "tag": ["contract"],
        "initiationType": "tender",
        "language": "en",
        "parties": parties,
    }
    buyer = next((p for p in parties if "buyer" in p["roles"]), None)
    if buyer:
        release["buyer"] = {"id": buyer["id"], "name": buyer["name"]}
    contract: dict[str, Any] = {
        "id": str(agreement.uuid),
        "awardID": str(agreement.uuid),
        "title": agreement.title,
        "status": "active",
        "dateSigned": _stamp(agreement.signed_on),
        "period": {"startDate": _stamp(agreement.effective_on or agreement.signed_on)},
    }
    if agreement.summary:
        contract["description"] = agreement.summary
    if agreement.ends_on:
        contract["period"]["endDate"] = _stamp(agreement.ends_on)
    if agreement.value is not None and agreement.currency:
        contract["value"] = {"amount": float(agreement.value), "currency": agreement.currency}
    commitments = (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement)
        .order_by("due_on", "title", "pk")
    )
    milestones = []
    for c in commitments:
        milestone = {
            "id": str(c.uuid),
            "title": c.title,
            "type": "financing" if c.category == "financial" else "delivery",
            "dueDate": _stamp(c.due_on),
            "status": MILESTONE_STATUS[c.status],
        }
        if c.description:
            milestone["description"] = c.description
        if c.delivered_on:
            milestone["dateMet"] = _stamp(c.delivered_on)
        milestones.append(milestone)
    if milestones:
        contract["milestones"] = milestones
    suppliers = [p for p in parties if "supplier" in p["roles"]]
    release["awards"] = [
        {
            "id": str(agreement.uuid),
            "title": agreement.title,
            "status": "active",
            "date": _stamp(agreement.signed_on),
            "suppliers": [{"id": p["id"], "name": p["name"]} for p in suppliers],
        }
    ]
    release["contracts"] = [contract]
    return release


def ocds_package(user: Any, agreements: Any, *, published: str | None = None) -> dict[str, Any]:
    """A release package of the agreements ``user`` may see."""
    stamp = _now(published)
    visible = policy.agreements_visible_to(user).filter(pk__in=agreements).order_by("pk")
    return {
        "uri": "https://alliance.invalid/ocds/release-package.json",
        "publishedDate": stamp,
        "publisher": {"name": "Alliance"},
        "version": "1.1",
        "releases": [ocds_release(user, a, stamp) for a in visible],
    }


@cache
def _ocds_validator() -> Any:
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text("utf-8"))
    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text("utf-8"))
    registry = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def validate_ocds(package: dict[str, Any]) -> list[str]:
    """Schema errors of a release package (empty when it validates)."""
    errors = sorted(_ocds_validator().iter_errors(package), key=lambda e: list(e.path))
    return [f"{'/'.join(str(p) for p in e.path)}: {e.message}" for e in errors]


# ----- IATI -----


def _narrative(parent: Any, tag: str, text: str, **attrs: str) -> Any:
    element = etree.SubElement(parent, tag, **attrs)
    etree.SubElement(element, "narrative").text = text
    return element


def iati_activity(user: Any, agreement: pm.Agreement, funder: pm.Participation) -> Any:
    """One agreement as an IATI activity reported by its funding party."""
    identifier = services.source_identifier_of("iati", agreement) or (
        f"{_org_id(funder.party)}-{agreement.uuid}"
    )
    activity = etree.Element("iati-activity", {"default-currency": agreement.currency or "USD"})
    etree.SubElement(activity, "iati-identifier").text = identifier
    _narrative(
        activity, "reporting-org", funder.party.name,
        ref=_org_id(funder.party), type=IATI_TYPES.get(funder.party.kind, "90"),
    )  # fmt: skip
    _narrative(activity, "title", agreement.title)
    _narrative(activity, "description", agreement.summary or agreement.title, type="1")
    participations = (
        policy.participations_visible_to(user)
        .filter(agreement=agreement, role__in=list(IATI_ROLES))
        .select_related("party")
        .order_by("party__name")
    )
    for p in participations:
        _narrative(
            activity, "participating-org", p.party.name,
            ref=_org_id(p.party), role=IATI_ROLES[p.role],
            type=IATI_TYPES.get(p.party.kind, "90"),
        )  # fmt: skip
    etree.SubElement(activity, "activity-status", code="2")
    etree.SubElement(activity, "activity-date", type="1", **{"iso-date": str(agreement.signed_on)})
    if agreement.effective_on:
        etree.SubElement(
            activity, "activity-date", type="2", **{"iso-date": str(agreement.effective_on)}
        )
    if agreement.ends_on:
        etree.SubElement(
            activity, "activity-date", type="3", **{"iso-date": str(agreement.ends_on)}
        )
    countries = agreement.countries or [agreement.host_country]
    for code in countries:
        etree.SubElement(
            activity, "recipient-country", code=code, percentage=f"{100 / len(countries):.2f}"
        )
    if agreement.value is not None and agreement.currency and agreement.ends_on:
        budget = etree.SubElement(activity, "budget", type="1", status="2")
        etree.SubElement(budget, "period-start", **{"iso-date": str(agreement.signed_on)})
        etree.SubElement(budget, "period-end", **{"iso-date": str(agreement.ends_on)})
        value = etree.SubElement(
            budget, "value", currency=agreement.currency, **{"value-date": str(agreement.signed_on)}
        )
        value.text = f"{agreement.value:.2f}"
    return activity


def iati_document(user: Any, agreements: Any, *, published: str | None = None) -> bytes:
    """IATI 2.03 activities for the agreements ``user`` may see that have a funding party
    ``user`` sees (a lender); the others are left out."""
    root = etree.Element(
        "iati-activities", version="2.03", **{"generated-datetime": _now(published)}
    )
    visible = policy.agreements_visible_to(user).filter(pk__in=agreements).order_by("pk")
    for agreement in visible:
        funder = (
            policy.participations_visible_to(user)
            .filter(agreement=agreement, role=Role.LENDER)
            .select_related("party")
            .order_by("party__name")
            .first()
        )
        if funder is not None:
            root.append(iati_activity(user, agreement, funder))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate_iati(document: bytes) -> list[str]:
    """IATI 2.03 schema errors of a document (empty when it validates)."""
    from alliance.interchange.iati import _schema

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    schema = _schema()
    if schema.validate(etree.fromstring(document, parser)):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
