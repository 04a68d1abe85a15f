"""OCDS 1.1 (and 1.0 releases as published): release packages, record packages, bare
records, versioned releases and single releases, in UTF-8 or Latin-1.

Releases are compiled per ``ocid`` with ``ocdsmerge`` (merge rules from the bundled
release schema, never fetched), records use their ``compiledRelease``. Each contracting
process becomes an agreement (or goes into the one chosen with ``--agreement``): its
parties with their roles, each contract → a commitment of its supplier, contract and
implementation milestones → commitments, implementation transactions → delivered payments.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from alliance.interchange import organisations, services
from alliance.interchange.errors import ImportRefused
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
    when,
)
from alliance.interchange.values import SCHEMA_DIR, country_code
from alliance.partnerships.choices import CommitmentStatus, PartyKind
from alliance.partnerships.choices import ParticipationRole as Role

SCHEME = "ocds"
ROLE_IN = {
    "buyer": Role.SIGNATORY,
    "procuringEntity": Role.SIGNATORY,
    "payer": Role.SIGNATORY,
    "funder": Role.LENDER,
    "supplier": Role.CONTRACTOR,
    "payee": Role.CONTRACTOR,
    "reviewBody": Role.REGULATOR,
    "interestedParty": Role.OBSERVER,
}
MILESTONE_STATUS = {
    "met": CommitmentStatus.DELIVERED,
    "partiallyMet": CommitmentStatus.IN_PROGRESS,
    "notMet": CommitmentStatus.LATE,
    "scheduled": CommitmentStatus.PLANNED,
}
DONE_CONTRACT = {"terminated", "complete", "completed", "closed"}


@cache
def _merger() -> Any:
    from ocdsmerge import Merger

    schema = json.loads((SCHEMA_DIR / "release-schema.json").read_text("utf-8"))
    return Merger(schema=schema)


def import_file(ctx: ImportContext, path: Path) -> None:
    """Import every contracting process in the file."""
    import_files(ctx, [(path, ctx.report.file)])


def import_files(ctx: ImportContext, files: list[tuple[Path, str]]) -> None:
    """Import every contracting process of the files together: the releases of each ocid,
    from every file (release packages, records, single releases) and from earlier imports,
    are compiled into one view, by date (newest wins), whatever order they come in."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path, name in files:
        for ocid, release in releases_of(load_json(path, name), name):
            groups[ocid].append(release)
    compiled = compile_groups(ctx, groups)
    ctx.cache["rows_total"] = len(compiled)

    def read() -> Iterator[SourceProject]:
        for number, (place, release, releases) in enumerate(compiled):
            project = read_process(ctx, release, place)
            if project is not None:
                project.version = _newest(releases)
                project.keep = {"releases": releases}
                yield project
            ctx.tick(number + 1, len(compiled))

    apply_projects(ctx, read())


def compiled_releases(data: Any, name: str) -> list[tuple[str, dict[str, Any]]]:
    """One compiled release per contracting process of one file (no earlier imports)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ocid, release in releases_of(data, name):
        groups[ocid].append(release)
    return [(f"ocid {ocid}", _merge(ocid, group, name)) for ocid, group in groups.items()]


def releases_of(data: Any, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(ocid, release)`` for every release the file holds. A record gives its compiled
    release, dated by its newest release, so that releases imported beside it or later
    merge over it by date."""
    if not isinstance(data, dict):
        raise ImportRefused(_("Not OCDS: expected a JSON object."), file=name)
    if isinstance(data.get("records"), list):
        for i, record in enumerate(items(data["records"])):
            yield from _from_record(record, f"records[{i}]", name)
    elif isinstance(data.get("releases"), list) and "ocid" not in data:
        yield from _checked(items(data["releases"]), "releases", name)
    elif "compiledRelease" in data or ("releases" in data and "ocid" in data):
        yield from _from_record(data, "record", name)
    elif "ocid" in data:
        yield from _checked([data], "release", name)
    else:
        raise ImportRefused(
            _("Not OCDS: expected a release package, record package, record or release."),
            file=name,
        )


def _from_record(
    record: dict[str, Any], place: str, name: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    releases = items(record.get("releases"))
    linked = bool(releases) and all("url" in r and "tag" in r and len(r) <= 4 for r in releases)
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        ocid = text_of(compiled.get("ocid")) or text_of(record.get("ocid"))
        dates = [text_of(r.get("date")) for r in releases] + [text_of(compiled.get("date"))]
        dated = [d for d in dates if when(d)]
        if not ocid or not dated:
            raise ImportRefused(
                _("The record's compiled release has no ocid or date."), file=name, column=place
            )
        newest = max(dated, key=lambda d: when(d))
        yield ocid, {**compiled, "date": newest, "id": text_of(compiled.get("id")) or newest}
        return
    if linked:
        raise ImportRefused(
            _("The record only links to its releases (no compiled release): import the releases."),
            file=name,
            column=place,
        )
    if not releases:
        raise ImportRefused(_("The record has no releases."), file=name, column=place)
    yield from _checked(releases, f"{place}/releases", name)


def _checked(
    releases: list[dict[str, Any]], place: str, name: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    for number, release in enumerate(releases):
        ocid = text_of(release.get("ocid"))
        if not ocid:
            raise ImportRefused(_("A release has no ocid."), file=name, column=f"{place}[{number}]")
        if not when(text_of(release.get("date"))):
            raise ImportRefused(_("A release has no date."), file=name, column=f"{place}[{number}]")
        yield ocid, release


def _newest(releases: list[dict[str, Any]]) -> str:
    return max((text_of(r.get("date")) for r in releases), key=lambda d: when(d))


def _order(releases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The releases without repeats (same id and date: the same release published twice),
    oldest first by their real instant (dates come with different offsets)."""
    unique: dict[tuple[str, str], dict[str, Any]] = {}
    for release in releases:
        key = (text_of(str(release.get("id", ""))), text_of(release.get("date")))
        unique[key] = release
    return sorted(
        unique.values(),
        key=lambda r: (when(text_of(r.get("date"))), json.dumps(r, sort_keys=True)),
    )


def _merge(ocid: str, releases: list[dict[str, Any]], name: str) -> dict[str, Any]:
    # ocdsmerge orders by the date strings; equal stand-in dates in our order keep the
    # real order whatever the offsets.
    ordered = _order(releases)
    stand_in = [{**r, "date": f"{i:08d}"} for i, r in enumerate(ordered)]
    try:
        compiled = _merger().create_compiled_release(stand_in)
    except Exception as exc:  # ocdsmerge raises its own errors on inconsistent releases
        raise ImportRefused(
            _("The releases cannot be merged: %(e)s") % {"e": str(exc)[:200]},
            file=name,
            column=f"ocid {ocid}",
        ) from exc
    newest = text_of(ordered[-1].get("date"))
    compiled["date"] = newest
    compiled["id"] = f"{ocid}-{newest}"
    return compiled


def compile_groups(
    ctx: ImportContext, groups: dict[str, list[dict[str, Any]]]
) -> list[tuple[str, dict[str, Any], list[dict[str, Any]]]]:
    """Per ocid: its releases now and from earlier imports, merged; releases older than
    what was imported are merged beneath it (its newer values stay), and said so."""
    stored = services.source_versions(f"{SCHEME}-version", list(groups))
    out = []
    for ocid in sorted(groups):
        version, document = stored.get(ocid, ("", None))
        before = items((document or {}).get("releases"))
        newest = when(version)
        older = [r for r in groups[ocid] if newest and when(text_of(r.get("date"))) < newest]
        if older and before:
            ctx.report.note(
                _(
                    "%(n)s releases are older than the version imported (%(v)s): merged"
                    " beneath it by date, its newer values stay."
                )
                % {"n": len(older), "v": version},
                column=f"ocid {ocid}",
            )
        releases = _order(before + groups[ocid])
        out.append((f"ocid {ocid}", _merge(ocid, releases, ctx.report.file), releases))
    return out


# ----- mapping -----


def read_process(ctx: ImportContext, release: dict[str, Any], place: str) -> SourceProject | None:
    """A compiled release in Alliance's terms, or None with the reason."""
    ocid = text_of(release.get("ocid"))
    if not ocid:
        ctx.report.error(_("The release has no ocid."), column=place)
        return None
    parties = _parties(release)
    host = _host_country(ctx, parties)
    signed = _signed_on(release)
    if host is None or signed is None:
        reason = (
            _("Cannot tell the country: give one (option --country).")
            if host is None
            else _("No date to count from (contract signature, award, tender or release date).")
        )
        ctx.report.error(reason, column=place)
        return None
    tender, contracts = obj(release.get("tender")), items(release.get("contracts"))
    title = text_of(tender.get("title")) or next(
        (text_of(c.get("title")) for c in contracts if c.get("title")), ""
    )
    project = SourceProject(
        scheme=SCHEME,
        key=ocid,
        place=place,
        reference=ocid[:80],
        signed_on=signed,
        title=title
        or text_of(obj(obj(release.get("planning")).get("budget")).get("project"))
        or ocid,
        summary=text_of(tender.get("description")),
        kind=ctx.options.get("kind") or "concession",
        host_country=host,
    )
    for party in parties.values():
        if party.role is not None:
            project.add_party(party)
    project.settle_parties(ctx.report, "parties/address/countryName")
    _map_release(ctx, release, project)
    _period_and_value(ctx, project, release)
    awards = {text_of(str(a.get("id", ""))): a for a in items(release.get("awards"))}
    buyer = _buyer(project, release)
    for number, contract in enumerate(contracts):
        _contract(ctx, project, contract, awards, buyer, f"{place}/contracts[{number}]")
    return project


# Compiled release fields the mapping reads; the others are counted as dropped.
READ = {
    "ocid", "id", "date", "tag", "initiationType", "parties", "buyer", "tender", "awards",
    "contracts", "planning", "language",
}  # fmt: skip


def _map_release(ctx: ImportContext, release: dict[str, Any], project: SourceProject) -> None:
    report = ctx.report
    report.mapped("ocid", _("agreement"))
    report.mapped("parties", _("parties and participations"), len(project.parties))
    ignored = len(items(release.get("parties"))) - len(project.parties)
    if ignored > 0:
        report.dropped("parties", _("no role that takes part (tenderers …)"), ignored)
    for key in sorted(k for k in release if k not in READ and release[k] not in (None, [], {})):
        report.dropped(key, _("no place for it in Alliance"))
    for key in ("items", "documents", "amendments", "bids", "enquiries"):
        tender = obj(release.get("tender"))
        if tender.get(key):
            report.dropped(f"tender/{key}", _("no place for it in Alliance"))


def _party_key(party: dict[str, Any]) -> str:
    identifier = obj(party.get("identifier"))
    scheme, ident = text_of(identifier.get("scheme")), text_of(str(identifier.get("id") or ""))
    return (
        text_of(party.get("id"))
        or (f"{scheme}-{ident}" if scheme and ident else ident)
        or text_of(party.get("name"))
    )


def _parties(release: dict[str, Any]) -> dict[str, SourceParty]:
    """Parties with roles (the 1.1 ``parties`` array, or the 1.0 buyer / procuring entity /
    suppliers blocks) by their id in the release, with the organisation identifier each
    gives. A party's country is the one its address, identifier or name states."""
    found: dict[str, SourceParty] = {}

    def add(party: dict[str, Any], roles: set[str]) -> None:
        key = _party_key(party)
        name = text_of(party.get("name")) or text_of(obj(party.get("identifier")).get("legalName"))
        mapped = {ROLE_IN[r] for r in roles if r in ROLE_IN}
        if not key or not name or not mapped:
            return
        identifier = obj(party.get("identifier"))
        ref = organisations.scheme_ref(
            text_of(identifier.get("scheme")),
            text_of(str(identifier.get("id") or "")),
            text_of(str(party.get("id") or "")),
        )
        country = country_code(
            obj(party.get("address")).get("countryName")
        ) or organisations.stated_country(ref, name)
        public = roles & {"buyer", "procuringEntity", "payer"}
        coded = organisations.coded_kind(obj(party.get("details")).get("classifications"))
        kind, code = coded or (
            PartyKind.GOVERNMENT
            if public
            else PartyKind.LENDER
            if "funder" in roles
            else PartyKind.LOCAL_FIRM,
            "",
        )
        if key in found:
            found[key].roles |= mapped
            found[key].country = found[key].country or country
            found[key].ref = found[key].ref or ref
            if code and not found[key].code:
                found[key].kind, found[key].code = kind, code
        else:
            found[key] = SourceParty(
                key=key, name=name, kind=kind, country=country, roles=mapped, ref=ref, code=code
            )

    for party in items(release.get("parties")):
        add(party, {r for r in party.get("roles") or [] if isinstance(r, str)})
    add(obj(release.get("buyer")), {"buyer"})
    if items(release.get("parties")):
        # OCDS 1.1: the parties' roles say who takes part now (a supplier replaced in a
        # newer release is a tenderer there, though the award still names it).
        return found
    add(obj(obj(release.get("tender")).get("procuringEntity")), {"procuringEntity"})
    for award in items(release.get("awards")):
        for supplier in items(award.get("suppliers")):
            add(supplier, {"supplier"})
    return found


def _host_country(ctx: ImportContext, parties: dict[str, SourceParty]) -> str | None:
    if ctx.options.get("country"):
        return country_code(ctx.options["country"])
    public = [p.country for p in parties.values() if p.role == Role.SIGNATORY and p.country]
    return (public or [p.country for p in parties.values() if p.country] or [None])[0]


def _signed_on(release: dict[str, Any]) -> Any:
    contracts = [to_date(c.get("dateSigned")) for c in items(release.get("contracts"))]
    awards = [to_date(a.get("date")) for a in items(release.get("awards"))]
    tender = obj(obj(release.get("tender")).get("tenderPeriod")).get("startDate")
    for dates in (contracts, awards, [to_date(tender)], [to_date(release.get("date"))]):
        known = [d for d in dates if d]
        if known:
            return min(known)
    return None


def _period_and_value(ctx: ImportContext, project: SourceProject, release: dict[str, Any]) -> None:
    contracts = items(release.get("contracts"))
    starts = [to_date(obj(c.get("period")).get("startDate")) for c in contracts]
    ends = [to_date(obj(c.get("period")).get("endDate")) for c in contracts]
    starts = [d for d in starts if d and d >= project.signed_on]
    ends = [d for d in ends if d and d > project.signed_on]
    project.effective_on = min(starts) if starts else None
    project.ends_on = max(ends) if ends else None
    values = [obj(c.get("value")) for c in contracts] or [
        obj(a.get("value")) for a in items(release.get("awards"))
    ]
    totals: dict[str, Decimal] = {}
    for value in values:
        amount, currency = to_amount(value.get("amount")), text_of(value.get("currency")).upper()
        if amount is not None and len(currency) == 3:
            totals[currency] = totals.get(currency, Decimal(0)) + amount
    if not totals:
        return
    # Amounts in several currencies are not converted (no stated rate): the value is the
    # largest currency's total, and the report says what is not in it.
    currency = max(sorted(totals), key=lambda c: totals[c])
    project.value, project.currency = totals[currency], currency
    others = {c: t for c, t in totals.items() if c != currency}
    if others:
        ctx.report.note(
            _("The value is in %(c)s; not converted and not in it: %(others)s.")
            % {"c": currency, "others": ", ".join(money(t, c) for c, t in sorted(others.items()))},
            column=project.place,
        )


def _buyer(project: SourceProject, release: dict[str, Any]) -> str | None:
    key = _party_key(obj(release.get("buyer")))
    if key in project.parties:
        return key
    return next((k for k, p in project.parties.items() if p.role == Role.SIGNATORY), None)


def _contract(
    ctx: ImportContext,
    project: SourceProject,
    contract: dict,
    awards: dict,
    buyer: str | None,
    place: str,
) -> None:
    cid = text_of(str(contract.get("id", "")))
    award = awards.get(text_of(str(contract.get("awardID", ""))), {})
    suppliers = [
        _party_key(s) for s in items(contract.get("suppliers")) or items(award.get("suppliers"))
    ]
    suppliers = [s for s in suppliers if s in project.parties]
    period = obj(contract.get("period"))
    due = to_date(period.get("endDate"))
    if not cid or not suppliers or buyer is None or due is None:
        ctx.report.note(
            _("A contract without id, supplier, buyer or end date is not imported."), column=place
        )
        ctx.report.dropped("contracts", _("no id, supplier, buyer or end date"))
        return
    ctx.report.mapped("contracts", _("milestone (group) and commitment of the supplier"))
    title = text_of(contract.get("title")) or cid
    done = text_of(contract.get("status")) in DONE_CONTRACT and due <= ctx.today
    cancelled = text_of(contract.get("status")) == "cancelled"
    if cancelled:
        ctx.report.mapped("contracts", _("cancelled: its commitment is ended (waived)"))
    project.milestones.append(SourceMilestone(key=f"c/{cid}", title=title, due_on=due))
    value = obj(contract.get("value"))
    project.commitments.append(
        SourceCommitment(
            key=f"c/{cid}",
            title=_("Contract: %(t)s") % {"t": title},
            category="technical",
            owed_by=suppliers[0],
            owed_to=[buyer],
            due_on=due,
            place=place,
            milestone=f"c/{cid}",
            start_on=to_date(period.get("startDate")),
            description=" ".join(
                filter(
                    None,
                    [
                        text_of(contract.get("description")),
                        money(to_amount(value.get("amount")), text_of(value.get("currency"))),
                    ],
                )
            ),
            status=CommitmentStatus.WAIVED
            if cancelled
            else CommitmentStatus.DELIVERED
            if done
            else CommitmentStatus.PLANNED,
            delivered_on=due if done and not cancelled else None,
            evidence=_("Ended: the contract is cancelled (OCDS).")
            if cancelled
            else _("Contract status “%(s)s” (OCDS).") % {"s": contract.get("status")}
            if done
            else "",
        )
    )
    implementation = obj(contract.get("implementation"))
    milestones = items(contract.get("milestones")) + items(implementation.get("milestones"))
    for number, milestone in enumerate(milestones):
        _milestone(
            ctx, project, milestone, cid, suppliers[0], buyer, f"{place}/milestones[{number}]"
        )
    for number, transaction in enumerate(items(implementation.get("transactions"))):
        _transaction(
            ctx,
            project,
            transaction,
            cid,
            suppliers[0],
            buyer,
            f"{place}/implementation/transactions[{number}]",
        )
    if cancelled:  # what the contract still owed ends with it
        open_ = (CommitmentStatus.PLANNED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.LATE)
        for item in project.commitments:
            if item.milestone == f"c/{cid}" and item.status in open_:
                item.status = CommitmentStatus.WAIVED
                item.evidence = _("Ended: the contract is cancelled (OCDS).")


def _milestone(
    ctx: ImportContext,
    project: SourceProject,
    milestone: dict,
    cid: str,
    supplier: str,
    buyer: str,
    place: str,
) -> None:
    mid = text_of(str(milestone.get("id", "")))
    due = to_date(milestone.get("dueDate")) or to_date(milestone.get("dateMet"))
    if not mid or due is None:
        ctx.report.note(_("A milestone without id or due date is not imported."), column=place)
        ctx.report.dropped("contracts/milestones", _("no id or due date"))
        return
    ctx.report.mapped("contracts/milestones", _("commitment of the supplier"))
    status = MILESTONE_STATUS.get(text_of(milestone.get("status")), CommitmentStatus.PLANNED)
    delivered = (
        (to_date(milestone.get("dateMet")) or due) if status == CommitmentStatus.DELIVERED else None
    )
    project.commitments.append(
        SourceCommitment(
            key=f"c/{cid}/m/{mid}",
            title=text_of(milestone.get("title")) or mid,
            category="technical",
            owed_by=supplier,
            owed_to=[buyer],
            due_on=due,
            place=place,
            milestone=f"c/{cid}",
            description=text_of(milestone.get("description")),
            status=status,
            delivered_on=delivered,
            evidence=_("Milestone met (OCDS).") if delivered else "",
        )
    )


def _transaction(
    ctx: ImportContext,
    project: SourceProject,
    transaction: dict,
    cid: str,
    supplier: str,
    buyer: str,
    place: str,
) -> None:
    tid, day = text_of(str(transaction.get("id", ""))), to_date(transaction.get("date"))
    value = obj(transaction.get("value")) or obj(transaction.get("amount"))
    amount, currency = to_amount(value.get("amount")), text_of(value.get("currency"))
    if not tid or day is None or amount is None:
        ctx.report.note(
            _("A transaction without id, date or amount is not imported."), column=place
        )
        ctx.report.dropped("contracts/implementation/transactions", _("no id, date or amount"))
        return
    ctx.report.mapped("contracts/implementation/transactions", _("financial commitment, delivered"))
    payer = _party_key(
        obj(transaction.get("payer")) or obj(transaction.get("providerOrganization"))
    )
    payee = _party_key(
        obj(transaction.get("payee")) or obj(transaction.get("receiverOrganization"))
    )
    payer = payer if payer in project.parties else buyer
    payee = payee if payee in project.parties else supplier
    project.commitments.append(
        SourceCommitment(
            key=f"c/{cid}/t/{tid}",
            title=_("Payment of %(m)s") % {"m": money(amount, currency)},
            category="financial",
            owed_by=payer,
            owed_to=[payee],
            due_on=day,
            place=place,
            milestone=f"c/{cid}",
            status=CommitmentStatus.DELIVERED,
            delivered_on=day,
            evidence=_("Transaction %(id)s (OCDS).") % {"id": tid},
        )
    )
