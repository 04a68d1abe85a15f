"""Who belongs to which agreement, in which role, who is invited, each user's own settings,
and the trail of every change."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.accounts.choices import AuditAction, InvitationStatus, Role
from alliance.core.models import PublicModel, choice_label
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
    """One change: who did what to which object, when, with the values before and after.

    The trail is append-only: on PostgreSQL a trigger refuses every UPDATE and DELETE of a
    row (migration 0005). So nothing may need to change a row afterwards: the actor and the
    agreement are kept as plain references (no database constraint, nothing done when the user
    or the agreement is deleted), and a deleted agreement's events keep its number.
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
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


class Profile(models.Model):
    """What a user chooses for themselves: the language of their pages and e-mails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.user)


class Invitation(PublicModel):
    """An invitation to join an agreement in a role, sent to an e-mail address.

    The link in the e-mail carries a random token; only its SHA-256 is stored, so the table
    cannot be used to accept an invitation. It works once, until ``expires_at``, and dies when
    the invitation is resent (a new token), cancelled or accepted.
    """

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("agreement")
    )
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("represents"),
    )
    language = models.CharField(
        _("language of the e-mail"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
        db_index=True,
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_count = models.PositiveSmallIntegerField(_("times sent"), default=1)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    closed_at = models.DateTimeField(_("accepted or cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "email"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_address",
            ),
            models.CheckConstraint(
                condition=(Q(role="party_rep") & Q(party__isnull=False))
                | (~Q(role="party_rep") & Q(party__isnull=True)),
                name="invited_party_rep_bound_to_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {choice_label(Role, self.role)} – {self.agreement}"

    @property
    def is_expired(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        """Pending and not expired: the link can still be used."""
        return self.status == InvitationStatus.PENDING and not self.is_expired

    def clean(self) -> None:
        self.email = (self.email or "").strip().lower()
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
