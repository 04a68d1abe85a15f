"""Long lists start with what matters: open and late commitments first, a page a person can
read, delivered ones one choice away; milestones by date; the timeline shows open work."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from alliance.core import clock
from alliance.partnerships import services as ps
from alliance.web import insight_figures
from alliance.web.views.work import PAGE_SIZE


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _commitment(world, title: str, due_in: int, **extra):
    return ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_y],
        title=title,
        category="technical",
        due_on=clock.today() + timedelta(days=due_in),
        duration_optimistic=5,
        duration_likely=10,
        duration_pessimistic=20,
        **extra,
    )


def test_commitments_open_late_first_and_delivered_behind_a_filter(world):
    later = _commitment(world, "Later", 40)
    soon = _commitment(world, "Soon", 5)
    late = _commitment(world, "Late", -10)
    later_late = _commitment(world, "Very late", -30)
    done = _commitment(world, "Done", -60)
    ps.commitment_change_status(
        actor=world.owner, commitment=done, status="delivered", on=clock.today(), evidence="Signed"
    )
    client = _client(world.counsellor)
    url = reverse("agreement_commitments", args=[world.agreement.uuid])

    response = client.get(url)
    shown = [c.title for c in response.context["commitments"]]
    assert shown == [later_late.title, late.title, soon.title, later.title]
    tally = response.context["tally"]
    assert (tally.open, tally.overdue, tally.closed) == (4, 2, 1)
    page = response.content.decode()
    assert "2 of them overdue" in page and "1 delivered or waived" in page
    assert [c.title for c in client.get(url, {"due": "closed"}).context["commitments"]] == [
        done.title
    ]
    everything = client.get(url, {"due": "all"})
    assert [c.title for c in everything.context["commitments"]][-1] == done.title
    # The timeline draws open work only, even when the list shows delivered ones too.
    bars = [bar.commitment.title for bar in everything.context["gantt"].bars]
    assert done.title not in bars and len(bars) == 4
    # A chosen sort wins over "late first".
    by_title = client.get(url, {"due": "all", "sort": "title"}).context["commitments"]
    assert [c.title for c in by_title] == sorted(c.title for c in by_title)


def test_commitments_come_a_readable_page_at_a_time(world):
    assert PAGE_SIZE <= 50
    for n in range(PAGE_SIZE + 3):
        _commitment(world, f"Report {n:03d}", n)
    client = _client(world.counsellor)
    url = reverse("agreement_commitments", args=[world.agreement.uuid])
    first = client.get(url)
    assert len(first.context["commitments"]) == PAGE_SIZE
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert [c.title for c in second.context["commitments"]] == [
        f"Report {n:03d}" for n in range(PAGE_SIZE, PAGE_SIZE + 3)
    ]


def test_milestones_of_the_forecast_come_by_date():
    data = {
        "milestones": [
            {"milestone": {"title": "C"}, "due": "2027-05-01", "quantiles": {}},
            {"milestone": {"title": "none"}, "due": None, "quantiles": {}},
            {"milestone": {"title": "A"}, "due": "2026-01-10", "quantiles": {"P50": "2026-02-01"}},
            {"milestone": {"title": "B"}, "due": "2026-09-30", "quantiles": {}},
        ]
    }
    rows = insight_figures.milestone_rows(data)
    assert [r["milestone"]["title"] for r in rows] == ["A", "B", "C", "none"]
