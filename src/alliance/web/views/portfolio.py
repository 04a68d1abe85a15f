"""The portfolio: every agreement the user may see, with what needs attention."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from alliance.web import insights, selectors
from alliance.web.filters import PortfolioFilter
from alliance.web.views.common import render_page


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filterset = PortfolioFilter(
        request.GET or None, queryset=selectors.portfolio_rows(request.user, today=today)
    )
    rows = list(filterset.qs)
    trust = insights.portfolio_trust(rows)
    for agreement in rows:
        agreement.trust = trust.get(agreement.pk)
    context = {
        "filter": filterset,
        "agreements": rows,
        "filtered": bool(request.GET),
        "today": today,
        "can_create": request.user.is_staff or request.user.is_superuser,
    }
    return render_page(request, "web/portfolio.html", context, partial="results")
