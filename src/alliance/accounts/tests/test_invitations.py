"""Invitations: who may invite whom, the single-use expiring link, the invitee's account and
language, resend and cancel; and the members page: change a role, revoke at once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliance.accounts import services
from alliance.accounts.choices import InvitationStatus, Role
from alliance.accounts.models import AuditEvent, Invitation, Membership, Profile
from alliance.interchange.models import CalendarFeed
from alliance.partnerships import services as ps
from alliance.partnerships.models import Person
from alliance.web.tests.data import INTERNAL_TEXT, RESTRICTED_TEXT, add_cockpit_data

STRONG = "kribi rail ledger 7Tq!m"


def _url(token: str) -> str:
    return "http://testserver" + reverse("invitation_accept", args=[token])


def _invite(world, *, actor=None, email="awa@ministry.example", role="party_rep", party=None):
    return services.invitation_create(
        actor=actor or world.owner,
        agreement=world.agreement,
        email=email,
        role=role,
        party=party if party is not None else (world.party_x if role == "party_rep" else None),
        name="Awa Diop",
        language="fr",
        accept_url=_url,
    )


def _link(message) -> str:
    return re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body).group(1)


@pytest.mark.django_db(transaction=True)
def test_counsellor_invites_a_representative_who_gets_a_french_mail_in_text_and_html(world):
    invitation = _invite(world, actor=world.counsellor)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["awa@ministry.example"]
    assert "Invitation" in message.subject and "Corridor agreement" in message.subject
    assert "Représentant" in message.body or "représentant" in message.body
    html = dict((mime, body) for body, mime in message.alternatives)["text/html"]
    assert _link(message) in html and 'lang="fr"' in html
    assert invitation.token_hash not in message.body  # only the digest is stored
    assert _link(message).split("/")[2] not in str(
        AuditEvent.objects.filter(object_type="accounts.invitation").values()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor", "role", "allowed"),
    [
        ("owner", "party_rep", True),
        ("owner", "counsellor", True),
        ("owner", "viewer", True),
        ("counsellor", "party_rep", True),
        ("counsellor", "editor", False),
        ("counsellor", "viewer", False),
        ("editor", "party_rep", False),
        ("rep_x", "party_rep", False),
        ("viewer", "party_rep", False),
        ("outsider", "party_rep", False),
    ],
)
def test_who_may_invite_in_which_role(world, actor, role, allowed):
    if allowed:
        assert _invite(world, actor=getattr(world, actor), role=role).status == "pending"
    else:
        with pytest.raises(PermissionDenied):
            _invite(world, actor=getattr(world, actor), role=role)
        assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_representative_must_represent_a_party_of_the_agreement(world):
    with pytest.raises(ValidationError):
        _invite(world, party=world.party_z)
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=world.owner, agreement=world.agreement, email="x@y.example", role="party_rep"
        )


@pytest.mark.django_db(transaction=True)
def test_invitee_creates_an_account_in_their_language_and_lands_on_the_first_page(world):
    _invite(world)
    link = _link(mail.outbox[0])
    client = Client()
    page = client.get(link)
    assert page.status_code == 200 and "Corridor agreement" in page.content.decode()
    weak = client.post(
        link,
        {
            "username": "awa",
            "language": "fr",
            "password1": "password1234",
            "password2": "password1234",
        },
    )
    assert weak.status_code == 200 and not Membership.objects.filter(user__username="awa").exists()
    response = client.post(
        link,
        {
            "username": "awa",
            "first_name": "Awa",
            "last_name": "Diop",
            "language": "fr",
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("inbox")
    membership = Membership.objects.get(user__username="awa")
    assert (membership.role, membership.party) == (Role.PARTY_REPRESENTATIVE, world.party_x)
    assert Profile.objects.get(user=membership.user).language == "fr"
    assert membership.user.emailaddress_set.get().verified
    portfolio = client.get(reverse("portfolio"))
    assert portfolio.status_code == 200 and portfolio.headers["Content-Language"] == "fr"
    # The link worked once.
    again = Client().get(link)
    assert again.status_code == 410 and "déjà" not in again.content.decode()


@pytest.mark.django_db
def test_forged_expired_and_cancelled_links_get_a_clear_page(world):
    assert Client().get(reverse("invitation_accept", args=["forged"])).status_code == 404
    invitation = _invite(world)
    token = "x"
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    # An expired link: the page says so (the token is unknown here, so resend to get one).
    invitation.refresh_from_db()
    assert invitation.is_expired and not invitation.is_open
    sent = []
    services.invitation_resend(actor=world.owner, invitation=invitation, accept_url=sent.append)
    token = sent[0]
    invitation.refresh_from_db()
    assert invitation.is_open and invitation.sent_count == 2
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    expired = Client().get(reverse("invitation_accept", args=[token]))
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    services.invitation_cancel(actor=world.owner, invitation=invitation)
    cancelled = Client().get(reverse("invitation_accept", args=[token]))
    assert cancelled.status_code == 410 and "withdrawn" in cancelled.content.decode()


@pytest.mark.django_db
def test_resend_gives_a_new_link_and_kills_the_old_one(world):
    tokens: list[str] = []
    invitation = services.invitation_create(
        actor=world.owner,
        agreement=world.agreement,
        email="awa@ministry.example",
        role="party_rep",
        party=world.party_x,
        accept_url=tokens.append,
    )
    services.invitation_resend(actor=world.owner, invitation=invitation, accept_url=tokens.append)
    old, new = tokens
    assert old != new
    assert services.invitation_by_token(old) is None
    assert services.invitation_by_token(new).pk == invitation.pk


@pytest.mark.django_db
def test_an_existing_user_accepts_after_logging_in_and_another_user_cannot(world):
    tokens: list[str] = []
    world.outsider.email = "outsider@firm.example"
    world.outsider.save()
    services.invitation_create(
        actor=world.owner,
        agreement=world.agreement,
        email="Outsider@Firm.example",
        role="viewer",
        accept_url=tokens.append,
    )
    url = reverse("invitation_accept", args=[tokens[0]])
    assert "Log in to accept" in Client().get(url).content.decode()
    intruder = Client()
    intruder.force_login(world.rep_y)
    assert "not the one invited" in intruder.get(url).content.decode()
    assert intruder.post(url).status_code == 200
    assert not Membership.objects.filter(user=world.rep_y, role="viewer").exists()
    client = Client()
    client.force_login(world.outsider)
    assert client.post(url).status_code == 302
    assert Membership.objects.get(user=world.outsider, agreement=world.agreement).role == "viewer"


@pytest.mark.django_db
def test_inviting_a_member_or_inviting_twice_is_refused(world):
    world.rep_x.email = "rep@x.example"
    world.rep_x.save()
    with pytest.raises(ValidationError):
        _invite(world, email="rep@x.example")
    _invite(world)
    with pytest.raises(ValidationError):
        _invite(world)


# ----- the members page -------------------------------------------------------------------


@pytest.mark.django_db
def test_members_page_is_for_owners_and_counsellors_only(world):
    url = reverse("agreement_members", args=[world.agreement.uuid])
    for name, user in world.actors.items():
        client = Client()
        client.force_login(user)
        expected = 200 if name in {"owner", "counsellor"} else 404
        assert client.get(url).status_code == expected, name
        assert client.post(url, {"action": "revoke", "member": "viewer"}).status_code in (
            {302} if name == "owner" else {302, 404}
        )
    assert not Membership.objects.filter(user=world.viewer).exists()  # the owner revoked


@pytest.mark.django_db
def test_a_counsellor_can_neither_change_roles_nor_revoke(world):
    client = Client()
    client.force_login(world.counsellor)
    url = reverse("agreement_members", args=[world.agreement.uuid])
    client.post(url, {"action": "revoke", "member": "rep_x"})
    client.post(url, {"action": "role", "member": "viewer", "m-viewer-role": "owner"})
    assert Membership.objects.get(user=world.rep_x).role == "party_rep"
    assert Membership.objects.get(user=world.viewer).role == "viewer"


@pytest.mark.django_db
def test_owner_changes_a_role_and_the_last_owner_stays(world):
    client = Client()
    client.force_login(world.owner)
    url = reverse("agreement_members", args=[world.agreement.uuid])
    client.post(url, {"action": "role", "member": "viewer", "m-viewer-role": "editor"})
    assert Membership.objects.get(user=world.viewer).role == "editor"
    client.post(url, {"action": "role", "member": "owner", "m-owner-role": "viewer"})
    assert Membership.objects.get(user=world.owner).role == "owner"
    with pytest.raises(ValidationError):
        services.membership_revoke(
            actor=world.owner, membership=Membership.objects.get(user=world.owner)
        )


@pytest.mark.django_db
def test_revoking_ends_access_at_once_pages_feeds_and_sessions(
    world, django_capture_on_commit_callbacks
):
    data = add_cockpit_data(world)
    rep = Client()
    rep.force_login(world.rep_x)
    commitment = reverse("commitment", args=[world.agreement.uuid, data.commitment_x.uuid])
    assert rep.get(commitment).status_code == 200
    feed = CalendarFeed.objects.create(user=world.rep_x, agreement=world.agreement)
    feed_url = reverse("interchange:feed", args=[feed.token])
    assert Client().get(feed_url).status_code == 200
    from alliance.accounts.sessions import active_sessions

    assert active_sessions(world.rep_x, None)  # the request above was tracked
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_revoke(
            actor=world.owner, membership=Membership.objects.get(user=world.rep_x)
        )
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert Client().get(feed_url).status_code == 404
    # rep_x had no other membership: signed out everywhere; the next request is anonymous.
    response = rep.get(commitment)
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert not active_sessions(world.rep_x, None)
    # Granted again later, the old feed address stays dead.
    services.membership_grant(
        actor=world.owner,
        agreement=world.agreement,
        user=world.rep_x,
        role="party_rep",
        party=world.party_x,
    )
    assert Client().get(feed_url).status_code == 404
    assert INTERNAL_TEXT and RESTRICTED_TEXT  # the world held confidential items throughout


@pytest.mark.django_db
def test_a_member_of_another_agreement_keeps_their_session_but_not_this_agreement(world):
    services.membership_grant(
        actor=world.other_owner, agreement=world.other_agreement, user=world.viewer, role="viewer"
    )
    client = Client()
    client.force_login(world.viewer)
    url = reverse("agreement", args=[world.agreement.uuid])
    assert client.get(url).status_code == 200
    services.membership_revoke(
        actor=world.owner,
        membership=Membership.objects.get(user=world.viewer, agreement=world.agreement),
    )
    assert client.get(url).status_code == 404
    assert client.get(reverse("agreement", args=[world.other_agreement.uuid])).status_code == 200


@pytest.mark.django_db
def test_every_invitation_change_is_audited_without_the_secret(world):
    invitation = _invite(world)
    services.invitation_resend(actor=world.owner, invitation=invitation, accept_url=_url)
    services.invitation_cancel(actor=world.owner, invitation=invitation)
    events = AuditEvent.objects.filter(object_id=str(invitation.uuid)).order_by("id")
    assert [e.action for e in events] == ["create", "update", "status"]
    assert all("token_hash" not in e.before and "token_hash" not in e.after for e in events)
    assert events.last().after["status"] == InvitationStatus.CANCELLED


# ----- the account and the party's person -------------------------------------------------


def _register(link: str, username: str = "awa") -> Any:
    client = Client()
    response = client.post(
        link,
        {
            "username": username,
            "first_name": "Awa",
            "last_name": "Diop",
            "language": "fr",
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302
    return get_user_model().objects.get(username=username)


@pytest.mark.django_db(transaction=True)
def test_accepting_links_the_account_to_the_partys_person_with_that_address(world):
    ps.person_update(actor=world.admin, person=world.person_x, email="awa@ministry.example")
    people_before = Person.objects.filter(party=world.party_x).count()
    _invite(world, email="Awa@Ministry.example")
    user = _register(_link(mail.outbox[0]))
    world.person_x.refresh_from_db()
    assert world.person_x.user == user
    assert Person.objects.filter(party=world.party_x).count() == people_before  # no duplicate
    event = AuditEvent.objects.filter(object_id=str(world.person_x.uuid), action="update").latest(
        "pk"
    )
    assert event.actor == user and event.after["user"] == str(user.pk)


@pytest.mark.django_db
def test_an_existing_account_accepting_is_linked_too(world):
    world.outsider.email = "outsider@firm.example"
    world.outsider.save()
    ps.person_update(actor=world.admin, person=world.person_x, email="outsider@firm.example")
    tokens: list[str] = []
    services.invitation_create(
        actor=world.counsellor,
        agreement=world.agreement,
        email="outsider@firm.example",
        role="party_rep",
        party=world.party_x,
        accept_url=tokens.append,
    )
    client = Client()
    client.force_login(world.outsider)
    assert client.post(reverse("invitation_accept", args=[tokens[0]])).status_code == 302
    world.person_x.refresh_from_db()
    assert world.person_x.user == world.outsider


@pytest.mark.django_db(transaction=True)
def test_without_a_person_of_that_party_the_representative_is_added_as_one(world):
    _invite(world, email="new@ministry.example")
    user = _register(_link(mail.outbox[0]))
    person = Person.objects.get(user=user)
    assert (person.party, person.email, person.name) == (
        world.party_x,
        "new@ministry.example",
        "Awa Diop",
    )
    assert person.languages == "fr"
    assert AuditEvent.objects.filter(object_id=str(person.uuid), action="create").exists()


@pytest.mark.django_db(transaction=True)
def test_a_person_of_another_party_is_never_linked_and_the_counsellor_is_told(world):
    """Jean Martin of Lender Y has the address; the invitation is to represent Ministry X. A
    person belongs to one party: the account gets a person of Ministry X, Jean's record is
    left as it is, and the counsellor reads why when inviting."""
    ps.person_update(actor=world.admin, person=world.person_y, email="awa@ministry.example")
    client = Client()
    client.force_login(world.counsellor)
    page = client.post(
        reverse("agreement_members", args=[world.agreement.uuid]),
        {
            "action": "invite",
            "email": "awa@ministry.example",
            "name": "Awa Diop",
            "role": "party_rep",
            "party": world.party_x.pk,
            "language": "fr",
        },
        follow=True,
    ).content.decode()
    assert "is also the address of Jean Martin (Lender Y)" in page
    user = _register(_link(mail.outbox[0]))
    world.person_y.refresh_from_db()
    assert world.person_y.user is None
    assert Person.objects.get(user=user).party == world.party_x


@pytest.mark.django_db(transaction=True)
def test_a_person_of_the_party_linked_to_another_account_is_left_alone(world):
    ps.person_update(actor=world.admin, person=world.person_x, email="awa@ministry.example")
    Person.objects.filter(pk=world.person_x.pk).update(user=world.rep_x)
    people_before = Person.objects.count()
    _invite(world)
    user = _register(_link(mail.outbox[0]))
    world.person_x.refresh_from_db()
    assert world.person_x.user == world.rep_x
    assert Person.objects.count() == people_before
    assert not Person.objects.filter(user=user).exists()
