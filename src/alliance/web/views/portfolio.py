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

# Rows of the table shown at first, and added by each "show more".
PORTFOLIO_PAGE = 100


@login_required
@reads_from_replica
def portfolio(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    filterset = PortfolioFilter(
        request.GET or None, queryset=selectors.portfolio_rows(request.user, today=today)
    )
    rows = list(filterset.qs)
    summary = attention.total(rows)
    # The counts sum over every row; the table shows a page at a time, each "show more"
    # adding the next rows below (a lender's representative in 2,000 agreements had a
    # 2.4 MB page and 0.8 s of CPU to render it), so the trust is read for the rows shown.
    pages = max(1, -(-len(rows) // PORTFOLIO_PAGE))
    try:
        page = min(max(int(request.GET.get("page", "1")), 1), pages)
    except ValueError:
        page = 1
    shown = rows[: page * PORTFOLIO_PAGE]
    trust = insights.portfolio_trust(shown)
    for agreement in shown:
        agreement.trust = trust.get(agreement.pk)
    more = request.GET.copy()
    more["page"] = str(page + 1)
    context = {
        "filter": filterset,
        "agreements": shown,
        "total": len(rows),
        "hidden": len(rows) - len(shown),
        "next_count": min(PORTFOLIO_PAGE, len(rows) - len(shown)),
        "more_query": more.urlencode(),
        "summary": summary,
        "sorted_by_need": not filterset.form.cleaned_data.get("sort")
        if filterset.is_bound
        else True,
        "need_label": attention.NEED_LABEL,
        "filtered": any(key != "page" for key in request.GET),
        "today": today,
        "can_create": request.user.is_staff or request.user.is_superuser,
    }
    return render_page(request, "web/portfolio.html", context, partial="results")
