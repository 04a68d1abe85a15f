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
import traceback

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
from alliance.testing import tally

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 8  # per operation: ~115 operations in a few minutes


class _TestClientApplication:
    """The site as a WSGI application that answers through Django's test client.

    Schemathesis' WSGI transport builds each request from the generated case (body, headers,
    query, cookies, the headers a negative case leaves out) and wraps the answer for the
    checks; the request itself goes through the whole stack in Django's ``Client``, in this
    thread and on the test's connection. Driving ``WSGIHandler`` directly does not work on
    PostgreSQL: its ``request_started`` and ``request_finished`` signals run
    ``close_old_connections``, which closes a connection whose autocommit is off, and inside
    the test's transaction it is off, so the request's first query finds the connection closed
    (SQLite's in-memory test database ignores the close). The test client leaves those
    signals out for the request, as a test in a transaction needs; every middleware and view
    still runs, with CSRF enforced as on the site.
    """

    def __init__(self) -> None:
        self.exc_info = None

    def __call__(self, environ, start_response):
        client = Client(enforce_csrf_checks=True, raise_request_exception=False)
        response = client.request(**environ)
        # The exception behind a 500, shown with the failure (the page itself says little).
        self.exc_info = response.exc_info
        # Read to the end, a streamed answer is closed by the test client's wrapper.
        content = b"".join(response.streaming_content) if response.streaming else response.content
        headers = list(response.items())
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [content]


def _live_schema(application):
    """The schema the site serves at /api/v1/openapi.json, every generated request answered
    by ``application``."""
    loaded = openapi.from_dict(json.loads(Client().get("/api/v1/openapi.json").content))
    loaded.app = application
    return loaded


def _examples(operation, segment, known, items, headers, application):
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
        application.exc_info = None
        try:
            with transaction.atomic():
                tally("api.fuzz")
                case.call_and_validate(headers=headers, checks=CHECKS)
                transaction.set_rollback(True)
        except (Exception, BaseExceptionGroup) as exc:
            if application.exc_info:
                exc.add_note("".join(traceback.format_exception(*application.exc_info, limit=-6)))
            raise

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
    application = _TestClientApplication()
    failures, timings = [], {}
    for result in _live_schema(application).get_all_operations():
        operation = result.ok()
        segment = operation.path.split("/")[5] if operation.path.count("/") > 5 else ""

        run = _examples(operation, segment, known, items, headers, application)
        start = time.perf_counter()
        try:
            run()
        # Collect every operation's failure, then report them all (several failed checks come
        # as schemathesis' FailureGroup, a BaseExceptionGroup).
        except (Exception, BaseExceptionGroup) as exc:
            notes = "\n".join(getattr(exc, "__notes__", []))
            failures.append(f"{operation.label}: {exc}\n{notes}"[:6000])
        timings[operation.label] = time.perf_counter() - start
    assert len(timings) >= 60
    assert not failures, "\n\n".join(failures)
