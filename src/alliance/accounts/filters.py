"""The audit log's one filter: it drives the page's filter form and its CSV export."""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alliance.accounts.choices import AuditAction, Role
from alliance.accounts.models import AuditEvent
from alliance.accounts.policy import agreements_visible_to
from alliance.partnerships.models import Agreement

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditEventFilter(df.FilterSet):
    agreement = df.ModelChoiceFilter(
        label=_("Agreement"), queryset=Agreement.objects.none(), to_field_name="uuid"
    )
    actor = df.ModelChoiceFilter(
        label=_("Who"), queryset=get_user_model().objects.none(), empty_label=_("Anyone")
    )
    action = df.ChoiceFilter(label=_("Action"), choices=AuditAction.choices, empty_label=_("Any"))
    object_type = df.ChoiceFilter(label=_("Kind of object"), choices=(), empty_label=_("Any"))
    object_id = df.CharFilter(label=_("Object (identifier)"), widget=forms.HiddenInput)
    since = df.DateFilter(
        label=_("From"), field_name="at", lookup_expr="date__gte", widget=DATE_WIDGET
    )
    until = df.DateFilter(
        label=_("To"), field_name="at", lookup_expr="date__lte", widget=DATE_WIDGET
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def __init__(self, *args: Any, reader: Any, agreements: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        filters = self.filters
        filters["agreement"].queryset = agreements.order_by("title")
        actor_ids = self.queryset.order_by().values("actor_id").distinct()
        filters["actor"].queryset = (
            get_user_model().objects.filter(pk__in=actor_ids).order_by("username")
        )
        filters["object_type"].extra["choices"] = _object_types(self.queryset)


def _object_types(events: QuerySet) -> list[tuple[str, str]]:
    labels = events.order_by().values_list("object_type", flat=True).distinct()
    choices = []
    for label in labels:
        try:
            name = str(apps.get_model(label)._meta.verbose_name).capitalize()
        except (LookupError, ValueError):
            name = label
        choices.append((label, name))
    return sorted(choices, key=lambda c: c[1])


def owned_agreements(reader: Any) -> QuerySet[Agreement]:
    """The agreements whose trail ``reader`` may read (owners; administrators: all)."""
    if reader.is_superuser:
        return agreements_visible_to(reader)
    return agreements_visible_to(reader).filter(
        memberships__user_id=reader.pk, memberships__role=Role.OWNER
    )
