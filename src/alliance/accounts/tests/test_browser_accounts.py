"""Two-factor authentication and invitations in a real browser (Playwright driving Debian's
Chromium): enrolling an authenticator app and logging in with its codes, a passkey on a
virtual authenticator (Chrome DevTools' WebAuthn domain), and an invitee joining."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.core import mail
from django.urls import reverse

from alliance.accounts import services
from alliance.accounts.models import Membership
from alliance.testing import CHROMIUM, PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(
    os.environ.get(
        "ALLIANCE_SCREENSHOTS", Path(__file__).parents[4] / "test-output" / "screenshots"
    )
)
STRONG = "kribi rail ledger 7Tq!m"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Chromium is not installed"),
]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A wide desktop window (the browser is the one Chromium of ``alliance.testing``)."""
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def enforced(settings: Any, transactional_db: None) -> None:
    settings.MFA_REQUIRED_FOR_TEAM = True


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def password_login(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + reverse("account_login"))
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form.account-form button[type=submit]").click()


def confirm_password(page: Any) -> None:
    """allauth asks for the password again before a second factor is added."""
    assert "/account/reauthenticate/" in page.url
    shot(page, "two-factor-reauthenticate-en")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def log_out(page: Any) -> None:
    page.locator(".account-menu summary").click()
    page.locator(".account-menu button", has_text="Log out").click()


def fresh_code(secret: str) -> str:
    """A code not used yet: the next window's (allowed by MFA_TOTP_TOLERANCE = 1)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_a_counsellor_enrols_an_authenticator_app_then_logs_in_with_a_code(
    page, live_server, world, enforced
):
    password_login(page, live_server, "counsellor")
    page.wait_for_url(live_server.url + reverse("mfa_index"))
    assert "A second factor is required" in page.content()
    shot(page, "two-factor-required-en")
    # Any other page sends back here until a second factor exists.
    page.goto(live_server.url + reverse("agreement", args=[world.agreement.uuid]))
    page.wait_for_url(live_server.url + reverse("mfa_index"))

    page.goto(live_server.url + reverse("mfa_activate_totp"))
    confirm_password(page)
    secret = page.input_value("#authenticator_secret")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    shot(page, "two-factor-totp-activate-en")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "recovery" in page.url or "Recovery" in page.content()
    shot(page, "two-factor-recovery-codes-en")
    page.goto(live_server.url + reverse("agreement", args=[world.agreement.uuid]))
    assert page.url.endswith(reverse("agreement", args=[world.agreement.uuid]))

    log_out(page)
    password_login(page, live_server, "counsellor")
    page.wait_for_url(live_server.url + reverse("mfa_authenticate"))
    shot(page, "two-factor-code-prompt-en")
    page.fill("#id_code", "000000")
    page.locator("main form button[type=submit]").click()
    assert "Incorrect code" in page.content() or "incorrect" in page.content().lower()
    page.fill("#id_code", fresh_code(secret))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("mfa_trust"))
    shot(page, "two-factor-trust-en")
    page.locator("button[value=trust]").click()
    page.wait_for_url(live_server.url + reverse("inbox"))
    page.goto(live_server.url + reverse("agreement", args=[world.agreement.uuid]))
    assert "Corridor agreement" in page.content()
    # Trusted: the next login asks for no code.
    log_out(page)
    password_login(page, live_server, "counsellor")
    page.wait_for_url(live_server.url + reverse("inbox"))


def test_a_passkey_on_a_virtual_authenticator_logs_in_without_a_password(
    page, live_server, world, enforced
):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    password_login(page, live_server, "editor")
    page.wait_for_url(live_server.url + reverse("mfa_index"))
    page.goto(live_server.url + reverse("mfa_add_webauthn"))
    confirm_password(page)
    page.fill("#id_name", "Laptop passkey")
    page.check("#id_passwordless")
    shot(page, "two-factor-passkey-add-en")
    add_url = page.url
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: url != add_url)  # the credential made and posted
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    assert credentials["credentials"][0]["isResidentCredential"]
    page.goto(live_server.url + reverse("agreement", args=[world.agreement.uuid]))
    assert "Corridor agreement" in page.content()

    log_out(page)
    page.goto(live_server.url + reverse("account_login"))
    page.click("#passkey_login")
    page.wait_for_url(live_server.url + reverse("inbox"))
    page.goto(live_server.url + reverse("agreement", args=[world.agreement.uuid]))
    assert "Corridor agreement" in page.content()
    count = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert count["credentials"][0]["signCount"] >= 1


def test_an_invited_representative_joins_in_french_on_a_phone(
    browser, live_server, world, transactional_db
):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    try:
        services.invitation_create(
            actor=world.counsellor,
            agreement=world.agreement,
            email="awa@ministry.example",
            role="party_rep",
            party=world.party_x,
            name="Awa Diop",
            language="fr",
            accept_url=lambda token: live_server.url + reverse("invitation_accept", args=[token]),
        )
        link = re.search(r"(http://\S+/invitations/\S+/)", mail.outbox[-1].body).group(1)
        page.goto(link)
        assert page.locator("html").get_attribute("lang") == "fr"
        shot(page, "invitation-accept-fr-390")
        page.fill("#id_username", "awa")
        page.select_option("#id_language", "fr")
        page.fill("#id_password1", STRONG)
        page.fill("#id_password2", STRONG)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(live_server.url + reverse("inbox"))
        assert "Corridor agreement" in page.content()
        shot(page, "invitation-landed-fr-390")
        membership = Membership.objects.get(user__username="awa")
        assert membership.party == world.party_x
        page.goto(link)
        assert "déjà" in page.content() or "already" in page.content()
    finally:
        context.close()
