"""Forms for parties, people, agreements, participations, milestones, commitments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from alliance.accounts import policy
from alliance.core import clock
from alliance.partnerships.choices import CommitmentStatus, DueTrigger
from alliance.partnerships.models import (
    Agreement,
    BlackoutPeriod,
    Commitment,
    Milestone,
    Participation,
    Party,
    Person,
    StrategicObjective,
)
from alliance.partnerships.services import resolve_due_date
from alliance.risks.models import LocalIndicator
from alliance.web.forms.base import DateInput, ServiceForm, parties_of


class PartyForm(ServiceForm):
    class Meta:
        model = Party
        fields = [
            "name",
            "short_name",
            "kind",
            "country",
            "level",
            "parent",
            "decision_cycle_days",
            "approval_steps",
            "working_week",
            "holiday_country",
            "holiday_subdivision",
            "fiscal_year_start_month",
        ]

    def limit_choices(self) -> None:
        parents = policy.parties_visible_to(self.user).order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.limit("parent", parents)


class BlackoutPeriodForm(ServiceForm):
    class Meta:
        model = BlackoutPeriod
        fields = ["starts_on", "ends_on", "reason"]


class PersonForm(ServiceForm):
    class Meta:
        model = Person
        fields = ["name", "role_title", "email", "languages"]


class CountriesField(forms.CharField):
    """ISO 3166 codes typed as ``SN, FR`` and kept as a list."""

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        return [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()]

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(value)
        return value or ""

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        bad = [c for c in value if len(c) != 2 or not c.isalpha()]
        if bad:
            raise ValidationError(
                _("Use two-letter ISO 3166 codes (not %(codes)s).") % {"codes": ", ".join(bad)}
            )


class AgreementForm(ServiceForm):
    countries = CountriesField(
        label=capfirst(_("countries")),
        required=False,
        help_text=_("ISO 3166 codes separated by commas, e.g. SN, FR."),
    )

    class Meta:
        model = Agreement
        fields = [
            "title",
            "reference",
            "kind",
            "summary",
            "signed_on",
            "effective_on",
            "ends_on",
            "host_country",
            "countries",
            "value",
            "currency",
            "stage",
        ]


class ParticipationForm(ServiceForm):
    class Meta:
        model = Participation
        fields = [
            "party", "role", "power", "legitimacy", "urgency", "interest", "ended_on", "end_note",
        ]  # fmt: skip

    def limit_choices(self) -> None:
        if self.instance.pk:
            self.fields["party"].disabled = True
            return
        taken = Participation.objects.filter(agreement=self.agreement).values("party_id")
        self.limit(
            "party", policy.parties_visible_to(self.user).exclude(pk__in=taken).order_by("name")
        )

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if self.instance.pk:
            data.pop("party", None)
        return data


class MilestoneForm(ServiceForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "reached_on"]


class CommitmentForm(ServiceForm):
    """A commitment's terms. Its status moves through the status change, not this form."""

    depends_on = forms.ModelMultipleChoiceField(
        label=capfirst(_("depends on")),
        queryset=Commitment.objects.none(),
        required=False,
        help_text=_("Commitments that must be delivered before this one."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Commitment
        fields = [
            "title",
            "clause",
            "description",
            "category",
            "importance",
            "owed_by",
            "owed_to",
            "milestone",
            "start_on",
            "due_on",
            "due_trigger",
            "due_offset_days",
            "recurrence",
            "duration_optimistic",
            "duration_likely",
            "duration_pessimistic",
        ]
        widgets = {"owed_to": forms.CheckboxSelectMultiple}

    def limit_choices(self) -> None:
        parties = parties_of(self.agreement)
        self.limit("owed_by", parties)
        self.limit("owed_to", parties)
        self.limit("milestone", Milestone.objects.filter(agreement=self.agreement))
        others = Commitment.objects.filter(agreement=self.agreement).order_by("due_on")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.default("depends_on", list(self.instance.depends_on.all()))
        self.limit("depends_on", others)
        self.fields["due_on"].required = False
        self.fields["due_on"].help_text = _("Leave empty when counted from a trigger.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        trigger = data.get("due_trigger") or DueTrigger.FIXED
        try:
            relative = resolve_due_date(self.agreement, trigger, data.get("due_offset_days"))
        except ValidationError as exc:
            self.add_error("due_trigger", exc.message_dict["due_trigger"])
            return data
        if relative is not None:
            data["due_on"] = relative
            self.instance.due_on = relative
        elif not data.get("due_on") and "due_on" not in self.errors:
            self.add_error("due_on", _("Give the due date, or the days after a trigger."))
        return data


class CommitmentStatusForm(forms.Form):
    """Move one commitment to a new status, dated, with evidence for a delivery."""

    status = forms.ChoiceField(label=_("New status"), choices=CommitmentStatus.choices)
    on = forms.DateField(label=_("On"), widget=DateInput(), initial=clock.today)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a delivery: what shows it was delivered."),
    )


class BulkStatusForm(CommitmentStatusForm):
    """The same move applied to several commitments at once (all or nothing)."""

    commitments = forms.ModelMultipleChoiceField(
        label=_("Commitments"), queryset=Commitment.objects.none(), to_field_name="uuid"
    )

    def __init__(self, *args: Any, commitments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commitments"].queryset = commitments


class StrategicObjectiveForm(ServiceForm):
    class Meta:
        model = StrategicObjective
        fields = ["source", "code", "title", "commitments", "indicators"]
        widgets = {
            "commitments": forms.SelectMultiple(attrs={"size": 6}),
            "indicators": forms.CheckboxSelectMultiple,
        }

    def limit_choices(self) -> None:
        self.limit("commitments", Commitment.objects.filter(agreement=self.agreement))
        self.limit("indicators", LocalIndicator.objects.filter(agreement=self.agreement))
