"""Accepting an invitation: from the link in the e-mail to the inbox, in the invitee's
language."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from alliance.accounts import services
from alliance.accounts.forms import InviteeRegistrationForm
from alliance.accounts.middleware import remember_language
from alliance.accounts.models import Invitation


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_by_token(token)
    if invitation is None:
        return _dead(request, None, status=404)
    if not invitation.is_open:
        return _dead(request, invitation, status=410)
    if request.user.is_authenticated:
        return _accept_as(request, invitation)
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        login_url = reverse("account_login") + "?next=" + request.path
        return render(
            request,
            "accounts/invitation.html",
            {"invitation": invitation, "login_url": login_url, "has_account": True},
        )
    return _register(request, invitation)


def _dead(request: HttpRequest, invitation: Invitation | None, *, status: int) -> HttpResponse:
    """A forged, reused, expired or withdrawn link: say which, and what to do."""
    return render(
        request, "accounts/invitation_dead.html", {"invitation": invitation}, status=status
    )


def _accept_as(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    if not services.invitation_matches(invitation, request.user):
        return render(
            request, "accounts/invitation.html", {"invitation": invitation, "other_user": True}
        )
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect(request.path)
        messages.success(request, _("Welcome to %(title)s.") % {"title": invitation.agreement})
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/invitation.html", {"invitation": invitation})


def _register(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    initial_name = invitation.name.split(" ", 1)
    form = InviteeRegistrationForm(
        request.POST or None,
        initial={
            "first_name": initial_name[0],
            "last_name": initial_name[1] if len(initial_name) > 1 else "",
            "username": invitation.email.split("@")[0],
            "language": translation.get_language() or invitation.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitee_register(
                invitation=invitation,
                username=data["username"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["language"],
            )
        except ValidationError as exc:
            target = "password1" if hasattr(exc, "error_list") else None
            form.add_error(target, exc)
        else:
            translation.activate(data["language"])
            response = perform_login(
                request, user, redirect_url=resolve_url(settings.LOGIN_REDIRECT_URL)
            )
            remember_language(request, data["language"])
            # The password was chosen a moment ago: it counts as a fresh confirmation (setting up
            # a second factor right away needs no second typing of it).
            record_authentication(
                request, user, "password", username=user.get_username(), reauthenticated=True
            )
            messages.success(request, _("Welcome to %(title)s.") % {"title": invitation.agreement})
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, data["language"])
            return response
    return render(request, "accounts/invitation.html", {"invitation": invitation, "form": form})
