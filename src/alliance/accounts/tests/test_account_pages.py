"""Every account page answers each signed-in actor, sends the anonymous to log in, and speaks
French and German."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

# Pages of one's own account: every signed-in user opens them.
OWN_PAGES = [
    "account_change_password",
    "account_email",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "usersessions_list",
]


@pytest.mark.django_db
def test_every_signed_in_user_opens_their_account_pages(world):
    for name, user in world.actors.items():
        client = Client()
        client.force_login(user)
        for page in OWN_PAGES:
            response = client.get(reverse(page))
            # Adding a second factor first asks for the password again (reauthentication).
            assert response.status_code in (200, 302), (name, page)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("account_reauthenticate"))


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(world):
    for page in [*OWN_PAGES, "audit_log"]:
        response = Client().get(reverse(page))
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("account_login")), page
    members = reverse("agreement_members", args=[world.agreement.uuid])
    assert Client().get(members)["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Où vous êtes connecté", "Navigateur", "Se déconnecter partout"]),
        ("de", ["Wo Sie angemeldet sind", "Browser", "Überall abmelden"]),
    ],
)
def test_the_sessions_page_speaks_the_users_language(world, language, words):
    client = Client()
    client.force_login(world.rep_x)
    client.cookies["django_language"] = language
    html = client.get(reverse("usersessions_list")).content.decode()
    for word in words:
        assert word in html, word
    assert "Sign out everywhere" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Membres et invitations", "Inviter quelqu’un", "Révoquer"]),
        ("de", ["Mitglieder und Einladungen", "Jemanden einladen", "Entziehen"]),
    ],
)
def test_the_members_page_speaks_the_users_language(world, language, words):
    client = Client()
    client.force_login(world.owner)
    client.cookies["django_language"] = language
    html = client.get(reverse("agreement_members", args=[world.agreement.uuid])).content.decode()
    for word in words:
        assert word in html, word
