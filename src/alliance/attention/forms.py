from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core import clock

SNOOZE_DAYS = 7  # the day offered by default: the same day next week


class SnoozeForm(forms.Form):
    until = forms.DateField(
        label=_("Snooze until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = clock.today() + timedelta(days=SNOOZE_DAYS)


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"))

    def __init__(self, *args: Any, team: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = {u.username: u for u in team}
        self.fields["assignee"].choices = [
            (u.username, u.get_full_name() or u.username) for u in team
        ]

    def clean_assignee(self) -> Any:
        return self.team[self.cleaned_data["assignee"]]
