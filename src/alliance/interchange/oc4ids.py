"""OC4IDS 0.9 (Open Contracting for Infrastructure Data Standard).

Import: a project package (``{"projects": [...]}``) or a bare project object → one agreement
per project, its parties and roles, period and budget, project milestones and contracting
processes (with their milestones) → commitments. Export: agreements → a project package that
validates against ``project-package-schema.json``. Fields Alliance needs that OC4IDS lacks
travel as ``x_`` extension fields (allowed by the schema), so an export imports back intact.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alliance.accounts import policy
from alliance.interchange import organisations, services
from alliance.interchange.jsonio import items, load_json, obj, text_of
from alliance.interchange.report import ImportContext
from alliance.interchange.standards import (
    SourceCommitment,
    SourceMilestone,
    SourceParty,
    SourceProject,
    apply_projects,
    money,
    to_amount,
    to_date,
)
from alliance.interchange.values import SCHEMA_DIR, country_code
from alliance.partnerships import models as pm
from alliance.partnerships.choices import (
    AgreementKind,
    CommitmentCategory,
    CommitmentStatus,
    PartyKind,
)
from alliance.partnerships.choices import ParticipationRole as Role

SCHEME = "oc4ids"
NO_COUNTRY = {"EU", "UN", "ZZ"}
ROLE_IN = {
    "publicAuthority": Role.SIGNATORY,
    "buyer": Role.SIGNATORY,
    "procuringEntity": Role.SIGNATORY,
    "payer": Role.SIGNATORY,
    "administrativeEntity": Role.SIGNATORY,
    "funder": Role.LENDER,
    "supplier": Role.CONTRACTOR,
    "privateParty": Role.CONTRACTOR,
    "payee": Role.CONTRACTOR,
    "reviewBody": Role.REGULATOR,
    "beneficiary": Role.BENEFICIARY,
    "interestedParty": Role.OBSERVER,
}
ROLE_OUT = {
    Role.SIGNATORY: "publicAuthority",
    Role.LENDER: "funder",
    Role.CONTRACTOR: "supplier",
    Role.REGULATOR: "reviewBody",
    Role.BENEFICIARY: "beneficiary",
    Role.OBSERVER: "interestedParty",
}
PUBLIC_ROLES = {"publicAuthority", "buyer", "procuringEntity", "payer", "administrativeEntity"}
CATEGORY_OUT = {
    "regulatory": "approval",
    "financial": "financing",
    "technical": "delivery",
    "local_content": "engagement",
    "reporting": "reporting",
    "governance": "assessment",
}
CATEGORY_IN = {v: k for k, v in CATEGORY_OUT.items()} | {"payment": "financial"}
STATUS_IN = {
    "met": CommitmentStatus.DELIVERED,
    "partiallyMet": CommitmentStatus.IN_PROGRESS,
    "notMet": CommitmentStatus.LATE,
    "scheduled": CommitmentStatus.PLANNED,
}
STATUS_OUT = {
    "planned": "scheduled",
    "in_progress": "partiallyMet",
    "late": "notMet",
    "delivered": "met",
    "waived": "notMet",
    "disputed": "notMet",
}
STAGE_OUT = {
    "signed": "preparation",
    "calibrating": "preparation",
    "implementing": "implementation",
    "integrated": "implementation",
    "alliance": "implementation",
}
MAPPED_KEYS = {
    "id",
    "updated",
    "title",
    "description",
    "status",
    "period",
    "implementationPeriod",
    "budget",
    "parties",
    "publicAuthority",
    "milestones",
    "contractingProcesses",
    "identifiers",
    "x_agreementKind",
    "x_stage",
    "completion",
    "language",
    "locations",
}


# What the mapping reads at each nested level (source field → what it becomes); every
# other field there is reported as dropped, with the reason.
PARTY_READ = {
    "id": gettext_noop("the party's key in the project"),
    "name": gettext_noop("party name"),
    "identifier": gettext_noop("party identity (a valid organisation identifier)"),
    "roles": gettext_noop("participation role"),
    "address": gettext_noop("party country (address/countryName)"),
    "x_kind": gettext_noop("party kind"),
    "classifications": gettext_noop("party kind (an organisation type code)"),
}
PROCESS_READ = {
    "id": gettext_noop("the contracting process's key and ocid"),
    "releases": gettext_noop("links to its OCDS releases: imported with them into this agreement"),
}
SUMMARY_READ = {
    "ocid": gettext_noop("the contracting process's ocid"),
    "title": gettext_noop("contract commitment title"),
    "description": gettext_noop("contract commitment description"),
    "status": gettext_noop("contract commitment status"),
    "suppliers": gettext_noop("the party owing the contract (first supplier)"),
    "contractPeriod": gettext_noop("contract commitment start and due dates"),
    "contractValue": gettext_noop("contract commitment description (value)"),
}
MILESTONE_READ = {
    "id", "title", "description", "type", "status", "dueDate", "dateMet", "x_status",
    "x_category", "x_owedBy", "x_owedTo", "x_startDate", "x_evidence",
}  # fmt: skip
NO_PLACE = gettext_noop("no place for it in Alliance")


def _fields(
    ctx: ImportContext, element: str, source: dict[str, Any], read: Any, nested: Any = ()
) -> None:
    """Report every non-empty field of ``source`` (at ``element``): read, or dropped;
    ``nested`` fields are reported at their own level (``element/field``) instead."""
    for key in sorted(source):
        if source[key] in (None, "", [], {}) or key in nested:
            continue
        if key in read:
            target = read[key] if isinstance(read, dict) else gettext_noop("read")
            ctx.report.mapped(f"{element}/{key}", ctx.report.say(target))
        else:
            ctx.report.dropped(f"{element}/{key}", ctx.report.say(NO_PLACE))


# ----- import -----


def import_file(ctx: ImportContext, path: Path) -> None:
    """Import every project of a package, or one bare project."""
    name = ctx.report.file
    data = load_json(path, name)
    projects = _projects(data)
    if projects is None:
        from alliance.interchange.errors import ImportRefused

        raise ImportRefused(
            _("Not OC4IDS: expected a project package (with “projects”) or a project object."),
            file=name,
        )
    ctx.cache["rows_total"] = len(projects)
    packaged = isinstance(data, dict) and "projects" in data

    def read() -> Iterator[SourceProject]:
        for number, raw in enumerate(projects):
            project = read_project(ctx, raw, f"projects[{number}]" if packaged else "project")
            if project is not None:
                yield project
            ctx.tick(number + 1, len(projects))

    apply_projects(ctx, read())


def _projects(data: Any) -> list[Any] | None:
    if isinstance(data, dict) and isinstance(data.get("projects"), list):
        return data["projects"]
    if isinstance(data, dict) and isinstance(data.get("id"), str) and "releases" not in data:
        return [data]
    return None


def read_project(ctx: ImportContext, raw: Any, place: str) -> SourceProject | None:
    """The project's data in Alliance's terms, or None (with the reason) if it cannot be."""
    raw = obj(raw)
    key = text_of(raw.get("id"))
    if not key:
        ctx.report.error(_("The project has no id."), column=place)
        return None
    signed, effective, ends = _dates(raw)
    if signed is None:
        ctx.report.error(
            _("The project has no start date (period or budget approval)."), column=place
        )
        return None
    project = SourceProject(
        scheme=SCHEME,
        key=key,
        place=place,
        title=text_of(raw.get("title")) or key,
        kind=_choice(
            raw.get("x_agreementKind"), AgreementKind, ctx.options.get("kind") or "consortium"
        ),
        signed_on=signed,
        effective_on=effective,
        ends_on=ends,
        host_country="",
        reference=_reference(raw),
        summary=text_of(raw.get("description")),
        version=text_of(raw.get("updated")),
    )
    _read_parties(ctx, raw, project)
    project.host_country = _host_country(ctx, raw, project) or ""
    if not project.host_country:
        ctx.report.error(
            _("Cannot tell the project's country: give one (option --country)."), column=place
        )
        return None
    project.settle_parties(ctx.report, "project/parties/address/countryName")
    _read_budget(ctx, raw, project)
    _read_milestones(ctx, raw, project)
    _read_contracting(ctx, raw, project)
    ctx.report.mapped("project", ctx.report.say(gettext_noop("agreement")))
    for key in sorted(k for k in raw if k in MAPPED_KEYS and raw[k] not in (None, "", [], {})):
        if key != "parties":  # reported per party (project/parties)
            ctx.report.mapped(
                f"project/{key}", ctx.report.say(gettext_noop("read (see the mapping table)"))
            )
    unmapped = sorted(k for k in raw if k not in MAPPED_KEYS)
    for key in unmapped:
        ctx.report.dropped(f"project/{key}", ctx.report.say(NO_PLACE))
    if unmapped:
        ctx.report.note(_("Not mapped: %(keys)s") % {"keys": ", ".join(unmapped)}, column=place)
    return project


def _choice(value: Any, choices: Any, default: str) -> str:
    return value if isinstance(value, str) and value in choices.values else default


def _reference(raw: dict[str, Any]) -> str:
    identifiers = items(raw.get("identifiers"))
    return text_of(identifiers[0].get("id"), 80) if identifiers else ""


def _dates(raw: dict[str, Any]) -> tuple[date | None, date | None, date | None]:
    period = obj(raw.get("period"))
    signed = (
        to_date(period.get("startDate"))
        or to_date(obj(raw.get("identificationPeriod")).get("startDate"))
        or to_date(obj(raw.get("budget")).get("approvalDate"))
        or to_date(obj(raw.get("implementationPeriod")).get("startDate"))
    )
    effective = to_date(obj(raw.get("implementationPeriod")).get("startDate"))
    ends = to_date(period.get("endDate")) or to_date(obj(raw.get("completion")).get("endDate"))
    if signed is not None:
        effective = effective if effective and effective >= signed else None
        ends = ends if ends and ends > signed else None
    return signed, effective, ends


def _read_parties(ctx: ImportContext, raw: dict[str, Any], project: SourceProject) -> None:
    tenderers = 0
    for number, party in enumerate(items(raw.get("parties"))):
        key = text_of(party.get("id")) or text_of(party.get("name"))
        name = text_of(party.get("name")) or text_of(obj(party.get("identifier")).get("legalName"))
        if not key or not name:
            ctx.report.note(
                _("A party without a name is not imported."),
                column=f"{project.place}/parties[{number}]",
            )
            ctx.report.dropped("project/parties", _("no name"))
            continue
        roles = {r for r in party.get("roles") or [] if isinstance(r, str)}
        mapped = {ROLE_IN[r] for r in roles if r in ROLE_IN}
        for role in sorted(roles - set(ROLE_IN)):
            ctx.report.dropped(
                "project/parties/roles",
                ctx.report.say(gettext_noop("role “%(r)s”: no participation role")) % {"r": role},
            )
        if not mapped:
            tenderers += "tenderer" in roles
            ctx.report.dropped(
                "project/parties",
                ctx.report.say(gettext_noop("unsuccessful tenderer: not a party to the agreement"))
                if "tenderer" in roles
                else ctx.report.say(gettext_noop("no role that takes part")),
            )
            continue
        identifier = obj(party.get("identifier"))
        ref = organisations.scheme_ref(
            text_of(identifier.get("scheme")),
            text_of(str(identifier.get("id") or "")),
            text_of(str(party.get("id") or "")),
        )
        written = obj(party.get("address")).get("countryName")
        # Alliance's own exports write EU, UN or ZZ (unknown) for organisations of no country.
        country = (
            written
            if written in NO_COUNTRY
            else country_code(written) or organisations.stated_country(ref, name)
        )
        _fields(ctx, "project/parties", party, PARTY_READ, nested={"address"})
        _fields(ctx, "project/parties/address", obj(party.get("address")), {"countryName"})
        kind, code = _kind(party, roles)
        project.add_party(
            SourceParty(
                key=key, name=name, kind=kind, country=country, roles=mapped, ref=ref, code=code
            )
        )
        ctx.report.mapped(
            "project/parties", ctx.report.say(gettext_noop("party and participation"))
        )
    if tenderers:
        ctx.report.note(
            _("%(n)s unsuccessful tenderers are not parties to the agreement: not imported.")
            % {"n": tenderers},
            column=f"{project.place}/parties",
        )


def _kind(party: dict[str, Any], roles: set[str]) -> tuple[str, str]:
    """A party's kind and the code that says it: Alliance's own ``x_kind``, else an
    organisation type among its classifications; else guessed from its roles (no code)."""
    if party.get("x_kind") in PartyKind.values:
        return party["x_kind"], f"x_kind {party['x_kind']}"
    coded = organisations.coded_kind(party.get("classifications")) or organisations.coded_kind(
        obj(party.get("details")).get("classifications")
    )
    return coded or (_role_kind(roles), "")


def _role_kind(roles: set[str]) -> str:
    if roles & PUBLIC_ROLES:
        return PartyKind.GOVERNMENT
    if "funder" in roles:
        return PartyKind.LENDER
    if "reviewBody" in roles:
        return PartyKind.REGULATOR
    return PartyKind.LOCAL_FIRM


def _host_country(ctx: ImportContext, raw: dict[str, Any], project: SourceProject) -> str | None:
    if ctx.options.get("country"):
        return country_code(ctx.options["country"])
    public = [p.country for p in project.parties.values() if p.role == Role.SIGNATORY and p.country]
    located = [
        country_code(obj(loc.get("address")).get("countryName"))
        for loc in items(raw.get("locations"))
    ]
    candidates = (
        public
        + [c for c in located if c]
        + [p.country for p in project.parties.values() if p.country]
    )
    return Counter(candidates).most_common(1)[0][0] if candidates else None


def _read_budget(ctx: ImportContext, raw: dict[str, Any], project: SourceProject) -> None:
    amount = obj(obj(raw.get("budget")).get("amount"))
    value, currency = to_amount(amount.get("amount")), text_of(amount.get("currency"))
    if value is not None and len(currency) == 3:
        project.value, project.currency = value, currency
    elif amount:
        ctx.report.note(
            _("Budget without a usable amount and currency: not imported."),
            column=f"{project.place}/budget",
        )


def _public_authority(project: SourceProject) -> str | None:
    signatories = [k for k, p in project.parties.items() if p.role == Role.SIGNATORY]
    return signatories[0] if signatories else next(iter(project.parties), None)


def _read_milestones(ctx: ImportContext, raw: dict[str, Any], project: SourceProject) -> None:
    authority = _public_authority(project)
    for number, milestone in enumerate(items(raw.get("milestones"))):
        place = f"{project.place}/milestones[{number}]"
        item = _milestone_commitment(
            milestone, f"m/{text_of(milestone.get('id'))}", place, authority, project
        )
        if item is None:
            ctx.report.note(
                _(
                    "A milestone without id, due date, or a party owing it to another is not"
                    " imported."
                ),
                column=place,
            )
            ctx.report.dropped("milestones", _("no id, due date, or two parties"))
        else:
            project.commitments.append(item)
            ctx.report.mapped("milestones", ctx.report.say(gettext_noop("commitment")))
            _fields(ctx, "milestones", milestone, MILESTONE_READ)


def _milestone_commitment(
    milestone: dict[str, Any], key: str, place: str, owed_by: str | None, project: SourceProject
) -> SourceCommitment | None:
    due = to_date(milestone.get("dueDate")) or to_date(milestone.get("dateMet"))
    owed_by = text_of(obj(milestone.get("x_owedBy")).get("id")) or owed_by
    if due is None or owed_by is None or key.endswith("/"):
        return None
    owed_to = [
        text_of(obj(r).get("id")) for r in milestone.get("x_owedTo") or [] if isinstance(r, dict)
    ]
    # To the other signatories, else to every other party taking part: never to itself.
    owed_to = (
        owed_to
        or [k for k, p in project.parties.items() if k != owed_by and p.role == Role.SIGNATORY]
        or [k for k, p in project.parties.items() if k != owed_by and p.role is not None]
    )
    if not owed_to:
        return None
    status = _choice(
        milestone.get("x_status"),
        CommitmentStatus,
        STATUS_IN.get(milestone.get("status"), "planned"),
    )
    delivered = to_date(milestone.get("dateMet")) if status == CommitmentStatus.DELIVERED else None
    if status == CommitmentStatus.DELIVERED and delivered is None:
        delivered = due
    category = milestone.get("x_category")
    category = (
        category
        if category in CommitmentCategory.values
        else CATEGORY_IN.get(milestone.get("type"), "technical")
    )
    return SourceCommitment(
        key=key,
        title=text_of(milestone.get("title")) or key,
        category=category,
        owed_by=owed_by,
        owed_to=owed_to,
        due_on=due,
        place=place,
        description=text_of(milestone.get("description")),
        start_on=to_date(milestone.get("x_startDate")),
        status=status,
        delivered_on=delivered,
        evidence=text_of(milestone.get("x_evidence"))
        or (_("Milestone met (OC4IDS).") if delivered else ""),
    )


def _read_contracting(ctx: ImportContext, raw: dict[str, Any], project: SourceProject) -> None:
    for number, process in enumerate(items(raw.get("contractingProcesses"))):
        place = f"{project.place}/contractingProcesses[{number}]"
        summary, key = obj(process.get("summary")), text_of(process.get("id"))
        ocid = process_ocid(process)
        if ocid and ocid not in project.processes:
            project.processes.append(ocid)
        _fields(ctx, "contractingProcesses", process, PROCESS_READ, nested={"summary"})
        if not summary or not key:
            ctx.report.note(
                _(
                    "Only links to OCDS releases: import those releases (with this file or"
                    " later) and the contract %(ocid)s goes into this project's agreement."
                )
                % {"ocid": ocid or key},
                column=place,
            )
            if ocid:
                ctx.report.mapped(
                    "contractingProcesses",
                    ctx.report.say(gettext_noop("link: its OCDS releases go into this agreement")),
                )
            else:
                ctx.report.dropped("contractingProcesses", _("no id, ocid or summary"))
            continue
        _fields(
            ctx, "contractingProcesses/summary", summary, SUMMARY_READ, {"tender", "milestones"}
        )
        tender = obj(summary.get("tender"))
        _fields(ctx, "contractingProcesses/summary/tender", tender, {"procuringEntity"})
        _contract(ctx, project, summary, key, place)


def process_ocid(process: dict[str, Any]) -> str:
    """The ocid of an OC4IDS contracting process: ``summary.ocid``, else its ``id`` (the
    standard's rule). Nuevo León prefixes the id with ``Release-``; the ocid is what follows."""
    ocid = text_of(obj(process.get("summary")).get("ocid")) or text_of(process.get("id"))
    start = ocid.find("ocds-")
    return ocid[start:] if start > 0 else ocid


def _contract(
    ctx: ImportContext, project: SourceProject, summary: dict, key: str, place: str
) -> None:
    period = obj(summary.get("contractPeriod"))
    start, due = to_date(period.get("startDate")), to_date(period.get("endDate"))
    suppliers = [
        _reference_party(project, r, Role.CONTRACTOR) for r in items(summary.get("suppliers"))
    ]
    buyer = _reference_party(
        project, obj(obj(summary.get("tender")).get("procuringEntity")), Role.SIGNATORY
    )
    buyer = buyer or _public_authority(project)
    title = text_of(summary.get("title")) or key
    if due is None or not suppliers or suppliers[0] is None or buyer is None:
        ctx.report.note(_("A contract without end date or supplier is not imported."), column=place)
        ctx.report.dropped(
            "contractingProcesses/summary",
            _("no contract end date")
            if due is None
            else _("no supplier")
            if not suppliers or suppliers[0] is None
            else _("no buyer"),
        )
        for _m in items(summary.get("milestones")):
            ctx.report.dropped(
                "contractingProcesses/summary/milestones", _("its contract is not imported")
            )
        return
    ctx.report.mapped(
        "contractingProcesses/summary",
        ctx.report.say(gettext_noop("milestone (group) and commitment of the supplier")),
    )
    value = obj(summary.get("contractValue"))
    worth = money(to_amount(value.get("amount")), text_of(value.get("currency")))
    project.milestones.append(SourceMilestone(key=f"cp/{key}", title=title, due_on=due))
    closed = text_of(summary.get("status")) in {"closed", "complete"} and due <= ctx.today
    project.commitments.append(
        SourceCommitment(
            key=f"cp/{key}",
            title=_("Contract: %(t)s") % {"t": title},
            category="technical",
            owed_by=suppliers[0],
            owed_to=[buyer],
            due_on=due,
            start_on=start,
            place=place,
            description=" ".join(filter(None, [text_of(summary.get("description")), worth])),
            milestone=f"cp/{key}",
            status=CommitmentStatus.DELIVERED if closed else CommitmentStatus.PLANNED,
            delivered_on=due if closed else None,
            evidence=_("Contracting process closed (OC4IDS).") if closed else "",
        )
    )
    for number, milestone in enumerate(items(summary.get("milestones"))):
        item = _milestone_commitment(
            milestone,
            f"cp/{key}/m/{text_of(milestone.get('id'))}",
            f"{place}/milestones[{number}]",
            suppliers[0],
            project,
        )
        element = "contractingProcesses/summary/milestones"
        if item is None:
            ctx.report.note(
                _(
                    "A milestone without id, due date, or a party owing it to another is not"
                    " imported."
                ),
                column=f"{place}/milestones[{number}]",
            )
            ctx.report.dropped(element, _("no id, due date, or two parties"))
            continue
        _fields(ctx, element, milestone, MILESTONE_READ)
        item.owed_to, item.milestone = [buyer], f"cp/{key}"
        project.commitments.append(item)
        ctx.report.mapped(element, ctx.report.say(gettext_noop("commitment of the supplier")))


def _reference_party(project: SourceProject, ref: dict[str, Any], role: str) -> str | None:
    key = text_of(ref.get("id")) or text_of(ref.get("name"))
    if not key:
        return None
    if key not in project.parties and text_of(ref.get("name")):
        # Named only in a contracting process (not among the project's parties).
        kind = PartyKind.GOVERNMENT if role == Role.SIGNATORY else PartyKind.LOCAL_FIRM
        name = text_of(ref.get("name"))
        found = organisations.scheme_ref("", "", text_of(ref.get("id")))
        country = organisations.stated_country(found, name) or project.host_country
        project.add_party(
            SourceParty(
                key=key,
                name=name,
                kind=kind,
                roles={role},
                country=country,
                ref=found,
                identity=organisations.identity(found, name, country),
            )
        )
    project.parties[key].roles.add(role) if key in project.parties else None
    return key if key in project.parties else None


# ----- export -----


def _org_id(party: pm.Party) -> str:
    return services.source_identifier_of("org", party) or f"alliance-party-{party.uuid}"


def _date_time(day: date | None) -> str | None:
    return f"{day.isoformat()}T00:00:00Z" if day else None


def project_of(user: Any, agreement: pm.Agreement) -> dict[str, Any]:
    """One agreement as an OC4IDS project, with only what ``user`` may see."""
    project_id = services.source_identifier_of(SCHEME, agreement) or f"alliance-{agreement.uuid}"
    participations = policy.participations_visible_to(user).filter(agreement=agreement)
    parties = [
        {
            "id": _org_id(p.party),
            "name": p.party.name,
            "roles": [ROLE_OUT[p.role]],
            "address": {"countryName": p.party.country},
            "x_kind": p.party.kind,
        }
        for p in participations.select_related("party").order_by("party__name")
    ]
    project: dict[str, Any] = {
        "id": project_id,
        "title": agreement.title,
        "status": STAGE_OUT[agreement.stage],
        "period": {"startDate": _date_time(agreement.signed_on)},
        "parties": parties,
        "x_agreementKind": agreement.kind,
        "x_stage": agreement.stage,
    }
    if agreement.reference:
        project["identifiers"] = [{"id": agreement.reference, "scheme": "internal"}]
    if agreement.summary:
        project["description"] = agreement.summary
    if agreement.ends_on:
        project["period"]["endDate"] = _date_time(agreement.ends_on)
    if agreement.effective_on:
        project["implementationPeriod"] = {"startDate": _date_time(agreement.effective_on)}
    if agreement.value is not None and agreement.currency:
        project["budget"] = {
            "amount": {"amount": float(agreement.value), "currency": agreement.currency}
        }
    public = next((p for p in parties if "publicAuthority" in p["roles"]), None)
    if public:
        project["publicAuthority"] = {"id": public["id"], "name": public["name"]}
    milestones = _milestones_out(user, agreement, project_id)
    if milestones:
        project["milestones"] = milestones
    return project


def _milestones_out(user: Any, agreement: pm.Agreement, project_id: str) -> list[dict[str, Any]]:
    commitments = (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement)
        .select_related("owed_by")
        .prefetch_related("owed_to")
        .order_by("due_on", "title", "pk")
    )
    out = []
    for c in commitments:
        source = services.source_identifier_of(f"{SCHEME}-commitment", c) or ""
        local = (
            source.removeprefix(f"{project_id}/m/")
            if source.startswith(f"{project_id}/m/")
            else str(c.uuid)
        )
        item = {
            "id": local,
            "title": c.title,
            "type": CATEGORY_OUT[c.category],
            "status": STATUS_OUT[c.status],
            "dueDate": _date_time(c.due_on),
            "x_status": c.status,
            "x_category": c.category,
            "x_owedBy": {"id": _org_id(c.owed_by), "name": c.owed_by.name},
            "x_owedTo": [
                {"id": _org_id(p), "name": p.name}
                for p in sorted(c.owed_to.all(), key=lambda p: p.name)
            ],
        }
        if c.delivered_on:
            item["dateMet"] = _date_time(c.delivered_on)
        if c.description:
            item["description"] = c.description
        if c.start_on:
            item["x_startDate"] = _date_time(c.start_on)
        if c.evidence:
            item["x_evidence"] = c.evidence
        out.append(item)
    return out


def export_package(user: Any, agreements: Any, *, published: str | None = None) -> dict[str, Any]:
    """A project package of the given agreements (those ``user`` may see)."""
    visible = (
        policy.agreements_visible_to(user).filter(pk__in=agreements).order_by("signed_on", "pk")
    )
    return {
        "uri": "https://alliance.invalid/oc4ids/package.json",
        "publishedDate": published or timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publisher": {"name": "Alliance"},
        "version": "0.9",
        "projects": [project_of(user, a) for a in visible],
    }


@cache
def _validator() -> Any:
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource

    project_schema = json.loads((SCHEMA_DIR / "project-schema.json").read_text("utf-8"))
    package_schema = json.loads((SCHEMA_DIR / "project-package-schema.json").read_text("utf-8"))
    registry = Registry().with_resource(
        project_schema["id"],
        Resource.from_contents(project_schema, default_specification=_draft4()),
    )
    return Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())


def _draft4() -> Any:
    from referencing.jsonschema import DRAFT4

    return DRAFT4


def validate_package(package: dict[str, Any]) -> list[str]:
    """Schema errors of a project package (empty when it validates)."""
    errors = sorted(_validator().iter_errors(package), key=lambda e: list(e.path))
    return [f"{'/'.join(str(p) for p in e.path)}: {e.message}" for e in errors]
