"""Outgoing webhooks, delivered to a real HTTP server on this machine: signed, retried with
back-off, once per event, and never carrying what the subscriber may not see when it leaves."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from alliance.accounts.models import Membership
from alliance.accounts.services import membership_revoke
from alliance.api import services, webhooks
from alliance.api.models import WebhookDelivery, WebhookSubscription
from alliance.core import clock
from alliance.partnerships import services as ps
from alliance.risks import services as rs
from alliance.web.tests.data import INTERNAL_TEXT


class Receiver:
    """An HTTP server in a thread that keeps every request and answers the status codes it
    is told, in turn (200 once they run out)."""

    def __init__(self, answers: list[int] | None = None, delay: float = 0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers = list(answers or [])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(delay)  # a slow receiver
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append({"headers": headers, "body": body})
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def _verify(secret: str, request: dict[str, Any]) -> bool:
    """What a receiver does (Standard Webhooks): HMAC-SHA256 of id.timestamp.body."""
    h = request["headers"]
    signed = f"{h['webhook-id']}.{h['webhook-timestamp']}.".encode() + request["body"]
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(h["webhook-signature"], "v1," + expected)


def _deliver(world: Any, commitment: Any) -> None:
    ps.commitment_deliver(actor=world.rep_x, commitment=commitment, evidence="Permit signed")


def test_a_status_change_reaches_the_subscriber_signed_and_only_once(world, data, receiver):
    _subscription, secret = services.webhook_subscribe(
        actor=world.owner,
        url=receiver.url,
        events=["commitment.status_changed"],
        agreement=world.agreement,
    )
    _deliver(world, data.commitment_x)
    assert webhooks.run() == {
        "collected": 1,
        "delivered": 1,
        "retry": 0,
        "failed": 0,
        "withheld": 0,
    }
    [request] = receiver.requests
    assert _verify(secret, request)
    assert not _verify(secret, {**request, "body": request["body"].replace(b"delivered", b"late")})
    headers = request["headers"]
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    body = json.loads(request["body"])
    assert body["type"] == "commitment.status_changed"
    assert body["agreement"]["id"] == str(world.agreement.uuid)
    assert body["data"]["commitment"] == str(data.commitment_x.uuid)
    assert (body["data"]["from_status"], body["data"]["to_status"]) == ("planned", "delivered")
    row = WebhookDelivery.objects.get()
    assert headers["webhook-id"] == body["id"] == str(row.uuid)
    assert (row.status, row.attempts, row.response_status) == ("delivered", 1, 200)
    # The trail is read again on the next runs (a late commit is not missed): nothing twice.
    assert webhooks.run()["collected"] == 0
    assert len(receiver.requests) == 1
    # Another agreement's events, or kinds not subscribed, make no delivery.
    rs.early_warning_raise(
        actor=world.owner,
        agreement=world.agreement,
        key="manual:x",
        title="Shared warning",
        explanation="Seen on site",
        severity="warning",
        raised_on=clock.today(),
    )
    assert webhooks.run()["collected"] == 0


def test_a_refused_delivery_is_retried_with_back_off_under_the_same_id(world, data):
    with Receiver(answers=[500, 503]) as receiver:
        services.webhook_subscribe(
            actor=world.owner, url=receiver.url, events=["commitment.status_changed"]
        )
        _deliver(world, data.commitment_x)
        assert webhooks.run()["retry"] == 1
        row = WebhookDelivery.objects.get()
        assert (row.status, row.attempts, row.response_status) == ("pending", 1, 500)
        assert row.next_attempt_at - row.claimed_at == timedelta(minutes=1)
        assert webhooks.deliver_due()["retry"] == 0  # not yet due: nothing sent
        assert len(receiver.requests) == 1
        later = timezone.now() + timedelta(minutes=2)
        assert webhooks.deliver_due(later)["retry"] == 1  # 503
        row.refresh_from_db()
        assert row.next_attempt_at - row.claimed_at == timedelta(minutes=5)
        assert webhooks.deliver_due(later + timedelta(minutes=6))["delivered"] == 1
        ids = {r["headers"]["webhook-id"] for r in receiver.requests}
        assert len(receiver.requests) == 3 and ids == {str(row.uuid)}


def test_a_slow_receiver_holds_up_neither_the_others_nor_the_tick(world, data, monkeypatch):
    """Deliveries are sent one after another in the scheduler's tick: a receiver that lets
    each request time out used to cost a timeout per waiting delivery. Now its first failure
    in a pass leaves its other deliveries for a later pass (no attempt spent), the other
    receivers get theirs, and a pass stops claiming once its time budget is spent."""
    monkeypatch.setattr(webhooks, "WEBHOOK_TIMEOUT_SECONDS", 0.3)
    with Receiver(delay=1.5) as slow, Receiver() as fast:
        for receiver in (slow, fast):
            services.webhook_subscribe(
                actor=world.owner, url=receiver.url, events=["commitment.status_changed"]
            )
        ps.commitment_change_status(
            actor=world.owner, commitment=data.commitment_x, status="in_progress"
        )
        ps.commitment_change_status(
            actor=world.owner, commitment=data.commitment_y, status="in_progress"
        )
        _deliver(world, data.commitment_x)
        webhooks.collect()
        assert WebhookDelivery.objects.filter(status="pending").count() == 6
        assert webhooks.deliver_due(budget_seconds=0) == {
            "delivered": 0,
            "retry": 0,
            "failed": 0,
            "withheld": 0,
        }  # no time left in this pass: nothing claimed, nothing lost
        counts = webhooks.deliver_due()
        assert (counts["delivered"], counts["retry"]) == (3, 1)
        assert len(fast.requests) == 3
        waiting = WebhookDelivery.objects.filter(subscription__url=slow.url)
        assert sorted(waiting.values_list("status", "attempts")) == [
            ("pending", 0),
            ("pending", 0),
            ("pending", 1),
        ]
        assert "TimeoutError" in waiting.get(attempts=1).last_error


def test_a_receiver_that_never_answers_2xx_ends_failed_with_its_error_logged(world, data):
    with Receiver(answers=[502] * 10) as receiver:
        services.webhook_subscribe(
            actor=world.owner, url=receiver.url, events=["commitment.status_changed"]
        )
        _deliver(world, data.commitment_x)
        webhooks.collect()
        when = timezone.now()
        for _attempt in range(webhooks.MAX_ATTEMPTS):
            webhooks.deliver_due(when)
            when += timedelta(days=1)
        row = WebhookDelivery.objects.get()
        assert (row.status, row.attempts, row.last_error) == ("failed", 6, "HTTP 502")
        assert webhooks.deliver_due(when + timedelta(days=9))["failed"] == 0
        assert len(receiver.requests) == 6


def test_a_representative_subscriber_never_receives_an_internal_warning(world, receiver):
    services.webhook_subscribe(actor=world.rep_x, url=receiver.url, events=["warning.raised"])
    for title, confidentiality in ((f"{INTERNAL_TEXT} minister", "internal"), ("Permit", "shared")):
        rs.early_warning_raise(
            actor=world.counsellor,
            agreement=world.agreement,
            key=f"manual:{confidentiality}",
            title=title,
            explanation="Heard",
            severity="warning",
            raised_on=clock.today(),
            confidentiality=confidentiality,
        )
    outcome = webhooks.run()
    assert (outcome["collected"], outcome["delivered"], outcome["withheld"]) == (2, 1, 1)
    assert [b["data"]["title"] for b in receiver.bodies()] == ["Permit"]
    assert all(INTERNAL_TEXT.encode() not in r["body"] for r in receiver.requests)


def test_a_revoked_membership_withholds_what_was_waiting(world, data, receiver):
    services.webhook_subscribe(
        actor=world.viewer, url=receiver.url, events=["commitment.status_changed"]
    )
    _deliver(world, data.commitment_x)
    assert webhooks.collect() == 1
    membership = Membership.objects.get(user=world.viewer, agreement=world.agreement)
    membership_revoke(actor=world.owner, membership=membership)
    assert webhooks.deliver_due()["withheld"] == 1
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == "withheld"


def test_a_subscription_to_one_agreement_ends_with_the_membership(world):
    subscription, _secret = services.webhook_subscribe(
        actor=world.viewer,
        url="https://127.0.0.1/hook",
        events=["warning.raised"],
        agreement=world.agreement,
    )
    membership = Membership.objects.get(user=world.viewer, agreement=world.agreement)
    membership_revoke(actor=world.owner, membership=membership)
    subscription.refresh_from_db()
    assert not subscription.is_active


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",  # not HTTPS
        "https://10.1.2.3/hook",  # a private network
        "https://169.254.169.254/latest",  # link-local (cloud metadata)
        "ftp://127.0.0.1/hook",
        # Not addresses at all (found by schemathesis: they were a 500).
        "https://example.com[/hook",
        "https://example.com:port/hook",
        "https://example.com:99999/hook",
    ],
)
def test_an_address_the_server_should_not_post_to_is_refused(world, url):
    with pytest.raises(ValidationError) as refused:
        services.webhook_subscribe(actor=world.owner, url=url, events=["warning.raised"])
    assert "url" in refused.value.message_dict


@override_settings(WEBHOOK_ALLOW_LOCAL_HTTP=False)
def test_plain_http_to_this_machine_is_refused_outside_tests_and_debug(world):
    with pytest.raises(ValidationError):
        services.webhook_subscribe(
            actor=world.owner, url="http://127.0.0.1:8000/hook", events=["warning.raised"]
        )


def test_the_api_answers_the_secret_once_and_only_to_its_owner(world, data, api_as, receiver):
    owner = api_as("owner")
    body = {"url": receiver.url, "events": ["delivery.confirmed", "delivery.contested"]}
    created = owner.post("/api/v1/webhooks", {**body, "agreement": str(world.agreement.uuid)})
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    one = created["Location"]
    assert secret.startswith("whsec_") and secret.startswith(created.json()["secret_hint"])
    assert "secret" not in owner.get(one).json()
    assert secret not in owner.get("/api/v1/webhooks").content.decode()
    for actor in ("counsellor", "rep_x", "outsider"):
        assert api_as(actor).get(one).status_code == 404
        assert api_as(actor).delete(one).status_code == 404
    # An agreement one is not a member of is refused, naming the field.
    refused = api_as("outsider").post(
        "/api/v1/webhooks", {**body, "agreement": str(world.agreement.uuid)}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "agreement"
    # The party owed confirms the delivery: the owner's receiver gets it, the log shows it.
    _deliver(world, data.commitment_x)
    confirmation = data.commitment_x.confirmations.get()
    ps.delivery_confirm(actor=world.rep_y, confirmation=confirmation)
    assert webhooks.run()["delivered"] == 1
    [request] = receiver.requests
    assert _verify(secret, request)
    assert json.loads(request["body"])["data"]["status"] == "confirmed"
    log = owner.get(one + "/deliveries").json()["items"]
    assert [(d["event"], d["status"], d["attempts"]) for d in log] == [
        ("delivery.confirmed", "delivered", 1)
    ]
    assert owner.delete(one).status_code == 204
    assert owner.get(one).json()["active"] is False


def test_the_page_subscribes_shows_the_secret_once_and_revokes(client, world):
    client.force_login(world.rep_x)
    url = reverse("webhook_create")
    response = client.post(
        url,
        {
            "url": "https://127.0.0.1/hook",
            "events": ["commitment.status_changed", "warning.raised"],
            "agreement": str(world.agreement.uuid),
        },
    )
    assert response.status_code == 200
    secret = re.search(r'value="(whsec_[^"]+)"', response.content.decode()).group(1)
    subscription = WebhookSubscription.objects.get(user=world.rep_x)
    assert subscription.secret == secret and subscription.agreement == world.agreement
    with connection.cursor() as cursor:  # kept encrypted: not in the table as typed
        cursor.execute("SELECT secret FROM api_webhooksubscription")
        [(stored,)] = cursor.fetchall()
    assert secret not in stored and secret[6:20] not in stored
    again = client.get(reverse("api_tokens")).content.decode()
    assert secret not in again and "https://127.0.0.1/hook" in again
    # Another user may not revoke it; its owner may.
    other = Client()
    other.force_login(world.owner)
    revoke = reverse("webhook_revoke", args=[subscription.uuid])
    assert other.post(revoke).status_code == 404
    assert client.post(revoke).status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active


def test_the_page_refuses_plain_http_naming_the_field(client, world):
    client.force_login(world.owner)
    response = client.post(
        reverse("webhook_create"),
        {"url": "http://example.com/hook", "events": ["warning.raised"]},
    )
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_a_delivery_connects_to_the_address_it_checked(world, data, receiver, monkeypatch):
    """DNS rebinding: a name that answers a vetted address to the check and something else
    afterwards. The delivery connects to the address it checked and never asks the name
    again (here every later answer fails, as a rebinding name's private answer would be
    refused)."""
    import socket as socket_module

    real = socket_module.getaddrinfo
    asked: list[str] = []

    def resolver(host, *args, **kwargs):
        if host == "localhost":
            asked.append(host)
            if len(asked) > 1:
                raise socket_module.gaierror("the name now points elsewhere")
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    services.webhook_subscribe(
        actor=world.owner,
        url=receiver.url.replace("127.0.0.1", "localhost"),
        events=["commitment.status_changed"],
        agreement=world.agreement,
    )
    _deliver(world, data.commitment_x)
    monkeypatch.setattr(socket_module, "getaddrinfo", resolver)
    assert webhooks.run()["delivered"] == 1, WebhookDelivery.objects.get().last_error
    assert asked == ["localhost"] and len(receiver.requests) == 1
    assert receiver.requests[0]["headers"]["host"].startswith("localhost:")
