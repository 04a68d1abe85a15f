"""What the periodic jobs write, for whom, once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alliance.accounts.models import Profile
from alliance.core import clock
from alliance.notifications import jobs
from alliance.notifications.models import Notification
from alliance.notifications.services import mail_preference_set
from alliance.partnerships import services as ps
from alliance.web.tests.data import INTERNAL_TEXT, add_cockpit_data

TODAY = date(2025, 7, 9)  # a Wednesday


def _commitment(world, title, due_on, **extra):
    return ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_y],
        title=title,
        category="regulatory",
        due_on=due_on,
        duration_optimistic=1,
        duration_likely=2,
        duration_pessimistic=3,
        created_at=datetime(2025, 3, 1, tzinfo=UTC),
        **extra,
    )


@pytest.fixture
def story(addressed):
    world = addressed
    with clock.frozen(TODAY):
        soon = _commitment(world, "Publish the tariff", date(2025, 7, 14))  # 3 working days
        late = _commitment(world, "Issue the permit", date(2025, 6, 20))  # 13 working days late
        done = _commitment(world, "Open the escrow", date(2025, 7, 30))
        ps.commitment_deliver(actor=world.rep_x, commitment=done, evidence="Bank letter 7")
    return world, soon, late, done


def _keys(kind=None):
    rows = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return sorted((n.kind, n.user.username) for n in rows)


def test_reminders_overdue_notices_and_escalation_reach_their_people_once(story):
    _world, soon, _late, _done = story
    assert jobs.reminders(TODAY) == 3
    assert _keys() == [
        ("escalation", "owner"),
        ("overdue", "rep_x"),
        ("reminder", "rep_x"),
    ]
    reminder = Notification.objects.get(kind="reminder")
    assert "Publish the tariff" in reminder.subject and "3 working days" in reminder.text
    assert f"/commitments/{soon.uuid}/" in reminder.text
    escalation = Notification.objects.get(kind="escalation")
    assert "13 working days overdue" in escalation.text and "rep_x" in escalation.text
    # Run again (a second tick, a restarted worker): nothing new.
    before = Notification.objects.count()
    assert jobs.reminders(TODAY) == 3
    assert Notification.objects.count() == before


def test_a_delivery_waiting_is_asked_of_the_party_owed_then_asked_again(story):
    _world, *_ = story
    assert jobs.confirmations(TODAY) == 1
    assert _keys() == [("confirmation", "rep_y")]
    assert jobs.confirmations(date(2025, 7, 20)) == 1  # a week later: asked again
    assert Notification.objects.filter(kind="confirmation").count() == 2
    assert "Still waiting" in Notification.objects.latest("pk").subject


def test_a_muted_kind_is_not_written_and_messages_speak_the_users_language(story):
    world, *_ = story
    mail_preference_set(actor=world.rep_x, user=world.rep_x, kinds=["reminder"])
    Profile.objects.update_or_create(user=world.rep_x, defaults={"language": "fr"})
    jobs.reminders(TODAY)
    assert _keys() == [("escalation", "owner"), ("reminder", "rep_x")]
    reminder = Notification.objects.get(kind="reminder")
    assert reminder.subject.endswith(
        "Échéance proche : Publish the tariff".replace(" :", "\u00a0:")
    )


def test_only_you_choose_your_mail(story):
    world, *_ = story
    with pytest.raises(Exception, match="Only you"):
        mail_preference_set(actor=world.owner, user=world.rep_x, kinds=[])


def test_the_digest_goes_through_the_access_policy(addressed):
    world = addressed
    add_cockpit_data(world)
    today = clock.today()
    assert jobs.digests(today, "W") >= 4
    digests = {n.user.username: n for n in Notification.objects.filter(kind="digest")}
    assert "outsider" not in digests  # no agreement, nothing to say
    for name in ("rep_x", "rep_y", "viewer"):
        assert INTERNAL_TEXT not in digests[name].text + digests[name].html, name
    for name in ("owner", "counsellor", "editor"):
        assert INTERNAL_TEXT in digests[name].text, name
    # What a representative is asked, what their party owes or is owed.
    assert "Issue the environmental permit" in digests["rep_x"].text
    assert "<h2" in digests["rep_x"].html
    assert jobs.digests(today, "W") >= 4
    assert Notification.objects.filter(kind="digest").count() == len(digests)


def test_a_disputed_commitment_is_not_called_overdue_as_on_every_page(story):
    """The dispute stops the clock (alliance.attention.counts): no overdue notice or
    escalation, and the digest lists it due without the word 'overdue'."""
    world, _soon, late, _done = story
    with clock.frozen(TODAY):
        ps.commitment_change_status(actor=world.owner, commitment=late, status="disputed")
    jobs.reminders(TODAY)
    assert _keys() == [("reminder", "rep_x")]
    content = jobs.digest_for(world.owner, TODAY)
    assert late in content["due"] and late.pk not in content["overdue"]
    with clock.frozen(TODAY):
        ps.commitment_change_status(actor=world.owner, commitment=late, status="late")
    assert late.pk in jobs.digest_for(world.owner, TODAY)["overdue"]
