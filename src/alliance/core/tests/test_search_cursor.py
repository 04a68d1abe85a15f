"""Search over encrypted summaries reads them a chunk at a time and stops at its limit.

On PostgreSQL ``iterator()`` reads through a server-side cursor. Declared outside a
transaction it is ``WITH HOLD``, and PostgreSQL computes and stores the whole result before
sending the first row: 4–6 s for a lender's representative in 2,000 agreements (176,000
summaries on the generated portfolio), even when the first chunk held every match the page
shows. The test runs outside the suite's per-test transaction, as a request does."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.accounts import policy
from alliance.core import search
from alliance.engagement import services as es

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_summaries_are_read_a_chunk_at_a_time_and_no_further_than_the_limit(world, monkeypatch):
    for day in range(1, 8):
        es.interaction_log(
            actor=world.counsellor,
            agreement=world.agreement,
            parties=[world.party_x],
            kind="call",
            occurred_on=date(2025, 4, day),
            summary=f"Call {day} about the permit",
        )
    monkeypatch.setattr(search, "CHUNK", 2)
    newest_first = policy.interactions_visible_to(world.counsellor).order_by("-occurred_on")
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        found = list(search.text_search(newest_first, ("summary",), "PERMIT", limit=3))
    assert [i.summary for i in found] == [f"Call {day} about the permit" for day in (7, 6, 5)]
    sql = [q["sql"] for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        declared = [s for s in sql if s.startswith("DECLARE")]
        assert declared, sql
        assert not any("WITH HOLD" in s for s in declared), declared
    # SQLite: no transaction was opened for the read (it would take the one write lock).
    assert not connection.in_atomic_block
