"""The parties' own part in a commitment: the party owed confirms or contests a delivery; a
party proposes a new due date and the others accept or refuse it; the parties and the team
comment on it."""

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

from alliance.accounts import policy
from alliance.partnerships import services as partnership_services
from alliance.partnerships.choices import (
    CommentVisibility,
    ConfirmationStatus,
    ProposalAnswer,
    ProposalStatus,
)
from alliance.partnerships.models import (
    Commitment,
    DeliveryConfirmation,
    DueDateAnswer,
    DueDateProposal,
    Party,
)
from alliance.web.forms.counterparts import (
    CommentForm,
    DeliveryAnswerForm,
    DueDateAnswerForm,
    DueDateProposalForm,
)
from alliance.web.views.common import (
    agreement_for,
    cockpit_context,
    insights_outdated,
    labelled,
    render_page,
    report_refusal,
)


@login_required
def delivery_answer(
    request: HttpRequest, agreement_id: UUID, commitment_id: UUID, confirmation_id: UUID
) -> HttpResponse:
    """Confirm or contest a delivery declared to a party: its representatives (or the team on
    its behalf) answer; every member may read the question and its answer."""
    agreement, access = agreement_for(request, agreement_id)
    commitment = policy.get_visible_or_404(
        request.user, Commitment, uuid=commitment_id, agreement=agreement
    )
    confirmation = policy.get_visible_or_404(
        request.user, DeliveryConfirmation, uuid=confirmation_id, commitment=commitment
    )
    may_answer = confirmation.status == ConfirmationStatus.PENDING and policy.can_change(
        request.user, confirmation
    )
    form = DeliveryAnswerForm(request.POST or None) if may_answer else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["answer"] == DeliveryAnswerForm.CONFIRM:
                    partnership_services.delivery_confirm(
                        actor=request.user, confirmation=confirmation, on=data["on"]
                    )
                    done = _("Delivery confirmed for %(party)s.")
                else:
                    partnership_services.delivery_contest(
                        actor=request.user,
                        confirmation=confirmation,
                        reason=data["reason"],
                        on=data["on"],
                    )
                    done = _("Delivery contested for %(party)s: the commitment is open again.")
            except (ValidationError, PermissionDenied) as exc:
                report_refusal(request, exc, form)
            else:
                messages.success(request, done % {"party": confirmation.party})
                insights_outdated(agreement)
                return redirect("commitment", agreement.uuid, commitment.uuid)
    context = cockpit_context(
        request,
        agreement,
        access,
        "commitments",
        commitment=commitment,
        confirmation=confirmation,
        form=form,
    )
    return render_page(request, "web/cockpit/delivery_answer.html", context)


# ----- renegotiation -----


def _commitment(request: HttpRequest, agreement_id: UUID, commitment_id: UUID) -> tuple:
    agreement, access = agreement_for(request, agreement_id)
    commitment = policy.get_visible_or_404(
        request.user, Commitment, uuid=commitment_id, agreement=agreement
    )
    return agreement, access, commitment


def may_propose(access: Any, commitment: Commitment) -> bool:
    """The team, or a representative of the owing party or of a party owed."""
    if not commitment.is_open:
        return False
    if access.is_team:
        return True
    return access.is_rep and access.party_id in partnership_services.parties_concerned(commitment)


@login_required
def due_date_propose(request: HttpRequest, agreement_id: UUID, commitment_id: UUID) -> HttpResponse:
    agreement, access, commitment = _commitment(request, agreement_id, commitment_id)
    if not may_propose(access, commitment):
        raise Http404
    parties = (
        Party.objects.filter(pk__in=partnership_services.parties_concerned(commitment)).order_by(
            "name"
        )
        if access.is_team
        else None
    )
    form = DueDateProposalForm(
        request.POST or None, parties=parties, initial={"party": commitment.owed_by.uuid}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = partnership_services.due_date_propose(
                actor=request.user,
                commitment=commitment,
                to_due_on=data["to_due_on"],
                reason=data["reason"],
                party=data.get("party"),
            )
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc, form)
        else:
            if proposal.status == ProposalStatus.ACCEPTED:
                messages.success(request, _("The new due date is in force."))
                insights_outdated(agreement)
            else:
                messages.success(request, _("New due date proposed: the other parties are asked."))
            return redirect("commitment", agreement.uuid, commitment.uuid)
    context = cockpit_context(
        request, agreement, access, "commitments", commitment=commitment, form=form
    )
    return render_page(request, "web/cockpit/due_date_propose.html", context)


@login_required
def due_date_proposal(
    request: HttpRequest, agreement_id: UUID, commitment_id: UUID, proposal_id: UUID
) -> HttpResponse:
    """A proposed due date with every party's answer; the parties asked (or the team for
    them) accept or refuse, the proposing party (or the team) may withdraw it."""
    agreement, access, commitment = _commitment(request, agreement_id, commitment_id)
    proposal = policy.get_visible_or_404(
        request.user, DueDateProposal, uuid=proposal_id, commitment=commitment
    )
    answerable = policy.due_date_answers_visible_to(request.user).filter(
        proposal=proposal, status=ProposalAnswer.PENDING
    )
    answerable = [
        a for a in answerable.select_related("party") if policy.can_change(request.user, a)
    ]
    if proposal.status != ProposalStatus.OPEN:
        answerable = []
    may_withdraw = proposal.status == ProposalStatus.OPEN and policy.can_change(
        request.user, proposal
    )
    answers_qs = DueDateAnswer.objects.filter(pk__in=[a.pk for a in answerable])
    form = None
    if request.method == "POST":
        if request.POST.get("withdraw"):
            if not may_withdraw:
                raise Http404
            try:
                partnership_services.due_date_withdraw(actor=request.user, proposal=proposal)
            except (ValidationError, PermissionDenied) as exc:
                report_refusal(request, exc)
            else:
                messages.success(request, _("Proposal withdrawn."))
                return redirect("commitment", agreement.uuid, commitment.uuid)
        else:
            if not answerable:
                raise Http404
            form = DueDateAnswerForm(request.POST, answers=answers_qs)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    partnership_services.due_date_answer(
                        actor=request.user,
                        answer=data["answer"],
                        accept=data["decision"] == DueDateAnswerForm.ACCEPT,
                        reason=data["reason"],
                    )
                except (ValidationError, PermissionDenied) as exc:
                    report_refusal(request, exc, form)
                else:
                    proposal.refresh_from_db()
                    if proposal.status == ProposalStatus.ACCEPTED:
                        insights_outdated(agreement)
                        messages.success(
                            request, _("Accepted by every party: the new due date is in force.")
                        )
                    else:
                        messages.success(request, _("Answer recorded."))
                    return redirect("commitment", agreement.uuid, commitment.uuid)
    forms_by_answer = [
        (
            a,
            form
            if form is not None and form.data.get("answer") == str(a.uuid)
            else DueDateAnswerForm(answers=answers_qs, initial={"answer": a.uuid}),
        )
        for a in answerable
    ]
    context = cockpit_context(
        request,
        agreement,
        access,
        "commitments",
        commitment=commitment,
        proposal=proposal,
        answers=proposal.answers.select_related("party", "answered_by"),
        answer_forms=forms_by_answer,
        may_withdraw=may_withdraw,
    )
    return render_page(request, "web/cockpit/due_date_proposal.html", context)


# ----- comments -----


def may_comment(user: Any, access: Any, commitment: Commitment) -> bool:
    """The team, or a representative of one of the commitment's parties."""
    if access.is_team:
        return True
    return access.is_rep and access.party_id in partnership_services.parties_concerned(commitment)


@login_required
def commitment_comment(
    request: HttpRequest, agreement_id: UUID, commitment_id: UUID
) -> HttpResponse:
    """Add a comment (POST); the comments are read on the commitment's page."""
    agreement, access, commitment = _commitment(request, agreement_id, commitment_id)
    if not may_comment(request.user, access, commitment):
        raise Http404
    back = reverse("commitment", args=[agreement.uuid, commitment.uuid]) + "#comments"
    if request.method != "POST":
        return redirect(back)
    form = CommentForm(request.POST, team=access.is_team)
    if form.is_valid():
        try:
            partnership_services.commitment_comment_add(
                actor=request.user,
                commitment=commitment,
                text=form.cleaned_data["text"],
                confidentiality=form.cleaned_data.get("confidentiality", CommentVisibility.SHARED),
            )
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc, form)
        else:
            messages.success(request, _("Comment added."))
            return redirect(back)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, labelled(label, error))
    return redirect(back)
