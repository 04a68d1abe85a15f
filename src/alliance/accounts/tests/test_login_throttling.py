"""Logins are throttled: repeated failures lock a username out from one address."""

import pytest
from django.urls import reverse

from alliance.testing import PASSWORD, make_user


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_out_even_with_the_right_password(client, throttled):
    make_user("claire")
    url = reverse("login")
    for _ in range(3):
        response = client.post(url, {"username": "claire", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(url, {"username": "claire", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, throttled):
    make_user("claire")
    url = reverse("login")
    for _ in range(2):
        client.post(url, {"username": "claire", "password": "wrong"})
    assert client.post(url, {"username": "claire", "password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(2):
        assert client.post(url, {"username": "claire", "password": "wrong"}).status_code == 200
