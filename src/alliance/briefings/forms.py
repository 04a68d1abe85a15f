"""The form of a counsellor's own point for a meeting with a party."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.briefings.models import PartyBriefNote


class PartyBriefNoteForm(forms.ModelForm):
    """Validates only: the service (``party_brief_note_add``) writes."""

    class Meta:
        model = PartyBriefNote
        fields = ("kind", "text", "answer")
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "answer": _("For a question they will likely ask: what we answer."),
        }

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
