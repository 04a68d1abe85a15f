"""Schemathesis against the live schema: generated requests for every operation, as the owner
of a real agreement, with 0 server errors and 0 answers outside the schema (status codes,
media types, bodies).

One world serves every operation: each operation's examples run in one test, each request in
a savepoint rolled back after it, so a generated DELETE does not empty the world for the
next request and the fixtures are built once.
"""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings as settings_module
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from alliance.api import services

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 8  # per operation: ~115 operations in a few minutes

# On PostgreSQL the WSGI handler that schemathesis drives loses the test's connection ("the
# connection is closed" on the first request's first query): the fuzz runs on SQLite until
# that is solved; the route walker covers every operation on both databases. Disconnecting
# close_old_connections from request_started/request_finished (what Django's test client
# does) was tried and is not enough.
pytestmark = pytest.mark.skipif(
    settings_module.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="schemathesis' WSGI transport loses the test transaction on PostgreSQL",
)


def _live_schema():
    """The schema the site serves at /api/v1/openapi.json, driving the site's own WSGI
    application: every generated request goes through the whole stack."""
    loaded = openapi.from_dict(json.loads(Client().get("/api/v1/openapi.json").content))
    loaded.app = WSGIHandler()
    return loaded


def _examples(operation, segment, known, items, headers):
    """A Hypothesis test of one operation: generated requests with real path objects."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        for name in case.path_parameters or {}:
            if name in known:
                case.path_parameters[name] = known[name]
            elif name == "item_id" and segment in items:
                case.path_parameters[name] = str(items[segment].uuid)
        with transaction.atomic():
            case.call_and_validate(headers=headers, checks=CHECKS)
            transaction.set_rollback(True)

    return run


@override_settings(API_RATE_LIMIT_PER_MINUTE=10**9)
def test_every_operation_answers_within_its_schema(world, data):
    participation = world.agreement.participations.get(party=world.party_x)
    _token, secret = services.api_token_create(actor=world.owner, name="fuzz", scope="write")
    hook, _secret = services.webhook_subscribe(
        actor=world.owner, url="http://127.0.0.1:9/hook", events=["warning.raised"]
    )
    headers = {"Authorization": f"Bearer {secret}"}
    # Real objects for the path parameters: requests reach the services, not only a 404.
    known = {
        "agreement_id": str(world.agreement.uuid),
        "commitment_id": str(data.commitment_y.uuid),
        "interaction_id": str(data.shared_interaction.uuid),
        "milestone_id": str(data.milestone.uuid),
        "participation_id": str(participation.uuid),
        "party_id": str(world.party_y.uuid),
        "webhook_id": str(hook.uuid),
    }
    items = {
        "grievances": data.grievance,
        "risks": data.risk,
        "topics": data.topic,
        "expectations": data.expectation,
        "requirements": data.requirement,
        "indicators": data.indicator,
        "observations": data.observation,
        "warnings": data.warning,
        "objectives": data.objective,
        "notes": data.note,
        "pulses": data.pulse,
        "responses": data.response_y,
        "people": world.person_y,
        "blackouts": data.blackout,
    }
    failures, timings = [], {}
    for result in _live_schema().get_all_operations():
        operation = result.ok()
        segment = operation.path.split("/")[5] if operation.path.count("/") > 5 else ""

        run = _examples(operation, segment, known, items, headers)
        start = time.perf_counter()
        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}"[:2000])
        timings[operation.label] = time.perf_counter() - start
    assert len(timings) >= 60
    assert not failures, "\n\n".join(failures)
