"""The user's API tokens and webhook subscriptions: create one (its secret is shown once),
see them (a subscription with its latest deliveries), revoke any."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliance.api import services
from alliance.api.forms import ApiTokenForm, WebhookForm
from alliance.api.models import ApiToken, WebhookSubscription

# Deliveries shown under each subscription (the API gives the whole log).
LOG_LINES = 10


def _refused(form: Any, exc: ValidationError | PermissionDenied) -> None:
    for field, texts in getattr(exc, "message_dict", {"": exc.messages}).items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    context.setdefault("form", ApiTokenForm(user=request.user))
    context.setdefault("webhook_form", WebhookForm(user=request.user))
    subscriptions = list(
        WebhookSubscription.objects.filter(user=request.user).select_related("agreement")
    )
    for s in subscriptions:
        s.log = list(s.deliveries.order_by("-created_at")[:LOG_LINES])  # type: ignore[attr-defined]
    context["tokens"] = ApiToken.objects.filter(user=request.user).select_related("agreement")
    context["subscriptions"] = subscriptions
    invalid = context["form"].errors or context["webhook_form"].errors
    return render(request, "api/tokens.html", context, status=400 if invalid else 200)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.api_token_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            form = ApiTokenForm(user=request.user)
            messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
    return _page(request, form=form, secret=secret)


@login_required
@require_POST
def webhook_create(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST, user=request.user)
    secret = None
    if form.is_valid():
        try:
            _subscription, secret = services.webhook_subscribe(
                actor=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            form = WebhookForm(user=request.user)
            messages.success(request, _("Webhook subscribed."))
    return _page(request, webhook_form=form, webhook_secret=secret)


@login_required
@require_POST
def webhook_revoke(request: HttpRequest, subscription_id: UUID) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, uuid=subscription_id, user=request.user)
    services.webhook_revoke(actor=request.user, subscription=subscription)
    messages.success(request, _("Webhook to %(url)s revoked.") % {"url": subscription.url})
    return redirect("api_tokens")


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: UUID) -> HttpResponse:
    token = get_object_or_404(ApiToken, uuid=token_id, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")
