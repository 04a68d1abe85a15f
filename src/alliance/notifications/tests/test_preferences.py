"""Each user chooses the kinds of e-mail they receive, on their own page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from alliance.notifications.models import MailPreference
from alliance.notifications.outbox import receives


def test_a_user_unticks_a_kind_and_no_longer_receives_it(world):
    url = reverse("mail_preferences")
    client = Client()
    client.force_login(world.rep_x)
    page = client.get(url)
    assert page.status_code == 200
    assert set(page.context["form"]["kinds"].value()) == {
        "reminder", "overdue", "escalation", "confirmation", "digest", "pulse",
    }  # fmt: skip
    response = client.post(url, {"kinds": ["reminder", "confirmation"]})
    assert response.status_code == 302
    assert MailPreference.objects.get(user=world.rep_x).muted == [
        "overdue", "escalation", "digest", "pulse",
    ]  # fmt: skip
    assert receives(world.rep_x, "reminder") and not receives(world.rep_x, "digest")
    assert receives(world.rep_y, "digest")  # another user's choice is theirs


def test_the_page_is_for_signed_in_users(client):
    response = client.get(reverse("mail_preferences"))
    assert response.status_code == 302 and "login" in response["Location"]
