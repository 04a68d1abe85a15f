"""Personal API tokens, the answers kept for idempotent retries, request counts per caller
for the rate limit, and outgoing webhooks (subscriptions and their deliveries)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.api.choices import DeliveryStatus, TokenScope, WebhookEvent
from alliance.core.encryption import EncryptedTextField
from alliance.core.models import PublicModel


class ApiToken(PublicModel):
    """A personal token: acts as its user, never more. Only a SHA-256 digest of the secret is
    kept; the secret is shown once, when the token is created. A token may be limited to
    reading and to one agreement, and always expires."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    hint = models.CharField(
        _("first characters"),
        max_length=16,
        editable=False,
        help_text=_("The start of the token, to recognise it."),
    )
    scope = models.CharField(
        _("scope"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("only this agreement"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE


class IdempotentRequest(models.Model):
    """The answer to a POST sent with an ``Idempotency-Key``: a retry with the same key and
    the same body gets the same answer instead of a second write. ``status`` is null while
    the first request is still running."""

    caller = models.CharField(_("caller"), max_length=80)
    key = models.CharField(_("key"), max_length=200)
    fingerprint = models.CharField(_("request digest"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    body = models.BinaryField(_("body"), default=b"")
    headers = models.JSONField(_("headers"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="one_answer_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"


class RateWindow(models.Model):
    """Requests of one caller (a token, or a signed-in user) in one minute: counted in the
    database so that every web process shares the limit."""

    caller = models.CharField(_("caller"), max_length=80)
    window = models.BigIntegerField(_("minute"))
    count = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("rate window")
        verbose_name_plural = _("rate windows")
        constraints = [
            models.UniqueConstraint(fields=["caller", "window"], name="one_count_per_minute"),
        ]

    def __str__(self) -> str:
        return f"{self.caller} @{self.window}: {self.count}"


class WebhookSubscription(PublicModel):
    """An HTTPS address told about events of the agreements its owner is a member of (or of
    one of them). What it is told is decided when each delivery leaves, by the one access
    policy, as its owner: the owner's membership revoked, nothing more is sent. Deliveries
    are signed with ``secret`` (HMAC-SHA256), shown once and kept encrypted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        verbose_name=_("owner"),
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
        verbose_name=_("only this agreement"),
    )
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = EncryptedTextField(_("signing secret"))
    hint = models.CharField(_("first characters"), max_length=16, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.url

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookDelivery(PublicModel):
    """One event for one subscription: the outbox row and its log. ``uuid`` is the event's
    identifier for the receiver (the same on every retry, so a receiver can drop
    duplicates); ``key`` makes the row once per subscription and audit event."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    audit_event_id = models.BigIntegerField(_("audit event"))
    occurred_at = models.DateTimeField(_("occurred at"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"


class WebhookScan(models.Model):
    """How far the audit trail has been read for webhooks (one row)."""

    scanned_to = models.DateTimeField(_("read up to"))

    class Meta:
        verbose_name = _("webhook scan")
        verbose_name_plural = _("webhook scans")

    def __str__(self) -> str:
        return f"{self.scanned_to:%Y-%m-%d %H:%M:%S}"
