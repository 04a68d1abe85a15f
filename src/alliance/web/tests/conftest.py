"""Fixtures of the web tests: the named actors' world plus one of everything the cockpit shows."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alliance.testing import PASSWORD
from alliance.web.tests.data import CockpitData, add_cockpit_data


@pytest.fixture
def data(world: Any) -> CockpitData:
    return add_cockpit_data(world)


@pytest.fixture
def login(client: Client):
    """``login(user)`` logs the test client in as ``user`` and returns it."""

    def _login(user: Any) -> Client:
        client.logout()
        if user is not None:
            assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login


def client_for(user: Any) -> Client:
    """A fresh client logged in as ``user`` (for loops over actors)."""
    client = Client()
    client.force_login(user)
    return client
