"""Session and account hygiene: the list of active sessions, signing out of one or all, a new
password ending the other sessions, the password policy, and password reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import Profile
from alliance.accounts.sessions import active_sessions, describe_user_agent
from alliance.testing import PASSWORD, tally

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
NEW_PASSWORD = "kribi rail ledger 7Tq!m"


def _portfolio(client: Client) -> int:
    """The status of the portfolio for ``client``: 200 signed in, 302 signed out."""
    status = client.get(reverse("portfolio")).status_code
    tally("session.check")
    return status


def _logged_in(username: str, agent: str, ip: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post(reverse("account_login"), {"login": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
def test_the_sessions_page_lists_each_browser_with_address_and_last_seen(world):
    laptop = _logged_in("rep_x", FIREFOX, "198.51.100.7")
    _logged_in("rep_x", ANDROID, "203.0.113.9")
    page = laptop.get(reverse("usersessions_list"))
    text = page.content.decode()
    assert page.status_code == 200
    for expected in (
        "Firefox 133",
        "Windows",
        "Chrome Mobile 131",
        "Pixel 8",
        "198.51.100.7",
        "203.0.113.9",
        "this browser",
    ):
        assert expected in text, expected
    assert len(page.context["sessions"]) == 2 and page.context["sessions"][0].is_current


@pytest.mark.django_db
def test_signing_out_one_other_session(world):
    laptop = _logged_in("rep_x", FIREFOX, "198.51.100.7")
    phone = _logged_in("rep_x", ANDROID, "203.0.113.9")
    other = next(s for s in active_sessions(world.rep_x, None) if "Pixel" in s.device)
    laptop.post(reverse("sessions_end"), {"scope": "one", "session": other.uuid})
    assert _portfolio(phone) == 302
    assert _portfolio(laptop) == 200


@pytest.mark.django_db
def test_nobody_ends_the_session_of_someone_else(world):
    victim = _logged_in("rep_x", FIREFOX, "198.51.100.7")
    (session,) = active_sessions(world.rep_x, None)
    attacker = _logged_in("rep_y", ANDROID, "203.0.113.9")
    attacker.post(reverse("sessions_end"), {"scope": "one", "session": session.uuid})
    assert _portfolio(victim) == 200


@pytest.mark.django_db
def test_sign_out_everywhere(world):
    laptop = _logged_in("rep_x", FIREFOX, "198.51.100.7")
    phone = _logged_in("rep_x", ANDROID, "203.0.113.9")
    response = laptop.post(reverse("sessions_end"), {"scope": "all"})
    assert response["Location"] == reverse("account_login")
    for client in (laptop, phone):
        assert _portfolio(client) == 302
    assert not active_sessions(world.rep_x, None)


@pytest.mark.django_db
def test_sign_out_the_others_keeps_this_one(world):
    laptop = _logged_in("rep_x", FIREFOX, "198.51.100.7")
    phone = _logged_in("rep_x", ANDROID, "203.0.113.9")
    laptop.post(reverse("sessions_end"), {"scope": "others"})
    assert _portfolio(laptop) == 200
    assert _portfolio(phone) == 302


@pytest.mark.django_db
def test_a_new_password_ends_every_other_session(world):
    laptop = _logged_in("rep_x", FIREFOX, "198.51.100.7")
    phone = _logged_in("rep_x", ANDROID, "203.0.113.9")
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _portfolio(laptop) == 200
    assert _portfolio(phone) == 302
    assert [s.is_current for s in active_sessions(world.rep_x, None)] == [False]


@pytest.mark.parametrize(
    "password",
    [
        "short1!",  # too short
        "password1234",  # common, and a pattern
        "qwertyuiop123",  # keyboard walk
        "iloveyou2024!",  # in the leaked lists, with a year
        "Password1234!",  # a dictionary word dressed up
        "aaaaaaaaaaaaaaaa",  # repeated
        "alliance2026",  # the product's own name and a year
        "rep_x_rep_x_rep_x",  # the user's own name
    ],
)
@pytest.mark.django_db
def test_the_password_policy_refuses_weak_passwords_offline(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, world.rep_x)
    tally("password.weak")


@pytest.mark.parametrize(
    "password", [NEW_PASSWORD, "correct horse battery staple", "Ndé-Kribi 2026 Port!"]
)
@pytest.mark.django_db
def test_the_password_policy_accepts_long_unguessable_passwords(world, password):
    validate_password(password, world.rep_x)
    tally("password.strong")


@pytest.mark.django_db
def test_the_policy_needs_no_network(world, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the password policy tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(ValidationError):
        validate_password("letmein12345", world.rep_x)
    tally("password.weak")


@pytest.mark.django_db
def test_password_reset_by_mail_in_the_users_language_works_once(world):
    world.rep_x.email = "rep.x@ministry.example"
    world.rep_x.save()
    Profile.objects.create(user=world.rep_x, language="de")
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "rep.x@ministry.example"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    html = dict((mime, body) for body, mime in message.alternatives)["text/html"]
    assert "Passwort" in message.body and 'lang="de"' in html
    link = re.search(r"http://testserver(/account/password/reset/key/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    post_url = form.redirect_chain[-1][0] if form.redirect_chain else link
    done = client.post(post_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    world.rep_x.refresh_from_db()
    assert world.rep_x.check_password(NEW_PASSWORD)
    reused = Client().get(link, follow=True)
    assert "password1" not in reused.content.decode()  # the link is dead once used


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(world):
    response = Client().post(reverse("account_reset_password"), {"email": "nobody@x.example"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_signing_up_alone_is_closed(world):
    response = Client().get(reverse("account_signup"))
    assert "closed" in response.content.decode().lower() or response.status_code in (403, 404)


def test_user_agents_are_described_for_people():
    assert describe_user_agent(FIREFOX) == ("Firefox 133", "Windows 10")
    assert describe_user_agent("") == ("Unknown browser", "Unknown device")
    browser, device = describe_user_agent(ANDROID)
    assert browser == "Chrome Mobile 131" and "Pixel 8" in device


@pytest.mark.django_db
def test_the_chosen_language_follows_the_user(world):
    client = Client()
    client.force_login(world.rep_x)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert Profile.objects.get(user=world.rep_x).language == "fr"
    fresh = Client(headers={"accept-language": "de"})
    fresh.force_login(world.rep_x)
    assert fresh.get(reverse("portfolio")).headers["Content-Language"] == "fr"
