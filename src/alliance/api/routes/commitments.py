"""Commitments: the register with the page's filters, their terms, and the explicit actions
that move them (status change, delivery, renegotiation of the due date)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from alliance.analytics.tasks import insights_outdated
from alliance.api.access import one_or_404, require_team, require_write, visible
from alliance.api.http import check_if_match, etag_of, idempotent, page_schema, paginate
from alliance.api.querying import filtered, query_schema
from alliance.api.routes.common import (
    Cursor,
    IdempotencyKey,
    IfMatch,
    Limit,
    agreement_or_404,
    answers,
    changed,
    deleted,
    reference,
    references,
    with_etag,
)
from alliance.api.schemas import (
    CommitmentIn,
    CommitmentOut,
    CommitmentPatch,
    DeliveryIn,
    RenegotiationIn,
    StatusChangeOut,
    StatusIn,
)
from alliance.engagement.models import Interaction
from alliance.partnerships import services as ps
from alliance.partnerships.models import (
    Agreement,
    Commitment,
    CommitmentStatusChange,
    Milestone,
    Party,
)
from alliance.web.filters import CommitmentFilter

router = Router(tags=["commitments"])

CommitmentFilters = query_schema(CommitmentFilter, "CommitmentFilters")
CommitmentPage = page_schema(CommitmentOut, "CommitmentPage")
A = "/agreements/{uuid:agreement_id}/commitments"
ONE = A + "/{uuid:commitment_id}"


def commitments_of(request: HttpRequest, agreement: Agreement) -> QuerySet[Commitment]:
    """The agreement's commitments the caller sees, with everything their representation
    names read in a fixed number of queries (one per relation, whatever the page size)."""
    return (
        visible(request, Commitment)
        .filter(agreement=agreement)
        .select_related("owed_by", "milestone")
        .prefetch_related(
            Prefetch("owed_to", queryset=Party.objects.only("id", "uuid")),
            Prefetch("depends_on", queryset=Commitment.objects.only("id", "uuid")),
            # An interaction the caller may not see is not named (None).
            Prefetch("source_interaction", queryset=visible(request, Interaction).only("uuid")),
        )
    )


def commitment_data(c: Commitment, agreement: Agreement) -> dict[str, Any]:
    return {
        "id": c.uuid,
        "agreement": agreement.uuid,
        "milestone": c.milestone.uuid if c.milestone_id else None,
        "title": c.title,
        "description": c.description,
        "clause": c.clause,
        "category": c.category,
        "owed_by": c.owed_by.uuid,
        "owed_to": sorted((p.uuid for p in c.owed_to.all()), key=str),
        "start_on": c.start_on,
        "due_on": c.due_on,
        "due_trigger": c.due_trigger,
        "due_offset_days": c.due_offset_days,
        "recurrence": c.recurrence,
        "duration_optimistic": c.duration_optimistic,
        "duration_likely": c.duration_likely,
        "duration_pessimistic": c.duration_pessimistic,
        "depends_on": sorted((p.uuid for p in c.depends_on.all()), key=str),
        "status": c.status,
        "delivered_on": c.delivered_on,
        "evidence": c.evidence,
        "source_interaction": c.source_interaction.uuid if c.source_interaction else None,
        "translations": c.translations or {},
        "created_at": c.created_at,
    }


def _one(request: HttpRequest, agreement: Agreement, commitment_id: UUID) -> Commitment:
    return one_or_404(commitments_of(request, agreement), uuid=commitment_id)


def _fresh(request: HttpRequest, agreement: Agreement, commitment: Commitment) -> dict:
    return commitment_data(_one(request, agreement, commitment.uuid), agreement)


def _resolve(request: HttpRequest, agreement: Agreement, data: dict[str, Any]) -> dict[str, Any]:
    """Replace the UUIDs of the body with the objects they name (visible, same agreement)."""
    if "owed_by" in data:
        data["owed_by"] = reference(request, Party, data["owed_by"], "owed_by")
    if "owed_to" in data:
        data["owed_to"] = references(request, Party, data["owed_to"], "owed_to")
    if "milestone" in data:
        data["milestone"] = reference(
            request, Milestone, data["milestone"], "milestone", agreement=agreement
        )
    if "depends_on" in data:
        data["depends_on"] = references(
            request, Commitment, data["depends_on"], "depends_on", agreement=agreement
        )
    return data


@router.get(A, response=answers(200, CommitmentPage), operation_id="commitment_list")
def commitment_list(
    request: HttpRequest,
    agreement_id: UUID,
    filters: Query[CommitmentFilters],  # type: ignore[valid-type]
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """The commitment register, with the page's filters (party, status, category,
    milestone, due window, text)."""
    agreement = agreement_or_404(request, agreement_id)
    qs = filtered(
        request, CommitmentFilter, commitments_of(request, agreement), agreement=agreement
    )
    items, after = paginate(qs, cursor, limit)
    return {"items": [commitment_data(c, agreement) for c in items], "next_cursor": after}


@router.post(A, response=answers(201, CommitmentOut, 409), operation_id="commitment_create")
@decorate_view(idempotent)
def commitment_create(
    request: HttpRequest,
    agreement_id: UUID,
    payload: CommitmentIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    """Register a commitment (the counsellor team), with its prerequisites."""
    agreement = agreement_or_404(request, agreement_id)
    require_team(request, agreement)
    data = _resolve(request, agreement, payload.dict())
    commitment = ps.commitment_create(actor=request.auth, agreement=agreement, **data)  # type: ignore[attr-defined]
    insights_outdated(agreement)
    response["Location"] = f"{request.path.rstrip('/')}/{commitment.uuid}"
    return Status(201, with_etag(response, _fresh(request, agreement, commitment)))


@router.get(ONE, response=answers(200, CommitmentOut), operation_id="commitment_read")
def commitment_read(
    request: HttpRequest, agreement_id: UUID, commitment_id: UUID, response: HttpResponse
) -> dict:
    agreement = agreement_or_404(request, agreement_id)
    return with_etag(response, commitment_data(_one(request, agreement, commitment_id), agreement))


@router.patch(ONE, response=answers(200, CommitmentOut, 412), operation_id="commitment_update")
def commitment_update(
    request: HttpRequest,
    agreement_id: UUID,
    commitment_id: UUID,
    payload: CommitmentPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> dict:
    """Change a commitment's terms (the counsellor team); prerequisites are replaced by the
    list given. Its status moves through the actions, never here."""
    agreement = agreement_or_404(request, agreement_id)
    commitment = _one(request, agreement, commitment_id)
    require_team(request, agreement)
    data = _resolve(request, agreement, payload.dict(exclude_unset=True))
    return changed(
        request,
        response,
        commitment,
        lambda c: commitment_data(c, agreement),
        lambda fresh: _change_terms(request.auth, fresh, data),
        concerns=agreement,
        reread=lambda: _one(request, agreement, commitment_id),
    )


def _change_terms(actor: Any, commitment: Commitment, data: dict[str, Any]) -> None:
    """The terms through ``commitment_update``; prerequisites, when given, replaced by the
    list (added and dropped one by one, each audited)."""
    wanted = data.pop("depends_on", None)
    ps.commitment_update(actor=actor, commitment=commitment, **data)
    if wanted is None:
        return
    current = set(commitment.depends_on.all())
    for prerequisite in sorted(set(wanted) - current, key=lambda c: c.pk):
        ps.commitment_add_dependency(actor=actor, commitment=commitment, prerequisite=prerequisite)
    for prerequisite in sorted(current - set(wanted), key=lambda c: c.pk):
        ps.commitment_remove_dependency(
            actor=actor, commitment=commitment, prerequisite=prerequisite
        )


@router.delete(ONE, response=answers(204, None, 412), operation_id="commitment_delete")
def commitment_delete(
    request: HttpRequest, agreement_id: UUID, commitment_id: UUID, if_match: IfMatch = None
) -> Status:
    agreement = agreement_or_404(request, agreement_id)
    commitment = _one(request, agreement, commitment_id)
    require_team(request, agreement)
    return deleted(
        request,
        commitment,
        lambda c: commitment_data(c, agreement),
        lambda c: ps.commitment_delete(actor=request.auth, commitment=c),  # type: ignore[attr-defined]
        concerns=agreement,
    )


# ----- actions ------------------------------------------------------------------------------


def _act(
    request: HttpRequest, agreement_id: UUID, commitment_id: UUID
) -> tuple[Agreement, Commitment]:
    """The commitment an action moves, if the caller may see it (else 404) and move it: the
    team, or the representative of the party that owes it (else 403)."""
    agreement = agreement_or_404(request, agreement_id)
    commitment = _one(request, agreement, commitment_id)
    require_write(request, commitment)
    check_if_match(request, etag_of(commitment_data(commitment, agreement)))
    return agreement, Commitment.objects.get(pk=commitment.pk)


@router.post(
    ONE + "/status",
    response=answers(200, CommitmentOut, 409, 412),
    operation_id="commitment_change_status",
)
@decorate_view(idempotent)
def commitment_change_status(
    request: HttpRequest,
    agreement_id: UUID,
    commitment_id: UUID,
    payload: StatusIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> dict:
    """Move a commitment to another status on a business date (its history keeps each step);
    the team or the owing party's representative."""
    agreement, commitment = _act(request, agreement_id, commitment_id)
    ps.commitment_change_status(actor=request.auth, commitment=commitment, **payload.dict())  # type: ignore[attr-defined]
    insights_outdated(agreement)
    return with_etag(response, _fresh(request, agreement, commitment))


@router.post(
    ONE + "/delivery",
    response=answers(200, CommitmentOut, 409, 412),
    operation_id="commitment_deliver",
)
@decorate_view(idempotent)
def commitment_deliver(
    request: HttpRequest,
    agreement_id: UUID,
    commitment_id: UUID,
    payload: DeliveryIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> dict:
    """Mark a commitment delivered on a date, with what shows it."""
    agreement, commitment = _act(request, agreement_id, commitment_id)
    ps.commitment_deliver(actor=request.auth, commitment=commitment, **payload.dict())  # type: ignore[attr-defined]
    insights_outdated(agreement)
    return with_etag(response, _fresh(request, agreement, commitment))


@router.post(
    ONE + "/renegotiation",
    response=answers(200, CommitmentOut, 409, 412),
    operation_id="commitment_renegotiate",
)
@decorate_view(idempotent)
def commitment_renegotiate(
    request: HttpRequest,
    agreement_id: UUID,
    commitment_id: UUID,
    payload: RenegotiationIn,
    response: HttpResponse,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> dict:
    """Record the new due date the parties agreed, with the reason (the counsellor team)."""
    agreement, commitment = _act(request, agreement_id, commitment_id)
    require_team(request, agreement)
    ps.commitment_renegotiate(actor=request.auth, commitment=commitment, **payload.dict())  # type: ignore[attr-defined]
    insights_outdated(agreement)
    return with_etag(response, _fresh(request, agreement, commitment))


@router.get(
    ONE + "/history",
    response=answers(200, list[StatusChangeOut]),
    operation_id="commitment_history",
)
def commitment_history(
    request: HttpRequest, agreement_id: UUID, commitment_id: UUID
) -> list[dict[str, Any]]:
    """Every status the commitment went through, oldest first."""
    agreement = agreement_or_404(request, agreement_id)
    commitment = _one(request, agreement, commitment_id)
    changes = visible(request, CommitmentStatusChange).filter(commitment=commitment)
    return [
        {
            "id": s.uuid,
            "from_status": s.from_status,
            "to_status": s.to_status,
            "happened_on": s.happened_on,
            "evidence": s.evidence,
            "created_at": s.created_at,
        }
        for s in changes.order_by("created_at", "pk")
    ]
