"""The audit log: every change in the agreements the reader owns, filtered, paged, exported.

Read-only: there is no form that changes an event, and on PostgreSQL the table refuses it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.accounts import audit, policy
from alliance.accounts.filters import AuditEventFilter, owned_agreements

PAGE_SIZE = 50
EXPORT_BATCH = 500


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    agreements = owned_agreements(request.user)
    if not agreements.exists():
        raise Http404
    events = policy.audit_events_visible_to(request.user)
    if (
        request.GET.get("agreement")
        and not agreements.filter(uuid=_uuid_or_404(request.GET["agreement"])).exists()
    ):
        raise Http404
    filterset = AuditEventFilter(
        request.GET or None, queryset=events, reader=request.user, agreements=agreements
    )
    rows = filterset.qs.order_by("-at", "-id")
    if request.GET.get("format") == "csv":
        return _export(request, rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "rows": audit.present(page.object_list, request.user),
        "export_url": "?" + _with(request, format="csv"),
    }
    return render(request, "accounts/audit.html", context)


def _with(request: HttpRequest, **params: str) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


def _uuid_or_404(value: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise Http404 from exc


# A cell a spreadsheet would run as a formula gets a leading ' (as interchange's exports do).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _export(request: HttpRequest, events: Any) -> StreamingHttpResponse:
    """The filtered events as CSV, read and redacted in batches (the trail can be long)."""
    writer = csv.writer(_Echo())
    header = [
        _("When (UTC)"),
        _("Who"),
        _("Agreement"),
        _("Action"),
        _("Kind of object"),
        _("Object identifier"),
        _("Object"),
        _("Field"),
        _("Before"),
        _("After"),
    ]

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for start in range(0, events.count(), EXPORT_BATCH):
            batch = events[start : start + EXPORT_BATCH]
            for row in audit.present(batch, request.user):
                common = [
                    row.at.astimezone(UTC).isoformat(timespec="seconds"),
                    row.actor,
                    row.agreement,
                    row.action_label,
                    row.object_label,
                    row.object_id,
                    row.object_repr,
                ]
                common = [_cell(v) for v in common]
                if not row.changes:
                    yield writer.writerow([*common, "", "", ""])
                for c in row.changes:
                    yield writer.writerow([*common, c.label, _cell(c.before), _cell(c.after)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="alliance-audit-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
