"""Forms of the review: upload a text, correct a candidate, act on a selection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.extraction.engine.documents import MAX_BYTES
from alliance.extraction.models import Candidate
from alliance.partnerships.choices import CommitmentCategory, Recurrence

LANGUAGES = [("auto", _("Detect")), ("en", _("English")), ("fr", _("French")), ("de", _("German"))]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Agreement text"),
        help_text=_("PDF, DOCX, ODT or plain text; a scanned PDF is read by OCR."),
    )
    title = forms.CharField(label=_("Document title"), max_length=300, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, initial="auto")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class CandidateForm(forms.ModelForm):
    """What the reviewer may correct; the parties are the agreement's."""

    recurrence = forms.ChoiceField(label=_("Recurrence"), choices=(), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=CommitmentCategory.choices)

    class Meta:
        model = Candidate
        fields = ["title", "clause", "owed_by", "owed_to", "due_on", "recurrence", "category"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, parties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owed_by"].queryset = parties
        self.fields["owed_by"].required = not self.instance.owed_by_all
        self.fields["owed_to"].queryset = parties
        self.fields["owed_to"].required = False
        self.fields["recurrence"].choices = [
            (value if value != "none" else "", label) for value, label in Recurrence.choices
        ]
        if self.instance.owed_by_all:
            self.fields["owed_by"].help_text = _(
                "Empty: every party owes it (one commitment each)."
            )


class SelectionForm(forms.Form):
    """Candidates ticked on the review page, and what to do with them."""

    ACTIONS = [("accept", _("Accept")), ("merge", _("Merge")), ("reject", _("Reject"))]
    action = forms.ChoiceField(choices=ACTIONS)
    candidates = forms.ModelMultipleChoiceField(
        queryset=Candidate.objects.none(), to_field_name="uuid"
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates


class AnchorMilestoneForm(forms.Form):
    """An event the text counts from, made a milestone of the agreement."""

    anchor = forms.CharField(widget=forms.HiddenInput, max_length=300)
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_on = forms.DateField(label=_("Expected on"), widget=forms.DateInput(attrs={"type": "date"}))
