"""Writes on parties, agreements and commitments. Each service is atomic, validates with
``full_clean()``, checks the access policy and writes its audit event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from alliance.accounts.choices import TEAM_ROLES, AuditAction, Role
from alliance.accounts.models import Membership
from alliance.accounts.policy import (
    can_manage_members,
    interactions_visible_to,
    is_team_member,
    person_notes_visible_to,
    role_on,
    team_agreements,
)
from alliance.core import clock
from alliance.core.bulk import chunked, insert_many, insert_values
from alliance.core.services import (
    DeletionPlan,
    audit,
    delete_audited,
    plan_deletion,
    require_change,
    save_changes,
    save_changes_bulk,
    save_new,
    save_new_many,
    snapshot,
)
from alliance.partnerships.choices import (
    CommitmentStatus,
    ConfirmationStatus,
    DueTrigger,
    ProposalAnswer,
    ProposalStatus,
)
from alliance.partnerships.models import (
    Agreement,
    AgreementDocument,
    BlackoutPeriod,
    Commitment,
    CommitmentComment,
    CommitmentDependency,
    CommitmentDueChange,
    CommitmentStatusChange,
    DeliveryConfirmation,
    DueDateAnswer,
    DueDateProposal,
    Milestone,
    Participation,
    Party,
    Person,
    StrategicObjective,
)


@transaction.atomic
def party_create(*, actor: Any, **fields: Any) -> Party:
    return save_new(actor=actor, obj=Party(**fields))


@transaction.atomic
def party_create_many(*, actor: Any, items: Iterable[dict[str, Any]]) -> list[Party]:
    """``party_create`` for many parties at once (imports): same rows, same audit events."""
    return save_new_many(actor=actor, objs=[Party(**fields) for fields in items])


@transaction.atomic
def party_update(*, actor: Any, party: Party, **changes: Any) -> Party:
    return save_changes(actor=actor, obj=party, changes=changes)


@transaction.atomic
def blackout_period_add(
    *, actor: Any, party: Party, starts_on: date, ends_on: date, reason: str
) -> BlackoutPeriod:
    period = BlackoutPeriod(party=party, starts_on=starts_on, ends_on=ends_on, reason=reason)
    return save_new(actor=actor, obj=period)


@transaction.atomic
def person_create(*, actor: Any, party: Party, **fields: Any) -> Person:
    return save_new(actor=actor, obj=Person(party=party, **fields))


@transaction.atomic
def person_create_many(*, actor: Any, items: Iterable[dict[str, Any]]) -> list[Person]:
    """``person_create`` for many people at once (imports)."""
    return save_new_many(actor=actor, objs=[Person(**fields) for fields in items])


@transaction.atomic
def person_update(*, actor: Any, person: Person, **changes: Any) -> Person:
    return save_changes(actor=actor, obj=person, changes=changes)


@transaction.atomic
def agreement_create(*, actor: Any, **fields: Any) -> Agreement:
    """Create an agreement; its creator becomes its owner. Staff users may create agreements."""
    if not (actor.is_authenticated and (actor.is_staff or actor.is_superuser)):
        raise PermissionDenied(_("Only staff may create agreements."))
    agreement = save_new(actor=actor, obj=Agreement(**fields), check=False)
    membership = Membership.objects.create(user=actor, agreement=agreement, role=Role.OWNER)
    audit(actor=actor, obj=membership, action=AuditAction.CREATE)
    return agreement


@transaction.atomic
def agreement_create_many(*, actor: Any, items: Iterable[dict[str, Any]]) -> list[Agreement]:
    """``agreement_create`` for many agreements at once (imports): same rows, same owner
    memberships, same audit events."""
    if not (actor.is_authenticated and (actor.is_staff or actor.is_superuser)):
        raise PermissionDenied(_("Only staff may create agreements."))
    agreements = save_new_many(
        actor=actor, objs=[Agreement(**fields) for fields in items], check=False
    )
    owners = [Membership(user=actor, agreement=a, role=Role.OWNER) for a in agreements]
    save_new_many(actor=actor, objs=owners, check=False)
    return agreements


@transaction.atomic
def agreement_update(*, actor: Any, agreement: Agreement, **changes: Any) -> Agreement:
    return save_changes(actor=actor, obj=agreement, changes=changes)


@transaction.atomic
def participation_add(
    *, actor: Any, agreement: Agreement, party: Party, role: str, **salience: int
) -> Participation:
    participation = Participation(agreement=agreement, party=party, role=role, **salience)
    return save_new(actor=actor, obj=participation)


@transaction.atomic
def participation_add_many(*, actor: Any, items: Iterable[dict[str, Any]]) -> list[Participation]:
    """``participation_add`` for many participations at once (imports)."""
    return save_new_many(actor=actor, objs=[Participation(**fields) for fields in items])


@transaction.atomic
def participation_update(
    *, actor: Any, participation: Participation, **changes: Any
) -> Participation:
    """Change a participation's terms; setting ``ended_on`` to None takes the party back, and
    the reason of the end goes with it (as ``participation_resume``)."""
    if "ended_on" in changes and changes["ended_on"] is None:
        changes["end_note"] = ""
    return save_changes(actor=actor, obj=participation, changes=changes)


@transaction.atomic
def participation_end(
    *, actor: Any, participation: Participation, on: date, note: str
) -> Participation:
    """Mark a party's participation ended (it left, or a newer version of the published
    source no longer names it), saying why; the participation and its history stay."""
    return save_changes(
        actor=actor, obj=participation, changes={"ended_on": on, "end_note": note[:500]}
    )


@transaction.atomic
def participation_resume(*, actor: Any, participation: Participation) -> Participation:
    """A party that had left takes part again (a newer version names it again)."""
    return save_changes(actor=actor, obj=participation, changes={"ended_on": None, "end_note": ""})


@transaction.atomic
def milestone_create(*, actor: Any, agreement: Agreement, **fields: Any) -> Milestone:
    return save_new(actor=actor, obj=Milestone(agreement=agreement, **fields))


@transaction.atomic
def milestone_create_many(*, actor: Any, items: Iterable[dict[str, Any]]) -> list[Milestone]:
    """``milestone_create`` for many milestones at once (imports)."""
    return save_new_many(actor=actor, objs=[Milestone(**fields) for fields in items])


@transaction.atomic
def milestone_update(*, actor: Any, milestone: Milestone, **changes: Any) -> Milestone:
    return save_changes(actor=actor, obj=milestone, changes=changes)


@transaction.atomic
def agreement_update_many(*, actor: Any, changes: list[tuple[Agreement, dict[str, Any]]]) -> None:
    """``agreement_update`` for many agreements at once (re-imports): the same policy check,
    validation of the changed fields, rows and audit events, in a few statements (check
    constraints left to the database: a refused batch is redone one by one)."""
    insert_many(save_changes_bulk(actor=actor, changes=changes, constraints=False))


@transaction.atomic
def milestone_update_many(*, actor: Any, changes: list[tuple[Milestone, dict[str, Any]]]) -> None:
    """``milestone_update`` for many milestones at once (re-imports)."""
    insert_many(save_changes_bulk(actor=actor, changes=changes, constraints=False))


@transaction.atomic
def agreement_document_add(
    *, actor: Any, agreement: Agreement, title: str, name: str, content: bytes, **fields: Any
) -> AgreementDocument:
    """Keep a document (the signed text, an annex) with its agreement. The file is written
    to storage first; if the document is refused, the file is removed again."""
    document = AgreementDocument(agreement=agreement, title=title[:300], **fields)
    document.file.save(name, ContentFile(content), save=False)
    try:
        return save_new(actor=actor, obj=document)
    except Exception:
        document.file.delete(save=False)
        raise


def resolve_due_date(agreement: Agreement, trigger: str, offset_days: int | None) -> date | None:
    """The calendar due date of a relative commitment ("30 days after the effective date")."""
    if trigger == DueTrigger.FIXED or offset_days is None:
        return None
    anchor = agreement.effective_on if trigger == DueTrigger.EFFECTIVE else agreement.signed_on
    if anchor is None:
        raise ValidationError(
            {"due_trigger": _("The agreement has no effective date to count from yet.")}
        )
    return anchor + timedelta(days=offset_days)


def members_of(agreement: Agreement, known: dict[int, set[int]]) -> set[int]:
    """The ids of the parties taking part in ``agreement``, read once per batch (``known``
    keeps what was read)."""
    if agreement.pk not in known:
        known[agreement.pk] = set(agreement.participations.values_list("party_id", flat=True))
    return known[agreement.pk]


def members_of_many(agreements: Iterable[Agreement], known: dict[int, set[int]]) -> None:
    """Read into ``known`` the members of every agreement not read yet, in one query per
    64 agreements rather than one each (an import of 400 projects made 400 round trips)."""
    wanted = {a.pk for a in agreements if a.pk is not None and a.pk not in known}
    for chunk in chunked(wanted):
        for pk in chunk:
            known[pk] = set()
        pairs = Participation._default_manager.filter(agreement_id__in=chunk).values_list(
            "agreement_id", "party_id"
        )
        for agreement_id, party_id in pairs:
            known[agreement_id].add(party_id)


def _check_not_owed_to_itself(owed_by: Party, owed_to: Iterable[Party]) -> None:
    """A commitment binds one party towards another: one owed only to the party that owes
    it is no commitment (an import that mixed up both sides, say)."""
    if {p.pk for p in owed_to} == {owed_by.pk}:
        raise ValidationError(
            {
                "owed_to": _(
                    "A party cannot owe a commitment only to itself: name who it is owed to."
                )
            }
        )


def _check_parties_take_part(
    agreement: Agreement,
    owed_by: Party,
    owed_to: Iterable[Party],
    members: set[int] | None = None,
) -> None:
    _check_not_owed_to_itself(owed_by, owed_to)
    if members is None:
        members = set(agreement.participations.values_list("party_id", flat=True))
    if owed_by.pk not in members:
        raise ValidationError({"owed_by": _("This party does not take part in the agreement.")})
    strangers = [str(p) for p in owed_to if p.pk not in members]
    if strangers:
        raise ValidationError(
            {
                "owed_to": _("Not parties to the agreement: %(names)s")
                % {"names": ", ".join(strangers)}
            }
        )


@transaction.atomic
def commitment_create(
    *,
    actor: Any,
    agreement: Agreement,
    owed_by: Party,
    owed_to: Iterable[Party],
    depends_on: Iterable[Commitment] = (),
    **fields: Any,
) -> Commitment:
    """Register what ``owed_by`` owes to ``owed_to``, with its prerequisites."""
    owed_to = list(owed_to)
    if not owed_to:
        raise ValidationError({"owed_to": _("A commitment is owed to at least one party.")})
    _check_parties_take_part(agreement, owed_by, owed_to)
    relative = resolve_due_date(
        agreement, fields.get("due_trigger", DueTrigger.FIXED), fields.get("due_offset_days")
    )
    if relative is not None:
        fields["due_on"] = relative
    commitment = Commitment(agreement=agreement, owed_by=owed_by, **fields)
    save_new(actor=actor, obj=commitment, m2m={"owed_to": owed_to})
    for prerequisite in depends_on:
        _link(commitment, prerequisite)
    CommitmentStatusChange.objects.create(
        commitment=commitment,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status="",
        to_status=commitment.status,
        happened_on=commitment.created_at.date(),
        created_at=commitment.created_at,
    )
    return commitment


@transaction.atomic
def commitment_create_many(*, actor: Any, items: Iterable[dict[str, Any]]) -> list[Commitment]:
    """``commitment_create`` for many commitments (imports): the same checks (owed to
    someone, parties take part, relative due dates, prerequisites in the same agreement),
    rows, owed-to links, prerequisite links, audit events and first status change, in a
    few queries per batch. The members of each agreement are read once, not once per
    commitment. Prerequisites must exist already: a new commitment that nothing depends
    on yet cannot close a cycle, so none is looked for."""
    members: dict[int, set[int]] = {}
    objs: list[Commitment] = []
    links: list[dict[str, list[Party]]] = []
    prerequisites: list[list[Commitment]] = []
    items = list(items)
    members_of_many((raw["agreement"] for raw in items), members)
    for raw in items:
        fields = dict(raw)
        agreement, owed_by = fields.pop("agreement"), fields.pop("owed_by")
        owed_to = list(fields.pop("owed_to"))
        prerequisites.append(_prerequisites(agreement, fields.pop("depends_on", None) or ()))
        if not owed_to:
            raise ValidationError({"owed_to": _("A commitment is owed to at least one party.")})
        _check_parties_take_part(agreement, owed_by, owed_to, members_of(agreement, members))
        relative = resolve_due_date(
            agreement, fields.get("due_trigger", DueTrigger.FIXED), fields.get("due_offset_days")
        )
        if relative is not None:
            fields["due_on"] = relative
        objs.append(Commitment(agreement=agreement, owed_by=owed_by, **fields))
        links.append({"owed_to": owed_to})
    save_new_many(actor=actor, objs=objs, m2m=links)
    insert_values(
        CommitmentDependency,
        ("commitment_id", "prerequisite_id"),
        ((c.pk, p.pk) for c, needs in zip(objs, prerequisites, strict=True) for p in needs),
    )
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    insert_values(
        CommitmentStatusChange,
        ("commitment_id", "actor_id", "from_status", "to_status", "happened_on", "created_at"),
        ((c.pk, actor_id, "", c.status, c.created_at.date(), c.created_at) for c in objs),
    )
    return objs


def _prerequisites(agreement: Agreement, depends_on: Iterable[Commitment]) -> list[Commitment]:
    """A new commitment's existing prerequisites, each once, checked as ``_link`` does."""
    unique = list({p.pk: p for p in depends_on}.values())
    if any(p.agreement_id != agreement.pk for p in unique):
        raise ValidationError(
            {"depends_on": _("A prerequisite must belong to the same agreement.")}
        )
    if any(p.pk is None for p in unique):
        raise ValueError("prerequisites must exist before the commitments that need them")
    return unique


@transaction.atomic
def commitment_update(*, actor: Any, commitment: Commitment, **changes: Any) -> Commitment:
    """Change a commitment's terms; status changes go through ``commitment_change_status``.

    Only the counsellor team changes terms: a party representative moves its own party's
    commitments (status and evidence) but does not rewrite what was agreed.
    """
    if not is_team_member(actor, commitment.agreement):
        raise PermissionDenied(_("Only the counsellor team may change a commitment's terms."))
    if "status" in changes or "delivered_on" in changes:
        raise ValidationError({"status": _("Use the status change to move a commitment.")})
    owed_to = changes.pop("owed_to", None)
    if owed_to is not None:
        owed_to = list(owed_to)
        _check_not_owed_to_itself(changes.get("owed_by", commitment.owed_by), owed_to)
    elif "owed_by" in changes:
        _check_not_owed_to_itself(changes["owed_by"], commitment.owed_to.all())
    m2m = {"owed_to": owed_to} if owed_to is not None else None
    previous = commitment.due_on
    save_changes(actor=actor, obj=commitment, changes=changes, m2m=m2m)
    if commitment.due_on != previous:
        # No silent slippage: a due date changed by the team is in the dated history too,
        # in force from today (past figures keep the date that was in force then).
        _record_due_change(actor, commitment, previous, clock.today())
    return commitment


@transaction.atomic
def commitment_update_many(*, actor: Any, changes: list[tuple[Commitment, dict[str, Any]]]) -> None:
    """``commitment_update`` for many commitments at once (re-imports): only the counsellor
    team changes terms, nobody owes a commitment only to itself, a changed due date goes
    into the dated history — the same rows and audit events, in a few statements. Status,
    delivery and owed-to changes are not taken here (``commitment_update`` one by one)."""
    changes = [(c, fields) for c, fields in changes if fields]
    if not changes:
        return
    ids = {c.agreement_id for c, _fields in changes}
    if team_agreements(actor, ids) != ids:
        raise PermissionDenied(_("Only the counsellor team may change a commitment's terms."))
    agreements = Agreement.objects.in_bulk(ids)
    field = Commitment._meta.get_field("agreement")
    for commitment, fields in changes:
        if not field.is_cached(commitment):  # its clean() reads the agreement's dates
            field.set_cached_value(commitment, agreements[commitment.agreement_id])
        if {"status", "delivered_on", "owed_to"} & set(fields):
            raise ValueError("status, delivery and owed-to changes go one by one")
        if "owed_by" in fields:
            _check_not_owed_to_itself(fields["owed_by"], commitment.owed_to.all())
    previous = {c.pk: c.due_on for c, _fields in changes}
    insert_many(save_changes_bulk(actor=actor, changes=changes, constraints=False))
    on = clock.today()
    moved = [
        _due_change(actor, c, previous[c.pk], on)
        for c, _fields in changes
        if c.due_on != previous[c.pk]
    ]
    save_new_many(actor=actor, objs=moved, check=False)


def _would_cycle(commitment: Commitment, prerequisite: Commitment) -> list[int] | None:
    """The path prerequisite → … → commitment if the new edge would close a cycle."""
    edges: dict[int, list[int]] = {}
    links = CommitmentDependency.objects.filter(commitment__agreement_id=commitment.agreement_id)
    for child, parent in links.values_list("commitment_id", "prerequisite_id"):
        edges.setdefault(child, []).append(parent)
    # Walk up from the prerequisite: reaching ``commitment`` means it already depends on it.
    stack: list[tuple[int, list[int]]] = [(prerequisite.pk, [prerequisite.pk])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node == commitment.pk:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((parent, [*path, parent]) for parent in edges.get(node, []))
    return None


def _link(commitment: Commitment, prerequisite: Commitment) -> CommitmentDependency:
    if prerequisite.agreement_id != commitment.agreement_id:
        raise ValidationError(
            {"depends_on": _("A prerequisite must belong to the same agreement.")}
        )
    if prerequisite.pk == commitment.pk:
        raise ValidationError({"depends_on": _("A commitment cannot depend on itself.")})
    cycle = _would_cycle(commitment, prerequisite)
    if cycle is not None:
        titles = " → ".join(
            str(c)
            for c in sorted(
                Commitment.objects.filter(pk__in=cycle), key=lambda c: cycle.index(c.pk)
            )
        )
        raise ValidationError(
            {"depends_on": _("This dependency would close a cycle: %(cycle)s") % {"cycle": titles}}
        )
    link, _created = CommitmentDependency.objects.get_or_create(
        commitment=commitment, prerequisite=prerequisite
    )
    return link


@transaction.atomic
def commitment_add_dependency(
    *, actor: Any, commitment: Commitment, prerequisite: Commitment
) -> CommitmentDependency:
    require_change(actor, commitment)
    before = {"depends_on": sorted(str(p.uuid) for p in commitment.depends_on.all())}
    link = _link(commitment, prerequisite)
    after = {"depends_on": sorted(str(p.uuid) for p in commitment.depends_on.all())}
    audit(actor=actor, obj=commitment, action=AuditAction.UPDATE, before=before, after=after)
    return link


@transaction.atomic
def commitment_remove_dependency(
    *, actor: Any, commitment: Commitment, prerequisite: Commitment
) -> None:
    """Drop the link "``commitment`` waits for ``prerequisite``" (audited like adding it)."""
    require_change(actor, commitment)
    before = {"depends_on": sorted(str(p.uuid) for p in commitment.depends_on.all())}
    CommitmentDependency.objects.filter(commitment=commitment, prerequisite=prerequisite).delete()
    after = {"depends_on": sorted(str(p.uuid) for p in commitment.depends_on.all())}
    audit(actor=actor, obj=commitment, action=AuditAction.UPDATE, before=before, after=after)


# Which status moves make sense; anything else is refused with a message.
ALLOWED_MOVES: dict[str, set[str]] = {
    CommitmentStatus.PLANNED: {"in_progress", "delivered", "late", "waived", "disputed"},
    CommitmentStatus.IN_PROGRESS: {"planned", "delivered", "late", "waived", "disputed"},
    CommitmentStatus.LATE: {"in_progress", "delivered", "waived", "disputed"},
    CommitmentStatus.DISPUTED: {"in_progress", "delivered", "late", "waived"},
    CommitmentStatus.DELIVERED: {"disputed", "in_progress"},
    CommitmentStatus.WAIVED: {"planned", "in_progress"},
}


@transaction.atomic
def commitment_change_status(
    *,
    actor: Any,
    commitment: Commitment,
    status: str,
    on: date | None = None,
    evidence: str = "",
) -> Commitment:
    """Move a commitment to ``status`` on the business date ``on``, keeping its history.

    Delivering records ``on`` as the delivery date; reopening clears it.
    """
    require_change(actor, commitment)
    on = on or clock.today()
    old = commitment.status
    if status == old:
        raise ValidationError({"status": _("The commitment already has this status.")})
    if status not in ALLOWED_MOVES.get(old, set()):
        raise ValidationError(
            {
                "status": _("A commitment cannot go from “%(old)s” to “%(new)s”.")
                % {"old": CommitmentStatus(old).label, "new": CommitmentStatus(status).label}
            }
        )
    if on > clock.today():
        raise ValidationError({"status": _("A status change cannot be dated in the future.")})
    previous = commitment.status_changes.order_by("-happened_on").values_list(
        "happened_on", flat=True
    )
    last = previous.first()
    if on < commitment.created_at.date() or (last is not None and on < last):
        raise ValidationError(
            {"status": _("A status change cannot precede the commitment's last recorded step.")}
        )
    if status == CommitmentStatus.DELIVERED and not evidence.strip():
        raise ValidationError({"evidence": _("Say what shows the commitment was delivered.")})
    changes: dict[str, Any] = {"status": status}
    if status == CommitmentStatus.DELIVERED:
        changes["delivered_on"] = on
        changes["evidence"] = evidence
    elif old == CommitmentStatus.DELIVERED:
        changes["delivered_on"] = None
    save_changes(actor=actor, obj=commitment, changes=changes, action=AuditAction.STATUS)
    step = CommitmentStatusChange.objects.create(
        commitment=commitment,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=old,
        to_status=status,
        happened_on=on,
        evidence=evidence,
    )
    if status == CommitmentStatus.DELIVERED:
        _ask_confirmation(actor, commitment, step)
    elif old == CommitmentStatus.DELIVERED:
        _withdraw_confirmations(actor, commitment, on)
    if not commitment.is_open:
        _close_proposals(actor, commitment, on)
    return commitment


def _ask_confirmation(actor: Any, commitment: Commitment, step: CommitmentStatusChange) -> None:
    """Ask every party the commitment is owed to (but the owing party) to confirm it."""
    for party in commitment.owed_to.exclude(pk=commitment.owed_by_id).order_by("name"):
        confirmation = DeliveryConfirmation.objects.create(
            commitment=commitment, delivery=step, party=party, created_at=step.created_at
        )
        audit(actor=actor, obj=confirmation, action=AuditAction.CREATE)


def _withdraw_confirmations(actor: Any, commitment: Commitment, on: date) -> None:
    """The delivery was taken back: nobody is asked about it any longer (the reopening was
    allowed by the policy; the parties owed do not have to agree to stop being asked)."""
    for confirmation in commitment.confirmations.filter(status=ConfirmationStatus.PENDING):
        before = snapshot(confirmation)
        confirmation.status, confirmation.answered_on = ConfirmationStatus.WITHDRAWN, on
        confirmation.save(update_fields=["status", "answered_on"])
        audit(actor=actor, obj=confirmation, action=AuditAction.STATUS, before=before)


def commitment_deliver(
    *, actor: Any, commitment: Commitment, on: date | None = None, evidence: str
) -> Commitment:
    """Mark a commitment delivered on ``on`` with the evidence that shows it."""
    return commitment_change_status(
        actor=actor,
        commitment=commitment,
        status=CommitmentStatus.DELIVERED,
        on=on,
        evidence=evidence,
    )


def _check_answerable(actor: Any, confirmation: DeliveryConfirmation, on: date) -> None:
    require_change(actor, confirmation)
    if confirmation.status != ConfirmationStatus.PENDING:
        raise ValidationError(
            {"status": _("This delivery was already answered: %(answer)s.")
             % {"answer": confirmation.get_status_display()}}
        )  # fmt: skip
    if on > clock.today():
        raise ValidationError({"answered_on": _("An answer cannot be dated in the future.")})
    if on < confirmation.delivery.happened_on:
        raise ValidationError(
            {"answered_on": _("An answer cannot precede the delivery it is about.")}
        )


@transaction.atomic
def delivery_confirm(
    *, actor: Any, confirmation: DeliveryConfirmation, on: date | None = None
) -> DeliveryConfirmation:
    """The party owed confirms it got what was declared delivered: the strongest evidence
    of promise keeping (docs/insights.md, "Confirmed deliveries")."""
    confirmation = DeliveryConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    on = on or clock.today()
    _check_answerable(actor, confirmation, on)
    return save_changes(
        actor=actor,
        obj=confirmation,
        changes={
            "status": ConfirmationStatus.CONFIRMED,
            "answered_by": actor if getattr(actor, "pk", None) else None,
            "answered_on": on,
        },
        action=AuditAction.STATUS,
    )


@transaction.atomic
def delivery_contest(
    *, actor: Any, confirmation: DeliveryConfirmation, reason: str, on: date | None = None
) -> DeliveryConfirmation:
    """The party owed says it did not get what was declared delivered, and why. The
    commitment reopens (late if its due date has passed, else in progress) with the reason
    in its history, so both sides see it open; the owing party may deliver again."""
    confirmation = DeliveryConfirmation.objects.select_for_update().get(pk=confirmation.pk)
    on = on or clock.today()
    _check_answerable(actor, confirmation, on)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the delivery is contested.")})
    save_changes(
        actor=actor,
        obj=confirmation,
        changes={
            "status": ConfirmationStatus.CONTESTED,
            "reason": reason.strip(),
            "answered_by": actor if getattr(actor, "pk", None) else None,
            "answered_on": on,
        },
        action=AuditAction.STATUS,
    )
    commitment = Commitment.objects.select_for_update().get(pk=confirmation.commitment_id)
    if commitment.status == CommitmentStatus.DELIVERED:
        reopened = CommitmentStatus.LATE if commitment.due_on < on else CommitmentStatus.IN_PROGRESS
        before = snapshot(commitment)
        commitment.status, commitment.delivered_on = reopened, None
        commitment.full_clean()
        commitment.save(update_fields=["status", "delivered_on"])
        audit(actor=actor, obj=commitment, action=AuditAction.STATUS, before=before)
        CommitmentStatusChange.objects.create(
            commitment=commitment,
            actor=actor if getattr(actor, "pk", None) else None,
            from_status=CommitmentStatus.DELIVERED,
            to_status=reopened,
            happened_on=on,
            evidence=_("Delivery contested by %(party)s: %(reason)s")
            % {"party": confirmation.party, "reason": reason.strip()},
        )
        _withdraw_confirmations(actor, commitment, on)
    return confirmation


# ----- renegotiation: a new due date proposed, accepted or refused by the parties -----


def parties_concerned(commitment: Commitment) -> set[int]:
    """The parties a commitment's due date concerns: the owing party and the parties owed."""
    return {commitment.owed_by_id, *commitment.owed_to.values_list("pk", flat=True)}


@transaction.atomic
def due_date_propose(
    *,
    actor: Any,
    commitment: Commitment,
    to_due_on: date,
    reason: str,
    party: Party | None = None,
    on: date | None = None,
) -> DueDateProposal:
    """``party`` (the actor's own for a representative; for the team, the party it writes
    for, by default the owing party) asks to move an open commitment's due date. The other
    parties concerned are asked; with none, the new date is in force at once."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    on = on or clock.today()
    if party is None:
        membership = role_on(actor, commitment.agreement_id)
        rep = membership is not None and membership.role == Role.PARTY_REPRESENTATIVE
        party = membership.party if rep else commitment.owed_by
    concerned = parties_concerned(commitment)
    errors: dict[str, Any] = {}
    if party.pk not in concerned:
        errors["party"] = _("Only the owing party or a party owed may propose a new due date.")
    if not commitment.is_open:
        errors["to_due_on"] = _("Only an open commitment's due date can be renegotiated.")
    elif commitment.due_date_proposals.filter(status=ProposalStatus.OPEN).exists():
        errors["to_due_on"] = _("A new due date is already proposed: answer or withdraw it first.")
    elif to_due_on < on:
        errors["to_due_on"] = _("The new due date cannot be before the day it is proposed.")
    if on > clock.today():
        errors["proposed_on"] = _("A proposal cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    proposal = DueDateProposal(
        commitment=commitment,
        party=party,
        proposed_by=actor if getattr(actor, "pk", None) else None,
        proposed_on=on,
        from_due_on=commitment.due_on,
        to_due_on=to_due_on,
        reason=reason.strip(),
    )
    save_new(actor=actor, obj=proposal)
    others = Party.objects.filter(pk__in=concerned - {party.pk}).order_by("name")
    for other in others:
        answer = DueDateAnswer.objects.create(proposal=proposal, party=other)
        audit(actor=actor, obj=answer, action=AuditAction.CREATE)
    if not others:
        _put_in_force(actor, proposal, on)
    return proposal


@transaction.atomic
def due_date_answer(
    *,
    actor: Any,
    answer: DueDateAnswer,
    accept: bool,
    reason: str = "",
    on: date | None = None,
) -> DueDateAnswer:
    """A party concerned accepts or refuses (with its reason) a proposed due date. One
    refusal refuses the proposal; the last acceptance puts the new date in force that day."""
    answer = DueDateAnswer.objects.select_for_update().get(pk=answer.pk)
    proposal = DueDateProposal.objects.select_for_update().get(pk=answer.proposal_id)
    on = on or clock.today()
    require_change(actor, answer)
    if proposal.status != ProposalStatus.OPEN or answer.status != ProposalAnswer.PENDING:
        raise ValidationError(
            {"status": _("This proposal is no longer waiting for this party's answer.")}
        )
    if on > clock.today():
        raise ValidationError({"answered_on": _("An answer cannot be dated in the future.")})
    if on < proposal.proposed_on:
        raise ValidationError(
            {"answered_on": _("An answer cannot precede the proposal it is about.")}
        )
    if not accept and not reason.strip():
        raise ValidationError({"reason": _("Say why the new due date is refused.")})
    save_changes(
        actor=actor,
        obj=answer,
        changes={
            "status": ProposalAnswer.ACCEPTED if accept else ProposalAnswer.REFUSED,
            "reason": reason.strip(),
            "answered_by": actor if getattr(actor, "pk", None) else None,
            "answered_on": on,
        },
        action=AuditAction.STATUS,
    )
    if not accept:
        _decide(actor, proposal, ProposalStatus.REFUSED, on)
    elif not proposal.answers.exclude(status=ProposalAnswer.ACCEPTED).exists():
        _put_in_force(actor, proposal, on)
    return answer


@transaction.atomic
def due_date_withdraw(
    *, actor: Any, proposal: DueDateProposal, on: date | None = None
) -> DueDateProposal:
    """The proposing party (or the team) takes its proposal back while it is open."""
    proposal = DueDateProposal.objects.select_for_update().get(pk=proposal.pk)
    require_change(actor, proposal)
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError({"status": _("This proposal was already decided.")})
    _decide(actor, proposal, ProposalStatus.WITHDRAWN, on or clock.today())
    return proposal


def _decide(actor: Any, proposal: DueDateProposal, status: str, on: date) -> None:
    before = snapshot(proposal)
    proposal.status, proposal.decided_on = status, on
    proposal.save(update_fields=["status", "decided_on"])
    audit(actor=actor, obj=proposal, action=AuditAction.STATUS, before=before)


def _put_in_force(actor: Any, proposal: DueDateProposal, on: date) -> None:
    """Every party concerned agreed: the new due date is in force from ``on``."""
    _decide(actor, proposal, ProposalStatus.ACCEPTED, on)
    commitment = Commitment.objects.select_for_update().get(pk=proposal.commitment_id)
    before = snapshot(commitment)
    # A renegotiated date is a date: it no longer follows the trigger it was counted from.
    commitment.due_on = proposal.to_due_on
    commitment.due_trigger, commitment.due_offset_days = DueTrigger.FIXED, None
    commitment.full_clean()
    commitment.save(update_fields=["due_on", "due_trigger", "due_offset_days"])
    audit(actor=actor, obj=commitment, action=AuditAction.UPDATE, before=before)
    _record_due_change(actor, commitment, proposal.from_due_on, on, proposal)


def _record_due_change(
    actor: Any,
    commitment: Commitment,
    previous: date,
    on: date,
    proposal: DueDateProposal | None = None,
) -> None:
    change = _due_change(actor, commitment, previous, on, proposal)
    change.save()
    audit(actor=actor, obj=change, action=AuditAction.CREATE)


def _due_change(
    actor: Any,
    commitment: Commitment,
    previous: date,
    on: date,
    proposal: DueDateProposal | None = None,
) -> CommitmentDueChange:
    """The dated history's row for a due date moved from ``previous``, in force from ``on``
    (not saved)."""
    return CommitmentDueChange(
        commitment=commitment,
        from_due_on=previous,
        to_due_on=commitment.due_on,
        in_force_from=on,
        proposal=proposal,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def _close_proposals(actor: Any, commitment: Commitment, on: date) -> None:
    """A commitment that is no longer open has no due date left to renegotiate."""
    for proposal in commitment.due_date_proposals.filter(status=ProposalStatus.OPEN):
        _decide(actor, proposal, ProposalStatus.WITHDRAWN, on)


@transaction.atomic
def strategic_objective_create(
    *,
    actor: Any,
    agreement: Agreement,
    commitments: Iterable[Commitment] = (),
    indicators: Iterable[Any] = (),
    **fields: Any,
) -> StrategicObjective:
    objective = StrategicObjective(agreement=agreement, **fields)
    return save_new(
        actor=actor, obj=objective, m2m={"commitments": commitments, "indicators": indicators}
    )


# ----- comments on a commitment -----


# What the audit trail keeps of an encrypted text: that there was one (accounts.audit
# shows it as "changed").
SEALED = "[encrypted]"


@transaction.atomic
def commitment_comment_add(
    *, actor: Any, commitment: Commitment, text: str, confidentiality: str = "shared"
) -> CommitmentComment:
    """Comment on a commitment: shared with its parties, or internal to the counsellor team
    (a party representative writes shared comments only, for their own party)."""
    membership = role_on(actor, commitment.agreement_id)
    rep = membership is not None and membership.role == Role.PARTY_REPRESENTATIVE
    comment = CommitmentComment(
        commitment=commitment,
        author=actor if getattr(actor, "pk", None) else None,
        party=membership.party if rep else None,
        confidentiality=confidentiality,
        text=text.strip(),
    )
    require_change(actor, comment)
    comment.full_clean()
    comment.save()
    # The trail says a comment was written and for whom, never what it says: the text is
    # kept encrypted in one place only.
    after = {**snapshot(comment), "text": SEALED}
    audit(actor=actor, obj=comment, action=AuditAction.CREATE, after=after)
    return comment


# ----- corrections and deletions (each audited with the values it removes) -----


def _delete(actor: Any, obj: Any) -> None:
    """Delete through the audit trail; an object still referenced elsewhere is refused with a
    message instead of a database error."""
    try:
        with transaction.atomic():
            delete_audited(actor=actor, obj=obj)
    except ProtectedError as exc:
        raise _still_referred_to(obj) from exc


def _still_referred_to(obj: Any) -> ValidationError:
    return ValidationError(
        _("“%(obj)s” is still referred to elsewhere and cannot be deleted.") % {"obj": obj}
    )


def _team_agreement_ids(actor: Any) -> set[int]:
    """The agreements where ``actor`` is on the counsellor team (every one for an administrator)."""
    if actor.is_superuser:
        return set(Agreement.objects.values_list("pk", flat=True))
    memberships = Membership.objects.filter(user_id=actor.pk, role__in=TEAM_ROLES)
    return set(memberships.values_list("agreement_id", flat=True))


def party_delete_plan(*, actor: Any, party: Party) -> DeletionPlan:
    """A party that takes part in an agreement ``actor`` does not run is only taken out of the
    actor's agreements (their participations go); otherwise it is deleted, with what
    cascades from it."""
    require_change(actor, party)
    own = _team_agreement_ids(actor)
    participations = list(Participation.objects.filter(party=party).select_related("agreement"))
    if all(p.agreement_id in own for p in participations):
        return plan_deletion(actor, party)
    mine = [p for p in participations if p.agreement_id in own]
    return DeletionPlan(
        obj=party,
        rows={Participation: mine},
        archive=True,
        detach_from=[p.agreement for p in mine],
    )


@transaction.atomic
def party_delete(*, actor: Any, party: Party) -> None:
    """Delete a party, or take it out of the actor's agreements when it takes part in others
    (``party_delete_plan``)."""
    try:
        plan = party_delete_plan(actor=actor, party=party)
    except ProtectedError as exc:
        raise _still_referred_to(party) from exc
    if not plan.archive:
        _delete(actor, party)
        return
    for participation in plan.rows[Participation]:
        participation_delete(actor=actor, participation=participation)


def person_delete_plan(*, actor: Any, person: Person) -> DeletionPlan:
    """Deleting a person takes with it their notes and their place in interactions in every
    agreement. When that reaches anything ``actor`` may not see or change, or the person's
    party takes part in agreements the actor does not run, the person is only archived from
    the actor's agreements: their notes there (those the actor sees) and their place in those
    agreements' interactions go; everything elsewhere stays."""
    require_change(actor, person)
    own = _team_agreement_ids(actor)
    elsewhere = Participation.objects.filter(party_id=person.party_id).exclude(agreement_id__in=own)
    try:
        plan = plan_deletion(actor, person)
        if not plan.hidden and not elsewhere.exists():
            return plan
    except ProtectedError:
        if not elsewhere.exists():
            raise
    agreements = list(
        Agreement.objects.filter(pk__in=own, participations__party_id=person.party_id)
        .exclude(archived_people=person)
        .distinct()
    )
    ids = [a.pk for a in agreements]
    notes = list(person_notes_visible_to(actor).filter(person=person, agreement_id__in=ids))
    interactions = interactions_visible_to(actor).filter(people=person, agreement_id__in=ids)
    return DeletionPlan(
        obj=person,
        rows={person.notes.model: notes} if notes else {},
        links=[(interaction, "people", person) for interaction in interactions],
        archive=True,
        detach_from=agreements,
    )


@transaction.atomic
def person_delete(*, actor: Any, person: Person) -> None:
    """Delete a person, or archive them from the actor's agreements (``person_delete_plan``);
    every note and link that goes is audited."""
    try:
        plan = person_delete_plan(actor=actor, person=person)
    except ProtectedError as exc:
        raise _still_referred_to(person) from exc
    if not plan.archive:
        _delete(actor, person)
        return
    for note in [row for rows in plan.rows.values() for row in rows]:
        delete_audited(actor=actor, obj=note)
    for interaction, _name, _person in plan.links:
        before = snapshot(interaction)
        interaction.people.remove(person)
        audit(actor=actor, obj=interaction, action=AuditAction.UPDATE, before=before)
    before = snapshot(person)
    person.archived_from.add(*plan.detach_from)
    audit(actor=actor, obj=person, action=AuditAction.UPDATE, before=before)


@transaction.atomic
def blackout_period_update(*, actor: Any, period: BlackoutPeriod, **changes: Any) -> BlackoutPeriod:
    return save_changes(actor=actor, obj=period, changes=changes)


@transaction.atomic
def blackout_period_delete(*, actor: Any, period: BlackoutPeriod) -> None:
    _delete(actor, period)


@transaction.atomic
def agreement_delete(*, actor: Any, agreement: Agreement) -> None:
    """Delete an agreement and everything hanging from it: only its owner may."""
    if not can_manage_members(actor, agreement):
        raise PermissionDenied(_("Only the agreement's owner may delete it."))
    _delete(actor, agreement)


@transaction.atomic
def participation_delete(*, actor: Any, participation: Participation) -> None:
    """Remove a party from an agreement; refused while it owes or is owed commitments."""
    agreement, party = participation.agreement, participation.party
    if (
        Commitment.objects.filter(agreement=agreement)
        .filter(Q(owed_by=party) | Q(owed_to=party))
        .exists()
    ):
        raise ValidationError(
            {"party": _("This party still owes or is owed commitments in the agreement.")}
        )
    _delete(actor, participation)


@transaction.atomic
def milestone_delete(*, actor: Any, milestone: Milestone) -> None:
    _delete(actor, milestone)


@transaction.atomic
def commitment_delete(*, actor: Any, commitment: Commitment) -> None:
    """Delete a commitment: the counsellor team's decision (a party representative moves
    their party's commitments through status changes, never deletes them)."""
    if not is_team_member(actor, commitment.agreement):
        raise PermissionDenied(_("Only the counsellor team may delete a commitment."))
    _delete(actor, commitment)


@transaction.atomic
def strategic_objective_update(
    *, actor: Any, objective: StrategicObjective, **changes: Any
) -> StrategicObjective:
    m2m = {k: changes.pop(k) for k in ("commitments", "indicators") if k in changes}
    return save_changes(actor=actor, obj=objective, changes=changes, m2m=m2m or None)


@transaction.atomic
def strategic_objective_delete(*, actor: Any, objective: StrategicObjective) -> None:
    _delete(actor, objective)


@transaction.atomic
def commitment_renegotiate(
    *, actor: Any, commitment: Commitment, due_on: date, reason: str
) -> Commitment:
    """Move an open commitment's due date because the parties agreed a new one, saying why.

    The counsellor team records it (a party representative proposes, the team agrees); the
    date becomes a fixed one, and the audit event keeps the old date, the new one and the
    reason. Status changes stay with ``commitment_change_status``.
    """
    if not is_team_member(actor, commitment.agreement):
        raise PermissionDenied(_("Only the counsellor team may record a new due date."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the due date moves.")})
    if not commitment.is_open:
        raise ValidationError({"due_on": _("A delivered or waived commitment keeps its date.")})
    if due_on == commitment.due_on:
        raise ValidationError({"due_on": _("This is already the due date.")})
    before = snapshot(commitment, many_to_many=False)
    previous = commitment.due_on
    commitment.due_on = due_on
    commitment.due_trigger = DueTrigger.FIXED
    commitment.due_offset_days = None
    commitment.full_clean()
    commitment.save(update_fields=["due_on", "due_trigger", "due_offset_days"])
    after = {**snapshot(commitment, many_to_many=False), "renegotiation_reason": reason}
    audit(actor=actor, obj=commitment, action=AuditAction.UPDATE, before=before, after=after)
    # The dated history, so past figures keep the date in force then (as a renegotiation
    # agreed between the parties through ``due_date_propose`` does).
    _record_due_change(actor, commitment, previous, clock.today())
    return commitment
