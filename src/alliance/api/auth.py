"""Who is calling: a personal token (``Authorization: Bearer alli_…``) or the signed-in
session of the pages' own scripts (with Django's CSRF check on every write). Both answer
the user, and both count the caller's requests against the rate limit."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from alliance.api.models import ApiToken, RateWindow
from alliance.api.problems import Problem
from alliance.api.services import token_digest

# A token's last use is written at most this often (not on every request).
LAST_USED_EVERY = timedelta(minutes=5)


class TokenAuth(HttpBearer):
    """A personal API token; an unknown, revoked or expired one is refused outright."""

    openapi_bearerFormat = "alli_…"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at=None, expires_at__gt=timezone.now())
            .first()
        )
        if found is None or not found.user.is_active:
            raise AuthenticationError(401)
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.api_token = found  # type: ignore[attr-defined]
        count_request(request, f"token:{found.pk}")
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's own session, for the pages' scripts: writes need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and check_csrf(request):
            raise Problem(
                403, "csrf", _("A signed-in browser's write needs its CSRF token (X-CSRFToken).")
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        request.api_token = None  # type: ignore[attr-defined]
        count_request(request, f"user:{user.pk}")
        return user


def count_request(request: HttpRequest, caller: str) -> None:
    """Count one request of ``caller`` in the current minute; past the limit, refuse it with
    the seconds until the next minute (``Retry-After``)."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    now = time.time()
    window = int(now // 60)
    with transaction.atomic():
        counted = RateWindow.objects.filter(caller=caller, window=window).update(
            count=F("count") + 1
        )
        if not counted:
            try:
                with transaction.atomic():
                    RateWindow.objects.create(caller=caller, window=window, count=1)
            except IntegrityError:  # another process opened the minute first
                RateWindow.objects.filter(caller=caller, window=window).update(count=F("count") + 1)
            RateWindow.objects.filter(caller=caller, window__lt=window).delete()
    if counted:
        count = RateWindow.objects.filter(caller=caller, window=window).values_list(
            "count", flat=True
        )[0]
        if count > limit:
            retry = max(1, int(60 - now % 60) + 1)
            raise Problem(
                429,
                "rate-limited",
                _("More than %(n)d requests in a minute: try again in %(s)d seconds.")
                % {"n": limit, "s": retry},
                headers={"Retry-After": str(retry)},
            )
