"""Logging in (allauth's flow, throttled by django-axes) and the user's own language."""

from __future__ import annotations

from allauth.account.views import LoginView as AllauthLoginView
from axes.decorators import axes_dispatch, axes_form_invalid
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from alliance.accounts import services
from alliance.accounts.middleware import remember_language


@method_decorator(axes_dispatch, name="dispatch")
@method_decorator(axes_form_invalid, name="form_invalid")
class LoginView(AllauthLoginView):
    """allauth's login; a locked-out address or account gets axes' lockout page (429) before
    the form is even read, and again when a failure locks it."""


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the signed-in user's profile too (their pages
    and e-mails then follow it on every device)."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in services.LANGUAGE_CODES:
        services.profile_set_language(user=request.user, language=language)
        remember_language(request, language)
    return response
