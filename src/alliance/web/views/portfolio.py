"""The portfolio: every agreement the user may see, with what needs attention."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from alliance.attention import counts as attention
from alliance.core import clock
from alliance.core.routers import reads_from_replica
from alliance.web import insights, selectors
from alliance.web.filters import PortfolioFilter
from alliance.web.views.common import render_page


@login_required
@reads_from_replica
def portfolio(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    filterset = PortfolioFilter(
        request.GET or None, queryset=selectors.portfolio_rows(request.user, today=today)
    )
    rows = list(filterset.qs)
    summary = attention.total(rows)
    trust = insights.portfolio_trust(rows)
    for agreement in rows:
        agreement.trust = trust.get(agreement.pk)
    context = {
        "filter": filterset,
        "agreements": rows,
        "summary": summary,
        "sorted_by_need": not filterset.form.cleaned_data.get("sort")
        if filterset.is_bound
        else True,
        "need_label": attention.NEED_LABEL,
        "filtered": bool(request.GET),
        "today": today,
        "can_create": request.user.is_staff or request.user.is_superuser,
    }
    return render_page(request, "web/portfolio.html", context, partial="results")
