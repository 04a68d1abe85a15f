"""The commitments list answers in a constant number of queries, whatever the data size."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.api.tests.conftest import token_client
from alliance.core import clock
from alliance.partnerships import services as ps

# Authentication (token, its last use), the rate count (three), the agreement, the page,
# then one query per relation the representation names: owed to, prerequisites, the
# interaction each was agreed in.
MAX_QUERIES = 12


def _add_commitments(w, n: int, start: int) -> None:
    today = clock.today()
    items = [
        {
            "agreement": w.agreement,
            "owed_by": w.party_x if k % 2 else w.party_y,
            "owed_to": [w.party_y if k % 2 else w.party_x],
            "title": f"Commitment {k}",
            "category": "technical",
            "due_on": today + timedelta(days=k),
            "duration_optimistic": 1,
            "duration_likely": 2,
            "duration_pessimistic": 3,
        }
        for k in range(start, start + n)
    ]
    made = ps.commitment_create_many(actor=w.owner, items=items)
    # Every other one waits for the one before it: prerequisites are part of the answer.
    for before, after in pairwise(made):
        if after.title.endswith(("1", "3", "5", "7", "9")):
            ps.commitment_add_dependency(actor=w.owner, commitment=after, prerequisite=before)


def _count(client, url: str) -> int:
    client.get(url)  # the token's first use is written once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_commitments_list_costs_the_same_at_1x_and_10x(world):
    client = token_client(world.viewer)
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments?limit=50"
    _add_commitments(world, 5, 0)
    small = _count(client, url)
    _add_commitments(world, 50, 5)
    large = _count(client, url)
    assert len(client.get(url).json()["items"]) == 50
    assert small == large <= MAX_QUERIES, (small, large)
