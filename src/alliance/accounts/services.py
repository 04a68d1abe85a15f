"""Writes on memberships: who may work on an agreement, in which role."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from alliance.accounts.choices import AuditAction
from alliance.accounts.models import Membership
from alliance.accounts.policy import can_manage_members
from alliance.core.services import audit, snapshot
from alliance.partnerships.models import Agreement, Party


@transaction.atomic
def membership_grant(
    *, actor: Any, agreement: Agreement, user: Any, role: str, party: Party | None = None
) -> Membership:
    """Give ``user`` a role on ``agreement`` (or change it). Only owners may do this."""
    if not can_manage_members(actor, agreement):
        raise PermissionDenied(_("Only the agreement's owner may manage its members."))
    membership = Membership.objects.filter(agreement=agreement, user=user).first()
    before = snapshot(membership) if membership else {}
    membership = membership or Membership(agreement=agreement, user=user)
    membership.role, membership.party = role, party
    membership.full_clean()
    membership.save()
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    audit(actor=actor, obj=membership, action=action, before=before)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    if not can_manage_members(actor, membership.agreement):
        raise PermissionDenied(_("Only the agreement's owner may manage its members."))
    audit(
        actor=actor,
        obj=membership,
        action=AuditAction.DELETE,
        before=snapshot(membership),
        after={},
    )
    membership.delete()
