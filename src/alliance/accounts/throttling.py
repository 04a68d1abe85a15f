"""Login throttling (django-axes), per client address and per account separately.

- An address that fails ``LOGIN_ADDRESS_FAILURE_LIMIT`` times within the cool-off, whatever
  usernames it tries, must wait: password spraying (one password against many accounts) is
  slowed, not only guessing at one account.
- An account that fails ``LOGIN_ACCOUNT_FAILURE_LIMIT`` times within the cool-off, from any
  addresses, is locked for the cool-off. The account limit is higher than the address limit,
  so one address alone can never lock anyone out; failures while locked do not prolong the
  lock; and the owner unlocks it at once by setting a new password through the reset link
  (``unlock_account``).
- The client address is the connection's, or — behind ``ALLIANCE_TRUSTED_PROXIES`` reverse
  proxies — the one the outermost trusted proxy saw (``client_address``): an X-Forwarded-For
  header from anyone else is ignored, so it cannot be forged to dodge the limit or to aim it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def login_name(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The login typed (a username or an e-mail address), lower-cased as allauth compares it.

    allauth authenticates with ``{"username": …}`` or ``{"email": …, "username": …}``; a
    request without credentials (axes checking a lock before the form is read) carries it in
    the ``login`` field of the form."""
    if credentials:
        name = credentials.get("email") or credentials.get("username")
    else:
        name = getattr(request, "POST", {}).get("login")
    return name.strip().lower() if isinstance(name, str) and name.strip() else None


def client_address(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or with N trusted proxies in front the N-th
    address from the right of X-Forwarded-For (each proxy appends the address it saw; what
    the client itself wrote stands further left and is ignored). A header shorter than the
    proxies configured means the request did not come through them: the connection's
    address is used."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = int(getattr(settings, "ALLIANCE_TRUSTED_PROXIES", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-proxies] if len(hops) >= proxies else remote


class LoginThrottle(AxesDatabaseHandler):
    """axes' database handler with one limit per address and another per account.

    axes compares one count (``get_failures``) with one limit (``AXES_FAILURE_LIMIT``, set to
    the address limit); the account's failures are put on the same scale, so that the
    count reaches the limit exactly when either the address or the account reaches its own.
    """

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        by_address, by_account = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        address_limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        account_limit = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
        return max(by_address, by_account * address_limit // account_limit)


def unlock_account(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A new password set through the reset link (which only the owner of the mailbox gets)
    lifts the account's lock at once, under every name it logs in with."""
    names = {user.get_username().lower(), (user.email or "").lower()} - {""}
    AccessAttempt.objects.filter(username__in=names).delete()
