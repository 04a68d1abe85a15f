"""The forms of the API tokens page: a new token, a new webhook subscription."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.accounts import policy
from alliance.api.choices import DEFAULT_TOKEN_DAYS, TokenScope, WebhookEvent
from alliance.core import clock


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, e.g. “Power BI report” or “ministry portal”."),
    )
    scope = forms.ChoiceField(
        label=_("May"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("Never more than you may yourself: the token acts as you."),
    )
    agreement = forms.ModelChoiceField(
        label=_("Only this agreement"),
        queryset=None,
        required=False,
        to_field_name="uuid",
        empty_label=_("All my agreements"),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = policy.agreements_visible_to(user).order_by("title")
        self.fields["expires_on"].initial = clock.today() + timedelta(days=DEFAULT_TOKEN_DAYS)


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An HTTPS address of your system that receives the events as JSON."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    agreement = forms.ModelChoiceField(
        label=_("Only this agreement"),
        queryset=None,
        required=False,
        to_field_name="uuid",
        empty_label=_("All my agreements"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = policy.agreements_visible_to(user).order_by("title")
