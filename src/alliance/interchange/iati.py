"""IATI activity XML 2.0x.

Each ``iati-activity`` → an agreement; participating organisations → parties (funding and
extending → lender, accountable → signatory, implementing → contractor); transactions →
delivered financial commitments, planned disbursements → planned ones, result indicator
periods and conditions → commitments. Parsed safely and streamed: no DTD, no entities, no
network; each activity is cleared once read, so memory stays flat whatever the file size.
Version 1.x activities are skipped with the reason (a 1.x file is refused).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from alliance.interchange.errors import ImportRefused
from alliance.interchange.report import ImportContext
from alliance.interchange.standards import (
    SourceCommitment,
    SourceParty,
    SourceProject,
    apply_projects,
    money,
    to_amount,
    to_date,
)
from alliance.interchange.values import SCHEMA_DIR, country_code
from alliance.partnerships.choices import CommitmentStatus, PartyKind
from alliance.partnerships.choices import ParticipationRole as Role

SCHEME = "iati"
ROLE_IN = {"1": Role.LENDER, "2": Role.SIGNATORY, "3": Role.LENDER, "4": Role.CONTRACTOR}
ORG_KIND = {
    "10": PartyKind.GOVERNMENT,
    "11": PartyKind.LOCAL_AUTHORITY,
    "15": PartyKind.STATE_ENTERPRISE,
    "21": PartyKind.NGO,
    "22": PartyKind.NGO,
    "23": PartyKind.NGO,
    "24": PartyKind.NGO,
    "30": PartyKind.MULTINATIONAL,
    "40": PartyKind.MULTILATERAL,
    "60": PartyKind.NGO,
    "70": PartyKind.MULTINATIONAL,
    "71": PartyKind.MULTINATIONAL,
    "72": PartyKind.LOCAL_FIRM,
    "73": PartyKind.MULTINATIONAL,
    "80": PartyKind.NGO,
    "90": PartyKind.NGO,
}
ROLE_KIND = {"1": PartyKind.LENDER, "2": PartyKind.GOVERNMENT, "3": PartyKind.GOVERNMENT}
TRANSACTION_NAMES = {
    "1": gettext_lazy("Incoming funds"),
    "2": gettext_lazy("Commitment"),
    "3": gettext_lazy("Disbursement"),
    "4": gettext_lazy("Expenditure"),
    "5": gettext_lazy("Interest payment"),
    "6": gettext_lazy("Loan repayment"),
    "7": gettext_lazy("Reimbursement"),
    "8": gettext_lazy("Purchase of equity"),
    "9": gettext_lazy("Sale of equity"),
    "10": gettext_lazy("Credit guarantee"),
    "11": gettext_lazy("Incoming commitment"),
    "12": gettext_lazy("Outgoing pledge"),
    "13": gettext_lazy("Incoming pledge"),
}
CONDITION_CATEGORY = {"1": "regulatory", "2": "governance", "3": "financial"}
DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _check_prolog(path: Path, name: str) -> None:
    """Refuse any DTD before parsing: that is how XXE and billion-laughs attacks come."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    start = head.find(b"<iati-activities")
    prolog = head if start < 0 else head[:start]
    if DOCTYPE.search(prolog):
        raise ImportRefused(
            _(
                "The XML declares a DTD or entities, which IATI files never need: refused for "
                "safety (external entities, entity expansion)."
            ),
            file=name,
        )


def _events(path: Path) -> Any:
    return etree.iterparse(
        str(path),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def import_file(ctx: ImportContext, path: Path) -> None:
    """Stream the activities of the file and import each one."""
    name = ctx.report.file
    _check_prolog(path, name)
    if ctx.options.get("validate"):
        validate(path, name)
    apply_projects(ctx, _read(ctx, path, name))


def _read(ctx: ImportContext, path: Path, name: str) -> Iterator[SourceProject]:
    """The file's activities in Alliance's terms, read one at a time."""
    count = 0
    try:
        for event, element in _events(path):
            if event == "start" and count == 0 and element.tag == "iati-activities":
                _check_version(element.get("version"), name, element.sourceline)
            elif (
                event == "start"
                and count == 0
                and element.tag != "iati-activities"
                and element.getparent() is None
            ):
                raise ImportRefused(
                    _("Not IATI: the root element is <%(t)s>.") % {"t": element.tag},
                    file=name,
                    row=element.sourceline,
                )
            if event == "end" and element.tag == "iati-activity":
                count += 1
                project = _activity(ctx, element, count)
                _release(element)
                ctx.tick(count, 0)
                if project is not None:
                    yield project
    except etree.XMLSyntaxError as exc:
        raise ImportRefused(
            _("Not well-formed XML (%(msg)s): truncated or damaged?") % {"msg": exc.msg},
            file=name,
            row=exc.lineno,
        ) from exc
    if count == 0:
        raise ImportRefused(_("No iati-activity in this file."), file=name)


def _release(element: Any) -> None:
    """Free what was read (the element and the siblings before it) to bound memory."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _check_version(version: str | None, name: str, line: int | None) -> None:
    if version and version.strip().startswith("1."):
        raise ImportRefused(
            _("IATI version %(v)s: only 2.0x files can be imported (convert it to 2.03 first).")
            % {"v": version},
            file=name,
            row=line,
        )


@cache
def _schema() -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    document = etree.parse(str(SCHEMA_DIR / "iati-activities-schema.xsd"), parser)
    return etree.XMLSchema(document)


def validate(path: Path, name: str) -> None:
    """Validate against the IATI 2.03 XSD; refuse with the first errors if it does not."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        document = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        raise ImportRefused(
            _("Not well-formed XML (%(msg)s).") % {"msg": exc.msg}, file=name, row=exc.lineno
        ) from exc
    schema = _schema()
    if not schema.validate(document):
        first = schema.error_log[0]
        raise ImportRefused(
            _("Does not validate against the IATI 2.03 schema: %(msg)s (and %(n)s more)")
            % {"msg": first.message, "n": len(schema.error_log) - 1},
            file=name,
            row=first.line,
        )


# ----- one activity -----


def _text(element: Any) -> str:
    """The English (or first) narrative of an element, or its own text (1.x style)."""
    if element is None:
        return ""
    narratives = element.findall("narrative")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    english = [n for n in narratives if (n.get(lang) or "").lower() == "en"]
    chosen = (english or narratives or [element])[0]
    return " ".join("".join(chosen.itertext()).split())


def _activity(ctx: ImportContext, element: Any, number: int) -> SourceProject | None:
    place = f"iati-activity[{number}]"
    identifier = " ".join("".join(element.findtext("iati-identifier") or "").split())
    version = element.get("version") or element.get(
        "{http://d-portal.org/xmlns/iati-activities}version"
    )
    if version and version.startswith("1."):
        ctx.report.note(
            _("IATI version %(v)s activity %(id)s skipped: only 2.0x is read.")
            % {"v": version, "id": identifier},
            row=element.sourceline,
            column=place,
        )
        return None
    if not identifier:
        ctx.report.error(
            _("The activity has no iati-identifier."), row=element.sourceline, column=place
        )
        return None
    return _project(ctx, element, identifier, place)


def _dates(element: Any) -> dict[str, date]:
    found = {}
    for item in element.findall("activity-date"):
        day = to_date(item.get("iso-date"))
        if day:
            found[item.get("type", "")] = day
    return found


def _project(ctx: ImportContext, element: Any, identifier: str, place: str) -> SourceProject | None:
    line = element.sourceline
    dates = _dates(element)
    commitments = [
        to_date(t.find("transaction-date").get("iso-date"))
        for t in element.findall("transaction")
        if t.find("transaction-date") is not None and _code(t, "transaction-type") in {"2", "11"}
    ]
    starts = [d for d in (dates.get("1"), dates.get("2"), *commitments) if d]
    host = _host(ctx, element)
    if not starts or host is None:
        reason = (
            _("no start date")
            if not starts
            else _("no recipient country (give one with --country)")
        )
        ctx.report.note(
            _("Activity %(id)s skipped: %(why)s.") % {"id": identifier, "why": reason},
            row=line,
            column=place,
        )
        return None
    signed = min(starts)
    effective = dates.get("2") or dates.get("1")
    actual_end = dates.get("4")
    if actual_end and actual_end > ctx.today:
        ctx.report.note(
            _("The actual end date %(d)s is in the future: the planned end date is used.")
            % {"d": actual_end},
            row=line,
            column=place,
        )
        actual_end = None
    ends = actual_end or dates.get("3")
    project = SourceProject(
        scheme=SCHEME,
        key=identifier,
        place=place,
        title=_text(element.find("title")) or identifier,
        reference=identifier[:80],
        summary=_text(element.find("description")),
        kind=ctx.options.get("kind") or _kind(element),
        signed_on=signed,
        effective_on=effective if effective and effective >= signed else None,
        ends_on=ends if ends and ends > signed else None,
        host_country=host,
        countries=sorted(
            {
                c
                for c in (country_code(r.get("code")) for r in element.findall("recipient-country"))
                if c
            }
        )
        or [host],
    )
    _parties(element, project)
    if not project.parties:
        ctx.report.note(
            _("Activity %(id)s skipped: no participating organisation.") % {"id": identifier},
            row=line,
            column=place,
        )
        return None
    _value(element, project)
    _transactions(ctx, element, project)
    _planned(element, project)
    _results(element, project)
    _conditions(element, project)
    return project


def _code(element: Any, child: str) -> str:
    found = element.find(child)
    return (found.get("code") or "").strip() if found is not None else ""


def _kind(element: Any) -> str:
    finance = element.find("default-finance-type")
    loans = {t.get("code") for t in element.iter("finance-type", "default-finance-type")}
    if (finance is not None and (finance.get("code") or "").startswith("4")) or any(
        (c or "").startswith("4") for c in loans
    ):
        return "loan"
    return "bilateral"


def _host(ctx: ImportContext, element: Any) -> str | None:
    if ctx.options.get("country"):
        return country_code(ctx.options["country"])
    ranked = []
    for recipient in element.findall("recipient-country"):
        try:
            share = float(recipient.get("percentage") or 100)
        except ValueError:
            share = 0.0
        ranked.append((share, recipient.get("code")))
    codes = [country_code(code) for _share, code in sorted(ranked, key=lambda r: -r[0])]
    if not any(codes):
        codes = [
            country_code(c[0])
            for c in Counter(r.get("code") for r in element.iter("recipient-country")).most_common()
        ]
    return next((c for c in codes if c), None)


def _org_key(org: Any) -> str:
    return " ".join((org.get("ref") or "").split()) or _text(org)


def _org_country(ref: str, host: str) -> str:
    prefix = ref.split("-", 1)[0] if "-" in ref else ""
    return country_code(prefix) or host


def _parties(element: Any, project: SourceProject) -> None:
    for org in element.findall("participating-org"):
        role = ROLE_IN.get((org.get("role") or "").strip())
        key, name = _org_key(org), _text(org)
        if role is None or not key or not name:
            continue
        kind = ORG_KIND.get((org.get("type") or "").strip()) or ROLE_KIND.get(
            org.get("role", "").strip(), PartyKind.LOCAL_FIRM
        )
        project.add_party(
            SourceParty(
                key=key,
                name=name,
                kind=kind,
                country=_org_country(key, project.host_country),
                roles={role},
            )
        )


def _first(project: SourceProject, *roles: str) -> str | None:
    for role in roles:
        for key, party in project.parties.items():
            if role in party.roles:
                return key
    return next(iter(project.parties), None)


def _value(element: Any, project: SourceProject) -> None:
    currency = (element.get("default-currency") or "").strip()
    total = None
    for transaction in element.findall("transaction"):
        value = transaction.find("value")
        if _code(transaction, "transaction-type") in {"2", "11"} and value is not None:
            amount = to_amount((value.text or "").strip())
            if amount is not None and (value.get("currency") or currency) == currency:
                total = (total or 0) + amount
    if total is not None and len(currency) == 3:
        project.value, project.currency = total, currency


def _party_of(org: Any, project: SourceProject, fallback: str | None) -> str | None:
    if org is None:
        return fallback
    key = _org_key(org)
    return key if key in project.parties else fallback


def _transactions(ctx: ImportContext, element: Any, project: SourceProject) -> None:
    funder, recipient = (
        _first(project, Role.LENDER, Role.SIGNATORY),
        _first(project, Role.CONTRACTOR, Role.SIGNATORY),
    )
    currency = element.get("default-currency") or ""
    for number, transaction in enumerate(element.findall("transaction"), start=1):
        place = f"{project.place}/transaction[{number}]"
        kind, date_element, value = (
            _code(transaction, "transaction-type"),
            transaction.find("transaction-date"),
            transaction.find("value"),
        )
        day = to_date(date_element.get("iso-date")) if date_element is not None else None
        amount = to_amount((value.text or "").strip()) if value is not None else None
        if kind not in TRANSACTION_NAMES or day is None or amount is None:
            ctx.report.note(
                _("A transaction without type, date or value is not imported."),
                row=transaction.sourceline,
                column=place,
            )
            continue
        payer = _party_of(transaction.find("provider-org"), project, funder)
        payee = _party_of(transaction.find("receiver-org"), project, recipient)
        label = money(amount, (value.get("currency") or currency).strip())
        project.commitments.append(
            SourceCommitment(
                key=f"t/{number}/{transaction.get('ref') or ''}",
                category="financial",
                place=place,
                title=f"{TRANSACTION_NAMES[kind]}: {label}",
                owed_by=payer or funder,
                owed_to=[payee or recipient],
                due_on=day,
                status=CommitmentStatus.DELIVERED,
                delivered_on=day,
                description=_text(transaction.find("description")),
                evidence=_("IATI transaction of %(d)s.") % {"d": day},
            )
        )


def _planned(element: Any, project: SourceProject) -> None:
    funder, recipient = (
        _first(project, Role.LENDER),
        _first(project, Role.CONTRACTOR, Role.SIGNATORY),
    )
    for number, planned in enumerate(element.findall("planned-disbursement"), start=1):
        start = planned.find("period-start")
        value = planned.find("value")
        day = to_date(start.get("iso-date")) if start is not None else None
        amount = to_amount((value.text or "").strip()) if value is not None else None
        if day is None or amount is None:
            continue
        project.commitments.append(
            SourceCommitment(
                key=f"pd/{number}",
                category="financial",
                place=f"{project.place}/planned-disbursement[{number}]",
                title=_("Planned disbursement: %(m)s")
                % {
                    "m": money(
                        amount, value.get("currency") or element.get("default-currency") or ""
                    )
                },
                owed_by=_party_of(planned.find("provider-org"), project, funder),
                owed_to=[recipient],
                due_on=day,
            )
        )


def _results(element: Any, project: SourceProject) -> None:
    owner, funder = _first(project, Role.CONTRACTOR, Role.SIGNATORY), _first(project, Role.LENDER)
    for r_number, result in enumerate(element.findall("result"), start=1):
        for i_number, indicator in enumerate(result.findall("indicator"), start=1):
            title = _text(indicator.find("title")) or _text(result.find("title"))
            for p_number, period in enumerate(indicator.findall("period"), start=1):
                end = period.find("period-end")
                due = to_date(end.get("iso-date")) if end is not None else None
                if due is None:
                    continue
                start = period.find("period-start")
                target, actual = period.find("target"), period.find("actual")
                described = [
                    f"{_('Target')}: {target.get('value')}"
                    if target is not None and target.get("value")
                    else "",
                    f"{_('Actual')}: {actual.get('value')}"
                    if actual is not None and actual.get("value")
                    else "",
                ]
                project.commitments.append(
                    SourceCommitment(
                        key=f"r/{r_number}/{i_number}/{p_number}",
                        category="reporting",
                        place=f"{project.place}/result[{r_number}]/indicator[{i_number}]/period[{p_number}]",
                        title=title or _("Result indicator"),
                        owed_by=owner,
                        owed_to=[funder or owner],
                        due_on=due,
                        start_on=to_date(start.get("iso-date")) if start is not None else None,
                        description="\n".join(d for d in described if d),
                    )
                )


def _conditions(element: Any, project: SourceProject) -> None:
    accountable, funder = _first(project, Role.SIGNATORY), _first(project, Role.LENDER)
    due = project.effective_on or project.signed_on
    for number, condition in enumerate(element.iter("condition"), start=1):
        text = _text(condition)
        if not text:
            continue
        project.commitments.append(
            SourceCommitment(
                key=f"c/{number}",
                category=CONDITION_CATEGORY.get(condition.get("type", ""), "governance"),
                place=f"{project.place}/conditions/condition[{number}]",
                title=_("Condition: %(t)s") % {"t": text[:280]},
                description=text,
                owed_by=accountable,
                owed_to=[funder or accountable],
                due_on=due,
            )
        )
