"""E-mail through a real SMTP server (aiosmtpd on 127.0.0.1, started here), settings read from
the environment, and every message in plain text and HTML in the recipient's language."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from alliance.accounts import mail, services
from alliance.accounts.models import Profile
from alliance.testing import settings_under


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on the loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


def _parts(message: EmailMessage) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content()
        for part in message.walk()
        if not part.is_multipart()
    }


@pytest.mark.django_db(transaction=True)
def test_an_invitation_goes_through_a_real_smtp_server(world, smtp_server):
    services.invitation_create(
        actor=world.owner,
        agreement=world.agreement,
        email="anna@lender.example",
        role="party_rep",
        party=world.party_y,
        language="de",
        accept_url=lambda token: f"https://alliance.example/invitations/{token}/",
    )
    (sender, recipients, message) = smtp_server.messages[0]
    assert recipients == ["anna@lender.example"]
    assert "alliance@localhost" in sender
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    assert "Einladung" in message["Subject"]
    assert "https://alliance.example/invitations/" in parts["text/plain"]
    assert 'lang="de"' in parts["text/html"] and "Lender Y" in parts["text/html"]


@pytest.mark.django_db(transaction=True)
def test_allauth_mail_is_also_html_and_in_the_users_language(world, smtp_server, client):
    world.rep_y.email = "jean@lender.example"
    world.rep_y.save()
    Profile.objects.create(user=world.rep_y, language="fr")
    client.post(reverse("account_reset_password"), {"email": "jean@lender.example"})
    (_sender, _to, message) = smtp_server.messages[0]
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    assert "mot de passe" in parts["text/plain"].lower()
    assert 'lang="fr"' in parts["text/html"]


@pytest.mark.django_db
def test_every_message_has_a_subject_text_and_html(world):
    """Each allauth template the project may send renders in every language, with HTML."""
    from django.conf import settings

    prefixes = [
        "account/email/password_reset_key",
        "account/email/password_changed",
        "account/email/password_reset",
        "account/email/unknown_account",
        "mfa/email/totp_activated",
        "mfa/email/totp_deactivated",
        "mfa/email/webauthn_added",
        "mfa/email/webauthn_removed",
        "mfa/email/recovery_codes_generated",
    ]
    for language, _name in settings.LANGUAGES:
        for prefix in prefixes:
            subject, text, html = mail.render_message(
                prefix,
                {
                    "user": world.rep_x,
                    "password_reset_url": "https://x/",
                    "signup_url": "https://x/",
                    "email": "a@b.example",
                    "current_site": {"name": "Alliance", "domain": "x"},
                    "timestamp": None,
                    "ip": "198.51.100.1",
                    "user_agent": "Firefox",
                },
                language=language,
            )
            assert subject.startswith("[Alliance]") and text and "<html" in html, (language, prefix)


def test_smtp_settings_come_from_the_environment(tmp_path):
    secret = tmp_path / "smtp_password"
    secret.write_text("s3cret\n")
    env = {
        **os.environ,
        "ALLIANCE_TESTING": "1",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "2525",
        "EMAIL_HOST_USER": "alliance",
        "EMAIL_HOST_PASSWORD_FILE": str(secret),
        "EMAIL_USE_TLS": "true",
        "DEFAULT_FROM_EMAIL": "Alliance <noreply@example.org>",
    }
    mailers, sender = settings_under(env, "[settings.MAILERS, settings.DEFAULT_FROM_EMAIL]")
    assert mailers["default"]["BACKEND"].endswith("smtp.EmailBackend")
    assert mailers["default"]["OPTIONS"] | {} == {
        "host": "smtp.example.org",
        "port": 2525,
        "username": "alliance",
        "password": "s3cret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 30,
    }
    assert sender == "Alliance <noreply@example.org>"
    with pytest.raises(subprocess.CalledProcessError) as both:
        settings_under({**env, "EMAIL_USE_SSL": "true"}, "settings.MAILERS")
    assert "EMAIL_USE_TLS or EMAIL_USE_SSL" in both.value.stderr


def test_without_a_server_the_demo_writes_mail_to_the_console_or_files(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    base |= {"ALLIANCE_TESTING": "1"}
    console = settings_under(base, "settings.MAILERS")
    assert console["default"]["BACKEND"].endswith("console.EmailBackend")
    files = settings_under({**base, "EMAIL_FILE_PATH": str(tmp_path)}, "settings.MAILERS")
    assert files["default"]["OPTIONS"] == {"file_path": str(tmp_path)}
