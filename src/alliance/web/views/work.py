"""The cockpit's working tabs: commitments (table, Gantt, status moves), interactions (timeline
and quick log), risks and regulation, local integration, grievances."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alliance.accounts import policy
from alliance.attention import counts as attention
from alliance.core import clock
from alliance.engagement import services as engagement_services
from alliance.engagement.models import Grievance
from alliance.partnerships import services as partnership_services
from alliance.partnerships.models import Commitment
from alliance.web import cascade, insight_figures, insights, selectors
from alliance.web.filters import CommitmentFilter, GrievanceFilter, InteractionFilter
from alliance.web.forms.base import parties_of
from alliance.web.forms.counterparts import CommentForm
from alliance.web.forms.engagement import FollowUpFormSet, GrievanceRespondForm, InteractionForm
from alliance.web.forms.partnerships import BulkStatusForm, CommitmentStatusForm
from alliance.web.views import counterparts
from alliance.web.views.common import (
    agreement_for,
    cockpit_context,
    insights_outdated,
    is_partial,
    labelled,
    render_page,
    report_refusal,
)

TAB_PARTIAL = "tab"
PAGE_SIZE = 50  # a page a person reads; the filters find the rest


# ----- commitments -----


def _changeable(access: Any, commitments: Any) -> Any:
    """The commitments whose status this user may move (the policy's rule, as a queryset)."""
    if access.is_team:
        return commitments
    if access.is_rep:
        return commitments.filter(owed_by_id=access.party_id)
    return commitments.none()


@login_required
def commitments(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    today = clock.today()
    base = selectors.commitments_for_table(request.user, agreement)
    query = request.GET.copy()
    if not query.get("due"):
        query["due"] = "open"  # what needs doing first; delivered ones are one choice away
    filterset = CommitmentFilter(query, queryset=base, agreement=agreement)
    listed = filterset.qs
    if not query.get("sort"):
        listed = selectors.late_first(listed, today)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    found = insights.panels(agreement, "schedule")
    schedule = insight_figures.localize_references(
        found["schedule"].data, selectors.localized_titles(request.user, agreement)
    )
    if found["schedule"].snapshot is not None:  # the panel shows the titles in this language
        found["schedule"].snapshot.data = schedule
    forecast_rows = insight_figures.forecast_rows(schedule)
    cascade_rows = insight_figures.cascade_rows(schedule)
    chains = cascade.chains_for(request.user, agreement, cascade_rows, forecast_rows, today)
    forecast = {
        uuid: (row["p50"], row["p80"])
        for uuid, row in ((r["commitment"]["uuid"], r) for r in forecast_rows)
    }
    context = cockpit_context(
        request,
        agreement,
        access,
        "commitments",
        filter=filterset,
        page=page,
        commitments=rows,
        tally=selectors.commitment_tally(base, today),
        due=query["due"],
        changeable={c.pk for c in rows if access.may_change_commitment(c)},
        overdue={c.pk for c in rows if attention.is_overdue(c, today)},
        past_due_in_dispute={c.pk for c in rows if attention.is_past_due_in_dispute(c, today)},
        bulk_form=BulkStatusForm(commitments=Commitment.objects.none()),
        gantt=selectors.gantt([c for c in rows if c.is_open], today, forecast),
        panels=found,
        forecast=forecast_rows,
        milestone_forecast=insight_figures.milestone_rows(
            schedule, _risk_titles(request, agreement, schedule)
        ),
        cascade=cascade_rows,
        chains=chains[: cascade.MAX_CHAINS],
        more_chains=chains[cascade.MAX_CHAINS :],
        calibration=insight_figures.schedule_calibration_lines(schedule),
    )
    return render_page(request, "web/cockpit/commitments.html", context, partial=TAB_PARTIAL)


@login_required
@require_POST
def commitments_bulk_status(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """Move the selected commitments to one status: all of them, or none if one is refused."""
    agreement, access = agreement_for(request, agreement_id)
    visible = policy.commitments_visible_to(request.user).filter(agreement=agreement)
    form = BulkStatusForm(request.POST, commitments=_changeable(access, visible))
    back = reverse("agreement_commitments", args=[agreement.uuid])
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, labelled(label, error))
        return redirect(_back_with_query(request, back))
    data = form.cleaned_data
    selected = list(data["commitments"])
    try:
        with transaction.atomic():
            failures = _move_all(request, selected, data)
            if failures:
                raise _Rollback
    except _Rollback:
        messages.error(request, _("Nothing was changed: fix the commitments named above."))
    else:
        insights_outdated(agreement)
        messages.success(
            request,
            ngettext(
                "%(n)d commitment moved to “%(status)s”.",
                "%(n)d commitments moved to “%(status)s”.",
                len(selected),
            )
            % {"n": len(selected), "status": dict(form.fields["status"].choices)[data["status"]]},
        )
    return redirect(_back_with_query(request, back))


class _Rollback(Exception):
    """Undo a bulk change when one of its items was refused."""


def _move_all(request: HttpRequest, selected: list[Commitment], data: dict) -> int:
    failures = 0
    for commitment in selected:
        try:
            with transaction.atomic():
                partnership_services.commitment_change_status(
                    actor=request.user,
                    commitment=commitment,
                    status=data["status"],
                    on=data["on"],
                    evidence=data["evidence"],
                )
        except PermissionDenied as exc:
            failures += 1
            messages.error(request, labelled(commitment, exc))
        except ValidationError as exc:
            failures += 1
            for field, texts in _named_errors(exc).items():
                for text in texts:
                    detail = labelled(field, text)
                    messages.error(
                        request, _("%(item)s — %(detail)s") % {"item": commitment, "detail": detail}
                    )
    return failures


def _named_errors(exc: ValidationError) -> dict[str, list[str]]:
    """Errors keyed by the field's translated name (``Evidence``), as the messages show them."""
    if not hasattr(exc, "error_dict"):
        return {str(_("Status")): exc.messages}
    named = {}
    for field, texts in exc.message_dict.items():
        try:
            label = str(Commitment._meta.get_field(field).verbose_name).capitalize()
        except FieldDoesNotExist:
            label = field
        named[label] = texts
    return named


def _back_with_query(request: HttpRequest, url: str) -> str:
    query = request.POST.get("return_query", "")
    return f"{url}?{query}" if query and not query.startswith(("/", "http")) else url


@login_required
def commitment_detail(
    request: HttpRequest, agreement_id: UUID, commitment_id: UUID
) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    commitment = policy.get_visible_or_404(
        request.user, Commitment, uuid=commitment_id, agreement=agreement
    )
    may_change = access.may_change_commitment(commitment)
    form = CommitmentStatusForm(request.POST or None) if may_change else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                partnership_services.commitment_change_status(
                    actor=request.user, commitment=commitment, **form.cleaned_data
                )
            except (ValidationError, PermissionDenied) as exc:
                report_refusal(request, exc, form)
            else:
                messages.success(
                    request,
                    _("Status changed to “%(s)s”.") % {"s": commitment.get_status_display()},
                )
                insights_outdated(agreement)
                return redirect(request.path)
    context = cockpit_context(
        request,
        agreement,
        access,
        "commitments",
        commitment=commitment,
        **_commitment_forecast(request, agreement, commitment),
        status_form=form,
        may_change=may_change,
        may_propose=counterparts.may_propose(access, commitment),
        comment_form=CommentForm(team=access.is_team)
        if counterparts.may_comment(request.user, access, commitment)
        else None,
        **selectors.commitment_detail(request.user, commitment),
    )
    return render_page(request, "web/cockpit/commitment_detail.html", context)


def _risk_titles(request: HttpRequest, agreement: Any, schedule: dict) -> dict[str, str]:
    """The risks this reader may see, asked only when the forecast has a tornado to show."""
    if not any(m.get("risks") for m in schedule.get("milestones") or ()):
        return {}
    return selectors.risk_titles(request.user, agreement)


def _commitment_forecast(request: HttpRequest, agreement: Any, commitment: Any) -> dict:
    """The commitment's own forecast and its milestone's (plan, P50, P80, contingency, risk
    tornado), from the newest schedule snapshot (one query, three more with a milestone)."""
    snapshot = insights.latest_snapshots(agreement, ["schedule"]).get("schedule")
    schedule = snapshot.data if snapshot is not None else {}
    uuid = str(commitment.uuid)
    rows = insight_figures.forecast_rows(schedule)
    own = next((r for r in rows if r["commitment"]["uuid"] == uuid), None)
    milestone = None
    if commitment.milestone_id and schedule.get("milestones"):
        titles = selectors.localized_titles(request.user, agreement)
        schedule = insight_figures.localize_references(schedule, titles)
        milestone = insight_figures.commitment_milestone(
            insight_figures.milestone_rows(schedule, _risk_titles(request, agreement, schedule)),
            str(commitment.milestone.uuid),
        )
    return {"own_forecast": own, "milestone_forecast": milestone, "schedule": snapshot}


# ----- interactions -----


@login_required
def interactions(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    return _interactions_page(request, agreement, access)


def _interactions_page(
    request: HttpRequest,
    agreement: Any,
    access: Any,
    *,
    form: Any = None,
    follow_ups: Any = None,
    status: int = 200,
) -> HttpResponse:
    base = selectors.interaction_timeline(request.user, agreement)
    filterset = InteractionFilter(request.GET or None, queryset=base, agreement=agreement)
    if not access.is_team:
        filterset.filters.pop("confidentiality", None)
        filterset.form.fields.pop("confidentiality", None)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    if access.is_team and form is None:
        form = InteractionForm(agreement=agreement, user=request.user)
        follow_ups = _follow_up_formset(agreement)
    context = cockpit_context(
        request,
        agreement,
        access,
        "interactions",
        filter=filterset,
        page=page,
        interactions=list(page.object_list),
        form=form,
        follow_ups=follow_ups,
    )
    return render_page(
        request, "web/cockpit/interactions.html", context, partial=TAB_PARTIAL, status=status
    )


def _follow_up_formset(agreement: Any, data: Any = None) -> Any:
    parties = list(parties_of(agreement))
    return FollowUpFormSet(data, prefix="follow_up", form_kwargs={"parties": parties})


@login_required
def interaction_quick_log(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """Log an interaction and its follow-ups (which become commitments) in one go."""
    agreement, access = agreement_for(request, agreement_id)
    if not access.is_team:
        raise Http404
    if request.method != "POST":
        return redirect(reverse("agreement_interactions", args=[agreement.uuid]) + "#quick-log")
    form = InteractionForm(request.POST, agreement=agreement, user=request.user)
    follow_ups = _follow_up_formset(agreement, request.POST)
    if form.is_valid() and follow_ups.is_valid():
        items = [f.as_follow_up() for f in follow_ups if f.has_changed()]
        try:
            interaction = engagement_services.interaction_log(
                actor=request.user, agreement=agreement, follow_ups=items, **form.service_data()
            )
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc, form)
        else:
            insights_outdated(agreement)
            messages.success(
                request,
                ngettext(
                    "Logged %(what)s with %(n)d follow-up commitment.",
                    "Logged %(what)s with %(n)d follow-up commitments.",
                    len(items),
                )
                % {"what": interaction, "n": len(items)},
            )
            if is_partial(request):
                return _interactions_page(request, agreement, access)
            return redirect("agreement_interactions", agreement.uuid)
    return _interactions_page(
        request, agreement, access, form=form, follow_ups=follow_ups, status=400
    )


# ----- risks and regulation, local integration -----


@login_required
def risks(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    risk_list = selectors.agreement_risks(request.user, agreement)
    context = cockpit_context(
        request,
        agreement,
        access,
        "risks",
        risks=risk_list,
        matrix=selectors.risk_matrix([r for r in risk_list if r.status != "closed"]),
        requirements=selectors.requirements_by_jurisdiction(request.user, agreement),
    )
    return render_page(request, "web/cockpit/risks.html", context, partial=TAB_PARTIAL)


@login_required
def local_integration(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    series = selectors.indicator_series(request.user, agreement)
    context = cockpit_context(
        request,
        agreement,
        access,
        "local",
        series=series,
        plots=[(s, _indicator_plot(s)) for s in series],
    )
    return render_page(request, "web/cockpit/local.html", context, partial=TAB_PARTIAL)


def _indicator_plot(series: selectors.IndicatorSeries) -> dict:
    """Plotly figure: actual values over time against the target, in the indicator's unit."""
    indicator = series.indicator
    xs = [o.observed_on.isoformat() for o in series.observations]
    ys = [float(o.value) for o in series.observations]
    first = xs[0] if xs else indicator.target_on.isoformat()
    return {
        "data": [
            {"type": "scatter", "mode": "lines+markers", "name": _("Actual"), "x": xs, "y": ys},
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Target"),
                "x": [first, indicator.target_on.isoformat()],
                "y": [float(indicator.target), float(indicator.target)],
                "line": {"dash": "dash"},
            },
        ],
        "layout": {
            "title": {
                "text": f"{indicator.localized('name')} ({indicator.unit})",
                "font": {"size": 14},
                "x": 0,
                "xanchor": "left",
            },
            "xaxis": {"title": {"text": _("Date")}, "type": "date"},
            "yaxis": {"title": {"text": indicator.unit}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "x": 0, "y": -0.3},
            "margin": {"l": 60, "r": 20, "t": 40, "b": 90},
        },
    }


# ----- grievances -----


@login_required
def grievances(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    filterset = GrievanceFilter(
        request.GET or None,
        queryset=selectors.grievance_register(request.user, agreement),
        agreement=agreement,
    )
    context = cockpit_context(
        request, agreement, access, "grievances", filter=filterset, grievances=filterset.qs
    )
    return render_page(request, "web/cockpit/grievances.html", context, partial=TAB_PARTIAL)


@login_required
def grievance_respond(request: HttpRequest, agreement_id: UUID, grievance_id: UUID) -> HttpResponse:
    agreement, access = agreement_for(request, agreement_id)
    grievance = policy.get_visible_or_404(
        request.user, Grievance, uuid=grievance_id, agreement=agreement
    )
    if not policy.can_change(request.user, grievance):
        raise Http404
    form = GrievanceRespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement_services.grievance_respond(
                actor=request.user, grievance=grievance, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as exc:
            report_refusal(request, exc, form)
        else:
            messages.success(request, _("Answer recorded for %(ref)s.") % {"ref": grievance})
            insights_outdated(agreement)
            return redirect("agreement_grievances", agreement.uuid)
    context = cockpit_context(
        request, agreement, access, "grievances", grievance=grievance, form=form
    )
    return render_page(request, "web/cockpit/grievance_respond.html", context)
