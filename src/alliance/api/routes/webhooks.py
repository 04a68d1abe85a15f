"""The caller's webhook subscriptions: subscribe an address to events (the signing secret is
answered once), read them and their delivery log, revoke them. A subscription is its
owner's alone; what its deliveries carry, the policy decides as the owner when each leaves
(``alliance.api.webhooks``)."""

from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.decorators import decorate_view

from alliance.accounts import policy
from alliance.api import services
from alliance.api.access import one_or_404, require_write, token_of
from alliance.api.http import idempotent, page_schema, paginate
from alliance.api.models import WebhookDelivery, WebhookSubscription
from alliance.api.problems import Problem
from alliance.api.routes.common import (
    Cursor,
    IdempotencyKey,
    IfMatch,
    Limit,
    answers,
    deleted,
    with_etag,
)
from alliance.api.schemas_items import DeliveryOut, WebhookCreatedOut, WebhookIn, WebhookOut
from alliance.partnerships.models import Agreement

router = Router(tags=["webhooks"])

WebhookPage = page_schema(WebhookOut, "WebhookPage")
DeliveryPage = page_schema(DeliveryOut, "DeliveryPage")
ONE = "/webhooks/{uuid:webhook_id}"


def webhook_data(s: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": s.uuid,
        "url": s.url,
        "events": list(s.events),
        "agreement": s.agreement.uuid if s.agreement_id else None,
        "secret_hint": s.hint,
        "active": s.is_active,
        "created_at": s.created_at,
    }


def delivery_data(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.uuid,
        "event": d.event,
        "occurred_at": d.occurred_at,
        "status": d.status,
        "attempts": d.attempts,
        "response_status": d.response_status,
        "last_error": d.last_error,
        "next_attempt_at": d.next_attempt_at,
        "delivered_at": d.delivered_at,
        "created_at": d.created_at,
    }


def _subscriptions(request: HttpRequest) -> QuerySet[WebhookSubscription]:
    """The caller's own subscriptions (those of the token's agreement for a token limited
    to one)."""
    qs = policy.webhook_subscriptions_visible_to(request.auth).filter(user_id=request.auth.pk)  # type: ignore[attr-defined]
    token = token_of(request)
    if token is not None and token.agreement_id is not None:
        qs = qs.filter(agreement_id=token.agreement_id)
    return qs.select_related("agreement")


def _one(request: HttpRequest, webhook_id: UUID) -> WebhookSubscription:
    return one_or_404(_subscriptions(request), uuid=webhook_id)


@router.get("/webhooks", response=answers(200, WebhookPage), operation_id="webhook_list")
def webhook_list(request: HttpRequest, cursor: Cursor = None, limit: Limit = 50) -> dict:
    """Your webhook subscriptions, revoked ones included."""
    items, after = paginate(_subscriptions(request), cursor, limit)
    return {"items": [webhook_data(s) for s in items], "next_cursor": after}


@router.post(
    "/webhooks", response=answers(201, WebhookCreatedOut, 409), operation_id="webhook_create"
)
@decorate_view(idempotent)
def webhook_create(
    request: HttpRequest,
    payload: WebhookIn,
    response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    """Subscribe an HTTPS address to events of your agreements (or of one). The answer
    holds the signing secret, never shown again."""
    require_write(request)
    agreement = None
    token = token_of(request)
    if payload.agreement is not None:
        agreement = (
            policy.visible_to(request.auth, Agreement).filter(uuid=payload.agreement).first()
        )  # type: ignore[attr-defined]
        if agreement is None:
            raise _field_problem("agreement", _("You are not a member of this agreement."))
    if (
        token is not None
        and token.agreement_id is not None
        and (agreement is None or agreement.pk != token.agreement_id)
    ):
        raise Problem(403, "agreement-token", _("This token is limited to one agreement."))
    subscription, secret = services.webhook_subscribe(
        actor=request.auth,  # type: ignore[attr-defined]
        url=payload.url,
        events=list(payload.events),
        agreement=agreement,
    )
    response["Location"] = f"{request.path.rstrip('/')}/{subscription.uuid}"
    data = {**webhook_data(subscription), "secret": secret}
    return Status(201, with_etag(response, data))


@router.get(ONE, response=answers(200, WebhookOut), operation_id="webhook_read")
def webhook_read(request: HttpRequest, webhook_id: UUID, response: HttpResponse) -> dict:
    return with_etag(response, webhook_data(_one(request, webhook_id)))


@router.delete(ONE, response=answers(204, None, 412), operation_id="webhook_delete")
def webhook_delete(request: HttpRequest, webhook_id: UUID, if_match: IfMatch = None) -> Status:
    """Revoke a subscription: nothing more is sent, what waits is withheld. With
    ``If-Match``, refused (412) if the subscription changed since it was read."""
    subscription = _one(request, webhook_id)
    require_write(request)
    return deleted(
        request,
        subscription,
        webhook_data,
        lambda s: services.webhook_revoke(actor=request.auth, subscription=s),  # type: ignore[attr-defined]
    )


@router.get(
    ONE + "/deliveries", response=answers(200, DeliveryPage), operation_id="webhook_deliveries"
)
def webhook_deliveries(
    request: HttpRequest, webhook_id: UUID, cursor: Cursor = None, limit: Limit = 50
) -> dict:
    """The delivery log: each event, its attempts, the last answer and error."""
    subscription = _one(request, webhook_id)
    qs = policy.webhook_deliveries_visible_to(request.auth).filter(subscription=subscription)  # type: ignore[attr-defined]
    items, after = paginate(qs, cursor, limit)
    return {"items": [delivery_data(d) for d in items], "next_cursor": after}


def _field_problem(field: str, reason: str) -> Problem:
    return Problem(422, "invalid", f"{field}: {reason}", errors=[(field, reason)])
