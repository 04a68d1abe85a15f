"""Safe concurrent use: ETag / If-Match, Idempotency-Key, cursor pages, the rate limit."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings

from alliance.accounts.models import AuditEvent
from alliance.core import clock
from alliance.partnerships.models import Commitment


def test_a_stale_write_is_refused_with_412(world, data, api_as):
    api = api_as("owner")
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments/{data.commitment_x.uuid}"
    read = api.get(url)
    etag = read["ETag"]
    assert api.get(url)["ETag"] == etag  # stable while nothing changes
    first = api.patch(url, {"clause": "4.3"}, **{"If-Match": etag})
    assert first.status_code == 200 and first["ETag"] != etag
    second = api.patch(url, {"clause": "9.9"}, **{"If-Match": etag})
    assert second.status_code == 412
    assert second.json()["type"].endswith("stale")
    data.commitment_x.refresh_from_db()
    assert data.commitment_x.clause == "4.3"
    assert api.patch(url, {"clause": "5"}, **{"If-Match": first["ETag"]}).status_code == 200


def test_a_post_retried_with_its_idempotency_key_writes_once(world, api_as):
    api = api_as("owner")
    url = f"/api/v1/agreements/{world.agreement.uuid}/milestones"
    body = {"title": "First train", "due_on": (clock.today() + timedelta(days=9)).isoformat()}
    first = api.post(url, body, **{"Idempotency-Key": "k-1"})
    again = api.post(url, body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert world.agreement.milestones.filter(title="First train").count() == 1
    other = api.post(url, {**body, "title": "Other"}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    # Another caller's identical key is theirs.
    assert api_as("counsellor").post(url, body, **{"Idempotency-Key": "k-1"}).status_code == 201


def test_a_refused_post_is_not_kept_for_its_key(world, api_as):
    api = api_as("owner")
    url = f"/api/v1/agreements/{world.agreement.uuid}/milestones"
    assert api.post(url, {"title": "x"}, **{"Idempotency-Key": "k"}).status_code == 422
    body = {"title": "x", "due_on": clock.today().isoformat()}
    assert api.post(url, body, **{"Idempotency-Key": "k"}).status_code == 201


def test_cursor_pages_walk_every_item_once_while_others_write(world, data, api_as):
    from alliance.web.tests.data import add_volume

    add_volume(world, 7)
    api = api_as("viewer")
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments?limit=4"
    seen, cursor, pages = [], None, 0
    while True:
        page = api.get(url + (f"&cursor={cursor}" if cursor else "")).json()
        seen += [c["id"] for c in page["items"]]
        cursor, pages = page["next_cursor"], pages + 1
        if pages == 1:  # a commitment created meanwhile comes at the end, nothing repeats
            add_volume(world, 1, start=100)
        if cursor is None:
            break
    assert (
        len(seen) == len(set(seen)) == Commitment.objects.filter(agreement=world.agreement).count()
    )
    assert api.get(url + "&cursor=not-ours").status_code == 422


@override_settings(API_RATE_LIMIT_PER_MINUTE=3)
def test_too_many_requests_answer_429_with_retry_after(world, api_as):
    api, other = api_as("viewer"), api_as("rep_x")
    statuses = [api.get("/api/v1/agreements").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/agreements")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["type"].endswith("rate-limited")
    assert other.get("/api/v1/agreements").status_code == 200  # per token


def test_writes_are_audited_like_the_pages(world, api_as):
    api = api_as("owner")
    url = f"/api/v1/agreements/{world.agreement.uuid}"
    before = AuditEvent.objects.count()
    assert api.patch(url, {"summary": "Through the API"}).status_code == 200
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.actor_id == world.owner.pk and event.after == {"summary": "Through the API"}


def test_a_patch_without_depends_on_keeps_the_prerequisites(world, data, api_as):
    """PATCH changes what it names: a commitment's prerequisites stay unless the body gives
    ``depends_on`` (then the list replaces them)."""
    api = api_as("owner")
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments/{data.commitment_y.uuid}"
    before = api.get(url).json()["depends_on"]
    assert before == [str(data.commitment_x.uuid)]
    answer = api.patch(url, {"clause": "7.1"})
    assert answer.status_code == 200 and answer.json()["depends_on"] == before
    assert list(data.commitment_y.depends_on.all()) == [data.commitment_x]
    emptied = api.patch(url, {"depends_on": []})
    assert emptied.status_code == 200 and emptied.json()["depends_on"] == []


def test_a_participation_ends_and_resumes_through_the_api(world, api_as):
    """A party that leaves keeps its participation and history: PATCH ``ended_on`` with a
    reason; ``ended_on: null`` brings it back (the reason goes with the end); a reason
    without a date is refused (422)."""
    api = api_as("owner")
    base = f"/api/v1/agreements/{world.agreement.uuid}/participations"
    item = next(p for p in api.get(base).json()["items"] if p["party"] == str(world.party_y.uuid))
    url = f"{base}/{item['id']}"
    ended = api.patch(url, {"ended_on": "2026-03-31", "end_note": "Loan repaid early"})
    assert ended.status_code == 200, ended.json()
    assert (ended.json()["ended_on"], ended.json()["end_note"]) == (
        "2026-03-31",
        "Loan repaid early",
    )
    resumed = api.patch(url, {"ended_on": None})
    assert resumed.status_code == 200
    assert (resumed.json()["ended_on"], resumed.json()["end_note"]) == (None, "")
    assert api.patch(url, {"end_note": "A reason without a date"}).status_code == 422
    listed = api.get(base).json()["items"]
    assert next(p for p in listed if p["id"] == item["id"])["end_note"] == ""
