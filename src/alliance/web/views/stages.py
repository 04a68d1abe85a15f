"""The team's decision on a proposed stage change (confirm or dismiss), and its page."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliance.accounts import policy
from alliance.analytics.choices import StageChangeStatus
from alliance.analytics.models import StageChange
from alliance.analytics.stages import stage_change_confirm, stage_change_dismiss
from alliance.insights.parameters import MATURITY
from alliance.web.views.common import agreement_for, report_refusal


def pending_context(change: StageChange | None) -> dict:
    """What ``stage_pending.html`` needs: the proposal and the day it would apply by itself."""
    if change is None or change.status != StageChangeStatus.PENDING:
        return {"pending_stage": None}
    applies = change.first_seen_on + timedelta(days=MATURITY.downgrade_after_days)
    return {"pending_stage": change, "pending_stage_applies_on": applies}


@login_required
@require_http_methods(["GET", "POST"])
def stage_change(request: HttpRequest, agreement_id: UUID, change_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    if not access.is_team:
        raise Http404
    change = policy.get_visible_or_404(
        request.user, StageChange, uuid=change_id, agreement=agreement
    )
    if request.method == "POST":
        decide = {"confirm": stage_change_confirm, "dismiss": stage_change_dismiss}.get(
            request.POST.get("action", "")
        )
        if decide is None:
            raise Http404
        try:
            decide(actor=request.user, change=change)
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc)
        else:
            messages.success(
                request,
                _("Stage recorded: %(stage)s.") % {"stage": change.get_to_stage_display()}
                if change.status == StageChangeStatus.APPLIED
                else _("The recorded stage stays %(stage)s.")
                % {"stage": agreement.get_stage_display()},
            )
        return redirect("agreement", agreement.uuid)
    context = {"agreement": agreement, "access": access, "change": change}
    return render(request, "web/cockpit/stage_change.html", {**context, **pending_context(change)})
