"""Insight panels: an honest "not computed yet" without a snapshot; the stored figures, their
evidence and the drill-downs once a snapshot exists (shapes as ``InsightSnapshot`` documents
them)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from alliance.analytics.models import InsightSnapshot
from alliance.partnerships import services as ps
from alliance.web import insights

TODAY = date(2026, 4, 1)


def store(agreement, kind, data):
    """A snapshot row of the documented shape, as ``insights_recompute`` would store it."""
    return InsightSnapshot.objects.create(agreement=agreement, kind=kind, as_of=TODAY, data=data)


def _ref(obj, key="name"):
    return {"uuid": str(obj.uuid), key: str(obj)}


def _snapshots(world, data):
    x, y = _ref(world.party_x), _ref(world.party_y)
    permit = _ref(data.commitment_x, "title")
    tranche = _ref(data.commitment_y, "title")
    late = {
        "label": "Issue the environmental permit delivered 12 working days late",
        "contribution": -6.0,
        "event_id": permit["uuid"],
        "event_kind": "commitment",
        "date": "2026-03-01",
        "commitment": permit,
    }
    trust = {
        "figure": 61.5,
        "unit": "/100",
        "summary": "Trust index 62 / 100.",
        "index": 61.5,
        "low": 55.0,
        "high": 68.0,
        "baseline": 64.0,
        "evidence": {"figure": 61.5, "baseline": 64.0, "contributions": [late]},
        "top_events": [late],
        "trend": [
            {"date": "2026-01-31", "index": 63.0, "low": 57.0, "high": 69.0},
            {"date": "2026-03-31", "index": 61.5, "low": 55.0, "high": 68.0},
        ],
        "parties": [{"party": x, "trusted_by_others": 58.0, "trusts_others": 63.0, "pairs": 1}],
        "pairs": [
            {
                "truster": y,
                "trustee": x,
                "index": 58.0,
                "low": 40.0,
                "high": 75.0,
                "baseline": 64.0,
                "components": {"promise": {"mean": 52.0, "low": 30, "high": 80, "n_events": 1}},
                "promise_keeping": {"n_due": 1, "n_on_time": 0},
                "perception": {"n": 1, "general": None, "self_view": None, "withheld_below": 2},
                "evidence": {"figure": 58.0, "baseline": 64.0, "contributions": [late]},
            }
        ],
        "pairs_without_events": 1,
    }
    schedule = {
        "figure": 50.0,
        "unit": "%",
        "summary": "1 of 2 open commitments expected on time.",
        "iterations": 10000,
        "distribution": "pert",
        "commitments": [
            {
                "commitment": permit,
                "party": x,
                "due": data.commitment_x.due_on.isoformat(),
                "quantiles": {
                    "P50": (data.commitment_x.due_on + timedelta(days=20)).isoformat(),
                    "P80": (data.commitment_x.due_on + timedelta(days=45)).isoformat(),
                },
                "probability_on_time": 0.0,
                "criticality": 1.0,
                "drivers": [],
            }
        ],
        "milestones": [],
        "cascade": [
            {
                "commitment": permit,
                "reason": "overdue",
                "days_added": 23,
                "affected": [
                    {"commitment": tranche, "working_days": 23},
                ],
            }
        ],
    }
    maturity = {
        "figure": 40.0,
        "unit": "%",
        "stage": "signed",
        "next_stage": "calibrating",
        "stages": [
            {
                "stage": "calibrating",
                "holds": False,
                "criteria": [
                    {
                        "label": "expectations recorded for every signatory",
                        "holds": False,
                        "measured": 0.5,
                        "threshold": 1.0,
                        "missing": "record the expectations of Lender Y",
                    }
                ],
            }
        ],
    }
    return {"trust": trust, "schedule": schedule, "maturity": maturity}


@pytest.fixture
def snapshots(world, data):
    return {
        kind: store(world.agreement, kind, content)
        for kind, content in _snapshots(world, data).items()
    }


def test_every_panel_says_not_computed_yet_without_a_snapshot(world, data):
    found = insights.panels(world.agreement, *insights.PANELS)
    assert all(not panel.computed for panel in found.values())
    client = Client()
    client.force_login(world.owner)
    for name in ("agreement", "agreement_parties", "agreement_commitments", "agreement_trust"):
        html = client.get(reverse(name, args=[world.agreement.uuid])).content.decode()
        assert "Not computed yet." in html, name


@pytest.mark.parametrize("actor", ["owner", "rep_x", "viewer"])
def test_stored_figures_and_their_evidence_reach_every_member(world, data, snapshots, actor):
    client = Client()
    client.force_login(getattr(world, actor))
    a = world.agreement.uuid
    trust = client.get(reverse("agreement_trust", args=[a]))
    html = trust.content.decode()
    assert "62 <span" in html  # 61.5 shown without decimals, with its scale
    assert "points on the 0–100 trust index" in html
    assert "delivered 12 working days late" in html
    assert trust.context["index_plot"]["data"][1]["y"] == [63.0, 61.5]
    overview = client.get(reverse("agreement", args=[a])).content.decode()
    assert "record the expectations of Lender Y" in overview
    assert "Not computed yet." in overview  # the warnings kind has no snapshot here


def test_trust_why_explains_one_directed_pair(world, data, snapshots):
    client = Client()
    client.force_login(world.viewer)
    url = reverse("trust_why", args=[world.agreement.uuid])
    response = client.get(
        url,
        {"truster": str(world.party_y.uuid), "trustee": str(world.party_x.uuid)},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Why Lender Y trusts Ministry X this much" in html
    assert "Promises kept on time: 0 of 1 due." in html
    assert "Pulse figures are shown from 2 answers up." in html
    missing = client.get(
        url, {"truster": str(world.party_x.uuid), "trustee": str(world.party_y.uuid)}
    )
    assert missing.status_code == 404


def test_schedule_forecast_shows_dates_probability_cascade_and_gantt_markers(
    world, data, snapshots
):
    client = Client()
    client.force_login(world.counsellor)
    response = client.get(reverse("agreement_commitments", args=[world.agreement.uuid]))
    (row,) = response.context["forecast"]
    assert row["p80"] == data.commitment_x.due_on + timedelta(days=45)
    bars = {bar.commitment.pk: bar for bar in response.context["gantt"].bars}
    assert bars[data.commitment_x.pk].p80_at is not None
    assert bars[data.commitment_y.pk].p80_at is None
    html = response.content.decode()
    assert "0 %" in html  # chance of meeting the due date
    # The critical chain: the late permit pushes the tranche, drawn and as a table.
    tree = lxml_html.fromstring(html)
    (chain,) = tree.xpath('//figure[@class="chain"]')
    caption = " ".join(chain.xpath("./figcaption")[0].text_content().split())
    assert caption == "Issue the environmental permit pushes 1 commitment, by up to 23 working days"
    (svg,) = chain.xpath('.//*[local-name()="svg"]')
    texts = [" ".join(t.text_content().split()) for t in svg.xpath('.//*[local-name()="text"]')]
    assert texts[0] == "Issue the environmental permit"
    assert re.fullmatch(r"\d+ days? late · 80 % likely done by .+", texts[1]), texts[1]
    assert texts[2:] == ["Disburse the first tranche", "+23 working days"]
    # The tranche waits for the permit directly: a solid line, no dash.
    (edge,) = svg.xpath('.//*[@class="chain-edge"]')
    assert edge.get("stroke-dasharray") is None
    rows = chain.xpath(".//table/tbody/tr")
    assert [r.xpath("./th")[0].text_content() for r in rows] == [
        "Issue the environmental permit",
        "Disburse the first tranche",
    ]
    assert "Issue the environmental permit" in rows[1].text_content()  # waits for


def test_portfolio_shows_trust_with_its_trend(world, data):
    trend = [{"month": "2026-03", "index": 63.0}, {"month": "2026-04", "index": 61.5}]
    store(world.agreement, "trust", {"index": 61.5, "low": 55.0, "high": 68.0, "trend": trend})
    (summary,) = insights.portfolio_trust([world.agreement]).values()
    assert (summary.index, summary.points, summary.change) == (61.5, (63.0, 61.5), -1.5)
    client = Client()
    client.force_login(world.owner)
    html = client.get(reverse("portfolio")).content.decode()
    assert '<span class="trust-index">62</span>' in html
    assert "<polyline" in html and "-1.5" in html
    assert summary.sparkline() == "0.0,0.0 80.0,20.0"


def test_party_page_shows_trust_both_ways_per_agreement(world, data):
    parties = [
        {
            "party": {"uuid": str(world.party_x.uuid), "name": "Ministry X"},
            "trusted_by_others": 57.4,
            "trusts_others": 66.2,
        }
    ]
    store(world.agreement, "trust", {"parties": parties})
    client = Client()
    client.force_login(world.rep_y)
    response = client.get(reverse("party", args=[world.party_x.uuid]))
    (row,) = response.context["trust"]
    assert (row.trusted_by_others, row.trusts_others) == (57.4, 66.2)
    html = response.content.decode()
    assert ">57<" in html and ">66<" in html


def test_real_snapshots_render_on_every_page_for_every_actor(world, data):
    """The engine's actual output (not a hand-made sample) on every route a member may open,
    and still no internal text for those outside the team."""
    from alliance.analytics.services import insights_recompute
    from alliance.web.tests.data import INTERNAL_TEXT, RESTRICTED_TEXT
    from alliance.web.tests.routes import agreement_routes

    stored = insights_recompute(actor=None, agreement=world.agreement)
    assert {"trust", "schedule", "maturity", "warnings"} <= set(stored)
    routes = agreement_routes(world, data)
    for actor in ("owner", "rep_x", "viewer"):
        client = Client()
        client.force_login(getattr(world, actor))
        for route in routes:
            if actor not in route.allowed:
                continue
            response = client.get(route.url)
            assert response.status_code == route.status, (actor, route.name)
            if actor != "owner":
                html = response.content.decode()
                assert INTERNAL_TEXT not in html, (actor, route.name)
                assert RESTRICTED_TEXT not in html, (actor, route.name)
        overview = client.get(reverse("agreement", args=[world.agreement.uuid]))
        assert "Not computed yet." not in overview.content.decode(), actor


def test_recompute_now_is_for_the_team(world, data):
    url = reverse("agreement_recompute", args=[world.agreement.uuid])
    rep = Client()
    rep.force_login(world.rep_x)
    assert rep.post(url).status_code == 404
    owner = Client()
    owner.force_login(world.owner)
    assert owner.get(url).status_code == 405
    response = owner.post(url)
    assert response.status_code == 302
    assert insights.panels(world.agreement, "trust")["trust"].computed


def test_the_critical_chain_leaves_out_what_the_reader_cannot_see(world, data, snapshots):
    """A commitment the snapshot names but the reader does not see (here: gone since) is not
    drawn; a late one that pushes nothing visible has no chain."""
    schedule = snapshots["schedule"].data
    gone = {"uuid": "00000000-0000-0000-0000-000000000000", "title": "Gone"}
    (row,) = schedule["cascade"]
    row["affected"].append({"commitment": gone, "working_days": 40})
    schedule["cascade"].append(
        {"commitment": gone, "reason": "overdue", "days_added": 50, "affected": row["affected"]}
    )
    snapshots["schedule"].save(update_fields=["data"])
    client = Client()
    client.force_login(world.counsellor)
    response = client.get(reverse("agreement_commitments", args=[world.agreement.uuid]))
    (chain,) = response.context["chains"]
    assert [n.title for n in chain.nodes] == [
        "Issue the environmental permit",
        "Disburse the first tranche",
    ]
    assert chain.days_added == 23
    assert "Gone" not in response.content.decode()


def test_a_chain_already_drawn_inside_a_larger_one_is_not_drawn_again(world, data, snapshots):
    """The permit pushes the tranche, which pushes the report: the tranche's own chain (it
    pushes only the report) is part of the permit's and is not shown twice; a late
    commitment that pushes something outside every larger chain keeps its own."""
    report = ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_y],
        depends_on=[data.commitment_y],
        title="Report on the first tranche",
        category="reporting",
        due_on=data.commitment_y.due_on + timedelta(days=10),
        duration_optimistic=3,
        duration_likely=5,
        duration_pessimistic=10,
    )
    audit = ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_y,
        owed_to=[world.party_x],
        depends_on=[data.commitment_y],
        title="Audit the first tranche",
        category="financial",
        due_on=data.commitment_y.due_on + timedelta(days=30),
        duration_optimistic=3,
        duration_likely=5,
        duration_pessimistic=10,
    )

    def pushed(commitment, days):
        return {"commitment": _ref(commitment, "title"), "working_days": days}

    schedule = snapshots["schedule"].data
    (permit_row,) = schedule["cascade"]
    permit_row["affected"] = [pushed(data.commitment_y, 23), pushed(report, 23)]
    permit_row["days_added"] = 23
    tranche_row = {
        "commitment": _ref(data.commitment_y, "title"),
        "reason": "at_risk",
        "days_added": 9,
        "affected": [pushed(report, 9)],
    }
    schedule["cascade"].append(tranche_row)
    snapshots["schedule"].save(update_fields=["data"])
    client = Client()
    client.force_login(world.counsellor)
    url = reverse("agreement_commitments", args=[world.agreement.uuid])
    chains = client.get(url).context["chains"]
    assert [c.root.title for c in chains] == ["Issue the environmental permit"]

    tranche_row["affected"].append(pushed(audit, 12))  # now it pushes one more of its own
    tranche_row["days_added"] = 12
    snapshots["schedule"].save(update_fields=["data"])
    chains = client.get(url).context["chains"]
    assert [c.root.title for c in chains] == [
        "Issue the environmental permit",
        "Disburse the first tranche",
    ]


def test_a_chain_shows_the_forecast_own_p80_where_the_forecast_has_one(world, data, snapshots):
    """The cascade's re-run with the delay may land a day from the forecast; the page shows
    both, so the chain takes the forecast's date (a review saw 12 Aug. beside 11 Aug.)."""
    tranche_p80 = data.commitment_y.due_on + timedelta(days=30)
    schedule = snapshots["schedule"].data
    schedule["commitments"].append(
        {
            "commitment": _ref(data.commitment_y, "title"),
            "party": _ref(world.party_y),
            "due": data.commitment_y.due_on.isoformat(),
            "quantiles": {
                "P50": (tranche_p80 - timedelta(days=10)).isoformat(),
                "P80": tranche_p80.isoformat(),
            },
            "probability_on_time": 0.2,
            "criticality": 0.5,
            "drivers": [],
        }
    )
    (row,) = schedule["cascade"]
    row["affected"][0]["with_delay"] = (tranche_p80 + timedelta(days=1)).isoformat()
    row["affected"][0]["without_delay"] = data.commitment_y.due_on.isoformat()
    snapshots["schedule"].save(update_fields=["data"])
    client = Client()
    client.force_login(world.counsellor)
    response = client.get(reverse("agreement_commitments", args=[world.agreement.uuid]))
    (chain,) = response.context["chains"]
    (tranche,) = chain.affected
    forecast = {r["commitment"]["uuid"]: r for r in response.context["forecast"]}
    assert tranche.p80 == forecast[str(data.commitment_y.uuid)]["p80"] == tranche_p80
