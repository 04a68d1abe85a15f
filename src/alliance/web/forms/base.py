"""The base of every entity form: date pickers, choices limited to the agreement or party."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from alliance.core.models import Confidentiality
from alliance.partnerships.models import Agreement, Party, Person

DATE_FORMAT = "%Y-%m-%d"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATE_FORMAT)


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


def members_of(agreement: Agreement) -> QuerySet:
    """The users who hold a role on ``agreement`` (candidates for a restricted item)."""
    return get_user_model().objects.filter(memberships__agreement=agreement).order_by("username")


def parties_of(agreement: Agreement) -> QuerySet[Party]:
    return Party.objects.filter(participations__agreement=agreement).order_by("name")


def people_of(agreement: Agreement) -> QuerySet[Person]:
    return (
        Person.objects.filter(party__participations__agreement=agreement)
        .select_related("party")
        .order_by("party__name", "name")
    )


class ServiceForm(forms.ModelForm):
    """A model form that only validates: ``service_data()`` is what the service receives.

    ``agreement`` (or ``party``) is the parent the object hangs from; subclasses limit their
    choices to it in ``limit_choices``.
    """

    def __init__(
        self,
        *args: Any,
        agreement: Agreement | None = None,
        party: Party | None = None,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agreement, self.party, self.user = agreement, party, user
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput(attrs=field.widget.attrs)
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        if "restricted_to" in self.fields and agreement is not None:
            self.fields["restricted_to"] = UserChoiceField(
                queryset=members_of(agreement),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                label=capfirst(self._meta.model._meta.get_field("restricted_to").verbose_name),
                help_text=self._meta.model._meta.get_field("restricted_to").help_text,
            )
        self.limit_choices()

    def limit_choices(self) -> None:
        """Limit related-object choices to the agreement (override per form)."""

    def internal_by_default(self) -> None:
        """What a counsellor writes starts internal to the counsellor team: sharing it with
        every member (party representatives included) is a deliberate, visible choice."""
        if "confidentiality" not in self.fields:
            return
        self.fields["confidentiality"].help_text = _(
            "Internal unless you choose otherwise: only the counsellor team reads it. Choose "
            "“Shared with all members” only if party representatives and viewers may read it."
        )
        if not self.instance.pk:
            self.initial["confidentiality"] = Confidentiality.INTERNAL

    def default(self, name: str, value: Any) -> None:
        """Start a new object's field at ``value`` unless the form already has one."""
        if self.initial.get(name) in (None, ""):
            self.initial[name] = value

    def limit(self, name: str, queryset: QuerySet) -> None:
        if name in self.fields:
            self.fields[name].queryset = queryset

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name, value in data.items():
            if isinstance(value, QuerySet):
                data[name] = list(value)
        return data


def choices_of(model: type[models.Model], field: str) -> list[tuple[Any, str]]:
    return list(model._meta.get_field(field).choices or [])
