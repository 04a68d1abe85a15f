"""Forms of the parties' own part in a commitment: answering a delivery, renegotiating a
due date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core import clock
from alliance.partnerships.choices import CommentVisibility
from alliance.partnerships.models import DueDateAnswer, Party
from alliance.web.forms.base import DateInput


class DeliveryAnswerForm(forms.Form):
    """The party owed says whether it got what was declared delivered."""

    CONFIRM, CONTEST = "confirm", "contest"
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (CONFIRM, _("Confirm: we received what was declared delivered")),
            (CONTEST, _("Contest: we did not receive it as declared")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to contest. Both sides will read it; the commitment stays open."),
    )
    on = forms.DateField(label=_("On"), widget=DateInput(), initial=clock.today)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("answer") == self.CONTEST and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the delivery is contested."))
        return data


class DueDateProposalForm(forms.Form):
    """A party asks to move a commitment's due date, and says why."""

    to_due_on = forms.DateField(label=_("New due date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The other parties concerned read it before they accept or refuse."),
    )
    party = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Party.objects.none(), to_field_name="uuid"
    )

    def __init__(self, *args: Any, parties: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parties is None:
            del self.fields["party"]  # a representative proposes for their own party
        else:
            self.fields["party"].queryset = parties


class DueDateAnswerForm(forms.Form):
    """A party concerned accepts or refuses a proposed due date."""

    ACCEPT, REFUSE = "accept", "refuse"
    answer = forms.ModelChoiceField(
        queryset=DueDateAnswer.objects.none(), to_field_name="uuid", widget=forms.HiddenInput
    )
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(ACCEPT, _("Accept the new due date")), (REFUSE, _("Refuse it"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to refuse."),
    )

    def __init__(self, *args: Any, answers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].queryset = answers

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == self.REFUSE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the new due date is refused."))
        return data


class CommentForm(forms.Form):
    """A comment on a commitment; the team chooses who reads it."""

    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
    confidentiality = forms.ChoiceField(
        label=_("Who reads it"),
        choices=CommentVisibility.choices,
        initial=CommentVisibility.INTERNAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Internal: the counsellor team only. Shared: also the representatives of the "
            "commitment's parties, who will read it as written."
        ),
    )

    def __init__(self, *args: Any, team: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not team:
            del self.fields["confidentiality"]  # a representative writes to the parties
