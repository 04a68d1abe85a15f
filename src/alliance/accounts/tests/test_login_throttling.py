"""Logins are throttled per client address and per account, separately: spraying many
usernames from one address is slowed; one address can never lock an account; a lock ends
with its cool-off or at once when the owner sets a new password through the reset link; the
client address comes only from the configured number of trusted proxies."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.testing import PASSWORD, make_user, tally

NEW_PASSWORD = "kribi rail ledger 7Tq!m"


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 8


def attempt(login: str, password: str = "wrong", *, address: str = "198.51.100.7", **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    tally("login.attempt")
    return response


def cool_off_passes() -> None:
    """Move every recorded failure back past the cool-off (axes reads the database's times)."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))


@pytest.mark.django_db
def test_twenty_usernames_from_one_address_are_slowed(throttled):
    make_user("claire")
    statuses = [attempt(f"user{n}").status_code for n in range(20)]
    # The fifth failure reaches the address's limit: it and every later attempt wait.
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    # Even the right password of a real account waits, from that address only.
    assert attempt("claire", PASSWORD).status_code == 429
    assert attempt("claire", PASSWORD, address="203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_one_address_cannot_lock_a_user_out(throttled):
    make_user("claire")
    for _ in range(100):
        attempt("claire")
    assert attempt("claire", PASSWORD, address="203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_many_addresses_lock_the_account_until_the_cool_off_ends(throttled):
    make_user("claire")
    for n in range(8):
        attempt("claire", address=f"192.0.2.{n}")
    locked = attempt("claire", PASSWORD, address="203.0.113.9")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Failing again while locked does not make the lock last longer.
    for n in range(8, 16):
        attempt("claire", address=f"192.0.2.{n}")
    cool_off_passes()
    assert attempt("claire", PASSWORD, address="203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_a_password_reset_unlocks_the_account_at_once(throttled):
    claire = make_user("claire")
    claire.email = "claire@lender.example"
    claire.save()
    for n in range(8):
        attempt("claire", address=f"192.0.2.{n}")
    assert attempt("claire", PASSWORD, address="203.0.113.9").status_code == 429
    page = attempt("claire", PASSWORD, address="203.0.113.9").content.decode()
    assert reverse("account_reset_password") in page

    owner = Client(REMOTE_ADDR="203.0.113.9")
    owner.post(reverse("account_reset_password"), {"email": "claire@lender.example"})
    link = re.search(r"http://testserver(/account/password/reset/key/\S+/)", mail.outbox[-1].body)
    form = owner.get(link.group(1), follow=True)
    post_url = form.redirect_chain[-1][0] if form.redirect_chain else link.group(1)
    owner.post(post_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert attempt("claire", NEW_PASSWORD, address="203.0.113.9").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(throttled):
    make_user("claire")
    for _ in range(4):
        attempt("claire")
    assert attempt("claire", PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt("claire").status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_is_ignored_without_trusted_proxies(throttled):
    statuses = [
        attempt(f"user{n}", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(8)
    ]
    assert statuses[4:] == [429] * 4


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_counts_alone(throttled, settings):
    """Behind one proxy every request comes from the proxy's address: the client is the
    address the proxy appended, and whatever the client wrote before it is ignored."""
    settings.ALLIANCE_TRUSTED_PROXIES = 1
    proxy = "10.0.0.1"
    for n in range(8):
        forged = f"172.16.0.{n}, 198.51.100.7"
        attempt(f"user{n}", address=proxy, HTTP_X_FORWARDED_FOR=forged)
    assert attempt("x", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    make_user("claire")
    other = attempt("claire", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert other.status_code == 302
