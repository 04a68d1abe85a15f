"""The load balancer's health checks: open without a login, say nothing but "ok"."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_live_answers_ok_without_touching_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("health_live"))
    assert response.status_code == 200 and response.content == b"ok"
    assert len(queries) == 0
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_ready_asks_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("health_ready"))
    assert response.status_code == 200 and response.content == b"ok"
    assert any("SELECT 1" in q["sql"] for q in queries)


def test_health_checks_refuse_writes(client):
    assert client.post(reverse("health_live")).status_code == 405
