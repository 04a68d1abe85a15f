"""Who belongs to which agreement, in which role, and the trail of every change."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.choices import AuditAction, Role
from alliance.core.models import choice_label
from alliance.partnerships.models import Agreement, Party


class Membership(models.Model):
    """A user's role on one agreement. A party representative is bound to one party."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agreement")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("represents"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agreement"], name="one_membership_per_user"),
            models.CheckConstraint(
                condition=(Q(role="party_rep") & Q(party__isnull=False))
                | (~Q(role="party_rep") & Q(party__isnull=True)),
                name="party_rep_bound_to_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {choice_label(Role, self.role)} – {self.agreement}"

    def clean(self) -> None:
        if self.role == Role.PARTY_REPRESENTATIVE and not self.party_id:
            raise ValidationError({"party": _("A party representative represents one party.")})
        if self.role != Role.PARTY_REPRESENTATIVE and self.party_id:
            raise ValidationError({"party": _("Only a party representative is bound to a party.")})
        if (
            self.party_id
            and self.agreement_id
            and not self.agreement.participations.filter(party_id=self.party_id).exists()
        ):
            raise ValidationError({"party": _("This party does not take part in the agreement.")})


class AuditEvent(models.Model):
    """One change: who did what to which object, when, with the values before and after."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("agreement"),
    )
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object identifier"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=300)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"
