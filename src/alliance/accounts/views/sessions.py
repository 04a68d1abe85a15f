"""The user's active sessions: where they are signed in, and signing out of any or all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alliance.accounts import services
from alliance.accounts.sessions import active_sessions


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    rows = active_sessions(request.user, request.session.session_key)
    return render(request, "accounts/sessions.html", {"sessions": rows})


@login_required
@require_POST
def sessions_end(request: HttpRequest) -> HttpResponse:
    """End one session (``session``), every other one (``others``) or all, this one too."""
    scope = request.POST.get("scope", "")
    if scope == "one":
        if services.session_end(actor=request.user, session_id=request.POST.get("session", "")):
            messages.success(request, _("That session is signed out."))
        return redirect("usersessions_list")
    if scope == "others":
        count = services.sessions_end_everywhere(
            actor=request.user, keep_key=request.session.session_key
        )
        messages.success(
            request,
            ngettext("%(n)d other session signed out.", "%(n)d other sessions signed out.", count)
            % {"n": count},
        )
        return redirect("usersessions_list")
    services.sessions_end_everywhere(actor=request.user)
    logout(request)
    messages.success(request, _("You are signed out everywhere."))
    return redirect("account_login")
