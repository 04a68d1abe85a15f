"""What every response carries and how long a session lives: a Content-Security-Policy with a
fresh nonce, no-store on every page, export and feed, an idle timeout, HTTPS settings from the
environment, and ``check --deploy`` clean in the production profile."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from django.test import Client
from django.urls import reverse

from alliance.accounts.middleware import IdleSessionMiddleware
from alliance.testing import tally
from alliance.web.tests.data import add_cockpit_data


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_with_a_fresh_nonce(world):
    client = logged_in(world.counsellor)
    url = reverse("agreement", args=[world.agreement.uuid])
    first, second = client.get(url), client.get(url)
    tally("transport.response", 2)
    policy = first["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"' in first.content.decode()
    assert nonce not in second["Content-Security-Policy"]


@pytest.mark.django_db
def test_every_page_export_and_feed_is_no_store(world):
    from alliance.interchange.services import calendar_feed_issue

    add_cockpit_data(world)
    client = logged_in(world.rep_x)
    feed = calendar_feed_issue(actor=world.rep_x, agreement=world.agreement)
    for url in (
        reverse("portfolio"),
        reverse("agreement_commitments", args=[world.agreement.uuid]),
        reverse("interchange:export_xlsx", args=[world.agreement.uuid]),
        reverse("interchange:feed", args=[feed.token]),
    ):
        response = client.get(url)
        tally("transport.response")
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    tally("transport.response")
    assert "no-store" in Client().get(reverse("account_login"))["Cache-Control"]


@pytest.mark.django_db
def test_an_idle_session_ends(world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = logged_in(world.viewer)
    url = reverse("portfolio")
    assert client.get(url).status_code == 200
    tally("session.idle")
    session = client.session
    assert time.time() - session[IdleSessionMiddleware.KEY] < 60
    # Twenty-nine minutes without a request: still signed in.
    session[IdleSessionMiddleware.KEY] = time.time() - 29 * 60
    session.save()
    assert client.get(url).status_code == 200
    tally("session.idle")
    # The request above renewed it; thirty-one minutes later, the session is over.
    session = client.session
    session[IdleSessionMiddleware.KEY] = time.time() - 31 * 60
    session.save()
    response = client.get(url)
    tally("session.idle")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get(url).status_code == 302


PRODUCTION = {
    "SECRET_KEY": "x7Rq2m" * 10,
    "ALLOWED_HOSTS": "alliance.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://alliance.example.org",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "ALLIANCE_TRUSTED_PROXIES": "1",
    "EMAIL_HOST": "smtp.example.org",
    "EMAIL_USE_TLS": "true",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The test process's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE) are not
    # the production profile's.
    test_only = {"ALLIANCE_TESTING", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "-m", "alliance", "manage", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_in_the_production_profile(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "ALLIANCE_VAR_DIR": str(tmp_path)},
    )
    tally("transport.deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_https_settings(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if not k.startswith("SECURE_")}
    result = manage("check", "--deploy", env={**env, "ALLIANCE_VAR_DIR": str(tmp_path)})
    tally("transport.deploy")
    assert "security.W004" in result.stdout + result.stderr  # HSTS
    assert "security.W008" in result.stdout + result.stderr  # SSL redirect
