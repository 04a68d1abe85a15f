"""What a person did with an inbox item: snoozed it until a day (personal), or assigned it
to a member of the counsellor team (shared by the team). The items themselves are not
stored: they are read from the agreement's data each time (``selectors.inbox``); these rows
are keyed by the item's key (``<kind>-<uuid of its subject>``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.models import PublicModel
from alliance.partnerships.models import Agreement


class InboxSnooze(PublicModel):
    """One person's "not now": the item leaves their inbox until ``until`` (included)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="+", verbose_name=_("agreement")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inbox_snoozes",
        verbose_name=_("user"),
    )
    item = models.CharField(_("item"), max_length=80)
    until = models.DateField(_("snoozed until"))

    class Meta:
        ordering = ["until", "id"]
        verbose_name = _("snoozed inbox item")
        verbose_name_plural = _("snoozed inbox items")
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="one_snooze_per_user_and_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.until}"


class InboxAssignment(PublicModel):
    """Who of the counsellor team takes an item on (shown to the whole team)."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="+", verbose_name=_("agreement")
    )
    item = models.CharField(_("item"), max_length=80)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inbox_assignments",
        verbose_name=_("assigned to"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("inbox assignment")
        verbose_name_plural = _("inbox assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "item"], name="one_assignee_per_agreement_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.assignee}"
