"""Each page's query count is bounded and does not grow with the amount of data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.web.tests.data import add_volume

# Upper bounds per page (session, user and the access checks included).
MAX_QUERIES = {
    "portfolio": 4,
    "search": 8,
    "agreement": 17,
    "agreement_parties": 9,
    "agreement_commitments": 14,
    "agreement_interactions": 16,
    "agreement_expectations": 9,
    "agreement_trust": 10,
    "agreement_risks": 10,
    "agreement_local": 8,
    "agreement_grievances": 7,
    "commitment": 16,
    "expectation_cell": 9,
    "party": 15,
    "before_you_meet": 23,
}


def _urls(world, data):
    a = world.agreement.uuid
    tabs = [name for name in MAX_QUERIES if name.startswith("agreement")]
    urls = {name: reverse(name, args=[a]) for name in tabs}
    urls.update(
        portfolio=reverse("portfolio"),
        search=reverse("search") + "?q=mit",
        commitment=reverse("commitment", args=[a, data.commitment_x.uuid]),
        expectation_cell=reverse("expectation_cell", args=[a, data.topic.uuid, world.party_x.uuid]),
        party=reverse("party", args=[world.party_x.uuid]),
        before_you_meet=reverse("before_you_meet", args=[a]) + f"?party={world.party_x.uuid}",
    )
    return urls


def _count(client: Client, url: str) -> int:
    client.get(url)  # warm up: the first overview visit has no "since last visit" yet
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("actor", ["counsellor", "rep_x"])
def test_query_counts_are_bounded_and_flat_when_data_doubles(world, data, actor):
    client = Client()
    client.force_login(getattr(world, actor))
    urls = _urls(world, data)
    add_volume(world, 4)
    small = {name: _count(client, url) for name, url in urls.items()}
    add_volume(world, 4, start=4)
    large = {name: _count(client, url) for name, url in urls.items()}
    assert large == small, "query counts grew with the data"
    over = {name: n for name, n in large.items() if n > MAX_QUERIES[name]}
    assert not over, f"over budget: {over}"


def test_portfolio_query_count_with_the_fixture(world, data, client, django_assert_max_num_queries):
    client.force_login(world.owner)
    with django_assert_max_num_queries(MAX_QUERIES["portfolio"]):
        assert client.get(reverse("portfolio")).status_code == 200
