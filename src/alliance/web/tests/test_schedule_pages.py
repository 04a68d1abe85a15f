"""What confidence costs and the risk tornado, through the pages: the commitments tab and the
commitment page show per milestone the plan (CPM on most-likely durations), P50, P80, the
contingency in words and each risk's move of the P80 — from a real recompute, read by the
counsellor and by a party representative, who never sees a risk the policy hides from them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.analytics.services import insights_recompute
from alliance.partnerships import services as ps
from alliance.risks import services as rs
from alliance.web.tests.conftest import client_for

pytestmark = pytest.mark.django_db

SHARED_RISK = "Resettlement dispute"
LATER_INTERNAL_RISK = "Minister may be replaced"
INTERNAL_RISK = "Board reshuffle at the lender"


def _plan(world):
    """Four parallel commitments into "Financial close" (merge bias), the first threatened by a
    shared risk and by a risk made internal after the forecast, another by an internal risk."""
    today = timezone.localdate()
    a, owner = world.agreement, world.owner
    close = ps.milestone_create(
        actor=owner, agreement=a, title="Financial close", due_on=today + timedelta(days=90)
    )
    branches = []
    for n, (lo, ml, hi) in enumerate([(10, 20, 45), (12, 18, 40), (8, 20, 50), (15, 19, 30)]):
        branches.append(
            ps.commitment_create(
                actor=owner,
                agreement=a,
                owed_by=world.party_x if n % 2 else world.party_y,
                owed_to=[world.party_y if n % 2 else world.party_x],
                title=f"Condition precedent {n + 1}",
                category="financial",
                milestone=close,
                due_on=today + timedelta(days=60),
                duration_optimistic=lo,
                duration_likely=ml,
                duration_pessimistic=hi,
            )
        )
    risk = {"category": "stakeholders", "rating": "high", "likelihood": 4, "impact": 4}
    shared = rs.risk_create(
        actor=owner,
        agreement=a,
        title=SHARED_RISK,
        commitments=[branches[0]],
        probability=0.5,
        delay_working_days=40,
        **risk,
    )
    later = rs.risk_create(
        actor=owner,
        agreement=a,
        title=LATER_INTERNAL_RISK,
        commitments=[branches[0]],  # adds to the shared one: each moves the P80
        probability=0.6,
        delay_working_days=30,
        **risk,
    )
    rs.risk_create(
        actor=owner,
        agreement=a,
        title=INTERNAL_RISK,
        commitments=[branches[2]],
        probability=0.9,
        delay_working_days=60,
        confidentiality="internal",
        **risk,
    )
    return close, branches, shared, later


@pytest.fixture
def forecast(world):
    close, branches, _shared, later = _plan(world)
    stored = insights_recompute(actor=world.owner, agreement=world.agreement)
    # Made internal after the forecast: the stored snapshot still holds it, the pages must not.
    rs.risk_update(actor=world.owner, risk=later, confidentiality="internal")
    return close, branches, stored["schedule"].data


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_forecast_leaves_an_internal_risk_out_and_says_what_confidence_costs(world, forecast):
    _close, _, data = forecast
    (milestone,) = data["milestones"]
    titles = {r["risk"]["title"] for r in milestone["risks"]}
    assert SHARED_RISK in titles and INTERNAL_RISK not in titles  # snapshots: shared data only
    assert milestone["paths"] == 4
    assert milestone["contingency_working_days"] > 0


@pytest.mark.parametrize("commitment_page", [False, True])
def test_counsellor_sees_plan_p50_p80_contingency_and_tornado(world, forecast, commitment_page):
    _close, branches, data = forecast
    (milestone,) = data["milestones"]
    client = client_for(world.counsellor)
    if commitment_page:
        url = reverse("commitment", args=[world.agreement.uuid, branches[0].uuid])
    else:
        url = reverse("agreement_commitments", args=[world.agreement.uuid])
    response = client.get(url)
    assert response.status_code == 200
    text = _text(response)
    days = milestone["contingency_working_days"]
    assert f"P80 is {days} working days later than the plan: the merge of 4 paths" in text
    shifts = {r["risk"]["title"]: r["working_days"] for r in milestone["risks"]}
    assert shifts[SHARED_RISK] > 0
    assert (
        f"The P80 of Financial close moves {shifts[SHARED_RISK]} working days because of the "
        f"risk “{SHARED_RISK}”." in text
    )
    # The team sees the risk made internal since; nobody sees the one never in the forecast.
    assert LATER_INTERNAL_RISK in text
    assert "Contingency (working days)" in text and "Plan" in text
    assert "Counted in whole working days." in text
    if not commitment_page:  # where the correlation of one party's commitments comes from
        assert data["correlation"]["source"] == "prior"
        assert "run late together with correlation 0.30, an assumption: too few deliveries" in text
    # The data table beside the bars: one row per risk shown.
    html = response.content.decode()
    assert html.count('<span class="tornado-bar"') == len(
        [r for r in milestone["risks"] if r["working_days"] > 0]
    )


@pytest.mark.parametrize("commitment_page", [False, True])
def test_representative_never_sees_an_internal_risk_in_the_tornado(
    world, forecast, commitment_page
):
    _close, branches, _data = forecast
    client = client_for(world.rep_x)
    if commitment_page:
        url = reverse("commitment", args=[world.agreement.uuid, branches[0].uuid])
    else:
        url = reverse("agreement_commitments", args=[world.agreement.uuid])
    response = client.get(url)
    assert response.status_code == 200
    text = _text(response)
    assert SHARED_RISK in text  # the shared one is there…
    assert LATER_INTERNAL_RISK not in text  # …the one made internal is not, though stored
    assert INTERNAL_RISK not in text
    assert "the merge of 4 paths" in text


def test_restricted_risk_is_seen_only_by_the_users_named(world):
    _close, _branches, _shared, later = _plan(world)
    insights_recompute(actor=world.owner, agreement=world.agreement)
    rs.risk_update(
        actor=world.owner, risk=later, confidentiality="restricted", restricted_to=[world.editor]
    )
    url = reverse("agreement_commitments", args=[world.agreement.uuid])
    assert LATER_INTERNAL_RISK in _text(client_for(world.editor).get(url))
    assert LATER_INTERNAL_RISK not in _text(client_for(world.counsellor).get(url))
    risks_tab = reverse("agreement_risks", args=[world.agreement.uuid])
    assert LATER_INTERNAL_RISK not in _text(client_for(world.rep_y).get(risks_tab))
    assert SHARED_RISK in _text(client_for(world.rep_y).get(risks_tab))


@pytest.mark.parametrize("commitment_page", [False, True])
def test_a_delivered_milestone_says_nothing_about_contingency(world, commitment_page):
    """Its commitments all delivered, a milestone's P80 is the day the last one was: the
    pages say it is delivered, not "no contingency is needed" again and again."""
    _plan(world)
    today = timezone.localdate()
    done = ps.milestone_create(
        actor=world.owner,
        agreement=world.agreement,
        title="Site handed over",
        due_on=today - timedelta(days=40),
    )
    handed = ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_y],
        title="Hand over the site",
        category="technical",
        milestone=done,
        due_on=today - timedelta(days=40),
        duration_optimistic=5,
        duration_likely=10,
        duration_pessimistic=20,
    )
    ps.commitment_deliver(actor=world.owner, commitment=handed, on=today, evidence="Minutes")
    insights_recompute(actor=world.owner, agreement=world.agreement)
    if commitment_page:
        url = reverse("commitment", args=[world.agreement.uuid, handed.uuid])
    else:
        url = reverse("agreement_commitments", args=[world.agreement.uuid])
    response = client_for(world.counsellor).get(url)
    text = _text(response)
    assert "Site handed over" in text
    assert "no contingency is needed" not in text
    assert "the merge of 4 paths" in text or commitment_page  # the open milestone still does
    # Said on the commitment page, and as the title of the tab's "Delivered" mark.
    assert "Every commitment of this milestone is delivered or waived" in response.text
    if commitment_page:
        assert "Contingency (working days)" not in text
