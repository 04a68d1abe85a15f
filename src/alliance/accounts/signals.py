"""Session bookkeeping on allauth's events (connected in ``AccountsConfig.ready``).

These touch only the session of the request and the user's other sessions — no domain data —
which is why they are receivers rather than service calls.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import record_authentication

from alliance.accounts.middleware import (
    SessionActivityMiddleware,
    remember_language,
    user_language,
)
from alliance.accounts.sessions import end_sessions


def end_other_sessions(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A new password ends every other session of the user (this one stays signed in)."""
    keep = request.session.session_key if request is not None and user == request.user else None
    end_sessions(user, keep_key=keep)


def second_factor_added(
    sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any
) -> None:
    """Adding an authenticator proves it (a valid code, a signed challenge): the session counts
    as having passed the second factor, so the one who just set it up is not sent back to log
    in again."""
    if request is not None and request.user.is_authenticated and request.user.pk == user.pk:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
        )


def session_started(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """At login (any login: allauth's, the admin's, a test client's), record the session and
    keep the user's language in it, so the pages that follow cost no query for either."""
    if request is None or not hasattr(request, "session"):
        return
    remember_language(request, user_language(user))
    if request.META.get("REMOTE_ADDR") or request.META.get("HTTP_USER_AGENT"):
        SessionActivityMiddleware.track(request, user)
