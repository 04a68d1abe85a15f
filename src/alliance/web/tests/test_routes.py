"""Every route for every actor: allowed actors get the page, everyone else 404."""

from __future__ import annotations

from alliance.web.tests.routes import agreement_routes, other_agreement_routes, walk


def test_every_route_answers_each_actor_as_the_policy_says(world, data):
    assert walk(world, agreement_routes(world, data)) == []


def test_tabs_answer_htmx_requests_for_each_actor(world, data):
    assert walk(world, agreement_routes(world, data), htmx=True) == []


def test_nobody_reaches_an_agreement_they_are_not_member_of(world, data):
    assert walk(world, other_agreement_routes(world)) == []


def test_anonymous_users_are_sent_to_log_in(client, world, data):
    for route in agreement_routes(world, data):
        response = client.get(route.url)
        assert response.status_code == 302, route.name
        assert response["Location"].startswith("/login/"), route.name
