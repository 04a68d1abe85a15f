"""Personal API tokens: created on a page and shown once, stored hashed, scoped, expiring,
revoked by their user — and by the end of the membership they were limited to."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.services import membership_revoke
from alliance.api import services
from alliance.api.models import ApiToken
from alliance.api.tests.conftest import ApiClient, token_client
from alliance.core import clock


def test_the_page_shows_a_new_token_once_and_keeps_only_its_digest(client, world):
    client.force_login(world.rep_x)
    url = reverse("api_tokens")
    response = client.post(
        url,
        {
            "name": "Ministry portal",
            "scope": "read",
            "agreement": str(world.agreement.uuid),
            "expires_on": (clock.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    secret = re.search(r'value="(alli_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=world.rep_x)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    assert token.agreement == world.agreement and token.scope == "read"
    # Shown once: the page lists it afterwards by its first characters only.
    again = client.get(url).content.decode()
    assert secret not in again and token.hint in again
    assert ApiClient(secret).get("/api/v1/agreements").status_code == 200


def test_the_page_refuses_an_agreement_one_is_not_member_of(client, world):
    client.force_login(world.rep_x)
    response = client.post(
        reverse("api_tokens"),
        {
            "name": "x",
            "scope": "read",
            "agreement": str(world.other_agreement.uuid),
            "expires_on": (clock.today() + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_expiry_is_required_in_the_future_and_bounded(world):
    for days in (0, 400):
        with pytest.raises(ValidationError) as exc:
            services.api_token_create(
                actor=world.owner, name="x", expires_on=clock.today() + timedelta(days=days)
            )
        assert "expires_on" in exc.value.message_dict


def test_revoked_and_expired_tokens_answer_401(client, world):
    token, secret = services.api_token_create(actor=world.viewer, name="x")
    api = ApiClient(secret)
    assert api.get("/api/v1/agreements").status_code == 200
    client.force_login(world.viewer)
    client.post(reverse("api_token_revoke", args=[token.uuid]))
    response = api.get("/api/v1/agreements")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/problem+json"
    token2, secret2 = services.api_token_create(actor=world.viewer, name="y")
    ApiToken.objects.filter(pk=token2.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert ApiClient(secret2).get("/api/v1/agreements").status_code == 401
    assert ApiClient("alli_made-up").get("/api/v1/agreements").status_code == 401
    assert ApiClient(None).get("/api/v1/agreements").status_code == 401


def test_nobody_revokes_another_users_token(client, world):
    token, _secret = services.api_token_create(actor=world.viewer, name="x")
    client.force_login(world.owner)
    assert client.post(reverse("api_token_revoke", args=[token.uuid])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_read_token_may_not_write(world):
    api = token_client(world.owner, scope="read")
    url = f"/api/v1/agreements/{world.agreement.uuid}"
    assert api.get(url).status_code == 200
    response = api.patch(url, {"title": "Renamed"})
    assert response.status_code == 403
    assert response.json()["type"].endswith("read-only-token")
    world.agreement.refresh_from_db()
    assert world.agreement.title == "Corridor agreement"


def test_a_token_limited_to_one_agreement_sees_nothing_else(world):
    from alliance.accounts.services import membership_grant

    membership_grant(
        actor=world.other_owner, agreement=world.other_agreement, user=world.owner, role="viewer"
    )
    everything = token_client(world.owner)
    one = token_client(world.owner, agreement=world.agreement)
    listed = {a["id"] for a in everything.get("/api/v1/agreements").json()["items"]}
    assert listed == {str(world.agreement.uuid), str(world.other_agreement.uuid)}
    listed = {a["id"] for a in one.get("/api/v1/agreements").json()["items"]}
    assert listed == {str(world.agreement.uuid)}
    assert one.get(f"/api/v1/agreements/{world.other_agreement.uuid}").status_code == 404
    parties = {p["name"] for p in one.get("/api/v1/parties").json()["items"]}
    assert parties == {"Ministry X", "Lender Y"}
    assert (
        one.post("/api/v1/parties", {"name": "N", "kind": "ngo", "country": "SN"}).status_code
        == 403
    )


def test_revoking_a_membership_ends_what_its_tokens_see_at_once(world):
    from alliance.accounts.models import Membership

    scoped = token_client(world.rep_x, agreement=world.agreement)
    unscoped = token_client(world.rep_x)
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments"
    assert scoped.get(url).status_code == 200 and unscoped.get(url).status_code == 200
    membership = Membership.objects.get(user=world.rep_x, agreement=world.agreement)
    membership_revoke(actor=world.owner, membership=membership)
    assert scoped.get(url).status_code == 401  # the token of that agreement is revoked
    assert unscoped.get(url).status_code == 404  # the agreement is gone from the other
    assert ApiToken.objects.filter(user=world.rep_x, revoked_at__isnull=False).count() == 1


def test_a_session_write_needs_its_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.owner)
    url = f"/api/v1/agreements/{world.agreement.uuid}"
    assert browser.get(url).status_code == 200
    refused = browser.patch(url, '{"title": "x"}', content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("csrf")
    browser.get(reverse("api_tokens"))  # any page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.patch(
        url, '{"title": "Renamed"}', content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 200
    assert accepted.json()["title"] == "Renamed"
