"""Second factors of the demo's counsellor team, so that the demo shows two-factor at work and
stays usable in one step.

Every demo account that must use a second factor (the team and the administrator) gets an
authenticator-app secret and recovery codes when the demo is loaded. ``make demo`` prints,
for each of them, the secret (to add to any authenticator app) and the next unused recovery
code (type it at the second-factor prompt; each works once, so the next start shows the next
one); ``alliance manage demo_code USER`` prints the code an app would show now.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth import get_user_model
from django.db import transaction

from alliance.accounts import two_factor
from alliance.accounts.adapter import TwoFactorAdapter
from alliance.scenarios import demo_parties as cast


def demo_accounts() -> Any:
    """The demo's users still holding the demo password (a real account never matches)."""
    users = get_user_model().objects.filter(username__in=[u.username for u in cast.USERS])
    return [u for u in users.order_by("pk") if u.check_password(cast.DEMO_PASSWORD)]


@transaction.atomic
def enrol_second_factors() -> int:
    """Give every demo account that needs one a TOTP secret and recovery codes; return how
    many were enrolled (accounts that already have a second factor are left alone)."""
    enrolled = 0
    for user in demo_accounts():
        if not two_factor.needs_second_factor(user) or two_factor.has_second_factor(user):
            continue
        TOTP.activate(user, generate_totp_secret())
        RecoveryCodes.activate(user)
        enrolled += 1
    return enrolled


def totp_secret(user: Any) -> str | None:
    auth = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return TwoFactorAdapter().decrypt(auth.data["secret"]) if auth else None


def current_code(user: Any) -> str | None:
    """The six digits an authenticator app holding the user's secret shows now."""
    secret = totp_secret(user)
    if secret is None:
        return None
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def next_recovery_code(user: Any) -> str | None:
    auth = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    if auth is None:
        return None
    unused = auth.wrap().get_unused_codes()
    return unused[0] if unused else None
