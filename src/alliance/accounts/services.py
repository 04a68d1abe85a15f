"""Writes of accounts: memberships, invitations, a user's own settings and sessions.

Every write checks the access policy, validates, saves and audits in one transaction; e-mails
leave on commit, in the recipient's language.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from alliance.accounts import mail
from alliance.accounts.choices import AuditAction, InvitationStatus, Role
from alliance.accounts.models import Invitation, Membership, Profile
from alliance.accounts.policy import can_invite, can_manage_members, people_visible_to
from alliance.accounts.sessions import end_sessions
from alliance.core.services import audit, snapshot
from alliance.partnerships.models import Agreement, Party, Person

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)
# Never in the trail: the digest of an invitation's secret link.
INVITATION_SECRET_FIELDS = ("token_hash",)


# ----- memberships ------------------------------------------------------------------------


@transaction.atomic
def membership_grant(
    *, actor: Any, agreement: Agreement, user: Any, role: str, party: Party | None = None
) -> Membership:
    """Give ``user`` a role on ``agreement`` (or change it). Only owners may do this."""
    if not can_manage_members(actor, agreement):
        raise PermissionDenied(_("Only the agreement's owner may manage its members."))
    membership = Membership.objects.filter(agreement=agreement, user=user).first()
    before = snapshot(membership) if membership else {}
    if membership is not None and membership.role == Role.OWNER and role != Role.OWNER:
        _keep_an_owner(membership)
    membership = membership or Membership(agreement=agreement, user=user)
    membership.role, membership.party = role, party
    membership.full_clean()
    membership.save()
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    audit(actor=actor, obj=membership, action=action, before=before)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    """End a membership. Access ends at once: the policy reads memberships on every request,
    so the agreement's pages answer 404 from the next one; the user's calendar feeds of the
    agreement are revoked (and whatever ``MEMBERSHIP_REVOKED_HOOKS`` lists — API tokens when
    they exist); a user left with no membership at all is signed out everywhere."""
    if not can_manage_members(actor, membership.agreement):
        raise PermissionDenied(_("Only the agreement's owner may manage its members."))
    if membership.role == Role.OWNER:
        _keep_an_owner(membership)
    audit(
        actor=actor,
        obj=membership,
        action=AuditAction.DELETE,
        before=snapshot(membership),
        after={},
    )
    user, agreement = membership.user, membership.agreement
    membership.delete()
    for hook in settings.MEMBERSHIP_REVOKED_HOOKS:
        import_string(hook)(actor=actor, user=user, agreement=agreement)
    if not (user.is_staff or user.is_superuser or Membership.objects.filter(user=user).exists()):
        transaction.on_commit(lambda: end_sessions(user))


def _keep_an_owner(membership: Membership) -> None:
    others = Membership.objects.filter(agreement_id=membership.agreement_id, role=Role.OWNER)
    if not others.exclude(pk=membership.pk).exists():
        raise ValidationError(
            {"role": _("An agreement keeps at least one owner: make someone else owner first.")}
        )


# ----- invitations ------------------------------------------------------------------------


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _token_digest(token)


def _expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


def _invitation_snapshot(invitation: Invitation) -> dict[str, Any]:
    data = snapshot(invitation)
    for name in INVITATION_SECRET_FIELDS:
        data.pop(name, None)
    return data


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link names (whatever its state), or None for a forged link."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("agreement", "party", "invited_by")
        .filter(token_hash=_token_digest(token))
        .first()
    )


@transaction.atomic
def invitation_create(
    *,
    actor: Any,
    agreement: Agreement,
    email: str,
    role: str,
    party: Party | None = None,
    name: str = "",
    language: str = "",
    accept_url: Any = None,
) -> Invitation:
    """Invite someone by e-mail to ``agreement`` in ``role`` and send them the link.

    ``accept_url(token)`` builds the absolute address of the acceptance page (the view knows
    the host); the token itself is never stored."""
    if not can_invite(actor, agreement, role):
        raise PermissionDenied(_("You may not invite people to this agreement in this role."))
    email = email.strip().lower()
    if Membership.objects.filter(agreement=agreement, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the agreement.")})
    if Invitation.objects.filter(
        agreement=agreement, email=email, status=InvitationStatus.PENDING
    ).exists():
        raise ValidationError(
            {"email": _("This address is already invited: resend or cancel that invitation.")}
        )
    token, digest = _new_token()
    invitation = Invitation(
        agreement=agreement,
        email=email,
        name=name.strip(),
        role=role,
        party=party,
        language=language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE,
        invited_by=actor,
        token_hash=digest,
        expires_at=_expiry(),
    )
    invitation.full_clean()
    invitation.save()
    audit(
        actor=actor,
        obj=invitation,
        action=AuditAction.CREATE,
        after=_invitation_snapshot(invitation),
    )
    _send_invitation(invitation, token, accept_url)
    return invitation


@transaction.atomic
def invitation_resend(*, actor: Any, invitation: Invitation, accept_url: Any = None) -> Invitation:
    """Send a pending (or expired) invitation again with a new link; the old link dies."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not can_invite(actor, invitation.agreement, invitation.role):
        raise PermissionDenied(_("You may not invite people to this agreement in this role."))
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation was already accepted or cancelled."))
    before = _invitation_snapshot(invitation)
    token, invitation.token_hash = _new_token()
    invitation.sent_at = timezone.now()
    invitation.expires_at = _expiry()
    invitation.sent_count += 1
    invitation.full_clean()
    invitation.save()
    audit(
        actor=actor,
        obj=invitation,
        action=AuditAction.UPDATE,
        before=before,
        after=_invitation_snapshot(invitation),
    )
    _send_invitation(invitation, token, accept_url)
    return invitation


@transaction.atomic
def invitation_cancel(*, actor: Any, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation: its link answers as cancelled from now on."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not can_invite(actor, invitation.agreement, invitation.role):
        raise PermissionDenied(_("You may not invite people to this agreement in this role."))
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation was already accepted or cancelled."))
    return _close(actor, invitation, InvitationStatus.CANCELLED)


def _close(actor: Any, invitation: Invitation, status: str, user: Any = None) -> Invitation:
    before = _invitation_snapshot(invitation)
    invitation.status, invitation.closed_at, invitation.accepted_by = status, timezone.now(), user
    invitation.save(update_fields=["status", "closed_at", "accepted_by"])
    audit(
        actor=actor,
        obj=invitation,
        action=AuditAction.STATUS,
        before=before,
        after=_invitation_snapshot(invitation),
    )
    return invitation


def _send_invitation(invitation: Invitation, token: str, accept_url: Any) -> None:
    if accept_url is None:
        return
    context = {
        "invitation": invitation,
        "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.get_username(),
        "agreement_title": invitation.agreement.localized("title", invitation.language),
        "role": invitation.get_role_display,
        "party": invitation.party.name if invitation.party else "",
        "url": accept_url(token),
        "expires_at": invitation.expires_at,
    }
    transaction.on_commit(
        lambda: mail.send_message(
            to=invitation.email,
            template_prefix="accounts/email/invitation",
            context=context,
            language=invitation.language,
        )
    )


def invitation_matches(invitation: Invitation, user: Any) -> bool:
    """Whether ``user`` owns the address the invitation was sent to."""
    if (user.email or "").lower() == invitation.email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email).exists()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any) -> Membership:
    """Join the agreement as invited. The link is the authority: it was sent by someone who
    could invite in this role, to this address, and works once until it expires."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation can no longer be used."))
    if not invitation_matches(invitation, user):
        raise PermissionDenied(_("This invitation was sent to another address."))
    membership = Membership.objects.filter(agreement=invitation.agreement, user=user).first()
    before = snapshot(membership) if membership else {}
    membership = membership or Membership(agreement=invitation.agreement, user=user)
    membership.role, membership.party = invitation.role, invitation.party
    membership.full_clean()
    membership.save()
    audit(
        actor=user,
        obj=membership,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        before=before,
    )
    _close(user, invitation, InvitationStatus.ACCEPTED, user)
    _person_link(invitation, user)
    return membership


def _person_link(invitation: Invitation, user: Any) -> Person | None:
    """The party's contact for a representative's account. A person of the invited party
    with the invited address (and no other account) is linked to the account; without one, a
    person is added to the party. A person of another party with the same address is never
    linked: a person belongs to one party, and the same human at two organisations is two
    contacts (the counsellor is told when inviting: ``invitation_namesakes``). A person of
    the party already linked to another account is left alone, and none is added."""
    if invitation.role != Role.PARTY_REPRESENTATIVE or invitation.party_id is None:
        return None
    people = list(
        Person.objects.select_for_update()
        .filter(party_id=invitation.party_id, email__iexact=invitation.email)
        .order_by("pk")
    )
    mine = next((p for p in people if p.user_id == user.pk), None)
    if mine is not None:
        return mine
    free = next((p for p in people if p.user_id is None), None)
    if free is not None:
        before = snapshot(free, many_to_many=False)
        free.user = user
        free.save(update_fields=["user"])
        audit(actor=user, obj=free, action=AuditAction.UPDATE, before=before)
        return free
    if people:
        return None
    profile = Profile.objects.filter(user=user).first()
    person = Person(
        party_id=invitation.party_id,
        name=(invitation.name or user.get_full_name() or invitation.email)[:200],
        email=invitation.email,
        languages=profile.language if profile and profile.language else invitation.language,
        user=user,
    )
    person.full_clean()
    person.save()
    audit(actor=user, obj=person, action=AuditAction.CREATE)
    return person


def invitation_namesakes(*, actor: Any, email: str, party: Party | None) -> list[Person]:
    """People of other parties with ``email``, as ``actor`` may see them: accepting an
    invitation to represent ``party`` will not link the account to them."""
    if party is None:
        return []
    return list(
        people_visible_to(actor)
        .filter(email__iexact=email.strip())
        .exclude(party=party)
        .select_related("party")
        .order_by("party__name", "name")
    )


@transaction.atomic
def invitee_register(
    *,
    invitation: Invitation,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "",
) -> Any:
    """Create the account of an invited person (their address is proven by the link), with
    their language, and accept the invitation. The password is checked by the policy."""
    if not invitation.is_open:
        raise ValidationError(_("This invitation can no longer be used."))
    user_model = get_user_model()
    if user_model.objects.filter(Q(email__iexact=invitation.email)).exists():
        raise ValidationError(_("An account already uses this address: log in to accept."))
    user = user_model(
        username=username, email=invitation.email, first_name=first_name, last_name=last_name
    )
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    Profile.objects.create(user=user, language=language if language in LANGUAGE_CODES else "")
    audit(actor=user, obj=user, action=AuditAction.CREATE, after=_user_snapshot(user))
    invitation_accept(invitation=invitation, user=user)
    return user


def _user_snapshot(user: Any) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
    }


# ----- a user's own settings and sessions -------------------------------------------------


@transaction.atomic
def profile_set_language(*, user: Any, language: str) -> Profile:
    """Remember the language of the user's pages and e-mails (views also keep it in the
    session: ``middleware.remember_language``)."""
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("This language is not available.")})
    profile, _created = Profile.objects.get_or_create(user=user)
    if profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])
    return profile


def session_end(*, actor: Any, session_id: str) -> bool:
    """End one of the actor's own sessions (by its row, never by its secret key)."""
    from allauth.usersessions.models import UserSession

    session = UserSession.objects.filter(user_id=actor.pk, pk=session_id).first()
    if session is None:
        return False
    session.end()
    return True


def sessions_end_everywhere(*, actor: Any, keep_key: str | None = None) -> int:
    """Sign the actor out of every browser (but the one of ``keep_key``, if given)."""
    return end_sessions(actor, keep_key=keep_key)
