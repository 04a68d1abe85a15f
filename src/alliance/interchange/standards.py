"""What OC4IDS, OCDS and IATI have in common once read: a project with parties, milestones
and commitments, each with its source identifier. ``apply_project`` writes one through the
domain services, finding earlier imports by their source identifiers so a re-import updates
instead of duplicating."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alliance.core.bulk import chunked
from alliance.interchange import party_kinds, rekeying, services
from alliance.interchange.report import ImportContext
from alliance.interchange.rows import explain
from alliance.interchange.values import when
from alliance.partnerships import models as pm
from alliance.partnerships import services as ps
from alliance.partnerships.choices import CommitmentStatus, ParticipationRole

# When a source gives one organisation several roles, the agreement keeps the strongest.
ROLE_PRECEDENCE = (
    ParticipationRole.SIGNATORY,
    ParticipationRole.LENDER,
    ParticipationRole.CONTRACTOR,
    ParticipationRole.REGULATOR,
    ParticipationRole.BENEFICIARY,
    ParticipationRole.OBSERVER,
)


@dataclass
class SourceParty:
    """An organisation as one project names it. ``key`` is its name within the project
    (OCDS and OC4IDS party ids are local to a contracting process or project); ``identity``
    is who it is across files and imports: a valid organisation identifier, else its
    normalised name and country (see ``organisations.identity``)."""

    key: str
    name: str
    kind: str
    country: str | None = None
    roles: set[str] = field(default_factory=set)
    identity: str = ""
    ref: str = ""  # the organisation identifier the source gives, valid or not
    # The code that says its kind (an IATI organisation type, a party classification),
    # "" when the kind is guessed from its role or name (see ``party_kinds``).
    code: str = ""

    @property
    def role(self) -> str | None:
        return next((r for r in ROLE_PRECEDENCE if r in self.roles), None)

    @property
    def org(self) -> str:
        """The key its party is remembered by across imports (``org`` source identifiers)."""
        return self.identity or self.key


@dataclass
class SourceMilestone:
    key: str
    title: str
    due_on: date
    reached_on: date | None = None


@dataclass
class SourceCommitment:
    key: str
    title: str
    category: str
    owed_by: str
    owed_to: list[str]
    due_on: date
    place: str
    description: str = ""
    start_on: date | None = None
    status: str = CommitmentStatus.PLANNED
    delivered_on: date | None = None
    evidence: str = ""
    milestone: str | None = None
    # The key an earlier version of the importer gave it by its position: read once, to
    # find what such an import stored (by what it says) and move it to ``key`` (see
    # ``rekeying``), never to match it afterwards.
    aliases: tuple[str, ...] = ()
    # For an element keyed by the source's own identifier when it has one (``<family>/ref/
    # <id>``, an IATI transaction's ``ref``), else by what it says: whether it has one now.
    # A version that adds or removes the identifier must not make it a second commitment:
    # the one stored under the other kind of key is found again by what it says (see
    # ``rekeying.rematch``). None for elements that are always keyed one way.
    identified: bool | None = None


@dataclass
class SourceProject:
    """One project, contracting process or activity, ready to be written."""

    scheme: str
    key: str
    place: str
    title: str
    kind: str
    signed_on: date
    host_country: str
    reference: str = ""
    summary: str = ""
    effective_on: date | None = None
    ends_on: date | None = None
    countries: list[str] = field(default_factory=list)
    value: Decimal | None = None
    currency: str = ""
    parties: dict[str, SourceParty] = field(default_factory=dict)
    milestones: list[SourceMilestone] = field(default_factory=list)
    commitments: list[SourceCommitment] = field(default_factory=list)
    # OCDS contracting processes (ocids) this project contains (OC4IDS): their releases,
    # imported with it or later, go into this project's agreement.
    processes: list[str] = field(default_factory=list)
    # The date-time of this version of the project as its source says (OC4IDS ``updated``,
    # newest OCDS release ``date``, IATI ``last-updated-datetime``); "" when it does not.
    version: str = ""
    # Kept with the version (OCDS: every release of the process, to compile the next import).
    keep: dict[str, Any] = field(default_factory=dict)

    def add_party(self, party: SourceParty) -> SourceParty:
        """Merge repeated mentions of one organisation (same key) and their roles."""
        existing = self.parties.get(party.key)
        if existing is None:
            self.parties[party.key] = party
            return party
        existing.roles |= party.roles
        if party.code and not existing.code:
            existing.kind, existing.code = party.kind, party.code
        existing.country = existing.country or party.country
        existing.ref = existing.ref or party.ref
        return existing

    def settle_parties(self, report: Any, element: str) -> None:
        """Once the project's country is known: each party's country (its own, else the
        project's, as the report says) and its identity across files (a valid identifier,
        else its name and country)."""
        from alliance.interchange import organisations

        for party in self.parties.values():
            if party.country:
                report.mapped(element, report.say(gettext_noop("party country (as stated)")))
            else:
                party.country = self.host_country
                report.mapped(
                    element,
                    report.say(gettext_noop("party country: none stated, the project's is used")),
                )
            party.identity = party.identity or organisations.identity(
                party.ref, party.name, party.country
            )
            if party.identity.startswith("name:"):
                report.mapped(
                    element.split("/address", 1)[0] + "/identifier",
                    report.say(
                        gettext_noop(
                            "party found by name and country (no valid organisation identifier)"
                        )
                    ),
                )


def to_date(value: Any) -> date | None:
    """The calendar date a source wrote (``2017-02-06T00:00:00-05:00`` → 2017-02-06)."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def to_amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() and 0 <= amount < Decimal("1e14") else None


def money(amount: Decimal | None, currency: str) -> str:
    return f"{amount:,.2f} {currency}".strip() if amount is not None else ""


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


# ----- writing -----


def apply_project(ctx: ImportContext, project: SourceProject) -> None:
    """Write one project; each failing piece is reported with its place and the import
    goes on, so the preview lists every problem (and the transaction is rolled back)."""
    stored = services.source_versions(_versions(project), [project.key]).get(project.key)
    if stored is not None and _older(project, stored[0]):
        _skip_older(ctx, project, stored[0])
        return
    try:
        with transaction.atomic():
            agreement = _agreement(ctx, project)
    except Exception as exc:
        _report(ctx, exc, project.place)
        return
    before = dict(stored[1] or {}) if stored is not None else {}
    _save_versions([(project, agreement)])
    parties = _parties(ctx, project, agreement)
    _settle_kinds(ctx, [project])
    if before:
        _end_parties(ctx, project, agreement, parties, before)
    milestones = _milestones(ctx, project, agreement)
    before["commitments"] = rekeying.rekey(ctx, project, agreement, parties, before)
    if before["commitments"]:
        _end_dropped(ctx, project, before)
    scheme = f"{project.scheme}-commitment"
    known = services.source_find_many(
        scheme, [f"{project.key}/{item.key}" for item in project.commitments], pm.Commitment
    )
    new: list[tuple[SourceCommitment, dict[str, Any]]] = []
    for item in project.commitments:
        key = f"{project.key}/{item.key}"
        if any(f"{project.key}/{other.key}" == key for other, _args in new):
            # The same source id twice: the first must exist before the second updates it.
            _create_commitments(ctx, project, new)
            new = []
            known.update(services.source_find_many(scheme, [key], pm.Commitment))
        try:
            args = _commitment(ctx, project, agreement, parties, milestones, item, known)
        except Exception as exc:
            _report(ctx, exc, item.place)
            ctx.report.count(_("commitments"), "skipped")
        else:
            if args is not None:
                new.append((item, args))
    _create_commitments(ctx, project, new)


# How many projects are written together: bounded so a streamed file keeps bounded memory
# and each lookup stays well under the databases' limits on query parameters.
BATCH = 200


def apply_projects(ctx: ImportContext, projects: Iterable[SourceProject]) -> None:
    """Write every project, ``BATCH`` at a time.

    Projects seen for the first time (the usual first import of a file) are written
    together: each kind of object in one ``*_create_many`` call, through the same
    services, checks and audit events as one by one, in a few dozen queries per batch
    instead of about thirty per object. Projects imported before (re-imports update
    them), projects attached to a chosen agreement and repeated identifiers go through
    ``apply_project`` one by one. If a batch is refused, it leaves nothing behind
    (savepoint) and its projects are written again one by one, so every error is
    reported with its place exactly as without batching."""
    batch: list[SourceProject] = []
    for project in projects:
        batch.append(project)
        if len(batch) >= BATCH:
            _apply_batch(ctx, batch)
            batch = []
    _apply_batch(ctx, batch)


def _apply_batch(ctx: ImportContext, projects: list[SourceProject]) -> None:
    projects = _not_older(ctx, projects)
    if not projects:
        return
    found = _imported(projects)
    rekeying.rematch(ctx, projects, found)
    if ctx.agreement is not None:
        for project in projects:
            apply_project(ctx, project)
        return
    fresh = _fresh(projects, found)
    one_by_one = [p for p in projects if not any(p is f for f in fresh)]
    if fresh and not _batched(ctx, lambda: _write_fresh(ctx, fresh, found)):
        one_by_one = projects
    same, changed = _known(ctx, one_by_one, found)
    if changed and not _batched(ctx, lambda: _write_changed(ctx, changed, found)):
        changed = []
    done = {id(p) for p in same} | {id(p) for p, _changes in changed}
    for project in one_by_one:
        if id(project) not in done:
            apply_project(ctx, project)


def _imported(projects: list[SourceProject]) -> dict[tuple[str, ...], Any]:
    """What earlier imports made from the batch's identifiers — agreements, parties,
    milestones, commitments — as ``(scheme, identifier) → object``, and the versions
    recorded as ``("versions", scheme, identifier) → (version, document)``, in a few
    queries."""
    found: dict[tuple[str, ...], Any] = {}
    for (scheme, model), keys in _keys_by_scheme(projects).items():
        for key, obj in services.source_find_many(scheme, keys, model).items():
            found[scheme, key] = obj
    for scheme in {p.scheme for p in projects}:
        keys = [p.key for p in projects if p.scheme == scheme]
        for key, stored in services.source_versions(f"{scheme}-version", keys).items():
            found["versions", scheme, key] = stored
    return found


# ----- versions: nothing older overwrites something newer -----


def _versions(project: SourceProject) -> str:
    return f"{project.scheme}-version"


def _older(project: SourceProject, stored: str) -> bool:
    new, old = when(project.version), when(stored)
    return new is not None and old is not None and new < old


def _skip_older(ctx: ImportContext, project: SourceProject, stored: str) -> None:
    ctx.report.note(
        _(
            "Skipped as older: this version (%(new)s) is older than the one imported"
            " (%(old)s), which stays."
        )
        % {"new": project.version, "old": stored},
        column=project.place,
    )
    ctx.report.count(_("agreements"), "skipped")
    ctx.report.older.append(project.place)


def _not_older(ctx: ImportContext, projects: list[SourceProject]) -> list[SourceProject]:
    """The batch without the projects older than what was imported (each reported)."""
    stored: dict[tuple[str, str], str] = {}
    for scheme in {p.scheme for p in projects}:
        keys = [p.key for p in projects if p.scheme == scheme]
        for key, (version, _doc) in services.source_versions(f"{scheme}-version", keys).items():
            stored[scheme, key] = version
    kept = []
    for project in projects:
        version = stored.get((project.scheme, project.key), "")
        if _older(project, version):
            _skip_older(ctx, project, version)
        else:
            kept.append(project)
    return kept


def _kept(project: SourceProject) -> dict[str, Any]:
    """What is recorded with a project's version: its party and commitment keys (to see
    what a newer version drops) and what its reader keeps (OCDS releases)."""
    return {
        "parties": sorted(project.parties),
        "orgs": {key: party.org for key, party in sorted(project.parties.items())},
        "commitments": sorted(c.key for c in project.commitments),
        "keys": rekeying.KEYS,
        **project.keep,
    }


def _save_versions(pairs: list[tuple[SourceProject, pm.Agreement]]) -> None:
    by_scheme: dict[str, list[tuple[str, Any, str, dict[str, Any]]]] = {}
    for project, agreement in pairs:
        by_scheme.setdefault(_versions(project), []).append(
            (project.key, agreement, project.version, _kept(project))
        )
    for scheme, rows in by_scheme.items():
        services.source_versions_save(scheme, rows)


ENDED_STATUSES = (CommitmentStatus.PLANNED, CommitmentStatus.IN_PROGRESS, CommitmentStatus.LATE)


def _end_dropped(ctx: ImportContext, project: SourceProject, before: dict[str, Any]) -> None:
    """The commitments the imported version had and this one no longer has: open ones are
    waived with a note saying why (see ``_end_parties`` for the parties)."""
    label = project.version or ctx.today.isoformat()
    now = {c.key for c in project.commitments}
    gone = sorted(set(before.get("commitments") or []) - now)
    found = services.source_find_many(
        f"{project.scheme}-commitment", [f"{project.key}/{k}" for k in gone], pm.Commitment
    )
    for key in gone:
        commitment = found.get(f"{project.key}/{key}")
        if commitment is None:
            continue
        place = f"{project.place} ({key})"
        if commitment.status not in ENDED_STATUSES:
            ctx.report.note(
                _("No longer in the source's version of %(v)s; its status “%(s)s” stays.")
                % {"v": label, "s": commitment.get_status_display()},
                column=place,
            )
            continue
        try:
            with transaction.atomic():
                ps.commitment_change_status(
                    actor=ctx.actor,
                    commitment=commitment,
                    status=CommitmentStatus.WAIVED,
                    on=ctx.today,
                    evidence=_("Ended: no longer in the source's version of %(v)s.") % {"v": label},
                )
        except Exception as exc:
            _report(ctx, exc, place)
        else:
            ctx.report.count(_("commitments"), "updated")
            ctx.report.note(
                _("Ended (waived): no longer in the source's version of %(v)s.") % {"v": label},
                column=place,
            )


def _end_parties(
    ctx: ImportContext,
    project: SourceProject,
    agreement: pm.Agreement,
    parties: dict[str, pm.Party],
    before: dict[str, Any],
) -> None:
    """The parties the imported version had and this one no longer has: their
    participation is marked ended on the version's date with a note saying why (it and
    their history stay); said in the report. In an agreement the project only goes into
    (an OC4IDS project's, a chosen one), other sources may still name them: only said."""
    label = project.version or ctx.today.isoformat()
    gone = sorted(set(before.get("parties") or []) - set(project.parties))
    if not gone:
        return
    orgs = before.get("orgs") or {}
    found = services.source_find_many("org", [orgs.get(k, k) for k in gone], pm.Party)
    staying = {party.pk for party in parties.values()}
    own = services.source_find(project.scheme, project.key, pm.Agreement)
    on = min(to_date(project.version) or ctx.today, ctx.today)
    note = _("No longer in the source's version of %(v)s.") % {"v": label}
    for key in gone:
        party = found.get(orgs.get(key, key))
        place = f"{project.place}/parties ({key})"
        participation = (
            pm.Participation.objects.filter(
                agreement=agreement, party=party, ended_on__isnull=True
            ).first()
            if party is not None and party.pk not in staying
            else None
        )
        if participation is None:
            continue
        if own is None or own.pk != agreement.pk:
            ctx.report.note(
                _("The party %(p)s is no longer in the source's version of %(v)s.")
                % {"p": party.name, "v": label},
                column=place,
            )
            continue
        try:
            with transaction.atomic():
                ps.participation_end(actor=ctx.actor, participation=participation, on=on, note=note)
        except Exception as exc:
            _report(ctx, exc, place)
        else:
            ctx.report.count(_("participations"), "updated")
            ctx.report.note(
                _(
                    "The party %(p)s is no longer in the source's version of %(v)s: its"
                    " participation is marked ended; it and its history stay."
                )
                % {"p": party.name, "v": label},
                column=place,
            )


def _known(
    ctx: ImportContext, projects: list[SourceProject], found: dict[tuple[str, str], Any]
) -> tuple[list[SourceProject], list[tuple[SourceProject, list[tuple[Any, dict[str, Any]]]]]]:
    """The projects imported before that this import would not change (a re-import), and
    those it changes only in values (a new title, value or dates: see ``_planned_changes``)
    with their changes. Read in bulk; the unchanged are counted as ``apply_project``
    counts them. Any other difference sends the project through ``apply_project``."""
    agreements = [found[p.scheme, p.key] for p in projects if (p.scheme, p.key) in found]
    if not agreements:
        return [], []
    commitments = [o for key, o in found.items() if key[0].endswith("-commitment")]
    prefetch_related_objects(commitments, "owed_to")
    taking_part = set(
        pm.Participation.objects.filter(
            agreement__in=agreements, ended_on__isnull=True
        ).values_list("agreement_id", "party_id")
    )
    # An ocid listed by several projects belongs to the last one named (as one by one):
    # the others need not claim it again when a later project of the batch does.
    last: dict[str, SourceProject] = {}
    for project in projects:
        for ocid in project.processes:
            last[ocid] = project
    same, changed = [], []
    for project in projects:
        changes = _planned_changes(ctx, project, found, taking_part, last)
        if changes == []:
            same.append(project)
            _count_known(ctx, project, found, [])
        elif changes is not None:
            changed.append((project, changes))
    _settle_kinds(ctx, same)
    # A newer version that says the same (a republished file with new dates): only the
    # recorded version changes, in one write for the batch.
    _save_versions(
        [
            (p, found[p.scheme, p.key])
            for p in same
            if found.get(("versions", p.scheme, p.key), ("",))[0] != p.version[:40]
        ]
    )
    return same, changed


def _write_changed(
    ctx: ImportContext,
    changed: list[tuple[SourceProject, list[tuple[Any, dict[str, Any]]]]],
    found: dict[tuple[str, str], Any],
) -> None:
    """Write what a re-import changes in projects imported before (values only, see
    ``_planned_changes``): each kind of object in one ``*_update_many`` call, through the
    same checks and audit events as ``apply_project``; any refusal raises."""
    by_model: dict[type, list[tuple[Any, dict[str, Any]]]] = {}
    for _project, changes in changed:
        for obj, fields in changes:
            by_model.setdefault(type(obj), []).append((obj, fields))
    ps.agreement_update_many(actor=ctx.actor, changes=by_model.get(pm.Agreement, []))
    ps.milestone_update_many(actor=ctx.actor, changes=by_model.get(pm.Milestone, []))
    ps.commitment_update_many(actor=ctx.actor, changes=by_model.get(pm.Commitment, []))
    _save_versions([(p, found[p.scheme, p.key]) for p, _changes in changed])
    for project, changes in changed:
        _count_known(ctx, project, found, [obj for obj, _fields in changes])
    _settle_kinds(ctx, [p for p, _changes in changed])


def _keys_by_scheme(projects: list[SourceProject]) -> dict[tuple[str, type], list[str]]:
    keys: dict[tuple[str, type], list[str]] = {}
    for p in projects:
        keys.setdefault((p.scheme, pm.Agreement), []).append(p.key)
        keys.setdefault((ATTACHED, pm.Agreement), []).append(f"{p.scheme}:{p.key}")
        keys.setdefault((PROCESS, pm.Agreement), []).extend(
            [p.key] if p.scheme == "ocds" else p.processes
        )
        keys.setdefault(("org", pm.Party), []).extend(s.org for s in p.parties.values())
        milestones = keys.setdefault((f"{p.scheme}-group", pm.Milestone), [])
        milestones.extend(f"{p.key}/{m.key}" for m in p.milestones)
        commitments = keys.setdefault((f"{p.scheme}-commitment", pm.Commitment), [])
        commitments.extend(f"{p.key}/{c.key}" for c in p.commitments)
    return keys


def _planned_changes(
    ctx: ImportContext,
    project: SourceProject,
    found: dict[tuple[str, ...], Any],
    taking_part: set[tuple[int, int]],
    last: dict[str, SourceProject],
) -> list[tuple[Any, dict[str, Any]]] | None:
    """What a re-import changes in a project imported before, as ``(object, changed
    fields)`` for its agreement, milestones and commitments ([] when nothing), or None when
    it needs ``apply_project``: a new or dropped party, milestone or commitment, a party
    that does not take part (yet, or again), a status, owed-to or delivery to move, a note
    to make."""
    agreement = found.get((project.scheme, project.key))
    if agreement is None:
        return None
    changes = [(agreement, _differences(agreement, _agreement_fields(project)))]
    for ocid in project.processes:
        owner = found.get((PROCESS, ocid))
        later = last[ocid]
        if owner != agreement and (
            later is project or owner != found.get((later.scheme, later.key))
        ):
            return None
    stored = found.get(("versions", project.scheme, project.key))
    if stored is None or stored[1] != _kept(project):
        return None
    parties = {}
    for key, source in project.parties.items():
        party = ctx.cache.get(("party", source.org)) or found.get(("org", source.org))
        if party is None:
            return None
        if source.role is not None and (agreement.pk, party.pk) not in taking_part:
            return None
        parties[key] = party
    milestones = {}
    for source in project.milestones:
        milestone = found.get((f"{project.scheme}-group", f"{project.key}/{source.key}"))
        if milestone is None:
            return None
        wanted = {"title": source.title[:300], "due_on": source.due_on}
        changes.append(
            (milestone, _differences(milestone, wanted | {"reached_on": source.reached_on}))
        )
        milestones[source.key] = milestone
    for item in project.commitments:
        existing = found.get((f"{project.scheme}-commitment", f"{project.key}/{item.key}"))
        if existing is None or item.status != existing.status:
            return None
        owed_by = parties.get(item.owed_by)
        if owed_by is None or (item.delivered_on and item.delivered_on > ctx.today):
            return None  # reported by ``apply_project``
        terms = _commitment_terms(ctx, parties, milestones, item)
        if terms is None:
            return None
        fields, owed_to = terms
        if {p.pk for p in existing.owed_to.all()} != {p.pk for p in owed_to}:
            return None
        changes.append((existing, _differences(existing, fields)))
    return [(obj, fields) for obj, fields in changes if fields]


def _differences(obj: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The ``fields`` whose value ``obj`` does not have (references compared by key,
    without reading the referenced object)."""
    return {name: value for name, value in fields.items() if not _same_values(obj, {name: value})}


def _same_values(obj: Any, fields: dict[str, Any]) -> bool:
    """``getattr(obj, name) == value`` for every field, references compared by key
    (without reading the referenced object)."""
    for name, value in fields.items():
        field = obj._meta.get_field(name)
        if field.many_to_one:
            if getattr(obj, field.attname) != getattr(value, "pk", None):
                return False
        elif getattr(obj, name) != value:
            return False
    return True


def _count_known(
    ctx: ImportContext, project: SourceProject, found: dict[tuple[str, str], Any], changed: list
) -> None:
    """Count a project imported before as ``apply_project`` counts it: each agreement,
    milestone and commitment updated if it is among ``changed``, else unchanged."""
    count = ctx.report.count
    updated = {(type(obj), obj.pk) for obj in changed}
    agreement = found[project.scheme, project.key]
    count(_("agreements"), "updated" if (pm.Agreement, agreement.pk) in updated else "unchanged")
    for source in project.parties.values():
        if ("party", source.org) not in ctx.cache:
            ctx.cache["party", source.org] = found["org", source.org]
            count(_("parties"), "unchanged")
    for label, model, scheme, items in (
        (_("milestones"), pm.Milestone, f"{project.scheme}-group", project.milestones),
        (_("commitments"), pm.Commitment, f"{project.scheme}-commitment", project.commitments),
    ):
        for item in items:
            obj = found[scheme, f"{project.key}/{item.key}"]
            count(label, "updated" if (model, obj.pk) in updated else "unchanged")


def _fresh(projects: list[SourceProject], found: dict[tuple[str, str], Any]) -> list[SourceProject]:
    """The projects that can be written together: nothing made from them before (their
    agreement, milestones or commitments), named once in the batch, with no repeated
    milestone or commitment identifier."""
    fresh, seen = [], set()
    for project in projects:
        name = (project.scheme, project.key)
        milestones = [m.key for m in project.milestones]
        commitments = [c.key for c in project.commitments]
        made_before = (
            name in found
            or (ATTACHED, f"{project.scheme}:{project.key}") in found
            or (project.scheme == "ocds" and (PROCESS, project.key) in found)
            or any((f"{project.scheme}-group", f"{project.key}/{k}") in found for k in milestones)
            or any(
                (f"{project.scheme}-commitment", f"{project.key}/{k}") in found for k in commitments
            )
        )
        if made_before or name in seen:
            continue
        seen.add(name)
        if len(set(milestones)) == len(milestones) and len(set(commitments)) == len(commitments):
            fresh.append(project)
    return fresh


def _batched(ctx: Any, write: Callable[[], None]) -> bool:
    """Run a batched ``write`` in a savepoint of its own; if anything refuses it, roll it and
    the report back and say so (False): the projects then go one by one, where each error
    keeps its place."""
    saved = _state(ctx)
    try:
        with transaction.atomic():
            write()
    except Exception:
        _restore(ctx, saved)
        return False
    return True


def _state(ctx: ImportContext) -> tuple[Any, ...]:
    report = ctx.report
    cache = {k: set(v) if isinstance(v, set) else v for k, v in ctx.cache.items()}
    return copy.deepcopy(report.counts), len(report.errors), len(report.notes), cache


def _restore(ctx: ImportContext, saved: tuple[Any, ...]) -> None:
    counts, errors, notes, cache = saved
    ctx.report.counts = counts
    del ctx.report.errors[errors:]
    repeated = ctx.report._repeated
    for key in [k for k, (index, _rows) in repeated.items() if index >= errors]:
        del repeated[key]
    del ctx.report.notes[notes:]
    ctx.cache.clear()
    ctx.cache.update(cache)


def _write_fresh(
    ctx: ImportContext, projects: list[SourceProject], found: dict[tuple[str, str], Any]
) -> None:
    """Write new projects together (see ``apply_projects``); any refusal raises."""
    count = ctx.report.count
    agreements = ps.agreement_create_many(
        actor=ctx.actor, items=[_agreement_fields(p) for p in projects]
    )
    count(_("agreements"), "created", len(agreements))
    _remember([(p.scheme, p.key, a) for p, a in zip(projects, agreements, strict=True)])
    _save_versions(list(zip(projects, agreements, strict=True)))
    _remember(
        [
            (PROCESS, ocid, a)
            for p, a in zip(projects, agreements, strict=True)
            for ocid in p.processes
        ]
    )
    parties = _parties_many(ctx, projects, found)
    _settle_kinds(ctx, projects)

    joining = []
    for project, agreement in zip(projects, agreements, strict=True):
        taking_part: set[int] = set()
        for source in project.parties.values():
            party = parties[source.org]
            if source.role is not None and party.pk not in taking_part:
                taking_part.add(party.pk)
                joining.append({"agreement": agreement, "party": party, "role": source.role})
    ps.participation_add_many(actor=ctx.actor, items=joining)
    count(_("participations"), "created", len(joining))

    made = ps.milestone_create_many(
        actor=ctx.actor,
        items=[
            {"agreement": a, "title": m.title[:300], "due_on": m.due_on, "reached_on": m.reached_on}
            for p, a in zip(projects, agreements, strict=True)
            for m in p.milestones
        ],
    )
    count(_("milestones"), "created", len(made))
    milestones: dict[tuple[str, str], pm.Milestone] = {}
    keyed = []
    for project in projects:
        for source in project.milestones:
            milestone = made[len(keyed)]
            milestones[project.key, source.key] = milestone
            keyed.append((f"{project.scheme}-group", f"{project.key}/{source.key}", milestone))
    _remember(keyed)

    new, keys = [], []
    for project, agreement in zip(projects, agreements, strict=True):
        own_parties = {key: parties[source.org] for key, source in project.parties.items()}
        own_milestones = {m.key: milestones[project.key, m.key] for m in project.milestones}
        for item in project.commitments:
            terms = _commitment_terms(ctx, own_parties, own_milestones, item)
            if terms is None:
                continue
            fields, owed_to = terms
            new.append(_commitment_args(ctx, agreement, fields, owed_to, item))
            keys.append((f"{project.scheme}-commitment", f"{project.key}/{item.key}"))
    commitments = ps.commitment_create_many(actor=ctx.actor, items=new)
    count(_("commitments"), "created", len(commitments))
    _remember([(s, k, c) for (s, k), c in zip(keys, commitments, strict=True)])


def _remember(links: list[tuple[str, str, Any]]) -> None:
    """``source_remember_many`` for (scheme, identifier, object) triples, one call per
    scheme and model."""
    groups: dict[tuple[str, type], list[tuple[str, Any]]] = {}
    for scheme, identifier, obj in links:
        groups.setdefault((scheme, type(obj)), []).append((identifier, obj))
    for (scheme, _model), pairs in groups.items():
        services.source_remember_many(scheme, pairs)


def _parties_many(
    ctx: ImportContext, projects: list[SourceProject], imported: dict[tuple[str, str], Any]
) -> dict[str, pm.Party]:
    """``_party`` for every party of the batch (by ``SourceParty.org``): found by source
    identifier (``imported``, read for the batch), else by name and country, else created
    (one ``party_create_many``), counted once per organisation as ``_party`` counts them."""
    found: dict[str, pm.Party] = {}
    pending: dict[str, tuple[SourceParty, str]] = {}
    for project in projects:
        for source in project.parties.values():
            cached = ctx.cache.get(("party", source.org))
            if cached is not None:
                found[source.org] = cached
                _say_merged(ctx, project, cached.name, source)
            elif source.org not in pending:
                pending[source.org] = (source, source.country or project.host_country)
            else:
                _say_merged(ctx, project, pending[source.org][0].name, source)
    if not pending:
        return found
    by_source = {org: imported["org", org] for org in pending if ("org", org) in imported}
    for org, party in by_source.items():
        _say_merged(ctx, None, party.name, pending[org][0])
    earlier = rekeying.named_before(
        {org: source.name for org, (source, _c) in pending.items() if org not in by_source}
    )
    for org, party in earlier.items():
        _say_identified(ctx, party, org)
    by_source.update(earlier)
    wanted = {
        (source.name[:200], country)
        for org, (source, country) in pending.items()
        if org not in by_source
    }
    taken = party_names({name for name, _country in wanted})
    new: dict[tuple[str, str], dict[str, Any]] = {}
    creators: set[str] = set()  # the first organisation naming a new party creates it
    for org, (source, country) in pending.items():
        name = source.name[:200]
        if org in by_source or (name, country) in taken or (name, country) in new:
            continue
        creators.add(org)
        new[name, country] = {
            "name": _free_name(name, country, taken, {item["name"] for item in new.values()}),
            "kind": source.kind,
            "country": country,
        }
    created = ps.party_create_many(actor=ctx.actor, items=list(new.values()))
    ctx.cache.setdefault(MADE, set()).update(party.pk for party in created)
    made = dict(zip(new, created, strict=True))
    relink = []
    label = _("parties")
    for org, (source, country) in pending.items():
        key = (source.name[:200], country)
        party = by_source.get(org) or taken.get(key) or made[key]
        if org not in by_source or org in earlier:
            relink.append(("org", org, party))
        ctx.report.count(label, "created" if org in creators else "unchanged")
        ctx.cache["party", org] = party
        found[org] = party
    _remember(relink)
    return found


# The parties this import created (their kind is the one their first mention gave).
MADE = "parties-made"


def _settle_kinds(ctx: ImportContext, projects: list[SourceProject]) -> None:
    """Each party of ``projects`` gets the kind its strongest source says, whatever the
    order of the imports (see ``party_kinds``)."""
    mentions = []
    for project in projects:
        for key, source in project.parties.items():
            party = ctx.cache.get(("party", source.org))
            if party is not None:
                said = party_kinds.Said(
                    source.kind, source.code, project.version, f"{project.place}/parties/{key}"
                )
                mentions.append((party, said))
    party_kinds.settle(ctx, mentions, ctx.cache.get(MADE))


def _say_merged(
    ctx: ImportContext, project: SourceProject | None, name: str, source: SourceParty
) -> None:
    """Say when an organisation named otherwise is one party with another by its valid
    identifier (the party keeps its first name). IATI says it as it reads (``iati._org``)."""
    if (
        source.org.startswith("name:")
        or source.name[:200] == name
        or name == _with_country(source.name[:200], source.country or "")
        or (project is not None and project.scheme == "iati")
    ):
        return
    ctx.report.note(
        _("“%(a)s” and “%(b)s” have the same identifier %(id)s: they are one party.")
        % {"a": name, "b": source.name, "id": source.org},
        column=project.place if project is not None else "",
    )


def _say_identified(ctx: ImportContext, party: pm.Party, org: str) -> None:
    """Say that an organisation known by its name alone now comes with an identifier."""
    ctx.report.note(
        _(
            "%(p)s was imported before without a valid organisation identifier; it now has"
            " %(id)s: the same party."
        )
        % {"p": party.name, "id": org}
    )
    ctx.report.mapped("organisation", _("identifier added: the party imported by its name"))


def _country_label(country: str) -> str:
    from babel import Locale

    return Locale("en").territories.get(country, country) if country != "ZZ" else country


def _with_country(name: str, country: str) -> str:
    """The name a party gets when another party already has its name in another country:
    the name with its country ("Ministry of Finance (Ghana)"), at most 200 characters."""
    suffix = f" ({_country_label(country)})"
    return name[: 200 - len(suffix)] + suffix


def party_names(names: set[str]) -> dict[tuple[str, str], pm.Party]:
    """Existing parties by (source name, country): under the name itself or the name with
    its country (given when the name was already taken in another country). Also keyed
    ``(name, "*")`` for any party that holds the bare name, whatever its country."""
    candidates: dict[str, str] = {name: name for name in names}
    out: dict[tuple[str, str], pm.Party] = {}
    for chunk in chunked(set(candidates)):
        for party in pm.Party.objects.filter(name__in=chunk):
            out[party.name, party.country] = party
            out[party.name, "*"] = party
    bare = {name for name in names if (name, "*") in out}
    for name in bare:
        for party in pm.Party.objects.filter(name__startswith=f"{name[:150]} ("):
            if party.name == _with_country(name, party.country):
                out.setdefault((name, party.country), party)
    return out


def _free_name(name: str, country: str, taken: dict[tuple[str, str], Any], new: set[str]) -> str:
    """``name`` if no party has it yet, else the name with its country."""
    return _with_country(name, country) if (name, "*") in taken or name in new else name


def _report(ctx: ImportContext, exc: Exception, place: str) -> None:
    for column, reason in explain(exc):
        ctx.report.error(f"{column}: {reason}" if column else reason, column=place)


def _agreement_fields(project: SourceProject) -> dict[str, Any]:
    return {
        "title": project.title[:300],
        "reference": project.reference[:80],
        "kind": project.kind,
        "summary": project.summary,
        "signed_on": project.signed_on,
        "effective_on": project.effective_on,
        "ends_on": project.ends_on,
        "host_country": project.host_country,
        "countries": project.countries or [project.host_country],
        "value": project.value,
        "currency": project.currency if project.value is not None else "",
    }


def _agreement(ctx: ImportContext, project: SourceProject) -> pm.Agreement:
    fields = _agreement_fields(project)
    found = services.source_find(project.scheme, project.key, pm.Agreement)
    if found is None:
        attached = _attached(ctx, project)
        if attached is not None:
            return attached
    if found is not None and ctx.agreement is not None and found.pk != ctx.agreement.pk:
        ctx.report.note(
            _(
                "Imported before into the agreement “%(a)s”: it is updated there, the chosen"
                " agreement is not used for it."
            )
            % {"a": found.title},
            column=project.place,
        )
    if found is None:
        agreement = ps.agreement_create(actor=ctx.actor, **fields)
        services.source_remember(project.scheme, project.key, agreement)
        _remember_processes(project, agreement)
        ctx.report.count(_("agreements"), "created")
        return agreement
    changes = {k: v for k, v in fields.items() if getattr(found, k) != v}
    if changes:
        ps.agreement_update(actor=ctx.actor, agreement=found, **changes)
    _remember_processes(project, found)
    ctx.report.count(_("agreements"), "updated" if changes else "unchanged")
    return found


ATTACHED = "attached"


def _attached(ctx: ImportContext, project: SourceProject) -> pm.Agreement | None:
    """The agreement a project goes into without being its own: the one chosen with
    ``--agreement``, or the OC4IDS project whose contracting process it is (an OCDS ocid
    the project lists). Its fields are left as they are; only parties, milestones and
    commitments are added."""
    key = f"{project.scheme}:{project.key}"
    agreement = services.source_find(ATTACHED, key, pm.Agreement)
    reason = _("Attached to the chosen agreement; its own fields were left as they are.")
    if agreement is None and project.scheme == "ocds":
        agreement = services.source_find(PROCESS, project.key, pm.Agreement)
        reason = _(
            "Contracting process of the project “%(p)s”: imported into its agreement, whose own"
            " fields were left as they are."
        )
        reason = reason % {"p": agreement.title} if agreement is not None else reason
    if agreement is None and ctx.agreement is not None:
        agreement = ctx.agreement
        reason = _("Attached to the chosen agreement; its own fields were left as they are.")
    if agreement is None:
        return None
    services.source_remember(ATTACHED, key, agreement)
    ctx.report.note(reason, column=project.place)
    ctx.report.count(_("agreements"), "unchanged")
    return agreement


# An OCDS contracting process (its ocid) that an OC4IDS project lists → the project's agreement.
PROCESS = "ocds-process"


def _remember_processes(project: SourceProject, agreement: pm.Agreement) -> None:
    for ocid in project.processes:
        services.source_remember(PROCESS, ocid, agreement)


def _parties(
    ctx: ImportContext, project: SourceProject, agreement: pm.Agreement
) -> dict[str, pm.Party]:
    """The project's parties (found or created, each in a savepoint) and their new
    participations, added in one batch (see ``_add_participations``)."""
    parties: dict[str, pm.Party] = {}
    participations = {p.party_id: p for p in agreement.participations.all()}
    taking_part = set(participations)
    joining: list[tuple[str, dict[str, Any]]] = []
    for key, source in project.parties.items():
        try:
            with transaction.atomic():
                party = _party(ctx, source, project.host_country)
        except Exception as exc:
            _report(ctx, exc, f"{project.place}/parties/{key}")
            continue
        parties[key] = party
        ended = participations.get(party.pk)
        if source.role is not None and ended is not None and ended.ended_on is not None:
            _resume(ctx, project, ended, f"{project.place}/parties/{key}")
        if source.role is not None and party.pk not in taking_part:
            taking_part.add(party.pk)
            joining.append((key, {"agreement": agreement, "party": party, "role": source.role}))
    _add_participations(ctx, project, joining)
    return parties


def _resume(
    ctx: ImportContext, project: SourceProject, participation: pm.Participation, place: str
) -> None:
    """A party a newer version names again takes part again (its participation had been
    marked ended when an earlier version dropped it)."""
    try:
        with transaction.atomic():
            ps.participation_resume(actor=ctx.actor, participation=participation)
    except Exception as exc:
        _report(ctx, exc, place)
        return
    ctx.report.count(_("participations"), "updated")
    ctx.report.note(
        _("The party %(p)s is in the source's version of %(v)s again: it takes part again.")
        % {"p": participation.party.name, "v": project.version or ctx.today.isoformat()},
        column=place,
    )


def _add_participations(
    ctx: ImportContext, project: SourceProject, joining: list[tuple[str, dict[str, Any]]]
) -> None:
    """The project's new participations: one ``participation_add_many``, or one by one
    (see ``_together_or_alone``)."""
    if not joining:
        return
    _together_or_alone(
        ctx,
        _("participations"),
        lambda: ps.participation_add_many(actor=ctx.actor, items=[item for _k, item in joining]),
        [
            (
                f"{project.place}/parties/{key}",
                partial(ps.participation_add, actor=ctx.actor, **item),
            )
            for key, item in joining
        ],
        skip=False,
    )


def _together_or_alone(
    ctx: ImportContext,
    label: str,
    together: Callable[[], object],
    alone: list[tuple[str, Callable[[], object]]],
    *,
    skip: bool,
) -> None:
    """Write a batch in one savepoint; if it is refused, nothing of it stays and each item
    is written alone, in a savepoint of its own, so every bad one is reported with its
    place (and counted as skipped if ``skip``) and the good ones are still previewed."""
    try:
        with transaction.atomic():
            together()
    except Exception:
        pass
    else:
        ctx.report.count(label, "created", len(alone))
        return
    for place, write in alone:
        try:
            with transaction.atomic():
                write()
        except Exception as exc:
            _report(ctx, exc, place)
            if skip:
                ctx.report.count(label, "skipped")
        else:
            ctx.report.count(label, "created")


def _party(ctx: ImportContext, source: SourceParty, host_country: str) -> pm.Party:
    """The party an organisation is: by its source identifier (an earlier import), else
    by name and country (same-name organisations of different countries stay two
    parties, the later one named with its country), else created."""
    cache_key = ("party", source.org)
    if cache_key in ctx.cache:
        return ctx.cache[cache_key]
    party = services.source_find("org", source.org, pm.Party)
    outcome = "unchanged"
    country = source.country or host_country
    if party is not None:
        _say_merged(ctx, None, party.name, source)
    else:
        party = rekeying.named_before({source.org: source.name}).get(source.org)
        if party is not None:
            _say_identified(ctx, party, source.org)
    if party is None:
        name = source.name[:200]
        taken = party_names({name})
        party = taken.get((name, country))
        if party is None:
            party = ps.party_create(
                actor=ctx.actor,
                name=_free_name(name, country, taken, set()),
                kind=source.kind,
                country=country,
            )
            ctx.cache.setdefault(MADE, set()).add(party.pk)
            outcome = "created"
    services.source_remember("org", source.org, party)
    ctx.report.count(_("parties"), outcome)
    ctx.cache[cache_key] = party
    return party


def _milestones(
    ctx: ImportContext, project: SourceProject, agreement: pm.Agreement
) -> dict[str, pm.Milestone]:
    found: dict[str, pm.Milestone] = {}
    for source in project.milestones:
        key = f"{project.key}/{source.key}"
        fields = {"title": source.title[:300], "due_on": source.due_on}
        fields["reached_on"] = source.reached_on
        try:
            with transaction.atomic():
                milestone = services.source_find(f"{project.scheme}-group", key, pm.Milestone)
                if milestone is None:
                    milestone = ps.milestone_create(actor=ctx.actor, agreement=agreement, **fields)
                    services.source_remember(f"{project.scheme}-group", key, milestone)
                    ctx.report.count(_("milestones"), "created")
                else:
                    changes = {k: v for k, v in fields.items() if getattr(milestone, k) != v}
                    if changes:
                        ps.milestone_update(actor=ctx.actor, milestone=milestone, **changes)
                    ctx.report.count(_("milestones"), "updated" if changes else "unchanged")
                found[source.key] = milestone
        except Exception as exc:
            _report(ctx, exc, f"{project.place}/milestones/{source.key}")
    return found


def _commitment(
    ctx: ImportContext,
    project: SourceProject,
    agreement: pm.Agreement,
    parties: dict[str, pm.Party],
    milestones: dict[str, pm.Milestone],
    item: SourceCommitment,
    known: dict[str, pm.Commitment],
) -> dict[str, Any] | None:
    """Update (or skip) an already imported commitment, in its own savepoint; for a new
    one, write nothing yet and return ``commitment_create``'s arguments (new commitments
    are created together, see ``_create_commitments``)."""
    terms = _commitment_terms(ctx, parties, milestones, item)
    if terms is None:
        return None
    fields, owed_to = terms
    existing = known.get(f"{project.key}/{item.key}")
    if existing is None:
        return _commitment_args(ctx, agreement, fields, owed_to, item)
    with transaction.atomic():
        changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
        if {p.pk for p in existing.owed_to.all()} != {p.pk for p in owed_to}:
            changes["owed_to"] = owed_to
        if changes:
            ps.commitment_update(actor=ctx.actor, commitment=existing, **changes)
        moved = _move_status(ctx, existing, item)
    ctx.report.count(_("commitments"), "updated" if changes or moved else "unchanged")
    return None


def _commitment_terms(
    ctx: ImportContext,
    parties: dict[str, pm.Party],
    milestones: dict[str, pm.Milestone],
    item: SourceCommitment,
) -> tuple[dict[str, Any], list[pm.Party]] | None:
    """A commitment's fields and the parties it is owed to, or None (reported) when it
    cannot be imported: nobody known owes it, or its delivery is dated in the future."""
    owed_by = parties.get(item.owed_by)
    owed_to = [parties[k] for k in item.owed_to if k in parties] or [owed_by]
    if owed_by is None:
        ctx.report.note(_("Not imported: no known party owes it."), column=item.place)
        ctx.report.count(_("commitments"), "skipped")
        return None
    if {p.pk for p in owed_to} == {owed_by.pk}:
        # Two names in the source, one party here (found by name): no commitment is owed
        # by a party to itself.
        ctx.report.note(
            _("Not imported: owed by %(p)s to itself (both sides are the same party).")
            % {"p": owed_by.name},
            column=item.place,
        )
        ctx.report.count(_("commitments"), "skipped")
        return None
    if item.delivered_on and item.delivered_on > ctx.today:
        ctx.report.error(
            _("A delivery dated %(d)s is in the future.") % {"d": item.delivered_on},
            column=item.place,
        )
        return None
    start = item.start_on if item.start_on and item.start_on <= item.due_on else None
    fields = {
        "title": item.title[:300] or _("(untitled)"),
        "description": item.description,
        "category": item.category,
        "start_on": start,
        "due_on": item.due_on,
        "milestone": milestones.get(item.milestone or ""),
        "owed_by": owed_by,
    }
    return fields, owed_to


def _commitment_args(
    ctx: ImportContext,
    agreement: pm.Agreement,
    fields: dict[str, Any],
    owed_to: list[pm.Party],
    item: SourceCommitment,
) -> dict[str, Any]:
    """``commitment_create``'s arguments: durations from the working days left, created
    no later than started or delivered."""
    first = min(d for d in (fields["start_on"], item.delivered_on, agreement.signed_on) if d)
    days = max(((item.due_on - (fields["start_on"] or agreement.signed_on)).days * 5) // 7, 1)
    return {
        "agreement": agreement,
        "owed_to": owed_to,
        "status": item.status,
        "delivered_on": item.delivered_on if item.status == CommitmentStatus.DELIVERED else None,
        "evidence": item.evidence,
        "duration_optimistic": max(days // 2, 1),
        "duration_likely": days,
        "duration_pessimistic": days * 2,
        "created_at": midnight(min(first, ctx.today)),
        **fields,
    }


def _create_commitments(
    ctx: ImportContext, project: SourceProject, new: list[tuple[SourceCommitment, dict]]
) -> None:
    """The project's new commitments and their source identifiers: in one batch, or one
    by one (see ``_together_or_alone``)."""
    if not new:
        return
    scheme = f"{project.scheme}-commitment"

    def together() -> None:
        objs = ps.commitment_create_many(actor=ctx.actor, items=[args for _i, args in new])
        keys = [f"{project.key}/{item.key}" for item, _args in new]
        services.source_remember_many(scheme, list(zip(keys, objs, strict=True)))

    def alone(item: SourceCommitment, args: dict[str, Any]) -> None:
        commitment = ps.commitment_create(actor=ctx.actor, **args)
        services.source_remember(scheme, f"{project.key}/{item.key}", commitment)

    _together_or_alone(
        ctx,
        _("commitments"),
        together,
        [(item.place, partial(alone, item, args)) for item, args in new],
        skip=True,
    )


def _move_status(ctx: ImportContext, commitment: pm.Commitment, item: SourceCommitment) -> bool:
    if item.status == commitment.status:
        return False
    ps.commitment_change_status(
        actor=ctx.actor,
        commitment=commitment,
        status=item.status,
        on=item.delivered_on if item.status == CommitmentStatus.DELIVERED else None,
        evidence=item.evidence or _("Status from the published source."),
    )
    return True
