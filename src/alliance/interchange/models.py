"""What interchange remembers: where imported objects came from, import batches for the
preview → confirm flow, and the secret tokens of calendar feeds."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core.models import PublicModel


class SourceIdentifier(models.Model):
    """An identifier an object has in a published source (an OC4IDS project id, an OCDS
    ``ocid``, an IATI identifier, an organisation id …), so a re-import finds it again."""

    scheme = models.CharField(_("scheme"), max_length=40)
    identifier = models.CharField(_("identifier"), max_length=300)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("object type")
    )
    object_uuid = models.UUIDField(_("object"), db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # For a project's own link: the date-time of the version imported (OC4IDS ``updated``,
    # the newest OCDS release ``date``, IATI ``last-updated-datetime``), so nothing older
    # overwrites it, and what it held (party and commitment keys; OCDS: its releases), so a
    # newer version's drops are seen and releases compile across imports.
    version = models.CharField(_("source version"), max_length=40, blank=True, default="")
    document = models.JSONField(_("source document"), null=True, blank=True)

    class Meta:
        verbose_name = _("source identifier")
        verbose_name_plural = _("source identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "identifier", "content_type"], name="one_object_per_source_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.identifier}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PREVIEWING = "previewing", _("Checking")
    PREVIEWED = "previewed", _("Ready to import")
    REFUSED = "refused", _("Refused")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportBatch(PublicModel):
    """One uploaded file on its way in: checked (dry run), then confirmed and imported."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("created by"),
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=20, blank=True)
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    progress_done = models.PositiveIntegerField(_("rows read"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in total"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.PREVIEWING, ImportStatus.IMPORTING}

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def hash_feed_token(token: str) -> str:
    """What is stored of a feed's token: its SHA-256. The token itself has 256 random bits,
    so no salt or slow hash is needed; whoever reads the database cannot subscribe."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(PublicModel):
    """A secret, revocable address at which one user's calendar reads one agreement's
    deadlines and meetings — only what that user may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("user"),
    )
    agreement = models.ForeignKey(
        "partnerships.Agreement",
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("agreement"),
    )
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_read_at = models.DateTimeField(_("last read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agreement"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_feed_per_user_agreement",
            ),
        ]

    # The secret itself, known only to the instance that made it (shown to its user once).
    token: str | None = None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.token_hash:
            self.token = new_feed_token()
            self.token_hash = hash_feed_token(self.token)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.user} – {self.agreement}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
