"""What every view shares: HTMX-aware rendering, the agreement a page is about, the tabs, and
turning a service's refusal into messages that name the field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from alliance.accounts import policy
from alliance.analytics.tasks import insights_outdated  # noqa: F401 (the views' import)
from alliance.core import clock
from alliance.partnerships.models import Agreement
from alliance.web.access import Access, access_from


def is_partial(request: HttpRequest) -> bool:
    """An HTMX request asks for a fragment, unless htmx restores its history (full page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_page(
    request: HttpRequest,
    template: str,
    context: Mapping[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The full page, or only ``template#partial`` for an HTMX request."""
    name = f"{template}#{partial}" if partial and is_partial(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@dataclass(frozen=True)
class Tab:
    slug: str
    label: Any
    url_name: str


TABS = (
    Tab("overview", _("Overview"), "agreement"),
    Tab("parties", _("Parties"), "agreement_parties"),
    Tab("commitments", _("Commitments"), "agreement_commitments"),
    Tab("interactions", _("Interactions"), "agreement_interactions"),
    Tab("expectations", _("Expectations"), "agreement_expectations"),
    Tab("trust", _("Trust"), "agreement_trust"),
    Tab("risks", _("Risks & regulation"), "agreement_risks"),
    Tab("local", _("Local integration"), "agreement_local"),
    Tab("grievances", _("Grievances"), "agreement_grievances"),
)


def agreement_for(request: HttpRequest, agreement_id: UUID) -> tuple[Agreement, Access]:
    """The agreement the URL names, if the user may see it (else 404), and their access: one
    query for a member (``policy.visible_agreement_with_membership``)."""
    agreement, membership = policy.visible_agreement_with_membership(
        request.user, uuid=agreement_id
    )
    return agreement, access_from(request.user, agreement, membership)


def cockpit_context(
    request: HttpRequest, agreement: Agreement, access: Access, tab: str, **extra: Any
) -> dict[str, Any]:
    tabs = [(t, reverse(t.url_name, args=[agreement.uuid]), t.slug == tab) for t in TABS]
    return {
        "agreement": agreement,
        "access": access,
        "tab": tab,
        "tabs": tabs,
        "current_tab": next(t for t in TABS if t.slug == tab),
        "today": clock.today(),
        **extra,
    }


def report_refusal(
    request: HttpRequest, exc: ValidationError | PermissionDenied, form: forms.Form | None = None
) -> None:
    """Show a service's refusal: inline on the form's fields where it names one, and as
    messages that name the field."""
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("You may not change this item."))
        if form is not None:
            form.add_error(None, str(exc) or _("You may not change this item."))
        return
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    for field, texts in errors.items():
        label = _field_label(form, field)
        for text in texts:
            messages.error(request, labelled(label, text))
        if form is None:
            continue
        target = field if field in form.fields else None
        for text in texts:
            form.add_error(target, text if target else labelled(label, text))


def labelled(label: Any, text: Any) -> str:
    """``"Field: message"`` with the punctuation of the reader's language."""
    if not label:
        return str(text)
    return _("%(label)s: %(message)s") % {"label": label, "message": text}


def _field_label(form: forms.Form | None, field: str) -> str:
    if field == NON_FIELD_ERRORS:
        return ""
    if form is not None and field in form.fields:
        return str(form.fields[field].label or field)
    model = getattr(getattr(form, "_meta", None), "model", None)
    try:
        return str(model._meta.get_field(field).verbose_name).capitalize()  # type: ignore[union-attr]
    except Exception:
        return field.replace("_", " ").capitalize()
