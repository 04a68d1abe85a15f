"""Per-request rules of accounts: the user's own language, and no work without the second
factor for those who must have one."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.internal.flows import trust
from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from alliance.accounts import two_factor
from alliance.accounts.models import Profile

# Pages a user may open before their second factor is set up: setting it up, reauthenticating
# to do so, logging out, and changing the language.
OPEN_WITHOUT_SECOND_FACTOR = {
    "account_logout",
    "account_reauthenticate",
    "set_language",
}


# Where the session keeps the user's language (read from their profile once per session).
LANGUAGE_SESSION_KEY = "alliance_language"


def remember_language(request: HttpRequest, language: str) -> None:
    """Keep the user's language in their session (called at login and when it changes)."""
    request.session[LANGUAGE_SESSION_KEY] = language


def user_language(user: Any) -> str:
    language = Profile.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return language or ""


class UserLanguageMiddleware:
    """A signed-in user's chosen language (their profile) wins over the browser's. The
    profile is read once per session and kept in it, so pages cost no query for it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get(LANGUAGE_SESSION_KEY)
            if language is None:
                language = user_language(user)
                remember_language(request, language)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class SessionActivityMiddleware:
    """allauth's session tracking (address, browser, last request), written when the session
    is new to it and then at most every ``SESSION_ACTIVITY_INTERVAL`` — not on every page."""

    KEY = "alliance_activity_at"

    @classmethod
    def track(cls, request: HttpRequest, user: Any) -> None:
        usersessionkit.track_activity(request, user=user, session=request.session)
        request.session[cls.KEY] = time.time()

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            last = session.get(self.KEY)
            interval = settings.SESSION_ACTIVITY_INTERVAL.total_seconds()
            if not isinstance(last, int | float) or time.time() - last >= interval:
                self.track(request, user)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """The counsellor team and administrators see nothing until a second factor is set up,
    and a session that did not pass it (a login that went around allauth) is ended."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not two_factor.two_factor_required(user):
            return None
        name = request.resolver_match.url_name if request.resolver_match else None
        if name in OPEN_WITHOUT_SECOND_FACTOR or (name or "").startswith("mfa_"):
            return None
        if not two_factor.has_second_factor(user):
            messages.warning(
                request,
                _(
                    "Your role sees internal notes: set up a second factor (an authenticator "
                    "app or a passkey) to continue."
                ),
            )
            return redirect("mfa_index")
        if not (
            two_factor.session_passed_second_factor(request)
            or trust.is_trusted_browser(request, user)
        ):
            logout(request)
            messages.warning(request, _("Log in again with your second factor."))
            return redirect("account_login")
        return None


class IdleSessionMiddleware:
    """A session nobody used for ``SESSION_IDLE_MINUTES`` ends: the next request is signed out
    and sent to the login page. The time of the last request is written into the session at
    most once a minute, so a busy page costs no session write per request."""

    KEY = "alliance_last_request_at"
    WRITE_EVERY = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        last = request.session.get(self.KEY)
        if isinstance(last, int | float) and now - last > settings.SESSION_IDLE_MINUTES * 60:
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)s minutes without activity.")
                % {"minutes": settings.SESSION_IDLE_MINUTES},
            )
            return redirect_to_login(request.get_full_path())
        if not isinstance(last, int | float) or now - last >= self.WRITE_EVERY:
            request.session[self.KEY] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page, partial, export and feed is answered with ``Cache-Control: no-store``: no
    browser, proxy or shared computer keeps a copy of what a user saw after they leave or
    sign out. Static files (served above this middleware) stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
