"""Who must use a second factor: the counsellor team of any agreement and administrators.

Party representatives and viewers may set one up; nobody who sees internal notes may work
without one. The rule is enforced by ``TwoFactorRequiredMiddleware`` (set-up before any other
page) and by ``TwoFactorAdapter.can_delete_authenticator`` (the last one cannot be removed).
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

from alliance.accounts.choices import TEAM_ROLES
from alliance.accounts.models import Membership

# The kinds of authenticator that count as a second factor (recovery codes only back them up).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def needs_second_factor(user: Any) -> bool:
    """Whether ``user``'s roles call for a second factor: administrators and the counsellor
    team of any agreement."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user_id=user.pk, role__in=TEAM_ROLES).exists()


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` may not work without a second factor (the rule is enforced unless
    ``MFA_REQUIRED_FOR_TEAM`` is off: the test suite only, which logs in with force_login)."""
    return bool(settings.MFA_REQUIRED_FOR_TEAM) and needs_second_factor(user)


def has_second_factor(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def session_passed_second_factor(request: HttpRequest) -> bool:
    """Whether this session's login used a second factor (allauth records each step)."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )
