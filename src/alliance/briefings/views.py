"""The briefs as pages and as PDF downloads, and the team's own points for a meeting. Views
stay thin: the data comes from ``selectors`` (``agreement_brief``) and ``party_selectors``
(``party_brief``), the documents from ``rendering``, the writes from ``services``."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.briefings import rendering, services
from alliance.briefings.forms import PartyBriefNoteForm
from alliance.briefings.models import PartyBriefNote
from alliance.briefings.party_selectors import party_brief
from alliance.briefings.selectors import agreement_brief
from alliance.core import clock
from alliance.core.routers import reads_from_replica
from alliance.partnerships.models import Agreement, Party
from alliance.web.access import access_for
from alliance.web.views.common import render_page, report_refusal


def _agreement(request: HttpRequest, agreement_id: UUID) -> Agreement:
    return policy.get_visible_or_404(request.user, Agreement, uuid=agreement_id)


def _party(request: HttpRequest, agreement: Agreement, party_id: UUID) -> Party:
    """A party of the agreement that the user sees; anything else is a 404."""
    participation = (
        policy.participations_visible_to(request.user)
        .filter(agreement=agreement, party__uuid=party_id)
        .select_related("party", "party__parent")
        .first()
    )
    if participation is None:
        raise Http404
    return participation.party


def _reader_language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "en")[:2]


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def filename(kind: str, reference: str, day: date, language: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in reference)[:60]
    return f"{kind}-{safe or 'agreement'}-{day.isoformat()}-{language}.pdf"


# ----- the agreement brief -----------------------------------------------------------------


@login_required
@reads_from_replica
def agreement_page(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """The agreement brief in the browser, in the reader's language, with its download."""
    agreement = _agreement(request, agreement_id)
    brief = agreement_brief(request.user, agreement, clock.today())
    context = {
        **rendering.agreement_context(brief),
        "agreement": agreement,
        "access": access_for(request.user, agreement),
        "pdf_url": reverse("agreement_brief_pdf", args=[agreement.uuid]),
        "brief_languages": rendering.brief_languages(),
    }
    return render_page(request, "briefings/agreement.html", context)


@login_required
def agreement_pdf(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """The agreement brief as PDF; ``?lang=fr|en|de`` (default: the reader's language)."""
    agreement = _agreement(request, agreement_id)
    language = rendering.language_or_default(request.GET.get("lang"), _reader_language(request))
    today = clock.today()
    content = rendering.agreement_pdf(request.user, agreement, today, language)
    return pdf_response(content, filename("brief", agreement.reference, today, language))


# ----- the party brief ---------------------------------------------------------------------


@login_required
def party_choose(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """Choose the party you are about to meet (``?party=UUID`` goes straight to its brief)."""
    agreement = _agreement(request, agreement_id)
    participations = list(
        policy.participations_visible_to(request.user)
        .filter(agreement=agreement)
        .select_related("party")
        .order_by("party__name")
    )
    chosen = request.GET.get("party", "")
    found = next((p.party for p in participations if str(p.party.uuid) == chosen.strip()), None)
    if found is not None:
        return redirect("party_brief", agreement.uuid, found.uuid)
    context = {
        "agreement": agreement,
        "access": access_for(request.user, agreement),
        "participations": participations,
        "brief_languages": rendering.brief_languages(),
        "language": _reader_language(request),
    }
    return render_page(request, "briefings/party_choose.html", context)


@login_required
def party_page(request: HttpRequest, agreement_id: UUID, party_id: UUID) -> HttpResponse:
    """The party brief in the browser, in the reader's language, with its download."""
    agreement = _agreement(request, agreement_id)
    party = _party(request, agreement, party_id)
    brief = party_brief(request.user, agreement, party, clock.today())
    context = {
        **rendering.party_context(brief),
        "agreement": agreement,
        "party": party,
        "access": access_for(request.user, agreement),
        "pdf_url": reverse("party_brief_pdf", args=[agreement.uuid, party.uuid]),
        "brief_languages": rendering.brief_languages(),
    }
    return render_page(request, "briefings/party.html", context)


@login_required
def party_pdf(request: HttpRequest, agreement_id: UUID, party_id: UUID) -> HttpResponse:
    """The party brief as PDF; ``?lang=fr|en|de`` (default: the reader's language)."""
    agreement = _agreement(request, agreement_id)
    party = _party(request, agreement, party_id)
    language = rendering.language_or_default(request.GET.get("lang"), _reader_language(request))
    today = clock.today()
    content = rendering.party_pdf(request.user, agreement, party, today, language)
    name = f"{agreement.reference or 'agreement'}-{party.short_name or party.name}"
    return pdf_response(content, filename("before-you-meet", name, today, language))


def _team_only(request: HttpRequest, agreement: Agreement) -> Any:
    access = access_for(request.user, agreement)
    if not access.is_team:
        raise Http404
    return access


@login_required
def party_points(request: HttpRequest, agreement_id: UUID, party_id: UUID) -> HttpResponse:
    """The team's own points for a meeting with the party: list, and add one (team only)."""
    agreement = _agreement(request, agreement_id)
    access = _team_only(request, agreement)
    party = _party(request, agreement, party_id)
    back = reverse("party_brief_points", args=[agreement.uuid, party.uuid])
    form = PartyBriefNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.party_brief_note_add(
                actor=request.user, agreement=agreement, party=party, **form.service_data()
            )
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc, form)
        else:
            messages.success(request, _("Your point is added to the brief (internal)."))
            return redirect(back)
    notes = policy.party_brief_notes_visible_to(request.user).filter(
        agreement=agreement, party=party
    )
    context = {
        "agreement": agreement,
        "party": party,
        "access": access,
        "form": form,
        "notes": notes.select_related("author"),
        "brief_url": reverse("party_brief", args=[agreement.uuid, party.uuid]),
    }
    return render_page(request, "briefings/party_points.html", context)


@login_required
def party_point_delete(
    request: HttpRequest, agreement_id: UUID, party_id: UUID, note_id: UUID
) -> HttpResponse:
    """Delete one of the team's points (a confirmation page, then a POST)."""
    agreement = _agreement(request, agreement_id)
    _team_only(request, agreement)
    party = _party(request, agreement, party_id)
    note: PartyBriefNote = policy.get_visible_or_404(
        request.user, PartyBriefNote, uuid=note_id, agreement=agreement, party=party
    )
    back = reverse("party_brief_points", args=[agreement.uuid, party.uuid])
    if request.method == "POST":
        try:
            services.party_brief_note_delete(actor=request.user, note=note)
        except PermissionDenied as exc:
            report_refusal(request, exc)
        else:
            messages.success(request, _("The point is deleted."))
        return redirect(back)
    context = {"agreement": agreement, "party": party, "note": note, "cancel_url": back}
    return render_page(request, "briefings/party_point_delete.html", context)
