"""Writes on parties, agreements and commitments. Each service is atomic, validates with
``full_clean()``, checks the access policy and writes its audit event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts.choices import AuditAction, Role
from alliance.accounts.models import Membership
from alliance.accounts.policy import can_manage_members, is_team_member
from alliance.core.bulk import insert_values
from alliance.core.services import (
    audit,
    delete_audited,
    require_change,
    save_changes,
    save_new,
    save_new_many,
)
from alliance.partnerships.choices import CommitmentStatus, DueTrigger
from alliance.partnerships.models import (
    Agreement,
    BlackoutPeriod,
    Commitment,
    CommitmentDependency,
    CommitmentStatusChange,
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
    return save_changes(actor=actor, obj=participation, changes=changes)


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


def _check_parties_take_part(
    agreement: Agreement,
    owed_by: Party,
    owed_to: Iterable[Party],
    members: set[int] | None = None,
) -> None:
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
    m2m = {"owed_to": owed_to} if owed_to is not None else None
    return save_changes(actor=actor, obj=commitment, changes=changes, m2m=m2m)


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
    on = on or timezone.localdate()
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
    if on > timezone.localdate():
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
    CommitmentStatusChange.objects.create(
        commitment=commitment,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=old,
        to_status=status,
        happened_on=on,
        evidence=evidence,
    )
    return commitment


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


# ----- corrections and deletions (each audited with the values it removes) -----


def _delete(actor: Any, obj: Any) -> None:
    """Delete through the audit trail; an object still referenced elsewhere is refused with a
    message instead of a database error."""
    try:
        with transaction.atomic():
            delete_audited(actor=actor, obj=obj)
    except ProtectedError as exc:
        raise ValidationError(
            _("“%(obj)s” is still referred to elsewhere and cannot be deleted.") % {"obj": obj}
        ) from exc


@transaction.atomic
def party_delete(*, actor: Any, party: Party) -> None:
    _delete(actor, party)


@transaction.atomic
def blackout_period_update(*, actor: Any, period: BlackoutPeriod, **changes: Any) -> BlackoutPeriod:
    return save_changes(actor=actor, obj=period, changes=changes)


@transaction.atomic
def blackout_period_delete(*, actor: Any, period: BlackoutPeriod) -> None:
    _delete(actor, period)


@transaction.atomic
def person_delete(*, actor: Any, person: Person) -> None:
    _delete(actor, person)


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
