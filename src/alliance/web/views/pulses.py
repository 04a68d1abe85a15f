"""Pulse rounds: the team opens one and follows it; each respondent answers through a personal
link, with no account, on a phone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from alliance.accounts import policy
from alliance.core import clock
from alliance.engagement import pulse_links
from alliance.engagement import services as engagement_services
from alliance.engagement.choices import TRUST_DIMENSIONS
from alliance.engagement.models import PulseRespondent, TrustPulse
from alliance.notifications import jobs
from alliance.notifications import services as notification_services
from alliance.notifications.outbox import deliver_due
from alliance.web import selectors
from alliance.web.forms.pulses import (
    DIMENSION_LABELS,
    DIMENSION_QUESTIONS,
    OWN_DIMENSION_QUESTIONS,
    PulseExtendForm,
    PulseResendForm,
    PulseRoundForm,
    field_name,
    privacy_choices,
    ratings_from,
)
from alliance.web.views.common import (
    agreement_for,
    cockpit_context,
    labelled,
    render_page,
    report_refusal,
)

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


# ----- the team's side --------------------------------------------------------------------


@login_required
def round_open(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    if not policy.can_change(request.user, TrustPulse(agreement=agreement)):
        raise Http404
    form = PulseRoundForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                pulse = engagement_services.pulse_round_open(
                    actor=request.user,
                    agreement=agreement,
                    title=data["title"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    remind_before_days=data["remind_before_days"],
                    respondents=form.respondents(),
                )
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc, form)
        else:
            # The invitations are written to the outbox now (the daily job would otherwise
            # write them), and leave with the worker's next tick.
            written = jobs.pulse_mail(clock.today(), pulses=[pulse])
            transaction.on_commit(deliver_due)
            if written:
                text = ngettext(
                    "Pulse round opened: %(n)s invitation is on its way.",
                    "Pulse round opened: %(n)s invitations are on their way.",
                    written,
                ) % {"n": written}
            else:
                text = _("Pulse round opened; the invitations leave on its opening day.")
            messages.success(request, text)
            return redirect("pulse_round", agreement.uuid, pulse.uuid)
    context = cockpit_context(request, agreement, access, "trust", form=form)
    return render_page(request, "web/cockpit/pulse_round_open.html", context)


def _round_for_team(
    request: HttpRequest, agreement_id: UUID, pulse_id: UUID
) -> tuple[Any, Any, TrustPulse]:
    """The round the URL names, for the counsellor team only (404 for anyone else)."""
    agreement, access = agreement_for(request, agreement_id)
    if not access.is_team:
        raise Http404
    pulse = policy.get_visible_or_404(request.user, TrustPulse, uuid=pulse_id, agreement=agreement)
    return agreement, access, pulse


@login_required
def round_detail(request: HttpRequest, agreement_id: UUID, pulse_id: UUID) -> HttpResponse:
    """Who was asked, who answered, and each answer (the team only: per-respondent detail),
    with the controls of a round still open: re-send, extend, close early."""
    agreement, access, pulse = _round_for_team(request, agreement_id, pulse_id)
    today = clock.today()
    may_change = policy.can_change(request.user, pulse)
    context = cockpit_context(
        request,
        agreement,
        access,
        "trust",
        pulse=pulse,
        is_open=pulse_links.round_takes_answers(pulse, today),
        may_control=may_change and pulse_links.round_takes_answers(pulse, today, or_will=True),
        resend_form=PulseResendForm(initial={"batch": uuid4()}),
        extend_form=PulseExtendForm(initial={"closes_on": pulse.closes_on + timedelta(days=7)}),
        **selectors.pulse_round(request.user, pulse),
    )
    return render_page(request, "web/cockpit/pulse_round.html", context)


@login_required
def round_resend(request: HttpRequest, agreement_id: UUID, pulse_id: UUID) -> HttpResponse:
    """Send the invitation again to those who have not answered (POST)."""
    agreement, _access, pulse = _round_for_team(request, agreement_id, pulse_id)
    back = reverse("pulse_round", args=[agreement.uuid, pulse.uuid])
    if request.method != "POST":
        return redirect(back)
    form = PulseResendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This form is out of date: reload the page and try again."))
        return redirect(back)
    try:
        sent = notification_services.pulse_invitations_resend(
            actor=request.user, pulse=pulse, batch=form.cleaned_data["batch"]
        )
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
        return redirect(back)
    transaction.on_commit(deliver_due)
    if sent:
        text = ngettext(
            "Invitation sent again to %(n)s person who has not answered.",
            "Invitation sent again to %(n)s people who have not answered.",
            sent,
        ) % {"n": sent}
        messages.success(request, text)
    else:
        messages.info(
            request,
            _("No invitation was sent: everyone still asked has answered, muted these "
              "e-mails, or was already sent this one."),
        )  # fmt: skip
    return redirect(back)


@login_required
def round_extend(request: HttpRequest, agreement_id: UUID, pulse_id: UUID) -> HttpResponse:
    """Move the round's closing date later (POST)."""
    agreement, _access, pulse = _round_for_team(request, agreement_id, pulse_id)
    back = reverse("pulse_round", args=[agreement.uuid, pulse.uuid])
    if request.method != "POST":
        return redirect(back)
    form = PulseExtendForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, labelled(form.fields[field].label, error))
        return redirect(back)
    try:
        pulse = engagement_services.pulse_round_extend(
            actor=request.user, pulse=pulse, closes_on=form.cleaned_data["closes_on"]
        )
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc, form)
    else:
        messages.success(
            request,
            _("The round now closes on %(day)s.")
            % {"day": date_format(pulse.closes_on, "DATE_FORMAT")},
        )
    return redirect(back)


@login_required
def round_close(request: HttpRequest, agreement_id: UUID, pulse_id: UUID) -> HttpResponse:
    """Close the round now, after a confirmation (GET shows it, POST closes)."""
    agreement, access, pulse = _round_for_team(request, agreement_id, pulse_id)
    back = reverse("pulse_round", args=[agreement.uuid, pulse.uuid])
    if request.method == "POST":
        try:
            engagement_services.pulse_round_close(actor=request.user, pulse=pulse)
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc)
        else:
            messages.success(request, _("The round is closed: its links no longer take answers."))
        return redirect(back)
    if not policy.can_change(request.user, pulse):
        raise Http404
    if not pulse_links.round_takes_answers(pulse, clock.today()):
        messages.info(request, _("This round is not open."))
        return redirect(back)
    context = cockpit_context(
        request,
        agreement,
        access,
        "trust",
        pulse=pulse,
        **selectors.pulse_round(request.user, pulse),
    )
    return render_page(request, "web/cockpit/pulse_round_close.html", context)


# ----- the respondent's side (no account: the link is the authority) ----------------------


def _dead(request: HttpRequest, *, answered: PulseRespondent | None = None) -> HttpResponse:
    """A link that cannot be used. A forged link and an expired (or not yet open) one get
    the same page, status and language — the one the browser asks for, not the sheet's — so
    that probing links tells nothing about which exist; a spent link says it was used."""
    if answered is not None:  # what this browser kept of the answers is no longer needed
        context = {
            "answered": True,
            "draft_key": pulse_links.draft_key(request.resolver_match.kwargs["token"]),
            "today": clock.today().isoformat(),
        }
        return render(request, "web/pulse/dead.html", context, status=410)
    return render(request, "web/pulse/dead.html", {"answered": False}, status=404)


@never_cache
def answer(request: HttpRequest, token: str) -> HttpResponse:
    sheet = pulse_links.sheet_by_token(token)
    if sheet is None:
        return _dead(request)
    state = pulse_links.state_of(sheet)
    if state == pulse_links.State.ANSWERED:
        return _dead(request, answered=sheet)
    if state != pulse_links.State.OPEN:
        return _dead(request)
    language = request.GET.get("lang", "")
    language = language if language in LANGUAGE_CODES else sheet.language
    with translation.override(language):
        response = _answer(request, sheet, language)
    response.headers.setdefault("Content-Language", language)
    # The link is a secret: never sent to another site. (Not "no-referrer": the browser would
    # then post the form with "Origin: null", which the CSRF check refuses.)
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _answer(request: HttpRequest, sheet: PulseRespondent, language: str) -> HttpResponse:
    token = request.resolver_match.kwargs["token"]
    own = sheet.person.party_id
    parties = sorted(sheet.about_parties.all(), key=lambda p: (p.pk != own, p.name))
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        ratings = ratings_from(request.POST, parties)
        comment = request.POST.get("comment", "")
        privacy = request.POST.get("comment_confidentiality", "internal")
        action = request.POST.get("action", "")
        try:
            if action == "send":
                engagement_services.pulse_answers_submit(
                    sheet=sheet, ratings=ratings, comment=comment, comment_confidentiality=privacy
                )
                context = {
                    "sheet": sheet,
                    "draft_key": pulse_links.draft_key(token),
                    "today": clock.today().isoformat(),
                }
                return render(request, "web/pulse/thanks.html", context)
            engagement_services.pulse_draft_save(
                sheet=sheet, ratings=ratings, comment=comment, comment_confidentiality=privacy
            )
            anchor = action.partition(":")[2]
            target = f"{request.path}?lang={language}&saved=1"
            return redirect(target + (f"#{anchor}" if anchor.isalnum() else ""))
        except ValidationError as exc:
            sheet.refresh_from_db()
            state = pulse_links.state_of(sheet)
            if state != pulse_links.State.OPEN:  # sent from another tab, or closed meanwhile
                answered = sheet if state == pulse_links.State.ANSWERED else None
                return _dead(request, answered=answered)
            errors = getattr(exc, "message_dict", {"__all__": exc.messages})
            # Keep what was typed, even though it cannot be sent yet.
            engagement_services.pulse_draft_save(
                sheet=sheet, ratings=ratings, comment=comment, comment_confidentiality=privacy
            )
            sheet.refresh_from_db()
            status = 400
    draft = sheet.draft or {}
    saved = draft.get("ratings", {})
    sections = []
    for index, party in enumerate(parties):
        questions = OWN_DIMENSION_QUESTIONS if party.pk == own else DIMENSION_QUESTIONS
        rows = []
        for d in TRUST_DIMENSIONS:
            rows.append(
                {
                    "name": field_name(party, d),
                    "label": DIMENSION_LABELS[d],
                    "question": questions[d],
                    "value": saved.get(str(party.uuid), {}).get(d),
                }
            )
        done = len(saved.get(str(party.uuid), {})) == len(TRUST_DIMENSIONS)
        sections.append(
            {
                "party": party,
                "own": party.pk == own,
                "rows": rows,
                "done": done,
                "anchor": f"p{index + 1}",
                "next": f"p{index + 2}" if index + 1 < len(parties) else "comment",
                "errors": errors.get(str(party.uuid), []),
            }
        )
    context = {
        "sheet": sheet,
        "pulse": sheet.pulse,
        "agreement": sheet.pulse.agreement,
        "sections": sections,
        "scale": range(1, 8),
        "comment": draft.get("comment", ""),
        "comment_confidentiality": draft.get("comment_confidentiality", "internal"),
        "privacy_choices": privacy_choices(),
        "errors": errors.get("__all__", []),
        "has_errors": bool(errors),
        "saved": request.GET.get("saved") == "1" and not errors,
        # alliance.js counts again what the form holds (taps, a draft put back).
        "answered_sections": format_html(
            "<span data-pulse-done>{}</span>", sum(1 for s in sections if s["done"])
        ),
        "language": language,
        "form_languages": settings.LANGUAGES,
        "action": reverse("pulse_answer", args=[token]),
        # The browser keeps what is tapped under this key until the link expires (alliance.js).
        "draft_key": pulse_links.draft_key(token),
        "draft_expires": timezone.localtime(sheet.expires_at).date().isoformat(),
        "today": clock.today().isoformat(),
    }
    return render(request, "web/pulse/answer.html", context, status=status)
