"""Thin views: read through selectors, write through services, 404 for what is not visible."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alliance.accounts import policy
from alliance.partnerships import selectors
from alliance.partnerships.models import Agreement


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    agreements = selectors.portfolio(request.user, search=search)
    return render(
        request,
        "web/portfolio.html",
        {"agreements": agreements, "search": search, "today": timezone.localdate()},
    )


@login_required
def agreement_overview(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement = policy.get_visible_or_404(request.user, Agreement, uuid=agreement_id)
    context = {
        "agreement": agreement,
        "participations": selectors.agreement_parties(agreement),
        "commitments": selectors.open_commitments(request.user, agreement),
        "interactions": selectors.recent_interactions(request.user, agreement),
        "today": timezone.localdate(),
        "is_team": policy.is_team_member(request.user, agreement),
    }
    return render(request, "web/agreement_overview.html", context)
