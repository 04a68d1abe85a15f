from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from alliance.notifications.choices import Kind
from alliance.notifications.forms import PreferenceForm
from alliance.notifications.models import MailPreference
from alliance.notifications.services import mail_preference_set


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Which kinds of e-mail the signed-in user receives (their own choice only)."""
    preference = MailPreference.objects.filter(user_id=request.user.pk).first()
    muted = set(preference.muted if preference else [])
    form = PreferenceForm(
        request.POST or None, initial={"kinds": [k for k in Kind.values if k not in muted]}
    )
    if request.method == "POST" and form.is_valid():
        mail_preference_set(actor=request.user, user=request.user, kinds=form.cleaned_data["kinds"])
        messages.success(request, _("Your e-mail choices are saved."))
        return redirect("mail_preferences")
    return render(request, "notifications/preferences.html", {"form": form})
