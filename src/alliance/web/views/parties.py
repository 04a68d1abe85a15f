"""The party page, and the old address of "Before you meet…" (now the party brief of the
briefings app)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from alliance.accounts import policy
from alliance.core import clock
from alliance.partnerships.models import Party
from alliance.web import insights, party_selectors
from alliance.web.views.common import agreement_for, render_page


@login_required
def party(request: HttpRequest, party_id: UUID) -> HttpResponse:
    """Rhythm and calendar, people, commitments both ways, recent interactions."""
    party = policy.get_visible_or_404(request.user, Party, uuid=party_id)
    today = clock.today()
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
    """The old address of "Before you meet…": the party brief now lives in the briefings app
    (``?party=UUID`` goes to that party's brief, anything else to the choice of party)."""
    agreement, _access = agreement_for(request, agreement_id)
    chosen = request.GET.get("party", "").strip()
    party = (
        policy.participations_visible_to(request.user)
        .filter(agreement=agreement, party__uuid=_uuid_or_none(chosen))
        .values_list("party__uuid", flat=True)
        .first()
        if chosen
        else None
    )
    if party is not None:
        return redirect("party_brief", agreement.uuid, party, permanent=True)
    return redirect("party_briefs", agreement.uuid, permanent=True)


def _uuid_or_none(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None
