"""Writes on the inbox: snooze an item until a day, wake it, assign it to a member of the
counsellor team or take the assignment back (atomic, validated, audited; the access policy
decides: anyone snoozes in their own inbox, only the team assigns)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alliance.accounts.choices import TEAM_ROLES
from alliance.accounts.models import Membership
from alliance.attention.models import InboxAssignment, InboxSnooze
from alliance.core import clock
from alliance.core.services import delete_audited, save_changes, save_new
from alliance.partnerships.models import Agreement

# Snoozing further than this is forgetting, not snoozing.
MAX_SNOOZE_DAYS = 366


@transaction.atomic
def inbox_snooze(*, actor: Any, agreement: Agreement, item: str, until: date) -> InboxSnooze:
    """Hide ``item`` from ``actor``'s inbox until ``until`` (included); snoozing it again
    moves the day."""
    today = clock.today()
    if until <= today:
        raise ValidationError({"until": _("Snooze until a day after today.")})
    if (until - today).days > MAX_SNOOZE_DAYS:
        raise ValidationError({"until": _("Snooze for a year at most.")})
    existing = InboxSnooze.objects.filter(user_id=actor.pk, item=item).first()
    if existing is not None:
        return save_changes(actor=actor, obj=existing, changes={"until": until})
    snooze = InboxSnooze(agreement=agreement, user=actor, item=item, until=until)
    return save_new(actor=actor, obj=snooze)


@transaction.atomic
def inbox_wake(*, actor: Any, snooze: InboxSnooze) -> None:
    """Bring a snoozed item back now."""
    delete_audited(actor=actor, obj=snooze)


@transaction.atomic
def inbox_assign(*, actor: Any, agreement: Agreement, item: str, assignee: Any) -> InboxAssignment:
    """Give ``item`` to ``assignee``, who must be in the agreement's counsellor team."""
    if not Membership.objects.filter(
        agreement=agreement, user=assignee, role__in=TEAM_ROLES, user__is_active=True
    ).exists():
        raise ValidationError(
            {"assignee": _("Assign to a member of this agreement's counsellor team.")}
        )
    existing = InboxAssignment.objects.filter(agreement=agreement, item=item).first()
    if existing is not None:
        return save_changes(
            actor=actor, obj=existing, changes={"assignee": assignee, "assigned_by": actor}
        )
    assignment = InboxAssignment(
        agreement=agreement, item=item, assignee=assignee, assigned_by=actor
    )
    return save_new(actor=actor, obj=assignment)


@transaction.atomic
def inbox_unassign(*, actor: Any, assignment: InboxAssignment) -> None:
    delete_audited(actor=actor, obj=assignment)
