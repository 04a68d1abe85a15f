"""Agreements, their participations and milestones."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.decorators import decorate_view

from alliance.accounts import policy
from alliance.analytics.tasks import insights_outdated
from alliance.api.access import (
    get_or_404,
    require_team,
    require_unscoped,
    require_write,
    token_of,
    visible,
)
from alliance.api.http import idempotent, page_schema, paginate
from alliance.api.problems import Problem
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
    with_etag,
)
from alliance.api.schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    ParticipationIn,
    ParticipationOut,
    ParticipationPatch,
)
from alliance.partnerships import services as ps
from alliance.partnerships.models import Agreement, Milestone, Participation, Party
from alliance.web.filters import PortfolioFilter
from alliance.web.selectors import portfolio_rows

router = Router(tags=["agreements"])

AgreementFilters = query_schema(PortfolioFilter, "AgreementFilters")
AgreementPage = page_schema(AgreementOut, "AgreementPage")
ParticipationPage = page_schema(ParticipationOut, "ParticipationPage")
MilestonePage = page_schema(MilestoneOut, "MilestonePage")


def agreement_data(a: Agreement) -> dict[str, Any]:
    return {
        "id": a.uuid,
        "title": a.title,
        "reference": a.reference,
        "kind": a.kind,
        "summary": a.summary,
        "signed_on": a.signed_on,
        "effective_on": a.effective_on,
        "ends_on": a.ends_on,
        "host_country": a.host_country,
        "countries": list(a.countries or []),
        "value": a.value,
        "currency": a.currency,
        "stage": a.stage,
        "parties": [p.party.uuid for p in a.participations.all()],
        "translations": a.translations or {},
        "created_at": a.created_at,
    }


def _with_parties(qs: Any) -> Any:
    return qs.prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("party"))
    )


def _agreement(request: HttpRequest, agreement_id: UUID) -> Agreement:
    return get_or_404(request, Agreement, uuid=agreement_id)


@router.get("/agreements", response=answers(200, AgreementPage), operation_id="agreement_list")
def agreement_list(
    request: HttpRequest,
    filters: Query[AgreementFilters],  # type: ignore[valid-type]
    cursor: Cursor = None,
    limit: Limit = 50,
) -> dict[str, Any]:
    """The agreements you are a member of (the portfolio), with the portfolio's filters."""
    qs = portfolio_rows(request.auth)  # type: ignore[attr-defined]
    token = token_of(request)
    if token is not None and token.agreement_id is not None:
        qs = qs.filter(pk=token.agreement_id)
    qs = filtered(request, PortfolioFilter, qs)
    items, after = paginate(_with_parties(qs), cursor, limit)
    return {"items": [agreement_data(a) for a in items], "next_cursor": after}


@router.post(
    "/agreements", response=answers(201, AgreementOut, 409), operation_id="agreement_create"
)
@decorate_view(idempotent)
def agreement_create(
    request: HttpRequest,
    payload: AgreementIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    """Create an agreement (staff only); you become its owner."""
    require_write(request)
    require_unscoped(request)
    agreement = ps.agreement_create(actor=request.auth, **payload.dict())  # type: ignore[attr-defined]
    insights_outdated(agreement)
    data = agreement_data(_with_parties(Agreement.objects).get(pk=agreement.pk))
    response["Location"] = f"{request.path.rstrip('/')}/{agreement.uuid}"
    return Status(201, with_etag(response, data))


@router.get(
    "/agreements/{uuid:agreement_id}",
    response=answers(200, AgreementOut),
    operation_id="agreement_read",
)
def agreement_read(request: HttpRequest, agreement_id: UUID, response: HttpResponse) -> dict:
    agreement = _with_parties(visible(request, Agreement)).filter(uuid=agreement_id).first()
    if agreement is None:
        raise Problem(404, "not-found", "")
    return with_etag(response, agreement_data(agreement))


@router.patch(
    "/agreements/{uuid:agreement_id}",
    response=answers(200, AgreementOut, 412),
    operation_id="agreement_update",
)
def agreement_update(
    request: HttpRequest,
    agreement_id: UUID,
    payload: AgreementPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> dict:
    """Change an agreement (the counsellor team); send If-Match to refuse a stale write."""
    agreement = _agreement(request, agreement_id)
    require_write(request, agreement)
    changes = payload.dict(exclude_unset=True)
    return changed(
        request,
        response,
        agreement,
        agreement_data,
        lambda fresh: ps.agreement_update(actor=request.auth, agreement=fresh, **changes),  # type: ignore[attr-defined]
        concerns=agreement,
        reread=lambda: _agreement(request, agreement_id),
    )


@router.delete(
    "/agreements/{uuid:agreement_id}",
    response=answers(204, None, 412),
    operation_id="agreement_delete",
)
def agreement_delete(request: HttpRequest, agreement_id: UUID, if_match: IfMatch = None) -> Status:
    """Delete an agreement and everything hanging from it (its owner only)."""
    agreement = _agreement(request, agreement_id)
    require_write(request)
    if not policy.can_manage_members(request.auth, agreement):  # type: ignore[attr-defined]
        raise Problem(403, "forbidden", _("Only the agreement's owner may delete it."))
    return deleted(
        request,
        agreement,
        agreement_data,
        lambda a: ps.agreement_delete(actor=request.auth, agreement=a),  # type: ignore[attr-defined]
    )


# ----- participations ----------------------------------------------------------------------


def participation_data(p: Participation, agreement: Agreement) -> dict[str, Any]:
    return {
        "id": p.uuid,
        "agreement": agreement.uuid,
        "party": p.party.uuid,
        "role": p.role,
        "power": p.power,
        "legitimacy": p.legitimacy,
        "urgency": p.urgency,
        "interest": p.interest,
        "ended_on": p.ended_on,
        "end_note": p.end_note,
        "created_at": p.created_at,
    }


def _participation(request: HttpRequest, agreement: Agreement, pid: UUID) -> Participation:
    return get_or_404(request, Participation, uuid=pid, agreement=agreement)


@router.get(
    "/agreements/{uuid:agreement_id}/participations",
    response=answers(200, ParticipationPage),
    operation_id="participation_list",
)
def participation_list(
    request: HttpRequest, agreement_id: UUID, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, Any]:
    """The parties taking part in the agreement, with their role and salience."""
    agreement = agreement_or_404(request, agreement_id)
    qs = visible(request, Participation).filter(agreement=agreement).select_related("party")
    items, after = paginate(qs, cursor, limit)
    return {"items": [participation_data(p, agreement) for p in items], "next_cursor": after}


@router.post(
    "/agreements/{uuid:agreement_id}/participations",
    response=answers(201, ParticipationOut, 409),
    operation_id="participation_create",
)
@decorate_view(idempotent)
def participation_create(
    request: HttpRequest,
    agreement_id: UUID,
    payload: ParticipationIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    """Add a party to the agreement (the counsellor team)."""
    agreement = agreement_or_404(request, agreement_id)
    require_team(request, agreement)
    data = payload.dict()
    # A party that takes part in no agreement yet (just created) is nobody's secret: the
    # team may add it; any other party must be one the caller sees.
    newcomers = Party.objects.filter(participations__isnull=True)
    party = newcomers.filter(uuid=data["party"]).first()
    data["party"] = party or reference(request, Party, data["party"], "party")
    participation = ps.participation_add(actor=request.auth, agreement=agreement, **data)  # type: ignore[attr-defined]
    insights_outdated(agreement)
    return Status(201, with_etag(response, participation_data(participation, agreement)))


@router.patch(
    "/agreements/{uuid:agreement_id}/participations/{uuid:participation_id}",
    response=answers(200, ParticipationOut, 412),
    operation_id="participation_update",
)
def participation_update(
    request: HttpRequest,
    agreement_id: UUID,
    participation_id: UUID,
    payload: ParticipationPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> dict:
    agreement = agreement_or_404(request, agreement_id)
    participation = _participation(request, agreement, participation_id)
    require_write(request, participation)
    changes = payload.dict(exclude_unset=True)
    return changed(
        request,
        response,
        participation,
        lambda p: participation_data(p, agreement),
        lambda fresh: ps.participation_update(
            actor=request.auth,  # type: ignore[attr-defined]
            participation=fresh,
            **changes,
        ),
        concerns=agreement,
        reread=lambda: _participation(request, agreement, participation_id),
    )


@router.delete(
    "/agreements/{uuid:agreement_id}/participations/{uuid:participation_id}",
    response=answers(204, None, 412),
    operation_id="participation_delete",
)
def participation_delete(
    request: HttpRequest, agreement_id: UUID, participation_id: UUID, if_match: IfMatch = None
) -> Status:
    """Remove a party from the agreement; refused while it owes or is owed commitments."""
    agreement = agreement_or_404(request, agreement_id)
    participation = _participation(request, agreement, participation_id)
    require_write(request, participation)
    return deleted(
        request,
        participation,
        lambda p: participation_data(p, agreement),
        lambda p: ps.participation_delete(actor=request.auth, participation=p),  # type: ignore[attr-defined]
        concerns=agreement,
    )


# ----- milestones ---------------------------------------------------------------------------


def milestone_data(m: Milestone, agreement: Agreement) -> dict[str, Any]:
    return {
        "id": m.uuid,
        "agreement": agreement.uuid,
        "title": m.title,
        "due_on": m.due_on,
        "reached_on": m.reached_on,
        "translations": m.translations or {},
        "created_at": m.created_at,
    }


def _milestone(request: HttpRequest, agreement: Agreement, mid: UUID) -> Milestone:
    return get_or_404(request, Milestone, uuid=mid, agreement=agreement)


@router.get(
    "/agreements/{uuid:agreement_id}/milestones",
    response=answers(200, MilestonePage),
    operation_id="milestone_list",
)
def milestone_list(
    request: HttpRequest, agreement_id: UUID, cursor: Cursor = None, limit: Limit = 50
) -> dict[str, Any]:
    agreement = agreement_or_404(request, agreement_id)
    qs = visible(request, Milestone).filter(agreement=agreement)
    items, after = paginate(qs, cursor, limit)
    return {"items": [milestone_data(m, agreement) for m in items], "next_cursor": after}


@router.post(
    "/agreements/{uuid:agreement_id}/milestones",
    response=answers(201, MilestoneOut, 409),
    operation_id="milestone_create",
)
@decorate_view(idempotent)
def milestone_create(
    request: HttpRequest,
    agreement_id: UUID,
    payload: MilestoneIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    agreement = agreement_or_404(request, agreement_id)
    require_write(request)
    milestone = ps.milestone_create(actor=request.auth, agreement=agreement, **payload.dict())  # type: ignore[attr-defined]
    insights_outdated(agreement)
    return Status(201, with_etag(response, milestone_data(milestone, agreement)))


@router.get(
    "/agreements/{uuid:agreement_id}/milestones/{uuid:milestone_id}",
    response=answers(200, MilestoneOut),
    operation_id="milestone_read",
)
def milestone_read(
    request: HttpRequest, agreement_id: UUID, milestone_id: UUID, response: HttpResponse
) -> dict:
    agreement = agreement_or_404(request, agreement_id)
    milestone = _milestone(request, agreement, milestone_id)
    return with_etag(response, milestone_data(milestone, agreement))


@router.patch(
    "/agreements/{uuid:agreement_id}/milestones/{uuid:milestone_id}",
    response=answers(200, MilestoneOut, 412),
    operation_id="milestone_update",
)
def milestone_update(
    request: HttpRequest,
    agreement_id: UUID,
    milestone_id: UUID,
    payload: MilestonePatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> dict:
    agreement = agreement_or_404(request, agreement_id)
    milestone = _milestone(request, agreement, milestone_id)
    require_write(request, milestone)
    changes = payload.dict(exclude_unset=True)
    return changed(
        request,
        response,
        milestone,
        lambda m: milestone_data(m, agreement),
        lambda fresh: ps.milestone_update(actor=request.auth, milestone=fresh, **changes),  # type: ignore[attr-defined]
        concerns=agreement,
        reread=lambda: _milestone(request, agreement, milestone_id),
    )


@router.delete(
    "/agreements/{uuid:agreement_id}/milestones/{uuid:milestone_id}",
    response=answers(204, None, 412),
    operation_id="milestone_delete",
)
def milestone_delete(
    request: HttpRequest, agreement_id: UUID, milestone_id: UUID, if_match: IfMatch = None
) -> Status:
    agreement = agreement_or_404(request, agreement_id)
    milestone = _milestone(request, agreement, milestone_id)
    require_write(request, milestone)
    return deleted(
        request,
        milestone,
        lambda m: milestone_data(m, agreement),
        lambda m: ps.milestone_delete(actor=request.auth, milestone=m),  # type: ignore[attr-defined]
        concerns=agreement,
    )
