"""Claiming the next row of an outbox (mail, webhook deliveries): one worker at a time takes
the row whose time has come, marks it as being sent and counts the attempt, in one short
transaction; other workers skip the locked row instead of waiting for it."""

from __future__ import annotations

from datetime import datetime

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone


def claim_next[Row: models.Model](
    model: type[Row], *, pending: str, sending: str, now: datetime, skip: Q | None = None
) -> Row | None:
    """The next ``pending`` row of ``model`` due by ``now`` (``next_attempt_at``, then key),
    now ``sending`` with its ``claimed_at`` and one more ``attempts``; None when none is due.
    Rows matching ``skip`` are left for later (a receiver that just failed, say)."""
    with transaction.atomic():
        due = model._default_manager.select_for_update(skip_locked=True).filter(
            status=pending, next_attempt_at__lte=now
        )
        if skip is not None:
            due = due.exclude(skip)
        row = due.order_by("next_attempt_at", "pk").first()
        if row is None:
            return None
        row.status, row.claimed_at = sending, timezone.now()  # type: ignore[attr-defined]
        row.attempts += 1  # type: ignore[attr-defined]
        row.save(update_fields=["status", "claimed_at", "attempts"])
    return row
