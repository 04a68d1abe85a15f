"""What the import and export commands share: who acts, which agreement."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from alliance.accounts import policy


def acting_user(username: str | None) -> Any:
    """The named user, or the only administrator when none is named."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(_("No active user named “%(name)s”.") % {"name": username})
        return user
    admins = list(users.filter(is_superuser=True)[:2])
    if len(admins) != 1:
        raise CommandError(
            _("Say who acts: --user USERNAME (the import goes through their rights).")
        )
    return admins[0]


def agreement_named(user: Any, text: str | None) -> Any:
    """An agreement the user may see, by UUID, reference or exact title."""
    if not text:
        return None
    qs = policy.agreements_visible_to(user)
    try:
        found = list(qs.filter(uuid=uuid.UUID(text)))
    except ValueError:
        found = list(qs.filter(reference=text)[:2]) or list(qs.filter(title=text)[:2])
    if len(found) != 1:
        raise CommandError(
            _("No single agreement “%(text)s” that %(user)s may see.")
            % {"text": text, "user": user}
        )
    return found[0]
