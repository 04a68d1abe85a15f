"""Scopes of personal API tokens, and the API's limits."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


# How long a new token lives unless its owner says otherwise, and at most.
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366
# The visible start of every token, so that a leaked one is recognisable in logs and scanners.
TOKEN_PREFIX = "alli_"
# How long a POST's answer is kept for a retry with the same Idempotency-Key.
IDEMPOTENCY_HOURS = 24


class WebhookEvent(models.TextChoices):
    """What a webhook subscription may be told about (read from the audit trail)."""

    COMMITMENT_STATUS = "commitment.status_changed", _("A commitment's status changed")
    DELIVERY_CONFIRMED = "delivery.confirmed", _("A delivery was confirmed")
    DELIVERY_CONTESTED = "delivery.contested", _("A delivery was contested")
    DUE_DATE_RENEGOTIATED = "commitment.due_date_changed", _("A due date was renegotiated")
    WARNING_RAISED = "warning.raised", _("An early warning was raised")
    WARNING_RESOLVED = "warning.resolved", _("An early warning was resolved")
    STAGE_CHANGED = "agreement.stage_changed", _("An agreement changed stage")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    # At delivery time the subscription's owner may no longer see what it is about (the
    # membership was revoked, the item made internal or deleted): nothing is sent.
    WITHHELD = "withheld", _("Withheld (no longer yours to see)")


# The visible start of a webhook's signing secret (as the Standard Webhooks convention has it).
WEBHOOK_SECRET_PREFIX = "whsec_"
# Minutes to wait after the 1st, 2nd ... failed attempt; one more attempt than delays.
WEBHOOK_BACKOFF_MINUTES = (1, 5, 30, 120, 720)
# Seconds a receiver gets to answer, and how far back the trail is read again on each run
# (a write committed late is still seen; a key per event keeps it from being sent twice).
WEBHOOK_TIMEOUT_SECONDS = 10
WEBHOOK_RESCAN_MINUTES = 10
# Seconds one scheduler tick may spend sending webhooks before it leaves the rest for the next
# tick (mail, jobs and the next tick are not held up by slow receivers).
WEBHOOK_TICK_BUDGET_SECONDS = 20
# A receiver should refuse a delivery whose timestamp is further than this from its clock.
WEBHOOK_TOLERANCE_SECONDS = 300
