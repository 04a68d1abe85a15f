"""Writes of the notifications app: a user's choice of the e-mail they receive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from alliance.notifications.choices import Kind
from alliance.notifications.models import MailPreference


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
