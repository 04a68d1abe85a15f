"""The outbox: e-mail is written as rows first (one per message, keyed), then sent.

Writing first makes sending safe to repeat: a job run again finds the rows it wrote
(``notify`` returns the existing row for a key), and ``deliver_due`` sends only rows still
waiting. A row is claimed (``sending``, committed) before the mail server gets it and marked
``sent`` after, so a worker killed mid-send leaves at most one row it cannot know the fate
of; that row turns ``unconfirmed`` (never sent twice) once its claim is older than
``NOTIFICATION_CLAIM_SECONDS``. A refused message is retried with back-off and its error kept;
after the last attempt it is ``failed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliance.accounts.mail import language_of, render_message
from alliance.core.claims import claim_next
from alliance.notifications.choices import OutboxStatus
from alliance.notifications.models import MailPreference, Notification

# Minutes to wait after the 1st, 2nd ... failed attempt; one more attempt than delays.
BACKOFF_MINUTES = (1, 5, 30, 120, 720)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1


def receives(user: Any, kind: str) -> bool:
    """Whether ``user`` wants e-mail of ``kind`` (yes unless they muted it)."""
    preference = MailPreference.objects.filter(user_id=user.pk).first()
    return preference is None or preference.receives(kind)


def notify(
    *,
    key: str,
    user: Any,
    kind: str,
    template_prefix: str,
    context: Mapping[str, Any],
    agreement: Any = None,
) -> Notification | None:
    """Write the message ``key`` for ``user`` once (rendered now, in their language); the
    existing row if it was written before; nothing if they have no address or muted the
    kind."""
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    if not (user.is_active and user.email) or not receives(user, kind):
        return None
    return _write(key, user, user.email, kind, template_prefix, context, agreement,
                  language_of(user))  # fmt: skip


def notify_address(
    *,
    key: str,
    to: str,
    language: str,
    kind: str,
    template_prefix: str,
    context: Mapping[str, Any],
    agreement: Any = None,
    user: Any = None,
) -> Notification | None:
    """``notify`` for someone who may have no account (a pulse respondent): written once for
    ``key``, in ``language``; nothing without an address."""
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    if not to:
        return None
    return _write(key, user, to, kind, template_prefix, context, agreement, language)


def _write(
    key: str,
    user: Any,
    to: str,
    kind: str,
    template_prefix: str,
    context: Mapping[str, Any],
    agreement: Any,
    language: str,
) -> Notification:
    subject, text, html = render_message(
        template_prefix, {**context, "user": user}, language=language
    )
    try:
        with transaction.atomic():
            return Notification.objects.create(
                key=key,
                user=user,
                kind=kind,
                agreement=agreement,
                to=to,
                subject=subject,
                text=text,
                html=html,
            )
    except IntegrityError:  # written meanwhile by another worker
        return Notification.objects.get(key=key)


def _claim_seconds() -> int:
    return int(getattr(settings, "NOTIFICATION_CLAIM_SECONDS", 600))


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send the rows waiting whose time has come, one at a time; return what happened."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    counts["unconfirmed"] = Notification.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - timedelta(seconds=_claim_seconds())
    ).update(status=OutboxStatus.UNCONFIRMED)
    for _i in range(limit):
        row = _claim(now)
        if row is None:
            break
        counts[_send(row)] += 1
    return counts


def _claim(now: datetime) -> Notification | None:
    return claim_next(
        Notification, pending=OutboxStatus.PENDING, sending=OutboxStatus.SENDING, now=now
    )


def _send(row: Notification) -> str:
    message = EmailMultiAlternatives(
        row.subject,
        row.text,
        settings.DEFAULT_FROM_EMAIL,
        [row.to],
        headers={"X-Alliance-Key": row.key},
    )
    message.attach_alternative(row.html, "text/html")
    try:
        message.send()
    except Exception as exc:  # the mail server refused or is away: try again later
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = OutboxStatus.FAILED
            outcome = "failed"
        else:
            row.status = OutboxStatus.PENDING
            delay = BACKOFF_MINUTES[row.attempts - 1]
            row.next_attempt_at = timezone.now() + timedelta(minutes=delay)
            outcome = "retry"
        row.save(update_fields=["status", "last_error", "next_attempt_at"])
        return outcome
    row.status, row.sent_at = OutboxStatus.SENT, timezone.now()
    row.save(update_fields=["status", "sent_at"])
    return "sent"
