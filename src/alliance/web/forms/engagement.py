"""Forms for interactions (and the quick log), notes, topics, expectations, pulses,
responses and grievances."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from alliance.core import clock
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


class PeopleByParty(forms.CheckboxSelectMultiple):
    """Each person's box names their party (``data-party``: the value of that party's box in
    ``parties``), so the quick log shows only the people of the parties ticked above it."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        person = getattr(value, "instance", None)
        if person is not None:
            option["attrs"]["data-party"] = str(person.party_id)
        return option


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
            widget=PeopleByParty,
            help_text=_("Once you tick parties, only their people are listed."),
        )
        if not self.instance.pk:
            self.default("kind", InteractionKind.MEETING)
            self.default("occurred_on", clock.today())
        self.internal_by_default()


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
            self.internal_by_default()


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
            self.default("recorded_on", clock.today())

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

    def __init__(
        self,
        *args: Any,
        rep_party_id: int | None = None,
        rep_user_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        # A party representative answers for themselves only (the person of their party
        # linked to their account): a colleague answers through their own link.
        self.rep_party_id = rep_party_id
        self.rep_user_id = rep_user_id
        super().__init__(*args, **kwargs)

    def limit_choices(self) -> None:
        pulses = TrustPulse.objects.filter(agreement=self.agreement)
        if not self.instance.pk:
            # Offer only what can be answered: pulses open on the clock's day.
            today = clock.today()
            pulses = pulses.filter(opens_on__lte=today, closes_on__gte=today, closed_at=None)
            open_now = list(pulses.order_by("closes_on")[:2])
            if len(open_now) == 1:
                self.default("pulse", open_now[0].pk)
            elif not open_now:
                self.fields["pulse"].help_text = _(
                    "No pulse is open on %(day)s: answers are taken only while a pulse is open."
                ) % {"day": formats.date_format(today, "DATE_FORMAT")}
        self.limit("pulse", pulses)
        respondents = people_of(self.agreement)
        if self.rep_party_id is not None:
            respondents = respondents.filter(party_id=self.rep_party_id, user_id=self.rep_user_id)
            if not respondents.exists():
                self.fields["respondent"].help_text = _(
                    "Your account is not linked to a person of your party: ask the counsellor "
                    "team for your personal pulse link."
                )
        self.limit("respondent", respondents)
        self.limit("about_party", parties_of(self.agreement))
        for name in ("ability", "benevolence", "integrity", "predictability", "communication"):
            self.fields[name].widget = forms.NumberInput(attrs={"min": 1, "max": 7})
            self.fields[name].help_text = _("1 (not at all) to 7 (fully)")
        if self.instance.pk:
            for name in ("pulse", "respondent"):
                self.fields[name].disabled = True
        else:
            self.default("submitted_on", clock.today())

    def clean(self) -> dict[str, Any]:
        """Refuse here, with every answer kept on the form, what the service would refuse
        after the answers were typed: a day outside the pulse, a second answer."""
        data = super().clean()
        pulse, submitted_on = data.get("pulse"), data.get("submitted_on")
        if pulse and submitted_on and not pulse.opens_on <= submitted_on <= pulse.closes_on:
            self.add_error(
                "submitted_on",
                _("This pulse takes answers from %(opens)s to %(closes)s.")
                % {
                    "opens": formats.date_format(pulse.opens_on, "DATE_FORMAT"),
                    "closes": formats.date_format(pulse.closes_on, "DATE_FORMAT"),
                },
            )
        respondent, about = data.get("respondent"), data.get("about_party")
        if not self.instance.pk and pulse and respondent and about:
            answered = TrustResponse.objects.filter(
                pulse=pulse, respondent=respondent, about_party=about
            )
            if answered.exists():
                self.add_error(
                    "about_party",
                    _("%(person)s already answered this pulse about %(party)s.")
                    % {"person": respondent.name, "party": about},
                )
        return data

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
    on = forms.DateField(label=_("Answered on"), widget=DateInput(), initial=clock.today)
    resolution = forms.CharField(
        label=_("Answer or resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolved = forms.BooleanField(label=_("The grievance is resolved"), required=False)
