"""Writes of the notifications app: a user's choice of the e-mail they receive, and the
team's re-sending of a pulse round's invitations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alliance.accounts.choices import AuditAction
from alliance.core import clock
from alliance.core.services import audit, require_change
from alliance.engagement import pulse_links
from alliance.engagement.models import PulseRespondent, TrustPulse
from alliance.notifications.choices import Kind
from alliance.notifications.jobs import write_pulse
from alliance.notifications.models import MailPreference, Notification


@transaction.atomic
def mail_preference_set(*, actor: Any, user: Any, kinds: Iterable[str]) -> MailPreference:
    """``user`` receives ``kinds`` and nothing else (only they choose for themselves)."""
    if not (actor.is_authenticated and actor.pk == user.pk):
        raise PermissionDenied(_("Only you choose the e-mail you receive."))
    wanted = set(kinds)
    preference, _created = MailPreference.objects.get_or_create(user=user)
    preference.muted = [k for k in Kind.values if k not in wanted]
    preference.save(update_fields=["muted"])
    return preference


@transaction.atomic
def pulse_invitations_resend(*, actor: Any, pulse: TrustPulse, batch: UUID) -> int:
    """Send the invitation again (with the same personal link) to each respondent of an open
    round who has not answered; never to one who has. ``batch`` names this re-send (the form
    carries it): each message's key is ``pulse:<respondent>:resend:<batch>``, so a form
    posted twice, or a worker run twice, sends nothing twice. Returns how many were written
    (a respondent with an account who muted pulse mail gets none)."""
    pulse = TrustPulse.objects.select_for_update().select_related("agreement").get(pk=pulse.pk)
    require_change(actor, pulse)
    if not pulse_links.round_takes_answers(pulse, clock.today()):
        raise ValidationError(_("This pulse round is not open: no invitation can be re-sent."))
    sheets = (
        PulseRespondent.objects.filter(pulse=pulse, submitted_at=None)
        .select_related("pulse__agreement", "person__user")
        .prefetch_related("about_parties")
        .order_by("pk")
    )
    sent = 0
    for sheet in sheets:
        key = f"pulse:{sheet.uuid}:resend:{batch}"
        if Notification.objects.filter(key=key).exists() or not write_pulse(
            sheet, key, reminder=True
        ):
            continue
        before = {"resent_at": sheet.resent_at.isoformat() if sheet.resent_at else None}
        sheet.resent_at = clock.now()
        sheet.save(update_fields=["resent_at"])
        after = {"resent_at": sheet.resent_at.isoformat()}
        audit(actor=actor, obj=sheet, action=AuditAction.UPDATE, before=before, after=after)
        sent += 1
    return sent
