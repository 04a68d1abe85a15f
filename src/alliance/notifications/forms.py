from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.notifications.choices import Kind


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("E-mail I receive"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a kind to stop receiving it. The pages show everything anyway."),
    )
