"""Outgoing webhooks: events read from the audit trail, written as outbox rows, then sent,
signed, by the task worker's scheduler (``run`` on every tick).

- **Events** come from the audit trail, which every service writes in the same transaction
  as its change: nothing is emitted by hand, so nothing is forgotten and a rolled-back write
  tells nobody. ``collect`` reads the trail (again over the last ``WEBHOOK_RESCAN_MINUTES``,
  so a write committed late is still seen) and writes one ``WebhookDelivery`` per
  subscription and audit event (``key``: never two).
- **Discretion** is decided when a delivery leaves, not when the event happened: the body
  is built from what the subscription's owner may see *then*, through the one access
  policy. An owner whose membership was revoked, an item made internal or deleted: the row
  is ``withheld`` and nothing is sent.
- **Signature** (the Standard Webhooks convention): ``webhook-id`` (the delivery's UUID, the
  same on every retry: the receiver's idempotency key), ``webhook-timestamp`` (Unix
  seconds: refuse one too far from your clock, against replays) and ``webhook-signature``
  ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed with the secret (the
  base64 part after ``whsec_``).
- **Retries**: an answer other than 2xx (or none) is retried after 1, 5, 30, 120 and 720
  minutes, then the row is ``failed``; each row keeps its attempts, last answer and error
  (the delivery log).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.accounts.choices import AuditAction
from alliance.accounts.models import AuditEvent
from alliance.api.choices import (
    WEBHOOK_BACKOFF_MINUTES,
    WEBHOOK_RESCAN_MINUTES,
    WEBHOOK_TICK_BUDGET_SECONDS,
    WEBHOOK_TIMEOUT_SECONDS,
    DeliveryStatus,
    WebhookEvent,
)
from alliance.api.models import WebhookDelivery, WebhookScan, WebhookSubscription
from alliance.core.claims import claim_next
from alliance.partnerships.models import (
    Agreement,
    Commitment,
    CommitmentDueChange,
    DeliveryConfirmation,
)
from alliance.risks.choices import WarningStatus
from alliance.risks.models import EarlyWarning

MAX_ATTEMPTS = len(WEBHOOK_BACKOFF_MINUTES) + 1
# A row caught mid-send by a stopped worker is sent again after this long (at least once:
# the receiver drops a repeated webhook-id).
CLAIM_SECONDS = 120

# The audit trail's object types that may make an event, and the model each names.
MODELS: dict[str, type] = {
    "partnerships.commitment": Commitment,
    "partnerships.deliveryconfirmation": DeliveryConfirmation,
    "partnerships.commitmentduechange": CommitmentDueChange,
    "risks.earlywarning": EarlyWarning,
    "partnerships.agreement": Agreement,
}


# ----- events -------------------------------------------------------------------------------


def event_of(e: AuditEvent) -> str | None:
    """The webhook event an audit event makes, if any."""
    before, after = e.before or {}, e.after or {}
    changed = e.action in (AuditAction.UPDATE, AuditAction.STATUS)
    match e.object_type:
        case "partnerships.commitment" if e.action == AuditAction.STATUS and "status" in after:
            return WebhookEvent.COMMITMENT_STATUS
        case "partnerships.deliveryconfirmation" if e.action == AuditAction.STATUS:
            return {
                "confirmed": WebhookEvent.DELIVERY_CONFIRMED,
                "contested": WebhookEvent.DELIVERY_CONTESTED,
            }.get(after.get("status"))
        case "partnerships.commitmentduechange" if e.action == AuditAction.CREATE:
            return WebhookEvent.DUE_DATE_RENEGOTIATED
        case "risks.earlywarning" if e.action == AuditAction.CREATE:
            return WebhookEvent.WARNING_RAISED
        case "risks.earlywarning" if changed and "status" in after:
            if after["status"] == WarningStatus.RESOLVED:
                return WebhookEvent.WARNING_RESOLVED
            if before.get("status") == WarningStatus.RESOLVED:  # raised again
                return WebhookEvent.WARNING_RAISED
        case "partnerships.agreement" if changed and "stage" in after:
            return WebhookEvent.STAGE_CHANGED
    return None


def collect(now: datetime | None = None) -> int:
    """Write the deliveries of the events since the last run; return how many are new."""
    now = now or timezone.now()
    subscriptions = list(WebhookSubscription.objects.filter(revoked_at=None))
    with transaction.atomic():
        scan = WebhookScan.objects.select_for_update().first()
        if scan is None:
            scan = WebhookScan(scanned_to=now)
        if scan.pk is None:  # the first run: from the first subscription on
            since = min([now, *(s.created_at for s in subscriptions)])
        else:
            since = scan.scanned_to - timedelta(minutes=WEBHOOK_RESCAN_MINUTES)
        rows = []
        if subscriptions:
            events = AuditEvent.objects.filter(
                at__gt=since, at__lte=now, object_type__in=MODELS, agreement_id__isnull=False
            ).order_by("at", "id")
            for e in events:
                kind = event_of(e)
                if kind is None:
                    continue
                rows += [
                    WebhookDelivery(
                        subscription=s,
                        key=f"{s.pk}:{e.pk}",
                        event=kind,
                        audit_event_id=e.pk,
                        occurred_at=e.at,
                    )
                    for s in subscriptions
                    if kind in s.events
                    and s.agreement_id in (None, e.agreement_id)
                    and e.at >= s.created_at
                ]
        existing = set(
            WebhookDelivery.objects.filter(key__in=[r.key for r in rows]).values_list(
                "key", flat=True
            )
        )
        new = [r for r in rows if r.key not in existing]
        WebhookDelivery.objects.bulk_create(new, ignore_conflicts=True)
        scan.scanned_to = max(scan.scanned_to, now)
        scan.save()
    return len(new)


# ----- what a delivery says, decided when it leaves ---------------------------------------


def _d(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _data(obj: Any, e: AuditEvent) -> dict[str, Any]:
    before, after = e.before or {}, e.after or {}
    if isinstance(obj, Commitment):
        return {
            "commitment": str(obj.uuid),
            "title": obj.title,
            "owed_by": str(obj.owed_by.uuid),
            "from_status": before.get("status"),
            "to_status": after.get("status"),
            "status": obj.status,
            "due_on": _d(obj.due_on),
            "delivered_on": _d(obj.delivered_on),
        }
    if isinstance(obj, DeliveryConfirmation):
        return {
            "commitment": str(obj.commitment.uuid),
            "title": obj.commitment.title,
            "party": str(obj.party.uuid),
            "status": obj.status,
            "answered_on": _d(obj.answered_on),
            "reason": obj.reason,
        }
    if isinstance(obj, CommitmentDueChange):
        return {
            "commitment": str(obj.commitment.uuid),
            "title": obj.commitment.title,
            "from_due_on": _d(obj.from_due_on),
            "to_due_on": _d(obj.to_due_on),
            "in_force_from": _d(obj.in_force_from),
        }
    if isinstance(obj, EarlyWarning):
        return {
            "warning": str(obj.uuid),
            "title": obj.title,
            "severity": obj.severity,
            "status": obj.status,
            "raised_on": _d(obj.raised_on),
            "commitment": str(obj.commitment.uuid) if obj.commitment_id else None,
        }
    return {"from_stage": before.get("stage"), "to_stage": after.get("stage"), "stage": obj.stage}


def payload_for(delivery: WebhookDelivery) -> dict[str, Any] | None:
    """The body of ``delivery`` as its subscription's owner may see it now, or None when
    they may not (subscription revoked, owner inactive, membership revoked, the item
    deleted or made internal): then nothing is sent."""
    subscription = delivery.subscription
    owner = subscription.user
    if not (subscription.is_active and owner.is_active):
        return None
    e = AuditEvent.objects.filter(pk=delivery.audit_event_id).first()
    if e is None:
        return None
    agreement = policy.visible_to(owner, Agreement).filter(pk=e.agreement_id).first()
    model = MODELS[e.object_type]
    obj = policy.visible_to(owner, model).filter(uuid=e.object_id).first()
    if agreement is None or obj is None:
        return None
    return {
        "id": str(delivery.uuid),
        "type": delivery.event,
        "occurred_at": delivery.occurred_at.isoformat(),
        "agreement": {"id": str(agreement.uuid), "title": agreement.title},
        "data": _data(obj, e),
    }


# ----- signing and sending ------------------------------------------------------------------


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header of one delivery (Standard Webhooks, v1)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _local_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOCAL_HTTP", False))


def check_address(url: str) -> list[str]:
    """Refuse an address the server should not post to: not HTTPS (plain HTTP to this
    machine only in tests and DEBUG), or one that resolves to a loopback, private,
    link-local or reserved network (unless ``WEBHOOK_ALLOW_PRIVATE_NETWORKS``). Returns the
    addresses it vetted: the delivery connects to one of those, without asking the name
    again (a name that answers a public address to the check and a private one to the
    connection — DNS rebinding — reaches nothing it should not)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:  # an unclosed "[" (IPv6), a port that is not a number 0-65535
        raise ValidationError({"url": _("Enter a valid URL.")}) from exc
    local = host in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local and _local_allowed()):
        raise ValidationError({"url": _("A webhook address must start with https://.")})
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port or 443)}
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError({"url": _("This address's host name does not resolve.")}) from exc
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_loopback and local and _local_allowed():
            continue
        if ip.is_private and not ip.is_loopback and settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
            continue
        if not ip.is_global:
            raise ValidationError(
                {"url": _("A webhook may not be sent to a private or local network address.")}
            )
    return sorted(addresses)


class _Pinned(http.client.HTTPConnection):
    """Plain HTTP (tests, DEBUG) to an address already vetted."""

    def __init__(self, host: str, port: int | None, address: str, **kwargs: Any) -> None:
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """HTTPS to an address already vetted; the certificate is checked against the host
    name of the subscription's address (SNI and verification as usual)."""

    def __init__(self, host: str, port: int | None, address: str, **kwargs: Any) -> None:
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _post(url: str, body: bytes, headers: dict[str, str], addresses: list[str]) -> int:
    """POST ``body`` to ``url`` through the first of ``addresses`` that answers. A redirect
    is an answer like any other non-2xx: retried later, never followed."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedTLS if parts.scheme == "https" else _Pinned
    error: OSError | None = None
    for address in addresses:
        connection = kind(
            parts.hostname or "", parts.port, address, timeout=WEBHOOK_TIMEOUT_SECONDS
        )
        try:
            connection.request("POST", path, body=body, headers=headers)
            return int(connection.getresponse().status)
        except OSError as exc:  # refused or unreachable there: the next address
            error = exc
        finally:
            connection.close()
    raise error or OSError("no address to connect to")


def deliver_due(
    now: datetime | None = None,
    limit: int = 200,
    budget_seconds: float = WEBHOOK_TICK_BUDGET_SECONDS,
) -> dict[str, int]:
    """Send the deliveries whose time has come; return what happened to them.

    A slow or failing receiver does not hold up the others, nor the scheduler's tick: once a
    subscription's delivery fails in this pass (a timeout, a refusal, an error status), its
    other deliveries wait for a later pass without spending an attempt, and the pass stops
    claiming after ``budget_seconds`` (what is left is sent on the next tick). So a pass
    lasts at most the budget plus one receiver's timeout."""
    now = now or timezone.now()
    counts = {"delivered": 0, "retry": 0, "failed": 0, "withheld": 0}
    WebhookDelivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS)
    ).update(status=DeliveryStatus.PENDING)
    deadline = time.monotonic() + budget_seconds
    failing: set[int] = set()
    for _i in range(limit):
        if time.monotonic() >= deadline:
            break
        row = _claim(now, failing)
        if row is None:
            break
        outcome = _send(row)
        counts[outcome] += 1
        if outcome in ("retry", "failed"):
            failing.add(row.subscription_id)
    return counts


def _claim(now: datetime, failing: set[int]) -> WebhookDelivery | None:
    return claim_next(
        WebhookDelivery,
        pending=DeliveryStatus.PENDING,
        sending=DeliveryStatus.SENDING,
        now=now,
        skip=Q(subscription_id__in=failing) if failing else None,
    )


def _send(row: WebhookDelivery) -> str:
    row = WebhookDelivery.objects.select_related("subscription__user").get(pk=row.pk)
    payload = payload_for(row)
    if payload is None:
        row.status = DeliveryStatus.WITHHELD
        row.save(update_fields=["status"])
        return "withheld"
    body = json.dumps(payload, separators=(",", ":"), default=str).encode()
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Alliance-Webhooks/1",
        "webhook-id": str(row.uuid),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(row.subscription.secret, str(row.uuid), timestamp, body),
    }
    status, error = None, ""
    try:
        addresses = check_address(row.subscription.url)
        status = _post(row.subscription.url, body, headers, addresses)
    except ValidationError as exc:
        error = "; ".join(exc.messages)
    except (OSError, ValueError) as exc:  # refused, timed out, unreachable
        error = f"{type(exc).__name__}: {exc}"
    row.response_status = status
    if status is not None and 200 <= status < 300:
        row.status, row.delivered_at, row.last_error = DeliveryStatus.DELIVERED, timezone.now(), ""
        row.save(update_fields=["status", "delivered_at", "response_status", "last_error"])
        return "delivered"
    row.last_error = (error or f"HTTP {status}")[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.status, outcome = DeliveryStatus.FAILED, "failed"
    else:
        delay = timedelta(minutes=WEBHOOK_BACKOFF_MINUTES[row.attempts - 1])
        row.status, row.next_attempt_at, outcome = (
            DeliveryStatus.PENDING,
            row.claimed_at + delay,
            "retry",
        )  # type: ignore[operator]
    row.save(update_fields=["status", "next_attempt_at", "response_status", "last_error"])
    return outcome


def run(now: datetime | None = None) -> dict[str, Any]:
    """One pass: collect the new events, send what is due (the scheduler's tick calls it)."""
    return {"collected": collect(now), **deliver_due(now)}
