"""The inbox page ("My week") and its actions: snooze, wake, assign, unassign.

An action names the item by its key; the item must be in the reader's own inbox (built
through the access policy), otherwise the answer is 404, as for anything one may not see."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliance.accounts import policy
from alliance.attention import selectors, services
from alliance.attention.forms import AssignForm, SnoozeForm
from alliance.core import clock
from alliance.web.views.common import render_page, report_refusal

# Items shown at first, and added by each "show more".
INBOX_PAGE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    mine = request.GET.get("mine") == "1"
    box = selectors.inbox(request.user, today, mine=mine)
    # The most urgent first, a page at a time: a counsellor of fifty agreements has hundreds
    # of items (399 on the generated portfolio, a 950 kB page and 320 ms of rendering).
    # Each page adds the next ones below, so the ranks and the anchors stay where they were.
    pages = max(1, -(-box.total // INBOX_PAGE))
    try:
        page = min(max(int(request.GET.get("page", "1")), 1), pages)
    except ValueError:
        page = 1
    # Only the items shown are built (dates, names, links, the team to assign to): the
    # counts and the order need none of it.
    shown = box.first(page * INBOX_PAGE)
    box.build(shown + box.snoozed)
    context = {
        "inbox": box,
        "shown": shown,
        "hidden": box.total - len(shown),
        "next_page": page + 1,
        "next_count": min(INBOX_PAGE, box.total - len(shown)),
        "mine": mine,
        "today": today,
        "snooze_form": SnoozeForm(),
        "representative": any(box.reader.rep_party(pk) is not None for pk in box.reader.agreements),
    }
    return render_page(request, "attention/inbox.html", context)


def _item(request: HttpRequest, key: str) -> selectors.Item:
    item = selectors.inbox(request.user, clock.today()).find(key)
    if item is None:
        raise Http404
    return item


def _back(request: HttpRequest) -> HttpResponse:
    mine = request.POST.get("mine") == "1"
    return redirect(reverse("inbox") + ("?mine=1" if mine else "") + "#inbox-list")


@login_required
@require_POST
def snooze(request: HttpRequest, key: str) -> HttpResponse:
    item = _item(request, key)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(request)
    try:
        services.inbox_snooze(
            actor=request.user,
            agreement=item.agreement,
            item=item.key,
            until=form.cleaned_data["until"],
        )
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
        return _back(request)
    messages.success(
        request,
        _("“%(title)s” is snoozed until %(day)s.")
        % {"title": item.title, "day": formats.date_format(form.cleaned_data["until"])},
    )
    return _back(request)


@login_required
@require_POST
def wake(request: HttpRequest, key: str) -> HttpResponse:
    item = _item(request, key)
    snoozed = policy.inbox_snoozes_visible_to(request.user).filter(item=item.key).first()
    if snoozed is None:
        raise Http404
    services.inbox_wake(actor=request.user, snooze=snoozed)
    messages.success(request, _("“%(title)s” is back in your inbox.") % {"title": item.title})
    return _back(request)


@login_required
@require_POST
def assign(request: HttpRequest, key: str) -> HttpResponse:
    item = _item(request, key)
    if not item.team or not policy.is_team_member(request.user, item.agreement):
        raise Http404
    form = AssignForm(request.POST, team=item.team)
    if not form.is_valid():
        messages.error(request, _("Choose a member of the counsellor team."))
        return _back(request)
    assignee = form.cleaned_data["assignee"]
    try:
        services.inbox_assign(
            actor=request.user, agreement=item.agreement, item=item.key, assignee=assignee
        )
    except (ValidationError, PermissionDenied) as exc:
        report_refusal(request, exc)
        return _back(request)
    messages.success(
        request,
        _("“%(title)s” is assigned to %(person)s.")
        % {"title": item.title, "person": assignee.get_full_name() or assignee.username},
    )
    return _back(request)


@login_required
@require_POST
def unassign(request: HttpRequest, key: str) -> HttpResponse:
    item = _item(request, key)
    assignment = (
        policy.inbox_assignments_visible_to(request.user)
        .filter(agreement=item.agreement, item=item.key)
        .first()
    )
    if assignment is None:
        raise Http404
    try:
        services.inbox_unassign(actor=request.user, assignment=assignment)
    except PermissionDenied as exc:
        report_refusal(request, exc)
        return _back(request)
    messages.success(request, _("“%(title)s” is no longer assigned.") % {"title": item.title})
    return _back(request)
