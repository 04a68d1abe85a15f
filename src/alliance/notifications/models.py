"""The outbox (one row per e-mail, keyed for idempotency), each user's choice of kinds, and
the periodic runs the scheduler started."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core.encryption import EncryptedTextField
from alliance.notifications import choices


class MailPreference(models.Model):
    """The kinds of e-mail a user receives (a kind not listed in ``muted`` is sent)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mail_preference",
        verbose_name=_("user"),
    )
    muted = models.JSONField(_("kinds not received"), default=list, blank=True)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self) -> str:
        return str(self.user)

    def receives(self, kind: str) -> bool:
        return kind not in self.muted


class Notification(models.Model):
    """One e-mail to one user (or to someone without an account: a pulse respondent).
    ``key`` names what it is about (the same reminder, digest or
    escalation always gets the same key), so a job run twice — a worker killed and restarted
    — finds the row it wrote and never sends the same message twice. Subject and bodies are
    rendered once, in the recipient's language, and kept encrypted."""

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=choices.Kind.choices)
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    to = models.EmailField(_("to"))
    subject = EncryptedTextField(_("subject"))
    text = EncryptedTextField(_("text"))
    html = EncryptedTextField(_("HTML"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.OutboxStatus.choices,
        default=choices.OutboxStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.key


class ScheduledRun(models.Model):
    """One run of a periodic job for one period (a day, an ISO week): created once, so a job
    is started once per period however many workers tick; ``finished_at`` tells a restarted
    worker which runs a killed one left unfinished."""

    job = models.CharField(_("job"), max_length=20, choices=choices.Job.choices)
    period = models.CharField(_("period"), max_length=20)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="one_run_per_period")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
