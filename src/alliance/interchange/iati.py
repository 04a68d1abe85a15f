"""IATI activity XML 2.0x.

Each ``iati-activity`` → an agreement; participating organisations → parties (funding and
extending → lender, accountable → signatory, implementing → contractor); transactions →
delivered financial commitments, planned disbursements → planned ones, result indicator
periods and conditions → commitments. Parsed safely and streamed: no DTD, no entities, no
network; each activity is cleared once read, so memory stays flat whatever the file size.
Version 1.x activities are skipped with the reason (a 1.x file is refused).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from alliance.interchange import organisations
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
ROLE_KIND = {"1": PartyKind.LENDER, "2": PartyKind.GOVERNMENT, "3": PartyKind.GOVERNMENT}
# Transactions whose money comes into the reporting organisation (its provider is outside).
INCOMING = {"1", "11", "13"}
# The activity's children the mapping reads; every other one is reported as dropped.
READ = {
    "iati-identifier", "reporting-org", "title", "description", "participating-org",
    "activity-date", "recipient-country", "transaction", "planned-disbursement", "result",
    "conditions", "budget", "default-finance-type",
}  # fmt: skip
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
DTD_REFUSED = gettext_lazy(
    "The XML declares a DTD or entities, which IATI files never need: refused for "
    "safety (external entities, entity expansion)."
)


def _refuse_dtd(element: Any, name: str) -> None:
    """Refuse a document that has a DTD, as the parser saw it: wherever the declaration
    stands (after a long comment too), it is part of the document's info once the first
    element is read. Entities cannot be declared without one."""
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url:
        raise ImportRefused(str(DTD_REFUSED), file=name, row=element.sourceline)


def _check_prolog(path: Path, name: str) -> None:
    """Refuse any DTD before anything else is read (and before the XSD check parses the
    whole file): the parser reads up to the first element and says whether there was one."""
    try:
        for _event, element in _events(path, ("start",)):
            _refuse_dtd(element, name)
            return
    except etree.XMLSyntaxError as exc:
        raise ImportRefused(
            _("Not well-formed XML (%(msg)s): truncated or damaged?") % {"msg": exc.msg},
            file=name,
            row=exc.lineno,
        ) from exc


def _events(path: Path, events: tuple[str, ...] = ("start", "end")) -> Any:
    return etree.iterparse(
        str(path),
        events=events,
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
            if event == "start" and element.getparent() is None:
                _refuse_dtd(element, name)
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
        version=(element.get("last-updated-datetime") or "").strip(),
        countries=sorted(
            {
                c
                for c in (country_code(r.get("code")) for r in element.findall("recipient-country"))
                if c
            }
        )
        or [host],
    )
    _parties(ctx, element, project)
    if not project.parties:
        ctx.report.note(
            _("Activity %(id)s skipped: no participating organisation.") % {"id": identifier},
            row=line,
            column=place,
        )
        ctx.report.dropped("iati-activity", _("no participating organisation"))
        return None
    ctx.report.mapped("iati-activity", _("agreement"))
    _value(ctx, element, project)
    _transactions(ctx, element, project)
    _planned(ctx, element, project)
    _results(ctx, element, project)
    _conditions(ctx, element, project)
    _unread(ctx, element)
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


def _org(
    ctx: ImportContext, org: Any, project: SourceProject, role: str, element: str, kind_hint: str
) -> str | None:
    """The party key of an organisation element (added to the project with ``role``): the
    same organisation across activities and files by its valid identifier, else by its
    normalised name and country. Its country comes from its identifier or name, never from
    the activity. Two names under one identifier are merged, and reported."""
    if org is None:
        return None
    ref, name = " ".join((org.get("ref") or "").split()), _text(org)
    if not name and not ref:
        ctx.report.dropped(element, _("no name and no identifier"))
        return None
    name = name or ref
    country = organisations.country_of(ref, name)
    key = organisations.identity(ref, name, country)
    code = (org.get("type") or "").strip()
    coded = organisations.ORG_KIND.get(code)
    kind = coded or organisations.name_kind(name) or kind_hint
    names = ctx.cache.setdefault("iati-org-names", {}).setdefault(key, {})
    folded = organisations.normalised_name(name)
    if names and folded not in names:
        ctx.report.note(
            _("“%(a)s” and “%(b)s” have the same identifier %(id)s: they are one party.")
            % {"a": next(iter(names.values())), "b": name, "id": key},
            column=project.place,
        )
        ctx.report.mapped(element, _("merged with another name (same identifier)"))
    names.setdefault(folded, name)
    if not ref or not organisations.valid_identifier(ref):
        ctx.report.mapped(
            element, _("party found by name and country (no valid organisation identifier)")
        )
    if key in project.parties and element != "participating-org":
        return key  # its role in the activity says more than a transaction or a report
    project.add_party(
        SourceParty(
            key=key,
            name=name,
            kind=kind,
            country=country,
            roles={role},
            code=f"IATI {code}" if coded else "",
        )
    )
    return key


ROLE_NAMES = {
    "1": gettext_lazy("funding → lender"),
    "2": gettext_lazy("accountable → signatory"),
    "3": gettext_lazy("extending → lender"),
    "4": gettext_lazy("implementing → contractor"),
}


def _parties(ctx: ImportContext, element: Any, project: SourceProject) -> None:
    """Participating organisations by role, and the reporting organisation (an observer
    unless it takes part)."""
    for org in element.findall("participating-org"):
        code = (org.get("role") or "").strip()
        role = ROLE_IN.get(code)
        if role is None:
            ctx.report.dropped("participating-org", _("no role, or a role IATI does not define"))
            continue
        kind = ROLE_KIND.get(code, PartyKind.LOCAL_FIRM)
        if _org(ctx, org, project, role, "participating-org", kind):
            ctx.report.mapped("participating-org", str(ROLE_NAMES[code]))
    reporting = element.find("reporting-org")
    kind = PartyKind.GOVERNMENT
    if project.parties and _org(ctx, reporting, project, Role.OBSERVER, "reporting-org", kind):
        ctx.report.mapped("reporting-org", _("party (observer unless it takes part)"))


def _reporting(element: Any, project: SourceProject) -> str | None:
    reporting = element.find("reporting-org")
    if reporting is None:
        return None
    ref, name = " ".join((reporting.get("ref") or "").split()), _text(reporting)
    key = organisations.identity(ref, name or ref, organisations.country_of(ref, name or ref))
    return key if key in project.parties else None


def _first(project: SourceProject, *roles: str, other_than: str | None = None) -> str | None:
    """The first party with one of ``roles`` (in that order), not ``other_than``."""
    for role in roles:
        for key, party in project.parties.items():
            if role in party.roles and key != other_than:
                return key
    return None


def _amount(value: Any) -> Decimal | None:
    """A transaction's amount, negative ones included (reversals, refunds)."""
    if value is None:
        return None
    text = (value.text or "").strip()
    negative = text.startswith("-")
    amount = to_amount(text.lstrip("-"))
    return -amount if amount is not None and negative else amount


def _currency(value: Any, element: Any) -> str:
    """A value's own currency, else the activity's default."""
    own = (value.get("currency") or "").strip() if value is not None else ""
    return (own or element.get("default-currency") or "").strip().upper()


def _value(ctx: ImportContext, element: Any, project: SourceProject) -> None:
    """The agreement's value: commitment transactions, each in its own currency, else the
    budgets (revised over original for a period). Several currencies are not converted:
    the value is the default currency's total (else the largest), the others are noted."""
    totals: dict[str, Decimal] = {}
    for transaction in element.findall("transaction"):
        value = transaction.find("value")
        if _code(transaction, "transaction-type") in {"2", "11"} and value is not None:
            amount, currency = _amount(value), _currency(value, element)
            if amount is not None and len(currency) == 3:
                totals[currency] = totals.get(currency, Decimal(0)) + amount
    used = _("agreement value (sum of commitment transactions)")
    budgets = element.findall("budget")
    if not totals and budgets:
        totals = _budgets(element, budgets)
        used = _("agreement value (no commitment transaction)")
        ctx.report.mapped("budget", used, len(budgets))
    elif budgets:
        ctx.report.dropped(
            "budget", _("the value comes from the commitment transactions"), len(budgets)
        )
    if not totals:
        return
    default = (element.get("default-currency") or "").strip().upper()
    currency = default if default in totals else max(totals, key=lambda c: totals[c])
    project.value, project.currency = totals[currency], currency
    others = {c: t for c, t in totals.items() if c != currency}
    if others:
        ctx.report.note(
            _("The value is in %(c)s; not converted and not in it: %(others)s.")
            % {"c": currency, "others": ", ".join(money(t, c) for c, t in sorted(others.items()))},
            column=project.place,
        )


def _budgets(element: Any, budgets: list[Any]) -> dict[str, Decimal]:
    periods: dict[tuple[str, str], tuple[str, Decimal, str]] = {}
    for budget in budgets:
        start, end = budget.find("period-start"), budget.find("period-end")
        value = budget.find("value")
        amount, currency = _amount(value), _currency(value, element)
        if amount is None or len(currency) != 3:
            continue
        period = (
            start.get("iso-date", "") if start is not None else "",
            end.get("iso-date", "") if end is not None else "",
        )
        kind = (budget.get("type") or "1").strip()
        if period not in periods or kind == "2":  # a revised budget replaces the original
            periods[period] = (kind, amount, currency)
    totals: dict[str, Decimal] = {}
    for _kind, amount, currency in periods.values():
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return totals


def _transactions(ctx: ImportContext, element: Any, project: SourceProject) -> None:
    """Each transaction → a delivered financial commitment owed by its provider to its
    receiver, in the value's own currency (negative ones as reversals)."""
    reporting = _reporting(element, project)
    funder = _first(project, Role.LENDER, Role.SIGNATORY)
    seen: dict[str, int] = {}
    for number, transaction in enumerate(element.findall("transaction"), start=1):
        place = f"{project.place}/transaction[{number}]"
        kind, date_element, value = (
            _code(transaction, "transaction-type"),
            transaction.find("transaction-date"),
            transaction.find("value"),
        )
        day = to_date(date_element.get("iso-date")) if date_element is not None else None
        amount, currency = _amount(value), _currency(value, element)
        reason = (
            _("unknown transaction type “%(c)s”") % {"c": kind}
            if kind not in TRANSACTION_NAMES
            else _("no transaction date")
            if day is None
            else _("no readable value")
            if amount is None
            else _("zero amount")
            if amount == 0
            else _("no currency (neither the value nor the activity says one)")
            if len(currency) != 3
            else None
        )
        if reason is not None:
            ctx.report.note(
                _("Transaction not imported: %(why)s.") % {"why": reason},
                row=transaction.sourceline,
                column=place,
            )
            ctx.report.dropped("transaction", reason)
            continue
        provider = _org(
            ctx, transaction.find("provider-org"), project, Role.LENDER, "provider-org",
            PartyKind.LENDER,
        )  # fmt: skip
        receiver = _org(
            ctx, transaction.find("receiver-org"), project, Role.BENEFICIARY, "receiver-org",
            PartyKind.LOCAL_FIRM,
        )  # fmt: skip
        if kind in INCOMING:
            provider = provider or funder
            receiver = receiver or reporting or _first(project, Role.SIGNATORY, Role.CONTRACTOR)
        else:
            provider = provider or reporting or funder
            receiver = receiver or _first(
                project, Role.CONTRACTOR, Role.SIGNATORY, Role.BENEFICIARY, other_than=provider
            )
        if provider is None or receiver is None or provider == receiver:
            why = (
                _("provided and received by the same organisation")
                if provider is not None and provider == receiver
                else _("no provider or receiver known")
            )
            ctx.report.note(
                _("Transaction not imported: %(why)s.") % {"why": why},
                row=transaction.sourceline,
                column=place,
            )
            ctx.report.dropped("transaction", why)
            continue
        name = TRANSACTION_NAMES[kind]
        if amount < 0:
            name = _("%(t)s (reversal)") % {"t": name}
        ref = " ".join((transaction.get("ref") or "").split())
        key = _transaction_key(ref, kind, day, amount, currency, provider, receiver)
        project.commitments.append(
            SourceCommitment(
                key=_once(seen, key),
                aliases=(f"t/{number}/{transaction.get('ref') or ''}",),
                category="financial",
                place=place,
                title=f"{name}: {money(amount, currency)}",
                owed_by=provider,
                owed_to=[receiver],
                due_on=day,
                status=CommitmentStatus.DELIVERED,
                delivered_on=day,
                description=_text(transaction.find("description")),
                evidence=_("IATI transaction of %(d)s.") % {"d": day},
                identified=bool(ref),
            )
        )
        ctx.report.mapped(
            "transaction", _("financial commitment, delivered, owed by provider to receiver")
        )


def _transaction_key(
    ref: str, kind: str, day: date, amount: Decimal, currency: str, provider: str, receiver: str
) -> str:
    """A transaction's key within its activity, the same in every version of the activity
    that keeps it (not its position: a newer version that drops one transaction must not
    shift the others): its own ``ref`` when it has one, else what it says."""
    if ref:
        return f"t/ref/{ref[:200]}"
    return _said(f"t/{kind}/{day.isoformat()}", kind, day.isoformat(), str(amount), currency,
                 provider, receiver)  # fmt: skip


def _said(prefix: str, *said: str) -> str:
    """A key made of what an element says (not of its position): ``prefix`` and a short
    hash of ``said``."""
    return f"{prefix}/{hashlib.sha256('|'.join(said).encode()).hexdigest()[:16]}"


def _once(seen: dict[str, int], key: str) -> str:
    """``key``, or ``key#n`` for its n-th repetition in the activity (two elements that
    say the same: they are told apart by their order among themselves only)."""
    seen[key] = seen.get(key, 0) + 1
    return key if seen[key] == 1 else f"{key}#{seen[key]}"


def _named(org: Any) -> str:
    """What an organisation element says of who it is (its ``ref``, else its name), or
    "" when it names nobody: part of a key, whatever party it is then found to be."""
    if org is None:
        return ""
    return " ".join((org.get("ref") or "").split()) or organisations.normalised_name(_text(org))


def _iso(element: Any, child: str) -> str:
    found = element.find(child)
    return (found.get("iso-date") or "").strip() if found is not None else ""


def _planned(ctx: ImportContext, element: Any, project: SourceProject) -> None:
    """Each planned disbursement → a planned financial commitment, keyed by what it says
    (type, period, the organisations it names; IATI gives it no identifier), not by its
    position: a newer version that inserts, drops or reorders one leaves the others as
    they are."""
    funder = _first(project, Role.LENDER)
    seen: dict[str, int] = {}
    for number, planned in enumerate(element.findall("planned-disbursement"), start=1):
        start = planned.find("period-start")
        value = planned.find("value")
        day = to_date(start.get("iso-date")) if start is not None else None
        amount, currency = _amount(value), _currency(value, element)
        if day is None or amount is None or amount <= 0:
            ctx.report.dropped("planned-disbursement", _("no period start, or no positive value"))
            continue
        provider = (
            _org(ctx, planned.find("provider-org"), project, Role.LENDER, "provider-org",
                 PartyKind.LENDER)
            or funder
        )  # fmt: skip
        receiver = _org(
            ctx, planned.find("receiver-org"), project, Role.BENEFICIARY, "receiver-org",
            PartyKind.LOCAL_FIRM,
        ) or _first(project, Role.CONTRACTOR, Role.SIGNATORY, other_than=provider)  # fmt: skip
        if provider is None or receiver is None or provider == receiver:
            ctx.report.dropped(
                "planned-disbursement", _("no provider and receiver that are two parties")
            )
            continue
        kind = (planned.get("type") or "").strip()
        said = (kind, _iso(planned, "period-start"), _iso(planned, "period-end"))
        named = (_named(planned.find("provider-org")), _named(planned.find("receiver-org")))
        project.commitments.append(
            SourceCommitment(
                key=_once(seen, _said(f"pd/{kind or '-'}/{said[1]}", *said, *named)),
                aliases=(f"pd/{number}",),
                category="financial",
                place=f"{project.place}/planned-disbursement[{number}]",
                title=_("Planned disbursement: %(m)s") % {"m": money(amount, currency)},
                owed_by=provider,
                owed_to=[receiver],
                due_on=day,
            )
        )
        ctx.report.mapped("planned-disbursement", _("financial commitment, planned"))


def _references(element: Any) -> str:
    """The coded references of a result or indicator (vocabulary, code, URI), or ""."""
    return ";".join(
        sorted(
            "/".join(
                (r.get(a) or "").strip()
                for a in ("vocabulary", "code", "vocabulary-uri", "indicator-uri")
            )
            for r in element.findall("reference")
        )
    )


def _identities(elements: list[Any], content: Any) -> list[str]:
    """Who each of ``elements`` (results, or a result's indicators) is across versions:
    its coded references when no sibling shares them (publishers often repeat one code for
    all), else what ``content`` says of it (type and title)."""
    refs = [_references(e) for e in elements]
    shared = Counter(refs)
    return [
        f"ref:{ref}" if ref and shared[ref] == 1 else f"said:{content(e)}"
        for ref, e in zip(refs, elements, strict=True)
    ]


def _results(ctx: ImportContext, element: Any, project: SourceProject) -> None:
    """Each result indicator period → a reporting commitment, keyed by its result and
    indicator (their references, else their type and title) and its period, not by their
    positions (see ``_planned``)."""
    owner = _first(project, Role.CONTRACTOR, Role.SIGNATORY)
    funder = _first(project, Role.LENDER, Role.SIGNATORY, other_than=owner)
    seen: dict[str, int] = {}
    results = element.findall("result")
    result_ids = _identities(
        results, lambda r: f"{(r.get('type') or '').strip()}|{_text(r.find('title'))}"
    )
    for r_number, (result, result_id) in enumerate(zip(results, result_ids, strict=True), 1):
        indicators = result.findall("indicator")
        indicator_ids = _identities(
            indicators, lambda i: f"{(i.get('measure') or '').strip()}|{_text(i.find('title'))}"
        )
        for i_number, (indicator, indicator_id) in enumerate(
            zip(indicators, indicator_ids, strict=True), 1
        ):
            title = _text(indicator.find("title")) or _text(result.find("title"))
            for p_number, period in enumerate(indicator.findall("period"), start=1):
                end = period.find("period-end")
                due = to_date(end.get("iso-date")) if end is not None else None
                if due is None or owner is None or funder is None:
                    ctx.report.dropped(
                        "result/indicator/period",
                        _("no period end")
                        if due is None
                        else _("no implementer and funder that are two parties"),
                    )
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
                period_id = (_iso(period, "period-start"), _iso(period, "period-end"))
                key = _said(f"r/{period_id[1]}", result_id, indicator_id, *period_id)
                project.commitments.append(
                    SourceCommitment(
                        key=_once(seen, key),
                        aliases=(f"r/{r_number}/{i_number}/{p_number}",),
                        category="reporting",
                        place=f"{project.place}/result[{r_number}]/indicator[{i_number}]/period[{p_number}]",
                        title=title or _("Result indicator"),
                        owed_by=owner,
                        owed_to=[funder],
                        due_on=due,
                        start_on=to_date(start.get("iso-date")) if start is not None else None,
                        description="\n".join(d for d in described if d),
                    )
                )
                ctx.report.mapped("result/indicator/period", _("reporting commitment"))


def _conditions(ctx: ImportContext, element: Any, project: SourceProject) -> None:
    accountable = _first(project, Role.SIGNATORY, Role.CONTRACTOR)
    funder = _first(project, Role.LENDER, other_than=accountable)
    due = project.effective_on or project.signed_on
    seen: dict[str, int] = {}
    for number, condition in enumerate(element.iter("condition"), start=1):
        text, kind = _text(condition), (condition.get("type") or "").strip()
        if not text or accountable is None or funder is None:
            ctx.report.dropped(
                "conditions/condition",
                _("no text") if not text else _("no accountable party and funder that are two"),
            )
            continue
        project.commitments.append(
            SourceCommitment(
                key=_once(seen, _said(f"c/{kind or '-'}", kind, text)),
                aliases=(f"c/{number}",),
                category=CONDITION_CATEGORY.get(kind, "governance"),
                place=f"{project.place}/conditions/condition[{number}]",
                title=_("Condition: %(t)s") % {"t": text[:280]},
                description=text,
                owed_by=accountable,
                owed_to=[funder],
                due_on=due,
            )
        )
        ctx.report.mapped("conditions/condition", _("commitment of the accountable party"))


def _unread(ctx: ImportContext, element: Any) -> None:
    """Every child of the activity the mapping does not read, counted as dropped."""
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag and tag not in READ:
            name = tag.split("}", 1)[-1] if tag.startswith("{") else tag
            ctx.report.dropped(name, _("no place for it in Alliance"))
