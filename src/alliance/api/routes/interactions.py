"""Interactions: the timeline with the page's filters, logged and corrected by the team.
What a counsellor writes starts internal, as on the pages."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from alliance.accounts import policy
from alliance.analytics.tasks import insights_outdated
from alliance.api.access import one_or_404, require_team, visible
from alliance.api.http import idempotent, page_schema, paginate
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
    members_named,
    references,
    with_etag,
)
from alliance.api.schemas import InteractionIn, InteractionOut, InteractionPatch
from alliance.engagement import services as es
from alliance.engagement.models import Interaction
from alliance.partnerships.models import Agreement, Commitment, Party, Person
from alliance.web.filters import InteractionFilter

router = Router(tags=["interactions"])

InteractionFilters = query_schema(InteractionFilter, "InteractionFilters")
InteractionPage = page_schema(InteractionOut, "InteractionPage")
A = "/agreements/{uuid:agreement_id}/interactions"
ONE = A + "/{uuid:interaction_id}"


def interactions_of(request: HttpRequest, agreement: Agreement) -> QuerySet[Interaction]:
    return (
        visible(request, Interaction)
        .filter(agreement=agreement)
        .prefetch_related(
            Prefetch("parties", queryset=Party.objects.only("id", "uuid")),
            Prefetch("people", queryset=Person.objects.only("id", "uuid")),
            Prefetch(
                "follow_ups",
                queryset=visible(request, Commitment).only("uuid", "source_interaction_id"),
            ),
        )
    )


def interaction_data(i: Interaction, agreement: Agreement) -> dict[str, Any]:
    return {
        "id": i.uuid,
        "agreement": agreement.uuid,
        "kind": i.kind,
        "occurred_on": i.occurred_on,
        "parties": sorted((p.uuid for p in i.parties.all()), key=str),
        "people": sorted((p.uuid for p in i.people.all()), key=str),
        "summary": i.summary,
        "tone": i.tone,
        "language": i.language,
        "confidentiality": i.confidentiality,
        "follow_ups": sorted((c.uuid for c in i.follow_ups.all()), key=str),
        "created_at": i.created_at,
    }


def _one(request: HttpRequest, agreement: Agreement, interaction_id: UUID) -> Interaction:
    return one_or_404(interactions_of(request, agreement), uuid=interaction_id)


def _resolve(request: HttpRequest, agreement: Agreement, data: dict[str, Any]) -> dict[str, Any]:
    if "parties" in data:
        data["parties"] = references(request, Party, data["parties"], "parties")
    if "people" in data:
        data["people"] = references(request, Person, data["people"], "people")
    if "restricted_to" in data:
        data["restricted_to"] = members_named(agreement, data["restricted_to"])
    return data


@router.get(A, response=answers(200, InteractionPage), operation_id="interaction_list")
def interaction_list(
    request: HttpRequest,
    agreement_id: UUID,
    filters: Query[InteractionFilters],  # type: ignore[valid-type]
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """The interactions you may read, with the page's filters (confidentiality: the team's)."""
    agreement = agreement_or_404(request, agreement_id)
    team = policy.is_team_member(request.auth, agreement)  # type: ignore[attr-defined]
    qs = filtered(
        request,
        InteractionFilter,
        interactions_of(request, agreement),
        drop=() if team else ("confidentiality",),
        agreement=agreement,
    )
    items, after = paginate(qs, cursor, limit)
    return {"items": [interaction_data(i, agreement) for i in items], "next_cursor": after}


@router.post(A, response=answers(201, InteractionOut, 409), operation_id="interaction_create")
@decorate_view(idempotent)
def interaction_create(
    request: HttpRequest,
    agreement_id: UUID,
    payload: InteractionIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    """Log an interaction (the counsellor team); internal unless shared on purpose."""
    agreement = agreement_or_404(request, agreement_id)
    require_team(request, agreement)
    data = _resolve(request, agreement, payload.dict())
    interaction = es.interaction_log(actor=request.auth, agreement=agreement, **data)  # type: ignore[attr-defined]
    insights_outdated(agreement)
    response["Location"] = f"{request.path.rstrip('/')}/{interaction.uuid}"
    data = interaction_data(_one(request, agreement, interaction.uuid), agreement)
    return Status(201, with_etag(response, data))


@router.get(ONE, response=answers(200, InteractionOut), operation_id="interaction_read")
def interaction_read(
    request: HttpRequest, agreement_id: UUID, interaction_id: UUID, response: HttpResponse
) -> dict:
    agreement = agreement_or_404(request, agreement_id)
    interaction = _one(request, agreement, interaction_id)
    return with_etag(response, interaction_data(interaction, agreement))


@router.patch(ONE, response=answers(200, InteractionOut, 412), operation_id="interaction_update")
def interaction_update(
    request: HttpRequest,
    agreement_id: UUID,
    interaction_id: UUID,
    payload: InteractionPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> dict:
    agreement = agreement_or_404(request, agreement_id)
    interaction = _one(request, agreement, interaction_id)
    require_team(request, agreement)
    data = _resolve(request, agreement, payload.dict(exclude_unset=True))
    return changed(
        request,
        response,
        interaction,
        lambda i: interaction_data(i, agreement),
        lambda fresh: es.interaction_update(actor=request.auth, interaction=fresh, **data),  # type: ignore[attr-defined]
        concerns=agreement,
        reread=lambda: _one(request, agreement, interaction_id),
    )


@router.delete(ONE, response=answers(204, None, 412), operation_id="interaction_delete")
def interaction_delete(
    request: HttpRequest, agreement_id: UUID, interaction_id: UUID, if_match: IfMatch = None
) -> Status:
    agreement = agreement_or_404(request, agreement_id)
    interaction = _one(request, agreement, interaction_id)
    require_team(request, agreement)
    return deleted(
        request,
        interaction,
        lambda i: interaction_data(i, agreement),
        lambda i: es.interaction_delete(actor=request.auth, interaction=i),  # type: ignore[attr-defined]
        concerns=agreement,
    )
