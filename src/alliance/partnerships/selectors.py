"""Reads that feed pages about agreements. Every queryset starts from the access policy."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from alliance.accounts import policy
from alliance.partnerships.choices import OPEN_COMMITMENT_STATUSES
from alliance.partnerships.models import Agreement, Commitment, Participation


def portfolio(user: Any, *, today: date | None = None, search: str = "") -> QuerySet[Agreement]:
    """The agreements ``user`` may see, each annotated with its open, due-soon and overdue
    commitment counts (one query whatever the number of agreements)."""
    today = today or timezone.localdate()
    open_q = Q(commitments__status__in=OPEN_COMMITMENT_STATUSES)
    qs = policy.agreements_visible_to(user).annotate(
        open_commitments=Count("commitments", filter=open_q),
        overdue_commitments=Count("commitments", filter=open_q & Q(commitments__due_on__lt=today)),
        due_soon_commitments=Count(
            "commitments",
            filter=open_q
            & Q(
                commitments__due_on__gte=today, commitments__due_on__lte=today + timedelta(days=30)
            ),
        ),
    )
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(reference__icontains=search))
    return qs.order_by("-signed_on", "title")


def agreement_parties(agreement: Agreement) -> QuerySet[Participation]:
    return agreement.participations.select_related("party").order_by("party__name")


def open_commitments(user: Any, agreement: Agreement, *, limit: int = 50) -> QuerySet[Commitment]:
    """The agreement's open commitments, soonest due first, with what they need to render."""
    return (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement, status__in=OPEN_COMMITMENT_STATUSES)
        .select_related("owed_by", "milestone")
        .prefetch_related(Prefetch("owed_to"))
        .order_by("due_on")[:limit]
    )


def recent_interactions(user: Any, agreement: Agreement, *, limit: int = 20) -> QuerySet:
    return (
        policy.interactions_visible_to(user)
        .filter(agreement=agreement)
        .prefetch_related("parties")
        .order_by("-occurred_on", "-created_at")[:limit]
    )
