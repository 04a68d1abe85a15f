"""Forms of pulse rounds: the round a counsellor opens, and the answers a respondent gives
through their link (radio buttons 1–7 per party and dimension, no typing)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from alliance.core import clock
from alliance.engagement.choices import COMMENT_CONFIDENTIALITY, TRUST_DIMENSIONS
from alliance.engagement.services import default_pairs
from alliance.partnerships.models import Agreement, Party, Person
from alliance.web.forms.base import DateInput, parties_of, people_of

DIMENSION_LABELS = {
    "ability": _("Ability"),
    "benevolence": _("Benevolence"),
    "integrity": _("Integrity"),
    "predictability": _("Predictability"),
    "communication": _("Communication"),
}
# What each dimension asks, in the respondent's words.
DIMENSION_QUESTIONS = {
    "ability": _("They have the skills and means to do what they promise."),
    "benevolence": _("They care about our interests, not only theirs."),
    "integrity": _("They are honest and keep to what was agreed."),
    "predictability": _("We can foresee what they will do, and when."),
    "communication": _("They keep us informed, in time and openly."),
}
# The same statements about one's own party (the self-view of the 360°), in the first person
# plural: the gap with how the others rate it is only meaningful if both ask the same thing.
OWN_DIMENSION_QUESTIONS = {
    "ability": _("We have the skills and means to do what we promise."),
    "benevolence": _("We care about our partners' interests, not only ours."),
    "integrity": _("We are honest and keep to what was agreed."),
    "predictability": _("Our partners can foresee what we will do, and when."),
    "communication": _("We keep our partners informed, in time and openly."),
}


class PulseExtendForm(forms.Form):
    """A later closing date for an open round."""

    closes_on = forms.DateField(label=_("New closing date"), widget=DateInput())


class PulseResendForm(forms.Form):
    """The name of one re-send, drawn when the page is shown: the same form posted twice
    sends nothing twice."""

    batch = forms.UUIDField(widget=forms.HiddenInput)


class PulseRoundForm(forms.Form):
    """A round's title, dates and reminder, and per person of the agreement's parties:
    whether they are asked, in which language, and which parties they rate."""

    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    remind_before_days = forms.IntegerField(
        label=_("Reminder, days before closing"),
        min_value=0,
        max_value=60,
        initial=3,
        help_text=_("Those who have not answered get one reminder (0: none)."),
    )

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = clock.today()
        self.agreement = agreement
        self.fields["title"].initial = _("Trust pulse – %(month)s") % {
            "month": formats.date_format(today, "YEAR_MONTH_FORMAT")
        }
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today + timedelta(days=14)
        self.people = list(people_of(agreement).exclude(archived_from=agreement))
        parties = list(parties_of(agreement))
        party_choices = [(str(p.uuid), p.name) for p in parties]
        self.rows = []
        for person in self.people:
            key = str(person.uuid)
            self.fields[f"include_{key}"] = forms.BooleanField(
                label=person.name, required=False, disabled=not person.email
            )
            self.fields[f"language_{key}"] = forms.ChoiceField(
                label=_("Language"),
                choices=settings.LANGUAGES,
                initial=_first_language(person),
            )
            self.fields[f"about_{key}"] = forms.MultipleChoiceField(
                label=_("Parties rated"),
                choices=party_choices,
                required=False,
                initial=[str(p.uuid) for p in default_pairs(agreement, person)],
                widget=forms.SelectMultiple(attrs={"size": min(len(parties), 6)}),
            )
            self.rows.append(
                (person, self[f"include_{key}"], self[f"language_{key}"], self[f"about_{key}"])
            )
        self.parties_by_uuid = {str(p.uuid): p for p in parties}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("A pulse cannot close before it opens."))
        if closes_on and closes_on < clock.today():
            self.add_error("closes_on", _("A new round cannot close in the past."))
        if not self.respondents():
            raise forms.ValidationError(_("Choose at least one respondent."))
        return data

    def respondents(self) -> list[dict[str, Any]]:
        """What ``pulse_round_open`` receives for each person ticked."""
        chosen = []
        for person in self.people:
            key = str(person.uuid)
            if not self.cleaned_data.get(f"include_{key}"):
                continue
            about = [
                self.parties_by_uuid[u]
                for u in self.cleaned_data.get(f"about_{key}", [])
                if u in self.parties_by_uuid
            ]
            chosen.append(
                {
                    "person": person,
                    "language": self.cleaned_data.get(f"language_{key}"),
                    "about_parties": about or None,
                }
            )
        return chosen


def _first_language(person: Person) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    spoken = [c.strip() for c in person.languages.split(",") if c.strip() in codes]
    return spoken[0] if spoken else settings.LANGUAGE_CODE


def field_name(party: Party, dimension: str) -> str:
    return f"{party.uuid}-{dimension}"


def ratings_from(data: Any, parties: list[Party]) -> dict[str, dict[str, str]]:
    """The ratings a posted answer sheet holds, by party UUID and dimension (as typed)."""
    ratings: dict[str, dict[str, str]] = {}
    for party in parties:
        given = {d: data.get(field_name(party, d), "") for d in TRUST_DIMENSIONS}
        ratings[str(party.uuid)] = {d: v for d, v in given.items() if v}
    return ratings


def privacy_choices() -> list[tuple[str, Any]]:
    return list(COMMENT_CONFIDENTIALITY)
