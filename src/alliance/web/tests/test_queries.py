"""Each page's query count is bounded and does not grow with the amount of data.

Every page of the route walker a member reads every day (inbox, portfolio, each cockpit tab, a
commitment, the briefs, search, a party) is counted for a counsellor, a party representative
and a viewer at two sizes: once with one more of everything and one more agreement of theirs,
once with ten times that. The counts must be the same (no query per row, per agreement or per
party) and under each page's budget.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.web.tests.data import add_agreements, add_volume

# Upper bounds per page (session, user and the access checks included). A page with insight
# panels also asks the task queue whether a recompute is waiting (one query); the overview
# reads the stage changes since the last visit and a pending one (two).
MAX_QUERIES = {
    "inbox": 18,
    "portfolio": 4,
    "search": 8,
    "agreement": 22,  # attention counts in three small queries (cheaper to build than one)
    "agreement_parties": 10,
    "agreement_commitments": 16,  # + the open / overdue / delivered tally
    "agreement_interactions": 16,
    "agreement_expectations": 10,
    "agreement_trust": 13,  # + the pulse rounds and how many of their links were answered
    "agreement_risks": 10,
    "agreement_local": 8,
    "agreement_grievances": 7,
    "commitment": 23,  # + confirmations, due-date proposal and history, comments, forecast
    "expectation_cell": 9,
    "party": 15,
    "party_brief": 30,
    "agreement_brief": 30,
    "party_briefs": 12,
}


def _urls(world, data):
    a = world.agreement.uuid
    tabs = [name for name in MAX_QUERIES if name.startswith("agreement")]
    urls = {name: reverse(name, args=[a]) for name in tabs}
    urls.update(
        inbox=reverse("inbox"),
        agreement_brief=reverse("agreement_brief", args=[a]),
        party_briefs=reverse("party_briefs", args=[a]),
        portfolio=reverse("portfolio"),
        search=reverse("search") + "?q=mit",
        commitment=reverse("commitment", args=[a, data.commitment_x.uuid]),
        expectation_cell=reverse("expectation_cell", args=[a, data.topic.uuid, world.party_x.uuid]),
        party=reverse("party", args=[world.party_x.uuid]),
        party_brief=reverse("party_brief", args=[a, world.party_x.uuid]),
    )
    return urls


def _count(client: Client, url: str) -> int:
    client.get(url)  # warm up: the first overview visit has no "since last visit" yet
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("actor", ["counsellor", "rep_x", "viewer"])
def test_query_counts_are_bounded_and_flat_at_ten_times_the_data(world, data, actor):
    client = Client()
    client.force_login(getattr(world, actor))
    urls = _urls(world, data)
    add_volume(world, 1)
    add_agreements(world, 1)
    small = {name: _count(client, url) for name, url in urls.items()}
    add_volume(world, 9, start=1)
    add_agreements(world, 9, start=1)
    large = {name: _count(client, url) for name, url in urls.items()}
    grew = {name: (small[name], n) for name, n in large.items() if n != small[name]}
    assert not grew, f"query counts grew with the data (1x, 10x): {grew}"
    over = {name: n for name, n in large.items() if n > MAX_QUERIES[name]}
    assert not over, f"over budget: {over}"


def test_portfolio_query_count_with_the_fixture(world, data, client, django_assert_max_num_queries):
    client.force_login(world.owner)
    # The first request of a session records it (address, browser: the sessions page); a
    # login through the login page does that at login, force_login cannot.
    client.get(reverse("portfolio"))
    with django_assert_max_num_queries(MAX_QUERIES["portfolio"]):
        assert client.get(reverse("portfolio")).status_code == 200
