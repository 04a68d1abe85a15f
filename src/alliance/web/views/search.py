"""Global search: only what the user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from alliance.core.routers import reads_from_replica
from alliance.web import party_selectors
from alliance.web.views.common import render_page


@login_required
@reads_from_replica
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    results = party_selectors.search(request.user, q)
    context = {
        "q": q,
        "results": results,
        "total": sum(len(rows) for rows in results.values()),
    }
    return render_page(request, "web/search.html", context, partial="results")
