"""Fixtures of the API tests: the named actors' world, one of everything, and clients that
call the API with a personal token as each actor."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from alliance.api import services
from alliance.web.tests.data import CockpitData, add_cockpit_data


@pytest.fixture
def data(world: Any) -> CockpitData:
    return add_cockpit_data(world)


class ApiClient:
    """Django's test client speaking JSON with ``Authorization: Bearer <token>``."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def _call(self, method: str, url: str, body: Any = None, **headers: str) -> Any:
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        return getattr(self.client, method)(url, **kwargs)

    def get(self, url: str, **headers: str) -> Any:
        return self._call("get", url, **headers)

    def post(self, url: str, body: Any = None, **headers: str) -> Any:
        return self._call("post", url, body if body is not None else {}, **headers)

    def patch(self, url: str, body: Any, **headers: str) -> Any:
        return self._call("patch", url, body, **headers)

    def delete(self, url: str, **headers: str) -> Any:
        return self._call("delete", url, **headers)


def token_client(user: Any, **options: Any) -> ApiClient:
    """A client with a new token of ``user`` (write scope unless ``scope`` says otherwise)."""
    options.setdefault("scope", "write")
    _token, secret = services.api_token_create(actor=user, name="test", **options)
    return ApiClient(secret)


@pytest.fixture
def api_as(world: Any):
    """``api_as("rep_x")`` is a client calling the API with a write token of that actor."""
    return lambda actor, **options: token_client(getattr(world, actor), **options)
