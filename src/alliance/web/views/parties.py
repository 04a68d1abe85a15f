"""The party page and the "Before you meet…" brief."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from alliance.accounts import policy
from alliance.partnerships import selectors as partnership_selectors
from alliance.partnerships.models import Party
from alliance.web import insights, party_selectors, selectors
from alliance.web.views.common import agreement_for, cockpit_context, render_page


@login_required
def party(request: HttpRequest, party_id: UUID) -> HttpResponse:
    """Rhythm and calendar, people, commitments both ways, recent interactions."""
    party = policy.get_visible_or_404(request.user, Party, uuid=party_id)
    today = timezone.localdate()
    context = {
        "party": party,
        "today": today,
        "can_edit": policy.can_change(request.user, party),
        **party_selectors.party_page(request.user, party, today),
    }
    agreements = [p.agreement for p in context["participations"]]
    context["trust"] = insights.party_trust(agreements, party)
    return render_page(request, "web/party.html", context)


@login_required
def before_you_meet(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """Pick a party of the agreement and get one printable page to prepare the meeting."""
    agreement, access = agreement_for(request, agreement_id)
    participations = list(partnership_selectors.agreement_parties(agreement))
    chosen = request.GET.get("party", "")
    if chosen:
        party_uuid = _uuid_or_none(chosen)
        party = next((p.party for p in participations if p.party.uuid == party_uuid), None)
        if party is None:
            return redirect(request.path)
    else:
        party = None
    today = timezone.localdate()
    context = cockpit_context(
        request, agreement, access, "overview", participations=participations, party=party
    )
    if party is not None:
        context.update(party_selectors.meeting_brief(request.user, agreement, party, today))
        context["holidays"] = party_selectors.next_holidays(party, today, days=60, limit=5)
        context["trust"] = selectors.trust_pulse_averages(request.user, agreement, role=access.role)
    return render_page(request, "web/before_you_meet.html", context)


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None
