"""Parties: shared across agreements, seen through the agreements one takes part in."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.decorators import decorate_view

from alliance.api.access import get_or_404, require_unscoped, require_write, visible
from alliance.api.http import idempotent, page_schema, paginate
from alliance.api.problems import Problem
from alliance.api.routes.common import (
    Cursor,
    IdempotencyKey,
    IfMatch,
    Limit,
    answers,
    changed,
    deleted,
    reference,
    with_etag,
)
from alliance.api.schemas import PartyIn, PartyOut, PartyPatch
from alliance.partnerships import services as ps
from alliance.partnerships.models import Party

router = Router(tags=["parties"])

PartyPage = page_schema(PartyOut, "PartyPage")
ONE = "/parties/{uuid:party_id}"


def party_data(p: Party) -> dict[str, Any]:
    return {
        "id": p.uuid,
        "name": p.name,
        "short_name": p.short_name,
        "kind": p.kind,
        "country": p.country,
        "level": p.level,
        "parent": p.parent.uuid if p.parent_id else None,
        "decision_cycle_days": p.decision_cycle_days,
        "approval_steps": p.approval_steps,
        "working_week": p.working_week,
        "holiday_country": p.holiday_country,
        "holiday_subdivision": p.holiday_subdivision,
        "fiscal_year_start_month": p.fiscal_year_start_month,
        "created_at": p.created_at,
    }


def _parties(request: HttpRequest) -> Any:
    return visible(request, Party).select_related("parent")


def _one(request: HttpRequest, party_id: UUID) -> Party:
    return get_or_404(request, Party, uuid=party_id)


@router.get("/parties", response=answers(200, PartyPage), operation_id="party_list")
def party_list(request: HttpRequest, cursor: Cursor = None, limit: Limit = 50) -> dict[str, Any]:
    """The parties of the agreements you are a member of."""
    items, after = paginate(_parties(request), cursor, limit)
    return {"items": [party_data(p) for p in items], "next_cursor": after}


@router.post("/parties", response=answers(201, PartyOut, 409), operation_id="party_create")
@decorate_view(idempotent)
def party_create(
    request: HttpRequest,
    payload: PartyIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    """Create a party (any counsellor team member); add it to an agreement through the
    agreement's participations."""
    require_write(request)
    require_unscoped(request)
    data = payload.dict()
    data["parent"] = reference(request, Party, data["parent"], "parent")
    party = ps.party_create(actor=request.auth, **data)  # type: ignore[attr-defined]
    response["Location"] = f"{request.path.rstrip('/')}/{party.uuid}"
    return Status(201, with_etag(response, party_data(party)))


@router.get(ONE, response=answers(200, PartyOut), operation_id="party_read")
def party_read(request: HttpRequest, party_id: UUID, response: HttpResponse) -> dict:
    party = _parties(request).filter(uuid=party_id).first()
    if party is None:
        raise Problem(404, "not-found", "")
    return with_etag(response, party_data(party))


@router.patch(ONE, response=answers(200, PartyOut, 412), operation_id="party_update")
def party_update(
    request: HttpRequest,
    party_id: UUID,
    payload: PartyPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> dict:
    """Change a party (the counsellor team of an agreement it takes part in)."""
    party = _one(request, party_id)
    require_write(request, party)
    data = payload.dict(exclude_unset=True)
    if "parent" in data:
        data["parent"] = reference(request, Party, data["parent"], "parent")
    return changed(
        request,
        response,
        party,
        party_data,
        lambda fresh: ps.party_update(actor=request.auth, party=fresh, **data),  # type: ignore[attr-defined]
        concerns=party,
        reread=lambda: _one(request, party_id),
    )


@router.delete(ONE, response=answers(204, None, 412), operation_id="party_delete")
def party_delete(request: HttpRequest, party_id: UUID, if_match: IfMatch = None) -> Status:
    """Delete a party; refused while anything still refers to it."""
    party = _one(request, party_id)
    require_write(request, party)
    return deleted(
        request,
        party,
        party_data,
        lambda p: ps.party_delete(actor=request.auth, party=p),  # type: ignore[attr-defined]
    )
