"""Every API operation for every actor: what the pages allow, and 404 for the rest."""

from __future__ import annotations

from alliance.api.tests.conftest import token_client
from alliance.api.tests.routes import ACTORS, api_calls, unlisted, walk
from alliance.testing import tally
from alliance.web.tests.data import INTERNAL_TEXT, RESTRICTED_TEXT


def test_every_operation_has_a_row(world, data):
    assert unlisted(api_calls(world, data)) == set()


def test_every_operation_answers_each_actor_as_the_policy_says(world, data):
    assert walk(world, api_calls(world, data), ACTORS) == []


def test_nothing_internal_reaches_representatives_and_viewers(world, data):
    calls = api_calls(world, data)
    for actor in ("rep_x", "rep_y", "viewer"):
        client = token_client(getattr(world, actor))
        for call in calls:
            if call.method != "get" or actor not in call.allowed:
                continue
            body = client.get(call.url).content.decode()
            tally("api.scan")
            assert INTERNAL_TEXT not in body, f"{actor} received internal text from {call.name}"
            assert RESTRICTED_TEXT not in body, f"{actor} got restricted text from {call.name}"
