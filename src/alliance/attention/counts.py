"""The one definition of every attention count, on the clock's day.

Overdue commitments, grievances unanswered past their response date, open warnings by
severity and commitments due this week are counted here and nowhere else: the portfolio, the
overview's tiles, the commitment and grievance filters, the briefs and the digests all read
these definitions, so a figure shown on two pages is the same figure. The rules engine's
``overdue_commitment`` and ``grievance_response_overdue`` warnings fire on the same sets
(``alliance.insights.early_warnings``), so the rules panel agrees too on the day it was computed.

Every count starts from the access policy: a user counts only what they may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from alliance.accounts import policy
from alliance.engagement.choices import GrievanceStatus
from alliance.partnerships.choices import (
    OPEN_COMMITMENT_STATUSES,
    RUNNING_COMMITMENT_STATUSES,
    CommitmentStatus,
)
from alliance.partnerships.models import Agreement
from alliance.risks.choices import Severity, WarningStatus

# A commitment runs late only while it is planned, in progress or already late: a disputed
# one has its own status (the dispute stops the clock, as in the trust model), a delivered or
# waived one is closed.
RUNNING_STATUSES = RUNNING_COMMITMENT_STATUSES
DUE_THIS_WEEK_DAYS = 7  # today and the six days after it
DUE_SOON_DAYS = 30
OPEN_GRIEVANCE_STATUSES = (GrievanceStatus.RECEIVED, GrievanceStatus.ANSWERED)
# Most severe first: the order of every list and sort "by need".
SEVERITY_ORDER = (Severity.CRITICAL, Severity.WARNING, Severity.INFO)


def overdue_commitment_q(today: date, prefix: str = "") -> Q:
    """A running commitment whose due date is before ``today``."""
    return Q(**{f"{prefix}status__in": RUNNING_STATUSES, f"{prefix}due_on__lt": today})


def is_overdue(commitment: Any, today: date) -> bool:
    """The same test as :func:`overdue_commitment_q`, on a commitment already read."""
    return commitment.status in RUNNING_STATUSES and commitment.due_on < today


def is_past_due_in_dispute(commitment: Any, today: date) -> bool:
    """A disputed commitment whose due date has passed: not counted overdue (the dispute stops
    the clock), but shown as past due so that nobody reads it as on time."""
    return commitment.status == CommitmentStatus.DISPUTED and commitment.due_on < today


def open_commitment_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": OPEN_COMMITMENT_STATUSES})


def due_within_q(today: date, days: int, prefix: str = "") -> Q:
    """An open commitment due between ``today`` and ``days`` days later (both included)."""
    return open_commitment_q(prefix) & Q(
        **{f"{prefix}due_on__gte": today, f"{prefix}due_on__lte": today + timedelta(days=days)}
    )


def due_this_week_q(today: date, prefix: str = "") -> Q:
    """An open commitment due today or in the six days after."""
    return due_within_q(today, DUE_THIS_WEEK_DAYS - 1, prefix)


def unanswered_grievance_q(today: date, prefix: str = "") -> Q:
    """A grievance neither answered nor resolved, whose response date is before ``today``."""
    return Q(
        **{
            f"{prefix}responded_on__isnull": True,
            f"{prefix}resolved_on__isnull": True,
            f"{prefix}response_due_on__lt": today,
        }
    )


def open_grievance_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": OPEN_GRIEVANCE_STATUSES})


def open_warning_q(prefix: str = "") -> Q:
    """Open or acknowledged: a warning leaves the lists only when it is resolved."""
    return ~Q(**{f"{prefix}status": WarningStatus.RESOLVED})


@dataclass(frozen=True)
class AttentionCounts:
    """What needs attention in one agreement (or a sum over several), as one user sees it."""

    open_commitments: int = 0
    overdue: int = 0
    due_this_week: int = 0
    due_soon: int = 0
    open_grievances: int = 0
    overdue_grievances: int = 0
    warnings_critical: int = 0
    warnings_warning: int = 0
    warnings_info: int = 0

    @property
    def open_warnings(self) -> int:
        return self.warnings_critical + self.warnings_warning + self.warnings_info

    @property
    def warnings_by_severity(self) -> list[tuple[str, Any, int]]:
        """(severity, its label, count), most severe first."""
        counts = {
            Severity.CRITICAL: self.warnings_critical,
            Severity.WARNING: self.warnings_warning,
            Severity.INFO: self.warnings_info,
        }
        return [(s.value, s.label, counts[s]) for s in SEVERITY_ORDER]

    def __add__(self, other: AttentionCounts) -> AttentionCounts:
        return AttentionCounts(
            **{name: getattr(self, name) + getattr(other, name) for name in FIELDS}
        )


# Count field -> the annotation that holds it on an agreement row.
FIELDS = {
    "open_commitments": "open_commitments",
    "overdue": "overdue_commitments",
    "due_this_week": "due_this_week",
    "due_soon": "due_soon_commitments",
    "open_grievances": "open_grievances",
    "overdue_grievances": "overdue_grievances",
    "warnings_critical": "warnings_critical",
    "warnings_warning": "warnings_warning",
    "warnings_info": "warnings_info",
}


def _per_agreement(queryset: QuerySet, condition: Q) -> Coalesce:
    """How many rows of ``queryset`` match ``condition`` in the outer agreement."""
    rows = (
        queryset.filter(condition, agreement=OuterRef("pk"))
        .order_by()
        .values("agreement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_attention(queryset: QuerySet[Agreement], user: Any, today: date) -> QuerySet[Agreement]:
    """``queryset`` with every attention count as an annotation (``FIELDS``' names, plus
    ``open_warnings``), each counted over what ``user`` may see: one query for any number of
    agreements, which can still be filtered and sorted on the counts."""
    commitments = policy.commitments_visible_to(user)
    grievances = policy.grievances_visible_to(user)
    warnings = policy.early_warnings_visible_to(user).filter(open_warning_q())
    return queryset.annotate(
        open_commitments=_per_agreement(commitments, open_commitment_q()),
        overdue_commitments=_per_agreement(commitments, overdue_commitment_q(today)),
        due_this_week=_per_agreement(commitments, due_this_week_q(today)),
        due_soon_commitments=_per_agreement(commitments, due_within_q(today, DUE_SOON_DAYS)),
        open_grievances=_per_agreement(grievances, open_grievance_q()),
        overdue_grievances=_per_agreement(grievances, unanswered_grievance_q(today)),
        warnings_critical=_per_agreement(warnings, Q(severity=Severity.CRITICAL)),
        warnings_warning=_per_agreement(warnings, Q(severity=Severity.WARNING)),
        warnings_info=_per_agreement(warnings, Q(severity=Severity.INFO)),
    ).annotate(open_warnings=F("warnings_critical") + F("warnings_warning") + F("warnings_info"))


def counts_of(row: Agreement) -> AttentionCounts:
    """The counts of an agreement read by :func:`with_attention`."""
    return AttentionCounts(**{name: getattr(row, column) for name, column in FIELDS.items()})


def attention_counts(user: Any, agreement: Agreement, today: date) -> AttentionCounts:
    """The attention counts of one agreement as ``user`` sees it: the same conditions as
    :func:`with_attention`, counted in three small queries (commitments, grievances, open
    warnings by severity) rather than one with nine correlated subqueries, which took Django
    twice as long to build as the three together (the overview and both briefs ask)."""
    commitments = (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement)
        .aggregate(
            open_commitments=Count("pk", filter=open_commitment_q()),
            overdue=Count("pk", filter=overdue_commitment_q(today)),
            due_this_week=Count("pk", filter=due_this_week_q(today)),
            due_soon=Count("pk", filter=due_within_q(today, DUE_SOON_DAYS)),
        )
    )
    grievances = (
        policy.grievances_visible_to(user)
        .filter(agreement=agreement)
        .aggregate(
            open_grievances=Count("pk", filter=open_grievance_q()),
            overdue_grievances=Count("pk", filter=unanswered_grievance_q(today)),
        )
    )
    by_severity = dict(
        policy.early_warnings_visible_to(user)
        .filter(open_warning_q(), agreement=agreement)
        .order_by()
        .values_list("severity")
        .annotate(n=Count("pk"))
    )
    return AttentionCounts(
        **commitments,
        **grievances,
        warnings_critical=by_severity.get(Severity.CRITICAL, 0),
        warnings_warning=by_severity.get(Severity.WARNING, 0),
        warnings_info=by_severity.get(Severity.INFO, 0),
    )


def total(rows: list[Agreement]) -> AttentionCounts:
    """The sum of the counts of agreement rows read by :func:`with_attention`."""
    summed = AttentionCounts()
    for row in rows:
        summed = summed + counts_of(row)
    return summed


# Sorting "by need": the agreement with the most high-severity warnings first, then the most
# overdue commitments, then medium warnings, unanswered grievances, work due this week and
# low-severity warnings; the title breaks ties.
NEED_ORDER = (
    "-warnings_critical",
    "-overdue_commitments",
    "-warnings_warning",
    "-overdue_grievances",
    "-due_this_week",
    "-warnings_info",
    "title",
)
NEED_LABEL = _(
    "by need: high-severity warnings, then overdue commitments, medium warnings, grievances "
    "past their response date, work due this week"
)
