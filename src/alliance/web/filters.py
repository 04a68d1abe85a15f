"""One filter class per list: it drives the page's filter form, and exports reuse it.

Choices that name objects use their UUID in the query string (public identifiers only) and are
limited to the agreement being shown.
"""

from __future__ import annotations

from typing import Any

import django_filters as df
from django import forms
from django.db.models import QuerySet
from django.forms.utils import pretty_name
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from alliance.attention import counts as attention
from alliance.core import clock
from alliance.core.models import Confidentiality
from alliance.core.search import text_search
from alliance.engagement.choices import (
    GrievanceCategory,
    GrievanceStatus,
    InteractionKind,
    Tone,
)
from alliance.engagement.models import Grievance, Interaction
from alliance.partnerships.choices import (
    OPEN_COMMITMENT_STATUSES,
    AgreementKind,
    CommitmentCategory,
    CommitmentStatus,
    MaturityStage,
)
from alliance.partnerships.models import Agreement, Commitment, Milestone, Party


class OrderingFilter(df.OrderingFilter):
    """django-filter's, with the "(descending)" labels kept lazy: its own are formatted once
    at import, in English, whatever the reader's language."""

    def build_choices(self, fields: Any, labels: Any) -> list[tuple[str, Any]]:
        choices: list[tuple[str, Any]] = []
        for field, param in fields.items():
            label = labels.get(field, pretty_name(param))
            choices.append((param, label))
            choices.append((f"-{param}", format_lazy(_("{label} (descending)"), label=label)))
        return choices


ANY = _("Any")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _search(queryset: QuerySet, fields: tuple[str, ...], value: str) -> QuerySet:
    """Case-insensitive search over ``fields`` (and their translation in the active language);
    encrypted fields are decrypted and matched within the queryset (``core.search``)."""
    from django.utils.translation import get_language

    lang = (get_language() or "en")[:2]
    return text_search(queryset, fields, value, language=lang)


class PortfolioFilter(df.FilterSet):
    """The portfolio: search, stage, kind, attention needed; sortable columns."""

    ATTENTION = (
        ("overdue", _("Overdue commitments")),
        ("week", _("Due this week")),
        ("due_soon", _("Due in the next 30 days")),
        ("warnings", _("Open early warnings")),
        ("critical", _("Critical warnings")),
    )

    q = df.CharFilter(label=_("Search"), method="filter_q")
    stage = df.ChoiceFilter(label=_("Stage"), choices=MaturityStage.choices, empty_label=ANY)
    kind = df.ChoiceFilter(label=_("Kind"), choices=AgreementKind.choices, empty_label=ANY)
    attention = df.ChoiceFilter(
        label=_("Needs attention"), choices=ATTENTION, method="filter_attention", empty_label=ANY
    )
    # Without a choice the portfolio is sorted by need (``attention.NEED_ORDER``).
    sort = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Need (most urgent first)"),
        fields=(
            ("title", "title"),
            ("signed_on", "signed"),
            ("overdue_commitments", "overdue"),
            ("due_this_week", "week"),
            ("due_soon_commitments", "due_soon"),
            ("open_warnings", "warnings"),
        ),
        field_labels={
            "title": _("Title"),
            "signed_on": _("Signature date"),
            "overdue_commitments": _("Overdue"),
            "due_this_week": _("Due this week"),
            "due_soon_commitments": _("Due in 30 days"),
            "open_warnings": _("Warnings"),
        },
    )

    class Meta:
        model = Agreement
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, ("title", "reference"), value)

    def filter_attention(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        field = {
            "overdue": "overdue_commitments",
            "week": "due_this_week",
            "due_soon": "due_soon_commitments",
            "critical": "warnings_critical",
        }.get(value, "open_warnings")
        return queryset.filter(**{f"{field}__gt": 0})


class AgreementScopedFilter(df.FilterSet):
    """A filter whose object choices are limited to one agreement (pass ``agreement=``)."""

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        scoped = {
            Party: Party.objects.filter(participations__agreement=agreement).order_by("name"),
            Milestone: Milestone.objects.filter(agreement=agreement),
        }
        for f in self.filters.values():
            if isinstance(f, df.ModelChoiceFilter) and f.queryset.model in scoped:
                f.queryset = scoped[f.queryset.model]


class CommitmentFilter(AgreementScopedFilter):
    """Commitments by party, status, category, due window and text; sortable."""

    DUE_WINDOWS = (
        ("overdue", _("Overdue")),
        ("week", _("Due this week")),
        ("30", _("Due in the next 30 days")),
        ("90", _("Due in the next 90 days")),
        ("open", _("Open, late first")),
        ("closed", _("Delivered or waived")),
        ("all", _("All, delivered too")),
    )
    # What the page shows without a choice (the view sets it): not an active filter.
    defaults = {"due": "open"}

    q = df.CharFilter(label=_("Search"), method="filter_q")
    owed_by = df.ModelChoiceFilter(
        label=_("Owed by"), to_field_name="uuid", queryset=Party.objects.none(), empty_label=ANY
    )
    owed_to = df.ModelChoiceFilter(
        label=_("Owed to"),
        to_field_name="uuid",
        queryset=Party.objects.none(),
        distinct=True,
        empty_label=ANY,
    )
    status = df.MultipleChoiceFilter(
        label=_("Status"), choices=CommitmentStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    category = df.ChoiceFilter(
        label=_("Category"), choices=CommitmentCategory.choices, empty_label=ANY
    )
    milestone = df.ModelChoiceFilter(
        label=_("Milestone"),
        to_field_name="uuid",
        queryset=Milestone.objects.none(),
        empty_label=ANY,
    )
    due = df.ChoiceFilter(
        label=_("Show"), choices=DUE_WINDOWS, method="filter_due", empty_label=None
    )
    sort = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Default order"),
        fields=(
            ("due_on", "due"),
            ("title", "title"),
            ("owed_by__name", "owed_by"),
            ("status", "status"),
            ("category", "category"),
            ("clause", "clause"),
        ),
        field_labels={
            "due_on": _("Due date"),
            "title": _("Title"),
            "owed_by__name": _("Owed by"),
            "status": _("Status"),
            "category": _("Category"),
            "clause": _("Clause"),
        },
    )

    class Meta:
        model = Commitment
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, ("title", "clause", "description"), value)

    def filter_due(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        today = clock.today()
        if value == "all":
            return queryset
        if value == "closed":
            return queryset.exclude(status__in=OPEN_COMMITMENT_STATUSES)
        queryset = queryset.filter(status__in=OPEN_COMMITMENT_STATUSES)
        if value == "overdue":
            return queryset.filter(attention.overdue_commitment_q(today))
        if value == "week":
            return queryset.filter(attention.due_this_week_q(today))
        if value in {"30", "90"}:
            return queryset.filter(attention.due_within_q(today, int(value)))
        return queryset


class InteractionFilter(AgreementScopedFilter):
    """Interactions by party, kind, tone, dates and text."""

    q = df.CharFilter(label=_("Search"), method="filter_q")
    party = df.ModelChoiceFilter(
        label=_("Party"),
        field_name="parties",
        to_field_name="uuid",
        queryset=Party.objects.none(),
        distinct=True,
        empty_label=ANY,
    )
    kind = df.ChoiceFilter(label=_("Kind"), choices=InteractionKind.choices, empty_label=ANY)
    tone = df.ChoiceFilter(
        label=_("Tone"), choices=[(str(v), label) for v, label in Tone.choices], empty_label=ANY
    )
    confidentiality = df.ChoiceFilter(
        label=_("Confidentiality"), choices=Confidentiality.choices, empty_label=ANY
    )
    after = df.DateFilter(
        label=_("From"), field_name="occurred_on", lookup_expr="gte", widget=DATE_WIDGET
    )
    before = df.DateFilter(
        label=_("To"), field_name="occurred_on", lookup_expr="lte", widget=DATE_WIDGET
    )

    class Meta:
        model = Interaction
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, ("summary",), value)


class GrievanceFilter(df.FilterSet):
    """The grievance register by status, category and response deadline."""

    q = df.CharFilter(label=_("Search"), method="filter_q")
    status = df.ChoiceFilter(label=_("Status"), choices=GrievanceStatus.choices, empty_label=ANY)
    category = df.ChoiceFilter(
        label=_("Category"), choices=GrievanceCategory.choices, empty_label=ANY
    )
    overdue = df.BooleanFilter(
        label=_("Response overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    sort = OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Default order"),
        fields=(("received_on", "received"), ("response_due_on", "due"), ("reference", "ref")),
        field_labels={
            "received_on": _("Received"),
            "response_due_on": _("Response due"),
            "reference": _("Reference"),
        },
    )

    class Meta:
        model = Grievance
        fields: list[str] = []

    def __init__(self, *args: Any, agreement: Agreement | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search(queryset, ("reference", "summary", "complainant"), value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(attention.unanswered_grievance_q(clock.today()))
