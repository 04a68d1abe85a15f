"""Writes on personal API tokens (create: the secret is returned once; revoke; revoke with a
membership) and on webhook subscriptions (subscribe: the signing secret is returned once;
revoke). Each is atomic and audited."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.accounts.choices import AuditAction
from alliance.api.choices import (
    DEFAULT_TOKEN_DAYS,
    MAX_TOKEN_DAYS,
    TOKEN_PREFIX,
    WEBHOOK_SECRET_PREFIX,
    TokenScope,
    WebhookEvent,
)
from alliance.api.models import ApiToken, WebhookSubscription
from alliance.api.webhooks import check_address
from alliance.core import clock
from alliance.core.services import audit, snapshot
from alliance.partnerships.models import Agreement


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _expiry(expires_on: date | None) -> datetime:
    today = clock.today()
    expires_on = expires_on or today + timedelta(days=DEFAULT_TOKEN_DAYS)
    if expires_on <= today:
        raise ValidationError({"expires_on": _("A token must expire after today.")})
    if expires_on > today + timedelta(days=MAX_TOKEN_DAYS):
        raise ValidationError(
            {"expires_on": _("A token lives at most %(n)d days.") % {"n": MAX_TOKEN_DAYS}}
        )
    return timezone.make_aware(datetime.combine(expires_on, time.min))


@transaction.atomic
def api_token_create(
    *,
    actor: Any,
    name: str,
    scope: str = TokenScope.READ,
    agreement: Agreement | None = None,
    expires_on: date | None = None,
) -> tuple[ApiToken, str]:
    """A new token acting as ``actor``; returns it with its secret, which is kept nowhere."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_("Log in to create a token."))
    if agreement is not None and not policy.can_see(actor, agreement):
        raise ValidationError({"agreement": _("You are not a member of this agreement.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name.strip(),
        digest=token_digest(secret),
        hint=secret[: len(TOKEN_PREFIX) + 6],
        scope=scope,
        agreement=agreement,
        expires_at=_expiry(expires_on),
    )
    token.full_clean()
    token.save()
    audit(actor=actor, obj=token, action=AuditAction.CREATE)
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """End a token at once; its owner (or an administrator) may."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Only the token's owner may revoke it."))
    if token.revoked_at is not None:
        return token
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(actor=actor, obj=token, action=AuditAction.UPDATE, before=before)
    return token


def api_tokens_revoke_for_member(*, actor: Any, user: Any, agreement: Agreement) -> int:
    """A hook of ``membership_revoke`` (``MEMBERSHIP_REVOKED_HOOKS``): the user's tokens
    limited to that agreement end with the membership. Their other tokens lose the agreement
    by themselves: the policy reads memberships on every request."""
    return ApiToken.objects.filter(user=user, agreement=agreement, revoked_at=None).update(
        revoked_at=timezone.now()
    )


# ----- webhook subscriptions ----------------------------------------------------------------


@transaction.atomic
def webhook_subscribe(
    *, actor: Any, url: str, events: list[str], agreement: Agreement | None = None
) -> tuple[WebhookSubscription, str]:
    """A subscription of ``actor`` (to every agreement they are a member of, or to one);
    returns it with its signing secret, shown this once (kept encrypted to sign with)."""
    if not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_("Log in to subscribe a webhook."))
    if agreement is not None and not policy.can_see(actor, agreement):
        raise ValidationError({"agreement": _("You are not a member of this agreement.")})
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if not events or unknown:
        raise ValidationError({"events": _("Choose one or more of the events listed.")})
    check_address(url)
    secret = WEBHOOK_SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
    subscription = WebhookSubscription(
        user=actor,
        agreement=agreement,
        url=url,
        events=sorted(set(events)),
        secret=secret,
        hint=secret[: len(WEBHOOK_SECRET_PREFIX) + 6],
    )
    subscription.full_clean()
    subscription.save()
    audit(actor=actor, obj=subscription, action=AuditAction.CREATE)
    return subscription, secret


@transaction.atomic
def webhook_revoke(*, actor: Any, subscription: WebhookSubscription) -> WebhookSubscription:
    """Stop a subscription at once (what is still waiting is withheld); its owner (or an
    administrator) may."""
    if subscription.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Only the subscription's owner may revoke it."))
    if subscription.revoked_at is not None:
        return subscription
    before = snapshot(subscription)
    subscription.revoked_at = timezone.now()
    subscription.save(update_fields=["revoked_at"])
    audit(actor=actor, obj=subscription, action=AuditAction.UPDATE, before=before)
    return subscription


def webhooks_revoke_for_member(*, actor: Any, user: Any, agreement: Agreement) -> int:
    """A hook of ``membership_revoke``: the user's subscriptions to that agreement end with
    the membership (their other subscriptions lose it by themselves: each delivery is
    decided by the policy when it leaves)."""
    return WebhookSubscription.objects.filter(
        user=user, agreement=agreement, revoked_at=None
    ).update(revoked_at=timezone.now())
