"""Forms for interactions (and the quick log), notes, topics, expectations, pulses,
responses and grievances."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from alliance.core.models import Confidentiality
from alliance.engagement.choices import InteractionKind
from alliance.engagement.models import (
    Expectation,
    Grievance,
    Interaction,
    PersonNote,
    Topic,
    TrustPulse,
    TrustResponse,
)
from alliance.partnerships.models import Party
from alliance.web.forms.base import DateInput, ServiceForm, parties_of, people_of


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.party})"


class InteractionForm(ServiceForm):
    """An interaction: who was there, what was said, in which tone, for whose eyes."""

    class Meta:
        model = Interaction
        fields = [
            "occurred_on",
            "kind",
            "parties",
            "people",
            "summary",
            "tone",
            "confidentiality",
            "restricted_to",
            "language",
        ]
        widgets = {
            "parties": forms.CheckboxSelectMultiple,
            "tone": forms.RadioSelect,
            "confidentiality": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def limit_choices(self) -> None:
        self.limit("parties", parties_of(self.agreement))
        self.fields["people"] = PersonChoiceField(
            label=capfirst(_("people present")),
            queryset=people_of(self.agreement),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        if not self.instance.pk:
            self.default("kind", InteractionKind.MEETING)
            self.default("occurred_on", timezone.localdate())
            self.default("confidentiality", Confidentiality.SHARED)


class FollowUpForm(forms.Form):
    """A follow-up action agreed in the interaction: it becomes a commitment.

    ``parties`` is the agreement's parties, read once for the whole formset.
    """

    title = forms.CharField(label=_("Follow-up action"), max_length=300, required=False)
    owed_by = forms.ChoiceField(label=_("Owed by"))
    owed_to = forms.ChoiceField(label=_("Owed to"))
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args: Any, parties: Sequence[Party] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parties = {str(p.uuid): p for p in parties}
        choices = [("", "---------"), *((key, str(p)) for key, p in self.parties.items())]
        self.fields["owed_by"].choices = choices
        self.fields["owed_to"].choices = choices

    def has_changed(self) -> bool:
        # A row is used when it has a title; choosing parties alone does not count.
        return bool((self.data.get(self.add_prefix("title")) or "").strip())

    def as_follow_up(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "owed_by": self.parties[data["owed_by"]],
            "owed_to": [self.parties[data["owed_to"]]],
            "due_on": data["due_on"],
        }


FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=3, max_num=10)


class PersonNoteForm(ServiceForm):
    class Meta:
        model = PersonNote
        fields = ["person", "text", "confidentiality", "restricted_to"]
        widgets = {"confidentiality": forms.RadioSelect}

    def limit_choices(self) -> None:
        self.limit("person", people_of(self.agreement))
        if not self.instance.pk:
            self.initial["confidentiality"] = Confidentiality.INTERNAL  # notes start internal


class TopicForm(ServiceForm):
    class Meta:
        model = Topic
        fields = ["name", "description", "target_unit"]


class ExpectationForm(ServiceForm):
    class Meta:
        model = Expectation
        fields = [
            "topic",
            "party",
            "statement",
            "target_date",
            "priority",
            "target_value",
            "recorded_on",
        ]

    def limit_choices(self) -> None:
        self.limit("topic", Topic.objects.filter(agreement=self.agreement))
        self.limit("party", parties_of(self.agreement))
        if self.instance.pk:
            self.fields["topic"].disabled = True
            self.fields["party"].disabled = True
        else:
            self.default("recorded_on", timezone.localdate())

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.instance.pk:
            data.pop("topic", None)
            data.pop("party", None)
        return data


class TrustPulseForm(ServiceForm):
    class Meta:
        model = TrustPulse
        fields = ["title", "opens_on", "closes_on"]


class TrustResponseForm(ServiceForm):
    class Meta:
        model = TrustResponse
        fields = [
            "pulse",
            "respondent",
            "about_party",
            "ability",
            "benevolence",
            "integrity",
            "predictability",
            "communication",
            "comment",
            "submitted_on",
        ]

    def __init__(self, *args: Any, rep_party_id: int | None = None, **kwargs: Any) -> None:
        # A party representative answers for people of their own party only.
        self.rep_party_id = rep_party_id
        super().__init__(*args, **kwargs)

    def limit_choices(self) -> None:
        self.limit("pulse", TrustPulse.objects.filter(agreement=self.agreement))
        respondents = people_of(self.agreement)
        if self.rep_party_id is not None:
            respondents = respondents.filter(party_id=self.rep_party_id)
        self.limit("respondent", respondents)
        self.limit("about_party", parties_of(self.agreement))
        for name in ("ability", "benevolence", "integrity", "predictability", "communication"):
            self.fields[name].widget = forms.NumberInput(attrs={"min": 1, "max": 7})
            self.fields[name].help_text = _("1 (not at all) to 7 (fully)")
        if self.instance.pk:
            for name in ("pulse", "respondent"):
                self.fields[name].disabled = True
        else:
            self.default("submitted_on", timezone.localdate())

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.instance.pk:
            data.pop("pulse", None)
            data.pop("respondent", None)
        return data


class GrievanceForm(ServiceForm):
    class Meta:
        model = Grievance
        fields = [
            "reference",
            "channel",
            "category",
            "complainant",
            "summary",
            "received_on",
            "response_due_on",
            "status",
        ]


class GrievanceRespondForm(forms.Form):
    on = forms.DateField(label=_("Answered on"), widget=DateInput(), initial=timezone.localdate)
    resolution = forms.CharField(
        label=_("Answer or resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolved = forms.BooleanField(label=_("The grievance is resolved"), required=False)
