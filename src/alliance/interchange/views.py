"""Import (upload → preview → confirm → progress), exports and calendar feeds. Thin views:
reads through selectors and the access policy, writes through services; anything a user
may not see answers 404."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance.accounts import policy
from alliance.interchange import exports, publish, selectors, services
from alliance.interchange.entities import BY_NAME, SPECS
from alliance.interchange.forms import ImportForm
from alliance.interchange.icalendar_feed import build_calendar
from alliance.interchange.models import ImportStatus
from alliance.interchange.report import ImportReport
from alliance.interchange.tabular import too_large_for_a_request
from alliance.partnerships.models import Agreement

BACKGROUND_BYTES = getattr(settings, "INTERCHANGE_BACKGROUND_BYTES", 2 * 1024 * 1024)


def _download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _entities() -> list[tuple[str, str]]:
    """Each entity's file name (``trust_responses``) with its name for people, in the
    reader's language (“Trust responses”)."""
    return [(s.name, capfirst(s.model._meta.verbose_name_plural)) for s in SPECS]


def _require_importer(request: HttpRequest) -> None:
    if not selectors.may_import(request.user):
        raise Http404


def _run(batch: Any, *, commit: bool) -> None:
    """Small files run now; large ones go to the task worker, and so does a small workbook
    that unpacks to more than a web request should parse (a zip bomb past the archive
    checks, or merely a very repetitive sheet)."""
    if batch.file.size > BACKGROUND_BYTES or too_large_for_a_request(Path(batch.file.path)):
        from alliance.interchange.tasks import import_batch_task

        batch.status = ImportStatus.IMPORTING if commit else ImportStatus.PREVIEWING
        batch.save(update_fields=["status"])
        import_batch_task.enqueue(batch.pk, commit, translation.get_language())
    else:
        services.import_batch_run(batch, commit=commit)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    # Opened from an agreement's page: that agreement is chosen (the field takes its UUID).
    initial = {"agreement": request.GET["agreement"]} if "agreement" in request.GET else None
    form = ImportForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_batch_create(
                actor=request.user,
                upload=form.cleaned_data["file"],
                fmt=form.cleaned_data["format"],
                agreement=form.cleaned_data["agreement"],
            )
        except ValidationError as exc:  # the upload folder full or not writable
            form.add_error("file", exc)
        else:
            _run(batch, commit=False)
            return redirect("interchange:batch", batch_id=batch.uuid)
    context = {"form": form, "entities": _entities()}
    return render(request, "interchange/import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_batch(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    batch = selectors.batch_for(request.user, batch_id)
    if batch is None:
        raise Http404
    if request.method == "POST":
        if batch.status != ImportStatus.PREVIEWED:
            messages.error(request, _("This file cannot be imported in its present state."))
        else:
            _run(batch, commit=True)
        return redirect("interchange:batch", batch_id=batch.uuid)
    done, total = services.import_batch_progress(batch)
    context = {
        "batch": batch,
        "report": ImportReport.from_dict(batch.report) if batch.report.get("file") else None,
        # Set when the task worker stopped mid-way (alliance.operations.leases).
        "interrupted": batch.report.get("interrupted", ""),
        "done": done,
        "total": total,
        "labels": dict(_entities()),
    }
    return render(request, "interchange/batch.html", context)


@login_required
def import_mapping_csv(request: HttpRequest, batch_id: UUID) -> HttpResponse:
    """The mapping report of an import (or its preview) as CSV, for the uploader only."""
    batch = selectors.batch_for(request.user, batch_id)
    if batch is None or not batch.report:
        raise Http404
    report = ImportReport.from_dict(batch.report)
    return _download(
        exports.mapping_csv(report), "text/csv; charset=utf-8", f"mapping-{batch.uuid}.csv"
    )


@login_required
def template_download(request: HttpRequest, entity: str, fmt: str) -> HttpResponse:
    _require_importer(request)
    if entity not in BY_NAME or fmt not in {"csv", "xlsx"}:
        raise Http404
    content_type = exports.CSV_TYPE if fmt == "csv" else exports.XLSX_TYPE
    return _download(exports.template(entity, fmt), content_type, f"{entity}.{fmt}")


def _agreement(request: HttpRequest, agreement_id: UUID) -> Agreement:
    return policy.get_visible_or_404(request.user, Agreement, uuid=agreement_id)


@login_required
def export_page(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    context = {"agreement": agreement, "entities": _entities()}
    return render(request, "interchange/export.html", context)


@login_required
def export_entity_csv(request: HttpRequest, agreement_id: UUID, entity: str) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    if entity not in BY_NAME:
        raise Http404
    text = exports.export_csv(request.user, entity, [agreement.pk])
    # A BOM so that spreadsheet programs read the UTF-8 correctly.
    return _download("\ufeff" + text, exports.CSV_TYPE, f"{entity}.csv")


@login_required
def export_workbook(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    content = exports.export_xlsx(request.user, [agreement.pk])
    return _download(content, exports.XLSX_TYPE, f"alliance-{agreement.uuid}.xlsx")


@login_required
def export_oc4ids(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    content = exports.export_oc4ids(request.user, [agreement.pk])
    return _download(content, exports.JSON_TYPE, f"oc4ids-{agreement.uuid}.json")


@login_required
def export_ocds(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """The agreement as an OCDS 1.1 release package (what the user may see)."""
    agreement = _agreement(request, agreement_id)
    package = publish.ocds_package(request.user, [agreement.pk])
    content = json.dumps(package, ensure_ascii=False, indent=2)
    return _download(content, "application/json", f"ocds-{agreement.uuid}.json")


@login_required
def export_iati(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """The agreement as an IATI 2.03 activity; 404 when the user sees no funding party
    of it (IATI reports what a funder funds)."""
    agreement = _agreement(request, agreement_id)
    content = publish.iati_document(request.user, [agreement.pk])
    if b"<iati-activity " not in content:
        raise Http404
    return _download(content, "application/xml", f"iati-{agreement.uuid}.xml")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement = _agreement(request, agreement_id)
    feed = selectors.active_feed(request.user, agreement)
    # Only the token's hash is stored: a new address is shown once, on the page that follows
    # its making (kept in the session until then).
    fresh_key = f"calendar_feed_{agreement.uuid}"
    if request.method == "POST":
        if request.POST.get("action") == "revoke" and feed is not None:
            services.calendar_feed_revoke(actor=request.user, feed=feed)
            messages.success(request, _("The calendar address no longer works."))
        else:
            feed = services.calendar_feed_issue(actor=request.user, agreement=agreement)
            request.session[fresh_key] = feed.token
            messages.success(request, _("A new calendar address was made; the old one is off."))
        return redirect("interchange:calendar", agreement_id=agreement.uuid)
    token = request.session.pop(fresh_key, None)
    url = request.build_absolute_uri(reverse("interchange:feed", args=[token])) if token else ""
    return render(
        request, "interchange/calendar.html", {"agreement": agreement, "feed": feed, "url": url}
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret address a calendar subscribes to: no login, the token is the key."""
    feed = selectors.feed_by_token(token)
    if feed is None:
        raise Http404
    feed.last_read_at = timezone.now()
    feed.save(update_fields=["last_read_at"])
    content = build_calendar(feed.user, feed.agreement)
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")
