"""Read replicas: a read-only page reads from a replica, everything else from the primary.

Two database aliases for real: ``replica1`` is a second connection to the test database (a
replica that never lags), so the test sees on which connection each query ran."""

from __future__ import annotations

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.core.routers import replica_reads
from alliance.partnerships.models import Agreement


@pytest.fixture
def replica(settings):
    # A connection made here rather than in DATABASES, which the test runner would set up.
    primary = connections["default"]
    second = primary.__class__(dict(primary.settings_dict), alias="replica1")
    connections["replica1"] = second
    settings.DATABASE_REPLICAS = ["replica1"]
    settings.DATABASE_ROUTERS = ["alliance.core.routers.ReplicaRouter"]
    yield second
    second.close()
    del connections["replica1"]


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


@pytest.mark.django_db(transaction=True)
def test_read_only_pages_read_from_the_replica_and_the_rest_from_the_primary(world, replica):
    client = Client()
    client.force_login(world.counsellor)
    for page in (reverse("portfolio"), reverse("search") + "?q=corridor"):
        with (
            CaptureQueriesContext(replica) as on_replica,
            CaptureQueriesContext(connection) as on_primary,
        ):
            response = client.get(page)
        assert response.status_code == 200, page
        assert "partnerships_agreement" in _tables(on_replica), page
        assert "partnerships_agreement" not in _tables(on_primary), page
        assert "django_session" in _tables(on_primary)  # who is asking: the primary
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        client.get(reverse("agreement_commitments", args=[world.agreement.uuid]))
    assert not on_replica.captured_queries
    assert "partnerships_agreement" in _tables(on_primary)


@pytest.mark.django_db(transaction=True)
def test_writes_and_reads_in_a_transaction_stay_on_the_primary(replica):
    with replica_reads():
        assert Agreement.objects.all().db == "replica1"
        with transaction.atomic():
            assert Agreement.objects.all().db == "default"
        from django.db import router

        assert router.db_for_write(Agreement) == "default"
    assert Agreement.objects.all().db == "default"


@pytest.mark.django_db
def test_without_replicas_everything_reads_from_the_primary():
    with replica_reads():
        assert Agreement.objects.all().db == "default"
