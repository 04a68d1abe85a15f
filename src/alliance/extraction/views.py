"""The review of candidate commitments: upload an agreement's text, read it beside what the
engine proposes, accept, edit, merge or reject. Team only — everyone else gets 404, as for
something that does not exist. Thin views: reads through selectors and the access policy,
writes through services."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from alliance.accounts import policy
from alliance.extraction import selectors, services
from alliance.extraction.choices import CandidateStatus
from alliance.extraction.forms import (
    AnchorMilestoneForm,
    CandidateForm,
    SelectionForm,
    UploadForm,
)
from alliance.extraction.models import Candidate, ExtractionRun
from alliance.partnerships.models import AgreementDocument
from alliance.web.views.common import (
    agreement_for,
    cockpit_context,
    insights_outdated,
    render_page,
    report_refusal,
)


def _team_agreement(request: HttpRequest, agreement_id: UUID) -> tuple[Any, Any]:
    agreement, access = agreement_for(request, agreement_id)
    if not access.is_team:
        raise Http404
    return agreement, access


@login_required
@require_http_methods(["GET", "POST"])
def extraction_home(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = _team_agreement(request, agreement_id)
    if request.method == "POST" and "document" in request.POST:
        return _read_kept_document(request, agreement)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = services.agreement_text_read(
                actor=request.user,
                agreement=agreement,
                upload=upload,
                title=form.cleaned_data["title"] or upload.name,
                language=form.cleaned_data["language"],
            )
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc, form)
        else:
            return _to_review(request, agreement, run)
    context = cockpit_context(
        request,
        agreement,
        access,
        "commitments",
        form=form,
        runs=selectors.runs_for(request.user, agreement),
        documents=agreement.documents.all(),
    )
    return render_page(request, "extraction/home.html", context)


def _to_review(request: HttpRequest, agreement: Any, run: ExtractionRun) -> HttpResponse:
    count = run.candidates.count()
    messages.success(
        request,
        ngettext(
            "%(n)d candidate commitment to review.",
            "%(n)d candidate commitments to review.",
            count,
        )
        % {"n": count},
    )
    return redirect("extraction_run", agreement.uuid, run.uuid)


def _read_kept_document(request: HttpRequest, agreement: Any) -> HttpResponse:
    """Read a document already kept with the agreement."""
    document = policy.get_visible_or_404(
        request.user, AgreementDocument, uuid=request.POST["document"], agreement=agreement
    )
    try:
        run = services.agreement_document_read(actor=request.user, document=document)
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
        return redirect("extraction", agreement.uuid)
    return _to_review(request, agreement, run)


def _run(request: HttpRequest, agreement: Any, run_id: UUID) -> ExtractionRun:
    return policy.get_visible_or_404(request.user, ExtractionRun, uuid=run_id, agreement=agreement)


@login_required
def run_review(request: HttpRequest, agreement_id: UUID, run_id: UUID) -> HttpResponse:
    agreement, access = _team_agreement(request, agreement_id)
    run = _run(request, agreement, run_id)
    candidates = selectors.candidates_of(request.user, run)
    show = request.GET.get("show", "open")
    listed = [c for c in candidates if show == "all" or c.status == CandidateStatus.PROPOSED]
    context = cockpit_context(
        request,
        agreement,
        access,
        "commitments",
        run=run,
        candidates=listed,
        show=show,
        counts={s: sum(c.status == s for c in candidates) for s in CandidateStatus.values},
        missing={c.pk: services.missing_for_acceptance(c) for c in listed},
        text=selectors.highlighted_text(run, candidates),
        anchors=selectors.open_anchors(candidates),
        changes={
            "added": [c for c in candidates if c.change == "added"],
            "altered": [c for c in candidates if c.change == "altered"],
            "removed": run.removed,
        },
    )
    return render_page(request, "extraction/review.html", context)


@login_required
@require_POST
def run_selection(request: HttpRequest, agreement_id: UUID, run_id: UUID) -> HttpResponse:
    """Accept, merge or reject the ticked candidates."""
    agreement, _access = _team_agreement(request, agreement_id)
    run = _run(request, agreement, run_id)
    visible = policy.candidates_visible_to(request.user).filter(run=run)
    form = SelectionForm(request.POST, candidates=visible)
    back = reverse("extraction_run", args=[agreement.uuid, run.uuid])
    if not form.is_valid():
        messages.error(request, _("Tick at least one candidate and choose what to do."))
        return redirect(back)
    chosen = sorted(form.cleaned_data["candidates"], key=lambda c: c.position)
    action = form.cleaned_data["action"]
    try:
        if action == "accept":
            accepted, left = services.candidates_accept_many(actor=request.user, candidates=chosen)
            if accepted:
                insights_outdated(agreement)
            messages.success(
                request,
                ngettext(
                    "%(n)d candidate accepted into the register.",
                    "%(n)d candidates accepted into the register.",
                    len(accepted),
                )
                % {"n": len(accepted)},
            )
            for candidate, missing in left:
                messages.warning(
                    request,
                    _("%(clause)s “%(title)s” still needs %(what)s.")
                    % {
                        "clause": candidate.clause,
                        "title": candidate.title[:60],
                        "what": _(" and ").join(missing) or _("review"),
                    },
                )
        elif action == "merge":
            into = services.candidate_merge(actor=request.user, candidates=chosen)
            messages.success(request, _("Merged into one candidate."))
            return redirect(f"{back}#cand-{into.uuid}")
        else:
            for candidate in chosen:
                services.candidate_reject(actor=request.user, candidate=candidate)
            messages.success(
                request,
                ngettext("%(n)d candidate rejected.", "%(n)d candidates rejected.", len(chosen))
                % {"n": len(chosen)},
            )
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
    return redirect(back)


@login_required
@require_POST
def run_anchor(request: HttpRequest, agreement_id: UUID, run_id: UUID) -> HttpResponse:
    """Make an event the text counts from a milestone; its candidates get their dates."""
    agreement, _access = _team_agreement(request, agreement_id)
    run = _run(request, agreement, run_id)
    form = AnchorMilestoneForm(request.POST)
    back = reverse("extraction_run", args=[agreement.uuid, run.uuid])
    if not form.is_valid():
        messages.error(request, _("Give the milestone a title and a date."))
        return redirect(back)
    try:
        milestone = services.anchor_milestone_create(
            actor=request.user, run=run, **form.cleaned_data
        )
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
    else:
        messages.success(request, _("Milestone “%(title)s” created.") % {"title": milestone.title})
    return redirect(back)


def _candidate(request: HttpRequest, agreement: Any, candidate_id: UUID) -> Candidate:
    return policy.get_visible_or_404(
        request.user, Candidate, uuid=candidate_id, run__agreement=agreement
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidate_edit(request: HttpRequest, agreement_id: UUID, candidate_id: UUID) -> HttpResponse:
    agreement, access = _team_agreement(request, agreement_id)
    candidate = _candidate(request, agreement, candidate_id)
    parties = agreement.parties.all().order_by("name")
    form = CandidateForm(request.POST or None, instance=candidate, parties=parties)
    back = reverse("extraction_run", args=[agreement.uuid, candidate.run.uuid])
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.candidate_update(actor=request.user, candidate=candidate, **changes)
            if request.POST.get("then") == "accept":
                services.candidate_accept(actor=request.user, candidate=candidate)
                insights_outdated(agreement)
                messages.success(request, _("Accepted into the register."))
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc, form)
        else:
            return redirect(f"{back}#cand-{candidate.uuid}")
    context = cockpit_context(
        request,
        agreement,
        access,
        "commitments",
        candidate=candidate,
        form=form,
        back=back,
        missing=services.missing_for_acceptance(candidate),
    )
    return render_page(request, "extraction/candidate_form.html", context)


@login_required
@require_POST
def candidate_verdict(
    request: HttpRequest, agreement_id: UUID, candidate_id: UUID, verdict: str
) -> HttpResponse:
    agreement, _access = _team_agreement(request, agreement_id)
    candidate = _candidate(request, agreement, candidate_id)
    back = reverse("extraction_run", args=[agreement.uuid, candidate.run.uuid])
    try:
        if verdict == "accept":
            services.candidate_accept(actor=request.user, candidate=candidate)
            insights_outdated(agreement)
            messages.success(request, _("Accepted into the register."))
        elif verdict == "reject":
            services.candidate_reject(actor=request.user, candidate=candidate)
            messages.success(request, _("Rejected."))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
    return redirect(f"{back}#cand-{candidate.uuid}")
