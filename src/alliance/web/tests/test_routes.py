"""Every route for every actor: allowed actors get the page, everyone else 404."""

from __future__ import annotations

from alliance.testing import tally
from alliance.web.tests.routes import (
    agreement_routes,
    generated_routes,
    other_agreement_routes,
    unwalked_patterns,
    walk,
)


def test_every_route_answers_each_actor_as_the_policy_says(world, data):
    assert walk(world, agreement_routes(world, data)) == []


def test_tabs_answer_htmx_requests_for_each_actor(world, data):
    assert walk(world, agreement_routes(world, data), htmx=True) == []


def test_nobody_reaches_an_agreement_they_are_not_member_of(world, data):
    assert walk(world, other_agreement_routes(world)) == []


def test_anonymous_users_are_sent_to_log_in(client, world, data):
    for route in agreement_routes(world, data):
        response = client.get(route.url)
        tally("pages.anonymous")
        assert response.status_code == 302, route.name
        assert response["Location"].startswith("/account/login/"), route.name


def test_every_export_of_every_format_answers_each_actor(world, data):
    routes = generated_routes(world)
    names = {r.name.split("[")[0] for r in routes}
    # CSV of every entity, the workbook, the standard's package, the pages around them.
    assert {"interchange:export_csv", "interchange:export_xlsx", "interchange:export_oc4ids"} <= (
        names
    )
    assert sum(r.name.startswith("interchange:export_csv[") for r in routes) >= 15
    assert walk(world, routes) == []


def test_every_route_with_an_agreement_is_walked(world, data):
    assert unwalked_patterns(world, data) == []
