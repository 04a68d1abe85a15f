"""The load bench's per-request record (alliance.web.request_timing): off unless asked for,
and when on, its query count is the request's and its times add up."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from alliance.web.request_timing import HEADER, _Counter, parse_timing, timing_header

TIMING = "alliance.web.request_timing.RequestTimingMiddleware"


def test_production_does_not_time_requests():
    assert TIMING not in settings.MIDDLEWARE


def test_health_live_answers_without_the_header(client):
    assert HEADER not in client.get("/health/live/").headers


@pytest.mark.django_db
def test_a_timed_page_reports_its_own_queries_and_consistent_times(world, settings):
    settings.MIDDLEWARE = [TIMING, *settings.MIDDLEWARE]
    client = Client()
    client.force_login(world.counsellor)
    url = reverse("agreement_grievances", args=[world.agreement.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    timing = parse_timing(response[HEADER])
    assert timing["q"] == len(queries) > 0
    assert 0 <= timing["dbcpu"] <= timing["cpu"]
    assert 0 < timing["db"] <= timing["wall"]
    assert timing["cpu"] <= timing["wall"] * 1.05 + 1  # thread CPU fits in the wall (rounding)
    assert timing["connect"] >= 0 and timing["pid"] > 0 and timing["tid"] > 0


@given(
    wall=st.floats(0, 100),
    cpu=st.floats(0, 100),
    queries=st.integers(0, 10_000),
    start=st.floats(1e9, 3e9),
)
def test_the_header_reads_back(wall, cpu, queries, start):
    counter = _Counter()
    counter.queries, counter.wall, counter.cpu = queries, wall / 2, cpu / 3
    back = parse_timing(timing_header(wall, cpu, counter, 0.001, start))
    assert back["q"] == queries
    assert back["wall"] == pytest.approx(wall * 1000, abs=0.006)
    assert back["cpu"] == pytest.approx(cpu * 1000, abs=0.006)
    assert back["db"] == pytest.approx(wall * 500, abs=0.006)
    assert back["connect"] == pytest.approx(1.0)
    assert back["start"] == pytest.approx(start, abs=1e-5)
